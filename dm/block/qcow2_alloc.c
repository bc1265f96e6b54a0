/*
 * qcow2 allocation and release in an order that survives power loss, not
 * just a killed process (the rule of QEMU's docs/interop/qcow2.txt: a
 * refcount may be too high after a crash, never too low).
 *
 * Allocation: clusters are reserved QCOW2_RESERVE at a time, their
 * refcounts set to 1 and made durable with one fdatasync, and only then
 * handed out; so no L2 or L1 entry can ever reach the disk pointing at a
 * cluster whose refcount is still 0 there, or past the file's end (the
 * file is grown, sparsely, over the batch first).
 *
 * Release: dropping a reference is queued.  A flush first makes every
 * table change before it durable, then applies the decrements queued
 * before it started; a crash in between leaks, never double-uses.
 * Closing applies everything and returns unused reservations.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "qcow2.h"

/* Grows the file (sparsely) to the allocation frontier if it is shorter. */
static int cover_reserved(struct blk *b)
{
	struct qcow2 *q = qcow2_of(b);
	uint64_t size;
	int r = file_size(b->fd, &size);

	if (r == 0 && size < q->file_end && ftruncate(b->fd, (off_t)q->file_end) < 0)
		r = -errno;
	return r;
}

/* Precondition: b->lock held. */
int qcow2_alloc_cluster(struct blk *b, uint64_t *host)
{
	struct qcow2 *q = qcow2_of(b);
	int r;

	if (q->resv_head == q->resv_count) {
		q->resv_head = q->resv_count = 0;
		for (unsigned i = 0; i < QCOW2_RESERVE; i++) {
			if ((r = qcow2_alloc_now(b, &q->resv[i])) < 0)
				break;
			q->resv_count++;
		}
		if (!q->resv_count)
			return r;
		/* The file covers every reserved cluster before the sync: an
		 * entry that reaches the disk before its cluster's data then
		 * points inside the file (zeroes), never past its end. */
		if ((r = cover_reserved(b)) < 0 || (r = file_sync(b->fd)) < 0)
			return blk_fail(b, -r, "syncing refcounts: %s", strerror(-r));
	}
	*host = q->resv[q->resv_head++];
	return 0;
}

/* Precondition: b->lock held.  The caller has already removed the
 * pointer to [off, off+len) (written, maybe not yet durable). */
int qcow2_free_clusters(struct blk *b, uint64_t off, uint64_t len)
{
	struct qcow2 *q = qcow2_of(b);

	if (q->npending == q->pending_cap) {
		size_t cap = q->pending_cap ? q->pending_cap * 2 : 64;
		struct qcow2_range *p = realloc(q->pending, cap * sizeof(*p));
		if (!p)
			return blk_fail(b, ENOMEM, "out of memory queueing a free");
		q->pending = p;
		q->pending_cap = cap;
	}
	q->pending[q->npending++] = (struct qcow2_range){ off, len };
	return 0;
}

/* Precondition: b->lock held.  Applies the first n queued frees. */
static int apply_frees(struct blk *b, size_t n)
{
	struct qcow2 *q = qcow2_of(b);
	int r = 0;

	if (!n)
		return 0;
	for (size_t i = 0; i < n && r == 0; i++)
		r = qcow2_free_now(b, q->pending[i].off, q->pending[i].len);
	memmove(q->pending, q->pending + n, (q->npending - n) * sizeof(*q->pending));
	q->npending -= n;
	return r;
}

int qcow2_flush_and_commit(struct blk *b)
{
	struct qcow2 *q = qcow2_of(b);

	pthread_mutex_lock(&b->lock);
	size_t n = q->npending; /* frees queued before this sync starts */
	pthread_mutex_unlock(&b->lock);
	int r = file_sync(b->fd);
	if (r < 0)
		return blk_fail(b, -r, "flush: %s", strerror(-r));
	if (!n)
		return 0;
	pthread_mutex_lock(&b->lock);
	r = apply_frees(b, n);
	pthread_mutex_unlock(&b->lock);
	return r;
}

/* On close: everything queued, then the unused reservations. */
int qcow2_release_all(struct blk *b)
{
	struct qcow2 *q = qcow2_of(b);
	int r = file_sync(b->fd);

	pthread_mutex_lock(&b->lock);
	if (r == 0)
		r = apply_frees(b, q->npending);
	while (r == 0 && q->resv_head < q->resv_count)
		r = qcow2_free_now(b, q->resv[q->resv_head++], q->cluster_size);
	pthread_mutex_unlock(&b->lock);
	int s = file_sync(b->fd);
	return r < 0 ? r : s;
}
