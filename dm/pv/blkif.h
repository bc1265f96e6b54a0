/*
 * The block request engine: consumes a connected blkif ring, checks every
 * request the frontend wrote, runs the I/O on dm/block's worker pool and
 * pushes the responses.  It knows nothing of xenstore or /dev/xen: grant
 * maps and event kicks go through struct pv_host, so host tests drive it
 * with a fake frontend (tests/unit/pv).
 *
 * Threading: every call, and every completion (blk_aio_complete), runs in
 * the one main-loop thread.
 */
#ifndef BASTION_PV_BLKIF_H
#define BASTION_PV_BLKIF_H

#include <stdbool.h>
#include <stdint.h>

#include "block.h"
#include "pv_host.h"

#define BLKIF_MAX_RING_PAGE_ORDER 4   /* 16 ring pages */
#define BLKIF_MAX_INDIRECT_SEGMENTS 256
/* Requests of one ring running at once (each may hold up to 256 grant
 * mappings of its own); the rest wait on the ring. */
#define BLKIF_MAX_IN_FLIGHT 32

struct blkif_disk {
	struct blk *blk;
	uint64_t sectors;      /* 512-byte units */
	bool read_only;
	bool can_discard;
};

struct blkif_stats {
	uint64_t ok, error, eopnotsupp; /* responses by status */
	uint64_t notifies;              /* event-channel kicks sent */
	uint64_t map_calls;             /* per-request grant maps (not the cache's) */
};

struct blkif_engine;

/* Entries in a ring of nr_pages pages (io/ring.h: a power of two). */
/* The ring's layout, from the frontend's "protocol" key: a 64-bit guest's
 * (x86_64-abi, or no key) or a 32-bit x86 guest's (x86_32-abi), whose
 * requests lack the 4 bytes of padding before id (io/blkif.h). */
enum blkif_abi { BLKIF_ABI_NATIVE, BLKIF_ABI_X86_32 };

unsigned blkif_ring_entries(unsigned nr_pages, enum blkif_abi abi);

/* sring: the mapped ring pages (the caller keeps them mapped until
 * blkif_engine_free); port: the local event channel to kick. */
struct blkif_engine *blkif_engine_new(struct pv_host *host, struct blk_aio *aio,
				      const struct blkif_disk *disk, void *sring,
				      unsigned nr_pages, enum blkif_abi abi, uint32_t port);
/* The frontend wrote feature-persistent 1: keep up to max_grants of its
 * data and indirect grants mapped (blkif_pgrant.h) until the engine is
 * freed.  Call before the first kick; 0 or -ENOMEM. */
int blkif_engine_use_persistent(struct blkif_engine *e, unsigned max_grants);
/* Takes the requests the frontend has published (its event fired): up to
 * a ring's worth, then host->ops->later asks for another kick. */
void blkif_engine_kick(struct blkif_engine *e);
/* Waits for every request in flight to complete and be answered. */
void blkif_engine_drain(struct blkif_engine *e);
/* Drains, then frees; every grant mapping it made is released. */
void blkif_engine_free(struct blkif_engine *e);

/* The disk was resized (blk_refresh_size): requests are checked against
 * the new end from now on. */
void blkif_engine_resize(struct blkif_engine *e, uint64_t sectors);

unsigned blkif_engine_in_flight(const struct blkif_engine *e);
/* The frontend wrote an impossible producer index; the ring is dead. */
bool blkif_engine_broken(const struct blkif_engine *e);
const struct blkif_stats *blkif_engine_stats(const struct blkif_engine *e);
/* Grants the persistent cache holds mapped (0 without one). */
unsigned blkif_engine_persistent_grants(const struct blkif_engine *e);

#endif
