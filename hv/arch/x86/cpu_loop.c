/*
 * What every CPU does once the hv is up: run its softirqs (due timers,
 * the scheduler's decision), then enter its current vCPU once, or halt
 * when it has none; round and round.  Here too are the scheduler's
 * platform hooks (sched.h): raising a reschedule, and saving a vCPU's
 * hardware state when it leaves the CPU; and the hardware side of the
 * timers: the local APIC timer in one-shot mode at the earliest deadline.
 */
#include "cpu_loop.h"
#include "p2m.h"
#include "console.h"
#include "domain.h"
#include "sched.h"
#include "softirq.h"
#include "timer.h"
#include "vcpu_sched.h"
#include "vtime.h"
#include "x86/cpu.h"
#include "x86/hvm.h"
#include "x86/percpu.h"
#include "x86/time.h"
#include "x86/traps.h"
#include "x86/vcpu_switch.h"

#define MAX_SLEEP_NS 100000000ULL /* the APIC timer fires at least this often */
#define CONSOLE_POLL_NS 10000000ULL

#define vcpu_of(sv) ((struct vcpu *)((char *)(sv) - offsetof(struct vcpu, sched)))

static struct timer sched_timer[MAX_CPUS];
/* Per CPU: vCPU-to-vCPU switches and the TSC ticks they cost (the
 * scheduler's decision, saving one vCPU's state and loading the other's),
 * [1] for those between two domains' vCPUs (IBPB, another p2m). */
static uint64_t switches[2][MAX_CPUS], switch_ticks[2][MAX_CPUS];
static struct timer console_timer;

void sched_plat_raise(unsigned cpu)
{
	softirq_raise(cpu, SOFTIRQ_SCHEDULE);
}

void sched_plat_save(struct sched_vcpu *prev)
{
	struct vcpu *v = vcpu_of(prev);
	vcpu_state_save(v);
	vcpu_switched_out(v);
	vcpu_runstate_publish(v);
}

void timer_plat_program(unsigned cpu, uint64_t deadline)
{
	(void)deadline; /* the CPU recomputes its earliest deadline */
	softirq_raise(cpu, SOFTIRQ_TIMER);
}

static void timer_softirq(unsigned cpu)
{
	uint64_t next = timer_run_due(cpu, now_ns());
	uint64_t now = now_ns(), at = now + MAX_SLEEP_NS;
	if (next && next < at)
		at = next;
	hv_timer_arm_ns(at > now ? at - now : 0);
}

static void sched_timer_fired(void *data)
{
	sched_plat_raise((unsigned)(uintptr_t)data);
}

static void schedule_softirq(unsigned cpu)
{
	struct percpu *pc = this_cpu();
	uint64_t t0 = rdtsc();
	struct vcpu *prev = pc->current_vcpu;
	/* read while prev still runs here: once descheduled it may be freed */
	const struct domain *prev_d = prev ? prev->d : NULL;
	uint64_t until = 0;
	struct sched_vcpu *sv = sched_schedule(cpu, now_ns(), &until);
	struct vcpu *next = sv ? vcpu_of(sv) : NULL;
	if (until)
		timer_set(&sched_timer[cpu], until, cpu);
	else
		timer_stop(&sched_timer[cpu]);
	if (next == pc->current_vcpu)
		return;
	pc->current_vcpu = next;
	if (next) {
		vcpu_state_load(next);
		vcpu_runstate_publish(next);
	}
	if (prev && next) {
		bool cross = prev_d != next->d;
		switches[cross][cpu]++;
		switch_ticks[cross][cpu] += rdtsc() - t0;
	}
}

void cpu_loop_report(void)
{
	uint64_t n[2] = { 0, 0 }, ticks[2] = { 0, 0 };
	for (unsigned k = 0; k < 2; k++)
		for (unsigned c = 0; c < MAX_CPUS; c++)
			n[k] += switches[k][c], ticks[k] += switch_ticks[k][c];
	printk("sched: %lu switches from one vCPU to another, %lu TSC ticks each on average\n", n[0] + n[1],
	       n[0] + n[1] ? (ticks[0] + ticks[1]) / (n[0] + n[1]) : 0);
	printk("sched: %lu of them between two domains' vCPUs, %lu TSC ticks each on average\n", n[1],
	       n[1] ? ticks[1] / n[1] : 0);
}

/* Dom0's serial input is polled on CPU 0. */
static void console_timer_fired(void *data)
{
	(void)data;
	console_poll_input();
	timer_set(&console_timer, now_ns() + CONSOLE_POLL_NS, 0);
}

static void kick_handler(struct cpu_regs *regs)
{
	(void)regs; /* the interrupt itself ended the HLT or the guest run */
}

int cpu_loop_init_cpu(void)
{
	unsigned cpu = this_cpu()->cpu_id;
	if (timer_init_cpu(cpu))
		return -1;
	timer_init(&sched_timer[cpu], sched_timer_fired, (void *)(uintptr_t)cpu);
	if (cpu == 0) {
		set_irq_handler(VEC_KICK, kick_handler);
		softirq_set_handler(SOFTIRQ_TIMER, timer_softirq);
		softirq_set_handler(SOFTIRQ_SCHEDULE, schedule_softirq);
		timer_init(&console_timer, console_timer_fired, NULL);
		timer_set(&console_timer, now_ns() + CONSOLE_POLL_NS, 0);
	}
	return 0;
}

void cpu_loop(void)
{
	struct percpu *pc = this_cpu();
	unsigned cpu = pc->cpu_id;
	softirq_raise(cpu, SOFTIRQ_TIMER);
	softirq_raise(cpu, SOFTIRQ_SCHEDULE);
	for (;;) {
		irq_disable();
		softirq_run(cpu);
		struct vcpu *v = pc->current_vcpu;
		if (!v) {
			if (!softirq_pending(cpu))
				__asm__ volatile("sti; hlt" ::: "memory"); /* sti's shadow covers the hlt */
			irq_enable();
			console_flush();
			continue;
		}
		irq_enable();
		console_flush(); /* after every exit and wake-up, interrupts on */
		p2m_drain(v->d);
		if (vcpu_prepare_entry(v))
			hvm->vcpu_run(v);
	}
}
