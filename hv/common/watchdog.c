/*
 * A domain's watchdogs (public/sched.h, SCHEDOP_watchdog): up to two
 * timers the guest arms and keeps re-arming.  One that runs out shuts the
 * domain down with SHUTDOWN_watchdog, as Xen 4.17 does; the toolstack
 * then applies its on_watchdog action.
 */
#include "watchdog.h"
#include "console.h"
#include "domain.h"
#include "vtime.h"
#include "public/errno.h"
#include "public/sched.h"
#include "x86/percpu.h"

#define NS_PER_S 1000000000ULL

static void watchdog_fired(void *data)
{
	struct domain *d = data;
	if (d->is_shutting_down || d->state != DOMAIN_ALIVE)
		return;
	printk("d%u: watchdog timer fired\n", d->domid);
	domain_shutdown(d, SHUTDOWN_watchdog);
}

static int arm(struct domain_watchdog *w, unsigned i, uint32_t timeout_s)
{
	return timer_set(&w->timer[i], now_ns() + timeout_s * NS_PER_S, this_cpu()->cpu_id);
}

long domain_watchdog(struct domain *d, uint32_t id, uint32_t timeout_s)
{
	struct domain_watchdog *w = &d->watchdog;
	long rc = 0;
	if (id > DOMAIN_WATCHDOGS)
		return -XEN_EINVAL;
	uint64_t flags = spin_lock_irqsave(&w->lock);
	if (id == 0) {
		unsigned i = 0;
		while (i < DOMAIN_WATCHDOGS && (w->in_use & (1u << i)))
			i++;
		if (i == DOMAIN_WATCHDOGS || arm(w, i, timeout_s))
			rc = -XEN_ENOSPC;
		else
			w->in_use |= 1u << i, rc = i + 1;
	} else if (!(w->in_use & (1u << (id - 1)))) {
		rc = -XEN_EINVAL;
	} else if (timeout_s == 0) {
		timer_stop(&w->timer[id - 1]);
		w->in_use &= ~(1u << (id - 1));
	} else if (arm(w, id - 1, timeout_s)) {
		rc = -XEN_ENOSPC; /* this CPU's timer heap is full */
	}
	spin_unlock_irqrestore(&w->lock, flags);
	return rc;
}

static int watchdog_init(struct domain *d, const struct domain_config *cfg)
{
	(void)cfg;
	d->watchdog.in_use = 0;
	for (unsigned i = 0; i < DOMAIN_WATCHDOGS; i++)
		timer_init(&d->watchdog.timer[i], watchdog_fired, d);
	return 0;
}

static void watchdog_release(struct domain *d)
{
	for (unsigned i = 0; i < DOMAIN_WATCHDOGS; i++)
		timer_kill(&d->watchdog.timer[i]);
}

static const struct domain_hook watchdog_hook = { "watchdog", watchdog_init, watchdog_release,
						  watchdog_release };
DOMAIN_HOOK(45, watchdog_hook);
