/* The virtual local APIC of a vCPU (see vlapic.c). */
#ifndef BASTION_VLAPIC_H
#define BASTION_VLAPIC_H

#include "lib.h"

struct vcpu;

void vlapic_init(struct vcpu *v);
int vlapic_rdmsr(struct vcpu *v, uint32_t msr, uint64_t *val);
int vlapic_wrmsr(struct vcpu *v, uint32_t msr, uint64_t val);
int vlapic_set_base(struct vcpu *v, uint64_t val);
/* Handles a nested page fault on the xAPIC page; false if not ours. */
bool vlapic_mmio_access(struct vcpu *v, uint64_t gpa, uint64_t info);
/* Highest-priority vector the APIC would deliver now, or -1. */
int vlapic_pending_vector(struct vcpu *v);
/* The guest took vector: IRR -> ISR. */
void vlapic_accept(struct vcpu *v, uint8_t vector);
/* Raises a fixed interrupt on v (from another vCPU or itself). */
void vlapic_set_irq(struct vcpu *v, uint8_t vector);

#endif
