/*
 * qcow2 images, versions 2 and 3: header parsing and validation, opening
 * (L1 and refcount tables loaded and checked, metadata clusters recorded so
 * no guest data ever lands on them), the table cache and the ops table.
 * Field layout and feature bits follow QEMU's docs/interop/qcow2.txt.
 *
 * Refused cleanly, with a message naming the problem: encryption, external
 * data files, extended L2 entries, zstd compression, unknown incompatible
 * features, and any table or pointer that falls outside the file, overlaps
 * other metadata or describes an absurd size.  A dirty bit (lazy refcounts) or the corrupt bit opens read-only; internal
 * snapshots are kept intact (see qcow2_snapshot.c).
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "qcow2.h"

static int qcow2_probe(const uint8_t *head, const uint8_t *tail)
{
	(void)tail;
	return be32_at(head) == QCOW2_MAGIC ? 100 : 0;
}

uint64_t qcow2_cluster_index(const struct qcow2 *q, uint64_t off)
{
	return off >> q->cluster_bits;
}

bool qcow2_is_meta(const struct qcow2 *q, uint64_t off)
{
	uint64_t i = off >> q->cluster_bits;
	return i < q->meta_clusters && (q->meta[i / 8] >> (i % 8)) & 1;
}

int qcow2_mark_meta(struct blk *b, uint64_t off, bool on)
{
	struct qcow2 *q = qcow2_of(b);
	uint64_t i = off >> q->cluster_bits;

	if (i > QCOW2_MAX_SIZE >> QCOW2_MIN_CLUSTER_BITS)
		return blk_fail(b, EFBIG, "qcow2 cluster %#llx beyond any sane file",
				(unsigned long long)off);
	if (i >= q->meta_clusters) {
		uint64_t n = (i + 1) * 2 + 64;
		uint8_t *m = realloc(q->meta, (n + 7) / 8);
		if (!m)
			return blk_fail(b, ENOMEM, "out of memory for metadata map");
		memset(m + (q->meta_clusters + 7) / 8, 0,
		       (n + 7) / 8 - (q->meta_clusters + 7) / 8);
		q->meta = m;
		q->meta_clusters = (n + 7) / 8 * 8;
	}
	if (on)
		q->meta[i / 8] |= (uint8_t)(1u << (i % 8));
	else
		q->meta[i / 8] &= (uint8_t)~(1u << (i % 8));
	return 0;
}

int qcow2_cache_init(struct qcow2_cache *c, uint32_t cluster_size)
{
	memset(c, 0, sizeof(*c));
	c->data = malloc((size_t)cluster_size * QCOW2_CACHE_SLOTS);
	return c->data ? 0 : -ENOMEM;
}

void qcow2_cache_free(struct qcow2_cache *c)
{
	free(c->data);
	c->data = NULL;
}

/* Returns the cached table at file offset `off`, reading (and, for L2
 * tables, validating) it on a miss; `fresh` tables start zeroed. */
int qcow2_cache_get(struct blk *b, struct qcow2_cache *c, uint64_t off,
		    bool fresh, uint8_t **table)
{
	struct qcow2 *q = qcow2_of(b);
	unsigned victim = 0;

	for (unsigned i = 0; i < QCOW2_CACHE_SLOTS; i++) {
		if (c->offset[i] == off) {
			c->used[i] = ++c->clock;
			*table = c->data + (size_t)i * q->cluster_size;
			if (fresh)
				memset(*table, 0, q->cluster_size);
			return 0;
		}
		if (c->used[i] < c->used[victim])
			victim = i;
	}
	uint8_t *t = c->data + (size_t)victim * q->cluster_size;
	c->offset[victim] = 0;
	if (fresh) {
		memset(t, 0, q->cluster_size);
	} else {
		int rc = file_pread(b->fd, off, t, q->cluster_size);
		if (rc < 0)
			return blk_fail(b, -rc, "reading table at %#llx: %s",
					(unsigned long long)off, strerror(-rc));
		if (c == &q->l2c && (rc = qcow2_validate_l2(b, off, t)) < 0)
			return rc;
	}
	c->offset[victim] = off;
	c->used[victim] = ++c->clock;
	*table = t;
	return 0;
}

