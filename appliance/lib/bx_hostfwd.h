/*
 * Port forwarding rules of user (slirp) networking, in QEMU's -netdev
 * user hostfwd= syntax: `[tcp|udp]:[hostaddr]:hostport-[guestaddr]:guestport`.
 * An empty protocol is tcp, an empty host address any (0.0.0.0), an
 * empty guest address 0 (the first address slirp's DHCP hands out).
 * Addresses are dotted IPv4; ports 1-65535.  Shared by xl (which checks
 * a vif's hostfwd= settings) and bastion-dm (which sets them up).
 */
#ifndef BASTION_BX_HOSTFWD_H
#define BASTION_BX_HOSTFWD_H

#include <netinet/in.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct bx_hostfwd {
	bool udp;
	struct in_addr host_addr, guest_addr; /* network order */
	uint16_t host_port, guest_port;
};

/* The len bytes at text as one rule; 0, or -1 if it is not one. */
int bx_hostfwd_parse(const char *text, size_t len, struct bx_hostfwd *rule);

#endif
