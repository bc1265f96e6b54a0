/* grant_budget.c - one guest's grant mappings, counted (grant_budget.h). */
#include <stddef.h>

#include "grant_budget.h"

void grant_budget_init(struct grant_budget *gb, unsigned limit)
{
	*gb = (struct grant_budget){
		.limit = limit < GRANT_BUDGET_MIN ? GRANT_BUDGET_MIN : limit,
	};
}

bool grant_budget_request_fits(const struct grant_budget *gb)
{
	return gb->limit - gb->used >= GRANT_BUDGET_REQUEST_PAGES;
}

void grant_budget_take(struct grant_budget *gb, unsigned pages)
{
	gb->used += pages;
	if (gb->used > gb->peak)
		gb->peak = gb->used;
}

bool grant_budget_take_persistent(struct grant_budget *gb, unsigned pages)
{
	if (pages > gb->limit / 2 - gb->persistent || pages > gb->limit - gb->used)
		return false;
	gb->persistent += pages;
	grant_budget_take(gb, pages);
	return true;
}

void grant_budget_put(struct grant_budget *gb, unsigned pages, bool persistent)
{
	struct grant_budget_waiter *w = gb->waiters;

	gb->used -= pages;
	if (persistent)
		gb->persistent -= pages;
	gb->waiters = NULL;
	while (w) {
		struct grant_budget_waiter *next = w->next;
		w->waiting = false;
		w->next = NULL;
		w->wake(w); /* (may wait again: it goes on the new list) */
		w = next;
	}
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
