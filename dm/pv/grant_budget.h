/*
 * The grant pages one bastion-dm keeps mapped at once over all the block
 * rings of its guest.  dom0's maptrack (Xen's default: 1024 frames, 262144
 * mappings) is shared by every backend of every guest, and Linux's blkback
 * bounds each ring alone, so a guest with many disks and queues could take
 * most of it.  Here one guest's rings share one budget:
 *
 *  - every ring has a reserve of one request's worth
 *    (GRANT_BUDGET_REQUEST_PAGES): its first request in flight maps from
 *    it, whatever the others do, so no ring is starved or stalled by
 *    another (a busy disk, or one whose storage hangs);
 *  - what is left of the limit is shared: a further request is taken only
 *    while the most it can map still fits there, else the ring waits and
 *    is woken when shared pages are released;
 *  - persistent-grant caches map from the shared part and may hold half
 *    of it; past that a request maps its grants for itself.  A request
 *    the caches serve whole maps nothing and leaves the reserve free.
 *
 * Requests never fail for want of budget.  With more rings than the limit
 * holds reserves for, the reserves win: each ring still runs one request.
 * A ring added while the shared part is in use (a disk attached) gets
 * its reserve at once, so the total may pass the limit by 257 pages per
 * such ring until shared pages are released.
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
/* The least limit: two rings' reserves. */
#define GRANT_BUDGET_MIN (2 * GRANT_BUDGET_REQUEST_PAGES)

struct grant_budget_waiter {
	void (*wake)(struct grant_budget_waiter *w);
	struct grant_budget_waiter *next;
	bool waiting;
};

struct grant_budget {
	unsigned limit;      /* pages, reserves included */
	unsigned rings;      /* rings holding a reserve */
	unsigned used;       /* shared pages mapped now, the caches' included */
	unsigned persistent; /* of used: held by persistent-grant caches */
	unsigned reserved;   /* pages mapped from the rings' reserves now */
	unsigned peak;       /* most pages mapped at once, reserves included */
	unsigned waits;      /* times a ring waited for shared room */
	struct grant_budget_waiter *waiters;
};

/* limit: GRANT_BUDGET_MIN or more (raised to it). */
void grant_budget_init(struct grant_budget *gb, unsigned limit);
/* A ring comes (its reserve set aside) or goes (nothing of it mapped;
 * its reserve joins the shared part, and waiters are woken). */
void grant_budget_add_ring(struct grant_budget *gb);
void grant_budget_remove_ring(struct grant_budget *gb);
/* A request that may map GRANT_BUDGET_REQUEST_PAGES fits in the shared part. */
bool grant_budget_request_fits(const struct grant_budget *gb);
/* Counts pages a request mapped: from its ring's reserve, or shared (the
 * request fitted when taken). */
void grant_budget_take(struct grant_budget *gb, unsigned pages, bool reserve);
/* Counts pages a persistent cache maps; false (nothing counted) when the
 * caches would pass half the shared part or it has no room. */
bool grant_budget_take_persistent(struct grant_budget *gb, unsigned pages);
/* Releases pages taken one of the three ways; a release of shared pages
 * wakes every waiter. */
enum grant_budget_kind { GRANT_BUDGET_SHARED, GRANT_BUDGET_RESERVE, GRANT_BUDGET_CACHE };
void grant_budget_put(struct grant_budget *gb, unsigned pages, enum grant_budget_kind kind);
/* w->wake runs (once) at the next release of shared pages; waiting again
 * while waiting is a no-op.  cancel takes w off the list. */
void grant_budget_wait(struct grant_budget *gb, struct grant_budget_waiter *w);
void grant_budget_cancel(struct grant_budget *gb, struct grant_budget_waiter *w);

#endif
