/*
 * Using another domain's grants (public/grant_table.h, v1): map a grant
 * into the caller's p2m (GNTMAP_host_map; an auto-translated mapper gives
 * the guest-physical address), unmap it by handle, and copy through
 * grants.  A mapping pins the entry: GTF_reading, and GTF_writing unless
 * read-only, set with the same compare-and-swap the granter's revocation
 * races against, and held until the last mapping goes.  Each mapped page
 * holds a reference, so a dying granter's page outlives the mapping.
 */
#include "ctl.h"
#include "gnttab.h"
#include "heap.h"
#include "page_alloc.h"

/* The granter's entry ref, in its table's frame; NULL past the end. */
static volatile uint32_t *entry_word(struct gnttab *gt, grant_ref_t ref, volatile uint32_t **frame_word)
{
	unsigned f = ref / GNTTAB_ENTRIES_PER_FRAME;
	if (f >= gt->nr_frames)
		return NULL;
	f = (unsigned)array_index_nospec(f, GNTTAB_MAX_FRAMES);
	struct grant_entry_v1 *e = (struct grant_entry_v1 *)(uintptr_t)gt->frame[f] + ref % GNTTAB_ENTRIES_PER_FRAME;
	*frame_word = (volatile uint32_t *)&e->frame;
	return (volatile uint32_t *)e; /* flags (low half) and domid (high half) */
}

static struct grant_pin *pin_of(struct gnttab *gt, grant_ref_t ref)
{
	unsigned f = ref / GNTTAB_ENTRIES_PER_FRAME;
	if (!gt->pins[f])
		gt->pins[f] = xzalloc(GNTTAB_ENTRIES_PER_FRAME * sizeof(struct grant_pin));
	return gt->pins[f] ? &gt->pins[f][ref % GNTTAB_ENTRIES_PER_FRAME] : NULL;
}

/* Pins entry ref of rd for mapper ld; returns GNTST_* and the frame (gfn). */
static int16_t pin_entry(struct domain *rd, uint16_t ld, grant_ref_t ref, bool writable, uint64_t *gfn)
{
	struct gnttab *gt = rd->gnttab;
	uint64_t flags = spin_lock_irqsave(&gt->lock);
	volatile uint32_t *frame, *word = entry_word(gt, ref, &frame);
	struct grant_pin *pin = word ? pin_of(gt, ref) : NULL;
	int16_t st = !word ? GNTST_bad_gntref : !pin ? GNTST_no_space : GNTST_okay;
	uint32_t old = word ? __atomic_load_n(word, __ATOMIC_ACQUIRE) : 0;
	while (st == GNTST_okay) {
		uint16_t f = (uint16_t)old;
		if ((f & GTF_type_mask) != GTF_permit_access || (old >> 16) != ld || (writable && (f & GTF_readonly))) {
			st = GNTST_general_error;
			break;
		}
		uint32_t want = old | GTF_reading | (writable ? GTF_writing : 0);
		if (__atomic_compare_exchange_n(word, &old, want, false, __ATOMIC_ACQ_REL, __ATOMIC_ACQUIRE))
			break;
	}
	if (st == GNTST_okay) {
		*gfn = __atomic_load_n(frame, __ATOMIC_ACQUIRE);
		pin->readers += !writable;
		pin->writers += writable;
	}
	spin_unlock_irqrestore(&gt->lock, flags);
	return st;
}

static void unpin_entry(struct domain *rd, grant_ref_t ref, bool writable)
{
	struct gnttab *gt = rd->gnttab;
	uint64_t flags = spin_lock_irqsave(&gt->lock);
	volatile uint32_t *frame, *word = entry_word(gt, ref, &frame);
	struct grant_pin *pin = word ? gt->pins[ref / GNTTAB_ENTRIES_PER_FRAME] + ref % GNTTAB_ENTRIES_PER_FRAME : NULL;
	if (pin) {
		pin->readers -= !writable && pin->readers;
		pin->writers -= writable && pin->writers;
		uint32_t clear = (pin->writers ? 0 : GTF_writing) | (pin->readers || pin->writers ? 0 : GTF_reading);
		__atomic_fetch_and(word, ~clear, __ATOMIC_ACQ_REL);
	}
	spin_unlock_irqrestore(&gt->lock, flags);
}

/* A free maptrack slot of the mapper (grown on demand); -1 if none. */
static int maptrack_slot(struct gnttab *lt, const struct grant_mapping *m)
{
	uint64_t flags = spin_lock_irqsave(&lt->lock);
	int slot = -1;
	for (unsigned i = 0; i < lt->nr_maptrack && slot < 0; i++)
		if (!lt->maptrack[i].used)
			slot = (int)i;
	if (slot < 0 && lt->nr_maptrack < lt->max_maptrack) {
		unsigned n = MIN(MAX(lt->nr_maptrack * 2, 64u), lt->max_maptrack);
		struct grant_mapping *bigger = xzalloc(n * sizeof(*bigger));
		if (bigger) {
			if (lt->maptrack)
				memcpy(bigger, lt->maptrack, lt->nr_maptrack * sizeof(*bigger));
			xfree(lt->maptrack);
			lt->maptrack = bigger;
			slot = (int)lt->nr_maptrack;
			lt->nr_maptrack = n;
		}
	}
	if (slot >= 0)
		lt->maptrack[slot] = *m;
	spin_unlock_irqrestore(&lt->lock, flags);
	return slot;
}

