/*
 * qcow2 guest writes and discard: allocating writes with copy-on-write of
 * partial clusters, L2 tables created or unshared on demand.  Entry
 * layouts follow QEMU's docs/interop/qcow2.txt ("Cluster mapping").
 *
 * Locking: b->lock covers lookups and every metadata change.  Data goes
 * to the file outside it in two cases: into a cluster this image alone
 * owns (holding q->pin for reading, as reads do), and into a new cluster
 * the data fills by itself; that guest cluster is marked busy meanwhile,
 * so a second writer to it waits instead of allocating it again.
 * Ordering for crash safety: refcount, then data, then the L2 entry (and
 * an L2 table's contents before the L1 entry that points at it).
 */
#include <errno.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

#include "qcow2.h"

static int write_l1_entry(struct blk *b, uint64_t l1i)
{
	struct qcow2 *q = qcow2_of(b);
	uint8_t be[8];

	put_be64(be, q->l1[l1i]);
	int r = file_pwrite(b->fd, q->l1_offset + l1i * 8, be, 8);
	return r < 0 ? blk_fail(b, -r, "writing L1 entry: %s", strerror(-r)) : 0;
}

/* Precondition: b->lock held.  Returns a writable L2 table for l1i: a new
 * empty one when there is none, a private copy when the current one may be
 * shared (L1 entry without COPIED, e.g. with an internal snapshot). */
static int ensure_l2(struct blk *b, uint64_t l1i, uint64_t *l2off)
{
	struct qcow2 *q = qcow2_of(b);
	uint64_t old = q->l1[l1i] & QCOW2_OFFSET_MASK;
	uint8_t *t, *copy = NULL;
	int r;

	*l2off = old;
	if (old && (q->l1[l1i] & QCOW2_OFLAG_COPIED))
		return 0;
	if (old) {
		if (!(copy = malloc(q->cluster_size)))
			return blk_fail(b, ENOMEM, "out of memory");
		if ((r = qcow2_cache_get(b, &q->l2c, old, false, &t)) < 0)
			goto out;
		memcpy(copy, t, q->cluster_size);
	}
	if ((r = qcow2_alloc_cluster(b, l2off)) < 0 ||
	    (r = qcow2_mark_meta(b, *l2off, true)) < 0 ||
	    (r = qcow2_cache_get(b, &q->l2c, *l2off, true, &t)) < 0)
		goto out;
	if (copy)
		memcpy(t, copy, q->cluster_size);
	/* The table is durable before the L1 entry can be: a power loss
	 * must not leave the entry pointing at a copy's missing entries, at
	 * old bytes, or past the end of the file (which open refuses).  One
	 * sync per table, every cluster_size / 8 clusters. */
	if ((r = file_pwrite(b->fd, *l2off, t, q->cluster_size)) < 0 ||
	    (r = file_sync(b->fd)) < 0) {
		r = blk_fail(b, -r, "writing L2 table: %s", strerror(-r));
		goto out;
	}
	if (*l2off + q->cluster_size > q->phys_end)
		q->phys_end = *l2off + q->cluster_size;
	q->l1[l1i] = *l2off | QCOW2_OFLAG_COPIED;
	if ((r = write_l1_entry(b, l1i)) == 0 && old)
		r = qcow2_free_clusters(b, old, q->cluster_size);
out:
	free(copy);
	return r;
}

/* Precondition: b->lock held. */
static int set_l2_entry(struct blk *b, uint64_t guest, uint64_t e)
{
	struct qcow2 *q = qcow2_of(b);
	uint64_t cl = guest >> q->cluster_bits, l2off;
	uint64_t l1i = cl / q->l2_entries, l2i = cl % q->l2_entries;
	uint8_t *t;
	int r;

	if ((r = ensure_l2(b, l1i, &l2off)) < 0 ||
	    (r = qcow2_cache_get(b, &q->l2c, l2off, false, &t)) < 0)
		return r;
	put_be64(t + l2i * 8, e);
	r = file_pwrite(b->fd, l2off + l2i * 8, t + l2i * 8, 8);
	return r < 0 ? blk_fail(b, -r, "writing L2 entry: %s", strerror(-r)) : 0;
}

