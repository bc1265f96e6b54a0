/*
 * memory_op calls that put another domain's pages into the caller's
 * guest-physical map, the way a PVH dom0's privcmd maps a guest it builds
 * or serves (public/memory.h): add_to_physmap_batch with
 * XENMAPSPACE_gmfn_foreign, acquire_resource for grant-table frames, and
 * remove_from_physmap to undo either.  Each mapped page holds a reference
 * (page_alloc.h), so it outlives neither the mapping nor is freed under it.
 */
#include "ctl.h"
#include "compat.h"
#include "gnttab.h"
#include "memory_op.h"
#include "public/memory.h"

#define ACQUIRE_MAX_FRAMES 32 /* per call, as Xen 4.17 */

/* One foreign page: fd's gfn at the caller's gpfn; 0 or -errno. */
static long map_foreign_one(struct domain *d, struct domain *fd, uint64_t gfn, uint64_t gpfn)
{
	paddr_t page;
	if (gpfn >= (P2M_GPA_LIMIT >> PAGE_SHIFT) || gfn >= (P2M_GPA_LIMIT >> PAGE_SHIFT))
		return -XEN_EINVAL;
	if (p2m_get_page(fd, gfn << PAGE_SHIFT, &page))
		return -XEN_EINVAL; /* not RAM of that domain */
	return p2m_map_foreign(d, gpfn << PAGE_SHIFT, page, true) ? -XEN_ENOMEM : 0;
}

long memory_add_to_physmap_batch(struct vcpu *v, uint64_t op, uint64_t gva)
{
	struct xen_add_to_physmap_batch b;
	if (ARG_IN(v, add_to_physmap_batch, &b, gva))
		return -XEN_EFAULT;
	if (b.space == XENMAPSPACE_gmfn_range)
		return -XEN_EOPNOTSUPP;
	long rc;
	struct domain *d = domain_get_checked(v, b.domid, ACCESS_TARGET, &rc);
	if (!d)
		return rc;
	struct domain *fd = NULL;
	long entry_rc = 0; /* as Xen, a refused foreign domain fails each entry, not the call */
	if (b.space != XENMAPSPACE_gmfn_foreign || d != v->d) {
		domain_put(d);
		return -XEN_EOPNOTSUPP; /* foreign pages only, into the caller's own map */
	}
	if (d != hardware_domain) /* Xen 4.17 maps foreign pages for the hardware domain only */
		entry_rc = -XEN_EPERM;
	else if (b.u.foreign_domid == DOMID_SELF)
		entry_rc = -XEN_ESRCH;
	else if (b.u.foreign_domid == d->domid)
		entry_rc = -XEN_EPERM;
	else
		fd = domain_get_checked(v, b.u.foreign_domid, ACCESS_DM_PRIV, &entry_rc);
	for (uint64_t i = op >> 6; i < b.size; i++) {
		uint64_t idx, gpfn;
		if (ulong_in(v, b.idxs, i, &idx) || ulong_in(v, b.gpfns, i, &gpfn)) {
			rc = -XEN_EFAULT;
			break;
		}
		int32_t err = (int32_t)(fd ? map_foreign_one(d, fd, idx, gpfn) : entry_rc);
		if (copy_to_guest(v, b.errs + i * 4, &err, sizeof(err))) {
			rc = -XEN_EFAULT;
			break;
		}
	}
	if (fd)
		domain_put(fd);
	domain_put(d);
	return rc;
}

long memory_remove_from_physmap(struct vcpu *v, uint64_t gva)
{
	struct xen_remove_from_physmap r;
	if (ARG_IN(v, remove_from_physmap, &r, gva))
		return -XEN_EFAULT;
	long rc;
	struct domain *d = domain_get_checked(v, r.domid, ACCESS_TARGET, &rc);
	if (!d)
		return rc;
	rc = r.gpfn < (P2M_GPA_LIMIT >> PAGE_SHIFT) && !p2m_remove_lazy(d, r.gpfn << PAGE_SHIFT) ? 0 : -XEN_ENOENT;
	domain_put(d);
	return rc;
}

/* Grant frames [first, first + n) of fd into the caller's map at the
 * frames its list names. */
static long acquire_grant_frames(struct vcpu *v, struct domain *fd, const struct xen_mem_acquire_resource *r)
{
	if (r->id != XENMEM_resource_grant_table_id_shared)
		return -XEN_EINVAL; /* status frames are v2 only */
	for (uint32_t i = 0; i < r->nr_frames; i++) {
		uint64_t gpfn;
		paddr_t frame;
		if (ulong_in(v, r->frame_list, i, &gpfn))
			return -XEN_EFAULT;
		if (gpfn >= (P2M_GPA_LIMIT >> PAGE_SHIFT))
			return -XEN_EINVAL;
		long rc = gnttab_frame_ref(fd, r->frame + i, &frame);
		if (rc)
			return rc;
		if (p2m_map_foreign(v->d, gpfn << PAGE_SHIFT, frame, true))
			return -XEN_EINVAL; /* the reference went with the failure */
	}
	return 0;
}

long memory_acquire_resource(struct vcpu *v, uint64_t gva)
{
	/* Xen 4.17 answers acquire_resource from a translated guest only for
	 * the hardware domain (its foreign p2m entries hold no reference) */
	if (v->d != hardware_domain)
		return -XEN_EACCES;
	struct xen_mem_acquire_resource r;
	if (ARG_IN(v, acquire_resource, &r, gva))
		return -XEN_EFAULT;
	if (r.pad)
		return -XEN_EINVAL;
	long rc;
	struct domain *fd = domain_get_checked(v, r.domid, ACCESS_DM_PRIV, &rc);
	if (!fd)
		return rc;
	if (r.type != XENMEM_resource_grant_table) {
		rc = -XEN_EOPNOTSUPP;
	} else if (!r.frame_list) { /* how many frames there can be */
		rc = r.nr_frames ? -XEN_EINVAL : 0;
		r.nr_frames = gnttab_max_frames(fd); /* the domain's own max_grant_frames */
		if (!rc && ARG_OUT(v, acquire_resource, gva, &r))
			rc = -XEN_EFAULT;
	} else if (r.nr_frames > ACQUIRE_MAX_FRAMES) {
		rc = -XEN_E2BIG;
	} else if (r.frame >= gnttab_max_frames(fd) || r.nr_frames > gnttab_max_frames(fd) - r.frame) {
		rc = -XEN_EINVAL;
	} else {
		rc = acquire_grant_frames(v, fd, &r);
	}
	domain_put(fd);
	return rc;
}
