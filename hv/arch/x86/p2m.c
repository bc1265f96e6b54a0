/* The p2m as nested page tables (see p2m.h; AMD APM vol. 2 15.25). */
#include "p2m.h"
#include "domain.h"
#include "page_alloc.h"
#include "console.h"
#include "public/errno.h"
#include "vcpu_sched.h"
#include "x86/cpu.h"
#include "x86/percpu.h"
#include "x86/paging.h"

#define NPT_FLAGS (PTE_P | PTE_W | PTE_U)
/* Software bits of a leaf.  OWNED: the domain's own RAM; FOREIGN: a page
 * of another domain (or a grant frame) mapped here.  Both hold a page
 * reference (page_alloc.h), dropped when the leaf goes. */
#define P2M_OWNED (1ULL << 9)
#define P2M_FOREIGN (1ULL << 10)
#define P2M_READONLY (1ULL << 62) /* request only, never in a leaf: map without W */
/* Table pages a domain other than dom0 may use before libxl sizes its
 * pool (XEN_DOMCTL_set_paging_mempool_size), as Xen's HAP default. */
#define P2M_DEFAULT_TABLES 256

/*
 * What a change let go of: leaves and whole tables no longer reachable
 * from the root, but perhaps still cached in a vCPU's TLB.  Their pages
 * go back only after flush_all_vcpus (p2m_gc_finish).  The accounting
 * (tot_pages, table count) is done when an item is added, under the lock.
 */
struct p2m_gc {
	unsigned n;
	struct {
		uint64_t entry;
		unsigned shift; /* 12 or 21: a leaf of that size; 21 or 39 without PTE_PS: a table */
	} item[16];
};

static bool gc_full(const struct p2m_gc *gc)
{
	return gc->n == ARRAY_SIZE(gc->item);
}

static void *table_alloc(struct domain *d)
{
	if (d->p2m_tables >= d->p2m_table_limit)
		return NULL;
	void *t = alloc_zeroed_page();
	if (t)
		d->p2m_tables++;
	return t;
}

/* Replaces the 2 MiB leaf *pde by a table of 512 4 KiB leaves with the
 * same flags.  Call with the p2m lock held. */
static int split_2m(struct domain *d, uint64_t *pde)
{
	paddr_t base = *pde & PTE_ADDR_MASK & ~(MiB(2) - 1);
	uint64_t leaf_flags = (*pde & ~PTE_ADDR_MASK) & ~PTE_PS;
	uint64_t *pt = table_alloc(d);
	if (!pt)
		return -1;
	for (unsigned i = 0; i < 512; i++)
		pt[i] = (base + i * PAGE_SIZE) | leaf_flags;
	*pde = (uintptr_t)pt | NPT_FLAGS;
	return 0;
}

/* Every vCPU of d drops its cached translations before running again;
 * those in the guest now are made to exit, and we wait until they have,
 * so no one uses the old mapping once this returns. */
static void flush_all_vcpus(struct domain *d)
{
	for (unsigned i = 0; i < d->nr_vcpus; i++) {
		/* ordered before our reads of in_guest below, as the vCPU orders
		 * its in_guest store before its read of flush_tlb */
		__atomic_store_n(&d->vcpu[i]->flush_tlb, true, __ATOMIC_SEQ_CST);
		vcpu_kick(d->vcpu[i]);
	}
	struct vcpu *self = this_cpu()->current_vcpu;
	for (unsigned i = 0; i < d->nr_vcpus; i++) {
		struct vcpu *v = d->vcpu[i];
		/* kicked again now and then: it may have entered once more since,
		 * its flag set anew by a lazy removal, which kicks no one */
		for (unsigned spins = 1; v != self && __atomic_load_n(&v->in_guest, __ATOMIC_SEQ_CST) &&
					 __atomic_load_n(&v->flush_tlb, __ATOMIC_SEQ_CST); spins++)
			if (spins % 4096 == 0)
				vcpu_kick(v);
			else
				cpu_relax();
	}
}