/* Old host clusters an entry held, released after the entry changed. */
static int release_old(struct blk *b, const struct qcow2_map *m, uint64_t kept)
{
	struct qcow2 *q = qcow2_of(b);

	if (m->kind == Q_COMPRESSED)
		return qcow2_free_clusters(b, m->c_off, m->c_len);
	if ((m->kind == Q_NORMAL || m->kind == Q_ZERO) && m->host && m->host != kept)
		return qcow2_free_clusters(b, m->host, q->cluster_size);
	return 0;
}

/* Fills a whole-cluster buffer with what the cluster reads as today. */
static int cluster_base(struct blk *b, uint64_t cl_start, const struct qcow2_map *m,
			uint8_t *tmp)
{
	struct qcow2 *q = qcow2_of(b);

	switch (m->kind) {
	case Q_COMPRESSED:
		return qcow2_decompress(b, m, tmp);
	case Q_NORMAL: { /* shared cluster being copied */
		int r = file_pread(b->fd, m->host, tmp, q->cluster_size);
		return r < 0 ? blk_fail(b, -r, "reading cluster to copy: %s",
					strerror(-r)) : 0;
	}
	case Q_UNALLOC: {
		uint64_t n = b->size - cl_start < q->cluster_size ?
			     b->size - cl_start : q->cluster_size;
		memset(tmp + n, 0, q->cluster_size - n);
		return blk_read_backing(b, cl_start, tmp, n);
	}
	default:
		memset(tmp, 0, q->cluster_size);
		return 0;
	}
}

/* Writes guest data into a cluster that is fresh at `host`. */
/* The cluster reads as zeroes today (not from a backing file, a
 * compressed or a shared cluster). */
static bool zero_base(struct blk *b, const struct qcow2_map *m)
{
	return m->kind == Q_ZERO || (m->kind == Q_UNALLOC && !b->backing);
}

/* The data written into a new cluster at `host` must be durable before
 * the L2 entry that points at it: an entry that outlived its data after a
 * power loss would show what the cluster held before (it was freed and
 * reused: host below the bytes ever written) or zeroes where the guest
 * read other content (a backing, compressed or shared cluster).  A fresh
 * cluster over a zero base shows zeroes either way. */
static bool sync_before_entry(struct blk *b, const struct qcow2_map *m, uint64_t host)
{
	return host < qcow2_of(b)->phys_end || !zero_base(b, m);
}

/* True when n bytes of data alone make a new cluster at `host` read right:
 * they cover it, or the rest is a hole past every write over a zero base. */
static bool data_fills(struct blk *b, const struct qcow2_map *m, size_t n,
		       uint64_t host)
{
	struct qcow2 *q = qcow2_of(b);

	return n == q->cluster_size || (zero_base(b, m) && host >= q->phys_end);
}

/* Writes the n bytes of part (guest offset `off`) into `host`, the new
 * cluster for them, over what the cluster reads as today unless they
 * fill it; durable when sync_before_entry says so. */
static int write_new_cluster(struct blk *b, uint64_t off, const struct iovec *part,
			     int parts, size_t n, const struct qcow2_map *m,
			     uint64_t host)
{
	struct qcow2 *q = qcow2_of(b);
	uint64_t in = off & (q->cluster_size - 1), end = host + in + n;
	bool sync = sync_before_entry(b, m, host);
	uint8_t *tmp = NULL;
	int r;

	if (data_fills(b, m, n, host)) {
		/* a file may end inside its last cluster (qemu-img agrees) */
		r = file_pwritev(b->fd, host + in, part, parts);
	} else if (!(tmp = malloc(q->cluster_size))) {
		return blk_fail(b, ENOMEM, "out of memory");
	} else if ((r = cluster_base(b, off - in, m, tmp)) == 0) {
		for (int i = 0, at = 0; i < parts; at += (int)part[i].iov_len, i++)
			memcpy(tmp + in + at, part[i].iov_base, part[i].iov_len);
		r = file_pwrite(b->fd, host, tmp, q->cluster_size);
		end = host + q->cluster_size;
	} else {
		free(tmp);
		return r;
	}
	free(tmp);
	if (r == 0 && sync)
		r = file_sync(b->fd);
	if (r < 0)
		return blk_fail(b, -r, "writing data at %#llx: %s",
				(unsigned long long)host, strerror(-r));
	if (end > q->phys_end)
		q->phys_end = end;
	return 0;
}

