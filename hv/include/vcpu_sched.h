/*
 * Running, blocking and waking vCPUs.  Each vCPU is pinned to its own CPU,
 * so "scheduling" is deciding when that CPU enters the guest and when it
 * halts waiting for an event, a timer or a start-up IPI.
 */
#ifndef BASTION_VCPU_SCHED_H
#define BASTION_VCPU_SCHED_H

#include "lib.h"

struct vcpu;

#define VEC_KICK 0xf1 /* IPI that makes a CPU look at its vCPU again */

/* Returns once v may enter the guest (handles INIT/SIPI, HLT, shutdown). */
void vcpu_wait_runnable(struct vcpu *v);
/* Final checks with GIF clear: fires due timers, arms the host timer. */
bool vcpu_ready_to_enter(struct vcpu *v);
/* The vector to offer the guest now (event upcall or APIC), or -1. */
int vcpu_pending_vector(struct vcpu *v);
void vcpu_vector_taken(struct vcpu *v, int vector);
/* HLT: block unless something is already pending. */
void vcpu_block(struct vcpu *v);
/* True when an upcall, an APIC interrupt or a due timer waits for v. */
bool vcpu_has_work(struct vcpu *v);
void sched_init_cpu(void);

#endif