/* The entry mapping gpa at the level of `shift` (21: 2 MiB, 12: 4 KiB),
 * creating tables and splitting a 2 MiB page above that level on the
 * way; NULL when out of memory or past the domain's table pool. */
static uint64_t *entry_for(struct domain *d, uint64_t gpa, unsigned shift)
{
	uint64_t *table = d->p2m;
	for (unsigned level = 39; table && level > shift; level -= 9) {
		uint64_t *e = &table[(gpa >> level) & 511];
		if (!(*e & PTE_P)) {
			void *t = table_alloc(d);
			if (!t)
				return NULL;
			*e = (uintptr_t)t | NPT_FLAGS;
		} else if ((*e & PTE_PS) && split_2m(d, e)) {
			return NULL;
		}
		table = (uint64_t *)(uintptr_t)(*e & PTE_ADDR_MASK);
	}
	return table ? &table[(gpa >> shift) & 511] : NULL;
}

/*
 * How many of an owned leaf's 2^(shift - 12) frames the owner stops
 * being charged for when the leaf goes: those nobody else references.
 * A frame another domain still maps (a grant, a foreign mapping) stays
 * on the owner's tot_pages until the owner dies, so that giving pages
 * back while they are mapped elsewhere cannot take a domain past its
 * max_pages (Xen charges a page to its owner until its last reference
 * goes).  No new reference can appear meanwhile: they are taken under
 * the owner's p2m lock, which the caller holds.
 */
static uint64_t unshared_frames(paddr_t hpa, unsigned shift)
{
	uint64_t n = 0;
	for (uint64_t i = 0; i < 1ULL << (shift - 12); i++)
		n += page_ref_count(hpa + i * PAGE_SIZE) <= 1;
	return n;
}

/* The same over a table of 4 KiB leaves. */
static uint64_t unshared_leaves(const uint64_t *table)
{
	uint64_t n = 0;
	for (unsigned i = 0; i < 512; i++)
		if ((table[i] & (PTE_P | P2M_OWNED)) == (PTE_P | P2M_OWNED))
			n += unshared_frames(table[i] & PTE_ADDR_MASK, 12);
	return n;
}

/* Replaces *e (at level shift) by val; what was there goes to gc. */
static void replace_entry(struct domain *d, uint64_t *e, unsigned shift, uint64_t val,
			  struct p2m_gc *gc)
{
	uint64_t old = *e;
	*e = val;
	if (!(old & PTE_P))
		return;
	if (shift == 21 && !(old & PTE_PS)) {
		d->p2m_tables--;
		d->tot_pages -= unshared_leaves((const uint64_t *)(uintptr_t)(old & PTE_ADDR_MASK));
	} else if (old & P2M_OWNED) {
		d->tot_pages -= unshared_frames(old & PTE_ADDR_MASK, shift);
	}
	gc->item[gc->n].entry = old;
	gc->item[gc->n++].shift = shift;
}

/* Lets go of every page below table, then frees the table itself. */
static void free_table(uint64_t *table, unsigned shift)
{
	for (unsigned i = 0; i < 512; i++) {
		uint64_t e = table[i];
		if (!(e & PTE_P))
			continue;
		if (shift > 12 && !(e & PTE_PS))
			free_table((uint64_t *)(uintptr_t)(e & PTE_ADDR_MASK), shift - 9);
		else if (e & (P2M_OWNED | P2M_FOREIGN))
			page_ref_put(e & PTE_ADDR_MASK, shift - 12);
	}
	free_pages((uintptr_t)table, 0);
}

/* Lets go of what an entry that left the p2m held. */
static void free_old(uint64_t e, unsigned shift)
{
	if (shift > 12 && !(e & PTE_PS))
		free_table((uint64_t *)(uintptr_t)(e & PTE_ADDR_MASK), shift - 9);
	else if (e & (P2M_OWNED | P2M_FOREIGN))
		page_ref_put(e & PTE_ADDR_MASK, shift - 12);
}