struct qcow2_hdr_fields {
	uint64_t backing_off;
	uint32_t backing_len;
	uint64_t file_size;
};

static int check_features(struct blk *b, struct qcow2 *q, const uint8_t *h,
			  struct blk_error *err)
{
	uint64_t known = QCOW2_INCOMPAT_DIRTY | QCOW2_INCOMPAT_CORRUPT |
			 QCOW2_INCOMPAT_DATA_FILE | QCOW2_INCOMPAT_COMPRESSION |
			 QCOW2_INCOMPAT_EXTL2;

	if (q->incompat & ~known) {
		blk_seterr(err, "%s: qcow2 unknown incompatible features %#llx",
			   b->path, (unsigned long long)(q->incompat & ~known));
		return -ENOTSUP;
	}
	if (q->incompat & QCOW2_INCOMPAT_DATA_FILE) {
		blk_seterr(err, "%s: qcow2 external data file not supported", b->path);
		return -ENOTSUP;
	}
	if (q->incompat & QCOW2_INCOMPAT_EXTL2) {
		blk_seterr(err, "%s: qcow2 extended L2 entries (subclusters) not supported",
			   b->path);
		return -ENOTSUP;
	}
	if (q->incompat & QCOW2_INCOMPAT_COMPRESSION) {
		uint8_t type = q->header_length > QH_COMPRESSION_TYPE ?
			       h[QH_COMPRESSION_TYPE] : 0;
		blk_seterr(err, "%s: qcow2 compression type %u (%s) not supported",
			   b->path, type, type == 1 ? "zstd" : "unknown");
		if (type != 0)
			return -ENOTSUP;
	}
	const char *why = NULL;
	if (q->incompat & QCOW2_INCOMPAT_CORRUPT)
		why = "is marked corrupt";
	else if (q->incompat & QCOW2_INCOMPAT_DIRTY)
		why = "is dirty (lazy refcounts need repair: qemu-img check -r all)";
	if (why && !b->read_only) {
		blk_seterr(err, "%s: qcow2 image %s; it can only be opened read-only",
			   b->path, why);
		return -EROFS;
	}
	return 0;
}

static int parse_geometry(struct blk *b, struct qcow2 *q, const uint8_t *h,
			  struct blk_error *err)
{
	q->cluster_bits = be32_at(h + QH_CLUSTER_BITS);
	if (q->cluster_bits < QCOW2_MIN_CLUSTER_BITS ||
	    q->cluster_bits > QCOW2_MAX_CLUSTER_BITS) {
		blk_seterr(err, "%s: qcow2 cluster_bits %u out of range %d..%d",
			   b->path, q->cluster_bits, QCOW2_MIN_CLUSTER_BITS,
			   QCOW2_MAX_CLUSTER_BITS);
		return -EINVAL;
	}
	q->cluster_size = 1u << q->cluster_bits;
	q->l2_entries = q->cluster_size / 8;
	b->size = be64_at(h + QH_SIZE);
	if (b->size > QCOW2_MAX_SIZE) {
		blk_seterr(err, "%s: qcow2 virtual size %llu is absurd (limit %llu)",
			   b->path, (unsigned long long)b->size,
			   (unsigned long long)QCOW2_MAX_SIZE);
		return -EFBIG;
	}
	if (be32_at(h + QH_CRYPT)) {
		blk_seterr(err, "%s: qcow2 encryption (method %u) not supported",
			   b->path, be32_at(h + QH_CRYPT));
		return -ENOTSUP;
	}
	uint64_t per_l2 = (uint64_t)q->cluster_size * q->l2_entries;
	uint64_t need = (b->size + per_l2 - 1) / per_l2;
	q->l1_size = be32_at(h + QH_L1_SIZE);
	if (q->l1_size < need || (uint64_t)q->l1_size * 8 > QCOW2_MAX_L1_BYTES) {
		blk_seterr(err, "%s: qcow2 L1 table size %u wrong for virtual size %llu"
			   " (needs %llu entries, at most %u)", b->path, q->l1_size,
			   (unsigned long long)b->size, (unsigned long long)need,
			   QCOW2_MAX_L1_BYTES / 8);
		return -EINVAL;
	}
	q->rt_clusters = be32_at(h + QH_RT_CLUSTERS);
	if (q->rt_clusters == 0 ||
	    (uint64_t)q->rt_clusters * q->cluster_size > QCOW2_MAX_RT_BYTES) {
		blk_seterr(err, "%s: qcow2 refcount table of %u clusters is absurd",
			   b->path, q->rt_clusters);
		return -EINVAL;
	}
	q->rt_entries = (uint64_t)q->rt_clusters * q->cluster_size / 8;
	return 0;
}

