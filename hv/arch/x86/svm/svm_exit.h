/* Private to the SVM backend: exit dispatch and the MSR intercept bitmap. */
#ifndef BASTION_SVM_EXIT_H
#define BASTION_SVM_EXIT_H

struct vcpu;
struct vmcb;

void svm_handle_exit(struct vcpu *v, struct vmcb *vm);
/* Fills the MSR permission map: everything intercepted except the
 * registers VMLOAD/VMSAVE already switch per guest. */
void svm_msr_policy(void *msrpm);

extern bool opt_trace_pf; /* "trace_pf": intercept and report guest #PF */

#endif
