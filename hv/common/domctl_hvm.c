/*
 * The domctls about a guest's machine state (public/domctl.h): the HVM
 * context (public/hvm/save.h records HEADER, CPU and MTRR per vCPU, END;
 * libxenguest starts a PVH vCPU by loading a CPU record) and the TSC
 * mode.  The domain is paused around each; on itself, -EINVAL, as Xen.
 */
#include "ctl.h"
#include "public/arch-x86/cpuid.h"
#include "public/hvm/save.h"
#include "x86/cpu.h"
#include "x86/guest_cpu.h"
#include "x86/hvm.h"
#include "vtime.h"
#include "x86/time.h"

#define DESC sizeof(struct hvm_save_descriptor)
#define CONTEXT_SIZE(n) (DESC + sizeof(struct hvm_save_header) + (n) * (DESC + sizeof(struct hvm_hw_cpu)) + \
			 (n) * (DESC + sizeof(struct hvm_hw_mtrr)) + DESC)

/* Appends one record to the caller's buffer at *off. */
static long put_record(struct domctl_call *c, uint64_t *off, uint16_t code, uint16_t instance,
		       const void *body, uint32_t len)
{
	struct hvm_save_descriptor d = { code, instance, len };
	uint64_t buf = c->op->u.hvmcontext.buffer;
	if (copy_to_guest(c->v, buf + *off, &d, sizeof(d)) ||
	    (len && copy_to_guest(c->v, buf + *off + DESC, body, len)))
		return -XEN_EFAULT;
	*off += DESC + len;
	return 0;
}

static long save_context(struct domctl_call *c)
{
	struct domain *d = c->d;
	struct hvm_save_header h = { HVM_FILE_MAGIC, HVM_FILE_VERSION, 0, cpuid(1).eax, (uint32_t)tsc_khz };
	uint64_t off = 0;
	long rc = put_record(c, &off, HVM_SAVE_CODE_HEADER, 0, &h, sizeof(h));
	for (unsigned i = 0; !rc && i < d->nr_vcpus; i++) {
		struct hvm_hw_cpu cpu;
		hvm->vcpu_get_state(d->vcpu[i], &cpu);
		rc = put_record(c, &off, HVM_SAVE_CODE_CPU, (uint16_t)i, &cpu, sizeof(cpu));
	}
	for (unsigned i = 0; !rc && i < d->nr_vcpus; i++) {
		struct hvm_hw_mtrr m = { .msr_pat_cr = d->vcpu[i]->pat }; /* no MTRRs offered: all off */
		rc = put_record(c, &off, HVM_SAVE_CODE_MTRR, (uint16_t)i, &m, sizeof(m));
	}
	if (!rc)
		rc = put_record(c, &off, HVM_SAVE_CODE_END, 0, NULL, 0);
	c->op->u.hvmcontext.size = (uint32_t)off;
	return rc;
}

long domctl_gethvmcontext(struct domctl_call *c)
{
	if (c->d == c->v->d)
		return -XEN_EINVAL;
	uint64_t size = CONTEXT_SIZE(c->d->nr_vcpus);
	c->copyback = true;
	if (!c->op->u.hvmcontext.buffer) { /* how big it would be */
		c->op->u.hvmcontext.size = (uint32_t)size;
		return 0;
	}
	if (c->op->u.hvmcontext.size < size)
		return -XEN_ENOSPC;
	long rc = domain_pause(c->d);
	if (rc)
		return rc;
	rc = save_context(c);
	domain_unpause(c->d);
	return rc;
}

