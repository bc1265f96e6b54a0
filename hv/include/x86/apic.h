/* Local APIC (xAPIC MMIO or x2APIC MSRs) and I/O APIC access. */
#ifndef BASTION_X86_APIC_H
#define BASTION_X86_APIC_H

#include "lib.h"
#include "acpi.h"

#define APIC_ID 0x020
#define APIC_VERSION 0x030
#define APIC_TPR 0x080
#define APIC_EOI 0x0b0
#define APIC_SVR 0x0f0
#define APIC_ESR 0x280
#define APIC_ICR 0x300
#define APIC_ICR_HI 0x310
#define APIC_LVT_TIMER 0x320
#define APIC_LVT_LINT0 0x350
#define APIC_LVT_LINT1 0x360
#define APIC_LVT_ERROR 0x370
#define APIC_TIMER_INIT 0x380
#define APIC_TIMER_CURRENT 0x390
#define APIC_TIMER_DIVIDE 0x3e0

#define APIC_LVT_MASKED (1u << 16)
#define APIC_TIMER_PERIODIC (1u << 17)
#define APIC_ICR_INIT 0x00004500u  /* INIT, level assert */
#define APIC_ICR_SIPI 0x00004600u  /* STARTUP, vector in bits 0-7 */
#define APIC_ICR_FIXED 0x00004000u

extern bool lapic_x2apic;

void lapic_setup(uint64_t lapic_pa); /* once, on the boot CPU */
void lapic_init_cpu(void);           /* enable this CPU's APIC */
uint32_t lapic_id(void);
uint32_t lapic_read(unsigned reg);
void lapic_write(unsigned reg, uint32_t v);
void lapic_eoi(void);
void lapic_send_ipi(uint32_t apic_id, uint32_t icr);

/* Masks every redirection entry of every I/O APIC; returns the pin count. */
unsigned ioapic_mask_all(const struct acpi_info *ai);

#endif
