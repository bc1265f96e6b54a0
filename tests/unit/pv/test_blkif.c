/*
 * Host tests of the blkif request engine (dm/pv/blkif.c): a fake frontend
 * in this process (fake_frontend.c) writes requests into a ring, grants
 * are pages of a memfd, and the disk is a raw image in the temp dir whose
 * expected content is shadowed in memory.
 */
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "blkif_pgrant.h"
#include "fake_frontend.h"
#include "grant_budget.h"
#include "pv_check.h"

#define DISK_SECTORS 16384u /* 8 MiB */
#define DISK_BYTES ((uint64_t)DISK_SECTORS * BLKIF_SECTOR_SIZE)
#define PORT 5

struct tctx {
	struct fake_fe fe;
	struct blk *blk;
	struct blk_aio *aio;
	char path[512];
	uint8_t *shadow; /* what the disk must hold */
	uint32_t next_page;
	uint64_t next_id;
};

static uint64_t rng_state = 0x9e3779b97f4a7c15ull;

static uint64_t rnd(void)
{
	rng_state ^= rng_state << 13;
	rng_state ^= rng_state >> 7;
	rng_state ^= rng_state << 17;
	return rng_state;
}

static void fill_random(uint8_t *p, size_t len)
{
	for (size_t i = 0; i < len; i++)
		p[i] = (uint8_t)rnd();
}

struct disk_opts {
	unsigned ring_pages;
	uint32_t start_index;
	bool read_only, can_discard;
	unsigned persistent; /* persistent grants kept (0: the frontend did not ask) */
	bool abi32;          /* the frontend is a 32-bit guest (x86_32-abi) */
	struct grant_budget *budget; /* the guest's, shared by its rings (NULL: none) */
};

static bool start(struct tctx *t, const char *tmpdir, const char *name,
		  const struct disk_opts *o)
{
	struct blk_create_opts copts = { .format = "raw", .size = DISK_BYTES };
	struct blk_error err;
	struct blkif_disk disk;

	memset(t, 0, sizeof(*t));
	snprintf(t->path, sizeof(t->path), "%s/%s.img", tmpdir, name);
	unlink(t->path);
	t->shadow = calloc(1, DISK_BYTES);
	if (fake_fe_init(&t->fe, o->ring_pages, o->start_index) < 0 || !t->shadow ||
	    blk_create(t->path, &copts, &err) < 0 ||
	    blk_open(&t->blk, t->path, "raw", o->read_only ? BLK_OPEN_RDONLY : 0, &err) < 0)
		return false;
	t->aio = t->fe.aio = blk_aio_new(4);
	t->fe.abi = o->abi32 ? BLKIF_ABI_X86_32 : BLKIF_ABI_NATIVE;
	t->fe.host.budget = o->budget;
	disk = (struct blkif_disk){ .blk = t->blk, .sectors = DISK_SECTORS,
				    .read_only = o->read_only, .can_discard = o->can_discard };
	t->fe.engine = blkif_engine_new(&t->fe.host, t->aio, &disk, t->fe.sring,
					o->ring_pages, t->fe.abi, PORT);
	t->next_id = 0x1000;
	if (t->fe.engine && o->persistent &&
	    blkif_engine_use_persistent(t->fe.engine, o->persistent) < 0)
		return false;
	return t->aio && t->fe.engine;
}

static void stop(struct tctx *t, const char *what)
{
	blkif_engine_free(t->fe.engine);
	CHECK(t->fe.maps_live == 0, "%s: every grant mapping released (%u made)",
	      what, t->fe.maps_total);
	blk_close(t->blk);
	blk_aio_free(t->aio);
	fake_fe_fini(&t->fe);
	free(t->shadow);
	unlink(t->path);
}

/* The next data page of the guest (pages 64.. rotate; 0..63 are spare). */
static uint32_t take_page(struct tctx *t)
{
	uint32_t page = 64 + t->next_page++ % (FAKE_GUEST_PAGES - 64);

	return FAKE_REF_BASE + page;
}

/* Random segments covering exactly want sectors, at most max of them. */
static unsigned random_segments(struct tctx *t, struct blkif_segment *segs,
				unsigned max, unsigned *sectors)
{
	unsigned n = 1 + (unsigned)(rnd() % max), total = 0;

	for (unsigned i = 0; i < n; i++) {
		uint8_t first = (uint8_t)(rnd() % 8);
		uint8_t last = (uint8_t)(first + rnd() % (8 - first));
		segs[i] = (struct blkif_segment){ take_page(t), first, last };
		total += last - first + 1u;
	}
	*sectors = total;
	return n;
}

/* Copies between the guest segments and a flat buffer. */
static void seg_copy(struct tctx *t, const struct blkif_segment *segs, unsigned n,
		     uint8_t *flat, bool to_guest)
{
	for (unsigned i = 0; i < n; i++) {
		uint8_t *p = fake_page(&t->fe, segs[i].gref) + segs[i].first_sect * 512u;
		size_t len = (segs[i].last_sect - segs[i].first_sect + 1u) * 512u;
		if (to_guest)
			memcpy(p, flat, len);
		else
			memcpy(flat, p, len);
		flat += len;
	}
}

static union blkif_ring_entry rw_req(uint8_t op, uint64_t id, uint64_t sector,
				     const struct blkif_segment *segs, unsigned n)
{
	union blkif_ring_entry r;

	memset(&r, 0, sizeof(r));
	r.rw = (struct blkif_request_rw){ .operation = op, .nr_segments = (uint8_t)n,
					  .handle = 51712, .id = id, .sector_number = sector };
	if (n)
		memcpy(r.rw.seg, segs, (n > 11 ? 11 : n) * sizeof(*segs));
	return r;
}

/* Pushes, kicks, waits for one response and returns its status (or 99). */
static int run_one(struct tctx *t, const union blkif_ring_entry *req, uint8_t *op)
{
	struct blkif_response rsp;

	fake_push(&t->fe, req);
	blkif_engine_kick(t->fe.engine);
	if (!fake_wait(&t->fe, 1) || !fake_pop(&t->fe, &rsp) || rsp.id != req->rw.id)
		return 99;
	if (op)
		*op = rsp.operation;
	return rsp.status;
}

