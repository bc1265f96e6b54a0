/*
 * A vCPU's side of scheduling (see vcpu_sched.h).  Runnability is the
 * scheduler's (sched.h pause flags): HLT, SCHEDOP_block and _poll set
 * SVF_BLOCKED and then look for work once more, a kick clears it when
 * work has arrived; either order ends with the vCPU awake, because each
 * side fences between its own store (the flag; the work) and its read of
 * the other's.  The one-shot, periodic and poll
 * timeouts are handled in the vCPU's own context; a per-vCPU alarm on
 * the CPU's timer heap only wakes it when the earliest is due.
 */
#include "vcpu_sched.h"
#include "compat.h"
#include "cpu_loop.h"
#include "domain.h"
#include "p2m.h"
#include "softirq.h"
#include "vlapic.h"
#include "evtchn.h"
#include "vtime.h"
#include "console.h"
#include "public/hvm/params.h"
#include "public/sched.h"
#include "public/vcpu.h"
#include "public/xen.h"
#include "x86/apic.h"
#include "x86/hvm.h"
#include "x86/percpu.h"

#define CALLBACK_TYPE_VECTOR 2   /* HVM_PARAM_CALLBACK_IRQ bits 63:56 */

static int callback_vector(const struct domain *d)
{
	uint64_t p = d->hvm_param[HVM_PARAM_CALLBACK_IRQ];
	return (p >> 56) == CALLBACK_TYPE_VECTOR && (p & 0xff) >= 16 ? (int)(p & 0xff) : -1;
}

int vcpu_pending_vector(struct vcpu *v)
{
	int cb = callback_vector(v->d);
	if (cb >= 0 && v->vcpu_info && v->vcpu_info->evtchn_upcall_pending)
		return cb;
	return vlapic_pending_vector(v);
}

void vcpu_vector_taken(struct vcpu *v, int vector)
{
	vlapic_accept(v, (uint8_t)vector);
}

/* A poll ends when one of its ports is pending, masked or not. */
static bool poll_satisfied(struct vcpu *v)
{
	if (v->poll_deadline && now_ns() >= v->poll_deadline)
		return true;
	for (unsigned i = 0; i < v->nr_poll_ports; i++)
		if (evtchn_port_pending(&v->d->evtchn, v->poll_ports[i]))
			return true;
	return false;
}

bool vcpu_has_work(struct vcpu *v)
{
	uint64_t deadline = v->timer_deadline, now = now_ns();
	bool work = vcpu_pending_vector(v) >= 0 || v->init_pending || v->nmi_pending ||
		    v->sipi_vector >= 0 || (deadline && now >= deadline) ||
		    (v->periodic_ns && now >= v->periodic_next) || (v->polling && poll_satisfied(v));
	return work; /* a predicate only: other CPUs call it too */
}

void vcpu_block(struct vcpu *v)
{
	sched_vcpu_flags(&v->sched, SVF_BLOCKED, 0, now_ns());
	/* The flag's store (a plain release store, as is the lock's) must be
	 * visible before we look for work, or a waker that made work just
	 * now and reads the flag before it lands leaves us blocked (store
	 * buffer, as in Dekker's algorithm); vcpu_kick fences the other way. */
	__atomic_thread_fence(__ATOMIC_SEQ_CST);
	bool armed = vcpu_arm_alarm(v);
	if (!armed || vcpu_has_work(v)) /* no alarm: stay runnable, never lost */
		sched_vcpu_flags(&v->sched, 0, SVF_BLOCKED, now_ns());
}

