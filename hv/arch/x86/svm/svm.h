/* Private to the SVM backend. */
#ifndef BASTION_SVM_H
#define BASTION_SVM_H

#include "lib.h"

extern uint32_t svm_features;
extern uint32_t svm_nr_asids;

struct percpu;
struct vcpu;

#define SVM_FEATURE_NRIP (1u << 3)
#define SVM_FEATURE_FLUSH_BY_ASID (1u << 6)

const char *svm_probe(void);
int svm_cpu_enable(struct percpu *pc);
void svm_report_features(void);
int svm_selftest(void);
struct hvm_hw_cpu;

void svm_inject_exception(struct vcpu *v, uint8_t vector, int64_t error_code);
/* v->regs from the VMCB (after the backend changed the VMCB itself). */
void svm_sync_from_vmcb(struct vcpu *v);
/* svm_state.c */
void svm_vcpu_get_state(struct vcpu *v, struct hvm_hw_cpu *c);
int svm_vcpu_set_state(struct vcpu *v, const struct hvm_hw_cpu *c);

#endif
