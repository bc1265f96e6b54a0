/*
 * qcow2 guest reads: L1/L2 lookup, reads (plain, zero, compressed with
 * zlib raw deflate, or from the backing chain) and block status; writes
 * and discard are in qcow2_write.c.  Entry layouts follow QEMU's
 * docs/interop/qcow2.txt ("Cluster mapping").
 *
 * Locking: b->lock covers lookups and every metadata change; data I/O on
 * clusters already allocated in this image runs outside it, holding q->pin
 * for reading so no cluster is freed (and reused) under it.
 */
#include <errno.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <zlib.h>

#include "qcow2.h"

static void decode_entry(const struct qcow2 *q, uint64_t e, struct qcow2_map *m)
{
	memset(m, 0, sizeof(*m));
	m->entry = e;
	if (e & QCOW2_OFLAG_COMPRESSED) {
		unsigned x = 62 - (q->cluster_bits - 8);
		uint64_t nsect = (e >> x) & ((1ull << (q->cluster_bits - 8)) - 1);
		m->kind = Q_COMPRESSED;
		m->c_off = e & ((1ull << x) - 1);
		m->c_len = (nsect + 1) * 512 - (m->c_off & 511);
		return;
	}
	m->host = e & QCOW2_OFFSET_MASK;
	if (q->version >= 3 && (e & QCOW2_OFLAG_ZERO))
		m->kind = Q_ZERO;
	else
		m->kind = m->host ? Q_NORMAL : Q_UNALLOC;
}

int qcow2_validate_l2(struct blk *b, uint64_t l2_off, const uint8_t *table)
{
	struct qcow2 *q = qcow2_of(b);
	uint64_t reserved = QCOW2_L2_RESERVED | (q->version < 3 ? QCOW2_OFLAG_ZERO : 0);

	for (uint32_t i = 0; i < q->l2_entries; i++) {
		uint64_t e = be64_at(table + (size_t)i * 8);
		struct qcow2_map m;
		const char *why = NULL;
		decode_entry(q, e, &m);
		if (m.kind == Q_COMPRESSED) {
			if (m.c_off >= q->file_end || m.c_off < q->cluster_size)
				why = "compressed data lies outside the file";
		} else if (e & reserved) {
			why = "reserved bits are set";
		} else if (m.host & (q->cluster_size - 1)) {
			why = "data cluster offset is not cluster aligned";
		} else if (m.host && m.host >= q->file_end) {
			why = "data cluster lies beyond the end of the file";
		} else if (m.host && qcow2_is_meta(q, m.host)) {
			why = "data cluster points into metadata";
		}
		if (why)
			return blk_fail(b, EUCLEAN, "qcow2 L2 table at %#llx entry %u"
					" (%#llx): %s", (unsigned long long)l2_off, i,
					(unsigned long long)e, why);
	}
	return 0;
}

/* Precondition: b->lock held.  Fills m for the cluster holding `guest`. */
int qcow2_lookup(struct blk *b, uint64_t guest, struct qcow2_map *m)
{
	struct qcow2 *q = qcow2_of(b);
	uint64_t cl = guest >> q->cluster_bits;
	uint64_t l1i = cl / q->l2_entries, l2i = cl % q->l2_entries;
	uint8_t *t;

	memset(m, 0, sizeof(*m));
	if (l1i >= q->l1_size || !(q->l1[l1i] & QCOW2_OFFSET_MASK))
		return 0;
	int r = qcow2_cache_get(b, &q->l2c, q->l1[l1i] & QCOW2_OFFSET_MASK, false, &t);
	if (r < 0)
		return r;
	decode_entry(q, be64_at(t + l2i * 8), m);
	return 0;
}

int qcow2_decompress(struct blk *b, const struct qcow2_map *m, uint8_t *out)
{
	struct qcow2 *q = qcow2_of(b);
	uint8_t *in = malloc(m->c_len);
	z_stream zs = { 0 };
	int r;

	if (!in)
		return blk_fail(b, ENOMEM, "out of memory");
	if ((r = file_pread(b->fd, m->c_off, in, m->c_len)) < 0) {
		free(in);
		return blk_fail(b, -r, "reading compressed cluster: %s", strerror(-r));
	}
	zs.next_in = in;
	zs.avail_in = (uInt)m->c_len;
	zs.next_out = out;
	zs.avail_out = q->cluster_size;
	r = inflateInit2(&zs, -12) == Z_OK ? inflate(&zs, Z_FINISH) : Z_MEM_ERROR;
	bool ok = (r == Z_STREAM_END || r == Z_BUF_ERROR || r == Z_OK) &&
		  zs.avail_out == 0;
	inflateEnd(&zs);
	free(in);
	if (!ok)
		return blk_fail(b, EUCLEAN, "qcow2 compressed cluster at %#llx does not"
				" inflate to a full cluster", (unsigned long long)m->c_off);
	return 0;
}

