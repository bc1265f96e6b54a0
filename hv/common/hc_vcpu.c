/*
 * vcpu_op (public/vcpu.h): where a vCPU's vcpu_info and runstate live,
 * its one-shot and periodic timers, and whether it is up.  Bringing
 * secondary vCPUs up goes through their virtual APIC (INIT/STARTUP),
 * as PVH Linux does, so VCPUOP_initialise/up are not offered yet.
 */
#include "hypercall.h"
#include "compat.h"
#include "page_alloc.h"
#include "vcpu_sched.h"
#include "vtime.h"
#include "public/vcpu.h"

#define MIN_PERIOD_NS 1000000ULL /* Xen refuses periods under 1 ms */
#define MAX_PERIOD_NS (1ULL << 62) /* and absurd ones */
#define SET_TIMER_FALLBACK_NS 100000000ULL /* set_timer_op's answer to a huge deadline */

static long register_vcpu_info(struct vcpu *v, struct vcpu *target, uint64_t gva)
{
	struct vcpu_register_vcpu_info info;
	if (GUEST_IN(v, &info, gva))
		return -XEN_EFAULT;
	if (info.offset > PAGE_SIZE - sizeof(struct vcpu_info) || info.rsvd)
		return -XEN_EINVAL;
	if (target != v && !(target->sched.pause_flags & SVF_DOWN))
		return -XEN_EINVAL; /* as Xen: itself, or a vCPU not yet running */
	if (target->vcpu_info != &target->d->shared_info->vcpu_info[target->vcpu_id])
		return -XEN_EINVAL; /* only once, as in Xen */
	/* A reference on the page for as long as the vCPU lives: the guest
	 * may balloon it out, but the frame stays ours to write. */
	paddr_t page;
	if (info.mfn >= (P2M_GPA_LIMIT >> PAGE_SHIFT) || p2m_get_page(target->d, info.mfn << PAGE_SHIFT, &page))
		return -XEN_EINVAL;
	paddr_t none = 0;
	if (!__atomic_compare_exchange_n(&target->vcpu_info_page, &none, page, false, __ATOMIC_SEQ_CST,
					 __ATOMIC_SEQ_CST)) {
		page_ref_put(page, 0); /* a racing call registered first */
		return -XEN_EINVAL;
	}
	struct vcpu_info *vi = (struct vcpu_info *)(uintptr_t)(page + info.offset);
	*vi = *target->vcpu_info;
	vi->evtchn_upcall_pending = 1; /* Xen also forces a look at the new copy */
	evtchn_select_all(&target->d->evtchn, vi);
	__atomic_store_n(&target->vcpu_info, vi, __ATOMIC_SEQ_CST);
	vtime_update_vcpu(target);
	vcpu_kick(target);
	return 0;
}

static long register_runstate(struct vcpu *v, struct vcpu *target, uint64_t gva)
{
	uint64_t area = 0, gpa = 0, irq;
	/* a 32-bit caller's pointer is the union's low half */
	if (copy_from_guest(v, &area, gva, hc_compat(v) ? 4 : 8))
		return -XEN_EFAULT;
	/* Resolved once: the area sits in the direct map and never moves.
	 * A null address unregisters, as in Xen. */
	if (area && (guest_va_to_gpa(v, area, true, &gpa) ||
		     !p2m_is_mapped(target->d, gpa + sizeof(struct vcpu_runstate_info) - 1)))
		return -XEN_EFAULT;
	spinlock_t *lock = sched_vcpu_lock(&target->sched, &irq);
	__atomic_store_n(&target->runstate_gpa, gpa, __ATOMIC_RELEASE);
	if (target == v || !target->sched.is_running) /* else its CPU writes it soon */
		vcpu_runstate_publish(target);
	sched_vcpu_unlock(lock, irq);
	return 0;
}

static long runstate_info(struct vcpu *v, struct vcpu *target, uint64_t gva)
{
	struct vcpu_runstate_info rs;
	memset(&rs, 0, sizeof(rs));
	int state;
	sched_runstate_get(&target->sched, now_ns(), &state, &rs.state_entry_time, rs.time);
	rs.state = state;
	return ARG_OUT(v, runstate_info, gva, &rs) ? -XEN_EFAULT : 0;
}

static long singleshot(struct vcpu *v, struct vcpu *target, uint64_t gva)
{
	struct vcpu_set_singleshot_timer t;
	if (target != v)
		return -XEN_EINVAL;
	if (ARG_IN(v, singleshot_timer, &t, gva))
		return -XEN_EFAULT;
	if ((t.flags & VCPU_SSHOTTMR_future) && t.timeout_abs_ns < now_ns())
		return -XEN_ETIME;
	v->timer_deadline = t.timeout_abs_ns ? t.timeout_abs_ns : 1; /* past: fires at once */
	return 0;
}

static long periodic(struct vcpu *v, struct vcpu *target, uint64_t gva)
{
	struct vcpu_set_periodic_timer t;
	if (GUEST_IN(v, &t, gva))
		return -XEN_EFAULT;
	if (t.period_ns < MIN_PERIOD_NS || t.period_ns > MAX_PERIOD_NS)
		return -XEN_EINVAL;
	target->periodic_next = now_ns() + t.period_ns;
	target->periodic_ns = t.period_ns;
	vcpu_kick(target);
	return 0;
}

long do_vcpu_op(struct vcpu *v, const uint64_t arg[5])
{
	struct vcpu *target = domain_vcpu(v->d, (unsigned)arg[1]);
	if (!target || arg[1] > 0xffffffffULL)
		return -XEN_ENOENT;
	switch (arg[0]) {
	case VCPUOP_register_vcpu_info:
		return register_vcpu_info(v, target, arg[2]);
	case VCPUOP_register_runstate_memory_area:
		return register_runstate(v, target, arg[2]);
	case VCPUOP_set_singleshot_timer:
		return singleshot(v, target, arg[2]);
	case VCPUOP_stop_singleshot_timer:
		if (target != v)
			return -XEN_EINVAL;
		v->timer_deadline = 0;
		return 0;
	case VCPUOP_set_periodic_timer:
		return periodic(v, target, arg[2]);
	case VCPUOP_stop_periodic_timer:
		target->periodic_ns = 0;
		return 0;
	case VCPUOP_is_up:
		return !(target->sched.pause_flags & SVF_DOWN);
	case VCPUOP_get_runstate_info:
		return runstate_info(v, target, arg[2]);
	default:
		return -XEN_ENOSYS;
	}
}

/* 0 cancels.  As Xen does, a deadline that wrapped negative or lies more
 * than 2^50 ns (13 days) ahead fires in 100 ms instead: old Linux
 * computed such values from wrapped jiffies. */
long do_set_timer_op(struct vcpu *v, const uint64_t arg[5])
{
	/* a 32-bit caller passes the low and high halves */
	uint64_t deadline = hc_compat(v) ? (uint32_t)arg[0] | arg[1] << 32 : arg[0], now = now_ns();
	if ((int64_t)deadline < 0 || (deadline > now && (deadline - now) >> 50))
		deadline = now + SET_TIMER_FALLBACK_NS;
	v->timer_deadline = deadline;
	return 0;
}
