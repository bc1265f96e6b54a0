/* The virtual local APIC of a vCPU (see vlapic.c). */
#ifndef BASTION_VLAPIC_H
#define BASTION_VLAPIC_H

#include "lib.h"

struct vcpu;

/* A vCPU's local APIC state (see vlapic.c). */
struct vlapic {
	uint32_t apic_id;
	uint64_t apic_base;
	uint32_t regs[64];      /* indexed by MSR - 0x800 (MMIO offset / 16) */
	uint64_t irr[4];        /* pending fixed-vector interrupts */
	uint64_t isr[4];        /* in service */
};

void vlapic_init(struct vcpu *v);
int vlapic_rdmsr(struct vcpu *v, uint32_t msr, uint64_t *val);
int vlapic_wrmsr(struct vcpu *v, uint32_t msr, uint64_t val);
int vlapic_set_base(struct vcpu *v, uint64_t val);
/* Whether gpa is in the xAPIC page. */
bool vlapic_is_mmio(uint64_t gpa);
/* An access of 1, 2 or 4 bytes at offset into the xAPIC page; a read's
 * value is in the low bytes. */
uint32_t vlapic_mmio_read(struct vcpu *v, uint32_t offset, unsigned bytes);
void vlapic_mmio_write(struct vcpu *v, uint32_t offset, unsigned bytes, uint32_t val);
/* Highest-priority vector the APIC would deliver now, or -1. */
int vlapic_pending_vector(struct vcpu *v);
/* The guest took vector: IRR -> ISR (if it came from the APIC). */
void vlapic_accept(struct vcpu *v, uint8_t vector);
/* Undoes vlapic_accept for an interrupt whose delivery was abandoned. */
void vlapic_requeue(struct vcpu *v, uint8_t vector);
/* Raises a fixed interrupt on v (from another vCPU or itself). */
void vlapic_set_irq(struct vcpu *v, uint8_t vector);

#endif