/* Frees the lazily removed entries; every vCPU flushed since. */
static void free_later_locked(struct domain *d)
{
	for (unsigned i = 0; i < d->p2m_later_n; i++)
		free_old(d->p2m_later[i].entry, d->p2m_later[i].shift);
	d->p2m_later_n = 0;
}

/* Moves what lazy removals left to out (room for all): the caller's
 * flush, which starts after this, covers exactly these. */
static unsigned take_later(struct domain *d, struct p2m_old *out)
{
	uint64_t flags = spin_lock_irqsave(&d->p2m_later_lock);
	unsigned n = d->p2m_later_n;
	memcpy(out, d->p2m_later, n * sizeof(*out));
	d->p2m_later_n = 0;
	spin_unlock_irqrestore(&d->p2m_later_lock, flags);
	return n;
}

/* Called without the lock: flushes d's vCPUs, then frees what gc holds,
 * and what lazy removals had left before the flush began. */
static void p2m_gc_finish(struct domain *d, struct p2m_gc *gc)
{
	struct p2m_old later[ARRAY_SIZE(d->p2m_later)];
	unsigned nr_later = __atomic_load_n(&d->p2m_later_n, __ATOMIC_ACQUIRE) ? take_later(d, later) : 0;
	if (!gc->n && !nr_later)
		return; /* nothing was present before: no vCPU can have cached it */
	flush_all_vcpus(d);
	for (unsigned i = 0; i < gc->n; i++)
		free_old(gc->item[i].entry, gc->item[i].shift);
	gc->n = 0;
	for (unsigned i = 0; i < nr_later; i++)
		free_old(later[i].entry, later[i].shift);
}

/* Whether every vCPU of d flushed since its flush_tlb was last set (or
 * will before it enters: it is not in the guest), by the same ordering
 * as flush_all_vcpus, without waiting. */
static bool all_flushed(struct domain *d)
{
	for (unsigned i = 0; i < d->nr_vcpus; i++)
		if (__atomic_load_n(&d->vcpu[i]->in_guest, __ATOMIC_SEQ_CST) &&
		    __atomic_load_n(&d->vcpu[i]->flush_tlb, __ATOMIC_SEQ_CST))
			return false;
	return true;
}

void p2m_drain(struct domain *d)
{
	if (!__atomic_load_n(&d->p2m_later_n, __ATOMIC_ACQUIRE))
		return;
	uint64_t flags = spin_lock_irqsave(&d->p2m_later_lock);
	if (all_flushed(d))
		free_later_locked(d);
	spin_unlock_irqrestore(&d->p2m_later_lock, flags);
}

/* Like p2m_gc_finish, but waits for no vCPU: gc's entries join the
 * domain's list (or, when it is full, everything is flushed now). */
static void p2m_gc_finish_lazy(struct domain *d, struct p2m_gc *gc)
{
	if (!gc->n)
		return;
	for (unsigned i = 0; i < d->nr_vcpus; i++)
		__atomic_store_n(&d->vcpu[i]->flush_tlb, true, __ATOMIC_SEQ_CST);
	uint64_t flags = spin_lock_irqsave(&d->p2m_later_lock);
	bool room = d->p2m_later_n + gc->n <= ARRAY_SIZE(d->p2m_later);
	for (unsigned i = 0; room && i < gc->n; i++)
		d->p2m_later[d->p2m_later_n++] = (struct p2m_old){ gc->item[i].entry, gc->item[i].shift };
	if (room) {
		gc->n = 0;
		if (all_flushed(d))
			free_later_locked(d);
	}
	spin_unlock_irqrestore(&d->p2m_later_lock, flags);
	if (!room)
		p2m_gc_finish(d, gc);
}

