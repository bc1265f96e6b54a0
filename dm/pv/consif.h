/*
 * The console ring engine: moves bytes between a connected secondary PV
 * console (one xencons page, one event channel; Xen's public
 * io/console.h) and a peer fd in dom0 - the client of the device's unix
 * socket or its pty master.  The ring rules (indexes read once, a ring
 * whose producer runs more than its size ahead is broken) are
 * appliance/consoled's cons_ring.c, shared with the primary console's
 * daemon.  It knows nothing of xenstore or /dev/xen: kicks and fd
 * watches go through struct pv_host (tests/unit/pv drives it with a fake
 * frontend and a socketpair).
 *
 * Output (guest to peer) waits in a buffer of at most `limit` bytes.
 * With a peer that keeps it (a socket client) a full buffer stops the
 * engine taking from the ring, so the guest waits; otherwise (a pty
 * nobody may read) the excess is discarded as xenconsoled does, and with
 * no peer at all the output is discarded.  Input (peer to guest) is read
 * only while the guest's input ring has room; the guest's kick after it
 * consumed makes the engine read again.
 *
 * Threading: every call runs in the one main-loop thread.
 */
#ifndef BASTION_PV_CONSIF_H
#define BASTION_PV_CONSIF_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "public/io/console.h"
#include "pv_host.h"

struct consif_stats {
	uint64_t out_bytes;  /* guest output written to the peer */
	uint64_t in_bytes;   /* peer input put in the guest's ring */
	uint64_t dropped;    /* guest output discarded (no peer, or bound) */
};

struct consif_config {
	struct pv_host *host;
	struct xencons_interface *intf; /* mapped writable; kept mapped by the
					 * caller until consif_free */
	uint32_t port;                  /* local event channel to kick */
	size_t limit;                   /* bound on output held for the peer */
	/* Called after the engine acted from one of its fd watches: the
	 * owner then looks at consif_broken and consif_peer_lost. */
	void (*after_io)(void *arg);
	void *arg;
};

struct consif;

struct consif *consif_new(const struct consif_config *cfg);
/* Stops the watches and frees; neither the ring nor the peer fd is the
 * engine's to release. */
void consif_free(struct consif *c);

/* The peer to talk to from now on (non-blocking; -1: none).  keep: hold
 * output for it up to the limit (else discard past the limit). */
void consif_set_peer(struct consif *c, int fd, bool keep);
/* The peer hung up or failed since the last call: the engine dropped it
 * (the fd is still open; the owner closes it).  Clears the flag. */
bool consif_peer_lost(struct consif *c);

/* The event channel fired: takes the guest's output, fills its input. */
void consif_kick(struct consif *c);

/* The guest's ring indexes are impossible; the engine stopped.  why says
 * which ring and the indexes. */
bool consif_broken(const struct consif *c);
const char *consif_why(const struct consif *c);
const struct consif_stats *consif_stats(const struct consif *c);

#endif
