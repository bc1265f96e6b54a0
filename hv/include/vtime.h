/*
 * Guest time (public/xen.h vcpu_time_info; Linux arch/x86/kernel/pvclock.c
 * for how guests read it): system time is nanoseconds since the hv
 * started, derived from the TSC, which guests read unscaled and unoffset.
 */
#ifndef BASTION_VTIME_H
#define BASTION_VTIME_H

#include "lib.h"

struct vcpu;
struct domain;

struct time_scale {
	uint32_t mul_frac; /* ns = ((tsc << shift) * mul_frac) >> 32 */
	int8_t shift;
};

/* Chooses shift and multiplier so that ticks at ticks_per_sec become ns. */
struct time_scale time_scale_for(uint64_t ticks_per_sec);
uint64_t time_scale_apply(struct time_scale s, uint64_t ticks);

/* Timer expiry, pure: fires the one-shot timer (*oneshot, 0 = unarmed)
 * and the periodic one (period 0 = off) if due at now.  A periodic timer
 * that fell behind is rescheduled from now rather than firing a burst.
 * Returns how many fired; *next gets the earliest remaining deadline. */
unsigned vtimer_expire(uint64_t *oneshot, uint64_t period, uint64_t *periodic_next, uint64_t now,
		       uint64_t *next);

void vtime_init(void);      /* boot CPU, after TSC calibration */
uint64_t now_ns(void);
/* Rewrites the pvclock record of v's current vcpu_info. */
void vtime_update_vcpu(struct vcpu *v);
/* Rewrites the wallclock fields of d's shared_info. */
void vtime_update_wallclock(struct domain *d);
/* Sets the wallclock: UTC secs.nsecs was true at system time sys_ns. */
void vtime_set_wallclock(uint64_t secs, uint32_t nsecs, uint64_t sys_ns);
/* Fires v's due one-shot and periodic timers; returns the next deadline
 * (0 when none). */
uint64_t vtime_check_timers(struct vcpu *v);

#endif