/* One record (its descriptor already read and its length checked). */
static long load_record(struct domctl_call *c, const struct hvm_save_descriptor *desc, uint64_t body)
{
	struct domain *d = c->d;
	struct vcpu *v = domain_vcpu(d, desc->instance);
	if (desc->typecode == HVM_SAVE_CODE_CPU) {
		struct hvm_hw_cpu cpu;
		if (!v || desc->length != sizeof(cpu))
			return -XEN_EINVAL;
		if (copy_from_guest(c->v, &cpu, body, sizeof(cpu)))
			return -XEN_EFAULT;
		long rc = hvm->vcpu_set_state(v, &cpu);
		if (!rc) /* loaded: it may run once the domain does */
			sched_vcpu_flags(&v->sched, 0, SVF_DOWN, now_ns());
		return rc;
	}
	if (desc->typecode == HVM_SAVE_CODE_MTRR) {
		struct hvm_hw_mtrr m;
		if (!v || desc->length != sizeof(m))
			return -XEN_EINVAL;
		if (copy_from_guest(c->v, &m, body, sizeof(m)))
			return -XEN_EFAULT;
		if (!pat_valid(m.msr_pat_cr))
			return -XEN_EINVAL;
		v->pat = m.msr_pat_cr; /* MTRRs are not offered: the rest has no effect */
		return 0;
	}
	return -XEN_EINVAL; /* a record this hv does not have */
}

static long load_context(struct domctl_call *c)
{
	uint64_t buf = c->op->u.hvmcontext.buffer, size = c->op->u.hvmcontext.size, off = 0;
	struct hvm_save_descriptor desc;
	struct hvm_save_header h;
	if (size < DESC + sizeof(h) || copy_from_guest(c->v, &desc, buf, DESC) ||
	    copy_from_guest(c->v, &h, buf + DESC, sizeof(h)))
		return size < DESC + sizeof(h) ? -XEN_EINVAL : -XEN_EFAULT;
	if (desc.typecode != HVM_SAVE_CODE_HEADER || desc.length != sizeof(h) || h.magic != HVM_FILE_MAGIC ||
	    h.version != HVM_FILE_VERSION)
		return -XEN_EINVAL;
	/* As Xen: every vCPU goes down; those with a CPU record come back. */
	for (unsigned i = 0; i < c->d->nr_vcpus; i++)
		sched_vcpu_flags(&c->d->vcpu[i]->sched, SVF_DOWN, 0, now_ns());
	for (off = DESC + sizeof(h); off + DESC <= size; ) {
		if (copy_from_guest(c->v, &desc, buf + off, DESC))
			return -XEN_EFAULT;
		if (desc.typecode == HVM_SAVE_CODE_END)
			return 0;
		if (desc.length > size - off - DESC)
			return -XEN_EINVAL;
		long rc = load_record(c, &desc, buf + off + DESC);
		if (rc)
			return rc;
		off += DESC + desc.length;
	}
	return -XEN_EINVAL; /* no END record */
}

long domctl_sethvmcontext(struct domctl_call *c)
{
	if (c->d == c->v->d)
		return -XEN_EINVAL;
	long rc = domain_pause(c->d);
	if (rc)
		return rc;
	rc = load_context(c);
	domain_unpause(c->d);
	return rc;
}

long domctl_tscinfo(struct domctl_call *c)
{
	struct xen_domctl_tsc_info *t = &c->op->u.tsc_info;
	if (c->op->cmd == XEN_DOMCTL_gettscinfo) {
		*t = (struct xen_domctl_tsc_info){ .tsc_mode = XEN_CPUID_TSC_MODE_DEFAULT,
						   .gtsc_khz = (uint32_t)tsc_khz };
		c->copyback = true;
		return 0;
	}
	if (c->d == c->v->d)
		return -XEN_EINVAL;
	if (t->tsc_mode != XEN_CPUID_TSC_MODE_DEFAULT && t->tsc_mode != XEN_CPUID_TSC_MODE_NEVER_EMULATE &&
	    t->tsc_mode != XEN_CPUID_TSC_MODE_ALWAYS_EMULATE)
		return -XEN_EINVAL;
	/* The TSC runs at the host's rate, read natively: emulating it, another
	 * rate or a migration's carried-over time is not offered. */
	if (t->tsc_mode == XEN_CPUID_TSC_MODE_ALWAYS_EMULATE || (t->gtsc_khz && t->gtsc_khz != tsc_khz) ||
	    t->elapsed_nsec)
		return -XEN_EOPNOTSUPP;
	return 0;
}
