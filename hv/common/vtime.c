/* Guest time (see vtime.h). */
#include "vtime.h"
#include "domain.h"
#include "evtchn.h"
#include "x86/cpu.h"
#include "x86/time.h"
#include "x86/rtc.h"


struct time_scale time_scale_for(uint64_t ticks_per_sec)
{
	struct time_scale s = { 0, 0 };
	uint64_t tps = ticks_per_sec;
	if (!tps)
		return s;
	while (tps > 2000000000ULL) { /* bring the rate into (1e9/2, 2e9] */
		tps >>= 1;
		s.shift--;
	}
	while (tps <= 1000000000ULL) {
		tps <<= 1;
		s.shift++;
	}
	/* now 1e9 < tps <= 2e9, so 1e9/tps is in [0.5, 1): a 32-bit fraction */
	s.mul_frac = (uint32_t)((1000000000ULL << 32) / tps);
	return s;
}

uint64_t time_scale_apply(struct time_scale s, uint64_t ticks)
{
	if (s.shift >= 0)
		ticks <<= s.shift;
	else
		ticks >>= -s.shift;
	return (uint64_t)(((unsigned __int128)ticks * s.mul_frac) >> 32);
}

unsigned vtimer_expire(uint64_t *oneshot, uint64_t period, uint64_t *periodic_next, uint64_t now,
		       uint64_t *next)
{
	unsigned fired = 0;
	if (*oneshot && now >= *oneshot) {
		*oneshot = 0;
		fired++;
	}
	if (period && now >= *periodic_next) {
		uint64_t due = *periodic_next + period;
		*periodic_next = due > now ? due : now + period;
		fired++;
	}
	*next = *oneshot;
	if (period && (!*next || *periodic_next < *next))
		*next = *periodic_next;
	return fired;
}

#ifndef HOST_TEST
static struct time_scale tsc_scale;
static uint64_t boot_wallclock_ns; /* UTC at system time 0 */

void vtime_init(void)
{
	tsc_scale = time_scale_for(tsc_khz * 1000);
	uint64_t now = now_ns();
	boot_wallclock_ns = rtc_read_unix_seconds() * 1000000000ULL - now;
}

uint64_t now_ns(void)
{
	return time_scale_apply(tsc_scale, rdtsc());
}

void vtime_update_vcpu(struct vcpu *v)
{
	struct vcpu_time_info *t = &v->vcpu_info->time;
	uint32_t version = t->version;
	__atomic_store_n(&t->version, version | 1, __ATOMIC_SEQ_CST); /* odd: updating */
	uint64_t tsc = rdtsc();
	t->tsc_timestamp = tsc + v->tsc_offset; /* what the guest's RDTSC reads */
	t->system_time = time_scale_apply(tsc_scale, tsc);
	t->tsc_to_system_mul = tsc_scale.mul_frac;
	t->tsc_shift = tsc_scale.shift;
	t->flags = 0; /* not TSC_STABLE: the guest keeps its readings monotonic */
	__atomic_store_n(&t->version, (version | 1) + 1, __ATOMIC_SEQ_CST);
}

/* x86_32's shared_info: wc_version, wc_sec and wc_nsec follow bitmaps of
 * 128 bytes each; wc_sec_hi ends arch_shared_info (six 4-byte fields). */
#define COMPAT_WC_VERSION_OFF (2048 + 2 * 128)
#define COMPAT_WC_SEC_HI_OFF (COMPAT_WC_VERSION_OFF + 12 + 6 * 4)

/* Writers of a domain's wallclock (its creation, dom0's settime, the
 * guest's layout latch) take turns, so the version is never even over a
 * half-written time. */
static spinlock_t wallclock_lock = SPINLOCK_INIT;

void vtime_update_wallclock(struct domain *d)
{
	uint64_t flags = spin_lock_irqsave(&wallclock_lock);
	char *s = (char *)d->shared_info;
	bool compat = __atomic_load_n(&d->shinfo_compat, __ATOMIC_ACQUIRE);
	/* version, sec, nsec in a row in both layouts */
	volatile uint32_t *wc = (volatile uint32_t *)(s + (compat ? COMPAT_WC_VERSION_OFF
								: offsetof(struct shared_info, wc_version)));
	volatile uint32_t *sec_hi = (volatile uint32_t *)(s + (compat ? COMPAT_WC_SEC_HI_OFF
								   : offsetof(struct shared_info, wc_sec_hi)));
	uint32_t version = wc[0];
	__atomic_store_n(&wc[0], version | 1, __ATOMIC_SEQ_CST);
	uint64_t secs = boot_wallclock_ns / 1000000000ULL;
	wc[1] = (uint32_t)secs;
	*sec_hi = (uint32_t)(secs >> 32);
	wc[2] = (uint32_t)(boot_wallclock_ns % 1000000000ULL);
	__atomic_store_n(&wc[0], (version | 1) + 1, __ATOMIC_SEQ_CST);
	spin_unlock_irqrestore(&wallclock_lock, flags);
}

void vtime_set_wallclock(uint64_t secs, uint32_t nsecs, uint64_t sys_ns)
{
	boot_wallclock_ns = secs * 1000000000ULL + nsecs - sys_ns;
	for (struct domain *d = domain_lookup_next(0); d;) {
		vtime_update_wallclock(d);
		unsigned next = d->domid + 1u;
		domain_put(d);
		d = domain_lookup_next(next);
	}
}

uint64_t vtime_check_timers(struct vcpu *v)
{
	uint64_t next; /* the deadline is only touched on this vCPU's own CPU */
	if (vtimer_expire(&v->timer_deadline, v->periodic_ns, &v->periodic_next, now_ns(), &next))
		evtchn_raise_virq(&v->d->evtchn, VIRQ_TIMER, v->vcpu_id);
	return next;
}
#endif
