/*
 * io_uring under aio.c for raw images: reads, writes (FUA as RWF_DSYNC)
 * and flushes (fdatasync) are queued to the kernel from the loop's thread,
 * and the kernel bumps the pool's eventfd as each one completes; while
 * plugged (blk_aio_plug) they wait in the submission queue, to go to the
 * kernel together in one system call.  What the
 * kernel cut short (end of file, a signal) is finished synchronously the
 * way file_io.c does it, zeroes past the end of the file.  Discards,
 * other formats, requests that fail the checks (the workers report the
 * same error) and overflow beyond the ring go to the worker threads.
 */
#include <errno.h>
#include <liburing.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "block_int.h"

#define URING_ENTRIES 128u /* in flight at most; the completion ring is twice that */

struct blk_uring {
	struct io_uring ring;
	unsigned inflight; /* queued or with the kernel */
	unsigned plugged;  /* blk_aio_plug depth: queue, do not submit yet */
	int efd; /* the pool's eventfd, which the kernel bumps too */
};

/* The operations we queue, all in the kernel's io_uring (5.6 and later;
 * an older one has the ring but not all of them). */
static bool ops_supported(struct io_uring *ring)
{
	static const int ops[] = { IORING_OP_READ, IORING_OP_WRITE, IORING_OP_READV,
				   IORING_OP_WRITEV, IORING_OP_FSYNC };
	struct io_uring_probe *probe = io_uring_get_probe_ring(ring);
	bool ok = probe != NULL;

	for (size_t i = 0; ok && i < sizeof(ops) / sizeof(ops[0]); i++)
		ok = io_uring_opcode_supported(probe, ops[i]);
	io_uring_free_probe(probe);
	return ok;
}

struct blk_uring *blk_uring_new(int efd)
{
	const char *want = getenv("BASTION_AIO");
	struct blk_uring *u;

	if (want && strcmp(want, "threads") == 0)
		return NULL;
	u = calloc(1, sizeof(*u));
	if (!u)
		return NULL;
	if (io_uring_queue_init(URING_ENTRIES, &u->ring, 0) < 0) {
		free(u); /* no io_uring here: the workers do it all */
		return NULL;
	}
	if (!ops_supported(&u->ring) || io_uring_register_eventfd(&u->ring, efd) < 0) {
		io_uring_queue_exit(&u->ring);
		free(u);
		return NULL;
	}
	u->efd = efd;
	return u;
}

/* Bytes r moves, or -1 when the kernel should not see it. */
static int64_t uring_bytes(struct blk_request *r)
{
	bool write = r->op == BLK_OP_WRITE;
	int64_t len = (int64_t)r->len;

	if (r->blk->drv != &blk_raw_driver)
		return -1;
	if (r->op == BLK_OP_FLUSH)
		return r->blk->read_only ? -1 : 0; /* (read-only: nothing to flush) */
	if (r->op != BLK_OP_READ && !write)
		return -1;
	if (r->iovcnt)
		len = blk_iov_bytes(r->blk, r->iov, r->iovcnt);
	if (len < 0 || len > INT32_MAX || blk_check_io(r->blk, r->offset, (uint64_t)len, write) < 0)
		return -1;
	return len;
}

/* Hands the queued entries to the kernel, unless plugged.  One it
 * refuses for now (a short allocation failure) stays queued: the loop is
 * woken to try again from blk_uring_reap. */
static void submit_queued(struct blk_uring *u)
{
	const uint64_t one = 1;

	if (!u->plugged && io_uring_sq_ready(&u->ring) && io_uring_submit(&u->ring) < 0 &&
	    write(u->efd, &one, sizeof(one)) < 0) {
		/* the counter cannot overflow at our rates */
	}
}

