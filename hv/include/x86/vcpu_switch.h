/* A vCPU's register state beyond what VMRUN switches (vcpu_switch.c). */
#ifndef BASTION_X86_VCPU_SWITCH_H
#define BASTION_X86_VCPU_SWITCH_H

#include "lib.h"

struct vcpu;

extern uint64_t xcr0_offered; /* XCR0 bits guests may set; 0 without XSAVE */

/* Each CPU, at boot: FPU and XSAVE on, XCR0 at its maximum. */
void fpu_init_cpu(void);
void vcpu_switch_report(void);
bool cpu_has_tsc_aux(void);
bool cpu_has_ibpb(void);
int vcpu_fpu_init(struct vcpu *v);
void vcpu_fpu_destroy(struct vcpu *v);
/* The x87/SSE state as an FXSAVE image, of a vCPU that is not running. */
void vcpu_fpu_get(const struct vcpu *v, uint8_t fx[512]);
/* Loads the FXSAVE image fx; -1 (nothing changed) if its MXCSR has bits
 * the CPU refuses. */
int vcpu_fpu_set(struct vcpu *v, const uint8_t fx[512]);
/* v leaves this CPU: keep what only the registers hold. */
void vcpu_state_save(struct vcpu *v);
/* v becomes this CPU's current vCPU. */
void vcpu_state_load(struct vcpu *v);

#endif
