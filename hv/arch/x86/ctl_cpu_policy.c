/*
 * The toolstack's view of CPU policies (public/sysctl.h, domctl.h):
 * sysctl get_cpu_featureset and get_cpu_policy, domctl get_cpu_policy
 * and set_cpu_policy, with Xen 4.17's sizes, errors and error reports.
 * MSR policies hold Xen's two entries (PLATFORM_INFO, ARCH_CAPABILITIES),
 * both zero: neither MSR is offered here.
 */
#include "ctl.h"
#include "x86/cpu.h"
#include "x86/cpu_policy.h"

#define FEATURESET_WORDS 14 /* Xen 4.17.0's FEATURESET_NR_ENTRIES */
#define MSR_ENTRIES 2       /* Xen 4.17's MSR_MAX_SERIALISED_ENTRIES */

static const struct xen_msr_entry msr_policy[MSR_ENTRIES] = { { 0xce, 0, 0 }, { 0x10a, 0, 0 } };

/* Xen's featureset words, in its order, from a policy. */
static void featureset(const struct domain *d, bool raw, uint32_t fs[FEATURESET_WORDS])
{
	static const struct { uint32_t leaf, sub; uint8_t reg; } words[FEATURESET_WORDS] = {
		{ 1, 0, 3 }, { 1, 0, 2 }, { 0x80000001, 0, 3 }, { 0x80000001, 0, 2 }, { 0xd, 1, 0 },
		{ 7, 0, 1 }, { 7, 0, 2 }, { 0x80000007, 0, 3 }, { 0x80000008, 0, 1 }, { 7, 0, 3 },
		{ 7, 1, 0 }, { 0x80000021, 0, 0 }, { 7, 1, 1 }, { 7, 2, 3 },
	};
	for (unsigned i = 0; i < FEATURESET_WORDS; i++) {
		struct cpuid_regs r;
		if (raw)
			cpuid_count(words[i].leaf, words[i].sub, &r);
		else
			cpuid_policy_leaf(d, words[i].leaf, words[i].sub, &r);
		uint8_t k = words[i].reg;
		fs[i] = k == 0 ? r.eax : k == 1 ? r.ebx : k == 2 ? r.ecx : r.edx;
	}
}

long sysctl_get_cpu_featureset(struct vcpu *v, struct xen_sysctl *op)
{
	struct xen_sysctl_cpu_featureset *f = &op->u.cpu_featureset;
	if (!f->features) {
		f->nr_features = FEATURESET_WORDS;
		return 0;
	}
	uint32_t idx = f->index, nr = MIN(f->nr_features, (uint32_t)FEATURESET_WORDS), fs[FEATURESET_WORDS];
	if (idx > XEN_SYSCTL_cpu_featureset_hvm)
		return -XEN_EINVAL;
	if (idx == XEN_SYSCTL_cpu_featureset_pv)
		return -XEN_EOPNOTSUPP; /* no PV guests */
	featureset(NULL, idx <= XEN_SYSCTL_cpu_featureset_host, fs);
	if (copy_to_guest(v, f->features, fs, nr * sizeof(fs[0])))
		return -XEN_EFAULT;
	f->nr_features = nr;
	return nr < FEATURESET_WORDS ? -XEN_ENOBUFS : 0;
}

/* Leaves and MSRs of a policy into the caller's buffers (NULL: report
 * how many there can be). */
static long copy_policy(struct vcpu *v, const struct domain *d, bool raw, uint64_t leaves, uint32_t *nr_leaves,
			uint64_t msrs, uint32_t *nr_msrs)
{
	if (!leaves) {
		*nr_leaves = CPUID_POLICY_MAX_LEAVES;
	} else {
		static struct xen_cpuid_leaf list[CPUID_POLICY_MAX_LEAVES]; /* domctl and sysctl run one at a time */
		int n = cpuid_policy_serialise(d, raw, list, MIN(*nr_leaves, (uint32_t)CPUID_POLICY_MAX_LEAVES));
		if (n < 0)
			return -XEN_ENOBUFS;
		if (copy_to_guest(v, leaves, list, (size_t)n * sizeof(list[0])))
			return -XEN_EFAULT;
		*nr_leaves = (uint32_t)n;
	}
	if (!msrs) {
		*nr_msrs = MSR_ENTRIES;
	} else {
		if (*nr_msrs < MSR_ENTRIES)
			return -XEN_ENOBUFS;
		if (copy_to_guest(v, msrs, msr_policy, sizeof(msr_policy)))
			return -XEN_EFAULT;
		*nr_msrs = MSR_ENTRIES;
	}
	return 0;
}

long sysctl_get_cpu_policy(struct vcpu *v, struct xen_sysctl *op)
{
	struct xen_sysctl_cpu_policy *p = &op->u.cpu_policy;
	if (p->_rsvd || p->index > XEN_SYSCTL_cpu_policy_hvm_default)
		return -XEN_EINVAL;
	if (p->index == XEN_SYSCTL_cpu_policy_pv_max || p->index == XEN_SYSCTL_cpu_policy_pv_default)
		return -XEN_EOPNOTSUPP; /* no PV guests */
	bool raw = p->index <= XEN_SYSCTL_cpu_policy_host;
	return copy_policy(v, NULL, raw, p->leaves, &p->nr_leaves, p->msrs, &p->nr_msrs);
}

long domctl_get_cpu_policy(struct domctl_call *c)
{
	struct xen_domctl_cpu_policy *p = &c->op->u.cpu_policy;
	long rc = copy_policy(c->v, c->d, false, p->leaves, &p->nr_leaves, p->msrs, &p->nr_msrs);
	c->copyback = !rc;
	return rc;
}

/* MSR entries may only repeat the policy (neither MSR is offered). */
static long check_msrs(struct vcpu *v, const struct xen_domctl_cpu_policy *p, uint32_t *bad)
{
	for (uint32_t i = 0; i < p->nr_msrs; i++) {
		struct xen_msr_entry e;
		if (copy_from_guest(v, &e, p->msrs + i * sizeof(e), sizeof(e)))
			return -XEN_EFAULT;
		bool known = e.idx == msr_policy[0].idx || e.idx == msr_policy[1].idx;
		if (!known || e.flags || e.val) {
			*bad = e.idx;
			return known && !e.flags ? -XEN_EINVAL : -XEN_ERANGE;
		}
	}
	return 0;
}

long domctl_set_cpu_policy(struct domctl_call *c)
{
	struct xen_domctl_cpu_policy *p = &c->op->u.cpu_policy;
	if (c->d == c->v->d)
		return -XEN_EINVAL;
	if (c->d->creation_finished)
		return -XEN_EEXIST; /* not once the domain has run */
	p->err_leaf = p->err_subleaf = p->err_msr = ~0u;
	if (p->nr_leaves > CPUID_POLICY_MAX_LEAVES || p->nr_msrs > MSR_ENTRIES)
		return -XEN_E2BIG;
	static struct xen_cpuid_leaf list[CPUID_POLICY_MAX_LEAVES]; /* domctl and sysctl run one at a time */
	if (p->nr_leaves && copy_from_guest(c->v, list, p->leaves, p->nr_leaves * sizeof(list[0])))
		return -XEN_EFAULT;
	long rc = check_msrs(c->v, p, &p->err_msr);
	if (!rc && p->nr_leaves)
		rc = cpuid_policy_set(c->d, list, p->nr_leaves, &p->err_leaf, &p->err_subleaf);
	c->copyback = true;
	return rc;
}
