/*
 * Host unit tests of dm/block: every format against an in-memory model
 * (random writes, reads, discards, reopen, check), the asynchronous layer
 * driven from a real glib main loop, refcount-table growth, read-only
 * opening, qcow2 writes from several threads (test_qcow2_race.c).  Also the two halves of the crash test, run by crash.sh:
 *   test_block crash-workload IMAGE LOG [PASSES]  writes until killed
 *   test_block crash-verify RAWCOPY LOG   checks every flushed write
 * and, for the conformance suite, random writes whose expected result is
 * saved as a raw file for qemu-img compare:
 *   test_block scribble IMAGE MODEL.raw ROUNDS
 * Usage: test_block TMPDIR | crash-workload ... | crash-verify ... | scribble ...
 */
#include <errno.h>
#include <fcntl.h>
#include <glib.h>
#include <glib-unix.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "block.h"

static int failures;
static char tmpdir[512];

void test_aio_uring(const char *dir, int *failures); /* test_aio_uring.c */
void test_qcow2_race(const char *dir, int *failures); /* test_qcow2_race.c */

#define CHECK(cond, ...)                                                   \
	do {                                                               \
		if (cond) {                                                \
			printf("PASS: ");                                  \
		} else {                                                   \
			printf("FAIL: ");                                  \
			failures++;                                        \
		}                                                          \
		printf(__VA_ARGS__);                                       \
		printf("\n");                                              \
		fflush(stdout);                                            \
	} while (0)

static uint64_t rng = 88172645463325252ull;
static uint64_t rnd(void)
{
	rng ^= rng << 13;
	rng ^= rng >> 7;
	rng ^= rng << 17;
	return rng;
}

static void fill(uint8_t *p, size_t n, uint64_t seed)
{
	uint64_t s = seed | 1;
	for (size_t i = 0; i < n; i++) {
		s ^= s << 13;
		s ^= s >> 7;
		s ^= s << 17;
		p[i] = (uint8_t)s;
	}
}

static char *tpath(const char *name)
{
	static char buf[4][600];
	static int k;
	k = (k + 1) % 4;
	snprintf(buf[k], sizeof(buf[k]), "%s/%s", tmpdir, name);
	return buf[k];
}

/* Random writes and discards against a model; returns mismatches. */
static int exercise(struct blk *b, uint8_t *model, uint64_t size, int rounds,
		    bool discard_zeroes)
{
	uint8_t *buf = malloc(1 << 20);
	int bad = 0;

	for (int i = 0; i < rounds && !bad; i++) {
		uint64_t len = 1 + rnd() % (rnd() % 4 ? 9000 : 300000);
		uint64_t off = rnd() % (size - len);
		if (rnd() % 8 == 0 && discard_zeroes) {
			if (blk_discard(b, off, len) < 0)
				bad++;
			uint8_t *chk = malloc(len);
			/* discard may leave data or zero it: learn which per byte */
			if (blk_pread(b, off, chk, len) < 0)
				bad++;
			for (uint64_t j = 0; j < len; j++)
				if (chk[j] != model[off + j] && chk[j] != 0)
					bad++;
			memcpy(model + off, chk, len);
			free(chk);
			continue;
		}
		fill(buf, len, rnd());
		if (blk_pwrite(b, off, buf, len, rnd() % 16 ? 0 : BLK_WRITE_FUA) < 0)
			bad++;
		memcpy(model + off, buf, len);
		uint64_t roff = rnd() % (size - 65536), rlen = 1 + rnd() % 65536;
		if (blk_pread(b, roff, buf, rlen) < 0 || memcmp(buf, model + roff, rlen))
			bad++;
	}
	free(buf);
	return bad;
}

static int compare_all(struct blk *b, const uint8_t *model, uint64_t size)
{
	uint8_t *buf = malloc(size);
	int bad = !buf || blk_pread(b, 0, buf, size) < 0 || memcmp(buf, model, size);
	free(buf);
	return bad;
}

struct fmt_case {
	const char *name;
	const char *format;
	uint32_t cluster_size;
	int version;
	bool fixed;
	const char *backing_fmt; /* non-NULL: build a backing file first */
	uint64_t size;
	int rounds;
};

