/*
 * memory_op on a domain's RAM (public/memory.h), for itself or, with the
 * access rule Xen's default policy gives, for another: populate_physmap,
 * decrease_reservation, claim_pages, set_memory_map and the reservation
 * queries.  Extents are 4 KiB or 2 MiB; a larger order is not done (0
 * extents), and callers such as libxenguest fall back to 2 MiB.  A
 * batch resumes at the extent in the command's upper bits, as Xen's
 * continuations encode it; a long one is preempted that way.
 */
#include "ctl.h"
#include "compat.h"
#include "page_alloc.h"
#include "public/memory.h"
#include "memory_op.h"

#define EXTENT_SHIFT 6 /* cmd >> 6: the extent to start at (MEMOP_EXTENT_SHIFT) */
#define E820_ENTRY_SIZE 20 /* packed u64 addr, u64 size, u32 type */

/*
 * Claims (XENMEM_claim_pages): a toolstack stakes the pages a domain being
 * built will need, and other domains' allocations may not eat into them.
 * claim_lock keeps the stake, each domain's outstanding count and the
 * allocations that are checked against them consistent.
 */
static spinlock_t claim_lock = SPINLOCK_INIT;
static uint64_t claims_total; /* every domain's outstanding claim, in pages */

uint64_t memory_claims_total(void)
{
	return __atomic_load_n(&claims_total, __ATOMIC_RELAXED);
}

static uint64_t free_pages_now(void)
{
	return __atomic_load_n(&hv_page_pool.free_pages, __ATOMIC_RELAXED);
}

/* Pages just allocated to d come out of its claim first; claim_lock held. */
static void claim_consume(struct domain *d, uint64_t pages)
{
	uint64_t n = MIN(pages, d->outstanding_pages);
	d->outstanding_pages -= n;
	claims_total -= n;
}

/* One extent for d, unless it would take pages other domains claimed. */
static int populate_claimed(struct domain *d, uint64_t gfn, unsigned order)
{
	uint64_t pages = 1ULL << order;
	spin_lock(&claim_lock);
	uint64_t others = claims_total - d->outstanding_pages;
	int rc = free_pages_now() < others + pages ? -1 : p2m_populate_extent(d, gfn << PAGE_SHIFT, order);
	if (!rc)
		claim_consume(d, pages);
	spin_unlock(&claim_lock);
	return rc;
}

/* Stops a batch at extent i to be continued (hypercall.h). */
static long preempt_at(struct vcpu *v, uint64_t cmd, uint64_t i)
{
	hypercall_continue(v, 0, cmd | (i << EXTENT_SHIFT));
	return HC_RESTART;
}

/* The gfn of extent i of the caller's list, within the guest-physical
 * space.  0, or -1. */
static int extent_gfn(struct vcpu *v, const struct xen_memory_reservation *r, uint64_t i, uint64_t *gfn)
{
	if (ulong_in(v, r->extent_start, i, gfn))
		return -1;
	return *gfn < (P2M_GPA_LIMIT >> PAGE_SHIFT) ? 0 : -1;
}

static long populate_physmap(struct vcpu *v, struct domain *d, struct xen_memory_reservation *r,
			     uint64_t cmd, uint64_t start)
{
	if (r->extent_order != 0 && r->extent_order != 9)
		return (long)start; /* not done: the caller retries smaller */
	if (r->mem_flags & XENMEMF_populate_on_demand)
		return (long)start; /* no populate-on-demand */
	uint64_t i;
	for (i = start; i < r->nr_extents; i++) {
		uint64_t gfn;
		if (i > start && hypercall_preempt_check())
			return preempt_at(v, cmd, i);
		if (extent_gfn(v, r, i, &gfn) || populate_claimed(d, gfn, (unsigned)r->extent_order))
			break;
	}
	return (long)i;
}

static long decrease_reservation(struct vcpu *v, struct domain *d, struct xen_memory_reservation *r,
				 uint64_t cmd, uint64_t start)
{
	uint64_t i;
	for (i = start; i < r->nr_extents; i++) {
		uint64_t gfn;
		if (i > start && hypercall_preempt_check())
			return preempt_at(v, cmd, i);
		if (r->extent_order > 9 || extent_gfn(v, r, i, &gfn) ||
		    p2m_remove_extent(d, gfn << PAGE_SHIFT, r->extent_order))
			break;
	}
	return (long)i;
}

/* XENMEM_claim_pages: a promise of free pages for a domain being built;
 * nr_extents 0 cancels it. */
