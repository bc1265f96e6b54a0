/*
 * qcow2 consistency check: count every reference the image makes to a host
 * cluster (header, L1 tables of the image and of each snapshot, L2 tables,
 * data and compressed clusters, refcount table and blocks, snapshot table)
 * and compare with the stored refcounts.  A stored count
 * below the real one is a corruption (a write could reuse live data), above
 * it a leak.  The same classification as `qemu-img check`.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "qcow2.h"

struct refs {
	uint32_t *n;
	uint64_t clusters;
	struct blk_check_result *res;
};

static void problem(struct refs *r, bool corruption, const char *fmt,
		    unsigned long long a, unsigned long long b)
{
	if (corruption)
		r->res->corruptions++;
	else
		r->res->leaks++;
	if (!r->res->first_problem[0])
		snprintf(r->res->first_problem, sizeof(r->res->first_problem), fmt, a, b);
}

static void add_ref(struct refs *r, const struct qcow2 *q, uint64_t off,
		    uint64_t len)
{
	uint64_t first = off >> q->cluster_bits;
	uint64_t last = (off + len - 1) >> q->cluster_bits;

	for (uint64_t c = first; c <= last; c++) {
		if (c >= r->clusters) {
			problem(r, true, "reference to cluster %#llx beyond end of file"
				" (%llu clusters)", c << q->cluster_bits, r->clusters);
			continue;
		}
		if (r->n[c] != UINT32_MAX)
			r->n[c]++;
	}
}

static int count_l2(struct blk *b, struct refs *r, uint64_t l2off)
{
	struct qcow2 *q = qcow2_of(b);
	uint8_t *t = malloc(q->cluster_size);
	int rc;

	if (!t)
		return -ENOMEM;
	if ((rc = file_pread(b->fd, l2off, t, q->cluster_size)) < 0 ||
	    (rc = qcow2_validate_l2(b, l2off, t)) < 0) {
		r->res->corruptions++;
		if (!r->res->first_problem[0])
			snprintf(r->res->first_problem, sizeof(r->res->first_problem),
				 "%s", blk_last_error(b));
		free(t);
		return 0;
	}
	for (uint32_t i = 0; i < q->l2_entries; i++) {
		uint64_t e = be64_at(t + (size_t)i * 8);
		if (e & QCOW2_OFLAG_COMPRESSED) {
			unsigned x = 62 - (q->cluster_bits - 8);
			uint64_t c_off = e & ((1ull << x) - 1);
			uint64_t ns = (e >> x) & ((1ull << (q->cluster_bits - 8)) - 1);
			add_ref(r, q, c_off, (ns + 1) * 512 - (c_off & 511));
			r->res->allocated_clusters++;
		} else if (e & QCOW2_OFFSET_MASK) {
			add_ref(r, q, e & QCOW2_OFFSET_MASK, q->cluster_size);
			if (!(e & QCOW2_OFLAG_ZERO))
				r->res->allocated_clusters++;
		}
	}
	free(t);
	return 0;
}

/* Every L1 table (the active one and each snapshot's) references its L2
 * tables, and through them their clusters, once each. */
static int count_l1(struct blk *b, struct refs *r, const uint64_t *l1, uint32_t n)
{
	struct qcow2 *q = qcow2_of(b);

	for (uint32_t i = 0; i < n; i++) {
		uint64_t l2 = l1[i] & QCOW2_OFFSET_MASK;
		if (!l2)
			continue;
		add_ref(r, q, l2, q->cluster_size);
		int rc = count_l2(b, r, l2);
		if (rc < 0)
			return rc;
	}
	return 0;
}

static int count_refs(struct blk *b, struct refs *r)
{
	struct qcow2 *q = qcow2_of(b);
	int rc;

	add_ref(r, q, 0, q->cluster_size);
	if (q->l1_size)
		add_ref(r, q, q->l1_offset, (uint64_t)q->l1_size * 8);
	add_ref(r, q, q->rt_offset, (uint64_t)q->rt_clusters * q->cluster_size);
	for (uint64_t i = 0; i < q->rt_entries; i++)
		if (q->rt[i])
			add_ref(r, q, q->rt[i], q->cluster_size);
	if ((rc = count_l1(b, r, q->l1, q->l1_size)) < 0)
		return rc;
	if (q->nb_snapshots)
		add_ref(r, q, q->snapshots_offset, q->snapshots_len);
	for (uint32_t s = 0; s < q->nb_snapshots && rc == 0; s++) {
		uint32_t n = q->snap_l1_size[s];
		uint64_t *l1 = calloc(n ? n : 1, 8);
		if (!l1)
			return -ENOMEM;
		if (n)
			add_ref(r, q, q->snap_l1[s], (uint64_t)n * 8);
		if ((rc = file_pread(b->fd, q->snap_l1[s], l1, (size_t)n * 8)) == 0) {
			for (uint32_t i = 0; i < n; i++)
				l1[i] = be64_at((uint8_t *)&l1[i]);
			rc = count_l1(b, r, l1, n);
		}
		free(l1);
	}
	return rc;
}

static int compare_refs(struct blk *b, struct refs *r)
{
	struct qcow2 *q = qcow2_of(b);
	/* Like qemu-img check, refcounts of clusters past the end of the file
	 * are not looked at: nothing can reference them. */
	for (uint64_t c = 0; c < r->clusters; c++) {
		uint64_t stored, real = r->n[c];
		int rc = qcow2_get_refcount(b, c, &stored);
		if (rc < 0)
			return rc;
		if (real > q->refcount_max)
			problem(r, true, "cluster %#llx: %llu references overflow"
				" the refcount width", c << q->cluster_bits, real);
		else if (stored < real)
			problem(r, true, "cluster %#llx: refcount %llu below its"
				" references", c << q->cluster_bits, stored);
		else if (stored > real)
			problem(r, false, "cluster %#llx: refcount %llu above its"
				" references (leak)", c << q->cluster_bits, stored);
		if (real)
			r->res->image_end_offset = (c + 1) << q->cluster_bits;
	}
	return 0;
}

int qcow2_check(struct blk *b, struct blk_check_result *res)
{
	struct qcow2 *q = qcow2_of(b);
	struct refs r = { .res = res };
	int rc;

	r.clusters = q->file_end >> q->cluster_bits;
	r.n = calloc(r.clusters ? r.clusters : 1, sizeof(*r.n));
	if (!r.n)
		return -ENOMEM;
	res->total_clusters = (b->size + q->cluster_size - 1) >> q->cluster_bits;
	pthread_mutex_lock(&b->lock);
	rc = count_refs(b, &r);
	if (rc == 0)
		rc = compare_refs(b, &r);
	pthread_mutex_unlock(&b->lock);
	free(r.n);
	return rc;
}