static const struct fmt_case cases[] = {
	{ "raw", "raw", 0, 0, false, NULL, 16 << 20, 300 },
	{ "qcow2 v3, 64 KiB clusters", "qcow2", 0, 3, false, NULL, 16 << 20, 300 },
	{ "qcow2 v2, 64 KiB clusters", "qcow2", 0, 2, false, NULL, 16 << 20, 300 },
	{ "qcow2 v3, 512-byte clusters (refcount table must grow)", "qcow2", 512, 3,
	  false, NULL, 16 << 20, 300 },
	{ "qcow2 v3 over a raw backing file", "qcow2", 0, 3, false, "raw", 16 << 20, 300 },
	{ "qcow2 v2, 4 KiB clusters, over a qcow2 backing file", "qcow2", 4096, 2,
	  false, "qcow2", 16 << 20, 300 },
	{ "vpc dynamic", "vpc", 0, 0, false, NULL, 16 << 20, 300 },
	{ "vpc fixed", "vpc", 0, 0, true, NULL, 16 << 20, 300 },
};

/* Backing file with random contents in its first half; returns its data. */
static uint8_t *make_backing(const char *fmt, uint64_t size)
{
	struct blk_create_opts o = { .format = fmt, .size = size };
	struct blk_error err;
	struct blk *b;
	uint8_t *data = calloc(1, size);

	if (!data || blk_create(tpath("base.img"), &o, &err) < 0 ||
	    blk_open(&b, tpath("base.img"), fmt, 0, &err) < 0) {
		free(data);
		return NULL;
	}
	fill(data, size / 2, 77);
	int rc = blk_pwrite(b, 0, data, size / 2, 0);
	blk_close(b);
	if (rc < 0) {
		free(data);
		return NULL;
	}
	return data;
}

static void run_case(const struct fmt_case *c)
{
	struct blk_create_opts o = { .format = c->format, .size = c->size,
				     .cluster_size = c->cluster_size,
				     .qcow2_version = c->version, .vhd_fixed = c->fixed };
	struct blk_error err = { { 0 } };
	struct blk *b = NULL;
	uint8_t *model = c->backing_fmt ? make_backing(c->backing_fmt, c->size) :
			 calloc(1, c->size);
	if (c->backing_fmt) {
		o.backing = "base.img";
		o.backing_fmt = c->backing_fmt;
	}
	if (!model || blk_create(tpath("t.img"), &o, &err) < 0 ||
	    blk_open(&b, tpath("t.img"), c->format, 0, &err) < 0) {
		CHECK(0, "%s: create and open - %s", c->name, err.msg);
		free(model);
		return;
	}
	uint64_t size = blk_size(b);
	if (size > c->size) { /* VHD rounds up to a geometry */
		model = realloc(model, size);
		memset(model + c->size, 0, size - c->size);
	}
	int bad = exercise(b, model, size, c->rounds, true);
	CHECK(bad == 0, "%s: %d random writes/discards read back as the model", c->name,
	      c->rounds);
	CHECK(blk_flush(b) == 0 && compare_all(b, model, size) == 0,
	      "%s: whole image equals the model after flush", c->name);
	blk_close(b);
	b = NULL;
	if (blk_open(&b, tpath("t.img"), NULL, BLK_OPEN_RDONLY, &err) < 0) {
		CHECK(0, "%s: reopen read-only - %s", c->name, err.msg);
		free(model);
		return;
	}
	CHECK(!strcmp(blk_format(b), c->format), "%s: format probed as %s", c->name,
	      blk_format(b));
	CHECK(compare_all(b, model, size) == 0, "%s: contents survive close and reopen",
	      c->name);
	struct blk_check_result r;
	int rc = blk_check(b, &r);
	CHECK(rc == 0 && r.corruptions == 0 && r.leaks == 0,
	      "%s: check finds no corruption or leak (%llu/%llu: %s)", c->name,
	      (unsigned long long)r.corruptions, (unsigned long long)r.leaks,
	      r.first_problem);
	blk_close(b);
	free(model);
}

