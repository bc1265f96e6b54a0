/*
 * Creating empty qcow2 images (version 2 or 3, any cluster size from 512
 * bytes to 2 MiB, 16-bit refcounts, optional backing file and format).
 * Layout, as qemu-img lays it out: cluster 0 the header (extensions and
 * backing name after it), cluster 1 the refcount table, cluster 2 the
 * first refcount block, then the L1 table.  Facts from QEMU's
 * docs/interop/qcow2.txt.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "qcow2.h"

struct qcow2_layout {
	unsigned cluster_bits;
	uint32_t cs;
	uint32_t l1_size;
	uint64_t l1_clusters;
	uint64_t total_clusters; /* header + table + block + L1 */
};

static int plan_layout(const char *path, const struct blk_create_opts *o,
		       uint64_t size, struct qcow2_layout *l, struct blk_error *err)
{
	uint32_t cs = o->cluster_size ? o->cluster_size : 65536;

	if (cs < 512 || cs > (1u << QCOW2_MAX_CLUSTER_BITS) || (cs & (cs - 1))) {
		blk_seterr(err, "%s: cluster size %u must be a power of two from"
			   " 512 to 2M", path, cs);
		return -EINVAL;
	}
	l->cs = cs;
	l->cluster_bits = (unsigned)__builtin_ctz(cs);
	uint64_t per_l2 = (uint64_t)cs * (cs / 8);
	uint64_t l1 = (size + per_l2 - 1) / per_l2;
	l->l1_clusters = (l1 * 8 + cs - 1) / cs;
	l->total_clusters = 3 + l->l1_clusters;
	if (size > QCOW2_MAX_SIZE || l1 * 8 > QCOW2_MAX_L1_BYTES ||
	    l->total_clusters > (uint64_t)cs * 8 / 16) {
		blk_seterr(err, "%s: size %llu too large for cluster size %u",
			   path, (unsigned long long)size, cs);
		return -EFBIG;
	}
	l->l1_size = (uint32_t)l1;
	return 0;
}

/* Fills cluster 0; returns -ENAMETOOLONG if the names do not fit. */
static int fill_header(uint8_t *h, const struct blk_create_opts *o, uint64_t size,
		       const struct qcow2_layout *l, int version)
{
	uint32_t hlen = version == 2 ? QCOW2_V2_HEADER_LEN : QCOW2_V3_HEADER_LEN;
	uint64_t p = hlen;

	put_be32(h, QCOW2_MAGIC);
	put_be32(h + 4, (uint32_t)version);
	put_be32(h + QH_CLUSTER_BITS, l->cluster_bits);
	put_be64(h + QH_SIZE, size);
	put_be32(h + QH_L1_SIZE, l->l1_size);
	put_be64(h + QH_L1_OFFSET, 3ull * l->cs);
	put_be64(h + QH_RT_OFFSET, 1ull * l->cs);
	put_be32(h + QH_RT_CLUSTERS, 1);
	if (version == 3) {
		put_be32(h + QH_REFCOUNT_ORDER, 4);
		put_be32(h + QH_HEADER_LEN, hlen);
	}
	if (o->backing_fmt) {
		size_t n = strlen(o->backing_fmt);
		if (p + 16 + n > l->cs)
			return -ENAMETOOLONG;
		put_be32(h + p, QCOW2_EXT_BACKING_FMT);
		put_be32(h + p + 4, (uint32_t)n);
		memcpy(h + p + 8, o->backing_fmt, n);
		p += 8 + ((n + 7) & ~(size_t)7);
	}
	p += 8; /* end-of-extensions marker: type 0, length 0 */
	if (o->backing) {
		size_t n = strlen(o->backing);
		if (n > QCOW2_MAX_BACKING_NAME || p + n > l->cs)
			return -ENAMETOOLONG;
		put_be64(h + QH_BACKING_OFFSET, p);
		put_be32(h + QH_BACKING_SIZE, (uint32_t)n);
		memcpy(h + p, o->backing, n);
	}
	return 0;
}

static int backing_size(const char *path, const struct blk_create_opts *o,
			uint64_t *size, struct blk_error *err)
{
	struct blk *bk;
	const char *slash = strrchr(path, '/');
	char *full = NULL;

	if (o->backing[0] != '/' && slash) {
		size_t d = (size_t)(slash - path) + 1;
		full = malloc(d + strlen(o->backing) + 1);
		if (!full)
			return -ENOMEM;
		memcpy(full, path, d);
		strcpy(full + d, o->backing);
	}
	int rc = blk_open(&bk, full ? full : o->backing, o->backing_fmt,
			  BLK_OPEN_RDONLY, err);
	free(full);
	if (rc < 0)
		return rc;
	*size = blk_size(bk);
	blk_close(bk);
	return 0;
}

static int write_layout(int fd, const uint8_t *h, const struct qcow2_layout *l)
{
	uint8_t *c = calloc(1, l->cs);
	int rc;

	if (!c)
		return -ENOMEM;
	if ((rc = file_pwrite(fd, 0, h, l->cs)) < 0)
		goto out;
	put_be64(c, 2ull * l->cs);
	if ((rc = file_pwrite(fd, l->cs, c, l->cs)) < 0)
		goto out;
	memset(c, 0, l->cs);
	for (uint64_t i = 0; i < l->total_clusters; i++)
		put_be16(c + i * 2, 1);
	if ((rc = file_pwrite(fd, 2ull * l->cs, c, l->cs)) < 0)
		goto out;
	if (ftruncate(fd, (off_t)(l->total_clusters * l->cs)) < 0)
		rc = -errno;
	else
		rc = file_sync(fd);
out:
	free(c);
	return rc;
}

int qcow2_create(const char *path, const struct blk_create_opts *o,
		 struct blk_error *err)
{
	int version = o->qcow2_version ? o->qcow2_version : 3;
	uint64_t size = o->size;
	struct qcow2_layout l;
	int rc;

	if (version != 2 && version != 3) {
		blk_seterr(err, "%s: qcow2 version %d not supported", path, version);
		return -EINVAL;
	}
	if (o->backing && !size && (rc = backing_size(path, o, &size, err)) < 0)
		return rc;
	if ((rc = plan_layout(path, o, size, &l, err)) < 0)
		return rc;
	uint8_t *h = calloc(1, l.cs);
	if (!h)
		return -ENOMEM;
	if ((rc = fill_header(h, o, size, &l, version)) < 0) {
		blk_seterr(err, "%s: backing file name too long", path);
		free(h);
		return rc;
	}
	int fd = open(path, O_RDWR | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
	if (fd < 0) {
		rc = -errno;
		blk_seterr(err, "%s: cannot create: %s", path, strerror(errno));
	} else {
		if ((rc = write_layout(fd, h, &l)) < 0)
			blk_seterr(err, "%s: writing: %s", path, strerror(-rc));
		close(fd);
	}
	free(h);
	return rc;
}
