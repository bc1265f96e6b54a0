/* Softirqs (see softirq.h): a pending bit per kind in each CPU's percpu. */
#include "softirq.h"
#include "cpu_loop.h"
#include "x86/apic.h"
#include "x86/percpu.h"

static void (*handlers[NR_SOFTIRQS])(unsigned cpu);

void softirq_set_handler(enum softirq nr, void (*fn)(unsigned cpu))
{
	handlers[nr] = fn;
}

void softirq_raise(unsigned cpu, enum softirq nr)
{
	uint32_t old = __atomic_fetch_or(&percpu[cpu].softirq_pending, 1u << nr, __ATOMIC_SEQ_CST);
	if (cpu != this_cpu()->cpu_id && !(old & (1u << nr)))
		lapic_send_ipi(percpu[cpu].apic_id, APIC_ICR_FIXED | VEC_KICK);
}

bool softirq_pending(unsigned cpu)
{
	return __atomic_load_n(&percpu[cpu].softirq_pending, __ATOMIC_SEQ_CST) != 0;
}

void softirq_run(unsigned cpu)
{
	uint32_t pending;
	while ((pending = __atomic_exchange_n(&percpu[cpu].softirq_pending, 0, __ATOMIC_SEQ_CST)))
		for (unsigned nr = 0; nr < NR_SOFTIRQS; nr++)
			if ((pending & (1u << nr)) && handlers[nr])
				handlers[nr](cpu);
}
