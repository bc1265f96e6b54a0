/*
 * hvm_op (public/hvm/hvm_op.h): the HVM parameters.  A guest may set only
 * how it wants events delivered (HVM_PARAM_CALLBACK_IRQ, vector type, as
 * PVH guests use); the others it may read.
 */
#include "hypercall.h"
#include "vcpu_sched.h"
#include "public/hvm/hvm_op.h"
#include "public/hvm/params.h"

static long param_op(struct vcpu *v, bool set, uint64_t gva)
{
	struct xen_hvm_param p;
	if (GUEST_IN(v, &p, gva))
		return -XEN_EFAULT;
	struct domain *d = self_domain(v, p.domid);
	if (!d)
		return -XEN_ESRCH;
	if (p.index >= HVM_NR_PARAMS)
		return -XEN_EINVAL;
	if (!set) {
		p.value = d->hvm_param[array_index_nospec(p.index, HVM_NR_PARAMS)];
		return GUEST_OUT(v, gva, &p) ? -XEN_EFAULT : 0;
	}
	if (p.index != HVM_PARAM_CALLBACK_IRQ)
		return -XEN_EPERM;
	uint64_t type = p.value >> 56;
	if (p.value && (type != HVM_PARAM_CALLBACK_TYPE_VECTOR || (p.value & 0xff) < 16))
		return -XEN_EINVAL; /* no emulated interrupt controller to route a GSI to */
	d->hvm_param[HVM_PARAM_CALLBACK_IRQ] = p.value;
	for (unsigned i = 0; i < d->nr_vcpus; i++)
		vcpu_kick(d->vcpu[i]); /* events may already be waiting */
	return 0;
}

long do_hvm_op(struct vcpu *v, const uint64_t arg[5])
{
	switch (arg[0]) {
	case HVMOP_set_param:
		return param_op(v, true, arg[1]);
	case HVMOP_get_param:
		return param_op(v, false, arg[1]);
	case HVMOP_pagetable_dying:
		return 0; /* a hint for shadow paging; nested paging needs nothing */
	default:
		return -XEN_ENOSYS;
	}
}