static void test_read_only(void)
{
	struct blk_create_opts o = { .format = "qcow2", .size = 1 << 20 };
	struct blk_error err;
	struct blk *b;
	struct stat before, after;
	uint8_t buf[512] = { 1 };

	if (blk_create(tpath("ro.qcow2"), &o, &err) < 0 ||
	    stat(tpath("ro.qcow2"), &before) < 0 ||
	    blk_open(&b, tpath("ro.qcow2"), NULL, BLK_OPEN_RDONLY, &err) < 0) {
		CHECK(0, "read-only open - %s", err.msg);
		return;
	}
	int w = blk_pwrite(b, 0, buf, sizeof(buf), 0);
	int d = blk_discard(b, 0, 65536);
	blk_close(b);
	stat(tpath("ro.qcow2"), &after);
	CHECK(w == -EROFS && d == -EROFS && before.st_size == after.st_size &&
	      before.st_mtim.tv_nsec == after.st_mtim.tv_nsec,
	      "read-only open refuses writes and discards and leaves the file untouched");
}

/* blk_preadv/blk_pwritev on one format: scattered buffers of uneven
 * sizes land where one flat buffer would, both ways; bad counts, ranges
 * past the end and read-only images are refused. */
/* blk_preadv over runs of every kind (data, holes) reads what blk_pread
 * reads, at offsets straddling cluster edges. */
static bool preadv_matches_pread(struct blk *b, const struct iovec *iov, int iovcnt)
{
	static const uint64_t offs[] = { 0, 60 * 1024, 65536 - 512, 65536 + 4096, 200 * 1024 };
	uint8_t flat[10240], *at;
	bool same = true;

	for (size_t k = 0; k < sizeof(offs) / sizeof(offs[0]); k++) {
		for (int i = 0; i < iovcnt; i++)
			memset(iov[i].iov_base, 0xee, iov[i].iov_len);
		if (blk_preadv(b, offs[k], iov, iovcnt) < 0 || blk_pread(b, offs[k], flat, sizeof(flat)) < 0)
			return false;
		at = flat;
		for (int i = 0; i < iovcnt; i++) {
			same = same && memcmp(iov[i].iov_base, at, iov[i].iov_len) == 0;
			at += iov[i].iov_len;
		}
	}
	return same;
}

static void test_vectored_on(const char *fmt, uint32_t cluster_size)
{
	static const size_t lens[] = { 512, 4096, 1536, 3584, 512 }; /* 10240 in all */
	struct blk_create_opts o = { .format = fmt, .size = 1 << 20, .cluster_size = cluster_size };
	uint8_t parts[5][4096], flat[10240], back[10240];
	struct iovec iov[5];
	struct blk_error err;
	char name[64];
	struct blk *b;
	uint8_t *at = flat;
	bool same_write = true, same_read;
	int past, none, ro;

	snprintf(name, sizeof(name), "vec%u.%s", (unsigned)cluster_size, fmt);
	if (blk_create(tpath(name), &o, &err) < 0 || blk_open(&b, tpath(name), fmt, 0, &err) < 0) {
		CHECK(0, "%s vectored: create/open - %s", fmt, err.msg);
		return;
	}
	fill(flat, sizeof(flat), 77);
	for (int i = 0; i < 5; i++) {
		memcpy(parts[i], at, lens[i]);
		iov[i] = (struct iovec){ parts[i], lens[i] };
		at += lens[i];
	}
	same_write = blk_pwritev(b, 65536 + 1024, iov, 5, BLK_WRITE_FUA) == 0 &&
		     blk_pread(b, 65536 + 1024, back, sizeof(back)) == 0 &&
		     memcmp(back, flat, sizeof(flat)) == 0;
	memset(parts, 0, sizeof(parts));
	same_read = blk_preadv(b, 65536 + 1024, iov, 5) == 0;
	at = flat;
	for (int i = 0; i < 5; i++) {
		same_read = same_read && memcmp(parts[i], at, lens[i]) == 0;
		at += lens[i];
	}
	same_read = same_read && preadv_matches_pread(b, iov, 5);
	past = blk_preadv(b, blk_size(b) - 4096, iov, 5); /* VHD rounds its size up */
	none = blk_preadv(b, 0, iov, 0);
	blk_close(b);
	ro = blk_open(&b, tpath(name), fmt, BLK_OPEN_RDONLY, &err) < 0 ? 0 :
	     blk_pwritev(b, 0, iov, 5, 0);
	if (ro != 0)
		blk_close(b);
	CHECK(same_write && same_read && past == -EINVAL && none == -EINVAL && ro == -EROFS,
	      "%s vectored (clusters %u): a 5-buffer write and read match a flat one, "
	      "also across holes and cluster edges; past the end, no buffers and a "
	      "read-only image are refused", fmt, (unsigned)cluster_size);
}

