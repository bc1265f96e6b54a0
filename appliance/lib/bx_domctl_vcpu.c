/*
 * bx_domctl_vcpu.c - per-vCPU domctls and the scheduler's per-domain
 * parameters (public/domctl.h: getvcpuinfo, set/getvcpuaffinity with
 * XEN_VCPUAFFINITY_HARD/SOFT, scheduler_op with XEN_SCHEDULER_CREDIT2).
 * Affinity maps live in hypercall buffers; set writes back the effective
 * maps, which are copied back to the caller.
 */
#include <errno.h>
#include <string.h>

#include "bx.h"

int bx_getvcpuinfo(struct bx *bx, uint32_t domid, uint32_t vcpu,
		   struct xen_domctl_getvcpuinfo *info)
{
	struct xen_domctl d = { .cmd = XEN_DOMCTL_getvcpuinfo,
				.domain = (domid_t)domid };
	int rc;

	d.u.getvcpuinfo.vcpu = vcpu;
	rc = bx_domctl(bx, &d);
	if (rc >= 0)
		*info = d.u.getvcpuinfo;
	return rc;
}

/* One affinity call: maps bounced both ways, flags say which are used. */
static int vcpuaffinity(struct bx *bx, uint32_t cmd, uint32_t domid,
			uint32_t vcpu, uint8_t *hard, uint8_t *soft,
			uint32_t nr_bits)
{
	struct xen_domctl d = { .cmd = cmd, .domain = (domid_t)domid };
	size_t bytes = (nr_bits + 7) / 8;
	uint8_t *hbuf = NULL, *sbuf = NULL;
	int rc = -ENOMEM;

	d.u.vcpuaffinity.vcpu = vcpu;
	if (hard && !(hbuf = bx_hbuf_dup(bx, hard, bytes)))
		goto out;
	if (soft && !(sbuf = bx_hbuf_dup(bx, soft, bytes)))
		goto out;
	d.u.vcpuaffinity.flags = (hard ? XEN_VCPUAFFINITY_HARD : 0) |
				 (soft ? XEN_VCPUAFFINITY_SOFT : 0);
	d.u.vcpuaffinity.cpumap_hard.bitmap = (uintptr_t)hbuf;
	d.u.vcpuaffinity.cpumap_hard.nr_bits = nr_bits;
	d.u.vcpuaffinity.cpumap_soft.bitmap = (uintptr_t)sbuf;
	d.u.vcpuaffinity.cpumap_soft.nr_bits = nr_bits;
	rc = bx_domctl(bx, &d);
	if (rc >= 0 && hard)
		memcpy(hard, hbuf, bytes);
	if (rc >= 0 && soft)
		memcpy(soft, sbuf, bytes);
out:
	bx_hbuf_free(bx, hbuf, bytes);
	bx_hbuf_free(bx, sbuf, bytes);
	return rc;
}

int bx_setvcpuaffinity(struct bx *bx, uint32_t domid, uint32_t vcpu,
		       uint8_t *hard, uint8_t *soft, uint32_t nr_bits)
{
	return vcpuaffinity(bx, XEN_DOMCTL_setvcpuaffinity, domid, vcpu, hard,
			    soft, nr_bits);
}

int bx_getvcpuaffinity(struct bx *bx, uint32_t domid, uint32_t vcpu,
		       uint8_t *hard, uint8_t *soft, uint32_t nr_bits)
{
	return vcpuaffinity(bx, XEN_DOMCTL_getvcpuaffinity, domid, vcpu, hard,
			    soft, nr_bits);
}

static int sched_credit2(struct bx *bx, uint32_t domid, uint32_t cmd,
			 struct xen_domctl_sched_credit2 *params)
{
	struct xen_domctl d = { .cmd = XEN_DOMCTL_scheduler_op,
				.domain = (domid_t)domid };
	int rc;

	d.u.scheduler_op.sched_id = XEN_SCHEDULER_CREDIT2;
	d.u.scheduler_op.cmd = cmd;
	d.u.scheduler_op.u.credit2 = *params;
	rc = bx_domctl(bx, &d);
	if (rc >= 0)
		*params = d.u.scheduler_op.u.credit2;
	return rc;
}

int bx_sched_credit2_get(struct bx *bx, uint32_t domid,
			 struct xen_domctl_sched_credit2 *params)
{
	memset(params, 0, sizeof(*params));
	return sched_credit2(bx, domid, XEN_DOMCTL_SCHEDOP_getinfo, params);
}

int bx_sched_credit2_set(struct bx *bx, uint32_t domid,
			 const struct xen_domctl_sched_credit2 *params)
{
	struct xen_domctl_sched_credit2 copy = *params;

	return sched_credit2(bx, domid, XEN_DOMCTL_SCHEDOP_putinfo, &copy);
}
