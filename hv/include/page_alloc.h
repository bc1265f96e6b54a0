/*
 * Physical page allocator: one bit per 4 KiB frame (set = free) over the
 * span of RAM, with naturally aligned power-of-two runs.  Pure logic over
 * a caller-supplied bitmap; the hv keeps one pool for all of RAM.
 */
#ifndef BASTION_PAGE_ALLOC_H
#define BASTION_PAGE_ALLOC_H

#include "lib.h"
#include "spinlock.h"

struct page_pool {
	uint64_t base_pfn, nr_pfns;
	uint64_t *bitmap;
	uint64_t free_pages;
	uint64_t hint; /* word index where the last order-0 search succeeded */
	spinlock_t lock;
};

static inline uint64_t page_pool_bitmap_bytes(uint64_t nr_pfns)
{
	return ALIGN_UP(nr_pfns, 64) / 8;
}

/* Starts with every frame in use. */
void page_pool_init(struct page_pool *pool, uint64_t base_pfn, uint64_t nr_pfns, uint64_t *bitmap);
/* Frees the frames wholly inside [pa, pa + len). */
void page_pool_release(struct page_pool *pool, paddr_t pa, uint64_t len);
/* Marks every frame touching [pa, pa + len) in use. */
void page_pool_claim(struct page_pool *pool, paddr_t pa, uint64_t len);
/* 2^order contiguous frames aligned to their size; 0 when none are left. */
paddr_t page_pool_alloc(struct page_pool *pool, unsigned order);
/* Returns -1 (and changes nothing) if any frame is outside or already free. */
int page_pool_free(struct page_pool *pool, paddr_t pa, unsigned order);

/* The hv's pool over all of RAM (set up by setup.c). */
extern struct page_pool hv_page_pool;
extern uint64_t hv_total_pages; /* usable RAM, the hv's own included */
paddr_t alloc_pages(unsigned order);
void *alloc_zeroed_page(void);
void free_pages(paddr_t pa, unsigned order);

/* Pages given to domains carry a reference count: the owner's reference
 * from page_ref_init, one more per mapping in another domain.  The last
 * put gives the frame back to the allocator; page_ref_get fails on a
 * frame that no domain owns (the hv's own pages, free frames). */
void page_ref_init(paddr_t pa, unsigned order);
bool page_ref_get(paddr_t pa);
void page_ref_put(paddr_t pa, unsigned order);
/* How many references hold the frame at pa now (0: not a domain's). */
uint32_t page_ref_count(paddr_t pa);

#endif