/* Puts hpa (0: nothing) at gpa with the extra leaf bits given. */
static int map_page_locked(struct domain *d, uint64_t gpa, paddr_t hpa, uint64_t bits,
			   struct p2m_gc *gc)
{
	uint64_t *e = entry_for(d, gpa, 12);
	if (!e)
		return -1;
	uint64_t leaf = (hpa & PTE_ADDR_MASK) | NPT_FLAGS | (bits & ~P2M_READONLY);
	replace_entry(d, e, 12, !hpa ? 0 : bits & P2M_READONLY ? leaf & ~PTE_W : leaf, gc);
	if (hpa)
		d->max_gfn = MAX(d->max_gfn, gpa >> PAGE_SHIFT);
	return 0;
}

/* Fresh zeroed RAM of 2^order pages (0 or 9) at gpa, owned by d. */
static int populate_one(struct domain *d, uint64_t gpa, unsigned order, struct p2m_gc *gc)
{
	if (d->tot_pages + (1ULL << order) > d->max_pages)
		return -1;
	unsigned shift = 12 + order;
	paddr_t hpa = alloc_pages(order);
	if (!hpa)
		return -1;
	uint64_t *e = entry_for(d, gpa, shift);
	if (!e) {
		free_pages(hpa, order);
		return -1;
	}
	memset((void *)(uintptr_t)hpa, 0, PAGE_SIZE << order);
	page_ref_init(hpa, order);
	replace_entry(d, e, shift, hpa | NPT_FLAGS | P2M_OWNED | (order ? PTE_PS : 0), gc);
	d->tot_pages += 1ULL << order;
	d->max_gfn = MAX(d->max_gfn, (gpa >> PAGE_SHIFT) + (1ULL << order) - 1);
	return 0;
}

int p2m_populate_extent(struct domain *d, uint64_t gpa, unsigned order)
{
	if (gpa >= P2M_GPA_LIMIT || gpa % (PAGE_SIZE << order) || (order != 0 && order != 9))
		return -1;
	struct p2m_gc gc = { 0 };
	uint64_t flags = spin_lock_irqsave(&d->p2m_lock);
	int rc = populate_one(d, gpa, order, &gc);
	spin_unlock_irqrestore(&d->p2m_lock, flags);
	p2m_gc_finish(d, &gc);
	return rc;
}

int p2m_populate(struct domain *d, uint64_t gpa, uint64_t size)
{
	uint64_t end = gpa + size;
	struct p2m_gc gc = { 0 };
	int rc = end > P2M_GPA_LIMIT ? -1 : 0;
	while (!rc && gpa < end) {
		uint64_t flags = spin_lock_irqsave(&d->p2m_lock);
		for (unsigned n = 0; !rc && gpa < end && !gc_full(&gc) && n < 512; n++) {
			bool big = gpa % MiB(2) == 0 && end - gpa >= MiB(2);
			rc = populate_one(d, gpa, big ? 9 : 0, &gc);
			if (rc && big) /* fragmented: 4 KiB pages will do */
				rc = populate_one(d, gpa, 0, &gc), big = false;
			gpa += big ? MiB(2) : PAGE_SIZE;
		}
		spin_unlock_irqrestore(&d->p2m_lock, flags);
		p2m_gc_finish(d, &gc);
	}
	return rc;
}

/* Maps hpa (0: a hole) at gpa with the leaf bits given; what was there
 * is let go of once no vCPU can reach it. */
static int map_page(struct domain *d, uint64_t gpa, paddr_t hpa, uint64_t bits)
{
	if (gpa >= P2M_GPA_LIMIT)
		return -1;
	struct p2m_gc gc = { 0 };
	uint64_t flags = spin_lock_irqsave(&d->p2m_lock);
	int rc = map_page_locked(d, gpa, hpa, bits, &gc);
	spin_unlock_irqrestore(&d->p2m_lock, flags);
	p2m_gc_finish(d, &gc);
	return rc;
}

int p2m_map_page(struct domain *d, uint64_t gpa, paddr_t hpa)
{
	return map_page(d, gpa, hpa, 0);
}

int p2m_unmap_page(struct domain *d, uint64_t gpa)
{
	return map_page(d, gpa, 0, 0); /* a zero leaf: not present */
}

