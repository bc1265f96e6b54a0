/*
 * bx_sysctl.c - sysctl (hypercall 35) with the interface version stamped
 * (public/sysctl.h, 0x15), and the host-wide questions xl asks: physical
 * resources, the scheduler, the domain list, the console ring and the
 * CPU pools.  The struct is copied in and back whole.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "bx.h"

int bx_sysctl(struct bx *bx, struct xen_sysctl *sysctl)
{
	sysctl->interface_version = XEN_SYSCTL_INTERFACE_VERSION;
	return (int)bx_hypercall_ptr(bx, __HYPERVISOR_sysctl, sysctl,
				     sizeof(*sysctl));
}

int bx_physinfo(struct bx *bx, struct xen_sysctl_physinfo *info)
{
	struct xen_sysctl s = { .cmd = XEN_SYSCTL_physinfo };
	int rc = bx_sysctl(bx, &s);

	if (rc >= 0)
		*info = s.u.physinfo;
	return rc;
}

int bx_sched_id(struct bx *bx, uint32_t *sched_id)
{
	struct xen_sysctl s = { .cmd = XEN_SYSCTL_sched_id };
	int rc = bx_sysctl(bx, &s);

	if (rc >= 0)
		*sched_id = s.u.sched_id.sched_id;
	return rc;
}

int bx_getdomaininfolist(struct bx *bx, uint32_t first, uint32_t max,
			 struct xen_domctl_getdomaininfo *infos)
{
	struct xen_sysctl s = { .cmd = XEN_SYSCTL_getdomaininfolist };
	size_t size = max * sizeof(*infos);
	void *buf = bx_hbuf_alloc(bx, size);
	int rc;

	if (!buf)
		return -ENOMEM;
	s.u.getdomaininfolist.first_domain = (domid_t)first;
	s.u.getdomaininfolist.max_domains = max;
	s.u.getdomaininfolist.buffer = (uintptr_t)buf;
	rc = bx_sysctl(bx, &s);
	if (rc >= 0) {
		rc = (int)s.u.getdomaininfolist.num_domains;
		if ((uint32_t)rc > max)
			rc = (int)max;
		memcpy(infos, buf, rc * sizeof(*infos));
	}
	bx_hbuf_free(bx, buf, size);
	return rc;
}

#define BX_LIST_BATCH 1024

int bx_list_domains(struct bx *bx, struct xen_domctl_getdomaininfo **infos)
{
	struct xen_domctl_getdomaininfo *all = NULL, *grown;
	int count = 0, got;
	uint32_t next = 0;

	for (;;) {
		grown = realloc(all, (count + BX_LIST_BATCH) * sizeof(*all));
		if (!grown) {
			free(all);
			return -ENOMEM;
		}
		all = grown;
		got = bx_getdomaininfolist(bx, next, BX_LIST_BATCH, all + count);
		if (got <= 0)
			break;
		count += got;
		next = all[count - 1].domain + 1u;
	}
	if (got < 0) {
		free(all);
		return got;
	}
	*infos = all;
	return count;
}

long bx_readconsole(struct bx *bx, char *buf, uint32_t count, bool clear,
		   uint32_t *index)
{
	struct xen_sysctl s = { .cmd = XEN_SYSCTL_readconsole };
	char *hbuf;
	int rc;

	if (!(hbuf = bx_hbuf_alloc(bx, count)))
		return -ENOMEM;
	s.u.readconsole.clear = clear;
	s.u.readconsole.incremental = index != NULL;
	s.u.readconsole.index = index ? *index : 0;
	s.u.readconsole.buffer = (uintptr_t)hbuf;
	s.u.readconsole.count = count;
	rc = bx_sysctl(bx, &s);
	if (rc >= 0) {
		uint32_t n = s.u.readconsole.count < count ? s.u.readconsole.count : count;
		memcpy(buf, hbuf, n);
		if (index)
			*index = s.u.readconsole.index;
		rc = (int)n;
	}
	bx_hbuf_free(bx, hbuf, count);
	return rc;
}

int bx_debug_keys(struct bx *bx, const char *keys)
{
	struct xen_sysctl s = { .cmd = XEN_SYSCTL_debug_keys };
	size_t n = strlen(keys);
	char *hbuf;
	int rc;

	if (!(hbuf = bx_hbuf_alloc(bx, n + 1)))
		return -ENOMEM;
	memcpy(hbuf, keys, n);
	s.u.debug_keys.keys = (uintptr_t)hbuf;
	s.u.debug_keys.nr_keys = (uint32_t)n;
	rc = bx_sysctl(bx, &s);
	bx_hbuf_free(bx, hbuf, n + 1);
	return rc;
}

int bx_credit2_ratelimit(struct bx *bx, uint32_t pool_id, uint32_t *ratelimit_us)
{
	struct xen_sysctl s = { .cmd = XEN_SYSCTL_scheduler_op };
	int rc;

	s.u.scheduler_op.cpupool_id = pool_id;
	s.u.scheduler_op.sched_id = XEN_SCHEDULER_CREDIT2;
	s.u.scheduler_op.cmd = XEN_SYSCTL_SCHEDOP_getinfo;
	rc = bx_sysctl(bx, &s);
	if (rc >= 0)
		*ratelimit_us = s.u.scheduler_op.u.sched_credit2.ratelimit_us;
	return rc;
}

int bx_cpupool_info(struct bx *bx, uint32_t *pool_id, uint32_t *sched_id,
		    uint32_t *n_dom, uint8_t *cpumap, uint32_t nr_bits)
{
	struct xen_sysctl s = { .cmd = XEN_SYSCTL_cpupool_op };
	size_t bytes = (nr_bits + 7) / 8;
	uint8_t *hbuf = cpumap ? bx_hbuf_alloc(bx, bytes) : NULL;
	int rc;

	if (cpumap && !hbuf)
		return -ENOMEM;
	s.u.cpupool_op.op = XEN_SYSCTL_CPUPOOL_OP_INFO;
	s.u.cpupool_op.cpupool_id = *pool_id;
	s.u.cpupool_op.cpumap.bitmap = (uintptr_t)hbuf;
	s.u.cpupool_op.cpumap.nr_bits = cpumap ? nr_bits : 0;
	rc = bx_sysctl(bx, &s);
	if (rc >= 0) {
		*pool_id = s.u.cpupool_op.cpupool_id;
		if (sched_id)
			*sched_id = s.u.cpupool_op.sched_id;
		if (n_dom)
			*n_dom = s.u.cpupool_op.n_dom;
		if (cpumap)
			memcpy(cpumap, hbuf, bytes);
	}
	bx_hbuf_free(bx, hbuf, bytes);
	return rc;
}