void vcpu_halt(struct vcpu *v, bool interrupts_on)
{
	if (interrupts_on || __atomic_load_n(&v->nmi_pending, __ATOMIC_ACQUIRE)) {
		vcpu_block(v); /* an NMI ends HLT whatever IF says */
		return;
	}
	/* As on Xen: with interrupts off the vCPU goes offline until INIT
	 * and STARTUP, and a domain with every vCPU offline is powered off. */
	struct domain *d = v->d;
	sched_vcpu_flags(&v->sched, SVF_DOWN, 0, now_ns());
	for (unsigned i = 0; i < d->nr_vcpus; i++)
		if (!(__atomic_load_n(&d->vcpu[i]->sched.pause_flags, __ATOMIC_ACQUIRE) & SVF_DOWN))
			return;
	printk_guest("d%u: every vCPU halted with interrupts off: powering off\n", d->domid);
	domain_shutdown(d, SHUTDOWN_poweroff);
}

void vcpu_kick(struct vcpu *v)
{
	__atomic_thread_fence(__ATOMIC_SEQ_CST); /* the caller's new work, then the flag (vcpu_block) */
	uint32_t flags = __atomic_load_n(&v->sched.pause_flags, __ATOMIC_ACQUIRE);
	if (flags & SVF_BLOCKED) {
		if (vcpu_has_work(v))
			sched_vcpu_flags(&v->sched, 0, SVF_BLOCKED, now_ns());
		return;
	}
	unsigned cpu = __atomic_load_n(&v->sched.processor, __ATOMIC_ACQUIRE);
	if (__atomic_load_n(&v->sched.is_running, __ATOMIC_ACQUIRE) && cpu != this_cpu()->cpu_id)
		lapic_send_ipi(percpu[cpu].apic_id, APIC_ICR_FIXED | VEC_KICK);
}

static void alarm_fired(void *data)
{
	vcpu_kick(data);
}

void vcpu_alarm_init(struct vcpu *v)
{
	timer_init(&v->alarm, alarm_fired, v);
}

bool vcpu_arm_alarm(struct vcpu *v)
{
	uint64_t at = v->timer_deadline;
	if (v->periodic_ns && (!at || v->periodic_next < at))
		at = v->periodic_next;
	if (v->polling && v->poll_deadline && (!at || v->poll_deadline < at))
		at = v->poll_deadline;
	if (at == v->alarm_at && (!at || __atomic_load_n(&v->alarm.cpu, __ATOMIC_ACQUIRE) >= 0))
		return true;
	v->alarm_at = at;
	if (!at) {
		timer_stop(&v->alarm);
		return true;
	}
	if (timer_set(&v->alarm, at, this_cpu()->cpu_id) == 0)
		return true;
	v->alarm_at = 0; /* this CPU's heap is full: try again next time */
	printk_guest("d%u v%u: no timer slot free on CPU %u\n", v->d->domid, v->vcpu_id,
		     this_cpu()->cpu_id);
	return false;
}

/* INIT puts a vCPU in wait-for-SIPI, STARTUP then starts it in real
 * mode.  Applied under the vCPU's scheduler lock, by the sender when
 * the target is not on a CPU, else by the target's own CPU. */
static void apply_init_locked(struct vcpu *t)
{
	t->init_pending = false;
	t->wait_for_sipi = true;
	t->nmi_pending = false; /* INIT drops an NMI not yet taken */
	t->polling = false; /* a poll in progress ends with the reset */
	t->debugctl = 0; /* as INIT leaves a CPU's */
	sched_vcpu_flags_locked(&t->sched, SVF_DOWN, SVF_BLOCKED, now_ns());
}

static void apply_sipi_locked(struct vcpu *t)
{
	int vector = t->sipi_vector;
	t->sipi_vector = -1;
	if (vector < 0 || !t->wait_for_sipi)
		return;
	t->wait_for_sipi = false;
	hvm->vcpu_sipi_entry(t, (uint8_t)vector);
	sched_vcpu_flags_locked(&t->sched, 0, SVF_DOWN, now_ns());
}

