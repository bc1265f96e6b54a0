/*
 * Hypercalls (public/xen.h numbering; x86-64 convention: number in RAX,
 * arguments in RDI RSI RDX R10 R8, result in RAX; 32-bit guests use EBX
 * ECX EDX ESI EDI).  Each handler takes its vCPU and the arguments and
 * returns 0 or more, or a negative Xen errno.  Every pointer argument is
 * a guest virtual address reached with copy_from_guest/copy_to_guest.
 */
#ifndef BASTION_HYPERCALL_H
#define BASTION_HYPERCALL_H

#include "lib.h"
#include "domain.h"
#include "p2m.h"
#include "public/xen.h"
#include "public/errno.h"

typedef long (*hypercall_fn)(struct vcpu *v, const uint64_t arg[5]);

/* Runs the hypercall v's registers ask for.  True: it is to be executed
 * again (a continuation): the caller puts RIP back on the instruction. */
bool hypercall_dispatch(struct vcpu *v);
/* Runs hypercall nr for v (from the dispatcher or a multicall entry). */
long hypercall_call(struct vcpu *v, uint64_t nr, const uint64_t arg[5]);

/*
 * Continuations (Xen's): a handler that stops a long batch part-way sets
 * the arguments to resume with (hypercall_continue) and returns
 * HC_RESTART; the guest's registers get them and it executes the same
 * hypercall again, so a CPU is never held for an unbounded time and the
 * guest's vCPU can be preempted in between.  HC_RESTART is never seen by
 * the guest.
 */
#define HC_RESTART (-0x10000L)
/* Whether a handler should stop now: this CPU has work pending. */
bool hypercall_preempt_check(void);
/* Argument idx (0-4) becomes value when the hypercall is re-executed. */
void hypercall_continue(struct vcpu *v, unsigned idx, uint64_t value);
/* Applies the arguments saved by hypercall_continue to arg[]. */
void hypercall_continue_args(struct vcpu *v, uint64_t arg[5]);

long do_xen_version(struct vcpu *v, const uint64_t arg[5]);
long do_vm_assist(struct vcpu *v, const uint64_t arg[5]);
long do_memory_op(struct vcpu *v, const uint64_t arg[5]);
long do_hvm_op(struct vcpu *v, const uint64_t arg[5]);
long do_vcpu_op(struct vcpu *v, const uint64_t arg[5]);
long do_set_timer_op(struct vcpu *v, const uint64_t arg[5]);
long do_event_channel_op(struct vcpu *v, const uint64_t arg[5]);
long do_sched_op(struct vcpu *v, const uint64_t arg[5]);
long do_grant_table_op(struct vcpu *v, const uint64_t arg[5]);
long do_console_io(struct vcpu *v, const uint64_t arg[5]);
long do_platform_op(struct vcpu *v, const uint64_t arg[5]);
long do_physdev_op(struct vcpu *v, const uint64_t arg[5]);
long do_multicall(struct vcpu *v, const uint64_t arg[5]);
long do_sysctl(struct vcpu *v, const uint64_t arg[5]);
long do_domctl(struct vcpu *v, const uint64_t arg[5]);

/* Copies a whole struct in or out; -XEN_EFAULT from the caller on failure. */
#define GUEST_IN(v, ptr, gva) copy_from_guest(v, ptr, gva, sizeof(*(ptr)))
#define GUEST_OUT(v, gva, ptr) copy_to_guest(v, gva, ptr, sizeof(*(ptr)))

/* The domain a DOMID_SELF-or-own-id argument names, or NULL. */
static inline struct domain *self_domain(struct vcpu *v, domid_t domid)
{
	return domid == DOMID_SELF || domid == v->d->domid ? v->d : NULL;
}

#endif
