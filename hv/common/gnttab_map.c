/*
 * Using another domain's grants (public/grant_table.h, v1; behaviour as
 * Xen 4.17's map_grant_ref, unmap_common and gnttab_copy): map a grant
 * into the caller's p2m (GNTMAP_host_map; an auto-translated mapper gives
 * the guest-physical address), unmap it by handle, and copy through
 * grants.  A use pins the entry: GTF_reading, and GTF_writing unless
 * read-only, set with the bounded compare-and-swap the granter's
 * revocation races against, and cleared when the last such use goes.
 * Each mapped page holds a page reference and each mapping a reference on
 * the granting domain, so neither the page nor the domain (nor its id)
 * goes while the mapping lives, as Xen keeps a zombie domain.
 *
 * Locks: a table's lock is never held while another's is taken; the
 * mapper's maptrack slot is claimed (BUSY) under its lock, the granter's
 * entry pinned under the granter's, and the slot published (USED) or
 * given back under the mapper's again.
 */
#include "gnttab.h"
#include "compat.h"
#include "hypercall.h"
#include "heap.h"
#include "page_alloc.h"

#define SET_STATUS_TRIES 5 /* a guest racing every compare-and-swap fails the pin, as in Xen */

#define PAGE_FRAME(addr) ((addr) & ~(uint64_t)(PAGE_SIZE - 1))

/* The entry ref's flags-and-domid word and its frame word; NULL past the
 * table's end (none at all once it is released). */
static volatile uint32_t *entry_word(struct gnttab *gt, grant_ref_t ref, volatile uint32_t **frame_word)
{
	unsigned f = ref / GNTTAB_ENTRIES_PER_FRAME;
	if (f >= gt->nr_frames)
		return NULL;
	f = (unsigned)array_index_nospec(f, gt->nr_frames);
	struct grant_entry_v1 *e = (struct grant_entry_v1 *)(uintptr_t)gt->frame[f] + ref % GNTTAB_ENTRIES_PER_FRAME;
	*frame_word = (volatile uint32_t *)&e->frame;
	return (volatile uint32_t *)e; /* flags (low half) and domid (high half) */
}

/* The pin state of an entry that exists; with alloc, its frame's pin
 * array is allocated on first use (bounded by the table's frames, freed
 * with the table), otherwise NULL says the entry was never pinned. */
static struct grant_pin *pin_of(struct gnttab *gt, grant_ref_t ref, bool alloc)
{
	unsigned f = (unsigned)array_index_nospec(ref / GNTTAB_ENTRIES_PER_FRAME, GNTTAB_MAX_FRAMES);
	if (!gt->pins[f] && alloc)
		gt->pins[f] = xzalloc(GNTTAB_ENTRIES_PER_FRAME * sizeof(struct grant_pin));
	return gt->pins[f] ? &gt->pins[f][ref % GNTTAB_ENTRIES_PER_FRAME] : NULL;
}

/* Sets GTF_reading (and GTF_writing) in the shared entry.  An unpinned
 * entry must be a plain permit_access for ld (sub-page grants are not
 * mapped); a writable use needs an entry without GTF_readonly. */
static int16_t set_status(volatile uint32_t *word, uint16_t ld, bool writable, bool check, bool map)
{
	uint16_t type_mask = GTF_type_mask | (map ? GTF_sub_page : 0);
	uint32_t old = __atomic_load_n(word, __ATOMIC_ACQUIRE);
	for (unsigned tries = 0; tries < SET_STATUS_TRIES; tries++) {
		uint16_t f = (uint16_t)old;
		if (check && ((f & type_mask) != GTF_permit_access || (old >> 16) != ld))
			return GNTST_general_error;
		if (writable && (f & GTF_readonly))
			return GNTST_general_error;
		uint32_t want = old | GTF_reading | (writable ? GTF_writing : 0);
		if (__atomic_compare_exchange_n(word, &old, want, false, __ATOMIC_ACQ_REL, __ATOMIC_ACQUIRE))
			return GNTST_okay;
	}
	return GNTST_general_error; /* the entry is unstable */
}