static bool file_matches_shadow(struct tctx *t)
{
	uint8_t *buf = malloc(DISK_BYTES);
	int fd = open(t->path, O_RDONLY);
	bool same = buf && fd >= 0 && pread(fd, buf, DISK_BYTES, 0) == (ssize_t)DISK_BYTES &&
		    memcmp(buf, t->shadow, DISK_BYTES) == 0;

	if (fd >= 0)
		close(fd);
	free(buf);
	return same;
}

/* ---- batches of random reads and writes ---------------------------------- */

struct pending {
	uint64_t id, sector;
	unsigned nseg, count;
	struct blkif_segment segs[BLKIF_MAX_INDIRECT_SEGMENTS];
};

static union blkif_ring_entry indirect_req(struct tctx *t, uint8_t op, uint64_t id,
					   uint64_t sector,
					   const struct blkif_segment *segs, unsigned n)
{
	union blkif_ring_entry r;
	unsigned per_page = BLKIF_SEGMENTS_PER_INDIRECT_PAGE;

	memset(&r, 0, sizeof(r));
	r.indirect = (struct blkif_request_indirect){
		.operation = BLKIF_OP_INDIRECT, .indirect_op = op,
		.nr_segments = (uint16_t)n, .id = id, .sector_number = sector };
	for (unsigned p = 0; p * per_page < n; p++) {
		unsigned here = n - p * per_page < per_page ? n - p * per_page : per_page;
		r.indirect.indirect_grefs[p] = take_page(t);
		memcpy(fake_page(&t->fe, r.indirect.indirect_grefs[p]),
		       segs + p * per_page, here * sizeof(*segs));
	}
	return r;
}

static void prepare(struct tctx *t, struct pending *p, bool write, bool indirect,
		    uint64_t base, uint64_t span)
{
	uint8_t *flat;

	p->nseg = random_segments(t, p->segs, indirect ? BLKIF_MAX_INDIRECT_SEGMENTS : 11,
				  &p->count);
	p->sector = base + rnd() % (span - p->count + 1);
	p->id = t->next_id++;
	flat = t->shadow + p->sector * 512;
	if (write) {
		fill_random(flat, p->count * 512u);
		seg_copy(t, p->segs, p->nseg, flat, true);
	} else {
		for (unsigned i = 0; i < p->nseg; i++)
			memset(fake_page(&t->fe, p->segs[i].gref), 0xa5, 4096);
	}
}

/* One batch of n requests; returns how many went wrong. */
static unsigned batch(struct tctx *t, bool write, bool indirect, unsigned n)
{
	static struct pending p[64];
	uint8_t op = write ? BLKIF_OP_WRITE : BLKIF_OP_READ;
	uint64_t region = DISK_SECTORS / n;
	struct blkif_response rsp;
	unsigned bad = 0;
	uint8_t *flat = malloc(BLKIF_MAX_INDIRECT_SEGMENTS * 4096);

	for (unsigned i = 0; i < n; i++) {
		union blkif_ring_entry r;
		prepare(t, &p[i], write, indirect, write ? region * i : 0,
			write ? region : DISK_SECTORS);
		r = indirect ? indirect_req(t, op, p[i].id, p[i].sector, p[i].segs, p[i].nseg)
			     : rw_req(op, p[i].id, p[i].sector, p[i].segs, p[i].nseg);
		fake_push(&t->fe, &r);
	}
	blkif_engine_kick(t->fe.engine);
	if (!fake_wait(&t->fe, n))
		return n;
	for (unsigned i = 0; i < n && fake_pop(&t->fe, &rsp); i++) {
		struct pending *q = &p[rsp.id - p[0].id < n ? rsp.id - p[0].id : 0];
		if (rsp.status != BLKIF_RSP_OKAY || rsp.operation != op || q->id != rsp.id) {
			bad++;
			continue;
		}
		if (!write) {
			seg_copy(t, q->segs, q->nseg, flat, false);
			bad += memcmp(flat, t->shadow + q->sector * 512, q->count * 512u) != 0;
		}
	}
	free(flat);
	return bad;
}

static void test_rounds(const char *tmpdir, const char *what, const struct disk_opts *o,
			bool indirect, unsigned per_batch, unsigned rounds)
{
	struct tctx t;
	unsigned bad = 0;

	if (!CHECK(start(&t, tmpdir, "rounds", o), "%s: set up", what))
		return;
	for (unsigned r = 0; r < rounds; r++) {
		bad += batch(&t, true, indirect, per_batch);
		bad += batch(&t, false, indirect, per_batch);
	}
	CHECK(bad == 0, "%s: %u requests answered OKAY, reads byte-exact (%u bad)",
	      what, rounds * per_batch * 2, bad);
	CHECK(file_matches_shadow(&t), "%s: the image file holds exactly what was written", what);
	CHECK(t.fe.sring->req_event == t.fe.sring->req_prod + 1,
	      "%s: idle engine re-armed req_event at req_prod + 1", what);
	stop(&t, what);
}

static void test_ring_sizes(void)
{
	for (int abi = BLKIF_ABI_NATIVE; abi <= BLKIF_ABI_X86_32; abi++)
		CHECK(blkif_ring_entries(1, abi) == 32 && blkif_ring_entries(2, abi) == 64 &&
		      blkif_ring_entries(4, abi) == 128 && blkif_ring_entries(16, abi) == 512,
		      "ring entries for 1, 2, 4, 16 pages are 32, 64, 128, 512 (io/ring.h, %s)",
		      abi == BLKIF_ABI_X86_32 ? "x86_32-abi's 108-byte entries" : "native");
}

static void test_wrap(const char *tmpdir)
{
	struct disk_opts o = { .ring_pages = 1, .start_index = 0xffffff00u };
	struct tctx t;
	unsigned bad = 0;

	if (!CHECK(start(&t, tmpdir, "wrap", &o), "wrap: set up"))
		return;
	for (unsigned r = 0; r < 100; r++)
		bad += batch(&t, r % 2 == 0, false, 32);
	CHECK(bad == 0 && t.fe.sring->rsp_prod == 0xffffff00u + 3200,
	      "wrap: 100 full-ring rounds across the 2^32 index wrap, all OKAY (%u bad)", bad);
	CHECK(file_matches_shadow(&t), "wrap: the image file holds exactly what was written");
	stop(&t, "wrap");
}

/* ---- single operations ------------------------------------------------------ */

