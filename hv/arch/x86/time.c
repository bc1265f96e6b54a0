/*
 * TSC calibration and the periodic tick.  The reference is the HPET main
 * counter (IA-PC HPET spec 1.0a section 2.3: capabilities at 0x00 with the
 * period in femtoseconds in bits 32-63, configuration at 0x10, counter at
 * 0xf0) or, without one, PIT channel 2 counting down in mode 0 with its
 * output read back from port 0x61 bit 5 (8254 datasheet).
 */
#include "x86/time.h"
#include "x86/cpu.h"
#include "x86/apic.h"
#include "x86/paging.h"
#include "x86/percpu.h"
#include "x86/traps.h"
#include "softirq.h"

#define CALIBRATE_MS 50      /* PIT: a 1.19 MHz counter needs a long window */
#define HPET_CALIBRATE_MS 10 /* HPET: >= 10 MHz, 10 ms gives 1 part in 10^5 */
#define PIT_HZ 1193182
#define HPET_CAP 0x00
#define HPET_CONFIG 0x10
#define HPET_COUNTER 0xf0

uint64_t tsc_khz;
static uint32_t lapic_ticks_per_ms;

static uint64_t calibrate_hpet(uint64_t hpet_pa)
{
	volatile uint64_t *hpet = (volatile uint64_t *)(uintptr_t)hpet_pa;
	paging_map_mmio(hpet_pa, PAGE_SIZE);
	uint64_t period_fs = hpet[HPET_CAP / 8] >> 32;
	if (!period_fs || period_fs > 100000000) /* spec: at most 100 ns */
		return 0;
	hpet[HPET_CONFIG / 8] |= 1; /* ENABLE_CNF */
	uint64_t ticks = (uint64_t)HPET_CALIBRATE_MS * 1000000000000ULL / period_fs;
	uint64_t h0 = hpet[HPET_COUNTER / 8], t0 = rdtsc();
	while (hpet[HPET_COUNTER / 8] - h0 < ticks)
		cpu_relax();
	uint64_t h1 = hpet[HPET_COUNTER / 8], t1 = rdtsc();
	uint64_t elapsed_us = (h1 - h0) * period_fs / 1000000000ULL;
	return elapsed_us ? (t1 - t0) * 1000 / elapsed_us : 0;
}

static uint64_t calibrate_pit(void)
{
	uint16_t count = PIT_HZ / (1000 / CALIBRATE_MS);
	outb(0x61, (uint8_t)((inb(0x61) & ~0x02) | 0x01)); /* gate on, speaker off */
	outb(0x43, 0xb0);                                   /* ch 2, lo/hi, mode 0 */
	outb(0x42, (uint8_t)count);
	outb(0x42, (uint8_t)(count >> 8));
	uint64_t t0 = rdtsc();
	for (uint64_t spins = 0; !(inb(0x61) & 0x20); spins++)
		if (spins > 100000000)
			return 0; /* no PIT: its output never rises */
	return (rdtsc() - t0) / CALIBRATE_MS;
}

const char *tsc_calibrate(const struct acpi_info *ai)
{
	const char *source = "HPET";
	tsc_khz = ai->hpet_pa ? calibrate_hpet(ai->hpet_pa) : 0;
	if (!tsc_khz) {
		source = "PIT";
		tsc_khz = calibrate_pit();
	}
	if (!tsc_khz) {
		source = "nothing (assuming 1 GHz)";
		tsc_khz = 1000000;
	}
	return source;
}

void udelay(uint64_t us)
{
	uint64_t end = rdtsc() + us * tsc_khz / 1000;
	while ((int64_t)(rdtsc() - end) < 0)
		cpu_relax();
}

uint64_t tsc_to_us(uint64_t tsc)
{
	return tsc_khz ? tsc / tsc_khz * 1000 + tsc % tsc_khz * 1000 / tsc_khz : 0;
}

void lapic_timer_calibrate(void)
{
	lapic_write(APIC_TIMER_DIVIDE, 0x3); /* divide by 16 */
	lapic_write(APIC_LVT_TIMER, APIC_LVT_MASKED);
	lapic_write(APIC_TIMER_INIT, 0xffffffff);
	udelay(10000);
	uint32_t elapsed = 0xffffffff - lapic_read(APIC_TIMER_CURRENT);
	lapic_write(APIC_TIMER_INIT, 0);
	lapic_ticks_per_ms = elapsed / 10;
}

static void timer_tick(struct cpu_regs *regs)
{
	(void)regs;
	this_cpu()->timer_ticks++;
	softirq_raise(this_cpu()->cpu_id, SOFTIRQ_TIMER);
}

void lapic_timer_start(void)
{
	set_irq_handler(VEC_TIMER, timer_tick);
	lapic_write(APIC_TIMER_DIVIDE, 0x3);
	lapic_write(APIC_LVT_TIMER, VEC_TIMER | APIC_TIMER_PERIODIC);
	lapic_write(APIC_TIMER_INIT, MAX(lapic_ticks_per_ms * (1000 / HV_TICK_HZ), 1u));
}

void hv_timer_arm_ns(uint64_t delta_ns)
{
	uint64_t ticks = delta_ns * lapic_ticks_per_ms / 1000000;
	lapic_write(APIC_LVT_TIMER, VEC_TIMER); /* one shot */
	lapic_write(APIC_TIMER_INIT, (uint32_t)MAX(MIN(ticks, 0xffffffffULL), 1ULL));
}