static void test_vectored(void)
{
	test_vectored_on("raw", 0);      /* preadv/pwritev */
	test_vectored_on("qcow2", 0);    /* preadv per run; writes bounced */
	test_vectored_on("qcow2", 4096); /* runs of many small clusters */
	test_vectored_on("vpc", 0);      /* bounced both ways */
}

struct loop_ctx {
	GMainLoop *loop;
	struct blk_aio *aio;
	GThread *main_thread;
	unsigned done, want, wrong_thread, errors;
};

static void loop_done(struct blk_request *r, int ret)
{
	struct loop_ctx *lc = r->opaque;

	if (g_thread_self() != lc->main_thread)
		lc->wrong_thread++;
	if (ret < 0)
		lc->errors++;
	if (++lc->done == lc->want)
		g_main_loop_quit(lc->loop);
}

static gboolean on_aio_fd(gint fd, GIOCondition cond, gpointer data)
{
	struct loop_ctx *lc = data;
	(void)fd;
	(void)cond;
	blk_aio_complete(lc->aio);
	return G_SOURCE_CONTINUE;
}

static void run_batch(struct loop_ctx *lc, struct blk_request *reqs, unsigned n)
{
	lc->done = 0;
	lc->want = n;
	for (unsigned i = 0; i < n; i++)
		blk_aio_submit(lc->aio, &reqs[i]);
	g_main_loop_run(lc->loop);
}

/* 64 writes, a flush, then 64 reads, all driven by a GMainLoop. */
static void test_aio_glib(void)
{
	enum { N = 64, LEN = 12288 };
	struct blk_create_opts o = { .format = "qcow2", .size = 8 << 20 };
	struct blk_error err;
	struct blk *b;
	static struct blk_request reqs[N];
	static uint8_t wbuf[N][LEN], rbuf[N][LEN];
	struct loop_ctx lc = { .main_thread = g_thread_self() };

	if (blk_create(tpath("aio.qcow2"), &o, &err) < 0 ||
	    blk_open(&b, tpath("aio.qcow2"), NULL, 0, &err) < 0) {
		CHECK(0, "aio: open - %s", err.msg);
		return;
	}
	lc.loop = g_main_loop_new(NULL, FALSE);
	lc.aio = blk_aio_new(4);
	guint src = g_unix_fd_add(blk_aio_fd(lc.aio), G_IO_IN, on_aio_fd, &lc);
	for (unsigned i = 0; i < N; i++) {
		fill(wbuf[i], LEN, i + 1);
		reqs[i] = (struct blk_request){ .op = BLK_OP_WRITE, .blk = b,
			.offset = (uint64_t)i * 100000, .buf = wbuf[i], .len = LEN,
			.done = loop_done, .opaque = &lc };
	}
	run_batch(&lc, reqs, N);
	reqs[0] = (struct blk_request){ .op = BLK_OP_FLUSH, .blk = b,
					.done = loop_done, .opaque = &lc };
	run_batch(&lc, reqs, 1);
	for (unsigned i = 0; i < N; i++)
		reqs[i] = (struct blk_request){ .op = BLK_OP_READ, .blk = b,
			.offset = (uint64_t)i * 100000, .buf = rbuf[i], .len = LEN,
			.done = loop_done, .opaque = &lc };
	run_batch(&lc, reqs, N);
	CHECK(lc.errors == 0 && lc.wrong_thread == 0 && !memcmp(wbuf, rbuf, sizeof(wbuf)),
	      "aio: 64 writes, a flush and 64 reads complete through a glib main loop,"
	      " callbacks in the loop's thread, data intact");
	g_source_remove(src);
	blk_aio_free(lc.aio);
	g_main_loop_unref(lc.loop);
	blk_close(b);
}

/* --- crash test halves -------------------------------------------------
 * Passes alternate: even passes write every 8 KiB block (random order),
 * odd passes discard every 64 KiB chunk.  A pass starts when the previous
 * one has completed.  The log records "S pass unit" before a request is
 * submitted and "F pass unit" once a flush submitted after its completion
 * has completed.  Block b written in pass p holds version(p, b). */