static bool cluster_busy(const struct qcow2 *q, uint64_t cl)
{
	for (unsigned i = 0; i < q->nbusy; i++)
		if (q->busy[i] == cl)
			return true;
	return false;
}

/* Precondition: b->lock held.  Waits until no one fills guest cluster cl
 * outside the lock and there is room to mark one busy. */
static void wait_cluster(struct blk *b, uint64_t cl)
{
	struct qcow2 *q = qcow2_of(b);

	while (cluster_busy(q, cl) || q->nbusy == QCOW2_BUSY)
		pthread_cond_wait(&q->busy_cv, &b->lock);
}

/* Precondition: b->lock held, wait_cluster() done, `host` new and filled
 * by the data (data_fills).  Writes it (and syncs it: sync_before_entry)
 * with b->lock dropped, then maps it in place of whatever the entry holds
 * by then (a discard may have come). */
static int fill_unlocked(struct blk *b, uint64_t off, const struct iovec *part,
			 int parts, size_t n, uint64_t host, bool sync)
{
	struct qcow2 *q = qcow2_of(b);
	uint64_t in = off & (q->cluster_size - 1), cl = off >> q->cluster_bits;
	struct qcow2_map now;
	unsigned slot = q->nbusy++;
	int r;

	q->busy[slot] = cl;
	if (host + in + n > q->phys_end)
		q->phys_end = host + in + n;
	pthread_mutex_unlock(&b->lock);
	r = file_pwritev(b->fd, host + in, part, parts);
	if (r == 0 && sync)
		r = file_sync(b->fd);
	pthread_mutex_lock(&b->lock);
	for (slot = 0; q->busy[slot] != cl; slot++)
		;
	q->busy[slot] = q->busy[--q->nbusy];
	pthread_cond_broadcast(&q->busy_cv);
	if (r < 0) {
		qcow2_free_clusters(b, host, q->cluster_size);
		return blk_fail(b, -r, "writing data at %#llx: %s",
				(unsigned long long)(host + in), strerror(-r));
	}
	if ((r = qcow2_lookup(b, off, &now)) < 0) {
		qcow2_free_clusters(b, host, q->cluster_size);
		return r;
	}
	/* (a failed entry write may leave it cached: leak host, never free it) */
	if ((r = set_l2_entry(b, off, host | QCOW2_OFLAG_COPIED)) < 0)
		return r;
	return release_old(b, &now, host);
}

/* Precondition: b->lock held, wait_cluster() done; the cluster at `off`
 * needs a new host cluster (unallocated, zero, compressed, or possibly
 * shared).  May drop b->lock while writing (fill_unlocked). */
static int alloc_write(struct blk *b, uint64_t off, const struct iovec *part,
		       int parts, size_t n, const struct qcow2_map *m)
{
	struct qcow2 *q = qcow2_of(b);
	uint64_t cl = off >> q->cluster_bits, l2off, host, rc = 0;
	int r;

	if ((r = ensure_l2(b, cl / q->l2_entries, &l2off)) < 0)
		return r;
	if (m->kind == Q_ZERO && m->host &&
	    (r = qcow2_get_refcount(b, m->host >> q->cluster_bits, &rc)) < 0)
		return r;
	if (rc == 1) {
		host = m->host; /* preallocated zero cluster: reuse it */
		struct qcow2_map as_zero = *m;
		as_zero.kind = Q_ZERO;
		uint64_t saved = q->phys_end;
		q->phys_end = UINT64_MAX; /* not fresh: write the whole cluster */
		r = write_new_cluster(b, off, part, parts, n, &as_zero, host);
		q->phys_end = saved;
	} else {
		if ((r = qcow2_alloc_cluster(b, &host)) < 0)
			return r;
		if (data_fills(b, m, n, host))
			return fill_unlocked(b, off, part, parts, n, host,
					     sync_before_entry(b, m, host));
		if ((r = write_new_cluster(b, off, part, parts, n, m, host)) < 0) {
			qcow2_free_clusters(b, host, q->cluster_size);
			return r;
		}
	}
	if (r < 0 || (r = set_l2_entry(b, off, host | QCOW2_OFLAG_COPIED)) < 0)
		return r;
	return release_old(b, m, host);
}