int blk_uring_submit(struct blk_uring *u, struct blk_request *r)
{
	struct io_uring_sqe *sqe;
	int fd = r->blk->fd;
	int64_t len;

	if (!u || u->inflight >= URING_ENTRIES || (len = uring_bytes(r)) < 0)
		return -EAGAIN;
	if (len == 0 && r->op != BLK_OP_FLUSH)
		return -EAGAIN; /* (nothing to move: the workers answer at once) */
	sqe = io_uring_get_sqe(&u->ring);
	if (!sqe)
		return -EAGAIN;
	if (r->op == BLK_OP_FLUSH)
		io_uring_prep_fsync(sqe, fd, IORING_FSYNC_DATASYNC);
	else if (r->op == BLK_OP_READ && r->iovcnt)
		io_uring_prep_readv(sqe, fd, r->iov, (unsigned)r->iovcnt, r->offset);
	else if (r->op == BLK_OP_READ)
		io_uring_prep_read(sqe, fd, r->buf, (unsigned)len, r->offset);
	else if (r->iovcnt)
		io_uring_prep_writev(sqe, fd, r->iov, (unsigned)r->iovcnt, r->offset);
	else
		io_uring_prep_write(sqe, fd, r->buf, (unsigned)len, r->offset);
	if (r->op == BLK_OP_WRITE && (r->flags & BLK_WRITE_FUA))
		sqe->rw_flags = RWF_DSYNC;
	io_uring_sqe_set_data(sqe, r);
	r->uring_len = (uint64_t)len;
	u->inflight++;
	submit_queued(u);
	return 0;
}

void blk_uring_plug(struct blk_uring *u, bool plug)
{
	if (!u)
		return;
	if (plug)
		u->plugged++;
	else if (u->plugged && --u->plugged == 0)
		submit_queued(u);
}

/* The message the synchronous path gives (raw.c). */
static int uring_fail(struct blk_request *r, int err)
{
	if (r->op == BLK_OP_FLUSH)
		return blk_fail(r->blk, err, "flush: %s", strerror(err));
	return blk_fail(r->blk, err, "%s at %llu: %s", r->op == BLK_OP_WRITE ? "write" : "read",
			(unsigned long long)r->offset, strerror(err));
}

/* The request's result from the kernel's.  What it cut short or left
 * undone (a signal: -EINTR, -EAGAIN) is finished here, synchronously. */
static int uring_result(struct blk_request *r, int res)
{
	bool write = r->op == BLK_OP_WRITE, interrupted = res == -EINTR || res == -EAGAIN;
	struct iovec whole = { .iov_base = r->buf, .iov_len = r->uring_len };
	int rc;

	if (r->op == BLK_OP_FLUSH) {
		rc = interrupted ? file_sync(r->blk->fd) : res;
		return rc < 0 ? uring_fail(r, -rc) : 0;
	}
	if (interrupted)
		res = 0;
	if (res < 0)
		return uring_fail(r, -res);
	if ((uint64_t)res == r->uring_len)
		return 0;
	rc = file_finish_vector(r->blk->fd, r->offset, r->iovcnt ? r->iov : &whole,
				r->iovcnt ? r->iovcnt : 1, (size_t)res, write);
	if (rc == 0 && write && (r->flags & BLK_WRITE_FUA))
		rc = file_sync(r->blk->fd);
	return rc < 0 ? uring_fail(r, -rc) : 0;
}

/* Runs the completions there are now, not those their callbacks' new
 * requests bring (a page-cache read completes during its submit): a
 * busy guest cannot hold the loop; the eventfd brings us back for those. */
unsigned blk_uring_reap(struct blk_uring *u)
{
	struct io_uring_cqe *cqe;
	unsigned n = 0, ready;

	if (!u)
		return 0;
	submit_queued(u);
	ready = io_uring_cq_ready(&u->ring);
	while (n < ready && io_uring_peek_cqe(&u->ring, &cqe) == 0) {
		struct blk_request *r = io_uring_cqe_get_data(cqe);
		int res = cqe->res;

		io_uring_cqe_seen(&u->ring, cqe); /* (done() may queue more) */
		u->inflight--;
		r->done(r, uring_result(r, res));
		n++;
	}
	return n;
}

void blk_uring_free(struct blk_uring *u)
{
	struct io_uring_cqe *cqe;

	if (!u)
		return;
	u->plugged = 0;
	while (u->inflight) {
		int rc = io_uring_submit_and_wait(&u->ring, 1);
		if (rc < 0 && rc != -EINTR && rc != -EAGAIN && rc != -EBUSY)
			abort(); /* the kernel still owns buffers freed after us */
		if (io_uring_peek_cqe(&u->ring, &cqe) == 0)
			blk_uring_reap(u);
	}
	io_uring_queue_exit(&u->ring);
	free(u);
}
