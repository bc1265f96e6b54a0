/*
 * Host unit tests of the asynchronous layer's io_uring side (aio_uring.c):
 * raw-image reads, writes (vectored, FUA) and flushes through the kernel's
 * ring, more requests at once than the ring holds, a transfer the kernel
 * cuts short (the file shrank under the image: zeroes past its end), the
 * refusals (past the end, read-only) with the workers' errors, requests
 * still in flight when the pool is freed, and BASTION_AIO=threads.
 */
#include <errno.h>
#include <fcntl.h>
#include <liburing.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/uio.h>
#include <unistd.h>

#include "block.h"
#include "block_check.h"

enum { NREQ = 300, LEN = 8192 }; /* more than the ring's 128 in flight */

struct uctx {
	struct blk_aio *aio;
	unsigned done, errors;
	int last_ret;
};

static void on_done(struct blk_request *r, int ret)
{
	struct uctx *c = r->opaque;

	c->done++;
	c->last_ret = ret;
	if (ret < 0)
		c->errors++;
}

/* Runs the pool until want callbacks came (or 10 s passed). */
static bool wait_done(struct uctx *c, unsigned want)
{
	for (int i = 0; i < 10000 && c->done < want; i++) {
		blk_aio_complete(c->aio);
		if (c->done < want)
			usleep(1000);
	}
	return c->done == want;
}

static bool kernel_has_io_uring(void)
{
	struct io_uring ring;

	if (io_uring_queue_init(2, &ring, 0) < 0)
		return false;
	io_uring_queue_exit(&ring);
	return true;
}

static void pattern(uint8_t *p, size_t n, unsigned seed)
{
	for (size_t i = 0; i < n; i++)
		p[i] = (uint8_t)(seed * 131 + i * 7 + (i >> 9));
}

static struct blk *raw_image(const char *path, uint64_t size, int flags)
{
	struct blk_create_opts o = { .format = "raw", .size = size };
	struct blk_error err;
	struct blk *b = NULL;

	if ((flags & BLK_OPEN_RDONLY) == 0 && blk_create(path, &o, &err) < 0)
		return NULL;
	return blk_open(&b, path, "raw", flags, &err) < 0 ? NULL : b;
}

/* A fresh raw image dir/name of size bytes and a pool of workers (and
 * io_uring); false (reported as what) if either cannot be made. */
static bool setup(const char *dir, const char *name, uint64_t size, unsigned workers,
		  struct blk **b, struct blk_aio **aio, const char *what)
{
	char path[600];

	snprintf(path, sizeof(path), "%s/%s", dir, name);
	*b = raw_image(path, size, 0);
	*aio = blk_aio_new(workers);
	if (!*b || !*aio)
		CHECK(0, "%s: a raw image and a pool", what);
	return *b && *aio;
}

/* NREQ vectored writes (FUA on every 7th) at once, a flush, NREQ reads
 * into a flat buffer each: the data comes back. */
static void test_uring_rw(const char *dir)
{
	static uint8_t wbuf[NREQ][LEN], rbuf[NREQ][LEN];
	static struct iovec wiov[NREQ][3];
	static struct blk_request req[NREQ];
	struct uctx c = { 0 };
	struct blk *b;

	if (!setup(dir, "uring.raw", (uint64_t)NREQ * LEN, 2, &b, &c.aio, "aio io_uring"))
		return;
	bool uring = strcmp(blk_aio_engine(c.aio), "io_uring+threads") == 0;
	CHECK(uring || !kernel_has_io_uring(), "aio: the pool uses io_uring where the kernel has it (%s)",
	      blk_aio_engine(c.aio));
	for (unsigned i = 0; i < NREQ; i++) {
		pattern(wbuf[i], LEN, i + 1);
		wiov[i][0] = (struct iovec){ wbuf[i], 512 };
		wiov[i][1] = (struct iovec){ wbuf[i] + 512, 4096 };
		wiov[i][2] = (struct iovec){ wbuf[i] + 4608, LEN - 4608 };
		req[i] = (struct blk_request){ .op = BLK_OP_WRITE, .blk = b, .offset = (uint64_t)i * LEN,
			.iov = wiov[i], .iovcnt = 3, .len = LEN, .flags = i % 7 ? 0 : BLK_WRITE_FUA,
			.done = on_done, .opaque = &c };
		blk_aio_submit(c.aio, &req[i]);
	}
	bool writes = wait_done(&c, NREQ) && c.errors == 0;
	req[0] = (struct blk_request){ .op = BLK_OP_FLUSH, .blk = b, .done = on_done, .opaque = &c };
	blk_aio_submit(c.aio, &req[0]);
	bool flush = wait_done(&c, NREQ + 1) && c.errors == 0;
	for (unsigned i = 0; i < NREQ; i++) {
		req[i] = (struct blk_request){ .op = BLK_OP_READ, .blk = b, .offset = (uint64_t)i * LEN,
			.buf = rbuf[i], .len = LEN, .done = on_done, .opaque = &c };
		blk_aio_submit(c.aio, &req[i]);
	}
	bool reads = wait_done(&c, 2 * NREQ + 1) && c.errors == 0;
	CHECK(writes && flush && reads && !memcmp(wbuf, rbuf, sizeof(wbuf)),
	      "aio io_uring: %u vectored writes (FUA on every 7th) at once, a flush, %u reads: data intact",
	      NREQ, NREQ);
	blk_aio_free(c.aio);
	blk_close(b);
}

