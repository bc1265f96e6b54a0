/* grant_budget.c - one guest's grant mappings, counted (grant_budget.h). */
#include <stddef.h>

#include "grant_budget.h"

void grant_budget_init(struct grant_budget *gb, unsigned limit)
{
	*gb = (struct grant_budget){
		.limit = limit < GRANT_BUDGET_MIN ? GRANT_BUDGET_MIN : limit,
	};
}

void grant_budget_add_ring(struct grant_budget *gb)
{
	gb->rings++;
}

/* The limit less the rings' reserves (0 when they take it all). */
static unsigned shared_part(const struct grant_budget *gb)
{
	unsigned long long reserves = (unsigned long long)gb->rings * GRANT_BUDGET_REQUEST_PAGES;

	return reserves >= gb->limit ? 0 : gb->limit - (unsigned)reserves;
}

/* Shared pages free now. */
static unsigned shared_free(const struct grant_budget *gb)
{
	unsigned part = shared_part(gb);

	return gb->used >= part ? 0 : part - gb->used;
}

static void wake_all(struct grant_budget *gb)
{
	struct grant_budget_waiter *w = gb->waiters;

	gb->waiters = NULL;
	while (w) {
		struct grant_budget_waiter *next = w->next;
		w->waiting = false;
		w->next = NULL;
		w->wake(w); /* (may wait again: it goes on the new list) */
		w = next;
	}
}

void grant_budget_remove_ring(struct grant_budget *gb)
{
	gb->rings--;
	wake_all(gb); /* its reserve joins the shared part */
}

bool grant_budget_request_fits(const struct grant_budget *gb)
{
	return shared_free(gb) >= GRANT_BUDGET_REQUEST_PAGES;
}

static void count(struct grant_budget *gb, unsigned pages, bool reserve)
{
	if (reserve)
		gb->reserved += pages;
	else
		gb->used += pages;
	if (gb->used + gb->reserved > gb->peak)
		gb->peak = gb->used + gb->reserved;
}

void grant_budget_take(struct grant_budget *gb, unsigned pages, bool reserve)
{
	count(gb, pages, reserve);
}

bool grant_budget_take_persistent(struct grant_budget *gb, unsigned pages)
{
	unsigned cap = shared_part(gb) / 2;

	if (gb->persistent >= cap || pages > cap - gb->persistent || pages > shared_free(gb))
		return false;
	gb->persistent += pages;
	count(gb, pages, false);
	return true;
}

void grant_budget_put(struct grant_budget *gb, unsigned pages, enum grant_budget_kind kind)
{
	if (kind == GRANT_BUDGET_RESERVE) {
		gb->reserved -= pages;
		return; /* (its own ring's completion kicks it) */
	}
	gb->used -= pages;
	if (kind == GRANT_BUDGET_CACHE)
		gb->persistent -= pages;
	wake_all(gb);
}

void grant_budget_wait(struct grant_budget *gb, struct grant_budget_waiter *w)
{
	if (w->waiting)
		return;
	gb->waits++;
	w->waiting = true;
	w->next = gb->waiters;
	gb->waiters = w;
}

void grant_budget_cancel(struct grant_budget *gb, struct grant_budget_waiter *w)
{
	for (struct grant_budget_waiter **p = &gb->waiters; *p; p = &(*p)->next) {
		if (*p == w) {
			*p = w->next;
			break;
		}
	}
	w->waiting = false;
	w->next = NULL;
}
