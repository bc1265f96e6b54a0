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

/* Replaces the 2 MiB leaf *pde by a table of 512 4 KiB leaves with the
 * same flags.  Call with the p2m lock held. */
static int split_2m(uint64_t *pde)
{
	paddr_t base = *pde & PTE_ADDR_MASK & ~(MiB(2) - 1);
	uint64_t leaf_flags = (*pde & ~PTE_ADDR_MASK) & ~PTE_PS;
	uint64_t *pt = alloc_zeroed_page();
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
		d->vcpu[i]->flush_tlb = true;
		vcpu_kick(d->vcpu[i]);
	}
	struct vcpu *self = this_cpu()->current_vcpu;
	for (unsigned i = 0; i < d->nr_vcpus; i++) {
		struct vcpu *v = d->vcpu[i];
		while (v != self && __atomic_load_n(&v->in_guest, __ATOMIC_SEQ_CST) &&
		       __atomic_load_n(&v->flush_tlb, __ATOMIC_SEQ_CST))
			cpu_relax();
	}
}

/* The entry mapping gpa at the level of `shift` (21: 2 MiB, 12: 4 KiB),
 * creating tables and splitting a 2 MiB page above that level on the
 * way; NULL when out of memory. */
static uint64_t *entry_for(struct domain *d, uint64_t gpa, unsigned shift)
{
	uint64_t *table = d->p2m;
	for (unsigned level = 39; level > shift; level -= 9) {
		uint64_t *e = &table[(gpa >> level) & 511];
		if (!(*e & PTE_P)) {
			void *t = alloc_zeroed_page();
			if (!t)
				return NULL;
			*e = (uintptr_t)t | NPT_FLAGS;
		} else if ((*e & PTE_PS) && split_2m(e)) {
			return NULL;
		}
		table = (uint64_t *)(uintptr_t)(*e & PTE_ADDR_MASK);
	}
	return &table[(gpa >> shift) & 511];
}

static void teardown_level(struct domain *d, uint64_t *table, unsigned shift);

/* A leaf is going: the references it held are dropped. */
static void leaf_gone(struct domain *d, uint64_t e, unsigned order)
{
	if (!(e & PTE_P) || !(e & (P2M_OWNED | P2M_FOREIGN)))
		return;
	page_ref_put(e & PTE_ADDR_MASK, order);
	if (e & P2M_OWNED)
		d->tot_pages -= 1ULL << order;
}

/* Replaces *e (at level shift) by val; whatever was there, a leaf or a
 * whole table below a 2 MiB entry, lets go of its pages. */
static void replace_entry(struct domain *d, uint64_t *e, unsigned shift, uint64_t val)
{
	uint64_t old = *e;
	*e = val;
	if (shift == 21 && (old & PTE_P) && !(old & PTE_PS))
		teardown_level(d, (uint64_t *)(uintptr_t)(old & PTE_ADDR_MASK), 12);
	else
		leaf_gone(d, old, shift - 12);
}

/* Puts hpa (0: nothing) at gpa with the extra leaf bits given. */
static int map_page_locked(struct domain *d, uint64_t gpa, paddr_t hpa, uint64_t bits)
{
	uint64_t *e = entry_for(d, gpa, 12);
	if (!e)
		return -1;
	uint64_t leaf = (hpa & PTE_ADDR_MASK) | NPT_FLAGS | (bits & ~P2M_READONLY);
	replace_entry(d, e, 12, !hpa ? 0 : bits & P2M_READONLY ? leaf & ~PTE_W : leaf);
	if (hpa)
		d->max_gfn = MAX(d->max_gfn, gpa >> PAGE_SHIFT);
	return 0;
}

/* Fresh zeroed RAM of 2^order pages (0 or 9) at gpa, owned by d. */
static int populate_one(struct domain *d, uint64_t gpa, unsigned order)
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
	replace_entry(d, e, shift, hpa | NPT_FLAGS | P2M_OWNED | (order ? PTE_PS : 0));
	d->tot_pages += 1ULL << order;
	d->max_gfn = MAX(d->max_gfn, (gpa >> PAGE_SHIFT) + (1ULL << order) - 1);
	return 0;
}

int p2m_populate_extent(struct domain *d, uint64_t gpa, unsigned order)
{
	if (gpa >= P2M_GPA_LIMIT || gpa % (PAGE_SIZE << order) || (order != 0 && order != 9))
		return -1;
	uint64_t flags = spin_lock_irqsave(&d->p2m_lock);
	int rc = d->p2m ? populate_one(d, gpa, order) : -1;
	spin_unlock_irqrestore(&d->p2m_lock, flags);
	flush_all_vcpus(d);
	return rc;
}

int p2m_populate(struct domain *d, uint64_t gpa, uint64_t size)
{
	uint64_t end = gpa + size;
	int rc = 0;
	uint64_t flags = spin_lock_irqsave(&d->p2m_lock);
	while (!rc && gpa < end) {
		bool big = gpa % MiB(2) == 0 && end - gpa >= MiB(2);
		rc = populate_one(d, gpa, big ? 9 : 0);
		if (rc && big) /* fragmented: 4 KiB pages will do */
			rc = populate_one(d, gpa, 0), big = false;
		gpa += big ? MiB(2) : PAGE_SIZE;
	}
	spin_unlock_irqrestore(&d->p2m_lock, flags);
	flush_all_vcpus(d);
	return rc;
}

int p2m_map_page(struct domain *d, uint64_t gpa, paddr_t hpa)
{
	if (gpa >= P2M_GPA_LIMIT)
		return -1;
	uint64_t flags = spin_lock_irqsave(&d->p2m_lock);
	int rc = map_page_locked(d, gpa, hpa, 0);
	spin_unlock_irqrestore(&d->p2m_lock, flags);
	flush_all_vcpus(d);
	return rc;
}