/* Writes count sectors of fresh random data at sector (direct, full pages). */
static int write_sectors(struct tctx *t, uint64_t sector, unsigned count, uint8_t op)
{
	struct blkif_segment segs[11];
	unsigned n = (count + 7) / 8;

	for (unsigned i = 0; i < n; i++) {
		unsigned here = count - i * 8 < 8 ? count - i * 8 : 8;
		segs[i] = (struct blkif_segment){ take_page(t), 0, (uint8_t)(here - 1) };
	}
	fill_random(t->shadow + sector * 512, count * 512u);
	seg_copy(t, segs, n, t->shadow + sector * 512, true);
	union blkif_ring_entry r = rw_req(op, t->next_id++, sector, segs, n);
	return run_one(t, &r, NULL);
}

static void test_flush(const char *tmpdir)
{
	struct disk_opts o = { .ring_pages = 1 };
	union blkif_ring_entry r = rw_req(BLKIF_OP_FLUSH_DISKCACHE, 77, 0, NULL, 0);
	struct tctx t;
	uint8_t op = 0;

	if (!CHECK(start(&t, tmpdir, "flush", &o), "flush: set up"))
		return;
	CHECK(run_one(&t, &r, &op) == BLKIF_RSP_OKAY && op == BLKIF_OP_FLUSH_DISKCACHE,
	      "flush: an empty FLUSH_DISKCACHE answers OKAY with its operation");
	CHECK(write_sectors(&t, 100, 20, BLKIF_OP_FLUSH_DISKCACHE) == BLKIF_RSP_OKAY &&
	      file_matches_shadow(&t),
	      "flush: FLUSH_DISKCACHE carrying segments writes them (flush, then FUA write)");
	stop(&t, "flush");
}

/* Every 512-byte block of the range is zero or as it was. */
static bool zero_or_kept(const uint8_t *now, const uint8_t *before, size_t len)
{
	static const uint8_t zero[512];

	for (size_t at = 0; at < len; at += 512)
		if (memcmp(now + at, zero, 512) && memcmp(now + at, before + at, 512))
			return false;
	return true;
}

static union blkif_ring_entry discard_req(uint64_t id, uint64_t sector, uint64_t nr,
					  uint8_t flag)
{
	union blkif_ring_entry r;

	memset(&r, 0, sizeof(r));
	r.discard = (struct blkif_request_discard){ .operation = BLKIF_OP_DISCARD,
		.flag = flag, .id = id, .sector_number = sector, .nr_sectors = nr };
	return r;
}

static void test_discard(const char *tmpdir)
{
	struct disk_opts o = { .ring_pages = 1, .can_discard = true };
	union blkif_ring_entry r;
	struct tctx t;
	uint8_t *now = malloc(64 * 512), op = 0;
	int fd;

	if (!CHECK(start(&t, tmpdir, "discard", &o), "discard: set up"))
		return;
	write_sectors(&t, 0, 64, BLKIF_OP_WRITE);
	r = discard_req(1, 8, 40, 0);
	CHECK(run_one(&t, &r, &op) == BLKIF_RSP_OKAY && op == BLKIF_OP_DISCARD,
	      "discard: DISCARD of sectors 8..47 answers OKAY");
	fd = open(t.path, O_RDONLY);
	CHECK(fd >= 0 && pread(fd, now, 64 * 512, 0) == 64 * 512 &&
	      !memcmp(now, t.shadow, 8 * 512) && !memcmp(now + 48 * 512, t.shadow + 48 * 512, 16 * 512) &&
	      zero_or_kept(now + 8 * 512, t.shadow + 8 * 512, 40 * 512),
	      "discard: the range reads zero or unchanged, its neighbours untouched");
	close(fd);
	r = discard_req(2, 8, 8, BLKIF_DISCARD_SECURE);
	CHECK(run_one(&t, &r, NULL) == BLKIF_RSP_EOPNOTSUPP,
	      "discard: a secure discard (not offered) answers EOPNOTSUPP");
	r = discard_req(3, DISK_SECTORS - 4, 8, 0);
	CHECK(run_one(&t, &r, NULL) == BLKIF_RSP_ERROR, "discard: past the disk's end is an ERROR");
	r = discard_req(4, 8, UINT64_MAX - 2, 0);
	CHECK(run_one(&t, &r, NULL) == BLKIF_RSP_ERROR, "discard: a wrapping sector count is an ERROR");
	free(now);
	stop(&t, "discard");
	o.can_discard = false;
	if (!start(&t, tmpdir, "discard", &o))
		return;
	r = discard_req(5, 8, 8, 0);
	CHECK(run_one(&t, &r, NULL) == BLKIF_RSP_EOPNOTSUPP,
	      "discard: on an image without discard answers EOPNOTSUPP");
	stop(&t, "discard (unsupported)");
}

/* A 32-bit frontend's ring (x86_32-abi): ids using all 64 bits come back
 * whole, and discard, flush and an unknown operation are read from the
 * packed layout. */
static void test_abi32_ops(const char *tmpdir)
{
	struct disk_opts o = { .ring_pages = 1, .can_discard = true, .abi32 = true };
	union blkif_ring_entry r;
	struct tctx t;
	uint8_t op = 0, op2 = 0, op3 = 0;

	if (!CHECK(start(&t, tmpdir, "abi32", &o), "x86_32-abi ops: set up"))
		return;
	t.next_id = 0x8877665544332211ull;
	int w = write_sectors(&t, 0, 64, BLKIF_OP_WRITE);
	r = discard_req(0xfedcba9876543210ull, 8, 40, 0);
	int d = run_one(&t, &r, &op);
	r = rw_req(BLKIF_OP_FLUSH_DISKCACHE, 0x0123456789abcdefull, 0, NULL, 0);
	int f = run_one(&t, &r, &op2);
	r = rw_req(0x77, 0x100000001ull, 0, NULL, 0);
	int u = run_one(&t, &r, &op3);
	CHECK(w == BLKIF_RSP_OKAY && d == BLKIF_RSP_OKAY && op == BLKIF_OP_DISCARD &&
	      f == BLKIF_RSP_OKAY && op2 == BLKIF_OP_FLUSH_DISKCACHE && u == BLKIF_RSP_EOPNOTSUPP &&
	      op3 == 0x77,
	      "x86_32-abi: write, discard, flush and an unknown operation answered with their "
	      "64-bit ids and operations (%d %d %d %d)", w, d, f, u);
	r = discard_req(9, DISK_SECTORS - 4, 8, 0);
	CHECK(run_one(&t, &r, NULL) == BLKIF_RSP_ERROR,
	      "x86_32-abi: a discard past the disk's end is an ERROR (its sector read packed)");
	stop(&t, "x86_32-abi ops");
}