#define CRASH_BLOCK 8192u
#define CRASH_PER_CHUNK 8u
#define CRASH_DEPTH 8
#define CRASH_BACKLOG 1024 /* completions waiting for a flush, at most */

struct crash_op {
	uint32_t pass;
	uint64_t unit;
};

struct crash_ctx {
	struct blk *b;
	struct blk_aio *aio;
	FILE *log;
	uint32_t *order;
	uint64_t nblocks, units, next, inflight;
	uint32_t pass, passes;
	struct crash_op *completed, *covering;
	uint64_t ncompleted, ncovering;
	bool flushing;
	struct blk_request reqs[CRASH_DEPTH], flush, *idle[CRASH_DEPTH];
	unsigned nidle;
	uint8_t bufs[CRASH_DEPTH][CRASH_BLOCK];
};

static uint64_t crash_seed(uint32_t pass, uint64_t blk)
{
	return blk * 2654435761u + pass * 1000003ull + 1;
}

static void crash_maybe_flush(struct crash_ctx *cc);
static void crash_pump(struct crash_ctx *cc);

static void crash_flush_done(struct blk_request *r, int ret)
{
	struct crash_ctx *cc = r->opaque;
	if (ret < 0)
		exit(3);
	for (uint64_t i = 0; i < cc->ncovering; i++)
		fprintf(cc->log, "F %u %llu\n", cc->covering[i].pass,
			(unsigned long long)cc->covering[i].unit);
	fflush(cc->log);
	cc->ncovering = 0;
	cc->flushing = false;
	crash_maybe_flush(cc);
	crash_pump(cc);
}

/* Covers everything completed so far with one flush, 24 at a time. */
static void crash_maybe_flush(struct crash_ctx *cc)
{
	if (cc->flushing || cc->ncompleted < 24)
		return;
	memcpy(cc->covering, cc->completed, cc->ncompleted * sizeof(struct crash_op));
	cc->ncovering = cc->ncompleted;
	cc->ncompleted = 0;
	cc->flushing = true;
	cc->flush = (struct blk_request){ .op = BLK_OP_FLUSH, .blk = cc->b,
		.done = crash_flush_done, .opaque = cc };
	blk_aio_submit(cc->aio, &cc->flush);
}

static void crash_submit(struct crash_ctx *cc, struct blk_request *r)
{
	uint64_t unit = cc->order[cc->next++];
	bool discard = cc->pass % 2;
	fprintf(cc->log, "S %u %llu\n", cc->pass, (unsigned long long)unit);
	fflush(cc->log);
	r->blk = cc->b;
	r->opaque = cc;
	r->op = discard ? BLK_OP_DISCARD : BLK_OP_WRITE;
	r->len = discard ? CRASH_BLOCK * CRASH_PER_CHUNK : CRASH_BLOCK;
	r->offset = unit * r->len;
	r->flags = 0;
	if (!discard)
		fill(r->buf, CRASH_BLOCK, crash_seed(cc->pass, unit));
	cc->inflight++;
	blk_aio_submit(cc->aio, r);
}

static void crash_shuffle(struct crash_ctx *cc)
{
	cc->units = cc->pass % 2 ? cc->nblocks / CRASH_PER_CHUNK : cc->nblocks;
	for (uint64_t i = 0; i < cc->units; i++)
		cc->order[i] = (uint32_t)i;
	for (uint64_t i = cc->units - 1; i > 0; i--) {
		uint64_t j = rnd() % (i + 1);
		uint32_t t = cc->order[i];
		cc->order[i] = cc->order[j];
		cc->order[j] = t;
	}
	cc->next = 0;
}

/* Submits idle requests while the pass has work and the backlog of
 * unflushed completions is bounded; a pass starts once the previous one
 * has fully completed. */
static void crash_pump(struct crash_ctx *cc)
{
	for (;;) {
		if (cc->next >= cc->units) {
			if (cc->inflight || cc->pass + 1 >= cc->passes)
				return;
			cc->pass++;
			crash_shuffle(cc);
		}
		if (!cc->nidle || cc->ncompleted + cc->inflight >= CRASH_BACKLOG)
			return;
		crash_submit(cc, cc->idle[--cc->nidle]);
	}
}

