/*
 * bx_domctl.c - domctl (hypercall 36) with the interface version stamped
 * (public/domctl.h, 0x15: Xen 4.17 refuses any other with EACCES), and the
 * domain life-cycle calls: create, destroy, pause, unpause, information,
 * vCPU count and memory limit.  The struct is copied in and back whole.
 */
#include <errno.h>
#include <string.h>

#include "bx.h"

int bx_domctl(struct bx *bx, struct xen_domctl *domctl)
{
	domctl->interface_version = XEN_DOMCTL_INTERFACE_VERSION;
	return (int)bx_hypercall_ptr(bx, __HYPERVISOR_domctl, domctl,
				     sizeof(*domctl));
}

/* A domctl with no payload but the domain. */
static int domctl_simple(struct bx *bx, uint32_t cmd, uint32_t domid)
{
	struct xen_domctl d = { .cmd = cmd, .domain = (domid_t)domid };

	return bx_domctl(bx, &d);
}

int bx_createdomain(struct bx *bx, uint32_t *domid,
		    const struct xen_domctl_createdomain *config)
{
	struct xen_domctl d = { .cmd = XEN_DOMCTL_createdomain,
				.domain = (domid_t)*domid };
	int rc;

	d.u.createdomain = *config;
	rc = bx_domctl(bx, &d);
	if (rc >= 0)
		*domid = d.domain;
	return rc;
}

int bx_destroydomain(struct bx *bx, uint32_t domid)
{
	int rc;

	/* Xen frees a big domain in pieces and says EAGAIN until done. */
	do
		rc = domctl_simple(bx, XEN_DOMCTL_destroydomain, domid);
	while (rc == -EAGAIN);
	return rc;
}

int bx_pausedomain(struct bx *bx, uint32_t domid)
{
	return domctl_simple(bx, XEN_DOMCTL_pausedomain, domid);
}

int bx_unpausedomain(struct bx *bx, uint32_t domid)
{
	return domctl_simple(bx, XEN_DOMCTL_unpausedomain, domid);
}

int bx_getdomaininfo(struct bx *bx, uint32_t domid,
		     struct xen_domctl_getdomaininfo *info)
{
	struct xen_domctl d = { .cmd = XEN_DOMCTL_getdomaininfo,
				.domain = (domid_t)domid };
	int rc = bx_domctl(bx, &d);

	if (rc < 0)
		return rc;
	/* Xen answers with the next domain up when domid has gone. */
	if (d.u.getdomaininfo.domain != domid)
		return -ESRCH;
	*info = d.u.getdomaininfo;
	return 0;
}

int bx_max_vcpus(struct bx *bx, uint32_t domid, uint32_t max)
{
	struct xen_domctl d = { .cmd = XEN_DOMCTL_max_vcpus,
				.domain = (domid_t)domid };

	d.u.max_vcpus.max = max;
	return bx_domctl(bx, &d);
}

int bx_max_mem(struct bx *bx, uint32_t domid, uint64_t max_memkb)
{
	struct xen_domctl d = { .cmd = XEN_DOMCTL_max_mem,
				.domain = (domid_t)domid };

	d.u.max_mem.max_memkb = max_memkb;
	return bx_domctl(bx, &d);
}