static int parse_v3_fields(struct blk *b, struct qcow2 *q, const uint8_t *h,
			   struct blk_error *err)
{
	q->refcount_order = 4;
	q->header_length = QCOW2_V2_HEADER_LEN;
	if (q->version < 3)
		return 0;
	q->incompat = be64_at(h + QH_INCOMPAT);
	q->compat = be64_at(h + QH_COMPAT);
	q->autoclear = be64_at(h + QH_AUTOCLEAR);
	q->refcount_order = be32_at(h + QH_REFCOUNT_ORDER);
	q->header_length = be32_at(h + QH_HEADER_LEN);
	if (q->refcount_order > 6) {
		blk_seterr(err, "%s: qcow2 refcount_order %u invalid (at most 6)",
			   b->path, q->refcount_order);
		return -EINVAL;
	}
	if (q->header_length < QCOW2_V3_HEADER_LEN ||
	    q->header_length > q->cluster_size || q->header_length % 8) {
		blk_seterr(err, "%s: qcow2 header_length %u invalid", b->path,
			   q->header_length);
		return -EINVAL;
	}
	return 0;
}

/* An on-disk region [off, off+len) must be cluster aligned and in the file. */
static int check_region(struct blk *b, struct qcow2 *q, const char *what,
			uint64_t off, uint64_t len, uint64_t file_size,
			struct blk_error *err)
{
	if (off & (q->cluster_size - 1)) {
		blk_seterr(err, "%s: qcow2 %s offset %#llx not cluster aligned",
			   b->path, what, (unsigned long long)off);
		return -EINVAL;
	}
	if (off == 0 || off > file_size || len > file_size - off) {
		blk_seterr(err, "%s: qcow2 %s at %#llx+%llu lies outside the file"
			   " (size %llu) or on the header", b->path, what,
			   (unsigned long long)off, (unsigned long long)len,
			   (unsigned long long)file_size);
		return -EINVAL;
	}
	return 0;
}

/* Marks [off, off+len) as metadata; refuses overlap with earlier metadata. */
static int claim_meta(struct blk *b, struct qcow2 *q, const char *what,
		      uint64_t off, uint64_t len, struct blk_error *err)
{
	for (uint64_t c = off; c < off + len; c += q->cluster_size) {
		if (qcow2_is_meta(q, c)) {
			blk_seterr(err, "%s: qcow2 %s at %#llx overlaps other metadata",
				   b->path, what, (unsigned long long)c);
			return -EINVAL;
		}
		if (qcow2_mark_meta(b, c, true) < 0) {
			blk_seterr(err, "%s: out of memory", b->path);
			return -ENOMEM;
		}
	}
	return 0;
}

static int load_table(struct blk *b, uint64_t off, uint32_t n, uint64_t **out,
		      struct blk_error *err)
{
	uint64_t *t = calloc(n ? n : 1, 8);
	if (!t) {
		blk_seterr(err, "%s: out of memory", b->path);
		return -ENOMEM;
	}
	int rc = n ? file_pread(b->fd, off, t, (size_t)n * 8) : 0;
	if (rc < 0) {
		blk_seterr(err, "%s: reading table at %#llx: %s", b->path,
			   (unsigned long long)off, strerror(-rc));
		free(t);
		return rc;
	}
	for (uint32_t i = 0; i < n; i++)
		t[i] = be64_at((uint8_t *)&t[i]);
	*out = t;
	return 0;
}

