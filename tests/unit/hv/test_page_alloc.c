/* hv/common/page_alloc.c: alignment, exhaustion, double frees, and a
 * random workload checked against a shadow model of which frames are out. */
#include <stdlib.h>
#include <string.h>
#include "check.h"
#include "page_alloc.h"

#define BASE_PFN 0x100 /* the pool starts at 1 MiB */
#define NR_PFNS 4096

static uint64_t bitmap[NR_PFNS / 64];
static unsigned char shadow[NR_PFNS]; /* 1 = allocated by the test */

static struct page_pool fresh_pool(void)
{
	struct page_pool p;
	page_pool_init(&p, BASE_PFN, NR_PFNS, bitmap);
	page_pool_release(&p, (uint64_t)BASE_PFN << 12, (uint64_t)NR_PFNS << 12);
	return p;
}

static void basics(void)
{
	struct page_pool p;
	page_pool_init(&p, BASE_PFN, NR_PFNS, bitmap);
	CHECK(p.free_pages == 0 && page_pool_alloc(&p, 0) == 0, "page_alloc: a new pool hands out nothing");
	page_pool_release(&p, 0x100800, 0x3000); /* partial first and last pages */
	CHECK(p.free_pages == 2, "page_alloc: release frees only whole pages (%lu)", p.free_pages);
	p = fresh_pool();
	page_pool_claim(&p, 0x100fff, 2); /* touches two pages */
	CHECK(p.free_pages == NR_PFNS - 2, "page_alloc: claim takes every page it touches");
	paddr_t a = page_pool_alloc(&p, 4);
	CHECK(a && a % (16 * 4096) == 0, "page_alloc: order-4 run is 64 KiB aligned (%#lx)", a);
	paddr_t big = page_pool_alloc(&p, 9);
	CHECK(big && big % (512 * 4096) == 0, "page_alloc: order-9 run is 2 MiB aligned (%#lx)", big);
	CHECK(page_pool_free(&p, a, 4) == 0 && page_pool_free(&p, a, 4) == -1,
	      "page_alloc: a second free of the same run is refused");
	CHECK(page_pool_free(&p, 0x1000, 0) == -1 && page_pool_free(&p, a + 1, 0) == -1,
	      "page_alloc: frees outside the pool or unaligned are refused");
	CHECK(page_pool_alloc(&p, 13) == 0, "page_alloc: a run larger than the pool fails cleanly");
}

static void exhaustion(void)
{
	struct page_pool p = fresh_pool();
	unsigned got = 0, dup = 0;
	memset(shadow, 0, sizeof(shadow));
	for (paddr_t pa; (pa = page_pool_alloc(&p, 0)); got++) {
		uint64_t i = (pa >> 12) - BASE_PFN;
		dup += shadow[i]++;
	}
	CHECK(got == NR_PFNS && dup == 0 && p.free_pages == 0,
	      "page_alloc: all %u pages handed out exactly once, then none", got);
}

static void random_workload(void)
{
	struct page_pool p = fresh_pool();
	struct { paddr_t pa; unsigned order; } live[512];
	unsigned nlive = 0, errors = 0;
	memset(shadow, 0, sizeof(shadow));
	srand(1);
	for (int step = 0; step < 20000; step++) {
		if (nlive < 512 && (rand() % 3 || !nlive)) {
			unsigned order = (unsigned)(rand() % 5);
			paddr_t pa = page_pool_alloc(&p, order);
			if (!pa)
				continue;
			uint64_t first = (pa >> 12) - BASE_PFN;
			for (uint64_t i = first; i < first + (1u << order); i++)
				errors += shadow[i]++ != 0;
			errors += pa % ((paddr_t)4096 << order) != 0;
			live[nlive].pa = pa;
			live[nlive++].order = order;
		} else {
			unsigned k = (unsigned)rand() % nlive;
			uint64_t first = (live[k].pa >> 12) - BASE_PFN;
			for (uint64_t i = first; i < first + (1u << live[k].order); i++)
				shadow[i] = 0;
			errors += page_pool_free(&p, live[k].pa, live[k].order) != 0;
			live[k] = live[--nlive];
		}
	}
	uint64_t out = 0;
	for (unsigned i = 0; i < NR_PFNS; i++)
		out += shadow[i];
	CHECK(errors == 0 && p.free_pages == NR_PFNS - out,
	      "page_alloc: 20000 random allocs/frees never overlap or misalign; free count exact");
}

int main(void)
{
	basics();
	exhaustion();
	random_workload();
	return check_exit();
}
