/*
 * What domctl and sysctl share (ctl.c): the caller's view of a domain
 * (getdomaininfo), CPU and node bitmaps in the caller's memory, and each
 * sub-op's handler.  A handler gets the copied-in request, changes it in
 * place and sets copyback when the caller is to see it.
 */
#ifndef BASTION_CTL_H
#define BASTION_CTL_H

#include "hypercall.h"
#include "access.h"
#include "public/domctl.h"
#include "public/sysctl.h"

struct domctl_call {
	struct vcpu *v;         /* the caller */
	struct domain *d;       /* the domain named (held), NULL for some sub-ops */
	struct xen_domctl *op;
	bool copyback;
};

typedef long (*domctl_fn)(struct domctl_call *c);

/* Held while a domctl or sysctl sub-op runs: one at a time, as in Xen. */
extern spinlock_t ctl_lock;

struct access_subject domain_subject(const struct domain *d);
/* The domain a hypercall names (DOMID_SELF or an id), referenced, if the
 * caller passes rule over it; else NULL with *rc -ESRCH or -EPERM. */
struct domain *domain_get_checked(struct vcpu *v, unsigned domid, enum access_rule rule, long *rc);
void domain_info(struct domain *d, struct xen_domctl_getdomaininfo *info);

/* xenctl_bitmap <-> cpumask, with Xen's rules: bits past nr_bits are
 * zero, a longer guest map is cut (read) or zero-filled (write). */
int bitmap_read(struct vcpu *v, const struct xenctl_bitmap *b, uint64_t *mask);
int bitmap_write(struct vcpu *v, const struct xenctl_bitmap *b, uint64_t mask);

/* domctl_vcpu.c */
long domctl_getvcpuinfo(struct domctl_call *c);
long domctl_vcpuaffinity(struct domctl_call *c);
long domctl_nodeaffinity(struct domctl_call *c);
long domctl_scheduler_op(struct domctl_call *c);

/* domctl_hvm.c */
long domctl_gethvmcontext(struct domctl_call *c);
long domctl_sethvmcontext(struct domctl_call *c);
long domctl_tscinfo(struct domctl_call *c);

/* x86/ctl_cpu_policy.c */
long sysctl_get_cpu_featureset(struct vcpu *v, struct xen_sysctl *op);
long sysctl_get_cpu_policy(struct vcpu *v, struct xen_sysctl *op);
/* debug_keys.c */
long sysctl_debug_keys(struct vcpu *v, struct xen_sysctl *op);
long domctl_get_cpu_policy(struct domctl_call *c);
long domctl_set_cpu_policy(struct domctl_call *c);

#endif
