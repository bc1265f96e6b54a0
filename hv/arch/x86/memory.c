/*
 * Brings up the page allocator over all usable RAM.  Memory below 1 MiB
 * is left to firmware and the AP trampoline; the hv image, the loader's
 * structures and modules, and the allocator's own bitmap are claimed.
 */
#include "x86/setup.h"
#include "x86/paging.h"
#include "page_alloc.h"
#include "heap.h"
#include "console.h"
#include "spinlock.h"

extern char _start[], _end[];
struct page_pool hv_page_pool;
static spinlock_t page_pool_lock = SPINLOCK_INIT; /* CPUs allocate concurrently */

static uint32_t *ref_of(paddr_t pa);

/* A frame the allocator hands out that a domain still references was
 * freed too early: said at once, for the report of whoever it hits. */
static void check_unreferenced(paddr_t pa, unsigned order)
{
	for (uint64_t i = 0; pa && i < 1ULL << order; i++) {
		uint32_t *r = ref_of(pa + i * PAGE_SIZE);
		uint32_t n = r ? __atomic_load_n(r, __ATOMIC_ACQUIRE) : 0;
		if (n)
			printk("alloc_pages: frame %#lx handed out with %u references left\n",
			       pa + i * PAGE_SIZE, n);
	}
}

paddr_t alloc_pages(unsigned order)
{
	uint64_t flags = spin_lock_irqsave(&page_pool_lock);
	paddr_t pa = page_pool_alloc(&hv_page_pool, order);
	spin_unlock_irqrestore(&page_pool_lock, flags);
	check_unreferenced(pa, order);
	return pa;
}

void free_pages(paddr_t pa, unsigned order)
{
	uint64_t flags = spin_lock_irqsave(&page_pool_lock);
	int rc = page_pool_free(&hv_page_pool, pa, order);
	spin_unlock_irqrestore(&page_pool_lock, flags);
	if (rc)
		panic("free_pages: %#lx order %u was not allocated", pa, order);
}

/* One count per frame of RAM: how many references hold a page given to
 * a domain (its owner's, and one per foreign or grant mapping).  Zero
 * for everything else, which therefore cannot be referenced. */
static uint32_t *frame_refs;

static uint32_t *ref_of(paddr_t pa)
{
	uint64_t pfn = pa >> PAGE_SHIFT;
	return frame_refs && pfn < hv_page_pool.nr_pfns ? &frame_refs[pfn] : NULL;
}

void page_ref_init(paddr_t pa, unsigned order)
{
	for (uint64_t i = 0; i < 1ULL << order; i++) {
		uint32_t *r = ref_of(pa + i * PAGE_SIZE);
		uint32_t old = r ? __atomic_exchange_n(r, 1, __ATOMIC_ACQ_REL) : 0;
		if (old) /* a fresh frame someone still references: a use after free */
			printk("page_ref_init: frame %#lx handed out with %u references left\n",
			       pa + i * PAGE_SIZE, old);
	}
}

bool page_ref_get(paddr_t pa)
{
	uint32_t *r = ref_of(pa);
	uint32_t n = r ? __atomic_load_n(r, __ATOMIC_RELAXED) : 0;
	while (n && n < UINT32_MAX)
		if (__atomic_compare_exchange_n(r, &n, n + 1, false, __ATOMIC_ACQUIRE, __ATOMIC_RELAXED))
			return true;
	return false;
}

uint32_t page_ref_count(paddr_t pa)
{
	uint32_t *r = ref_of(pa);
	return r ? __atomic_load_n(r, __ATOMIC_ACQUIRE) : 0;
}

void page_ref_put(paddr_t pa, unsigned order)
{
	for (uint64_t i = 0; i < 1ULL << order; i++) {
		paddr_t frame = pa + i * PAGE_SIZE;
		uint32_t *r = ref_of(frame);
		if (!r || !__atomic_load_n(r, __ATOMIC_RELAXED))
			panic("page_ref_put: %#lx holds no reference", frame);
		if (__atomic_sub_fetch(r, 1, __ATOMIC_ACQ_REL) == 0)
			free_pages(frame, 0);
	}
}

void *alloc_zeroed_page(void)
{
	paddr_t pa = alloc_pages(0);
	if (pa)
		memset((void *)(uintptr_t)pa, 0, PAGE_SIZE);
	return (void *)(uintptr_t)pa;
}

static void *heap_get_pages(unsigned order)
{
	paddr_t pa = alloc_pages(order);
	if (pa)
		memset((void *)(uintptr_t)pa, 0, PAGE_SIZE << order);
	return (void *)(uintptr_t)pa;
}

static void heap_put_pages(void *p, unsigned order)
{
	free_pages((uintptr_t)p, order);
}

/* Something wrote to a freed heap block: a use after free. */
static void heap_corrupt(const void *block, size_t offset)
{
	panic("heap: block %p was written at offset %zu after it was freed", block, offset);
}

static const struct heap_ops hv_heap_ops = { heap_get_pages, heap_put_pages, heap_corrupt };
static struct heap hv_heap;

void *xmalloc(size_t size) { return heap_alloc(&hv_heap, size); }
void *xzalloc(size_t size) { return heap_alloc(&hv_heap, size); } /* blocks come zeroed */

void xfree(void *p)
{
	if (heap_free(&hv_heap, p))
		panic("xfree: %p is not a live heap block", p);
}

