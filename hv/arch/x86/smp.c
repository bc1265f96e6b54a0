/*
 * Starting the other CPUs: the universal start-up algorithm (Intel SDM
 * vol. 3 section 8.4.4.1; MP spec B.4): INIT IPI, 10 ms, then two STARTUP
 * IPIs 200 us apart whose vector is the trampoline's page number.  CPUs
 * start one at a time; each takes its stack from ap_boot_stack.
 */
#include "x86/setup.h"
#include "x86/apic.h"
#include "x86/time.h"
#include "x86/cpu.h"
#include "page_alloc.h"
#include "console.h"

#define TRAMPOLINE_PA 0x8000 /* conventional memory, free on every PC */
#define AP_START_TIMEOUT_US 200000

extern const char trampoline_start[], trampoline_end[];
extern uint64_t ap_boot_stack;
volatile unsigned ap_booting_cpu;
unsigned nr_cpus_present;

static bool start_cpu(unsigned cpu, uint32_t apic_id)
{
	paddr_t stack = alloc_pages(2), ist = alloc_pages(1);
	if (!stack || !ist) {
		printk("smp: out of memory for CPU %u's stacks\n", cpu);
		return false;
	}
	struct percpu *pc = &percpu[cpu];
	pc->cpu_id = cpu;
	pc->apic_id = apic_id;
	pc->stack_top = stack + STACK_SIZE;
	pc->tss.ist[0] = ist + 2 * PAGE_SIZE;
	ap_boot_stack = pc->stack_top;
	ap_booting_cpu = cpu;
	__atomic_thread_fence(__ATOMIC_SEQ_CST);

	lapic_send_ipi(apic_id, APIC_ICR_INIT);
	udelay(10000);
	for (int i = 0; i < 2; i++) {
		lapic_send_ipi(apic_id, APIC_ICR_SIPI | (TRAMPOLINE_PA >> 12));
		udelay(200);
	}
	for (uint64_t waited = 0; !pc->online && waited < AP_START_TIMEOUT_US; waited += 100)
		udelay(100);
	return pc->online;
}

unsigned smp_boot(const struct acpi_info *ai)
{
	unsigned online = 1;
	uint32_t self = lapic_id();
	memcpy((void *)TRAMPOLINE_PA, trampoline_start, (size_t)(trampoline_end - trampoline_start));
	nr_cpus_present = MIN(ai->nr_cpus, (unsigned)MAX_CPUS);
	for (unsigned i = 0; i < ai->nr_cpus; i++) {
		uint32_t apic_id = ai->cpu_apic_id[i];
		if (apic_id == self)
			continue;
		if (online >= MAX_CPUS) {
			printk("smp: only %u CPUs supported; APIC ID %u left offline\n", MAX_CPUS, apic_id);
			continue;
		}
		if (start_cpu(online, apic_id))
			online++;
		else
			printk("smp: CPU with APIC ID %u did not come up\n", apic_id);
	}
	return online;
}
