/* The page allocator (see page_alloc.h). */
#include "page_alloc.h"

static bool bit_free(const struct page_pool *p, uint64_t i)
{
	return (p->bitmap[i / 64] >> (i % 64)) & 1;
}

static void set_bits(struct page_pool *p, uint64_t first, uint64_t n, bool free)
{
	for (uint64_t i = first; i < first + n; i++) {
		uint64_t mask = 1ULL << (i % 64);
		if (free && !(p->bitmap[i / 64] & mask))
			p->free_pages++, p->bitmap[i / 64] |= mask;
		else if (!free && (p->bitmap[i / 64] & mask))
			p->free_pages--, p->bitmap[i / 64] &= ~mask;
	}
}

void page_pool_init(struct page_pool *pool, uint64_t base_pfn, uint64_t nr_pfns, uint64_t *bitmap)
{
	*pool = (struct page_pool){ .base_pfn = base_pfn, .nr_pfns = nr_pfns, .bitmap = bitmap };
	memset(bitmap, 0, page_pool_bitmap_bytes(nr_pfns));
}

/* Clips [first_pfn, end_pfn) to the pool; returns false if nothing is left. */
static bool clip(const struct page_pool *p, uint64_t *first, uint64_t *end)
{
	uint64_t lo = MAX(*first, p->base_pfn), hi = MIN(*end, p->base_pfn + p->nr_pfns);
	if (lo >= hi)
		return false;
	*first = lo - p->base_pfn;
	*end = hi - p->base_pfn;
	return true;
}

void page_pool_release(struct page_pool *pool, paddr_t pa, uint64_t len)
{
	uint64_t first = ALIGN_UP(pa, PAGE_SIZE) >> PAGE_SHIFT;
	uint64_t end = ALIGN_DOWN(pa + len, PAGE_SIZE) >> PAGE_SHIFT;
	uint64_t flags = spin_lock_irqsave(&pool->lock);
	if (first < end && clip(pool, &first, &end))
		set_bits(pool, first, end - first, true);
	spin_unlock_irqrestore(&pool->lock, flags);
}

void page_pool_claim(struct page_pool *pool, paddr_t pa, uint64_t len)
{
	uint64_t first = pa >> PAGE_SHIFT;
	uint64_t end = ALIGN_UP(pa + len, PAGE_SIZE) >> PAGE_SHIFT;
	uint64_t flags = spin_lock_irqsave(&pool->lock);
	if (len && clip(pool, &first, &end))
		set_bits(pool, first, end - first, false);
	spin_unlock_irqrestore(&pool->lock, flags);
}

static bool run_free(const struct page_pool *p, uint64_t idx, uint64_t n)
{
	if (idx % 64 == 0 && n % 64 == 0) {
		for (uint64_t w = idx / 64; w < (idx + n) / 64; w++)
			if (p->bitmap[w] != ~0ULL)
				return false;
		return true;
	}
	for (uint64_t i = idx; i < idx + n; i++)
		if (!bit_free(p, i))
			return false;
	return true;
}

/* First free frame at or after word 'from'; nr_pfns if none. */
static uint64_t scan_single(const struct page_pool *p, uint64_t from)
{
	uint64_t words = ALIGN_UP(p->nr_pfns, 64) / 64;
	for (uint64_t w = from; w < words; w++)
		if (p->bitmap[w])
			return w * 64 + (uint64_t)__builtin_ctzll(p->bitmap[w]);
	return p->nr_pfns;
}

static uint64_t find_run(struct page_pool *p, unsigned order)
{
	uint64_t n = 1ULL << order;
	if (order == 0) {
		uint64_t i = scan_single(p, p->hint);
		if (i >= p->nr_pfns)
			i = scan_single(p, 0);
		return i;
	}
	/* Align on the absolute frame number, so the physical run is aligned. */
	uint64_t idx = ALIGN_UP(p->base_pfn, n) - p->base_pfn;
	for (; idx + n <= p->nr_pfns; idx += n) {
		if (n < 64 && !p->bitmap[idx / 64]) {
			idx = ALIGN_UP(idx + 1, 64) - n; /* skip a full word in use */
			continue;
		}
		if (run_free(p, idx, n))
			return idx;
	}
	return p->nr_pfns;
}

paddr_t page_pool_alloc(struct page_pool *pool, unsigned order)
{
	if (order > 30)
		return 0;
	uint64_t flags = spin_lock_irqsave(&pool->lock);
	uint64_t idx = find_run(pool, order);
	paddr_t pa = 0;
	if (idx < pool->nr_pfns) {
		set_bits(pool, idx, 1ULL << order, false);
		pool->hint = idx / 64;
		pa = (pool->base_pfn + idx) << PAGE_SHIFT;
	}
	spin_unlock_irqrestore(&pool->lock, flags);
	return pa;
}

int page_pool_free(struct page_pool *pool, paddr_t pa, unsigned order)
{
	uint64_t n = 1ULL << order, pfn = pa >> PAGE_SHIFT;
	if (order > 30 || pa % PAGE_SIZE || pfn < pool->base_pfn ||
	    pfn - pool->base_pfn + n > pool->nr_pfns)
		return -1;
	uint64_t idx = pfn - pool->base_pfn;
	uint64_t flags = spin_lock_irqsave(&pool->lock);
	int rc = 0;
	for (uint64_t i = idx; i < idx + n && !rc; i++)
		rc = bit_free(pool, i) ? -1 : 0;
	if (!rc)
		set_bits(pool, idx, n, true);
	spin_unlock_irqrestore(&pool->lock, flags);
	return rc;
}
