/* Running, blocking and waking pinned vCPUs (see vcpu_sched.h). */
#include "vcpu_sched.h"
#include "domain.h"
#include "console.h"
#include "vlapic.h"
#include "evtchn.h"
#include "vtime.h"
#include "public/hvm/params.h"
#include "x86/apic.h"
#include "x86/cpu.h"
#include "x86/percpu.h"
#include "x86/svm_vcpu.h"
#include "x86/time.h"
#include "x86/traps.h"

#define MAX_SLEEP_NS 10000000ULL /* look at the console at least every 10 ms */
#define CALLBACK_TYPE_VECTOR 2   /* HVM_PARAM_CALLBACK_IRQ bits 63:56 */

static void kick_handler(struct cpu_regs *regs)
{
	(void)regs; /* the interrupt itself ended the HLT or the guest run */
}

void sched_init_cpu(void)
{
	set_irq_handler(VEC_KICK, kick_handler);
}

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
	if ((v->arch.irr[vector / 64] >> (vector % 64)) & 1)
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
	uint64_t deadline = v->timer_deadline;
	bool work = vcpu_pending_vector(v) >= 0 || v->init_pending || v->nmi_pending ||
		    v->sipi_vector >= 0 ||
		    (deadline && now_ns() >= deadline) ||
		    (v->periodic_ns && now_ns() >= v->periodic_next) || (v->polling && poll_satisfied(v));
	if (work)
		v->polling = false;
	return work;
}

void vcpu_block(struct vcpu *v)
{
	if (!vcpu_has_work(v))
		v->state = VCPU_BLOCKED;
}

void vcpu_kick(struct vcpu *v)
{
	struct percpu *self = this_cpu();
	if (v->pcpu != self->cpu_id)
		lapic_send_ipi(percpu[v->pcpu].apic_id, APIC_ICR_FIXED | VEC_KICK);
}

/* INIT puts a vCPU in wait-for-SIPI; a STARTUP IPI then starts it. */
static void handle_startup_ipis(struct vcpu *v)
{
	if (v->init_pending) {
		v->init_pending = false;
		v->state = VCPU_DOWN;
		v->wait_for_sipi = true; /* a STARTUP sent after the INIT may already be here */
	}
	int vector = v->sipi_vector;
	if (vector >= 0) {
		v->sipi_vector = -1;
		if (v->state == VCPU_DOWN && v->wait_for_sipi) {
			v->wait_for_sipi = false;
			svm_vcpu_sipi_entry(v, (uint8_t)vector);
			v->state = VCPU_RUNNING;
		}
	}
}

static void arm_host_timer(uint64_t next)
{
	uint64_t now = now_ns(), at = now + MAX_SLEEP_NS;
	if (next && next < at)
		at = next;
	hv_timer_arm_ns(at > now ? at - now : 0);
}

static void per_entry_housekeeping(struct vcpu *v)
{
	if (v->d == dom0 && v->vcpu_id == 0)
		console_poll_input();
}

void vcpu_wait_runnable(struct vcpu *v)
{
	for (;;) {
		console_flush(); /* after every exit and wake-up, interrupts on */
		irq_disable();
		handle_startup_ipis(v);
		per_entry_housekeeping(v);
		uint64_t next = vtime_check_timers(v);
		if (v->polling && v->poll_deadline && (!next || v->poll_deadline < next))
			next = v->poll_deadline;
		if (v->state == VCPU_BLOCKED && vcpu_has_work(v))
			v->state = VCPU_RUNNING;
		if (v->state == VCPU_RUNNING && !v->d->is_shutting_down) {
			irq_enable();
			return;
		}
		arm_host_timer(next);
		__asm__ volatile("sti; hlt" ::: "memory"); /* sti's shadow covers the hlt */
	}
}

bool vcpu_ready_to_enter(struct vcpu *v)
{
	if (v->state != VCPU_RUNNING || v->d->is_shutting_down || v->init_pending)
		return false;
	uint64_t next = vtime_check_timers(v);
	per_entry_housekeeping(v);
	arm_host_timer(next);
	return true;
}
