/* Grant tables: the table itself and the one-at-a-time sub-ops (see gnttab.h). */
#include "ctl.h"
#include "compat.h"
#include "gnttab.h"
#include "heap.h"
#include "page_alloc.h"
#include "public/grant_table.h"
#include "public/memory.h"

#define MAPTRACK_PER_FRAME 256 /* mappings per maptrack frame, as Xen counts them */

/* cmd's low 12 bits name the sub-op; the rest is continuation state that
 * only cache_flush may carry (Xen's GNTTABOP_CONTINUATION_ARG_SHIFT). */
#define GNTTABOP_CMD_MASK 0xfffu

#define GFN_INVALID (~0ULL) /* setup_table: a frame the guest has not placed */

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

/* The vCPUs are stopped.  From here on the table neither grows nor pins
 * (entries past nr_frames do not exist); mappings other domains hold keep
 * their own page references, and so do the domain's own p2m entries
 * that place the frames (a frame goes when the last of them lets go). */
static void gnttab_release(struct domain *d)
{
	struct gnttab *gt = d->gnttab;
	paddr_t frames[GNTTAB_MAX_FRAMES];
	uint64_t flags = spin_lock_irqsave(&gt->lock);
	unsigned n = gt->nr_frames;
	gt->dying = true;
	gt->nr_frames = 0;
	for (unsigned i = 0; i < n; i++) {
		frames[i] = gt->frame[i];
		gt->frame[i] = 0; /* no stale address left to reach, even speculatively */
	}
	spin_unlock_irqrestore(&gt->lock, flags);
	for (unsigned i = 0; i < n; i++)
		page_ref_put(frames[i], 0); /* freed once no other domain maps it */
}

static void gnttab_destroy(struct domain *d)
{
	for (unsigned i = 0; i < GNTTAB_MAX_FRAMES; i++)
		xfree(d->gnttab->pins[i]);
	xfree(d->gnttab->maptrack);
	xfree(d->gnttab);
	d->gnttab = NULL;
}

const struct domain_hook gnttab_hook = { "gnttab", gnttab_init, gnttab_release, gnttab_destroy };
DOMAIN_HOOK(30, gnttab_hook);

unsigned gnttab_max_frames(struct domain *d)
{
	return d->gnttab ? d->gnttab->max_frames : 0;
}

/* Grows d's table to idx + 1 frames (handed out in order); never once
 * d is dying, whose release would not see the new frames. */
static long grow_locked(struct domain *d, struct gnttab *gt, uint64_t idx)
{
	if (gt->dying || d->state != DOMAIN_ALIVE)
		return -XEN_EINVAL;
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
	struct gnttab *gt = d->gnttab;
	if (idx >= gt->max_frames)
		return -XEN_EINVAL;
	idx = array_index_nospec(idx, GNTTAB_MAX_FRAMES);
	uint64_t flags = spin_lock_irqsave(&gt->lock);
	long rc = grow_locked(d, gt, idx);
	if (!rc)
		rc = page_ref_get(gt->frame[idx]) ? 0 : -XEN_EINVAL;
	if (!rc)
		*frame = gt->frame[idx];
	spin_unlock_irqrestore(&gt->lock, flags);
	return rc;
}

long gnttab_map_frame(struct domain *d, uint64_t idx, uint64_t gpa)
{
	struct gnttab *gt = d->gnttab;
	if (idx & XENMAPIDX_grant_table_status)
		return -XEN_EINVAL; /* status frames exist only in version 2 */
	if (idx >= gt->max_frames)
		return -XEN_EINVAL;
	idx = array_index_nospec(idx, GNTTAB_MAX_FRAMES);
	uint64_t flags = spin_lock_irqsave(&gt->lock);
	long rc = grow_locked(d, gt, idx);
	uint64_t old_gpa = gt->frame_gpa[idx];
	paddr_t frame = gt->frame[idx];
	if (!rc && !page_ref_get(frame))
		rc = -XEN_EINVAL;
	if (!rc)
		gt->frame_gpa[idx] = gpa;
	spin_unlock_irqrestore(&gt->lock, flags);
	if (rc)
		return rc;
	if (old_gpa && old_gpa != gpa) /* as Xen: the frame leaves its old place */
		p2m_unmap_page(d, old_gpa);
	/* the p2m entry holds a reference of its own, so a dying domain's
	 * frame stays until its p2m is torn down too, whichever goes first */
	return p2m_map_foreign(d, gpa, frame, true) ? -XEN_EINVAL : 0;
}

/* The domain a query names, if the caller may ask (Xen's XSM_TARGET);
 * else NULL with the GNTST_* status. */
static struct domain *queried_domain(struct vcpu *v, domid_t dom, int16_t *status)
{
	long rc;
	struct domain *d = domain_get_checked(v, dom, ACCESS_TARGET, &rc);
	*status = d ? GNTST_okay : rc == -XEN_EPERM ? GNTST_permission_denied : GNTST_bad_domain;
	return d;
}