/* Counts clusters after `guest` that continue a plain host-contiguous run. */
static size_t contiguous_bytes(struct blk *b, uint64_t guest, uint64_t host,
			       size_t first, size_t len)
{
	struct qcow2 *q = qcow2_of(b);
	size_t n = first;
	struct qcow2_map m;

	while (n < len) {
		uint64_t g = guest + n;
		if (qcow2_lookup(b, g, &m) < 0 || m.kind != Q_NORMAL ||
		    m.host != host + (g - guest))
			break;
		n += len - n < q->cluster_size ? len - n : q->cluster_size;
	}
	return n;
}

/* Looks up the run at `off` (at most len bytes, within one cluster unless
 * plain and host-contiguous): its map, its length *n, and, when its data
 * is in this file, pins it (*pinned) so it is not freed under the read. */
static int lookup_run(struct blk *b, uint64_t off, size_t len, struct qcow2_map *m,
		      size_t *n, bool *pinned)
{
	struct qcow2 *q = qcow2_of(b);
	uint64_t in = off & (q->cluster_size - 1);
	int r;

	*n = q->cluster_size - in < len ? q->cluster_size - in : len;
	pthread_mutex_lock(&b->lock);
	r = qcow2_lookup(b, off, m);
	if (r == 0 && m->kind == Q_NORMAL)
		*n = contiguous_bytes(b, off - in, m->host, in + *n, in + len) - in;
	*pinned = r == 0 && (m->kind == Q_NORMAL || m->kind == Q_COMPRESSED);
	if (*pinned)
		pthread_rwlock_rdlock(&q->pin);
	pthread_mutex_unlock(&b->lock);
	return r;
}

/* Reads n bytes of a looked-up run into buf. */
static int read_mapped(struct blk *b, uint64_t off, const struct qcow2_map *m,
		       uint8_t *buf, size_t n)
{
	struct qcow2 *q = qcow2_of(b);
	uint64_t in = off & (q->cluster_size - 1);
	int r = 0;

	switch (m->kind) {
	case Q_UNALLOC:
		r = blk_read_backing(b, off, buf, n);
		break;
	case Q_ZERO:
		memset(buf, 0, n);
		break;
	case Q_NORMAL:
		r = file_pread(b->fd, m->host + in, buf, n);
		if (r < 0)
			r = blk_fail(b, -r, "reading data at %#llx: %s",
				     (unsigned long long)(m->host + in), strerror(-r));
		break;
	case Q_COMPRESSED: {
		uint8_t *tmp = malloc(q->cluster_size);
		r = tmp ? qcow2_decompress(b, m, tmp) : blk_fail(b, ENOMEM, "out of memory");
		if (r == 0)
			memcpy(buf, tmp + in, n);
		free(tmp);
		break;
	}
	}
	return r;
}

/* Reads part of one run starting at `off`; returns bytes done or -errno. */
static long read_run(struct blk *b, uint64_t off, uint8_t *buf, size_t len)
{
	struct qcow2 *q = qcow2_of(b);
	struct qcow2_map m;
	bool pinned;
	size_t n;
	int r = lookup_run(b, off, len, &m, &n, &pinned);

	if (r < 0)
		return r;
	r = read_mapped(b, off, &m, buf, n);
	if (pinned)
		pthread_rwlock_unlock(&q->pin);
	return r < 0 ? r : (long)n;
}

int qcow2_read(struct blk *b, uint64_t off, void *buf, size_t len)
{
	uint8_t *p = buf;

	while (len) {
		long n = read_run(b, off, p, len);
		if (n < 0)
			return (int)n;
		p += n;
		off += (uint64_t)n;
		len -= (size_t)n;
	}
	return 0;
}

int qcow2_iov_part(const struct iovec *iov, int iovcnt, size_t skip, size_t len,
		    struct iovec *part)
{
	int n = 0;