static long claim_pages(struct domain *d, const struct xen_memory_reservation *r)
{
	if (r->extent_order || r->mem_flags)
		return -XEN_EINVAL;
	long rc = 0;
	spin_lock(&claim_lock);
	if (!r->nr_extents) {
		claim_consume(d, d->outstanding_pages);
	} else if (d->outstanding_pages || d->state != DOMAIN_ALIVE) {
		rc = -XEN_EINVAL;
	} else {
		uint64_t want = r->nr_extents > d->tot_pages ? r->nr_extents - d->tot_pages : 0;
		uint64_t free = free_pages_now();
		if (claims_total > free || want > free - claims_total) {
			rc = -XEN_ENOMEM;
		} else {
			d->outstanding_pages = want;
			claims_total += want;
		}
	}
	spin_unlock(&claim_lock);
	return rc;
}

long memory_reservation_op(struct vcpu *v, uint64_t op, uint64_t gva)
{
	uint64_t cmd = op & ((1u << EXTENT_SHIFT) - 1), start = op >> EXTENT_SHIFT;
	bool claim = cmd == XENMEM_claim_pages;
	struct xen_memory_reservation r;
	long rc;
	/* Xen answers populate and decrease with the extents done, start, when
	 * it fails before the work: a bad copy, no such domain, no right to it. */
	if (ARG_IN(v, memory_reservation, &r, gva))
		return claim ? -XEN_EFAULT : (long)start;
	if (claim ? start > r.nr_extents : start >= r.nr_extents)
		return claim ? -XEN_EINVAL : (long)start;
	if (!claim && hc_compat(v) && r.nr_extents > (UINT32_MAX >> EXTENT_SHIFT))
		return (long)start; /* as Xen: a 32-bit command could not encode the continuation */
	struct domain *d = domain_get_checked(v, r.domid, claim ? ACCESS_PRIV : ACCESS_TARGET, &rc);
	if (!d)
		return claim ? rc : (long)start;
	if (cmd == XENMEM_populate_physmap)
		rc = populate_physmap(v, d, &r, cmd, start);
	else if (cmd == XENMEM_decrease_reservation)
		rc = decrease_reservation(v, d, &r, cmd, start);
	else
		rc = claim_pages(d, &r);
	domain_put(d);
	return rc;
}

long memory_set_map(struct vcpu *v, uint64_t gva)
{
	struct xen_foreign_memory_map fmap;
	if (ARG_IN(v, foreign_memory_map, &fmap, gva))
		return -XEN_EFAULT;
	if (fmap.map.nr_entries > DOMAIN_E820_MAX)
		return -XEN_EINVAL;
	long rc;
	struct domain *d = domain_get_checked(v, fmap.domid, ACCESS_TARGET, &rc);
	if (!d)
		return rc;
	struct { uint64_t addr, size; uint32_t type; } e[DOMAIN_E820_MAX];
	for (uint32_t i = 0; i < fmap.map.nr_entries && !rc; i++) {
		uint8_t raw[E820_ENTRY_SIZE];
		rc = copy_from_guest(v, raw, fmap.map.buffer + i * E820_ENTRY_SIZE, sizeof(raw)) ? -XEN_EFAULT : 0;
		memcpy(&e[i].addr, raw, 8);
		memcpy(&e[i].size, raw + 8, 8);
		memcpy(&e[i].type, raw + 16, 4);
	}
	if (!rc) {
		spin_lock(&d->lock);
		for (uint32_t i = 0; i < fmap.map.nr_entries; i++) {
			d->e820[i].addr = e[i].addr;
			d->e820[i].size = e[i].size;
			d->e820[i].type = e[i].type;
		}
		d->nr_e820 = fmap.map.nr_entries;
		spin_unlock(&d->lock);
	}
	domain_put(d);
	return rc;
}

/* current_reservation, maximum_reservation, maximum_gpfn. */
long memory_reservation_query(struct vcpu *v, uint64_t cmd, uint64_t gva)
{
	domid_t domid;
	if (GUEST_IN(v, &domid, gva))
		return -XEN_EFAULT;
	long rc;
	struct domain *d = domain_get_checked(v, domid, ACCESS_TARGET, &rc);
	if (!d)
		return rc;
	if (cmd == XENMEM_current_reservation)
		rc = (long)d->tot_pages;
	else if (cmd == XENMEM_maximum_reservation)
		rc = (long)d->max_pages;
	else
		rc = (long)d->max_gfn;
	domain_put(d);
	return rc;
}

/* A dying domain's claim goes back to everyone. */
static void claim_release(struct domain *d)
{
	spin_lock(&claim_lock);
	claim_consume(d, d->outstanding_pages);
	spin_unlock(&claim_lock);
}

static const struct domain_hook claim_hook = { "claim", NULL, claim_release, NULL };
DOMAIN_HOOK(15, claim_hook);