static void crash_op_done(struct blk_request *r, int ret)
{
	struct crash_ctx *cc = r->opaque;
	if (ret < 0)
		exit(3);
	cc->inflight--;
	cc->completed[cc->ncompleted++] = (struct crash_op){
		cc->pass, r->offset / r->len };
	cc->idle[cc->nidle++] = r;
	crash_maybe_flush(cc);
	crash_pump(cc);
}

/* Runs `passes` passes (0: until killed) over IMAGE, logging to LOG. */
static int crash_workload(const char *image, const char *logpath, uint32_t passes)
{
	static struct crash_ctx cc;
	struct blk_error err;

	if (blk_open(&cc.b, image, NULL, 0, &err) < 0) {
		fprintf(stderr, "%s\n", err.msg);
		return 2;
	}
	cc.passes = passes ? passes : UINT32_MAX;
	cc.log = fopen(logpath, "w");
	cc.nblocks = blk_size(cc.b) / (CRASH_BLOCK * CRASH_PER_CHUNK) * CRASH_PER_CHUNK;
	cc.order = malloc(cc.nblocks * 4);
	cc.completed = malloc(CRASH_BACKLOG * sizeof(struct crash_op));
	cc.covering = malloc(CRASH_BACKLOG * sizeof(struct crash_op));
	cc.aio = blk_aio_new(4);
	if (!cc.log || !cc.order || !cc.completed || !cc.covering || !cc.aio)
		return 2;
	rng ^= (uint64_t)getpid() << 20;
	for (unsigned i = 0; i < CRASH_DEPTH; i++) {
		cc.reqs[i].buf = cc.bufs[i];
		cc.reqs[i].done = crash_op_done;
		cc.idle[cc.nidle++] = &cc.reqs[i];
	}
	crash_shuffle(&cc);
	crash_pump(&cc);
	GPollFD gp = { .fd = blk_aio_fd(cc.aio), .events = G_IO_IN };
	while (cc.inflight || cc.flushing) {
		g_poll(&gp, 1, 100);
		blk_aio_complete(cc.aio);
	}
	if (blk_flush(cc.b) < 0)
		return 3;
	for (uint64_t i = 0; i < cc.ncompleted; i++)
		fprintf(cc.log, "F %u %llu\n", cc.completed[i].pass,
			(unsigned long long)cc.completed[i].unit);
	fclose(cc.log);
	blk_aio_free(cc.aio);
	blk_close(cc.b);
	return 0;
}

struct crash_state {
	int64_t flushed;   /* pass of the last flushed op on the block, -1 none */
	int64_t submitted; /* highest pass submitted on the block */
};

static void crash_note(struct crash_state *st, uint64_t nblocks, char kind,
		       uint32_t pass, uint64_t unit)
{
	uint64_t first = pass % 2 ? unit * CRASH_PER_CHUNK : unit;
	uint64_t n = pass % 2 ? CRASH_PER_CHUNK : 1;
	for (uint64_t b = first; b < first + n && b < nblocks; b++) {
		if (kind == 'F')
			st[b].flushed = pass;
		else if ((int64_t)pass > st[b].submitted)
			st[b].submitted = pass;
	}
}

/* Candidate contents of a block: its last flushed state and what any later
 * submitted request could have left (flushes can lag several passes behind
 * submissions).  Requests in flight when the process died may be torn, so
 * each 512-byte sector may come from any candidate. */
#define CRASH_MAX_CAND 16
static bool crash_block_ok(const struct crash_state *s, const uint8_t *got, uint64_t blk)
{
	static uint8_t cand[CRASH_MAX_CAND][CRASH_BLOCK];
	int64_t f = s->flushed;
	unsigned n = 0;

	memset(cand[n++], 0, CRASH_BLOCK); /* zero: after any discard */
	if (f % 2 == 0) {
		fill(cand[n++], CRASH_BLOCK, crash_seed((uint32_t)f, blk));
	} else if (f > 0) { /* discard is advisory: the previous write may stay */
		fill(cand[n++], CRASH_BLOCK, crash_seed((uint32_t)(f - 1), blk));
	}
	bool zero_ok = f % 2 == 1;
	for (int64_t p = f + 1; p <= s->submitted && n < CRASH_MAX_CAND; p++) {
		if (p % 2)
			zero_ok = true;
		else
			fill(cand[n++], CRASH_BLOCK, crash_seed((uint32_t)p, blk));
	}
	for (unsigned sec = 0; sec < CRASH_BLOCK; sec += 512) {
		bool ok = zero_ok && !memcmp(got + sec, cand[0] + sec, 512);
		for (unsigned i = 1; i < n && !ok; i++)
			ok = !memcmp(got + sec, cand[i] + sec, 512);
		if (!ok)
			return false;
	}
	return true;
}