/* Writes what of iov (skip bytes in, len left) falls in the cluster at
 * `off`, through part (room for iovcnt entries); returns bytes done or
 * -errno. */
static long writev_run(struct blk *b, uint64_t off, const struct iovec *iov,
		       int iovcnt, size_t skip, size_t len, struct iovec *part)
{
	struct qcow2 *q = qcow2_of(b);
	uint64_t in = off & (q->cluster_size - 1);
	size_t n = q->cluster_size - in < len ? q->cluster_size - in : len;
	int parts = qcow2_iov_part(iov, iovcnt, skip, n, part);
	struct qcow2_map m;

	pthread_mutex_lock(&b->lock);
	wait_cluster(b, off >> q->cluster_bits);
	int r = qcow2_lookup(b, off, &m);
	/* Without COPIED the cluster may be shared: copy it, never write it. */
	if (r == 0 && m.kind == Q_NORMAL && (m.entry & QCOW2_OFLAG_COPIED)) {
		pthread_rwlock_rdlock(&q->pin);
		pthread_mutex_unlock(&b->lock);
		r = file_pwritev(b->fd, m.host + in, part, parts);
		pthread_rwlock_unlock(&q->pin);
		if (r < 0)
			r = blk_fail(b, -r, "writing data at %#llx: %s",
				     (unsigned long long)(m.host + in), strerror(-r));
		return r < 0 ? r : (long)n;
	}
	if (r == 0)
		r = alloc_write(b, off, part, parts, n, &m);
	pthread_mutex_unlock(&b->lock);
	return r < 0 ? r : (long)n;
}

/* Precondition (blk_pwritev): 1 <= iovcnt <= BLK_MAX_IOV, range checked. */
int qcow2_writev(struct blk *b, uint64_t off, const struct iovec *iov, int iovcnt)
{
	return qcow2_vector_runs(b, off, iov, iovcnt, writev_run);
}

int qcow2_write(struct blk *b, uint64_t off, const void *buf, size_t len)
{
	struct iovec one = { (void *)buf, len };

	return qcow2_writev(b, off, &one, 1);
}

/* Whole clusters only: a partial discard is a no-op, as discard allows. */
int qcow2_discard(struct blk *b, uint64_t off, uint64_t len)
{
	struct qcow2 *q = qcow2_of(b);
	uint64_t cs = q->cluster_size;
	uint64_t first = (off + cs - 1) / cs, end = (off + len) / cs;
	bool tail = off + len == b->size; /* the last, partial cluster counts */
	uint64_t e_new = q->version >= 3 && b->backing ? QCOW2_OFLAG_ZERO : 0;
	int r = 0;

	if (tail)
		end = (b->size + cs - 1) / cs;
	if (q->version < 3 && b->backing)
		return 0; /* v2 cannot say "zero": unmapping would expose backing data */
	pthread_mutex_lock(&b->lock);
	for (uint64_t cl = first; cl < end && r == 0; cl++) {
		struct qcow2_map m;
		uint64_t l1i = cl / q->l2_entries;
		if (l1i >= q->l1_size || !(q->l1[l1i] & QCOW2_OFFSET_MASK))
			continue;
		if ((r = qcow2_lookup(b, cl * cs, &m)) < 0 || m.entry == e_new)
			continue;
		if (m.kind == Q_UNALLOC && !b->backing)
			continue;
		if ((r = set_l2_entry(b, cl * cs, e_new)) == 0)
			r = release_old(b, &m, 0);
	}
	pthread_mutex_unlock(&b->lock);
	return r;
}

