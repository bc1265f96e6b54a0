/*
 * qcow2 reference counts: reading and writing entries of any width
 * (refcount_order 0..6, sub-byte entries packed from the least significant
 * bit, wider ones big-endian), cluster allocation and release, growing the
 * refcount table, and the consistency check.  Rules from QEMU's
 * docs/interop/qcow2.txt, "Host cluster management".
 *
 * Durable ordering (refcounts stable before a table points at a cluster,
 * pointers removed stably before a refcount drops) is qcow2_alloc.c's job.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "qcow2.h"

static uint64_t rb_get(const struct qcow2 *q, const uint8_t *rb, uint64_t i)
{
	unsigned w = 1u << q->refcount_order;

	switch (q->refcount_order) {
	case 3: return rb[i];
	case 4: return be16_at(rb + i * 2);
	case 5: return be32_at(rb + i * 4);
	case 6: return be64_at(rb + i * 8);
	default:
		return (rb[i * w / 8] >> (i * w % 8)) & ((1u << w) - 1);
	}
}

/* Stores the entry and returns the byte range of the block it touched. */
static void rb_set(const struct qcow2 *q, uint8_t *rb, uint64_t i, uint64_t v,
		   uint64_t *byte, unsigned *len)
{
	unsigned w = 1u << q->refcount_order;

	switch (q->refcount_order) {
	case 3: rb[i] = (uint8_t)v; *byte = i; *len = 1; return;
	case 4: put_be16(rb + i * 2, (uint16_t)v); *byte = i * 2; *len = 2; return;
	case 5: put_be32(rb + i * 4, (uint32_t)v); *byte = i * 4; *len = 4; return;
	case 6: put_be64(rb + i * 8, v); *byte = i * 8; *len = 8; return;
	default: {
		unsigned shift = (unsigned)(i * w % 8), mask = ((1u << w) - 1) << shift;
		*byte = i * w / 8;
		*len = 1;
		rb[*byte] = (uint8_t)((rb[*byte] & ~mask) | ((unsigned)v << shift));
	}
	}
}

int qcow2_get_refcount(struct blk *b, uint64_t cluster, uint64_t *rc)
{
	struct qcow2 *q = qcow2_of(b);
	uint64_t ti = cluster / q->rb_entries;
	uint8_t *rb;

	*rc = 0;
	if (ti >= q->rt_entries || !q->rt[ti])
		return 0;
	int r = qcow2_cache_get(b, &q->rbc, q->rt[ti], false, &rb);
	if (r < 0)
		return r;
	*rc = rb_get(q, rb, cluster % q->rb_entries);
	return 0;
}

/* Precondition: the cluster's refcount block exists. */
static int set_refcount(struct blk *b, uint64_t cluster, uint64_t v)
{
	struct qcow2 *q = qcow2_of(b);
	uint64_t ti = cluster / q->rb_entries, byte;
	unsigned len;
	uint8_t *rb;

	if (v > q->refcount_max)
		return blk_fail(b, EOVERFLOW, "qcow2 refcount overflow at cluster %llu",
				(unsigned long long)cluster);
	int r = qcow2_cache_get(b, &q->rbc, q->rt[ti], false, &rb);
	if (r < 0)
		return r;
	rb_set(q, rb, cluster % q->rb_entries, v, &byte, &len);
	r = file_pwrite(b->fd, q->rt[ti] + byte, rb + byte, len);
	return r < 0 ? blk_fail(b, -r, "writing refcount: %s", strerror(-r)) : 0;
}

static void note_file_end(struct qcow2 *q, uint64_t cluster)
{
	uint64_t end = (cluster + 1) << q->cluster_bits;
	if (end > q->file_end)
		q->file_end = end;
}

static int write_rt_entry(struct blk *b, uint64_t ti)
{
	struct qcow2 *q = qcow2_of(b);
	uint8_t be[8];

	put_be64(be, q->rt[ti]);
	int r = file_pwrite(b->fd, q->rt_offset + ti * 8, be, 8);
	return r < 0 ? blk_fail(b, -r, "writing refcount table: %s", strerror(-r)) : 0;
}

