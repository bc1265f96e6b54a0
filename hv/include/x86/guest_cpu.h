/* What a guest sees of the CPU: CPUID leaves, MSRs, and its port accesses. */
#ifndef BASTION_X86_GUEST_CPU_H
#define BASTION_X86_GUEST_CPU_H

#include "lib.h"
#include "x86/cpu.h"

struct vcpu;

void guest_cpuid(struct vcpu *v, uint32_t leaf, uint32_t subleaf, struct cpuid_regs *r);
/* 0, or -1 where a real CPU would raise #GP. */
int guest_rdmsr(struct vcpu *v, uint32_t msr, uint64_t *val);
int guest_wrmsr(struct vcpu *v, uint32_t msr, uint64_t val);
/* XSETBV: 0, or the vector a real CPU would raise, 6 (#UD) or 13 (#GP)
 * (vcpu_switch.c). */
int guest_xsetbv(struct vcpu *v, uint32_t index, uint64_t val);
/* Whether every entry of a PAT value is a memory type the CPU knows. */
bool pat_valid(uint64_t pat);
/* Logs the first access to each port a guest makes. */
void guest_port_first_use(struct vcpu *v, uint16_t port, bool in);

#endif