static void test_read_only(const char *tmpdir)
{
	struct disk_opts o = { .ring_pages = 1, .read_only = true, .can_discard = true };
	struct blkif_segment seg = { FAKE_REF_BASE + 3, 0, 7 };
	union blkif_ring_entry r;
	struct tctx t;

	if (!CHECK(start(&t, tmpdir, "ro", &o), "read-only: set up"))
		return;
	memset(fake_page(&t.fe, seg.gref), 0x5a, 4096);
	r = rw_req(BLKIF_OP_WRITE, 1, 0, &seg, 1);
	CHECK(run_one(&t, &r, NULL) == BLKIF_RSP_ERROR, "read-only: WRITE answers ERROR");
	r = rw_req(BLKIF_OP_FLUSH_DISKCACHE, 2, 0, &seg, 1);
	CHECK(run_one(&t, &r, NULL) == BLKIF_RSP_ERROR,
	      "read-only: FLUSH_DISKCACHE carrying data answers ERROR");
	r = indirect_req(&t, BLKIF_OP_WRITE, 3, 0, &seg, 1);
	CHECK(run_one(&t, &r, NULL) == BLKIF_RSP_ERROR, "read-only: an indirect WRITE answers ERROR");
	r = discard_req(4, 0, 8, 0);
	CHECK(run_one(&t, &r, NULL) == BLKIF_RSP_ERROR, "read-only: DISCARD answers ERROR");
	r = rw_req(BLKIF_OP_READ, 5, 0, &seg, 1);
	CHECK(run_one(&t, &r, NULL) == BLKIF_RSP_OKAY &&
	      fake_page(&t.fe, seg.gref)[100] == 0, "read-only: READ works and returns the disk's data");
	r = rw_req(BLKIF_OP_FLUSH_DISKCACHE, 6, 0, NULL, 0);
	CHECK(run_one(&t, &r, NULL) == BLKIF_RSP_OKAY, "read-only: an empty flush answers OKAY");
	CHECK(file_matches_shadow(&t), "read-only: the image is unchanged");
	stop(&t, "read-only");
}

/* ---- malformed requests ------------------------------------------------------- */

struct bad_case {
	const char *what;
	union blkif_ring_entry req;
	int status;
	uint8_t rsp_op;
};

static struct bad_case rw_case(struct tctx *t, const char *what, uint8_t op, unsigned nr,
			       uint64_t sector, uint8_t first, uint8_t last, uint32_t ref)
{
	struct blkif_segment segs[11];

	for (unsigned i = 0; i < 11; i++)
		segs[i] = (struct blkif_segment){ take_page(t), 0, 7 };
	segs[nr > 1 ? 1 : 0] = (struct blkif_segment){ ref ? ref : take_page(t), first, last };
	return (struct bad_case){ what, rw_req(op, t->next_id++, sector, segs, nr),
				  BLKIF_RSP_ERROR, op };
}

static struct bad_case op_case(struct tctx *t, const char *what, uint8_t op)
{
	struct blkif_segment seg = { take_page(t), 0, 7 };

	return (struct bad_case){ what, rw_req(op, t->next_id++, 0, &seg, 1),
				  BLKIF_RSP_EOPNOTSUPP, op };
}

static struct bad_case indirect_case(struct tctx *t, const char *what, uint8_t op,
				     unsigned nr, uint64_t sector, uint8_t last, uint32_t ref)
{
	static struct blkif_segment segs[300];
	struct bad_case c;

	for (unsigned i = 0; i < 300; i++)
		segs[i] = (struct blkif_segment){ take_page(t), 0, i == 2 ? last : 7 };
	c = (struct bad_case){ what, indirect_req(t, op, t->next_id++, sector, segs, nr < 300 ? nr : 300),
			       BLKIF_RSP_ERROR, op };
	c.req.indirect.nr_segments = (uint16_t)nr;
	if (ref)
		c.req.indirect.indirect_grefs[0] = ref;
	return c;
}

static unsigned make_bad_cases(struct tctx *t, struct bad_case *c)
{
	unsigned n = 0, end = DISK_SECTORS;

	t->fe.bad_ref = FAKE_REF_BASE + 7;
	c[n++] = rw_case(t, "READ with no segments", BLKIF_OP_READ, 0, 0, 0, 7, 0);
	c[n++] = rw_case(t, "WRITE with 12 segments", BLKIF_OP_WRITE, 12, 0, 0, 7, 0);
	c[n++] = rw_case(t, "first_sect > last_sect", BLKIF_OP_WRITE, 3, 0, 5, 4, 0);
	c[n++] = rw_case(t, "last_sect 8", BLKIF_OP_READ, 2, 0, 0, 8, 0);
	c[n++] = rw_case(t, "sectors past the end", BLKIF_OP_WRITE, 1, end - 4, 0, 7, 0);
	c[n++] = rw_case(t, "sector number near 2^64", BLKIF_OP_READ, 1, UINT64_MAX - 3, 0, 7, 0);
	c[n++] = rw_case(t, "sector 2^55 (its byte offset overflows 64 bits)", BLKIF_OP_WRITE, 1,
			 1ull << 55, 0, 7, 0);
	c[n++] = rw_case(t, "a grant ref the guest does not own", BLKIF_OP_WRITE, 3, 0, 0, 7, 5);
	c[n++] = rw_case(t, "a grant the map refuses", BLKIF_OP_READ, 3, 0, 0, 7, t->fe.bad_ref);
	c[n++] = op_case(t, "reserved operation 4", BLKIF_OP_RESERVED_1);
	c[n++] = op_case(t, "write barrier (not offered)", BLKIF_OP_WRITE_BARRIER);
	c[n++] = op_case(t, "operation 200", 200);
	c[n++] = op_case(t, "operation 255", 255);
	c[n++] = indirect_case(t, "indirect carrying a flush", BLKIF_OP_FLUSH_DISKCACHE, 4, 0, 7, 0);
	c[n++] = indirect_case(t, "indirect with no segments", BLKIF_OP_READ, 0, 0, 7, 0);
	c[n++] = indirect_case(t, "indirect with 257 segments", BLKIF_OP_WRITE, 257, 0, 7, 0);
	c[n++] = indirect_case(t, "indirect with 65535 segments", BLKIF_OP_READ, 65535, 0, 7, 0);
	c[n++] = indirect_case(t, "indirect page not mappable", BLKIF_OP_READ, 4, 0, 7, 5);
	c[n++] = indirect_case(t, "indirect segment with last_sect 9", BLKIF_OP_WRITE, 4, 0, 9, 0);
	c[n++] = indirect_case(t, "indirect past the end", BLKIF_OP_READ, 10, end - 16, 7, 0);
	return n;
}

