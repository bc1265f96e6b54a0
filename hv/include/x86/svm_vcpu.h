/* Per-vCPU state of the AMD-V backend. */
#ifndef BASTION_X86_SVM_VCPU_H
#define BASTION_X86_SVM_VCPU_H

#include "lib.h"
#include "x86/vmcb.h"

struct vcpu;

struct svm_vcpu {
	struct vmcb *vmcb;
	struct svm_gprs gprs;
	uint64_t guest_efer;    /* what the guest believes; the VMCB adds SVME */
	uint64_t tsc_aux;
	/* virtual local APIC (x2APIC registers, see vlapic.c) */
	uint32_t apic_id;
	uint64_t apic_base;
	uint32_t apic_regs[64]; /* indexed by (MSR - 0x800) */
	uint64_t irr[4];        /* pending fixed-vector interrupts */
	uint64_t isr[4];        /* in service */
};

int svm_vcpu_init(struct vcpu *v);
/* PVH entry state (docs/misc/pvh.pandoc): 32-bit flat protected mode,
 * paging off, EBX = start_info. */
void svm_vcpu_pvh_entry(struct vcpu *v, uint32_t entry, uint32_t start_info);
/* Real-mode start at vector << 12, as after INIT and STARTUP IPIs. */
void svm_vcpu_sipi_entry(struct vcpu *v, uint8_t vector);
/* Runs the vCPU on this CPU for ever. */
__attribute__((noreturn)) void svm_vcpu_run(struct vcpu *v);

/* Guest registers by number (0 = RAX ... 15 = R15), for exits and hypercalls. */
uint64_t svm_get_gpr(struct vcpu *v, unsigned reg);
void svm_set_gpr(struct vcpu *v, unsigned reg, uint64_t val);
/* Queues an exception for the guest (vector, error code or -1). */
void svm_inject_exception(struct vcpu *v, uint8_t vector, int64_t error_code);

#endif