/* The file shrinks to half a block under the open image: a read of the
 * last block comes back short from the kernel and ends in zeroes. */
static void test_uring_short(const char *dir)
{
	static uint8_t buf[LEN], want[LEN];
	struct blk_request r;
	struct uctx c = { 0 };
	char path[600];
	struct blk *b;

	if (!setup(dir, "uring-short.raw", 2 * LEN, 1, &b, &c.aio, "aio io_uring short read"))
		return;
	pattern(want, LEN / 2, 9);
	r = (struct blk_request){ .op = BLK_OP_WRITE, .blk = b, .offset = LEN, .buf = want,
				  .len = LEN, .done = on_done, .opaque = &c };
	blk_aio_submit(c.aio, &r);
	bool wrote = wait_done(&c, 1) && c.errors == 0;
	snprintf(path, sizeof(path), "%s/uring-short.raw", dir);
	bool cut = truncate(path, LEN + LEN / 2) == 0;
	memset(buf, 0xee, sizeof(buf));
	memset(want + LEN / 2, 0, LEN / 2);
	r = (struct blk_request){ .op = BLK_OP_READ, .blk = b, .offset = LEN, .buf = buf,
				  .len = LEN, .done = on_done, .opaque = &c };
	blk_aio_submit(c.aio, &r);
	CHECK(wrote && cut && wait_done(&c, 2) && c.errors == 0 && !memcmp(buf, want, LEN),
	      "aio io_uring: a read the kernel cuts short (the file shrank) is finished with zeroes");
	blk_aio_free(c.aio);
	blk_close(b);
}

/* Refusals come back as the synchronous calls give them. */
static void test_uring_refused(const char *dir)
{
	static uint8_t buf[LEN];
	struct blk_request r;
	struct uctx c = { 0 };
	char path[600];
	struct blk *b, *ro;

	snprintf(path, sizeof(path), "%s/uring-ro.raw", dir);
	b = raw_image(path, LEN, 0);
	ro = b ? raw_image(path, LEN, BLK_OPEN_RDONLY) : NULL;
	c.aio = blk_aio_new(1);
	if (!b || !ro || !c.aio) {
		CHECK(0, "aio io_uring refusals: images and a pool");
		return;
	}
	r = (struct blk_request){ .op = BLK_OP_READ, .blk = b, .offset = LEN / 2, .buf = buf,
				  .len = LEN, .done = on_done, .opaque = &c };
	blk_aio_submit(c.aio, &r);
	bool past = wait_done(&c, 1) && c.last_ret == -EINVAL;
	r = (struct blk_request){ .op = BLK_OP_WRITE, .blk = ro, .offset = 0, .buf = buf,
				  .len = LEN, .done = on_done, .opaque = &c };
	blk_aio_submit(c.aio, &r);
	bool rofs = wait_done(&c, 2) && c.last_ret == -EROFS;
	r = (struct blk_request){ .op = BLK_OP_FLUSH, .blk = ro, .done = on_done, .opaque = &c };
	blk_aio_submit(c.aio, &r);
	bool roflush = wait_done(&c, 3) && c.last_ret == 0;
	CHECK(past && rofs && roflush,
	      "aio io_uring: a read past the end -> -EINVAL, a write to a read-only image -> -EROFS, "
	      "its flush -> 0");
	blk_aio_free(c.aio);
	blk_close(ro);
	blk_close(b);
}