/* Header extensions follow the header inside cluster 0; the only one we
 * use is the backing format name. */
static int parse_extensions(struct blk *b, struct qcow2 *q, const uint8_t *c0,
			    uint64_t backing_off, struct blk_error *err)
{
	uint64_t end = backing_off && backing_off < q->cluster_size ?
		       backing_off : q->cluster_size;
	uint64_t p = q->header_length;

	while (p + 8 <= end) {
		uint32_t type = be32_at(c0 + p), len = be32_at(c0 + p + 4);
		if (type == QCOW2_EXT_END)
			return 0;
		if (len > end - p - 8) {
			blk_seterr(err, "%s: qcow2 header extension %#x at %llu overruns"
				   " the header cluster", b->path, type,
				   (unsigned long long)p);
			return -EINVAL;
		}
		if (type == QCOW2_EXT_BACKING_FMT) {
			free(b->backing_fmt);
			b->backing_fmt = strndup((const char *)c0 + p + 8, len);
			if (!b->backing_fmt)
				return -ENOMEM;
		}
		p += 8 + (((uint64_t)len + 7) & ~7ull);
	}
	return 0;
}

static int parse_backing(struct blk *b, struct qcow2 *q, const uint8_t *c0,
			 uint64_t off, uint32_t len, struct blk_error *err)
{
	if (!off)
		return 0;
	if (len == 0 || len > QCOW2_MAX_BACKING_NAME || off > q->cluster_size ||
	    len > q->cluster_size - off) {
		blk_seterr(err, "%s: qcow2 backing file name at %llu, length %u,"
			   " is not inside the header cluster or too long", b->path,
			   (unsigned long long)off, len);
		return -EINVAL;
	}
	if (memchr(c0 + off, 0, len)) {
		blk_seterr(err, "%s: qcow2 backing file name contains a NUL byte",
			   b->path);
		return -EINVAL;
	}
	b->backing_name = strndup((const char *)c0 + off, len);
	return b->backing_name ? 0 : -ENOMEM;
}

static int load_l1(struct blk *b, struct qcow2 *q, uint64_t fsize,
		   struct blk_error *err)
{
	int rc = check_region(b, q, "L1 table", q->l1_offset,
			      (uint64_t)q->l1_size * 8, fsize, err);
	if (q->l1_size == 0)
		rc = 0;
	if (rc < 0 || (rc = claim_meta(b, q, "L1 table", q->l1_offset,
				       (uint64_t)q->l1_size * 8, err)) < 0 ||
	    (rc = load_table(b, q->l1_offset, q->l1_size, &q->l1, err)) < 0)
		return rc;
	return 0;
}

static int load_refcounts(struct blk *b, struct qcow2 *q, uint64_t fsize,
			  struct blk_error *err)
{
	uint64_t len = (uint64_t)q->rt_clusters * q->cluster_size;
	int rc = check_region(b, q, "refcount table", q->rt_offset, len, fsize, err);

	if (rc < 0 || (rc = claim_meta(b, q, "refcount table", q->rt_offset, len,
				       err)) < 0 ||
	    (rc = load_table(b, q->rt_offset, (uint32_t)q->rt_entries, &q->rt,
			     err)) < 0)
		return rc;
	for (uint64_t i = 0; i < q->rt_entries; i++) {
		uint64_t rb = q->rt[i];
		if (!rb)
			continue;
		if ((rc = check_region(b, q, "refcount block", rb, q->cluster_size,
				       fsize, err)) < 0 ||
		    (rc = claim_meta(b, q, "refcount block", rb, q->cluster_size,
				     err)) < 0)
			return rc;
	}
	return 0;
}

