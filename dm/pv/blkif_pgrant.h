/*
 * Persistent grants of one blkif ring (Xen's public io/blkif.h,
 * "feature-persistent"): when both ends agree, the frontend keeps reusing
 * the same grant refs for data and indirect pages, and the backend keeps
 * each one mapped from its first use until the device disconnects, so the
 * steady state maps nothing.  The cache is bounded; when it cannot take a
 * request's new refs the caller maps that request as usual.
 *
 * Refs are the frontend domain's and the cache belongs to one ring of one
 * device: nothing here is shared between devices or guests.  A ref the
 * frontend revokes or re-points while cached keeps its old mapping, a page
 * that domain granted us; the frontend only fools itself.
 *
 * Threading: the main-loop thread only.
 */
#ifndef BASTION_PV_BLKIF_PGRANT_H
#define BASTION_PV_BLKIF_PGRANT_H

#include <stdint.h>

#include "pv_host.h"

/* Linux's blkback keeps at most this many per ring (max_persistent_grants). */
#define BLKIF_MAX_PERSISTENT_GRANTS 1056u

struct blkif_pgrants;

/* A cache of at most max grants (1..BLKIF_MAX_PERSISTENT_GRANTS), or NULL
 * when out of memory. */
struct blkif_pgrants *blkif_pgrants_new(struct pv_host *host, unsigned max);
/* Unmaps every cached grant.  Precondition: no I/O uses them any more. */
void blkif_pgrants_free(struct blkif_pgrants *pg);

/* Sets pages[i] to the mapped page of refs[i], i < nr (nr <= 256),
 * mapping the refs not cached yet, read-write, in one host call.
 * Returns 0; -ENOSPC if the new refs do not fit, in this cache or in the
 * caches' half of the guest's grant budget (nothing changed);
 * -EFAULT if mapping them failed (nothing cached: one bad or read-only
 * ref fails the batch); -ENOMEM. */
int blkif_pgrants_get(struct blkif_pgrants *pg, const uint32_t *refs, uint32_t nr,
		      uint8_t **pages);

unsigned blkif_pgrants_count(const struct blkif_pgrants *pg);
/* Host map calls made (batches), for tests and statistics. */
unsigned blkif_pgrants_map_calls(const struct blkif_pgrants *pg);

#endif
