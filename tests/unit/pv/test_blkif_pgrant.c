/*
 * Host tests of the persistent-grant cache (dm/pv/blkif_pgrant.c) on its
 * own, over the fake frontend's grants: a ref is mapped once and then
 * hit, duplicates in one request map once, a full cache refuses new refs
 * without touching what it holds, a batch with a bad or read-only ref
 * caches nothing, and freeing the cache releases every mapping.
 */
#include <errno.h>
#include <string.h>

#include "blkif_pgrant.h"
#include "fake_frontend.h"
#include "pv_check.h"

#define REF(n) (FAKE_REF_BASE + (n))

static void test_hit_and_duplicates(struct fake_fe *fe)
{
	struct blkif_pgrants *pg = blkif_pgrants_new(&fe->host, 8);
	uint32_t refs[] = { REF(1), REF(2), REF(1), REF(3) };
	uint8_t *first[4], *again[4];

	if (!CHECK(pg, "pgrant: cache of 8 created"))
		return;
	CHECK(blkif_pgrants_get(pg, refs, 4, first) == 0 && blkif_pgrants_map_calls(pg) == 1 &&
	      blkif_pgrants_count(pg) == 3 && fe->maps_live == 1,
	      "pgrant miss: 4 segments, 3 distinct refs mapped in one call (%u calls, %u cached)",
	      blkif_pgrants_map_calls(pg), blkif_pgrants_count(pg));
	CHECK(first[0] == first[2] && first[0] != first[1],
	      "pgrant: a ref twice in one request gets one page");
	memset(fake_page(fe, REF(2)), 0x3c, 4096);
	CHECK(first[1][17] == 0x3c, "pgrant: the cached page is the guest's page");
	CHECK(blkif_pgrants_get(pg, refs, 4, again) == 0 && blkif_pgrants_map_calls(pg) == 1 &&
	      memcmp(first, again, sizeof(first)) == 0,
	      "pgrant hit: the same refs again map nothing and give the same pages");
	first[3][5] = 0x77; /* cached read-write: a read fills the guest's page */
	CHECK(fake_page(fe, REF(3))[5] == 0x77, "pgrant: cached pages are writable");
	blkif_pgrants_free(pg);
	CHECK(fe->maps_live == 0, "pgrant release: freeing the cache unmaps everything");
}

static void test_full(struct fake_fe *fe)
{
	struct blkif_pgrants *pg = blkif_pgrants_new(&fe->host, 4);
	uint32_t three[] = { REF(10), REF(11), REF(12) }, two[] = { REF(13), REF(14) };
	uint32_t mixed[] = { REF(13), REF(10) };
	uint8_t *page[3];

	if (!CHECK(pg, "pgrant full: cache of 4 created"))
		return;
	blkif_pgrants_get(pg, three, 3, page);
	CHECK(blkif_pgrants_get(pg, two, 2, page) == -ENOSPC && blkif_pgrants_count(pg) == 3 &&
	      blkif_pgrants_map_calls(pg) == 1,
	      "pgrant full: 2 new refs with room for 1 answer ENOSPC, nothing mapped");
	CHECK(blkif_pgrants_get(pg, mixed, 2, page) == 0 && blkif_pgrants_count(pg) == 4,
	      "pgrant full: 1 new ref with 1 cached fills the last place");
	CHECK(blkif_pgrants_get(pg, three, 3, page) == 0 && blkif_pgrants_map_calls(pg) == 2,
	      "pgrant full: cached refs still hit when full");
	CHECK(blkif_pgrants_new(&fe->host, 0) == NULL &&
	      blkif_pgrants_new(&fe->host, BLKIF_MAX_PERSISTENT_GRANTS + 1) == NULL,
	      "pgrant: a bound of 0 or above %u is refused", BLKIF_MAX_PERSISTENT_GRANTS);
	blkif_pgrants_free(pg);
	CHECK(fe->maps_live == 0, "pgrant full: freeing the cache unmaps everything");
}

static void test_bad_refs(struct fake_fe *fe)
{
	struct blkif_pgrants *pg = blkif_pgrants_new(&fe->host, 16);
	uint32_t with_bad[] = { REF(20), REF(21) }, with_ro[] = { REF(22), REF(23) };
	uint32_t good[] = { REF(20), REF(23) };
	uint8_t *page[2];

	if (!CHECK(pg, "pgrant bad refs: cache created"))
		return;
	fe->bad_ref = REF(21);
	CHECK(blkif_pgrants_get(pg, with_bad, 2, page) == -EFAULT && blkif_pgrants_count(pg) == 0,
	      "pgrant: a batch with an unmappable ref fails whole, nothing cached");
	fe->bad_ref = 0;
	fe->ro_ref = REF(22);
	CHECK(blkif_pgrants_get(pg, with_ro, 2, page) == -EFAULT && blkif_pgrants_count(pg) == 0,
	      "pgrant: a ref granted read-only is not cached (cached grants are read-write)");
	fe->ro_ref = 0;
	CHECK(blkif_pgrants_get(pg, good, 2, page) == 0 && blkif_pgrants_count(pg) == 2 &&
	      fe->maps_live == 1, "pgrant: good refs map after failed batches, none leaked");
	/* The frontend revokes a cached ref: the mapping stays, the same page. */
	fe->bad_ref = REF(20);
	CHECK(blkif_pgrants_get(pg, good, 2, page) == 0 && page[0][0] == fake_page(fe, REF(20))[0],
	      "pgrant: a ref revoked while cached keeps its mapping of the same guest page");
	fe->bad_ref = 0;
	blkif_pgrants_free(pg);
	CHECK(fe->maps_live == 0, "pgrant bad refs: freeing the cache unmaps everything");
}

void test_blkif_pgrant(void)
{
	struct fake_fe fe;

	if (!CHECK(fake_fe_init(&fe, 1, 0) == 0, "pgrant: fake frontend"))
		return;
	test_hit_and_duplicates(&fe);
	test_full(&fe);
	test_bad_refs(&fe);
	fake_fe_fini(&fe);
}