/* Pins entry ref of gt for domain ld (Xen's active entry): once pinned it
 * stays ld's, at the frame it named then, until the last use goes.  A
 * saturated counter refuses more (GNTST_general_error, as Xen). */
static int16_t pin_locked(struct gnttab *gt, uint16_t ld, grant_ref_t ref, bool writable, bool map, uint64_t *gfn)
{
	volatile uint32_t *frame, *word = entry_word(gt, ref, &frame);
	if (!word)
		return GNTST_bad_gntref;
	struct grant_pin *pin = pin_of(gt, ref, true);
	if (!pin)
		return GNTST_no_space;
	bool pinned = pin->readers || pin->writers;
	uint16_t *count = writable ? &pin->writers : &pin->readers;
	if (pinned && (pin->domid != ld || *count == GNTTAB_PIN_MAX))
		return GNTST_general_error;
	if (!pinned || (writable && !pin->writers)) {
		int16_t st = set_status(word, ld, writable, !pinned, map);
		if (st != GNTST_okay)
			return st;
	}
	if (!pinned) {
		pin->domid = ld;
		pin->gfn = __atomic_load_n(frame, __ATOMIC_ACQUIRE);
	}
	(*count)++;
	*gfn = pin->gfn;
	return GNTST_okay;
}

static int16_t pin_entry(struct domain *rd, uint16_t ld, grant_ref_t ref, bool writable, bool map, uint64_t *gfn)
{
	struct gnttab *gt = rd->gnttab;
	uint64_t flags = spin_lock_irqsave(&gt->lock);
	int16_t st = pin_locked(gt, ld, ref, writable, map, gfn);
	spin_unlock_irqrestore(&gt->lock, flags);
	return st;
}

/* Drops one use; the flags go as the last writer and the last user do.
 * Nothing to do once the granter's table is released. */
static void unpin_entry(struct domain *rd, grant_ref_t ref, bool writable)
{
	struct gnttab *gt = rd->gnttab;
	uint64_t flags = spin_lock_irqsave(&gt->lock);
	volatile uint32_t *frame, *word = entry_word(gt, ref, &frame);
	struct grant_pin *pin = word ? pin_of(gt, ref, false) : NULL;
	uint16_t *count = !pin ? NULL : writable ? &pin->writers : &pin->readers;
	if (count && *count) {
		(*count)--;
		uint32_t clear = (pin->writers ? 0 : GTF_writing) | (pin->readers || pin->writers ? 0 : GTF_reading);
		__atomic_fetch_and(word, ~clear, __ATOMIC_ACQ_REL);
	}
	spin_unlock_irqrestore(&gt->lock, flags);
}

/* Doubles the maptrack array (within max_maptrack), the new slots free.
 * Called with the free list empty. */
static void maptrack_grow_locked(struct gnttab *lt)
{
	if (lt->nr_maptrack >= lt->max_maptrack)
		return;
	unsigned n = MIN(MAX(lt->nr_maptrack * 2, 64u), lt->max_maptrack);
	struct grant_mapping *bigger = xzalloc(n * sizeof(*bigger));
	if (!bigger)
		return;
	if (lt->maptrack)
		memcpy(bigger, lt->maptrack, lt->nr_maptrack * sizeof(*bigger));
	for (unsigned i = lt->nr_maptrack; i < n; i++)
		bigger[i].next_free = i + 1; /* the last ends the list: n */
	xfree(lt->maptrack);
	lt->maptrack = bigger;
	lt->maptrack_free = lt->nr_maptrack;
	lt->nr_maptrack = n;
}

