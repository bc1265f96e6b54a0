/* A domain's watchdog timers (SCHEDOP_watchdog; watchdog.c). */
#ifndef BASTION_WATCHDOG_H
#define BASTION_WATCHDOG_H

#include "lib.h"
#include "spinlock.h"
#include "timer.h"

#define DOMAIN_WATCHDOGS 2 /* as Xen's NR_DOMAIN_WATCHDOG_TIMERS */

struct domain_watchdog {
	spinlock_t lock;
	uint8_t in_use;      /* bit i: timer[i] is the guest's watchdog i + 1 */
	struct timer timer[DOMAIN_WATCHDOGS];
};

struct domain;
/* SCHEDOP_watchdog for d: id 0 arms a free one and returns its id; a
 * given id is re-armed, or released with timeout 0.  -XEN_E* on error. */
long domain_watchdog(struct domain *d, uint32_t id, uint32_t timeout_s);

#endif