/* Freed with requests in flight: every callback runs first. */
static void test_uring_free_waits(const char *dir)
{
	static uint8_t buf[64][LEN];
	static struct blk_request req[64];
	struct uctx c = { 0 };
	struct blk *b;

	if (!setup(dir, "uring-free.raw", 64 * LEN, 1, &b, &c.aio, "aio io_uring free"))
		return;
	for (unsigned i = 0; i < 64; i++) {
		req[i] = (struct blk_request){ .op = i % 2 ? BLK_OP_READ : BLK_OP_WRITE, .blk = b,
			.offset = (uint64_t)i * LEN, .buf = buf[i], .len = LEN, .done = on_done, .opaque = &c };
		blk_aio_submit(c.aio, &req[i]);
	}
	blk_aio_free(c.aio);
	CHECK(c.done == 64 && c.errors == 0, "aio io_uring: freeing the pool runs all 64 callbacks first (%u)",
	      c.done);
	blk_close(b);
}

struct resubmit {
	struct blk_aio *aio;
	unsigned done, stop_after;
};

static void resubmit_done(struct blk_request *r, int ret)
{
	struct resubmit *rs = r->opaque;

	rs->done++;
	if (ret == 0 && rs->done < rs->stop_after)
		blk_aio_submit(rs->aio, r); /* the same read again at once */
}

/* Callbacks that submit again (a busy guest's ring): one call of
 * blk_aio_complete runs what had completed when it began, not the
 * completions its callbacks' requests bring, so the loop gets back. */
static void test_uring_bounded(const char *dir)
{
	static uint8_t buf[8][4096];
	static struct blk_request req[8];
	struct resubmit rs = { .stop_after = 100000 };
	struct blk *b;

	if (!setup(dir, "uring-busy.raw", 8 * 4096, 1, &b, &rs.aio, "aio io_uring bounded"))
		return;
	for (unsigned i = 0; i < 8; i++) {
		req[i] = (struct blk_request){ .op = BLK_OP_READ, .blk = b, .offset = i * 4096ull,
			.buf = buf[i], .len = 4096, .done = resubmit_done, .opaque = &rs };
		blk_aio_submit(rs.aio, &req[i]);
	}
	usleep(100000); /* (all 8 complete: page-cache reads) */
	unsigned ran = blk_aio_complete(rs.aio);
	rs.stop_after = 0; /* drain */
	for (int i = 0; i < 1000 && blk_aio_complete(rs.aio); i++)
		;
	CHECK(ran >= 1 && ran <= 8, "aio io_uring: callbacks that resubmit at once do not hold one "
	      "blk_aio_complete call (%u ran, at most the 8 completed before it)", ran);
	blk_aio_free(rs.aio);
	blk_close(b);
}

/* Plugged, 16 reads wait in the submission queue (none completes in
 * 200 ms); the last of two nested unplugs hands them to the kernel. */
static void test_uring_plug(const char *dir)
{
	static uint8_t buf[16][4096];
	static struct blk_request req[16];
	struct uctx c = { 0 };
	struct blk *b;

	if (!setup(dir, "plug.raw", sizeof(buf), 1, &b, &c.aio, "aio io_uring plug"))
		return;
	if (strcmp(blk_aio_engine(c.aio), "io_uring+threads") != 0) {
		CHECK(!kernel_has_io_uring(), "aio io_uring plug: no io_uring here");
		blk_aio_free(c.aio);
		blk_close(b);
		return;
	}
	blk_aio_plug(c.aio);
	blk_aio_plug(c.aio);
	for (unsigned i = 0; i < 16; i++) {
		req[i] = (struct blk_request){ .op = BLK_OP_READ, .blk = b, .offset = i * 4096ull,
			.buf = buf[i], .len = 4096, .done = on_done, .opaque = &c };
		blk_aio_submit(c.aio, &req[i]);
	}
	usleep(100000);
	blk_aio_complete(c.aio);
	blk_aio_unplug(c.aio);
	usleep(100000);
	blk_aio_complete(c.aio);
	unsigned while_plugged = c.done;
	blk_aio_unplug(c.aio);
	bool all = wait_done(&c, 16) && c.errors == 0;
	CHECK(while_plugged == 0 && all,
	      "aio io_uring plug: 16 reads wait while plugged (%u done in 200 ms), the last "
	      "unplug starts them all", while_plugged);
	blk_aio_free(c.aio);
	blk_close(b);
}

static void test_threads_forced(void)
{
	setenv("BASTION_AIO", "threads", 1);
	struct blk_aio *aio = blk_aio_new(1);
	unsetenv("BASTION_AIO");
	CHECK(aio && strcmp(blk_aio_engine(aio), "threads") == 0,
	      "aio: BASTION_AIO=threads keeps to the worker threads");
	blk_aio_free(aio);
}

void test_aio_uring(const char *dir, int *failures)
{
	fails = failures;
	test_uring_rw(dir);
	test_uring_short(dir);
	test_uring_refused(dir);
	test_uring_free_waits(dir);
	test_uring_bounded(dir);
	test_uring_plug(dir);
	test_threads_forced();
}