/* Every L2 table must lie in the file, away from all other metadata. */
static int claim_l2_tables(struct blk *b, struct qcow2 *q, uint64_t fsize,
			   struct blk_error *err)
{
	for (uint32_t i = 0; i < q->l1_size; i++) {
		uint64_t e = q->l1[i];
		if (e & QCOW2_L1_RESERVED) {
			blk_seterr(err, "%s: qcow2 L1 entry %u (%#llx) has reserved bits set",
				   b->path, i, (unsigned long long)e);
			return -EINVAL;
		}
		uint64_t l2 = e & QCOW2_OFFSET_MASK;
		if (!l2)
			continue;
		char what[48];
		snprintf(what, sizeof(what), "L2 table of L1 entry %u", i);
		int rc = check_region(b, q, what, l2, q->cluster_size, fsize, err);
		if (rc < 0 || (rc = claim_meta(b, q, what, l2, q->cluster_size, err)) < 0)
			return rc;
	}
	return 0;
}

/* The snapshot table and each snapshot's L1 table are metadata; the L2
 * tables they point to are shared with the active L1 (refcount > 1). */
static int claim_snapshot_table(struct blk *b, struct qcow2 *q, uint64_t fsize,
				struct blk_error *err)
{
	int rc;

	if (!q->nb_snapshots)
		return 0;
	if (q->nb_snapshots > QCOW2_MAX_SNAPSHOTS) {
		blk_seterr(err, "%s: qcow2 claims %u snapshots (at most %u)", b->path,
			   q->nb_snapshots, QCOW2_MAX_SNAPSHOTS);
		return -EINVAL;
	}
	if ((rc = check_region(b, q, "snapshot table", q->snapshots_offset, 1,
			       fsize, err)) < 0 ||
	    (rc = qcow2_snapshots_load(b, fsize, err)) < 0 ||
	    (rc = claim_meta(b, q, "snapshot table", q->snapshots_offset,
			     q->snapshots_len, err)) < 0)
		return rc;
	for (uint32_t i = 0; i < q->nb_snapshots && rc == 0; i++)
		if (q->snap_l1_size[i])
			rc = claim_meta(b, q, "snapshot L1 table", q->snap_l1[i],
					(uint64_t)q->snap_l1_size[i] * 8, err);
	return rc;
}

static int read_header(struct blk *b, struct qcow2 *q, uint8_t *c0,
		       struct qcow2_hdr_fields *f, struct blk_error *err)
{
	int rc;

	if (f->file_size < QCOW2_V2_HEADER_LEN) {
		blk_seterr(err, "%s: qcow2 header truncated (file is %llu bytes)",
			   b->path, (unsigned long long)f->file_size);
		return -EINVAL;
	}
	if ((rc = file_pread(b->fd, 0, c0, 1u << QCOW2_MIN_CLUSTER_BITS)) < 0)
		goto io;
	if (be32_at(c0) != QCOW2_MAGIC) {
		blk_seterr(err, "%s: not a qcow2 image (bad magic)", b->path);
		return -EINVAL;
	}
	q->version = (int)be32_at(c0 + 4);
	if (q->version != 2 && q->version != 3) {
		blk_seterr(err, "%s: qcow2 version %d not supported", b->path, q->version);
		return -ENOTSUP;
	}
	if ((rc = parse_geometry(b, q, c0, err)) < 0)
		return rc;
	if ((rc = file_pread(b->fd, 0, c0, q->cluster_size)) < 0)
		goto io;
	if ((rc = parse_v3_fields(b, q, c0, err)) < 0 ||
	    (rc = check_features(b, q, c0, err)) < 0)
		return rc;
	f->backing_off = be64_at(c0 + QH_BACKING_OFFSET);
	f->backing_len = be32_at(c0 + QH_BACKING_SIZE);
	q->l1_offset = be64_at(c0 + QH_L1_OFFSET);
	q->rt_offset = be64_at(c0 + QH_RT_OFFSET);
	q->nb_snapshots = be32_at(c0 + QH_NB_SNAPSHOTS);
	q->snapshots_offset = be64_at(c0 + QH_SNAPSHOTS_OFFSET);
	q->refcount_max = q->refcount_order == 6 ? UINT64_MAX :
			  (1ull << (1u << q->refcount_order)) - 1;
	q->rb_entries = (uint64_t)q->cluster_size * 8 >> q->refcount_order;
	return 0;
io:
	blk_seterr(err, "%s: reading qcow2 header: %s", b->path, strerror(-rc));
	return rc;
}