	for (int i = 0; i < iovcnt && len; i++) {
		size_t here = iov[i].iov_len;
		if (skip >= here) {
			skip -= here;
			continue;
		}
		here -= skip;
		if (here > len)
			here = len;
		part[n++] = (struct iovec){ (uint8_t *)iov[i].iov_base + skip, here };
		skip = 0;
		len -= here;
	}
	return n;
}

/* read_run into part (the caller's room for iovcnt entries): plain data
 * straight into the buffers, anything else through a temporary one. */
static long readv_run(struct blk *b, uint64_t off, const struct iovec *iov, int iovcnt,
		      size_t skip, size_t len, struct iovec *part)
{
	struct qcow2 *q = qcow2_of(b);
	uint64_t in = off & (q->cluster_size - 1);
	struct qcow2_map m;
	bool pinned;
	size_t n;
	int r = lookup_run(b, off, len, &m, &n, &pinned), parts;
	uint8_t *tmp;

	if (r < 0)
		return r;
	parts = qcow2_iov_part(iov, iovcnt, skip, n, part);
	if (m.kind == Q_NORMAL) {
		r = file_preadv(b->fd, m.host + in, part, parts);
		if (r < 0)
			r = blk_fail(b, -r, "reading data at %#llx: %s",
				     (unsigned long long)(m.host + in), strerror(-r));
	} else if (!(tmp = malloc(n))) {
		r = blk_fail(b, ENOMEM, "out of memory");
	} else {
		r = read_mapped(b, off, &m, tmp, n);
		for (int i = 0, at = 0; r == 0 && i < parts; at += (int)part[i].iov_len, i++)
			memcpy(part[i].iov_base, tmp + at, part[i].iov_len);
		free(tmp);
	}
	if (pinned)
		pthread_rwlock_unlock(&q->pin);
	return r < 0 ? r : (long)n;
}

int qcow2_vector_runs(struct blk *b, uint64_t off, const struct iovec *iov, int iovcnt,
		      qcow2_run_fn *run)
{
	struct iovec *part = malloc((size_t)iovcnt * sizeof(*part));
	size_t total = 0, done = 0;
	long n = 0;

	if (!part)
		return blk_fail(b, ENOMEM, "out of memory");
	for (int i = 0; i < iovcnt; i++)
		total += iov[i].iov_len;
	while (done < total && (n = run(b, off + done, iov, iovcnt, done, total - done,
					part)) >= 0)
		done += (size_t)n;
	free(part);
	return n < 0 ? (int)n : 0;
}

/* Precondition (blk_preadv): 1 <= iovcnt <= BLK_MAX_IOV, range checked. */
int qcow2_readv(struct blk *b, uint64_t off, const struct iovec *iov, int iovcnt)
{
	return qcow2_vector_runs(b, off, iov, iovcnt, readv_run);
}

static enum blk_extent_kind extent_kind(enum qcow2_kind k)
{
	switch (k) {
	case Q_ZERO: return BLK_EXTENT_ZERO;
	case Q_NORMAL: return BLK_EXTENT_DATA;
	case Q_COMPRESSED: return BLK_EXTENT_COMPRESSED;
	default: return BLK_EXTENT_UNALLOCATED;
	}
}

int qcow2_status(struct blk *b, uint64_t off, uint64_t len,
		 struct blk_extent *ext)
{
	struct qcow2 *q = qcow2_of(b);
	uint64_t cs = q->cluster_size, in = off & (cs - 1), pos = off - in;
	uint64_t span = cs * q->l2_entries;
	struct qcow2_map first, m;
	int r;

	pthread_mutex_lock(&b->lock);
	if ((r = qcow2_lookup(b, off, &first)) < 0)
		goto out;
	memset(ext, 0, sizeof(*ext));
	ext->kind = extent_kind(first.kind);
	if (first.kind == Q_NORMAL) {
		ext->host_offset = first.host + in;
		ext->has_host_offset = true;
	}
	while (pos < off + len) {
		uint64_t l1i = pos / span;
		if (first.kind == Q_UNALLOC && l1i < q->l1_size &&
		    !(q->l1[l1i] & QCOW2_OFFSET_MASK)) {
			pos = (l1i + 1) * span;
			continue;
		}
		if ((r = qcow2_lookup(b, pos, &m)) < 0)
			goto out;
		if (m.kind != first.kind ||
		    (m.kind == Q_NORMAL && m.host != first.host + (pos - (off - in))))
			break;
		pos += cs;
	}
	ext->length = (pos < off + len ? pos : off + len) - off;
out:
	pthread_mutex_unlock(&b->lock);
	return r;
}
