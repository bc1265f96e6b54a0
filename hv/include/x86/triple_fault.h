/*
 * Whether a guest's triple fault is retried instead of crashing the
 * guest (triple_fault.c; the reason is there).  Vendor-neutral: the event
 * is in the layout SVM's EXITINTINFO and VT-x's IDT-vectoring information
 * share (vector in bits 7:0, type in 10:8 with 3 a hardware exception,
 * valid in bit 31).
 */
#ifndef BASTION_X86_TRIPLE_FAULT_H
#define BASTION_X86_TRIPLE_FAULT_H

#include "lib.h"

struct triple_fault {
	uint64_t event;   /* the event being delivered when it happened */
	bool long_mode;   /* the guest was in long mode */
	bool gate_mapped; /* that event's IDT gate lies within the IDT's limit and translates */
	uint64_t now;     /* ns */
};

/* Decides; on yes, *last_retry_at (per vCPU, 0 at first) becomes now. */
bool triple_fault_retry(const struct triple_fault *tf, uint64_t *last_retry_at);
/* Whether the event is an exception the instruction raises again when it
 * runs again (so it is dropped rather than delivered on a retry). */
bool triple_fault_event_refaults(uint64_t event);

#endif
