/* Per-vCPU state of the AMD-V backend, private to svm/ (v->hvm). */
#ifndef BASTION_SVM_VCPU_H
#define BASTION_SVM_VCPU_H

#include "domain.h"
#include "vmcb.h"

struct svm_vcpu {
	struct vmcb *vmcb;
	/* The TLB tag: valid on asid_cpu while that CPU's ASID generation
	 * is asid_gen (svm_asid.c). */
	uint32_t asid;
	unsigned asid_cpu;
	uint64_t asid_gen;
	/* For the report of a triple fault: what the last entry injected
	 * and why the guest exited before it. */
	uint64_t entry_eventinj;
	uint32_t prev_exitcode;
	unsigned prev_cpu, cpu; /* of the entry before the last, and of the last */
	unsigned pf_retries;     /* trace_pf: how often the fault below was retried */
	uint64_t pf_retried_info, pf_retried_cr2;
	uint64_t shutdown_retried_at; /* now_ns of the last triple fault retried, 0: none */
	/* Where the guest was when a V_IRQ was offered that it could take at
	 * once (~0 if it could not), and whether it ran on without taking
	 * one (Bochs): the next interrupt is then injected. */
	uint64_t vintr_open_rip;
	bool vintr_ignored;
};

static inline struct svm_vcpu *svm(const struct vcpu *v)
{
	return v->hvm;
}

static inline struct vmcb *vmcb_of(const struct vcpu *v)
{
	return svm(v)->vmcb;
}

/* Gives v a TLB tag valid on this CPU, flushing where the rules need. */
void svm_asid_assign(struct vcpu *v, struct vmcb *vm);

#endif