static void test_malformed(const char *tmpdir)
{
	struct disk_opts o = { .ring_pages = 2, .can_discard = true };
	static struct bad_case c[32];
	struct blkif_response rsp;
	struct tctx t;
	unsigned n, good_ok = 0, seen = 0;
	uint64_t good_first;

	if (!CHECK(start(&t, tmpdir, "bad", &o), "malformed: set up"))
		return;
	n = make_bad_cases(&t, c);
	good_first = t.next_id;
	for (unsigned i = 0; i < n; i++) {
		/* a good write beside each bad request, to disjoint sectors */
		struct blkif_segment seg = { take_page(&t), 0, 7 };
		fill_random(t.shadow + (uint64_t)i * 4096, 4096);
		seg_copy(&t, &seg, 1, t.shadow + (uint64_t)i * 4096, true);
		union blkif_ring_entry good = rw_req(BLKIF_OP_WRITE, t.next_id++, i * 8u, &seg, 1);
		fake_push(&t.fe, &good);
		fake_push(&t.fe, &c[i].req);
	}
	blkif_engine_kick(t.fe.engine);
	fake_wait(&t.fe, 2 * n);
	while (fake_pop(&t.fe, &rsp)) {
		seen++;
		if (rsp.id >= good_first) {
			good_ok += rsp.status == BLKIF_RSP_OKAY;
			continue;
		}
		for (unsigned i = 0; i < n; i++)
			if (c[i].req.rw.id == rsp.id)
				CHECK(rsp.status == c[i].status && rsp.operation == c[i].rsp_op,
				      "malformed: %s answers %s (op %u)", c[i].what,
				      c[i].status == BLKIF_RSP_ERROR ? "ERROR" : "EOPNOTSUPP",
				      c[i].rsp_op);
	}
	CHECK(seen == 2 * n && good_ok == n,
	      "malformed: the %u good writes between them all answered OKAY", n);
	CHECK(file_matches_shadow(&t), "malformed: the image holds exactly the good writes");
	CHECK(!blkif_engine_broken(t.fe.engine) && batch(&t, false, false, 8) == 0,
	      "malformed: the ring keeps serving afterwards");
	t.fe.bad_ref = 0;
	stop(&t, "malformed");
}

/* ---- the ring's rules -------------------------------------------------------- */

static unsigned notifies_after(struct tctx *t, unsigned requests)
{
	unsigned before = t->fe.notifies;

	CHECK(batch(t, false, false, requests) == 0, "notify: %u reads answered", requests);
	return t->fe.notifies - before;
}

static void test_notify(const char *tmpdir)
{
	struct disk_opts o = { .ring_pages = 1 };
	struct tctx t;

	if (!CHECK(start(&t, tmpdir, "notify", &o), "notify: set up"))
		return;
	CHECK(notifies_after(&t, 1) == 1, "notify: rsp_event = rsp_prod + 1 gives one kick");
	CHECK(notifies_after(&t, 1) == 0,
	      "notify: no kick while the frontend left rsp_event behind");
	t.fe.sring->rsp_event = t.fe.sring->rsp_prod + 3;
	CHECK(notifies_after(&t, 3) == 1,
	      "notify: rsp_event 3 ahead and 3 responses give exactly one kick");
	t.fe.sring->rsp_event = t.fe.sring->rsp_prod + 1000;
	CHECK(notifies_after(&t, 4) == 0, "notify: rsp_event far ahead gives no kick");
	stop(&t, "notify");
}

static void test_broken_index(const char *tmpdir)
{
	struct disk_opts o = { .ring_pages = 1 };
	struct tctx t;
	uint32_t rsp_prod;

	if (!CHECK(start(&t, tmpdir, "broken", &o), "broken: set up"))
		return;
	batch(&t, false, false, 2);
	rsp_prod = t.fe.sring->rsp_prod;
	t.fe.sring->req_prod += 33; /* more than a ring ahead */
	blkif_engine_kick(t.fe.engine);
	CHECK(blkif_engine_broken(t.fe.engine) && t.fe.sring->rsp_prod == rsp_prod,
	      "broken: a producer index more than a ring ahead stops the ring, nothing answered");
	stop(&t, "broken");
}

/* Pushes n writes of one page each to disjoint sectors, unkicked. */
static void push_writes(struct tctx *t, unsigned n)
{
	struct pending p;

	for (unsigned i = 0; i < n; i++) {
		prepare(t, &p, true, false, i * 512u, 512);
		union blkif_ring_entry r = rw_req(BLKIF_OP_WRITE, p.id, p.sector, p.segs, p.nseg);
		fake_push(&t->fe, &r);
	}
}

static void test_backwards_index(const char *tmpdir)
{
	struct disk_opts o = { .ring_pages = 1 };
	struct timespec t0, t1;
	struct tctx t;

	if (!CHECK(start(&t, tmpdir, "backwards", &o), "backwards: set up"))
		return;
	push_writes(&t, 10);
	blkif_engine_kick(t.fe.engine); /* 10 in flight: nobody completes them yet */
	t.fe.sring->req_prod -= 15;     /* 5 behind what the engine took */
	clock_gettime(CLOCK_MONOTONIC, &t0);
	blkif_engine_kick(t.fe.engine);
	clock_gettime(CLOCK_MONOTONIC, &t1);
	CHECK(blkif_engine_broken(t.fe.engine) && blkif_engine_in_flight(t.fe.engine) == 10 &&
	      t1.tv_sec - t0.tv_sec < 2,
	      "backwards: a producer index behind the consumer stops the ring at once");
	t.fe.sring->req_prod += 15;
	fake_wait(&t.fe, 10);
	CHECK(t.fe.sring->rsp_prod == 10,
	      "backwards: the 10 requests in flight are still answered");
	stop(&t, "backwards");
}

