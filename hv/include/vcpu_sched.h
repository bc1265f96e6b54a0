/*
 * A vCPU's side of scheduling (vcpu_sched.c): when it has work, blocking
 * and waking it, its timers' alarm, INIT and STARTUP IPIs, the checks
 * before each guest entry, and its runstate as the guest reads it.
 */
#ifndef BASTION_VCPU_SCHED_H
#define BASTION_VCPU_SCHED_H

#include "lib.h"

struct vcpu;

/* Before entering v (this CPU's current, interrupts on): applies INIT
 * and STARTUP IPIs, fires its due timers, sets its alarm.  False if v
 * may not run now. */
bool vcpu_prepare_entry(struct vcpu *v);
/* The last check, with interrupts held off: nothing pending for this
 * CPU and v still runnable. */
bool vcpu_may_enter(struct vcpu *v);
/* The vector to offer the guest now (event upcall or APIC), or -1. */
int vcpu_pending_vector(struct vcpu *v);
void vcpu_vector_taken(struct vcpu *v, int vector);
/* SCHEDOP_block and _poll: block unless something is pending. */
void vcpu_block(struct vcpu *v);
/* HLT: blocks as above with interrupts on; with them off the vCPU goes
 * offline (Xen's rule), and so does the domain when none is left. */
void vcpu_halt(struct vcpu *v, bool interrupts_on);
/* True when an upcall, an APIC interrupt or a due timer waits for v. */
bool vcpu_has_work(struct vcpu *v);
void vcpu_alarm_init(struct vcpu *v);
/* Sets v's alarm for its earliest timer (call in v's own context).
 * False if no timer slot was free (v must not sleep then). */
bool vcpu_arm_alarm(struct vcpu *v);
/* INIT and STARTUP IPIs from another vCPU's virtual APIC. */
void vcpu_send_init(struct vcpu *target);
void vcpu_send_sipi(struct vcpu *target, uint8_t vector);
/* v leaves its CPU (scheduler lock held): a STARTUP that came meanwhile
 * is applied now. */
void vcpu_switched_out(struct vcpu *v);
/* Writes v's runstate to the area the guest registered, if any. */
void vcpu_runstate_publish(struct vcpu *v);

#endif