/* Claims a free slot (BUSY: no unmap sees it until published); -1 if none. */
static int maptrack_claim(struct gnttab *lt)
{
	uint64_t flags = spin_lock_irqsave(&lt->lock);
	if (lt->maptrack_free >= lt->nr_maptrack)
		maptrack_grow_locked(lt);
	int slot = -1;
	if (lt->maptrack_free < lt->nr_maptrack) {
		slot = (int)lt->maptrack_free;
		lt->maptrack_free = lt->maptrack[slot].next_free;
		lt->maptrack[slot].state = MAPTRACK_BUSY;
	}
	spin_unlock_irqrestore(&lt->lock, flags);
	return slot;
}

/* A claimed slot becomes the complete mapping m (USED). */
static void maptrack_publish(struct gnttab *lt, unsigned slot, const struct grant_mapping *m)
{
	uint64_t flags = spin_lock_irqsave(&lt->lock);
	lt->maptrack[slot] = *m;
	lt->maptrack[slot].state = MAPTRACK_USED;
	spin_unlock_irqrestore(&lt->lock, flags);
}

/* A claimed slot goes back on the free list. */
static void maptrack_free(struct gnttab *lt, unsigned slot)
{
	uint64_t flags = spin_lock_irqsave(&lt->lock);
	lt->maptrack[slot] = (struct grant_mapping){ .state = MAPTRACK_FREE, .next_free = lt->maptrack_free };
	lt->maptrack_free = slot;
	spin_unlock_irqrestore(&lt->lock, flags);
}

/* Takes the USED mapping at handle for unmapping (BUSY), if host_addr (0:
 * any) names where it is; GNTST_*. */
static int16_t maptrack_take(struct gnttab *lt, grant_handle_t handle, uint64_t host_addr, struct grant_mapping *m)
{
	uint64_t flags = spin_lock_irqsave(&lt->lock);
	int16_t st = GNTST_bad_handle;
	if (handle < lt->nr_maptrack) {
		struct grant_mapping *e = &lt->maptrack[array_index_nospec(handle, lt->nr_maptrack)];
		if (e->state == MAPTRACK_USED)
			st = host_addr && PAGE_FRAME(host_addr) != e->gpa ? GNTST_general_error : GNTST_okay;
		if (st == GNTST_okay) {
			*m = *e;
			e->state = MAPTRACK_BUSY;
		}
	}
	spin_unlock_irqrestore(&lt->lock, flags);
	return st;
}

/* Undoes mapping m of d (whose slot is BUSY): the p2m entry, the pin,
 * the granter's reference.  Whatever the guest put at gpa since goes
 * (Xen refuses if it is not the granted page; the p2m has no such
 * check yet): its page reference goes with it, so only d is harmed. */
static void mapping_undo(struct domain *d, const struct grant_mapping *m)
{
	p2m_remove(d, m->gpa); /* drops the page reference, if any */
	unpin_entry(m->granter, m->ref, m->writable);
	domain_put(m->granter);
}

/* Maps grant op->ref of rd at gpa into the caller's p2m; GNTST_* (on
 * failure nothing stays). */
static int16_t map_granted(struct vcpu *v, struct domain *rd, struct gnttab_map_grant_ref *op, uint64_t gpa,
			   bool writable)
{
	struct gnttab *lt = v->d->gnttab;
	int slot = maptrack_claim(lt);
	if (slot < 0)
		return GNTST_no_space;
	uint64_t gfn;
	paddr_t page = 0;
	int16_t st = pin_entry(rd, v->d->domid, op->ref, writable, true, &gfn);
	bool pinned = st == GNTST_okay;
	if (pinned && p2m_get_page(rd, gfn << PAGE_SHIFT, &page))
		st = GNTST_general_error; /* the frame is not the granter's RAM */
	if (st == GNTST_okay && p2m_map_foreign(v->d, gpa, page, writable))
		st = GNTST_general_error; /* the page reference went with the failure */
	if (st != GNTST_okay) {
		if (pinned)
			unpin_entry(rd, op->ref, writable);
		maptrack_free(lt, (unsigned)slot);
		return st;
	}
	domain_hold(rd);
	struct grant_mapping m = { .writable = writable, .ref = op->ref, .gpa = gpa, .frame = page, .granter = rd };
	maptrack_publish(lt, (unsigned)slot, &m);
	op->handle = (grant_handle_t)slot;
	op->dev_bus_addr = 0;
	return GNTST_okay;
}

