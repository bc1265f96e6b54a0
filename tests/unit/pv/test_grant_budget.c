/*
 * Host tests of one guest's grant budget (dm/pv/grant_budget.c) alone:
 * the floor on its size, the rings' reserves and the shared rest, the
 * persistent caches' half, and waking the rings that waited (each once, a
 * ring that waits again while woken kept for the next release, a
 * cancelled one never, and none for a release from a reserve).
 */
#include <stdbool.h>
#include <stddef.h>

#include "grant_budget.h"
#include "pv_check.h"

struct ring {
	struct grant_budget_waiter w; /* first: wake finds the ring from it */
	struct grant_budget *gb;
	unsigned woken;
	bool wait_again;
};

static void wake(struct grant_budget_waiter *w)
{
	struct ring *r = (struct ring *)w;

	r->woken++;
	if (r->wait_again)
		grant_budget_wait(r->gb, &r->w);
}

static void test_sizes(void)
{
	struct grant_budget gb;

	grant_budget_init(&gb, 10);
	CHECK(gb.limit == GRANT_BUDGET_MIN && grant_budget_request_fits(&gb),
	      "grant budget: a tiny limit is raised to %u, which holds a request",
	      GRANT_BUDGET_MIN);
	grant_budget_init(&gb, 1000);
	CHECK(grant_budget_take_persistent(&gb, 400) && !grant_budget_take_persistent(&gb, 101) &&
	      grant_budget_take_persistent(&gb, 100) && gb.persistent == 500 && gb.used == 500,
	      "grant budget: the caches get half of 1000 pages and no more");
	CHECK(grant_budget_request_fits(&gb), "grant budget: 500 free hold a request");
	grant_budget_add_ring(&gb);
	CHECK(!grant_budget_request_fits(&gb),
	      "grant budget: a ring's reserve leaves 243 shared, not a request");
	grant_budget_take(&gb, 257, true);
	CHECK(gb.reserved == 257 && gb.peak == 757 && gb.used == 500,
	      "grant budget: the ring maps its reserve beside them (peak %u)", gb.peak);
	grant_budget_put(&gb, 257, GRANT_BUDGET_RESERVE);
	grant_budget_put(&gb, 500, GRANT_BUDGET_CACHE);
	grant_budget_remove_ring(&gb);
	CHECK(gb.used == 0 && gb.persistent == 0 && gb.reserved == 0 && gb.peak == 757,
	      "grant budget: everything released, the peak kept");
	grant_budget_init(&gb, 1028);
	grant_budget_add_ring(&gb);
	grant_budget_add_ring(&gb);
	CHECK(grant_budget_take_persistent(&gb, 257) && !grant_budget_take_persistent(&gb, 1) &&
	      grant_budget_request_fits(&gb),
	      "grant budget: beside two reserves the caches get half the shared 514 pages,"
	      " and a request still fits");
	grant_budget_put(&gb, 257, GRANT_BUDGET_CACHE);
	grant_budget_init(&gb, GRANT_BUDGET_MIN);
	for (int i = 0; i < 3; i++)
		grant_budget_add_ring(&gb);
	CHECK(!grant_budget_request_fits(&gb) && !grant_budget_take_persistent(&gb, 1),
	      "grant budget: three rings' reserves over a %u limit leave nothing shared",
	      GRANT_BUDGET_MIN);
}

static void test_waiters(void)
{
	struct grant_budget gb;
	struct ring a = { .w.wake = wake, .gb = &gb }, b = a, c = a;

	grant_budget_init(&gb, 1000);
	grant_budget_take(&gb, 900, false);
	grant_budget_wait(&gb, &a.w);
	grant_budget_wait(&gb, &a.w); /* twice: still one entry */
	grant_budget_wait(&gb, &b.w);
	grant_budget_wait(&gb, &c.w);
	grant_budget_cancel(&gb, &c.w);
	grant_budget_take(&gb, 50, true);
	grant_budget_put(&gb, 50, GRANT_BUDGET_RESERVE);
	CHECK(a.woken == 0 && b.woken == 0, "grant budget: a release from a reserve wakes nobody");
	b.wait_again = true;
	grant_budget_put(&gb, 100, GRANT_BUDGET_SHARED);
	CHECK(a.woken == 1 && b.woken == 1 && c.woken == 0 && gb.waits == 4,
	      "grant budget: a shared release wakes each waiting ring once, not a cancelled one"
	      " (%u %u %u; 4 waits, b's second from its wake)", a.woken, b.woken, c.woken);
	b.wait_again = false;
	grant_budget_put(&gb, 100, GRANT_BUDGET_SHARED);
	CHECK(a.woken == 1 && b.woken == 2 && gb.waiters == NULL,
	      "grant budget: a ring that waited again from its wake is woken by the next");
	grant_budget_put(&gb, 700, GRANT_BUDGET_SHARED);
	CHECK(a.woken == 1 && b.woken == 2 && gb.used == 0,
	      "grant budget: with nobody waiting a release wakes nobody");
	grant_budget_add_ring(&gb);
	grant_budget_wait(&gb, &a.w);
	grant_budget_remove_ring(&gb);
	CHECK(a.woken == 2, "grant budget: a ring going (its reserve freed) wakes the waiters");
}

void test_grant_budget(void)
{
	test_sizes();
	test_waiters();
}