static long query_size(struct vcpu *v, uint64_t gva)
{
	struct gnttab_query_size q;
	if (GUEST_IN(v, &q, gva))
		return -XEN_EFAULT;
	struct domain *d = queried_domain(v, q.dom, &q.status);
	if (d) {
		struct gnttab *gt = d->gnttab;
		uint64_t flags = spin_lock_irqsave(&gt->lock);
		q.nr_frames = gt->nr_frames;
		q.max_nr_frames = gt->max_frames;
		spin_unlock_irqrestore(&gt->lock, flags);
		domain_put(d);
	}
	return GUEST_OUT(v, gva, &q) ? -XEN_EFAULT : 0;
}

/* Grows d's table to nr frames and lists where the guest placed each
 * (GFN_INVALID: not placed); GNTST_*. */
static int16_t setup_frames(struct vcpu *v, struct domain *d, const struct gnttab_setup_table *op)
{
	struct gnttab *gt = d->gnttab;
	uint64_t gpa[GNTTAB_MAX_FRAMES];
	if (op->nr_frames > gt->max_frames)
		return GNTST_general_error;
	uint64_t flags = spin_lock_irqsave(&gt->lock);
	long rc = op->nr_frames ? grow_locked(d, gt, op->nr_frames - 1) : 0;
	memcpy(gpa, gt->frame_gpa, op->nr_frames * sizeof(gpa[0]));
	spin_unlock_irqrestore(&gt->lock, flags);
	if (rc)
		return GNTST_general_error;
	int16_t st = GNTST_okay;
	for (uint32_t i = 0; i < op->nr_frames; i++) {
		uint64_t gfn = gpa[i] ? gpa[i] >> PAGE_SHIFT : GFN_INVALID;
		if (ulong_out(v, op->frame_list, i, gfn))
			st = GNTST_bad_virt_addr;
	}
	return st;
}

static long setup_table(struct vcpu *v, uint64_t gva)
{
	struct gnttab_setup_table op;
	if (ARG_IN(v, gnttab_setup_table, &op, gva))
		return -XEN_EFAULT;
	struct domain *d = queried_domain(v, op.dom, &op.status);
	if (d) {
		op.status = setup_frames(v, d, &op);
		domain_put(d);
	}
	return arg_out_field(v, &xlat_gnttab_setup_table, XLAT_GNTTAB_SETUP_TABLE_STATUS, gva, &op)
		       ? -XEN_EFAULT : 0;
}

/* Only version 1 exists here: Xen's answers for a domain created with
 * max_grant_version 1.  The version in force is written back. */
static long set_version(struct vcpu *v, uint64_t gva)
{
	struct gnttab_set_version sv;
	if (GUEST_IN(v, &sv, gva))
		return -XEN_EFAULT;
	long rc = sv.version == 1 ? 0 : sv.version == 2 ? -XEN_ENOSYS : -XEN_EINVAL;
	sv.version = 1;
	return GUEST_OUT(v, gva, &sv) ? -XEN_EFAULT : rc;
}

static long get_version(struct vcpu *v, uint64_t gva)
{
	struct gnttab_get_version gv;
	if (GUEST_IN(v, &gv, gva))
		return -XEN_EFAULT;
	long rc;
	struct domain *d = domain_get_checked(v, gv.dom, ACCESS_TARGET, &rc);
	if (!d)
		return rc;
	domain_put(d);
	gv.version = 1;
	return GUEST_OUT(v, gva, &gv) ? -XEN_EFAULT : 0;
}

/* The batches (map, unmap, copy) take any count, as Xen's do, and are
 * preempted with a continuation (gnttab_map.c).  The queries come one at
 * a time. */
long do_grant_table_op(struct vcpu *v, const uint64_t arg[5])
{
	uint32_t cmd = (uint32_t)arg[0], count = (uint32_t)arg[2];
	if ((int32_t)count < 0)
		return -XEN_EINVAL;
	if ((cmd & ~GNTTABOP_CMD_MASK) && (cmd & GNTTABOP_CMD_MASK) != GNTTABOP_cache_flush)
		return -XEN_EINVAL;
	switch (cmd) {
	case GNTTABOP_map_grant_ref:
		return gnttab_map(v, arg[1], count);
	case GNTTABOP_unmap_grant_ref:
		return gnttab_unmap(v, arg[1], count);
	case GNTTABOP_copy:
		return gnttab_copy(v, arg[1], count);
	case GNTTABOP_set_version:
		return set_version(v, arg[1]);
	case GNTTABOP_setup_table:
		return count == 1 ? setup_table(v, arg[1]) : -XEN_EINVAL;
	case GNTTABOP_query_size:
		return count == 1 ? query_size(v, arg[1]) : -XEN_EINVAL;
	case GNTTABOP_get_version:
		return count == 1 ? get_version(v, arg[1]) : -XEN_EINVAL;
	default:
		return -XEN_ENOSYS;
	}
}