static int16_t map_one(struct vcpu *v, struct gnttab_map_grant_ref *op)
{
	if (!(op->flags & (GNTMAP_host_map | GNTMAP_device_map)))
		return GNTST_bad_gntref; /* Xen's answer to a map of nothing */
	if (op->flags & (GNTMAP_device_map | GNTMAP_application_map | GNTMAP_contains_pte))
		return GNTST_general_error; /* an auto-translated mapper only maps into its p2m */
	uint64_t gpa = PAGE_FRAME(op->host_addr);
	if (gpa >= P2M_GPA_LIMIT)
		return GNTST_general_error;
	struct domain *rd = domain_lookup(op->dom);
	if (!rd)
		return GNTST_bad_domain;
	int16_t st = rd->state == DOMAIN_ALIVE && rd->gnttab
			     ? map_granted(v, rd, op, gpa, !(op->flags & GNTMAP_readonly))
			     : GNTST_bad_domain;
	domain_put(rd);
	return st;
}

/* By handle, in the caller's own maptrack only: a handle of another
 * domain's is just a bad handle here.  The granter is the one the
 * mapping holds, dying or not, never whoever has its id now. */
static int16_t unmap_one(struct vcpu *v, const struct gnttab_unmap_grant_ref *op)
{
	struct gnttab *lt = v->d->gnttab;
	struct grant_mapping m;
	int16_t st = maptrack_take(lt, op->handle, op->host_addr, &m);
	if (st != GNTST_okay)
		return st;
	mapping_undo(v->d, &m);
	maptrack_free(lt, op->handle);
	return GNTST_okay;
}

/* One side of a copy: a grant (pinned for the copy) or a frame of the
 * caller's own; a page reference held on it. */
struct copy_end {
	struct domain *rd; /* the granter (held), NULL for the caller's own frame */
	paddr_t page;
	bool pinned;
};