int p2m_unmap_page(struct domain *d, uint64_t gpa)
{
	return p2m_map_page(d, gpa, 0); /* a zero leaf: not present */
}

int p2m_map_foreign(struct domain *d, uint64_t gpa, paddr_t hpa, bool writable)
{
	int rc = -1;
	if (gpa < P2M_GPA_LIMIT) {
		uint64_t flags = spin_lock_irqsave(&d->p2m_lock);
		rc = d->p2m ? map_page_locked(d, gpa, hpa, P2M_FOREIGN | (writable ? 0 : P2M_READONLY)) : -1;
		spin_unlock_irqrestore(&d->p2m_lock, flags);
		flush_all_vcpus(d);
	}
	if (rc)
		page_ref_put(hpa, 0);
	return rc;
}

/* The leaf that maps gpa (a 4 KiB or 2 MiB one), or NULL; p2m lock held. */
static const uint64_t *leaf_at(const struct domain *d, uint64_t gpa, unsigned *shift)
{
	const uint64_t *table = d->p2m;
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

int p2m_get_page(struct domain *d, uint64_t gpa, paddr_t *hpa)
{
	int rc = -1;
	unsigned shift;
	uint64_t flags = spin_lock_irqsave(&d->p2m_lock);
	const uint64_t *e = gpa < P2M_GPA_LIMIT ? leaf_at(d, gpa, &shift) : NULL;
	if (e && (*e & P2M_OWNED)) {
		paddr_t page = (*e & PTE_ADDR_MASK & ~((1ULL << shift) - 1)) |
			       (gpa & ((1ULL << shift) - 1) & ~(PAGE_SIZE - 1));
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
	const uint64_t *e = gpa < P2M_GPA_LIMIT ? leaf_at(d, gpa, &shift) : NULL;
	bool ro = e && !(*e & PTE_W);
	spin_unlock_irqrestore(&d->p2m_lock, flags);
	return ro;
}

int p2m_remove(struct domain *d, uint64_t gpa)
{
	unsigned shift;
	uint64_t flags = spin_lock_irqsave(&d->p2m_lock);
	int rc = gpa < P2M_GPA_LIMIT && leaf_at(d, gpa, &shift) ? map_page_locked(d, gpa, 0, 0) : -1;
	spin_unlock_irqrestore(&d->p2m_lock, flags);
	flush_all_vcpus(d);
	return rc;
}

/* Lets go of every page below table, then frees the table itself. */
static void teardown_level(struct domain *d, uint64_t *table, unsigned shift)
{
	for (unsigned i = 0; i < 512; i++) {
		uint64_t e = table[i];
		if (!(e & PTE_P))
			continue;
		if (shift > 12 && !(e & PTE_PS))
			teardown_level(d, (uint64_t *)(uintptr_t)(e & PTE_ADDR_MASK), shift - 9);
		else
			leaf_gone(d, e, shift - 12);
	}
	free_pages((uintptr_t)table, 0);
}

void p2m_teardown(struct domain *d)
{
	uint64_t flags = spin_lock_irqsave(&d->p2m_lock);
	uint64_t *root = d->p2m;
	d->p2m = NULL;
	if (root)
		teardown_level(d, root, 39);
	spin_unlock_irqrestore(&d->p2m_lock, flags);
}

paddr_t p2m_lookup(const struct domain *d, uint64_t gpa)
{
	const uint64_t *table = d->p2m;
	if (!table)
		return P2M_INVALID; /* torn down */
	for (unsigned shift = 39;; shift -= 9) {
		uint64_t e = table[(gpa >> shift) & 511];
		if (!(e & PTE_P))
			return P2M_INVALID;
		if (shift == 12 || (e & PTE_PS)) {
			uint64_t page = 1ULL << shift;
			return (e & PTE_ADDR_MASK & ~(page - 1)) | (gpa & (page - 1));
		}
		table = (const uint64_t *)(uintptr_t)(e & PTE_ADDR_MASK);
	}
}

int copy_to_gpa(struct domain *d, uint64_t gpa, const void *src, size_t len)
{
	const char *s = src;
	while (len) {
		size_t chunk = MIN(len, PAGE_SIZE - (gpa & (PAGE_SIZE - 1)));
		paddr_t hpa = p2m_lookup(d, gpa);
		if (hpa == P2M_INVALID)
			return -1;
		memcpy((void *)(uintptr_t)hpa, s, chunk);
		gpa += chunk, s += chunk, len -= chunk;
	}
	return 0;
}

int copy_from_gpa(const struct domain *d, void *dst, uint64_t gpa, size_t len)
{
	char *o = dst;
	while (len) {
		size_t chunk = MIN(len, PAGE_SIZE - (gpa & (PAGE_SIZE - 1)));
		paddr_t hpa = p2m_lookup(d, gpa);
		if (hpa == P2M_INVALID)
			return -1;
		memcpy(o, (const void *)(uintptr_t)hpa, chunk);
		gpa += chunk, o += chunk, len -= chunk;
	}
	return 0;
}

static int p2m_hook_init(struct domain *d, const struct domain_config *cfg)
{
	(void)cfg;
	d->p2m = alloc_zeroed_page();
	return d->p2m ? 0 : -XEN_ENOMEM;
}

static const struct domain_hook p2m_hook = { "p2m", p2m_hook_init, p2m_teardown, p2m_teardown };
DOMAIN_HOOK(20, p2m_hook);
