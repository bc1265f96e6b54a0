/* Grant tables (see gnttab.h). */
#include "gnttab.h"
#include "hypercall.h"
#include "heap.h"
#include "page_alloc.h"
#include "public/grant_table.h"
#include "public/memory.h"

#define MAPTRACK_PER_FRAME 256 /* mappings per maptrack frame, as Xen counts them */

static int gnttab_init(struct domain *d, const struct domain_config *cfg)
{
	d->gnttab = xzalloc(sizeof(*d->gnttab));
	if (!d->gnttab)
		return -XEN_ENOMEM;
	d->gnttab->max_frames = cfg->max_grant_frames ? MIN(cfg->max_grant_frames, GNTTAB_MAX_FRAMES)
						      : GNTTAB_MAX_FRAMES;
	d->gnttab->max_maptrack = cfg->max_maptrack_frames * MAPTRACK_PER_FRAME;
	return 0;
}

/* The vCPUs are stopped; the p2m entries that still point at the
 * frames go with the p2m, which never frees what it does not own. */
static void gnttab_release(struct domain *d)
{
	struct gnttab *gt = d->gnttab;
	for (unsigned i = 0; i < gt->nr_frames; i++)
		page_ref_put(gt->frame[i], 0); /* freed once no other domain maps it */
	gt->nr_frames = 0;
}

static void gnttab_destroy(struct domain *d)
{
	for (unsigned i = 0; i < GNTTAB_MAX_FRAMES; i++)
		xfree(d->gnttab->pins[i]);
	xfree(d->gnttab->maptrack);
	xfree(d->gnttab);
	d->gnttab = NULL;
}

static const struct domain_hook gnttab_hook = { "gnttab", gnttab_init, gnttab_release, gnttab_destroy };
DOMAIN_HOOK(30, gnttab_hook);

static struct gnttab *table_of(struct domain *d)
{
	return d->gnttab;
}

/* Grows the table to idx + 1 frames (they are handed out in order). */
static long grow_locked(struct gnttab *gt, uint64_t idx)
{
	while (gt->nr_frames <= idx) {
		void *frame = alloc_zeroed_page();
		if (!frame)
			return -XEN_ENOMEM;
		page_ref_init((uintptr_t)frame, 0); /* the table's; mappings elsewhere add theirs */
		gt->frame[gt->nr_frames++] = (uintptr_t)frame;
	}
	return 0;
}

long gnttab_frame_ref(struct domain *d, uint64_t idx, paddr_t *frame)
{
	struct gnttab *gt = table_of(d);
	if (idx >= gt->max_frames)
		return -XEN_EINVAL;
	idx = array_index_nospec(idx, GNTTAB_MAX_FRAMES);
	uint64_t flags = spin_lock_irqsave(&gt->lock);
	long rc = grow_locked(gt, idx);
	if (!rc)
		rc = page_ref_get(gt->frame[idx]) ? 0 : -XEN_EINVAL;
	if (!rc)
		*frame = gt->frame[idx];
	spin_unlock_irqrestore(&gt->lock, flags);
	return rc;
}

long gnttab_map_frame(struct domain *d, uint64_t idx, uint64_t gpa)
{
	struct gnttab *gt = table_of(d);
	if (idx & XENMAPIDX_grant_table_status)
		return -XEN_EINVAL; /* status frames exist only in version 2 */
	if (idx >= gt->max_frames)
		return -XEN_EINVAL;
	idx = array_index_nospec(idx, GNTTAB_MAX_FRAMES);
	uint64_t flags = spin_lock_irqsave(&gt->lock);
	long rc = grow_locked(gt, idx);
	uint64_t old_gpa = gt->frame_gpa[idx];
	if (!rc)
		gt->frame_gpa[idx] = gpa;
	spin_unlock_irqrestore(&gt->lock, flags);
	if (rc)
		return rc;
	if (old_gpa && old_gpa != gpa) /* as Xen: the frame leaves its old place */
		p2m_unmap_page(d, old_gpa);
	return p2m_map_page(d, gpa, gt->frame[idx]) ? -XEN_EINVAL : 0;
}

static long query_size(struct vcpu *v, uint64_t gva)
{
	struct gnttab_query_size q;
	if (GUEST_IN(v, &q, gva))
		return -XEN_EFAULT;
	struct domain *d = self_domain(v, q.dom);
	q.status = d ? GNTST_okay : GNTST_bad_domain;
	if (d) {
		struct gnttab *gt = table_of(d);
		q.nr_frames = gt ? gt->nr_frames : 0;
		q.max_nr_frames = gt ? gt->max_frames : 0;
	}
	return GUEST_OUT(v, gva, &q) ? -XEN_EFAULT : 0;
}

static long set_version(struct vcpu *v, uint64_t gva)
{
	struct gnttab_set_version sv;
	if (GUEST_IN(v, &sv, gva))
		return -XEN_EFAULT;
	long rc = sv.version == 1 ? 0 : -XEN_EINVAL;
	sv.version = 1;
	return GUEST_OUT(v, gva, &sv) ? -XEN_EFAULT : rc;
}

static long get_version(struct vcpu *v, uint64_t gva)
{
	struct gnttab_get_version gv;
	if (GUEST_IN(v, &gv, gva))
		return -XEN_EFAULT;
	if (!self_domain(v, gv.dom))
		return -XEN_ESRCH;
	gv.version = 1;
	return GUEST_OUT(v, gva, &gv) ? -XEN_EFAULT : 0;
}

long do_grant_table_op(struct vcpu *v, const uint64_t arg[5])
{
	uint32_t count = (uint32_t)arg[2];
	switch (arg[0]) {
	case GNTTABOP_map_grant_ref:
		return gnttab_map(v, arg[1], count);
	case GNTTABOP_unmap_grant_ref:
		return gnttab_unmap(v, arg[1], count);
	case GNTTABOP_copy:
		return gnttab_copy(v, arg[1], count);
	}
	if (count != 1 && arg[0] != GNTTABOP_set_version)
		return -XEN_EINVAL; /* the queries come one at a time */
	switch (arg[0]) {
	case GNTTABOP_query_size:
		return query_size(v, arg[1]);
	case GNTTABOP_set_version:
		return set_version(v, arg[1]);
	case GNTTABOP_get_version:
		return get_version(v, arg[1]);
	default:
		return -XEN_ENOSYS;
	}
}
