/*
 * User-mode networking behind a netif: libslirp's TCP/IP stack in
 * bastion-dm, as QEMU's -netdev user, for hosts where the user wants no
 * tap, bridge or root networking.  Frames the guest sends go to
 * slirp_input; frames slirp emits wait in a queue for the guest's rx
 * buffers.  The guest sees QEMU's defaults: network 10.0.2.0/24, the
 * host (dom0 itself, its loopback included) at 10.0.2.2, DNS forwarded
 * at 10.0.2.3, DHCP from 10.0.2.15.  No IPv6, no TFTP, no guestfwd.
 *
 * net_slirp.c builds against libslirp; net_slirp_none.c, for builds
 * without it (the static bastion-dm), refuses every instance.
 */
#ifndef BASTION_PV_NET_SLIRP_H
#define BASTION_PV_NET_SLIRP_H

#include "netif.h"

struct net_slirp;

/* A stack for one device; name is for the log ("dom5/0").  hostfwds:
 * rules in QEMU's hostfwd syntax (appliance/lib/bx_hostfwd.h) separated
 * by blanks, or NULL.  NULL on failure, the reason logged (a bad rule,
 * a host port already taken). */
struct net_slirp *net_slirp_new(const char *name, const char *hostfwds);
void net_slirp_free(struct net_slirp *ns);

/* The link a netif engine moves frames through (no vnet header). */
extern const struct netif_link_ops net_slirp_link_ops;

#endif