/* A frontend that pushes one more unmappable READ each time the engine
 * maps a grant, as a guest on another CPU could, up to flood_left. */
static unsigned flood_left;

static void flood_one(struct fake_fe *fe)
{
	struct blkif_segment seg = { fe->bad_ref, 0, 7 };

	if (!flood_left)
		return;
	flood_left--;
	union blkif_ring_entry r = rw_req(BLKIF_OP_READ, 0xf100d, 0, &seg, 1);
	fake_push(fe, &r);
}

static void test_kick_budget(const char *tmpdir)
{
	struct disk_opts o = { .ring_pages = 1 };
	struct tctx t;
	unsigned kicks = 0, most = 0;

	if (!CHECK(start(&t, tmpdir, "budget", &o), "budget: set up"))
		return;
	t.fe.bad_ref = FAKE_REF_BASE + 7;
	flood_left = 100; /* the first one pushed here */
	t.fe.on_map = flood_one;
	flood_one(&t.fe);
	do {
		uint32_t before = t.fe.sring->rsp_prod, laters = t.fe.laters;
		blkif_engine_kick(t.fe.engine);
		kicks++;
		if (t.fe.sring->rsp_prod - before > most)
			most = t.fe.sring->rsp_prod - before;
		if (t.fe.laters == laters)
			break; /* the engine went idle */
	} while (kicks < 20);
	CHECK(!blkif_engine_broken(t.fe.engine) && t.fe.sring->rsp_prod == 100 &&
	      most == fake_ring_entries(&t.fe) && kicks == 4,
	      "budget: a frontend producing while we take gets a ring's worth per kick, the "
	      "rest on later kicks (%u kicks, at most %u each)", kicks, most);
	t.fe.on_map = NULL;
	t.fe.bad_ref = 0;
	stop(&t, "budget");
}

static void test_in_flight_cap(const char *tmpdir)
{
	struct disk_opts o = { .ring_pages = 2 };
	struct blkif_segment segs[12];
	struct blkif_response rsp;
	unsigned ok = 0;
	struct tctx t;

	if (!CHECK(start(&t, tmpdir, "cap", &o), "cap: set up"))
		return;
	for (unsigned i = 0; i < 64; i++) { /* 13 guest pages each, none shared */
		for (unsigned s = 0; s < 12; s++)
			segs[s] = (struct blkif_segment){ take_page(&t), 0, 7 };
		union blkif_ring_entry r = indirect_req(&t, BLKIF_OP_READ, t.next_id++,
							i * 96u, segs, 12);
		fake_push(&t.fe, &r);
	}
	blkif_engine_kick(t.fe.engine);
	CHECK(blkif_engine_in_flight(t.fe.engine) == BLKIF_MAX_IN_FLIGHT &&
	      t.fe.maps_live == BLKIF_MAX_IN_FLIGHT,
	      "cap: of 64 indirect requests, %u are started and mapped (%u in flight)",
	      BLKIF_MAX_IN_FLIGHT, blkif_engine_in_flight(t.fe.engine));
	fake_wait(&t.fe, 64);
	while (fake_pop(&t.fe, &rsp))
		ok += rsp.status == BLKIF_RSP_OKAY;
	CHECK(ok == 64 && t.fe.maps_peak <= BLKIF_MAX_IN_FLIGHT + 1,
	      "cap: completions resume taking; all 64 answered OKAY, at most %u mappings "
	      "at once (%u)", BLKIF_MAX_IN_FLIGHT + 1, t.fe.maps_peak);
	stop(&t, "cap");
}

static void test_free_in_flight(const char *tmpdir)
{
	struct disk_opts o = { .ring_pages = 1 };
	struct tctx t;

	if (!CHECK(start(&t, tmpdir, "inflight", &o), "in flight: set up"))
		return;
	push_writes(&t, 24);
	blkif_engine_kick(t.fe.engine);
	blkif_engine_free(t.fe.engine);
	t.fe.engine = NULL;
	CHECK(t.fe.sring->rsp_prod == 24 && file_matches_shadow(&t),
	      "in flight: freeing the engine waits for its 24 writes and answers them");
	stop(&t, "in flight");
}

/* ---- persistent grants ------------------------------------------------------ */

static void test_persistent_rounds(const char *tmpdir, const char *what, unsigned max,
				  bool indirect)
{
	struct disk_opts o = { .ring_pages = 1, .persistent = max };
	const struct blkif_stats *st;
	unsigned bad = 0;
	struct tctx t;

	if (!CHECK(start(&t, tmpdir, "pgrant", &o), "%s: set up", what))
		return;
	/* Indirect requests take up to 257 pages each: 2 at once stay within
	 * the guest pages take_page rotates over. */
	for (unsigned r = 0; r < 20; r++) {
		bad += batch(&t, true, indirect, indirect ? 2 : 8);
		bad += batch(&t, false, indirect, indirect ? 2 : 8);
	}
	st = blkif_engine_stats(t.fe.engine);
	CHECK(bad == 0 && file_matches_shadow(&t),
	      "%s: %u requests OKAY, reads byte-exact, the image holds what was written",
	      what, indirect ? 80 : 320);
	if (max >= FAKE_GUEST_PAGES)
		CHECK(st->map_calls == 0 && blkif_engine_persistent_grants(t.fe.engine) > 0 &&
		      t.fe.maps_live < t.fe.maps_total + 1,
		      "%s: no per-request map once cached (%u grants kept, from %u host maps)", what,
		      blkif_engine_persistent_grants(t.fe.engine), t.fe.maps_total);
	else
		CHECK(st->map_calls > 0 && blkif_engine_persistent_grants(t.fe.engine) <= max,
		      "%s: a full cache (%u) maps the rest per request (%llu)", what,
		      blkif_engine_persistent_grants(t.fe.engine),
		      (unsigned long long)st->map_calls);
	stop(&t, what);
}

/* A hostile frontend against the cache: a page granted read-only, a ref
 * revoked while cached, a read-only disk. */
