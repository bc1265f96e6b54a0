/* The guest's control-register writes the hv intercepts (guest_cr.c). */
#ifndef BASTION_X86_GUEST_CR_H
#define BASTION_X86_GUEST_CR_H

#include "lib.h"
#include "x86/cpu.h"

struct vcpu;
struct vcpu_regs;

/* The CR4 bits a guest with these CPUID leaves 1 and 7.0 may set. */
uint64_t cr4_valid_bits(const struct cpuid_regs *leaf1, const struct cpuid_regs *leaf7);
/* Whether writing val to CR4 is allowed from state r, given the valid
 * bits; false: the write raises #GP. */
bool cr4_write_allowed(uint64_t valid, const struct vcpu_regs *r, uint64_t val);
/* Checks and makes v's write of val to CR4; -1: inject #GP(0). */
int guest_write_cr4(struct vcpu *v, uint64_t val);

#endif