int p2m_map_foreign(struct domain *d, uint64_t gpa, paddr_t hpa, bool writable)
{
	int rc = map_page(d, gpa, hpa, P2M_FOREIGN | (writable ? 0 : P2M_READONLY));
	if (rc)
		page_ref_put(hpa, 0);
	return rc;
}

/* The leaf that maps gpa (a 4 KiB or 2 MiB one), or NULL; p2m lock held. */
static const uint64_t *leaf_at(const struct domain *d, uint64_t gpa, unsigned *shift)
{
	const uint64_t *table = gpa < P2M_GPA_LIMIT ? d->p2m : NULL;
	for (unsigned level = 39; table; level -= 9) {
		const uint64_t *e = &table[(gpa >> level) & 511];
		if (!(*e & PTE_P))
			return NULL;
		if (level == 12 || (*e & PTE_PS)) {
			*shift = level;
			return e;
		}
		table = (const uint64_t *)(uintptr_t)(*e & PTE_ADDR_MASK);
	}
	return NULL;
}

/* The host address of gpa's byte through leaf e of size 2^shift. */
static paddr_t leaf_hpa(uint64_t e, unsigned shift, uint64_t gpa)
{
	uint64_t size = 1ULL << shift;
	return (e & PTE_ADDR_MASK & ~(size - 1)) | (gpa & (size - 1));
}

int p2m_get_page(struct domain *d, uint64_t gpa, paddr_t *hpa)
{
	int rc = -1;
	unsigned shift;
	uint64_t flags = spin_lock_irqsave(&d->p2m_lock);
	const uint64_t *e = leaf_at(d, gpa, &shift);
	if (e && (*e & P2M_OWNED)) {
		paddr_t page = leaf_hpa(*e, shift, gpa) & ~(PAGE_SIZE - 1);
		if (page_ref_get(page)) {
			*hpa = page;
			rc = 0;
		}
	}
	spin_unlock_irqrestore(&d->p2m_lock, flags);
	return rc;
}

bool p2m_write_protected(struct domain *d, uint64_t gpa)
{
	unsigned shift;
	uint64_t flags = spin_lock_irqsave(&d->p2m_lock);
	const uint64_t *e = leaf_at(d, gpa, &shift);
	bool ro = e && !(*e & PTE_W);
	spin_unlock_irqrestore(&d->p2m_lock, flags);
	return ro;
}

bool p2m_is_mapped(struct domain *d, uint64_t gpa)
{
	unsigned shift;
	uint64_t flags = spin_lock_irqsave(&d->p2m_lock);
	bool mapped = leaf_at(d, gpa, &shift) != NULL;
	spin_unlock_irqrestore(&d->p2m_lock, flags);
	return mapped;
}

/* Removes up to a gc's worth of 4 KiB leaves from [*gpa, end); -1 at
 * the first hole. */
static int remove_some(struct domain *d, uint64_t *gpa, uint64_t end, struct p2m_gc *gc)
{
	unsigned shift;
	int rc = 0;
	uint64_t flags = spin_lock_irqsave(&d->p2m_lock);
	while (!rc && *gpa < end && !gc_full(gc)) {
		const uint64_t *e = leaf_at(d, *gpa, &shift);
		if (e && shift == 21 && *gpa % MiB(2) == 0 && end - *gpa >= MiB(2)) {
			replace_entry(d, (uint64_t *)e, 21, 0, gc); /* a whole 2 MiB page */
			*gpa += MiB(2);
			continue;
		}
		rc = e ? map_page_locked(d, *gpa, 0, 0, gc) : -1;
		*gpa += PAGE_SIZE;
	}
	spin_unlock_irqrestore(&d->p2m_lock, flags);
	return rc;
}

int p2m_remove_extent(struct domain *d, uint64_t gpa, unsigned order)
{
	uint64_t end = gpa + (PAGE_SIZE << order);
	if (order > 9 || end > P2M_GPA_LIMIT)
		return -1;
	struct p2m_gc gc = { 0 };
	int rc = 0;
	while (!rc && gpa < end) {
		rc = remove_some(d, &gpa, end, &gc);
		p2m_gc_finish(d, &gc);
	}
	return rc;
}