static int crash_verify(const char *raw, const char *logpath)
{
	FILE *log = fopen(logpath, "r");
	int fd = open(raw, O_RDONLY);
	struct stat st;
	uint8_t got[CRASH_BLOCK];
	unsigned long long unit;
	unsigned pass, ok = 0, bad = 0;
	char kind;

	if (!log || fd < 0 || fstat(fd, &st) < 0) {
		fprintf(stderr, "crash-verify: cannot open %s or %s\n", raw, logpath);
		return 2;
	}
	uint64_t nblocks = (uint64_t)st.st_size / CRASH_BLOCK;
	struct crash_state *s = malloc(nblocks * sizeof(*s));
	for (uint64_t b = 0; b < nblocks; b++)
		s[b] = (struct crash_state){ -1, -1 };
	while (fscanf(log, " %c %u %llu", &kind, &pass, &unit) == 3)
		crash_note(s, nblocks, kind, pass, unit);
	for (uint64_t b = 0; b < nblocks; b++) {
		if (s[b].flushed < 0)
			continue;
		if (pread(fd, got, CRASH_BLOCK, (off_t)(b * CRASH_BLOCK)) != CRASH_BLOCK ||
		    !crash_block_ok(&s[b], got, b)) {
			if (bad++ < 5)
				fprintf(stderr, "block %llu: flushed pass %lld not on disk\n",
					(unsigned long long)b, (long long)s[b].flushed);
		} else {
			ok++;
		}
	}
	printf("%u flushed blocks verified, %u lost\n", ok, bad);
	free(s);
	return bad ? 1 : ok ? 0 : 4;
}

static int scribble(const char *image, const char *model_path, int rounds)
{
	struct blk_error err;
	struct blk *b;

	if (blk_open(&b, image, NULL, 0, &err) < 0) {
		fprintf(stderr, "%s\n", err.msg);
		return 2;
	}
	uint64_t size = blk_size(b);
	uint8_t *model = malloc(size);
	int bad = !model || blk_pread(b, 0, model, size) < 0;
	if (!bad)
		bad = exercise(b, model, size, rounds, true) ||
		      blk_flush(b) < 0 || compare_all(b, model, size);
	blk_close(b);
	int fd = open(model_path, O_WRONLY | O_CREAT | O_TRUNC, 0644);
	if (bad || fd < 0 || write(fd, model, size) != (ssize_t)size) {
		fprintf(stderr, "scribble: %s failed\n", image);
		return 1;
	}
	close(fd);
	free(model);
	return 0;
}

int main(int argc, char **argv)
{
	if (argc == 5 && !strcmp(argv[1], "scribble"))
		return scribble(argv[2], argv[3], atoi(argv[4]));
	if ((argc == 4 || argc == 5) && !strcmp(argv[1], "crash-workload"))
		return crash_workload(argv[2], argv[3],
				      argc == 5 ? (uint32_t)atoi(argv[4]) : 0);
	if (argc == 4 && !strcmp(argv[1], "crash-verify"))
		return crash_verify(argv[2], argv[3]);
	if (argc != 2) {
		fprintf(stderr, "usage: %s TMPDIR\n", argv[0]);
		return 2;
	}
	snprintf(tmpdir, sizeof(tmpdir), "%s", argv[1]);
	mkdir(tmpdir, 0755);
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++)
		run_case(&cases[i]);
	test_read_only();
	test_vectored();
	test_aio_glib();
	test_aio_uring(tmpdir, &failures);
	test_qcow2_race(tmpdir, &failures);
	return failures ? 1 : 0;
}
