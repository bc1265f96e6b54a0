/*
 * The vendor-neutral face of hardware virtualization.  One backend is
 * chosen at boot (AMD-V today; VT-x goes behind the same ops) and the
 * rest of the hv calls it only through hvm_ops.
 */
#ifndef BASTION_X86_HVM_H
#define BASTION_X86_HVM_H

#include "lib.h"
#include "x86/percpu.h"

struct hvm_ops {
	const char *name;
	/* NULL if this CPU can run the backend, else why not. */
	const char *(*probe)(void);
	/* Turns virtualization on for the calling CPU; 0 or -1. */
	int (*cpu_enable)(struct percpu *pc);
	void (*report_features)(void);
	/* Runs a small guest on this CPU and checks every exit; 0 if right. */
	int (*selftest)(void);
};

extern const struct hvm_ops svm_hvm_ops;
extern const struct hvm_ops *hvm; /* NULL when no backend could be used */

/* Picks the backend for this machine; on failure returns NULL, *why set. */
const struct hvm_ops *hvm_select(const char **why);

#endif