int p2m_remove(struct domain *d, uint64_t gpa)
{
	return p2m_remove_extent(d, gpa & ~(PAGE_SIZE - 1), 0);
}

int p2m_remove_lazy(struct domain *d, uint64_t gpa)
{
	uint64_t at = gpa & ~(PAGE_SIZE - 1);
	if (at >= P2M_GPA_LIMIT)
		return -1;
	struct p2m_gc gc = { 0 };
	int rc = remove_some(d, &at, at + PAGE_SIZE, &gc);
	p2m_gc_finish_lazy(d, &gc);
	return rc;
}

void p2m_teardown(struct domain *d)
{
	uint64_t flags = spin_lock_irqsave(&d->p2m_lock);
	uint64_t *root = d->p2m;
	d->p2m = NULL;
	d->tot_pages = 0;
	d->p2m_tables = 0;
	spin_unlock_irqrestore(&d->p2m_lock, flags);
	flush_all_vcpus(d);
	flags = spin_lock_irqsave(&d->p2m_later_lock);
	free_later_locked(d);
	spin_unlock_irqrestore(&d->p2m_later_lock, flags);
	if (root)
		free_table(root, 39); /* with interrupts on: it may take a while */
}

/* Copies len bytes (within one page) to or from gpa.  The lock is held
 * over the copy, so the page cannot be unmapped and freed meanwhile;
 * a write needs a writable leaf (a read-only grant mapping is not). */
static int copy_in_page(struct domain *d, uint64_t gpa, void *buf, size_t len, bool to_guest)
{
	unsigned shift;
	int rc = -1;
	uint64_t flags = spin_lock_irqsave(&d->p2m_lock);
	const uint64_t *e = leaf_at(d, gpa, &shift);
	if (e && (!to_guest || (*e & PTE_W))) {
		void *host = (void *)(uintptr_t)leaf_hpa(*e, shift, gpa);
		if (to_guest)
			memcpy(host, buf, len);
		else
			memcpy(buf, host, len);
		rc = 0;
	}
	spin_unlock_irqrestore(&d->p2m_lock, flags);
	return rc;
}

static int copy_gpa(struct domain *d, uint64_t gpa, void *buf, size_t len, bool to_guest)
{
	char *b = buf;
	while (len) {
		size_t chunk = MIN(len, PAGE_SIZE - (gpa & (PAGE_SIZE - 1)));
		if (copy_in_page(d, gpa, b, chunk, to_guest))
			return -1;
		gpa += chunk, b += chunk, len -= chunk;
	}
	return 0;
}

int copy_to_gpa(struct domain *d, uint64_t gpa, const void *src, size_t len)
{
	return copy_gpa(d, gpa, (void *)(uintptr_t)src, len, true);
}

int copy_from_gpa(struct domain *d, void *dst, uint64_t gpa, size_t len)
{
	return copy_gpa(d, gpa, dst, len, false);
}

int cmpxchg_gpa(struct domain *d, uint64_t gpa, unsigned size, uint64_t old, uint64_t new)
{
	unsigned shift;
	int rc = -1;
	if ((size != 4 && size != 8) || (gpa & (size - 1)))
		return -1;
	uint64_t flags = spin_lock_irqsave(&d->p2m_lock);
	const uint64_t *e = leaf_at(d, gpa, &shift);
	if (e && (*e & PTE_W)) {
		void *host = (void *)(uintptr_t)leaf_hpa(*e, shift, gpa);
		uint32_t old32 = (uint32_t)old;
		rc = size == 8 ? __atomic_compare_exchange_n((uint64_t *)host, &old, new, false,
							     __ATOMIC_SEQ_CST, __ATOMIC_SEQ_CST)
			       : __atomic_compare_exchange_n((uint32_t *)host, &old32, (uint32_t)new,
							     false, __ATOMIC_SEQ_CST, __ATOMIC_SEQ_CST);
	}
	spin_unlock_irqrestore(&d->p2m_lock, flags);
	return rc;
}