/* Maps a pinned entry's frame; GNTST_* (on failure nothing stays). */
static int16_t map_pinned(struct vcpu *v, struct domain *rd, struct gnttab_map_grant_ref *op, uint64_t gpa,
			  uint64_t gfn, bool writable)
{
	paddr_t page;
	if (p2m_get_page(rd, gfn << PAGE_SHIFT, &page))
		return GNTST_general_error; /* the frame is not the granter's RAM */
	struct grant_mapping m = { true, gpa, page, op->ref, rd->domid, writable };
	int slot = maptrack_slot(v->d->gnttab, &m);
	if (slot < 0) {
		page_ref_put(page, 0);
		return GNTST_no_space;
	}
	if (p2m_map_foreign(v->d, gpa, page, writable)) { /* its reference went with it */
		__atomic_store_n(&v->d->gnttab->maptrack[slot].used, false, __ATOMIC_RELEASE);
		return GNTST_no_space;
	}
	op->handle = (grant_handle_t)slot;
	op->dev_bus_addr = 0;
	return GNTST_okay;
}

static int16_t map_one(struct vcpu *v, struct gnttab_map_grant_ref *op)
{
	bool writable = !(op->flags & GNTMAP_readonly);
	if (!(op->flags & (GNTMAP_host_map | GNTMAP_device_map)))
		return GNTST_bad_gntref; /* Xen's answer to a map of nothing */
	if (op->flags & (GNTMAP_device_map | GNTMAP_application_map | GNTMAP_contains_pte))
		return GNTST_general_error; /* an auto-translated mapper only maps into its p2m */
	uint64_t gpa = op->host_addr & ~(uint64_t)(PAGE_SIZE - 1); /* the frame it names */
	if (gpa >= P2M_GPA_LIMIT)
		return GNTST_general_error;
	struct domain *rd = domain_lookup(op->dom);
	if (!rd)
		return GNTST_bad_domain;
	uint64_t gfn;
	int16_t st = rd->state == DOMAIN_ALIVE ? pin_entry(rd, v->d->domid, op->ref, writable, &gfn)
					       : GNTST_bad_domain;
	if (st == GNTST_okay) {
		st = map_pinned(v, rd, op, gpa, gfn, writable);
		if (st != GNTST_okay)
			unpin_entry(rd, op->ref, writable);
	}
	domain_put(rd);
	return st;
}

static int16_t unmap_one(struct vcpu *v, struct gnttab_unmap_grant_ref *op)
{
	struct gnttab *lt = v->d->gnttab;
	uint64_t flags = spin_lock_irqsave(&lt->lock);
	struct grant_mapping m = { 0 };
	if (op->handle < lt->nr_maptrack) {
		size_t i = array_index_nospec(op->handle, lt->nr_maptrack);
		m = lt->maptrack[i];
		if (m.used && (!op->host_addr || (op->host_addr & ~(uint64_t)(PAGE_SIZE - 1)) == m.gpa))
			lt->maptrack[i].used = false;
	}
	spin_unlock_irqrestore(&lt->lock, flags);
	if (!m.used)
		return GNTST_bad_handle;
	if (op->host_addr && (op->host_addr & ~(uint64_t)(PAGE_SIZE - 1)) != m.gpa)
		return GNTST_general_error;
	p2m_remove(v->d, m.gpa); /* drops the page reference */
	struct domain *rd = domain_lookup(m.granter);
	if (rd) { /* a granter that is gone has no pins left to drop */
		if (rd->gnttab)
			unpin_entry(rd, m.ref, m.writable);
		domain_put(rd);
	}
	return GNTST_okay;
}

#define GNTTAB_BATCH_MAX 512 /* operations per call: bounds the time one call takes */

/* One side of a copy: a grant of another domain (pinned for the copy) or
 * a frame of the caller's own; a page reference held on it. */
struct copy_end {
	struct domain *rd; /* the granter, NULL for the caller's own frame */
	paddr_t page;
	bool pinned;
};

