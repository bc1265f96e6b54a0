/*
 * The local APIC (Intel SDM vol. 3 chapter 10; AMD APM vol. 2 chapter 16).
 * x2APIC mode is used where CPUID.1:ECX[21] offers it: registers become
 * MSRs 0x800 + offset/16 and the ICR one 64-bit MSR.
 */
#include "x86/apic.h"
#include "x86/cpu.h"
#include "x86/paging.h"

#define APIC_BASE_ENABLE (1u << 11)
#define APIC_BASE_X2APIC (1u << 10)
#define APIC_SVR_ENABLE (1u << 8)
#define MSR_X2APIC_FIRST 0x800
#define ICR_BUSY (1u << 12)

bool lapic_x2apic;
static volatile uint32_t *lapic_mmio;

void lapic_setup(uint64_t lapic_pa)
{
	lapic_x2apic = (cpuid(1).ecx >> 21) & 1;
	if (!lapic_x2apic) {
		lapic_mmio = (volatile uint32_t *)(uintptr_t)(lapic_pa ? lapic_pa : 0xfee00000);
		paging_map_mmio((uintptr_t)lapic_mmio, PAGE_SIZE);
	}
}

uint32_t lapic_read(unsigned reg)
{
	if (lapic_x2apic)
		return (uint32_t)rdmsr(MSR_X2APIC_FIRST + (reg >> 4));
	return lapic_mmio[reg / 4];
}

void lapic_write(unsigned reg, uint32_t v)
{
	if (lapic_x2apic)
		wrmsr(MSR_X2APIC_FIRST + (reg >> 4), v);
	else
		lapic_mmio[reg / 4] = v;
}

void lapic_init_cpu(void)
{
	uint64_t base = rdmsr(MSR_APIC_BASE) | APIC_BASE_ENABLE;
	if (lapic_x2apic)
		base |= APIC_BASE_X2APIC;
	wrmsr(MSR_APIC_BASE, base);
	lapic_write(APIC_TPR, 0);
	lapic_write(APIC_LVT_TIMER, APIC_LVT_MASKED);
	lapic_write(APIC_LVT_ERROR, APIC_LVT_MASKED);
	lapic_write(APIC_SVR, APIC_SVR_ENABLE | 0xff);
	lapic_write(APIC_ESR, 0);
}

uint32_t lapic_id(void)
{
	uint32_t id = lapic_read(APIC_ID);
	return lapic_x2apic ? id : id >> 24;
}

void lapic_eoi(void)
{
	lapic_write(APIC_EOI, 0);
}

void lapic_send_ipi(uint32_t apic_id, uint32_t icr)
{
	if (lapic_x2apic) {
		wrmsr(MSR_X2APIC_FIRST + (APIC_ICR >> 4), ((uint64_t)apic_id << 32) | icr);
		return;
	}
	lapic_write(APIC_ICR_HI, apic_id << 24);
	lapic_write(APIC_ICR, icr);
	for (unsigned i = 0; i < 1000000 && (lapic_read(APIC_ICR) & ICR_BUSY); i++)
		cpu_relax();
}
