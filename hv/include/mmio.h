/* Pages whose accesses the hv emulates instruction by instruction (mmio.c). */
#ifndef BASTION_MMIO_H
#define BASTION_MMIO_H

#include "lib.h"
#include "x86_emulate.h"

struct vcpu;
struct vcpu_regs;

/* The mode the guest's next instruction is decoded in. */
enum x86_mode guest_insn_mode(const struct vcpu_regs *r);

enum mmio_result {
	MMIO_NOT_EMULATED,  /* gpa is not in an emulated page */
	MMIO_DONE,          /* the instruction completed: RIP is past it */
	MMIO_FAULTED,       /* it raised a fault, now queued for the guest */
};

/* Emulates the instruction of v (which has just exited) that touched gpa
 * if gpa is in an emulated page. */
enum mmio_result mmio_emulate(struct vcpu *v, uint64_t gpa);

#endif
