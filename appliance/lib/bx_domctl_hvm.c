/*
 * bx_domctl_hvm.c - the domctls that build and describe an HVM/PVH
 * container (public/domctl.h): saved HVM context records, TSC mode, the
 * paging (P2M/shadow) memory pool and the CPUID/MSR policy.  Buffers are
 * bounced through hypercall memory.
 */
#include <errno.h>
#include <string.h>

#include "bx.h"

long bx_gethvmcontext(struct bx *bx, uint32_t domid, void *buf, uint32_t size)
{
	struct xen_domctl d = { .cmd = XEN_DOMCTL_gethvmcontext,
				.domain = (domid_t)domid };
	void *hbuf = NULL;
	int rc;

	if (buf && !(hbuf = bx_hbuf_alloc(bx, size)))
		return -ENOMEM;
	d.u.hvmcontext.size = buf ? size : 0;
	d.u.hvmcontext.buffer = (uintptr_t)hbuf;
	rc = bx_domctl(bx, &d);
	if (rc >= 0 && buf)
		memcpy(buf, hbuf, d.u.hvmcontext.size < size ? d.u.hvmcontext.size : size);
	bx_hbuf_free(bx, hbuf, size);
	return rc < 0 ? rc : (long)d.u.hvmcontext.size;
}

int bx_sethvmcontext(struct bx *bx, uint32_t domid, const void *buf, uint32_t size)
{
	struct xen_domctl d = { .cmd = XEN_DOMCTL_sethvmcontext,
				.domain = (domid_t)domid };
	void *hbuf = bx_hbuf_dup(bx, buf, size);
	int rc;

	if (!hbuf)
		return -ENOMEM;
	d.u.hvmcontext.size = size;
	d.u.hvmcontext.buffer = (uintptr_t)hbuf;
	rc = bx_domctl(bx, &d);
	bx_hbuf_free(bx, hbuf, size);
	return rc;
}

int bx_settscinfo(struct bx *bx, uint32_t domid, const struct xen_domctl_tsc_info *tsc)
{
	struct xen_domctl d = { .cmd = XEN_DOMCTL_settscinfo,
				.domain = (domid_t)domid };

	d.u.tsc_info = *tsc;
	return bx_domctl(bx, &d);
}

int bx_set_paging_mempool_size(struct bx *bx, uint32_t domid, uint64_t bytes)
{
	struct xen_domctl d = { .cmd = XEN_DOMCTL_set_paging_mempool_size,
				.domain = (domid_t)domid };

	d.u.paging_mempool.size = bytes;
	return bx_domctl(bx, &d);
}

int bx_get_cpu_policy(struct bx *bx, uint32_t domid, xen_cpuid_leaf_t *leaves,
		      uint32_t *nr_leaves, xen_msr_entry_t *msrs, uint32_t *nr_msrs)
{
	struct xen_domctl d = { .cmd = XEN_DOMCTL_get_cpu_policy,
				.domain = (domid_t)domid };
	size_t lsize = *nr_leaves * sizeof(*leaves), msize = *nr_msrs * sizeof(*msrs);
	void *lbuf = leaves ? bx_hbuf_alloc(bx, lsize) : NULL;
	void *mbuf = msrs ? bx_hbuf_alloc(bx, msize) : NULL;
	int rc = -ENOMEM;

	if ((leaves && !lbuf) || (msrs && !mbuf))
		goto out;
	d.u.cpu_policy.nr_leaves = *nr_leaves;
	d.u.cpu_policy.nr_msrs = *nr_msrs;
	d.u.cpu_policy.leaves = (uintptr_t)lbuf;
	d.u.cpu_policy.msrs = (uintptr_t)mbuf;
	rc = bx_domctl(bx, &d);
	if (rc < 0)
		goto out;
	if (lbuf && d.u.cpu_policy.nr_leaves <= *nr_leaves)
		memcpy(leaves, lbuf, d.u.cpu_policy.nr_leaves * sizeof(*leaves));
	if (mbuf && d.u.cpu_policy.nr_msrs <= *nr_msrs)
		memcpy(msrs, mbuf, d.u.cpu_policy.nr_msrs * sizeof(*msrs));
	*nr_leaves = d.u.cpu_policy.nr_leaves;
	*nr_msrs = d.u.cpu_policy.nr_msrs;
out:
	bx_hbuf_free(bx, lbuf, lsize);
	bx_hbuf_free(bx, mbuf, msize);
	return rc;
}

int bx_set_cpu_policy(struct bx *bx, uint32_t domid, const xen_cpuid_leaf_t *leaves,
		      uint32_t nr_leaves, const xen_msr_entry_t *msrs, uint32_t nr_msrs,
		      uint32_t err[3])
{
	struct xen_domctl d = { .cmd = XEN_DOMCTL_set_cpu_policy,
				.domain = (domid_t)domid };
	size_t lsize = nr_leaves * sizeof(*leaves), msize = nr_msrs * sizeof(*msrs);
	void *lbuf = nr_leaves ? bx_hbuf_dup(bx, leaves, lsize) : NULL;
	void *mbuf = nr_msrs ? bx_hbuf_dup(bx, msrs, msize) : NULL;
	int rc = -ENOMEM;

	if ((nr_leaves && !lbuf) || (nr_msrs && !mbuf))
		goto out;
	d.u.cpu_policy.nr_leaves = nr_leaves;
	d.u.cpu_policy.nr_msrs = nr_msrs;
	d.u.cpu_policy.leaves = (uintptr_t)lbuf;
	d.u.cpu_policy.msrs = (uintptr_t)mbuf;
	d.u.cpu_policy.err_leaf = d.u.cpu_policy.err_subleaf = ~0U;
	d.u.cpu_policy.err_msr = ~0U;
	rc = bx_domctl(bx, &d);
	if (err) {
		err[0] = d.u.cpu_policy.err_leaf;
		err[1] = d.u.cpu_policy.err_subleaf;
		err[2] = d.u.cpu_policy.err_msr;
	}
out:
	bx_hbuf_free(bx, lbuf, lsize);
	bx_hbuf_free(bx, mbuf, msize);
	return rc;
}
