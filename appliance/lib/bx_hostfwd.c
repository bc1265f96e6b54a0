/*
 * bx_hostfwd.c - parses one hostfwd rule (see bx_hostfwd.h), the syntax
 * of QEMU's -netdev user,hostfwd= (docs: "Network options", hostfwd).
 */
#include <arpa/inet.h>
#include <string.h>

#include "bx_hostfwd.h"

/* "addr:port" with an optional address; 0 or -1. */
static int parse_endpoint(const char *text, size_t len, struct in_addr *addr, uint16_t *port)
{
	const char *colon = memchr(text, ':', len);
	char buf[INET_ADDRSTRLEN];
	size_t addr_len, port_len;
	unsigned long number = 0;

	if (!colon)
		return -1;
	addr_len = (size_t)(colon - text);
	port_len = len - addr_len - 1;
	if (addr_len >= sizeof(buf) || port_len == 0 || port_len > 5)
		return -1;
	addr->s_addr = htonl(INADDR_ANY);
	if (addr_len) {
		memcpy(buf, text, addr_len);
		buf[addr_len] = '\0';
		if (inet_pton(AF_INET, buf, addr) != 1)
			return -1;
	}
	for (size_t i = 0; i < port_len; i++) {
		char c = colon[1 + i];
		if (c < '0' || c > '9')
			return -1;
		number = number * 10 + (unsigned long)(c - '0');
	}
	if (number == 0 || number > 65535)
		return -1;
	*port = (uint16_t)number;
	return 0;
}

int bx_hostfwd_parse(const char *text, size_t len, struct bx_hostfwd *rule)
{
	const char *colon = memchr(text, ':', len), *dash;
	size_t proto_len;

	memset(rule, 0, sizeof(*rule));
	if (!colon)
		return -1;
	proto_len = (size_t)(colon - text);
	if (proto_len == 3 && !strncmp(text, "udp", 3))
		rule->udp = true;
	else if (proto_len != 0 && !(proto_len == 3 && !strncmp(text, "tcp", 3)))
		return -1;
	len -= proto_len + 1;
	text = colon + 1;
	dash = memchr(text, '-', len);
	if (!dash)
		return -1;
	if (parse_endpoint(text, (size_t)(dash - text), &rule->host_addr, &rule->host_port) < 0)
		return -1;
	len -= (size_t)(dash - text) + 1;
	return parse_endpoint(dash + 1, len, &rule->guest_addr, &rule->guest_port);
}
