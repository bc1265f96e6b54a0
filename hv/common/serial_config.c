/*
 * Parses the serial port option in Xen's syntax (docs/misc/xen-command-line
 * "com1"): baud rate or "auto", then data bits, parity and stop bits as
 * one word ("8n1"), then an optional I/O base.  Pure code, host-tested.
 */
#include "serial.h"

/* Returns the length of the field starting at s (up to ',' or end). */
static size_t field_len(const char *s, size_t len)
{
	size_t n = 0;
	while (n < len && s[n] != ',')
		n++;
	return n;
}

static const char *parse_baud(const char *s, size_t n, struct serial_config *c)
{
	uint64_t baud;
	size_t slash = 0;
	while (slash < n && s[slash] != '/')
		slash++;
	if (slash == 4 && !strncmp(s, "auto", 4)) {
		c->baud = 0;
		return NULL;
	}
	if (parse_u64(s, slash, false, &baud) || baud < 50 || baud > 115200 * 8)
		return "baud rate must be a number from 50 to 921600, or auto";
	c->baud = (uint32_t)baud;
	return NULL;
}

static const char *parse_dps(const char *s, size_t n, struct serial_config *c)
{
	if (n != 3 || s[0] < '5' || s[0] > '8' || (s[2] != '1' && s[2] != '2'))
		return "expected data bits, parity and stop bits such as 8n1";
	switch (s[1]) {
	case 'n': case 'o': case 'e': case 'm': case 's': break;
	default: return "parity must be one of n, o, e, m, s";
	}
	c->data_bits = (uint8_t)(s[0] - '0');
	c->parity = s[1];
	c->stop_bits = (uint8_t)(s[2] - '0');
	return NULL;
}

const char *serial_parse_config(const char *s, size_t len, struct serial_config *cfg)
{
	struct serial_config c = *cfg;
	uint64_t io;
	size_t n = field_len(s, len);
	const char *why = n ? parse_baud(s, n, &c) : "needs a baud rate";
	if (why)
		return why;
	if (n < len) {
		s += n + 1, len -= n + 1;
		n = field_len(s, len);
		if ((why = parse_dps(s, n, &c)))
			return why;
	}
	if (n < len) {
		s += n + 1, len -= n + 1;
		n = field_len(s, len);
		if (n != len || parse_u64(s, n, false, &io) || io == 0 || io > 0xfff8)
			return "I/O base must be a port number such as 0x3f8";
		c.io_base = (uint16_t)io;
	}
	*cfg = c;
	return NULL;
}