int p2m_set_table_limit(struct domain *d, uint64_t pages)
{
	uint64_t flags = spin_lock_irqsave(&d->p2m_lock);
	int rc = pages < d->p2m_tables ? -1 : 0;
	if (!rc)
		d->p2m_table_limit = pages;
	spin_unlock_irqrestore(&d->p2m_lock, flags);
	return rc;
}

static int p2m_hook_init(struct domain *d, const struct domain_config *cfg)
{
	d->p2m_table_limit = cfg->privileged ? UINT64_MAX : P2M_DEFAULT_TABLES;
	d->p2m = table_alloc(d);
	return d->p2m ? 0 : -XEN_ENOMEM;
}

static const struct domain_hook p2m_hook = { "p2m", p2m_hook_init, p2m_teardown, p2m_teardown };
DOMAIN_HOOK(20, p2m_hook);

/*
 * For a guest's crash report: the 4-level walk of va from the guest's CR3
 * done in software through d's p2m, one line per level - the table's gfn,
 * the host frame the p2m gives it and that frame's reference count, and
 * the entry read there - so a table that vanished (freed, remapped,
 * overwritten) shows where.
 */
/* The end of a dumped walk: the data's frame and the 16 bytes at gpa. */
static void dump_data(struct domain *d, uint64_t gpa)
{
	unsigned shift;
	uint64_t words[2] = { 0, 0 };
	uint64_t flags = spin_lock_irqsave(&d->p2m_lock);
	const uint64_t *leaf = leaf_at(d, gpa, &shift);
	uint64_t leaf_val = leaf ? *leaf : 0;
	paddr_t hpa = leaf ? leaf_hpa(*leaf, shift, gpa & ~15ULL) : 0;
	if (hpa)
		memcpy(words, (const void *)(uintptr_t)hpa, sizeof(words));
	spin_unlock_irqrestore(&d->p2m_lock, flags);
	printk_guest("d%u: walk data: gpa %#lx -> p2m leaf %#lx (host %#lx, %u refs): %016lx %016lx\n",
		     d->domid, gpa, leaf_val, hpa, hpa ? page_ref_count(hpa & ~(PAGE_SIZE - 1)) : 0, words[0],
		     words[1]);
}

void p2m_dump_walk(struct domain *d, uint64_t cr3, uint64_t va)
{
	uint64_t table_gpa = cr3 & PTE_ADDR_MASK;
	for (int level = 4; level >= 1; level--) {
		unsigned shift;
		uint64_t flags = spin_lock_irqsave(&d->p2m_lock);
		const uint64_t *leaf = leaf_at(d, table_gpa, &shift);
		uint64_t leaf_val = leaf ? *leaf : 0;
		paddr_t hpa = leaf ? leaf_hpa(*leaf, shift, table_gpa) : 0;
		uint64_t entry = hpa ? ((const uint64_t *)(uintptr_t)hpa)[(va >> (12 + 9 * (level - 1))) & 511] : 0;
		spin_unlock_irqrestore(&d->p2m_lock, flags);
		printk_guest("d%u: walk L%d: table gfn %#lx -> p2m leaf %#lx (host %#lx, %u refs), entry %#lx\n",
			     d->domid, level, table_gpa >> PAGE_SHIFT, leaf_val, hpa,
			     hpa ? page_ref_count(hpa & ~(PAGE_SIZE - 1)) : 0, entry);
		if (!hpa || !(entry & PTE_P))
			return;
		if (level == 1 || (entry & PTE_PS)) {
			uint64_t span = 1ULL << (12 + 9 * (level - 1));
			dump_data(d, (entry & PTE_ADDR_MASK & ((1ULL << 52) - 1) & ~(span - 1)) + (va & (span - 1)));
			return;
		}
		table_gpa = entry & PTE_ADDR_MASK & ((1ULL << 52) - 1);
	}
}