/* Gives refcount block `ti` a home: cluster `c`, which it covers itself. */
static int new_self_block(struct blk *b, uint64_t ti, uint64_t c)
{
	struct qcow2 *q = qcow2_of(b);
	uint64_t off = c << q->cluster_bits, byte;
	unsigned len;
	uint8_t *rb;

	int r = qcow2_cache_get(b, &q->rbc, off, true, &rb);
	if (r < 0)
		return r;
	rb_set(q, rb, c % q->rb_entries, 1, &byte, &len);
	if ((r = file_pwrite(b->fd, off, rb, q->cluster_size)) < 0)
		return blk_fail(b, -r, "writing refcount block: %s", strerror(-r));
	if ((r = qcow2_mark_meta(b, off, true)) < 0)
		return r;
	note_file_end(q, c);
	if (off + q->cluster_size > q->phys_end)
		q->phys_end = off + q->cluster_size;
	q->rt[ti] = off;
	return write_rt_entry(b, ti);
}

static int grow_refcount_table(struct blk *b);

/* Precondition: b->lock held.  Sets a free cluster's refcount to 1 now
 * (not yet durable: see qcow2_alloc.c). */
int qcow2_alloc_now(struct blk *b, uint64_t *host)
{
	struct qcow2 *q = qcow2_of(b);

	for (uint64_t c = q->free_hint;; c++) {
		uint64_t rc, ti = c / q->rb_entries;
		int r = qcow2_get_refcount(b, c, &rc);
		if (r < 0)
			return r;
		if (rc || qcow2_is_meta(q, c << q->cluster_bits))
			continue;
		if (ti >= q->rt_entries) {
			if ((r = grow_refcount_table(b)) < 0)
				return r;
			c--; /* look at the same cluster again */
			continue;
		}
		if (!q->rt[ti]) {
			if ((r = new_self_block(b, ti, c)) < 0)
				return r;
			continue;
		}
		if ((r = set_refcount(b, c, 1)) < 0)
			return r;
		q->free_hint = c + 1;
		note_file_end(q, c);
		*host = c << q->cluster_bits;
		return 0;
	}
}

static int free_one(struct blk *b, uint64_t c)
{
	struct qcow2 *q = qcow2_of(b);
	uint64_t rc;
	int r = qcow2_get_refcount(b, c, &rc);

	if (r < 0)
		return r;
	if (rc == 0)
		return blk_fail(b, EUCLEAN, "qcow2 freeing cluster %#llx whose"
				" refcount is already 0",
				(unsigned long long)(c << q->cluster_bits));
	if ((r = set_refcount(b, c, rc - 1)) < 0)
		return r;
	if (rc == 1) {
		if (c < q->free_hint)
			q->free_hint = c;
		fallocate(b->fd, FALLOC_FL_PUNCH_HOLE | FALLOC_FL_KEEP_SIZE,
			  (off_t)(c << q->cluster_bits), (off_t)q->cluster_size);
	}
	return 0;
}

/* Precondition: b->lock held.  Waits for data I/O in flight outside the
 * lock (q->pin) before any refcount can drop to zero. */
int qcow2_free_now(struct blk *b, uint64_t off, uint64_t len)
{
	struct qcow2 *q = qcow2_of(b);
	uint64_t first = off >> q->cluster_bits;
	uint64_t last = (off + len - 1) >> q->cluster_bits;
	int r = 0;

	pthread_rwlock_wrlock(&q->pin);
	for (uint64_t c = first; c <= last && r == 0; c++)
		r = free_one(b, c);
	pthread_rwlock_unlock(&q->pin);
	return r;
}


/* Refcount blocks missing for clusters [start, end) under table `t`. */
static uint64_t missing_blocks(const struct qcow2 *q, uint64_t start,
			       uint64_t end)
{
	uint64_t n = 0;
	for (uint64_t ti = start / q->rb_entries; ti <= (end - 1) / q->rb_entries; ti++)
		if (ti >= q->rt_entries || !q->rt[ti])
			n++;
	return n;
}

struct rt_plan {
	uint64_t start;    /* first cluster of the new table */
	uint64_t clusters; /* table size */
	uint64_t blocks;   /* new refcount blocks placed after it */
	uint64_t entries;
};

static int plan_table(struct blk *b, struct rt_plan *p)
{
	struct qcow2 *q = qcow2_of(b);

	p->start = q->file_end >> q->cluster_bits;
	p->clusters = q->rt_clusters * 2;
	p->blocks = 0;
	for (int round = 0; round < 64; round++) {
		uint64_t end = p->start + p->clusters + p->blocks;
		uint64_t need_entries = (end - 1) / q->rb_entries + 1;
		uint64_t need_clusters = (need_entries * 8 + q->cluster_size - 1) >>
					 q->cluster_bits;
		uint64_t m = missing_blocks(q, p->start, end);
		if (need_clusters <= p->clusters && m == p->blocks) {
			p->entries = p->clusters * q->cluster_size / 8;
			if (p->clusters * q->cluster_size > QCOW2_MAX_RT_BYTES)
				break;
			return 0;
		}
		if (need_clusters > p->clusters)
			p->clusters = need_clusters;
		p->blocks = m;
	}
	return blk_fail(b, EFBIG, "qcow2 refcount table cannot grow further");
}

