/* hv/common/serial_config.c: Xen's com1= syntax. */
#include <string.h>
#include "check.h"
#include "serial.h"

static const char *parse(const char *s, struct serial_config *c)
{
	*c = (struct serial_config)SERIAL_DEFAULT_CONFIG;
	return serial_parse_config(s, strlen(s), c);
}

int main(void)
{
	struct serial_config c;
	CHECK(!parse("115200,8n1", &c) && c.baud == 115200 && c.data_bits == 8 && c.parity == 'n' &&
		      c.stop_bits == 1 && c.io_base == 0x3f8, "serial: 115200,8n1");
	CHECK(!parse("9600,7e2,0x2f8", &c) && c.baud == 9600 && c.data_bits == 7 && c.parity == 'e' &&
		      c.stop_bits == 2 && c.io_base == 0x2f8, "serial: 9600,7e2,0x2f8");
	CHECK(!parse("auto", &c) && c.baud == 0 && c.data_bits == 8, "serial: auto keeps the firmware's rate");
	CHECK(!parse("57600", &c) && c.baud == 57600 && c.parity == 'n', "serial: baud alone");
	const char *bad[] = { "", "fast", "115200,9n1", "115200,8x1", "115200,8n3", "115200,8n1,zz",
			      "115200,8n1,0x3f8,more", "10", "115200,8n", "115200,8n1,0" };
	unsigned refused = 0;
	for (unsigned i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		const char *why = parse(bad[i], &c);
		refused += why != NULL;
		if (!why)
			printf("  accepted bad value '%s'\n", bad[i]);
	}
	CHECK(refused == sizeof(bad) / sizeof(bad[0]), "serial: all %u malformed values refused with a reason",
	      refused);
	c = (struct serial_config){ 2400, 6, 'o', 2, 0x2e8 };
	serial_parse_config("38400,8n1,junk", 14, &c);
	CHECK(c.baud == 2400 && c.data_bits == 6 && c.parity == 'o' && c.io_base == 0x2e8,
	      "serial: a refused value leaves the config untouched");
	return check_exit();
}