static bool overlaps(uint64_t a, uint64_t alen, uint64_t b, uint64_t blen)
{
	return a < b + blen && b < a + alen;
}

static bool area_is_free(const struct boot_info *bi, uint64_t pa, uint64_t len)
{
	if (overlaps(pa, len, (uintptr_t)_start, (uintptr_t)(_end - _start)))
		return false;
	for (unsigned i = 0; i < bi->nr_keep; i++)
		if (overlaps(pa, len, bi->keep[i].base, bi->keep[i].len))
			return false;
	return true;
}

/* Finds len bytes of usable RAM in [1 MiB, 4 GiB) clear of everything
 * the boot still needs.  Candidates: starts of RAM ranges and ends of
 * the things to avoid. */
static uint64_t find_boot_area(const struct boot_info *bi, uint64_t len)
{
	uint64_t cand[BOOT_MAX_MEM + BOOT_MAX_KEEP + 1];
	unsigned n = 0;
	cand[n++] = ALIGN_UP((uintptr_t)_end, PAGE_SIZE);
	for (unsigned i = 0; i < bi->nr_keep; i++)
		cand[n++] = ALIGN_UP(bi->keep[i].base + bi->keep[i].len, PAGE_SIZE);
	for (unsigned i = 0; i < bi->nr_mem; i++)
		cand[n++] = ALIGN_UP(MAX(bi->mem[i].base, MiB(1)), PAGE_SIZE);
	for (unsigned c = 0; c < n; c++) {
		for (unsigned i = 0; i < bi->nr_mem; i++) {
			const struct mem_range *m = &bi->mem[i];
			if (m->type == MEM_USABLE && cand[c] >= m->base && cand[c] + len <= m->base + m->len &&
			    cand[c] + len <= GiB(4) && area_is_free(bi, cand[c], len))
				return cand[c];
		}
	}
	return 0;
}

uint64_t hv_total_pages;

uint64_t memory_init(struct boot_info *bi)
{
	bi->nr_mem = memmap_sanitize(bi->mem, bi->nr_mem, BOOT_MAX_MEM);
	uint64_t top = 0;
	for (unsigned i = 0; i < bi->nr_mem; i++)
		if (bi->mem[i].type == MEM_USABLE)
			top = MAX(top, bi->mem[i].base + bi->mem[i].len);
	uint64_t nr_pfns = top >> PAGE_SHIFT;
	uint64_t bitmap_len = ALIGN_UP(page_pool_bitmap_bytes(nr_pfns), PAGE_SIZE);
	uint64_t bitmap_pa = find_boot_area(bi, bitmap_len);
	if (!bitmap_pa)
		panic("memory: no room below 4 GiB for the page bitmap (%lu KiB)", bitmap_len >> 10);
	page_pool_init(&hv_page_pool, 0, nr_pfns, (uint64_t *)(uintptr_t)bitmap_pa);
	for (unsigned i = 0; i < bi->nr_mem; i++) {
		const struct mem_range *m = &bi->mem[i];
		if (m->type == MEM_USABLE && m->base + m->len > MiB(1))
			page_pool_release(&hv_page_pool, MAX(m->base, MiB(1)),
					  m->base + m->len - MAX(m->base, MiB(1)));
	}
	page_pool_claim(&hv_page_pool, (uintptr_t)_start, (uintptr_t)(_end - _start));
	page_pool_claim(&hv_page_pool, bitmap_pa, bitmap_len);
	for (unsigned i = 0; i < bi->nr_keep; i++)
		page_pool_claim(&hv_page_pool, bi->keep[i].base, bi->keep[i].len);
	paging_map_ram(0, top);
	unsigned order = 0;
	while ((PAGE_SIZE << order) < nr_pfns * sizeof(*frame_refs))
		order++;
	paddr_t refs = page_pool_alloc(&hv_page_pool, order);
	if (!refs)
		panic("memory: no room for the frame reference counts (order %u)", order);
	memset((void *)(uintptr_t)refs, 0, PAGE_SIZE << order);
	frame_refs = (uint32_t *)(uintptr_t)refs;
	heap_init(&hv_heap, &hv_heap_ops);
	uint64_t usable = memmap_total(bi->mem, bi->nr_mem, MEM_USABLE);
	hv_total_pages = usable >> PAGE_SHIFT;
	return usable;
}

/* Whether the page at pa holds kept loader data other than module m. */
static bool page_shared(const struct boot_info *bi, paddr_t pa, const struct boot_module *m)
{
	for (unsigned i = 0; i < bi->nr_keep; i++) {
		const struct mem_range *k = &bi->keep[i];
		bool is_module = k->base == m->start && k->base + k->len == m->end;
		if (!is_module && overlaps(pa, PAGE_SIZE, k->base, k->len))
			return true;
	}
	return false;
}

uint64_t boot_modules_release(struct boot_info *bi)
{
	uint64_t freed = 0;
	for (unsigned i = 0; i < bi->nr_mods; i++) {
		const struct boot_module *m = &bi->mods[i];
		for (paddr_t pa = ALIGN_UP(m->start, PAGE_SIZE); pa + PAGE_SIZE <= m->end; pa += PAGE_SIZE)
			if (!page_shared(bi, pa, m)) {
				page_pool_release(&hv_page_pool, pa, PAGE_SIZE);
				freed++;
			}
	}
	bi->nr_mods = 0; /* gone: nothing may read them any more */
	return freed;
}