/* Writes the new refcount blocks and refcounts for the new table area. */
static int write_new_blocks(struct blk *b, const struct rt_plan *p, uint64_t *nt)
{
	struct qcow2 *q = qcow2_of(b);
	uint64_t end = p->start + p->clusters + p->blocks;
	uint64_t next = p->start + p->clusters;
	uint8_t *blk = malloc(q->cluster_size);
	int r = 0;

	if (!blk)
		return blk_fail(b, ENOMEM, "out of memory");
	for (uint64_t ti = p->start / q->rb_entries; ti <= (end - 1) / q->rb_entries; ti++) {
		if (ti < q->rt_entries && q->rt[ti]) {
			for (uint64_t c = p->start; c < end && r == 0; c++)
				if (c / q->rb_entries == ti)
					r = set_refcount(b, c, 1);
			continue;
		}
		memset(blk, 0, q->cluster_size);
		for (uint64_t c = p->start; c < end; c++) {
			uint64_t byte;
			unsigned len;
			if (c / q->rb_entries == ti)
				rb_set(q, blk, c % q->rb_entries, 1, &byte, &len);
		}
		nt[ti] = next << q->cluster_bits;
		r = file_pwrite(b->fd, nt[ti], blk, q->cluster_size);
		next++;
		if (r < 0)
			break;
	}
	free(blk);
	return r < 0 ? blk_fail(b, -r, "writing refcount blocks: %s", strerror(-r)) : 0;
}

static int switch_table(struct blk *b, const struct rt_plan *p, uint64_t *nt)
{
	struct qcow2 *q = qcow2_of(b);
	uint64_t new_off = p->start << q->cluster_bits, old_off = q->rt_offset;
	uint64_t old_len = (uint64_t)q->rt_clusters * q->cluster_size;
	uint8_t hdr[12];
	int r;

	put_be64(hdr, new_off);
	put_be32(hdr + 8, (uint32_t)p->clusters);
	if ((r = file_sync(b->fd)) < 0 ||
	    (r = file_pwrite(b->fd, QH_RT_OFFSET, hdr, sizeof(hdr))) < 0 ||
	    (r = file_sync(b->fd)) < 0)
		return blk_fail(b, -r, "switching refcount table: %s", strerror(-r));
	free(q->rt);
	q->rt = nt;
	q->rt_offset = new_off;
	q->rt_clusters = (uint32_t)p->clusters;
	q->rt_entries = p->entries;
	for (uint64_t c = p->start; c < p->start + p->clusters + p->blocks; c++)
		if ((r = qcow2_mark_meta(b, c << q->cluster_bits, true)) < 0)
			return r;
	q->file_end = (p->start + p->clusters + p->blocks) << q->cluster_bits;
	if (q->file_end > q->phys_end)
		q->phys_end = q->file_end;
	for (uint64_t c = 0; c < old_len; c += q->cluster_size)
		qcow2_mark_meta(b, old_off + c, false);
	return qcow2_free_clusters(b, old_off, old_len);
}

/* Builds a bigger refcount table (and the blocks that describe it) past the
 * end of the file, then switches the header to it in one write. */
static int grow_refcount_table(struct blk *b)
{
	struct qcow2 *q = qcow2_of(b);
	struct rt_plan p = { 0 };
	int r = plan_table(b, &p);

	if (r < 0)
		return r;
	uint64_t *nt = calloc(p.entries, 8);
	uint8_t *be = calloc(p.entries, 8);
	if (!nt || !be) {
		free(nt);
		free(be);
		return blk_fail(b, ENOMEM, "out of memory");
	}
	memcpy(nt, q->rt, q->rt_entries * 8);
	r = write_new_blocks(b, &p, nt);
	for (uint64_t i = 0; i < p.entries && r == 0; i++)
		put_be64(be + i * 8, nt[i]);
	if (r == 0 && (r = file_pwrite(b->fd, p.start << q->cluster_bits, be,
				       p.entries * 8)) < 0)
		r = blk_fail(b, -r, "writing refcount table: %s", strerror(-r));
	free(be);
	if (r == 0)
		return switch_table(b, &p, nt);
	free(nt);
	return r;
}