static void test_persistent_hostile(const char *tmpdir)
{
	struct disk_opts o = { .ring_pages = 1, .persistent = 64 };
	struct blkif_segment seg = { FAKE_REF_BASE + 5, 0, 7 };
	union blkif_ring_entry r;
	struct tctx t;

	if (!CHECK(start(&t, tmpdir, "pgrant-hostile", &o), "persistent hostile: set up"))
		return;
	t.fe.ro_ref = seg.gref;
	memset(fake_page(&t.fe, seg.gref), 0x6b, 4096);
	memset(t.shadow, 0x6b, 4096);
	r = rw_req(BLKIF_OP_WRITE, 1, 0, &seg, 1);
	CHECK(run_one(&t, &r, NULL) == BLKIF_RSP_OKAY && file_matches_shadow(&t) &&
	      blkif_engine_persistent_grants(t.fe.engine) == 0,
	      "persistent hostile: a WRITE from a read-only grant works, mapped per request");
	r = rw_req(BLKIF_OP_READ, 2, 0, &seg, 1);
	CHECK(run_one(&t, &r, NULL) == BLKIF_RSP_ERROR,
	      "persistent hostile: a READ into a read-only grant answers ERROR");
	t.fe.ro_ref = 0;
	seg.gref = FAKE_REF_BASE + 6;
	r = rw_req(BLKIF_OP_READ, 3, 0, &seg, 1);
	CHECK(run_one(&t, &r, NULL) == BLKIF_RSP_OKAY &&
	      blkif_engine_persistent_grants(t.fe.engine) == 1,
	      "persistent hostile: a READ caches its grant");
	t.fe.bad_ref = seg.gref; /* revoked: it would no longer map */
	memset(fake_page(&t.fe, seg.gref), 0, 4096);
	r = rw_req(BLKIF_OP_READ, 4, 0, &seg, 1);
	CHECK(run_one(&t, &r, NULL) == BLKIF_RSP_OKAY && fake_page(&t.fe, seg.gref)[9] == 0x6b &&
	      fake_page(&t.fe, FAKE_REF_BASE + 7)[9] == 0,
	      "persistent hostile: a revoked cached ref still reaches only its own page");
	t.fe.bad_ref = 0;
	stop(&t, "persistent hostile");
	o.read_only = true;
	if (!CHECK(start(&t, tmpdir, "pgrant-ro", &o), "persistent read-only: set up"))
		return;
	memset(fake_page(&t.fe, seg.gref), 0x5a, 4096);
	r = rw_req(BLKIF_OP_WRITE, 1, 0, &seg, 1);
	CHECK(run_one(&t, &r, NULL) == BLKIF_RSP_ERROR && file_matches_shadow(&t),
	      "persistent read-only: WRITE answers ERROR, the image is unchanged");
	stop(&t, "persistent read-only");
}

/* ---- one guest's rings sharing a grant budget ------------------------------ */

#define BUDGET_NSEG 48u /* pages per request in these tests */
#define BUDGET_SLOTS (DISK_SECTORS / (BUDGET_NSEG * 8u))

/* n indirect writes of BUDGET_NSEG whole pages each, in the disk's slots
 * first, first+1, ... (wrapping): requests less than BUDGET_SLOTS apart
 * never overlap. */
static void push_indirect_writes(struct tctx *t, unsigned n, unsigned first)
{
	struct blkif_segment segs[BUDGET_NSEG];

	for (unsigned i = 0; i < n; i++) {
		uint64_t sector = (uint64_t)((first + i) % BUDGET_SLOTS) * BUDGET_NSEG * 8u;
		for (unsigned s = 0; s < BUDGET_NSEG; s++) {
			segs[s] = (struct blkif_segment){ take_page(t), 0, 7 };
			fill_random(fake_page(&t->fe, segs[s].gref), 4096);
			memcpy(t->shadow + (sector + s * 8u) * 512, fake_page(&t->fe, segs[s].gref),
			       4096);
		}
		union blkif_ring_entry r = indirect_req(t, BLKIF_OP_WRITE, t->next_id++, sector,
							segs, BUDGET_NSEG);
		fake_push(&t->fe, &r);
	}
}

/* One turn of bastion-dm's loop over both rings: completions, then a kick
 * for a ring that asked for one (host->later). */
static void serve_turn(struct tctx *t, unsigned *seen)
{
	for (unsigned i = 0; i < 2; i++)
		blk_aio_complete(t[i].aio);
	for (unsigned i = 0; i < 2; i++) {
		if (t[i].fe.laters != seen[i]) {
			seen[i] = t[i].fe.laters;
			blkif_engine_kick(t[i].fe.engine);
		}
	}
	usleep(1000);
}

static uint32_t answered(const struct tctx *t)
{
	return __atomic_load_n(&t->fe.sring->rsp_prod, __ATOMIC_ACQUIRE);
}

/* Two rings of one guest, a budget of their two reserves and 514 shared
 * pages; set up, or false. */
static bool budget_pair(struct tctx *t, const char *tmpdir, struct grant_budget *gb,
			unsigned persistent, const char *what)
{
	struct disk_opts o = { .ring_pages = 1, .persistent = persistent, .budget = gb };

	grant_budget_init(gb, 2 * GRANT_BUDGET_REQUEST_PAGES + 514);
	return CHECK(start(&t[0], tmpdir, "gb0", &o) && start(&t[1], tmpdir, "gb1", &o),
		     "%s: set up", what);
}

static void budget_pair_stop(struct tctx *t, struct grant_budget *gb, const char *what)
{
	CHECK(gb->peak <= gb->limit && gb->persistent <= gb->limit / 2,
	      "%s: at most %u of %u pages mapped at once, %u by the caches", what, gb->peak,
	      gb->limit, gb->persistent);
	stop(&t[0], what);
	stop(&t[1], what);
	CHECK(gb->used == 0 && gb->reserved == 0 && gb->rings == 0 && gb->waiters == NULL,
	      "%s: freeing both rings returns every page to the budget", what);
}

/* 8 writes of 48 pages on each ring: the first takes its reserve and what
 * the shared part holds, the second its reserve and then waits, woken by
 * the first's releases.  With persistent grants the caches keep to their
 * half, the rest mapped per request. */