static int clear_autoclear(struct blk *b, struct qcow2 *q, struct blk_error *err)
{
	uint8_t zero[8] = { 0 };

	if (b->read_only || q->version < 3 || !q->autoclear)
		return 0;
	int rc = file_pwrite(b->fd, QH_AUTOCLEAR, zero, sizeof(zero));
	if (rc < 0)
		blk_seterr(err, "%s: clearing autoclear bits: %s", b->path, strerror(-rc));
	q->autoclear = 0;
	return rc;
}

static int qcow2_open(struct blk *b, struct blk_error *err)
{
	struct qcow2 *q = calloc(1, sizeof(*q));
	uint8_t *c0 = malloc(1u << QCOW2_MAX_CLUSTER_BITS);
	struct qcow2_hdr_fields f = { 0 };
	int rc = -ENOMEM;

	b->priv = q;
	if (!q || !c0 || (rc = file_size(b->fd, &f.file_size)) < 0) {
		blk_seterr(err, "%s: %s", b->path, strerror(-rc));
		goto out;
	}
	if ((rc = read_header(b, q, c0, &f, err)) < 0 ||
	    (rc = parse_extensions(b, q, c0, f.backing_off, err)) < 0 ||
	    (rc = parse_backing(b, q, c0, f.backing_off, f.backing_len, err)) < 0 ||
	    (rc = claim_meta(b, q, "header", 0, q->cluster_size, err)) < 0 ||
	    (rc = load_refcounts(b, q, f.file_size, err)) < 0 ||
	    (rc = load_l1(b, q, f.file_size, err)) < 0 ||
	    (rc = claim_l2_tables(b, q, f.file_size, err)) < 0)
		goto out;
	if ((rc = claim_snapshot_table(b, q, f.file_size, err)) < 0)
		goto out;
	b->cluster_size = q->cluster_size;
	q->file_end = (f.file_size + q->cluster_size - 1) & ~(uint64_t)(q->cluster_size - 1);
	q->phys_end = f.file_size;
	q->free_hint = 1;
	pthread_rwlock_init(&q->pin, NULL);
	pthread_cond_init(&q->busy_cv, NULL);
	q->pin_ready = true;
	if (qcow2_cache_init(&q->l2c, q->cluster_size) < 0 ||
	    qcow2_cache_init(&q->rbc, q->cluster_size) < 0) {
		rc = -ENOMEM;
		blk_seterr(err, "%s: out of memory for table caches", b->path);
		goto out;
	}
	rc = clear_autoclear(b, q, err);
out:
	free(c0);
	return rc;
}

static void qcow2_close(struct blk *b)
{
	struct qcow2 *q = qcow2_of(b);

	if (!q)
		return;
	if (!b->read_only && q->pin_ready)
		qcow2_release_all(b);
	qcow2_cache_free(&q->l2c);
	qcow2_cache_free(&q->rbc);
	if (q->pin_ready) {
		pthread_rwlock_destroy(&q->pin);
		pthread_cond_destroy(&q->busy_cv);
	}
	free(q->l1);
	free(q->rt);
	free(q->meta);
	free(q->pending);
	free(q->snap_l1);
	free(q->snap_l1_size);
	free(q);
	b->priv = NULL;
}

/* Metadata is written through in dependency order, so one fdatasync makes
 * every completed write stable; queued frees are applied after it. */
static int qcow2_flush(struct blk *b)
{
	return qcow2_flush_and_commit(b);
}

const struct blk_driver blk_qcow2_driver = {
	.name = "qcow2",
	.probe = qcow2_probe,
	.open = qcow2_open,
	.close = qcow2_close,
	.read = qcow2_read,
	.readv = qcow2_readv,
	.write = qcow2_write,
	.writev = qcow2_writev,
	.flush = qcow2_flush,
	.discard = qcow2_discard,
	.status = qcow2_status,
	.check = qcow2_check,
	.create = qcow2_create,
};