static int16_t copy_end_get(struct vcpu *v, const struct gnttab_copy_ptr *p, bool by_ref, bool write,
			    struct copy_end *e)
{
	*e = (struct copy_end){ 0 };
	uint64_t gfn = p->u.gmfn;
	if (!by_ref) {
		if (p->domid != DOMID_SELF)
			return GNTST_permission_denied; /* only DOMID_SELF names frames, as Xen */
		return gfn < (P2M_GPA_LIMIT >> PAGE_SHIFT) && !p2m_get_page(v->d, gfn << PAGE_SHIFT, &e->page)
			       ? GNTST_okay : GNTST_bad_page;
	}
	if (p->domid == DOMID_SELF)
		domain_hold(e->rd = v->d);
	else
		e->rd = domain_lookup(p->domid);
	if (!e->rd || e->rd->state != DOMAIN_ALIVE || !e->rd->gnttab)
		return GNTST_bad_domain;
	int16_t st = pin_entry(e->rd, v->d->domid, p->u.ref, write, false, &gfn);
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

/* One operation of a batch, read from and written back to the guest. */
union gnttab_batch_op {
	struct gnttab_map_grant_ref map;
	struct gnttab_unmap_grant_ref unmap;
	struct gnttab_copy copy;
};

struct gnttab_batch {
	size_t size;             /* of one operation in guest memory */
	const struct xlat_layout *xlat; /* its 32-bit layout if that differs, else NULL */
	unsigned xlat_status;           /* the status field's index in it */
	size_t out_off, out_len; /* what goes back, the status first */
	int16_t (*one)(struct vcpu *v, union gnttab_batch_op *op); /* its status */
};

/* Runs count operations at gva, each on its own: no lock is held from
 * one to the next.  When this CPU has work pending the batch stops and
 * continues as Xen's does, at the next operation (arg 1) with the count
 * left (arg 2). */
static long run_batch(struct vcpu *v, const struct gnttab_batch *b, uint64_t gva, uint32_t count)
{
	bool xlat = b->xlat && hc_compat(v); /* a 32-bit caller's layout: its status written back */
	size_t size = xlat ? b->xlat->compat_size : b->size;
	for (uint32_t i = 0; i < count; i++) {
		union gnttab_batch_op op;
		uint64_t at = gva + (uint64_t)i * size;
		if (i && hypercall_preempt_check()) {
			hypercall_continue(v, 1, at);
			hypercall_continue(v, 2, count - i);
			return HC_RESTART;
		}
		if (xlat ? arg_in(v, b->xlat, &op, at) : copy_from_guest(v, &op, at, b->size))
			return -XEN_EFAULT;
		int16_t status = b->one(v, &op);
		memcpy((char *)&op + b->out_off, &status, sizeof(status));
		if (xlat ? arg_out_field(v, b->xlat, b->xlat_status, at, &op)
			 : copy_to_guest(v, at + b->out_off, (char *)&op + b->out_off, b->out_len))
			return -XEN_EFAULT;
	}
	return 0;
}

static int16_t map_op(struct vcpu *v, union gnttab_batch_op *op)
{
	return map_one(v, &op->map);
}

static int16_t unmap_op(struct vcpu *v, union gnttab_batch_op *op)
{
	return unmap_one(v, &op->unmap);
}

static int16_t copy_op(struct vcpu *v, union gnttab_batch_op *op)
{
	return copy_one(v, &op->copy);
}

/* Map writes back status, handle and dev_bus_addr; the others their status.
 * Map and unmap lay out alike for 32- and 64-bit callers; copy does not. */
long gnttab_map(struct vcpu *v, uint64_t gva, uint32_t count)
{
	static const struct gnttab_batch b = {
		.size = sizeof(struct gnttab_map_grant_ref),
		.out_off = offsetof(struct gnttab_map_grant_ref, status),
		.out_len = sizeof(struct gnttab_map_grant_ref) - offsetof(struct gnttab_map_grant_ref, status),
		.one = map_op };
	return run_batch(v, &b, gva, count);
}

long gnttab_unmap(struct vcpu *v, uint64_t gva, uint32_t count)
{
	static const struct gnttab_batch b = {
		.size = sizeof(struct gnttab_unmap_grant_ref),
		.out_off = offsetof(struct gnttab_unmap_grant_ref, status), .out_len = sizeof(int16_t),
		.one = unmap_op };
	return run_batch(v, &b, gva, count);
}

long gnttab_copy(struct vcpu *v, uint64_t gva, uint32_t count)
{
	static const struct gnttab_batch b = {
		.size = sizeof(struct gnttab_copy), .xlat = &xlat_gnttab_copy,
		.xlat_status = XLAT_GNTTAB_COPY_STATUS,
		.out_off = offsetof(struct gnttab_copy, status), .out_len = sizeof(int16_t), .one = copy_op };
	return run_batch(v, &b, gva, count);
}

/* The mapper dies (its vCPUs stopped): every mapping it holds goes, the
 * granters' entries are unpinned and their references dropped. */
static void maptrack_release(struct domain *d)
{
	struct gnttab *lt = d->gnttab;
	for (unsigned i = 0;; i++) {
		struct grant_mapping m;
		uint64_t flags = spin_lock_irqsave(&lt->lock);
		unsigned n = lt->nr_maptrack;
		bool used = i < n && lt->maptrack[i].state == MAPTRACK_USED;
		if (used) {
			m = lt->maptrack[i];
			lt->maptrack[i].state = MAPTRACK_BUSY;
		}
		spin_unlock_irqrestore(&lt->lock, flags);
		if (i >= n)
			break;
		if (!used)
			continue;
		mapping_undo(d, &m);
		maptrack_free(lt, i);
	}
}

const struct domain_hook maptrack_hook = { "maptrack", NULL, maptrack_release, NULL };
DOMAIN_HOOK(32, maptrack_hook);
