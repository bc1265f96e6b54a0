/*
 * The network ring engine: moves Ethernet frames between a connected
 * netif (one tx ring, one rx ring, one event channel) and a link, the
 * packet sink behind it: a packet fd (a tap in bastion-dm, a socketpair
 * in the host tests; netif_link_fd.c) or libslirp's user networking
 * (net_slirp.c).  It knows nothing of xenstore, /dev/xen or which link
 * it has: grant maps and event kicks go through struct pv_host, frames
 * through struct netif_link_ops (tests/unit/pv drives it with a fake
 * frontend).
 *
 * Threading: every call runs in the one main-loop thread.
 */
#ifndef BASTION_PV_NETIF_H
#define BASTION_PV_NETIF_H

#include <stdbool.h>
#include <stdint.h>
#include <sys/types.h>
#include <sys/uio.h>

#include "pv_host.h"

/* Where a netif's frames go and come from.  Every call runs in the main
 * loop's thread; none calls back into the engine synchronously. */
struct netif_link_ops {
	/* One frame from the guest, gathered from iov (led by a struct
	 * virtio_net_hdr when the config says vnet_hdr), as writev: the
	 * bytes taken, or -1 with errno (the frame is dropped). */
	ssize_t (*send)(void *link, const struct iovec *iov, int iovcnt);
	/* The next frame for the guest scattered into iov, as readv: its
	 * length, or -1 with errno EAGAIN when none waits. */
	ssize_t (*recv)(void *link, const struct iovec *iov, int iovcnt);
	/* Calls ready(arg) from the main loop while recv has frames, until
	 * unwatch; returns a watch id > 0, or -errno. */
	long (*watch)(void *link, void (*ready)(void *arg), void *arg);
	void (*unwatch)(void *link, long watch);
};

/* A packet fd as a link (netif_link_fd.c): writev, readv, and the fd
 * watched through host->ops->watch_fd. */
struct netif_fd_link {
	struct pv_host *host;
	int fd; /* non-blocking */
};
extern const struct netif_link_ops netif_fd_link_ops;

struct netif_stats {
	uint64_t tx_packets, tx_bytes;   /* frames the link took */
	uint64_t tx_errors;              /* packets answered NETIF_RSP_ERROR */
	uint64_t tx_dropped;             /* the link refused them (full, down) */
	uint64_t tx_csum_filled;         /* checksums completed for the guest */
	uint64_t tx_gso;                 /* TCPv4 GSO packets handed to the link */
	uint64_t rx_packets, rx_bytes;   /* frames copied to the guest */
	uint64_t rx_dropped;             /* too big, or the guest's buffer failed to map */
	uint64_t notifies;
};

struct netif_engine;

struct netif_config {
	struct pv_host *host;
	void *tx_sring, *rx_sring; /* mapped, one page each; kept mapped by
				    * the caller until netif_engine_free */
	uint32_t port;             /* local event channel to kick */
	const struct netif_link_ops *link_ops; /* frames in and out */
	void *link;
	/* Each frame on the link is led by a struct virtio_net_hdr (a tap
	 * with IFF_VNET_HDR): then TCPv4 GSO packets go out whole, the
	 * kernel segments them and fills their checksums.  Without it, GSO
	 * packets are refused (offer no feature-gso-tcpv4 then). */
	bool vnet_hdr;
	/* What the link watch calls when frames wait (the caller's wrapper
	 * around netif_engine_link_ready, which may then see the engine
	 * broken). */
	void (*link_ready)(void *arg);
	void *link_ready_arg;
};

struct netif_engine *netif_engine_new(const struct netif_config *cfg);
/* The event channel fired: takes the packets the guest sent (up to a
 * ring's worth, then host->ops->later) and fills rx buffers it posted. */
void netif_engine_kick(struct netif_engine *e);
/* The link has frames: to the guest while it has rx buffers; with none,
 * the link watch stops until the guest posts more (and kicks). */
void netif_engine_link_ready(struct netif_engine *e);
/* Stops watching the link and frees; the rings stay mapped (the caller's). */
void netif_engine_free(struct netif_engine *e);

/* The guest wrote something impossible; the engine stopped.  why says
 * what (for the log and the disconnect). */
bool netif_engine_broken(const struct netif_engine *e);
const char *netif_engine_why(const struct netif_engine *e);
const struct netif_stats *netif_engine_stats(const struct netif_engine *e);

/* Completes the TCP or UDP checksum of an Ethernet frame whose checksum
 * field holds the pseudo-header sum (Linux's CHECKSUM_PARTIAL, netif's
 * NETTXF_csum_blank), over IPv4 or IPv6 (no extension headers), one
 * VLAN tag allowed.  False when the frame is not one of those. */
bool netif_csum_complete(uint8_t *frame, uint32_t len);
/* Where that frame's L4 header starts (*l4), where the IP packet ends
 * (*end) and its protocol; false if it is not one of those. */
bool netif_find_l4(const uint8_t *frame, uint32_t len, uint32_t *l4, uint32_t *end,
		   uint8_t *proto);

#endif