static void test_shared_budget(const char *tmpdir, unsigned persistent)
{
	const char *what = persistent ? "shared budget, persistent" : "shared budget";
	struct grant_budget gb;
	unsigned seen[2] = { 0, 0 };
	struct tctx t[2];

	if (!budget_pair(t, tmpdir, &gb, persistent, what))
		return;
	for (unsigned i = 0; i < 2; i++) {
		push_indirect_writes(&t[i], 8, 0);
		blkif_engine_kick(t[i].fe.engine);
	}
	unsigned first = blkif_engine_in_flight(t[0].fe.engine);
	CHECK(first > 1 && first < 8 && blkif_engine_in_flight(t[1].fe.engine) == 1 &&
	      gb.waits > 0,
	      "%s: the first ring takes %u requests, the second its reserve's one and waits",
	      what, first);
	for (unsigned round = 0; round < 10000 && answered(&t[0]) + answered(&t[1]) < 16; round++)
		serve_turn(t, seen);
	CHECK(answered(&t[0]) == 8 && answered(&t[1]) == 8 && file_matches_shadow(&t[0]) &&
	      file_matches_shadow(&t[1]),
	      "%s: all 16 answered (%u, %u; the second woken %u times), both images hold"
	      " what was written", what, answered(&t[0]), answered(&t[1]), t[1].fe.laters);
	budget_pair_stop(t, &gb, what);
}

/* Requests whose grants the caches hold already map nothing: they leave
 * the reserve free, so a ring takes them all at once even when the
 * shared part is spent. */
static void test_budget_cached(const char *tmpdir)
{
	const char *what = "shared budget, cached grants";
	struct grant_budget gb;
	unsigned seen[2] = { 0, 0 };
	struct tctx t[2];

	if (!budget_pair(t, tmpdir, &gb, BLKIF_MAX_PERSISTENT_GRANTS, what))
		return;
	push_indirect_writes(&t[0], 4, 0);
	blkif_engine_kick(t[0].fe.engine);
	for (unsigned round = 0; round < 10000 && answered(&t[0]) < 4; round++)
		serve_turn(t, seen);
	unsigned cached = gb.persistent;
	grant_budget_take(&gb, 300, false); /* the shared part spent elsewhere */
	t[0].next_page = 0; /* the same refs again */
	push_indirect_writes(&t[0], 4, 4);
	blkif_engine_kick(t[0].fe.engine);
	unsigned at_once = blkif_engine_in_flight(t[0].fe.engine);
	CHECK(cached == 4 * (BUDGET_NSEG + 1) && at_once == 4 && gb.reserved == 0,
	      "%s: 4 requests the caches serve (%u pages cached) are taken at once (%u)"
	      " with the shared part spent, the reserve untouched", what, cached, at_once);
	for (unsigned round = 0; round < 10000 && answered(&t[0]) < 8; round++)
		serve_turn(t, seen);
	grant_budget_put(&gb, 300, GRANT_BUDGET_SHARED);
	CHECK(answered(&t[0]) == 8 && file_matches_shadow(&t[0]),
	      "%s: all 8 answered, the image holds what was written", what);
	budget_pair_stop(t, &gb, what);
}

/* The first ring is kept full (16 requests waiting, more than the budget
 * lets run, so each completion of its own takes the pages it freed at
 * once; 300 in all) while the second has 4: the second's reserve carries
 * them through. */
static void test_budget_starvation(const char *tmpdir)
{
	const char *what = "shared budget, a busy neighbour";
	struct grant_budget gb;
	unsigned seen[2] = { 0, 0 }, pushed = 16;
	struct tctx t[2];

	if (!budget_pair(t, tmpdir, &gb, 0, what))
		return;
	push_indirect_writes(&t[0], 16, 0);
	push_indirect_writes(&t[1], 4, 0);
	blkif_engine_kick(t[0].fe.engine);
	blkif_engine_kick(t[1].fe.engine);
	for (unsigned round = 0; round < 10000 && answered(&t[1]) < 4; round++) {
		serve_turn(t, seen);
		unsigned more = 0;
		while (pushed + more - answered(&t[0]) < 16 && pushed + more < 300)
			more++;
		push_indirect_writes(&t[0], more, pushed);
		pushed += more;
		if (more)
			blkif_engine_kick(t[0].fe.engine);
	}
	uint32_t busy_done = answered(&t[0]);
	CHECK(answered(&t[1]) == 4 && busy_done < pushed,
	      "%s: all 4 of the second ring answered while the first still had %u waiting"
	      " (%u answered)", what, pushed - busy_done, busy_done);
	for (unsigned round = 0; round < 10000 && answered(&t[0]) < pushed; round++)
		serve_turn(t, seen);
	CHECK(answered(&t[0]) == pushed && file_matches_shadow(&t[0]) &&
	      file_matches_shadow(&t[1]),
	      "%s: the first's %u answered too; both images hold what was written", what,
	      pushed);
	budget_pair_stop(t, &gb, what);
}

void test_blkif(const char *tmpdir)
{
	struct disk_opts one = { .ring_pages = 1 }, four = { .ring_pages = 4 };
	struct disk_opts one32 = { .ring_pages = 1, .abi32 = true }, four32 = { .ring_pages = 4, .abi32 = true };

	test_ring_sizes();
	test_rounds(tmpdir, "direct 1-page ring", &one, false, 8, 60);
	test_rounds(tmpdir, "direct 4-page ring", &four, false, 16, 40);
	test_rounds(tmpdir, "indirect", &one, true, 2, 30);
	test_rounds(tmpdir, "x86_32-abi: direct 1-page ring", &one32, false, 8, 30);
	test_rounds(tmpdir, "x86_32-abi: direct 4-page ring", &four32, false, 16, 20);
	test_rounds(tmpdir, "x86_32-abi: indirect", &one32, true, 2, 20);
	test_abi32_ops(tmpdir);
	test_wrap(tmpdir);
	test_flush(tmpdir);
	test_discard(tmpdir);
	test_read_only(tmpdir);
	test_malformed(tmpdir);
	test_notify(tmpdir);
	test_broken_index(tmpdir);
	test_backwards_index(tmpdir);
	test_in_flight_cap(tmpdir);
	test_kick_budget(tmpdir);
	test_free_in_flight(tmpdir);
	test_persistent_rounds(tmpdir, "persistent direct", BLKIF_MAX_PERSISTENT_GRANTS, false);
	test_persistent_rounds(tmpdir, "persistent indirect", BLKIF_MAX_PERSISTENT_GRANTS, true);
	test_persistent_rounds(tmpdir, "persistent, cache of 16", 16, true);
	test_persistent_hostile(tmpdir);
	test_shared_budget(tmpdir, 0);
	test_shared_budget(tmpdir, BLKIF_MAX_PERSISTENT_GRANTS);
	test_budget_starvation(tmpdir);
	test_budget_cached(tmpdir);
}