void vcpu_send_init(struct vcpu *t)
{
	uint64_t irq;
	spinlock_t *lock = sched_vcpu_lock(&t->sched, &irq);
	t->sipi_vector = -1; /* only a STARTUP after this INIT counts */
	t->init_pending = true;
	if (!t->sched.is_running)
		apply_init_locked(t);
	sched_vcpu_unlock(lock, irq);
	vcpu_kick(t);
}

void vcpu_send_sipi(struct vcpu *t, uint8_t vector)
{
	uint64_t irq;
	spinlock_t *lock = sched_vcpu_lock(&t->sched, &irq);
	if (t->wait_for_sipi || t->init_pending) {
		t->sipi_vector = vector;
		if (!t->sched.is_running && !t->init_pending)
			apply_sipi_locked(t);
	}
	sched_vcpu_unlock(lock, irq);
	vcpu_kick(t);
}

void vcpu_switched_out(struct vcpu *v)
{
	if (v->init_pending)
		apply_init_locked(v);
	if (v->sipi_vector >= 0)
		apply_sipi_locked(v);
}

static void startup_ipis(struct vcpu *v)
{
	uint64_t irq;
	spinlock_t *lock = sched_vcpu_lock(&v->sched, &irq);
	vcpu_switched_out(v); /* same rules on its own CPU */
	sched_vcpu_unlock(lock, irq);
}

bool vcpu_prepare_entry(struct vcpu *v)
{
	if (v->init_pending || v->sipi_vector >= 0)
		startup_ipis(v);
	v->polling = false; /* it runs: any SCHEDOP_poll it blocked in is over */
	vtime_check_timers(v);
	vcpu_arm_alarm(v);
	return sched_vcpu_runnable(&v->sched);
}

bool vcpu_may_enter(struct vcpu *v)
{
	return !softirq_pending(this_cpu()->cpu_id) && sched_vcpu_runnable(&v->sched) &&
	       !v->init_pending;
}

/* The guest's copy of the runstate (public/vcpu.h); v is locked or runs
 * here, so no other CPU writes it meanwhile.  With
 * VMASST_TYPE_runstate_update_flag the guest is told, through bit 63 of
 * state_entry_time, that the record is being rewritten. */
void vcpu_runstate_publish(struct vcpu *v)
{
	uint64_t gpa = __atomic_load_n(&v->runstate_gpa, __ATOMIC_ACQUIRE);
	if (!gpa)
		return;
	struct vcpu_runstate_info rs;
	memset(&rs, 0, sizeof(rs)); /* no hv bytes in the padding */
	int state;
	sched_runstate_read(&v->sched, now_ns(), &state, &rs.state_entry_time, rs.time);
	rs.state = state;
	bool flag = v->d->vm_assist & (1u << VMASST_TYPE_runstate_update_flag);
	const struct xlat_layout *l = &xlat_runstate_info; /* field 1: state_entry_time */
	bool compat = __atomic_load_n(&v->d->shinfo_compat, __ATOMIC_ACQUIRE);
	uint64_t gpa_entry = gpa + (compat ? l->field[1].compat_off : l->field[1].native_off);
	if (flag) {
		uint64_t busy = rs.state_entry_time | XEN_RUNSTATE_UPDATE;
		copy_to_gpa(v->d, gpa_entry, &busy, sizeof(busy));
		__atomic_thread_fence(__ATOMIC_SEQ_CST);
		rs.state_entry_time |= XEN_RUNSTATE_UPDATE;
	}
	uint8_t image[sizeof(rs)];
	if (compat)
		xlat_to_compat(l, image, &rs);
	else
		memcpy(image, &rs, sizeof(rs));
	copy_to_gpa(v->d, gpa, image, compat ? l->compat_size : sizeof(rs));
	if (flag) {
		__atomic_thread_fence(__ATOMIC_SEQ_CST);
		rs.state_entry_time &= ~XEN_RUNSTATE_UPDATE;
		copy_to_gpa(v->d, gpa_entry, &rs.state_entry_time, sizeof(rs.state_entry_time));
	}
}
