/*
 * Host tests of one guest's grant budget (dm/pv/grant_budget.c) alone:
 * the floor on its size, the persistent caches' half, the room a request
 * needs, and waking the rings that waited (each once, a ring that waits
 * again while woken kept for the next release, a cancelled one never).
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
	grant_budget_take(&gb, 300);
	CHECK(!grant_budget_request_fits(&gb) && gb.peak == 800,
	      "grant budget: 200 free do not; the peak is 800 (%u)", gb.peak);
	grant_budget_put(&gb, 300, false);
	grant_budget_put(&gb, 500, true);
	CHECK(gb.used == 0 && gb.persistent == 0 && gb.peak == 800,
	      "grant budget: everything released, the peak kept");
}

static void test_waiters(void)
{
	struct grant_budget gb;
	struct ring a = { .w.wake = wake, .gb = &gb }, b = a, c = a;

	grant_budget_init(&gb, 1000);
	grant_budget_take(&gb, 900);
	grant_budget_wait(&gb, &a.w);
	grant_budget_wait(&gb, &a.w); /* twice: still one entry */
	grant_budget_wait(&gb, &b.w);
	grant_budget_wait(&gb, &c.w);
	grant_budget_cancel(&gb, &c.w);
	b.wait_again = true;
	grant_budget_put(&gb, 100, false);
	CHECK(a.woken == 1 && b.woken == 1 && c.woken == 0 && gb.waits == 4,
	      "grant budget: a release wakes each waiting ring once, not a cancelled one"
	      " (%u %u %u; 4 waits, b's second from its wake)", a.woken, b.woken, c.woken);
	b.wait_again = false;
	grant_budget_put(&gb, 100, false);
	CHECK(a.woken == 1 && b.woken == 2 && gb.waiters == NULL,
	      "grant budget: a ring that waited again from its wake is woken by the next");
	grant_budget_put(&gb, 700, false);
	CHECK(a.woken == 1 && b.woken == 2 && gb.used == 0,
	      "grant budget: with nobody waiting a release wakes nobody");
}

void test_grant_budget(void)
{
	test_sizes();
	test_waiters();
}
