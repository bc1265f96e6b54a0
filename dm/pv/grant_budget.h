/*
 * The grant pages one bastion-dm keeps mapped at once over all the block
 * rings of its guest.  dom0's maptrack (Xen's default: 1024 frames, 262144
 * mappings) is shared by every backend of every guest, and Linux's blkback
 * bounds each ring alone, so a guest with many disks and queues could take
 * most of it.  Here one guest's rings share one budget:
 *
 *  - a ring takes a request only while the most one request can map
 *    (GRANT_BUDGET_REQUEST_PAGES) still fits; otherwise it waits, and is
 *    woken when a mapping of this guest is released;
 *  - persistent-grant caches may hold at most half the budget; past that
 *    a request's grants are mapped for it alone, as without the feature.
 *
 * So requests never fail for want of budget, and the wait always ends:
 * with no request in flight only the caches' half is mapped, and the
 * other half holds a request.
 *
 * Threading: the main-loop thread only.
 */
#ifndef BASTION_PV_GRANT_BUDGET_H
#define BASTION_PV_GRANT_BUDGET_H

#include <stdbool.h>

/* 256 data segments and the indirect page naming them (io/blkif.h). */
#define GRANT_BUDGET_REQUEST_PAGES 257u
/* 64 MiB of guest pages: sixteen guests at their worst fill dom0's maptrack. */
#define GRANT_BUDGET_DEFAULT 16384u
/* The least budget that holds a request beside full caches. */
#define GRANT_BUDGET_MIN (2 * GRANT_BUDGET_REQUEST_PAGES)

struct grant_budget_waiter {
	void (*wake)(struct grant_budget_waiter *w);
	struct grant_budget_waiter *next;
	bool waiting;
};

struct grant_budget {
	unsigned limit;      /* pages */
	unsigned used;       /* pages mapped now, the caches' included */
	unsigned persistent; /* of used: held by persistent-grant caches */
	unsigned peak;       /* most pages used at once (statistics) */
	unsigned waits;      /* times a ring waited for room (statistics) */
	struct grant_budget_waiter *waiters;
};

/* limit: GRANT_BUDGET_MIN or more (raised to it). */
void grant_budget_init(struct grant_budget *gb, unsigned limit);
/* A request that may map GRANT_BUDGET_REQUEST_PAGES fits now. */
bool grant_budget_request_fits(const struct grant_budget *gb);
/* Counts pages a request mapped (it fitted when taken). */
void grant_budget_take(struct grant_budget *gb, unsigned pages);
/* Counts pages a persistent cache maps; false (nothing counted) when the
 * caches would pass half the budget. */
bool grant_budget_take_persistent(struct grant_budget *gb, unsigned pages);
/* Releases pages taken either way and wakes every waiter. */
void grant_budget_put(struct grant_budget *gb, unsigned pages, bool persistent);
/* w->wake runs (once) at the next put; waiting again while waiting is a
 * no-op.  cancel takes w off the list. */
void grant_budget_wait(struct grant_budget *gb, struct grant_budget_waiter *w);
void grant_budget_cancel(struct grant_budget *gb, struct grant_budget_waiter *w);

#endif
