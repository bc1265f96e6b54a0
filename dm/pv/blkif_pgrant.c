/*
 * blkif_pgrant.c - the persistent-grant cache of one blkif ring (see
 * blkif_pgrant.h).  Protocol facts from Xen's public io/blkif.h
 * ("feature-persistent") and Linux's xen-blkfront, which takes data and
 * indirect-page grants from one pool, grants them read-write and reuses
 * first the ones the backend still has mapped.
 *
 * Layout: an open-addressed table (linear probing, twice the cache's
 * bound, never deleted from: entries go only when the whole cache does)
 * maps a ref to its page; the host mappings themselves are kept as the
 * batches they were made in, one per map call, to be unmapped at the end.
 */
#include <errno.h>
#include <stdbool.h>
#include <stdlib.h>

#include "blkif_pgrant.h"
#include "grant_budget.h"
#include "public/io/blkif.h"

#define PGRANT_BATCH_MAX 256u /* refs in one call: a request's segments */

struct pgrant_slot {
	uint32_t ref;
	uint8_t *page; /* NULL: the slot is free */
};

struct pgrant_batch {
	uint8_t *addr;
	uint32_t nr;
	uint64_t handle;
};

struct blkif_pgrants {
	struct pv_host *host;
	unsigned max, count;
	unsigned table_mask;          /* table size - 1, a power of two */
	struct pgrant_slot *table;
	struct pgrant_batch *batches; /* at most max of them */
	unsigned nr_batches;
	unsigned map_calls;
};

static unsigned slot_of(const struct blkif_pgrants *pg, uint32_t ref)
{
	/* Knuth's multiplicative hash; its high bits depend on every bit of
	 * ref, so refs a guest picks alike in their low bits still spread */
	return (uint32_t)(ref * 2654435761u) >> (32 - __builtin_popcount(pg->table_mask));
}

static uint8_t *lookup(const struct blkif_pgrants *pg, uint32_t ref)
{
	for (unsigned i = slot_of(pg, ref);; i = (i + 1) & pg->table_mask) {
		if (!pg->table[i].page)
			return NULL;
		if (pg->table[i].ref == ref)
			return pg->table[i].page;
	}
}

/* Precondition: ref is not in the table and count < max (so a free slot). */
static void insert(struct blkif_pgrants *pg, uint32_t ref, uint8_t *page)
{
	unsigned i = slot_of(pg, ref);

	while (pg->table[i].page)
		i = (i + 1) & pg->table_mask;
	pg->table[i] = (struct pgrant_slot){ .ref = ref, .page = page };
	pg->count++;
}

struct blkif_pgrants *blkif_pgrants_new(struct pv_host *host, unsigned max)
{
	struct blkif_pgrants *pg;
	unsigned size = 1;

	if (max == 0 || max > BLKIF_MAX_PERSISTENT_GRANTS)
		return NULL;
	while (size < 2 * max)
		size *= 2;
	pg = calloc(1, sizeof(*pg));
	if (!pg)
		return NULL;
	pg->host = host;
	pg->max = max;
	pg->table_mask = size - 1;
	pg->table = calloc(size, sizeof(*pg->table));
	pg->batches = calloc(max, sizeof(*pg->batches));
	if (!pg->table || !pg->batches) {
		blkif_pgrants_free(pg);
		return NULL;
	}
	return pg;
}

void blkif_pgrants_free(struct blkif_pgrants *pg)
{
	if (!pg)
		return;
	for (unsigned i = 0; i < pg->nr_batches; i++)
		pg->host->ops->unmap_grants(pg->host, pg->batches[i].addr,
					    pg->batches[i].nr, pg->batches[i].handle);
	if (pg->host->budget && pg->count)
		grant_budget_put(pg->host->budget, pg->count, GRANT_BUDGET_CACHE);
	free(pg->batches);
	free(pg->table);
	free(pg);
}

static bool listed(const uint32_t *refs, uint32_t nr, uint32_t ref)
{
	for (uint32_t i = 0; i < nr; i++)
		if (refs[i] == ref)
			return true;
	return false;
}

/* Maps the nr distinct refs in one call and caches each page. */
static int map_new(struct blkif_pgrants *pg, const uint32_t *refs, uint32_t nr)
{
	struct pgrant_batch *b = &pg->batches[pg->nr_batches];
	struct grant_budget *gb = pg->host->budget;

	if (gb && !grant_budget_take_persistent(gb, nr))
		return -ENOSPC;
	pg->map_calls++;
	b->addr = pg->host->ops->map_grants(pg->host, refs, nr, true, &b->handle);
	if (!b->addr) {
		if (gb)
			grant_budget_put(gb, nr, GRANT_BUDGET_CACHE);
		return -EFAULT;
	}
	b->nr = nr;
	pg->nr_batches++;
	for (uint32_t i = 0; i < nr; i++)
		insert(pg, refs[i], b->addr + (size_t)i * BLKIF_PAGE_SIZE);
	return 0;
}

int blkif_pgrants_get(struct blkif_pgrants *pg, const uint32_t *refs, uint32_t nr,
		      uint8_t **pages)
{
	uint32_t missing[PGRANT_BATCH_MAX];
	uint32_t nr_missing = 0;
	int rc;

	if (nr > PGRANT_BATCH_MAX)
		return -EINVAL;
	for (uint32_t i = 0; i < nr; i++) {
		pages[i] = lookup(pg, refs[i]);
		if (!pages[i] && !listed(missing, nr_missing, refs[i]))
			missing[nr_missing++] = refs[i];
	}
	if (nr_missing == 0)
		return 0;
	/* One batch per call and at least one ref per batch: the batch
	 * array cannot overflow while the count stays within max. */
	if (nr_missing > pg->max - pg->count)
		return -ENOSPC;
	rc = map_new(pg, missing, nr_missing);
	if (rc < 0)
		return rc;
	for (uint32_t i = 0; i < nr; i++)
		if (!pages[i])
			pages[i] = lookup(pg, refs[i]);
	return 0;
}

unsigned blkif_pgrants_count(const struct blkif_pgrants *pg)
{
	return pg->count;
}

unsigned blkif_pgrants_map_calls(const struct blkif_pgrants *pg)
{
	return pg->map_calls;
}