static int16_t copy_end_get(struct vcpu *v, const struct gnttab_copy_ptr *p, bool by_ref, bool write,
			    struct copy_end *e)
{
	*e = (struct copy_end){ 0 };
	uint64_t gfn = p->u.gmfn;
	if (!by_ref) {
		if (p->domid != DOMID_SELF && p->domid != v->d->domid)
			return GNTST_permission_denied; /* frames only of the caller's own */
		return gfn < (P2M_GPA_LIMIT >> PAGE_SHIFT) && !p2m_get_page(v->d, gfn << PAGE_SHIFT, &e->page)
			       ? GNTST_okay : GNTST_bad_page;
	}
	e->rd = domain_lookup(p->domid);
	if (!e->rd || e->rd->state != DOMAIN_ALIVE)
		return GNTST_bad_domain;
	int16_t st = pin_entry(e->rd, v->d->domid, p->u.ref, write, &gfn);
	if (st != GNTST_okay)
		return st;
	e->pinned = true;
	return !p2m_get_page(e->rd, gfn << PAGE_SHIFT, &e->page) ? GNTST_okay : GNTST_bad_page;
}

static void copy_end_put(const struct gnttab_copy_ptr *p, bool write, struct copy_end *e)
{
	if (e->page)
		page_ref_put(e->page, 0);
	if (e->pinned)
		unpin_entry(e->rd, p->u.ref, write);
	if (e->rd)
		domain_put(e->rd);
}

static int16_t copy_one(struct vcpu *v, const struct gnttab_copy *op)
{
	if ((uint32_t)op->source.offset + op->len > PAGE_SIZE || (uint32_t)op->dest.offset + op->len > PAGE_SIZE)
		return GNTST_bad_copy_arg;
	struct copy_end src, dst;
	int16_t st = copy_end_get(v, &op->source, op->flags & GNTCOPY_source_gref, false, &src);
	int16_t dst_st = st == GNTST_okay ? copy_end_get(v, &op->dest, op->flags & GNTCOPY_dest_gref, true, &dst)
					  : GNTST_okay;
	if (st == GNTST_okay && dst_st == GNTST_okay)
		memmove((void *)(uintptr_t)(dst.page + op->dest.offset),
			(const void *)(uintptr_t)(src.page + op->source.offset), op->len);
	if (st == GNTST_okay)
		copy_end_put(&op->dest, true, &dst);
	copy_end_put(&op->source, false, &src);
	return st != GNTST_okay ? st : dst_st;
}

long gnttab_copy(struct vcpu *v, uint64_t gva, uint32_t count)
{
	if (count > GNTTAB_BATCH_MAX)
		return -XEN_EINVAL;
	for (uint32_t i = 0; i < count; i++) {
		struct gnttab_copy op;
		uint64_t at = gva + i * sizeof(op);
		if (copy_from_guest(v, &op, at, sizeof(op)))
			return -XEN_EFAULT;
		op.status = copy_one(v, &op);
		if (copy_to_guest(v, at + offsetof(struct gnttab_copy, status), &op.status, sizeof(op.status)))
			return -XEN_EFAULT;
	}
	return 0;
}

long gnttab_map(struct vcpu *v, uint64_t gva, uint32_t count)
{
	if (count > GNTTAB_BATCH_MAX)
		return -XEN_EINVAL;
	for (uint32_t i = 0; i < count; i++) {
		struct gnttab_map_grant_ref op;
		uint64_t at = gva + i * sizeof(op);
		if (copy_from_guest(v, &op, at, sizeof(op)))
			return -XEN_EFAULT;
		op.status = map_one(v, &op);
		if (copy_to_guest(v, at, &op, sizeof(op)))
			return -XEN_EFAULT;
	}
	return 0;
}

long gnttab_unmap(struct vcpu *v, uint64_t gva, uint32_t count)
{
	if (count > GNTTAB_BATCH_MAX)
		return -XEN_EINVAL;
	for (uint32_t i = 0; i < count; i++) {
		struct gnttab_unmap_grant_ref op;
		uint64_t at = gva + i * sizeof(op);
		if (copy_from_guest(v, &op, at, sizeof(op)))
			return -XEN_EFAULT;
		op.status = unmap_one(v, &op);
		if (copy_to_guest(v, at, &op, sizeof(op)))
			return -XEN_EFAULT;
	}
	return 0;
}

/* The mapper dies: every mapping it holds goes, and the granters'
 * entries are unpinned. */
static void maptrack_release(struct domain *d)
{
	struct gnttab *lt = d->gnttab;
	for (unsigned i = 0; i < lt->nr_maptrack; i++) {
		struct grant_mapping m = lt->maptrack[i];
		if (!m.used)
			continue;
		lt->maptrack[i].used = false;
		p2m_remove(d, m.gpa);
		struct domain *rd = domain_lookup(m.granter);
		if (rd) {
			if (rd->gnttab && rd != d)
				unpin_entry(rd, m.ref, m.writable);
			domain_put(rd);
		}
	}
}

static const struct domain_hook maptrack_hook = { "maptrack", NULL, maptrack_release, NULL };
DOMAIN_HOOK(32, maptrack_hook);
