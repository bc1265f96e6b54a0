/*
 * Block layer front door: opens an image (probing its format when none is
 * named), opens its backing chain read-only with loop and depth limits,
 * range-checks every request against the virtual size and hands it to the
 * format's ops table.  Flush and FUA follow the usual disk rules: a write
 * that completed before a flush completed is stable once the flush is.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "block_int.h"

static const struct blk_driver *const blk_drivers[] = {
	&blk_qcow2_driver, &blk_vhd_driver, &blk_raw_driver,
};
#define N_DRIVERS (sizeof(blk_drivers) / sizeof(blk_drivers[0]))

struct chain_seen {
	dev_t dev[BLK_MAX_CHAIN_DEPTH + 1];
	ino_t ino[BLK_MAX_CHAIN_DEPTH + 1];
	unsigned n;
};

void blk_seterr(struct blk_error *err, const char *fmt, ...)
{
	va_list ap;

	if (!err)
		return;
	va_start(ap, fmt);
	vsnprintf(err->msg, sizeof(err->msg), fmt, ap);
	va_end(ap);
}

int blk_fail(struct blk *b, int err_no, const char *fmt, ...)
{
	va_list ap;

	pthread_mutex_lock(&b->err_lock);
	int n = snprintf(b->last_error, sizeof(b->last_error), "%s: ", b->path);
	va_start(ap, fmt);
	if (n > 0 && (size_t)n < sizeof(b->last_error))
		vsnprintf(b->last_error + n, sizeof(b->last_error) - (size_t)n,
			  fmt, ap);
	va_end(ap);
	pthread_mutex_unlock(&b->err_lock);
	return -err_no;
}

const char *blk_last_error(struct blk *b)
{
	return b->last_error[0] ? b->last_error : "no error recorded";
}

static const struct blk_driver *driver_by_name(const char *name)
{
	for (size_t i = 0; i < N_DRIVERS; i++) {
		const struct blk_driver *d = blk_drivers[i];
		if (!strcmp(d->name, name) || (d->alias && !strcmp(d->alias, name)))
			return d;
	}
	return NULL;
}

static const struct blk_driver *probe_format(int fd)
{
	uint8_t head[BLK_PROBE_LEN] = { 0 }, tail[BLK_PROBE_LEN] = { 0 };
	uint64_t size = 0;
	const struct blk_driver *best = &blk_raw_driver;
	int best_score = 0;

	if (file_size(fd, &size) < 0 || file_pread(fd, 0, head, sizeof(head)) < 0)
		return NULL;
	if (size >= BLK_PROBE_LEN &&
	    file_pread(fd, size - BLK_PROBE_LEN, tail, sizeof(tail)) < 0)
		return NULL;
	for (size_t i = 0; i < N_DRIVERS; i++) {
		int score = blk_drivers[i]->probe(head, tail);
		if (score > best_score) {
			best_score = score;
			best = blk_drivers[i];
		}
	}
	return best;
}

/* Resolves a backing name relative to the directory of the image. */
static char *backing_path(const char *image, const char *name)
{
	if (name[0] == '/')
		return strdup(name);
	const char *slash = strrchr(image, '/');
	size_t dirlen = slash ? (size_t)(slash - image) + 1 : 0;
	char *p = malloc(dirlen + strlen(name) + 1);
	if (!p)
		return NULL;
	memcpy(p, image, dirlen);
	strcpy(p + dirlen, name);
	return p;
}

static int open_chain(struct blk **out, const char *path, const char *fmt,
		      unsigned flags, struct chain_seen *seen,
		      struct blk_error *err);

static int open_backing(struct blk *b, unsigned flags, struct chain_seen *seen,
			struct blk_error *err)
{
	if (seen->n > BLK_MAX_CHAIN_DEPTH) {
		blk_seterr(err, "%s: backing chain deeper than %d images",
			   b->path, BLK_MAX_CHAIN_DEPTH);
		return -ELOOP;
	}
	char *bpath = backing_path(b->path, b->backing_name);
	if (!bpath) {
		blk_seterr(err, "%s: out of memory", b->path);
		return -ENOMEM;
	}
	struct blk_error berr = { { 0 } };
	int rc = open_chain(&b->backing, bpath, b->backing_fmt,
			    flags | BLK_OPEN_RDONLY, seen, &berr);
	/* name the image whose backing failed once, not at every level */
	if (rc < 0 && strstr(berr.msg, "backing"))
		*err = berr;
	else if (rc < 0)
		blk_seterr(err, "%s: backing file: %s", b->path, berr.msg);
	free(bpath);
	return rc;
}

static int note_in_chain(struct blk *b, struct chain_seen *seen,
			 struct blk_error *err)
{
	struct stat st;

	if (fstat(b->fd, &st) < 0) {
		blk_seterr(err, "%s: %s", b->path, strerror(errno));
		return -errno;
	}
	for (unsigned i = 0; i < seen->n; i++) {
		if (seen->dev[i] == st.st_dev && seen->ino[i] == st.st_ino) {
			blk_seterr(err, "%s: backing chain loops back to itself",
				   b->path);
			return -ELOOP;
		}
	}
	seen->dev[seen->n] = st.st_dev;
	seen->ino[seen->n] = st.st_ino;
	seen->n++;
	return 0;
}

static struct blk *blk_alloc(const char *path, bool ro)
{
	struct blk *b = calloc(1, sizeof(*b));
	if (!b)
		return NULL;
	b->fd = -1;
	b->read_only = ro;
	b->path = strdup(path);
	pthread_mutex_init(&b->lock, NULL);
	pthread_mutex_init(&b->err_lock, NULL);
	if (!b->path) {
		free(b);
		return NULL;
	}
	return b;
}

static int open_chain(struct blk **out, const char *path, const char *fmt,
		      unsigned flags, struct chain_seen *seen,
		      struct blk_error *err)
{
	bool ro = flags & BLK_OPEN_RDONLY;
	struct blk *b = blk_alloc(path, ro);
	int rc;

	if (!b) {
		blk_seterr(err, "%s: out of memory", path);
		return -ENOMEM;
	}
	b->fd = open(path, (ro ? O_RDONLY : O_RDWR) | O_CLOEXEC);
	if (b->fd < 0) {
		rc = -errno;
		blk_seterr(err, "%s: cannot open: %s", path, strerror(errno));
		goto fail;
	}
	rc = note_in_chain(b, seen, err);
	if (rc < 0)
		goto fail;
	b->drv = fmt ? driver_by_name(fmt) : probe_format(b->fd);
	if (!b->drv) {
		blk_seterr(err, "%s: unknown format '%s'", path, fmt ? fmt : "?");
		rc = -EINVAL;
		goto fail;
	}
	rc = b->drv->open(b, err);
	if (rc < 0) {
		if (b->drv->close)
			b->drv->close(b);
		b->drv = NULL;
		goto fail;
	}
	if (b->backing_name && !(flags & BLK_OPEN_NO_BACKING)) {
		rc = open_backing(b, flags, seen, err);
		if (rc < 0)
			goto fail;
	}
	*out = b;
	return 0;
fail:
	blk_close(b);
	return rc;
}

int blk_open(struct blk **out, const char *path, const char *fmt,
	     unsigned flags, struct blk_error *err)
{
	struct chain_seen seen = { .n = 0 };

	*out = NULL;
	return open_chain(out, path, fmt, flags, &seen, err);
}

void blk_close(struct blk *b)
{
	if (!b)
		return;
	if (b->drv && b->drv->close)
		b->drv->close(b);
	blk_close(b->backing);
	if (b->fd >= 0)
		close(b->fd);
	pthread_mutex_destroy(&b->lock);
	pthread_mutex_destroy(&b->err_lock);
	free(b->backing_name);
	free(b->backing_fmt);
	free(b->path);
	free(b);
}

static int range_ok(struct blk *b, uint64_t off, uint64_t len)
{
	if (off > b->size || len > b->size - off)
		return blk_fail(b, EINVAL, "request %llu+%llu beyond virtual size %llu",
				(unsigned long long)off, (unsigned long long)len,
				(unsigned long long)b->size);
	return 0;
}

int blk_check_io(struct blk *b, uint64_t off, uint64_t len, bool write)
{
	if (write && b->read_only)
		return blk_fail(b, EROFS, "image opened read-only");
	return range_ok(b, off, len);
}

int blk_pread(struct blk *b, uint64_t off, void *buf, size_t len)
{
	int rc = range_ok(b, off, len);
	return rc < 0 ? rc : len ? b->drv->read(b, off, buf, len) : 0;
}

int blk_pwrite(struct blk *b, uint64_t off, const void *buf, size_t len,
	       unsigned flags)
{
	if (b->read_only)
		return blk_fail(b, EROFS, "image opened read-only");
	int rc = range_ok(b, off, len);
	if (rc < 0 || !len)
		return rc;
	rc = b->drv->write(b, off, buf, len);
	if (rc == 0 && (flags & BLK_WRITE_FUA))
		rc = b->drv->flush(b);
	return rc;
}

/* Bytes in iov, or -EINVAL for a count outside 1..BLK_MAX_IOV. */
int64_t blk_iov_bytes(struct blk *b, const struct iovec *iov, int iovcnt)
{
	uint64_t total = 0;

	if (iovcnt < 1 || iovcnt > BLK_MAX_IOV)
		return blk_fail(b, EINVAL, "%d buffers in one request", iovcnt);
	for (int i = 0; i < iovcnt; i++)
		total += iov[i].iov_len;
	return total > INT64_MAX ? blk_fail(b, EINVAL, "request too long") : (int64_t)total;
}

/* Copies between iov and one contiguous buffer. */
static void iov_copy(const struct iovec *iov, int iovcnt, uint8_t *flat, bool to_iov)
{
	for (int i = 0; i < iovcnt; i++) {
		if (to_iov)
			memcpy(iov[i].iov_base, flat, iov[i].iov_len);
		else
			memcpy(flat, iov[i].iov_base, iov[i].iov_len);
		flat += iov[i].iov_len;
	}
}

int blk_preadv(struct blk *b, uint64_t off, const struct iovec *iov, int iovcnt)
{
	int64_t len = blk_iov_bytes(b, iov, iovcnt);
	int rc = len < 0 ? (int)len : range_ok(b, off, (uint64_t)len);
	uint8_t *bounce;

	if (rc < 0 || len == 0)
		return rc;
	if (b->drv->readv)
		return b->drv->readv(b, off, iov, iovcnt);
	bounce = malloc((size_t)len);
	if (!bounce)
		return blk_fail(b, ENOMEM, "no memory for a %lld-byte read", (long long)len);
	rc = b->drv->read(b, off, bounce, (size_t)len);
	if (rc == 0)
		iov_copy(iov, iovcnt, bounce, true);
	free(bounce);
	return rc;
}

int blk_pwritev(struct blk *b, uint64_t off, const struct iovec *iov, int iovcnt,
		unsigned flags)
{
	int64_t len = blk_iov_bytes(b, iov, iovcnt);
	int rc = len < 0 ? (int)len : range_ok(b, off, (uint64_t)len);
	uint8_t *bounce;

	if (b->read_only)
		return blk_fail(b, EROFS, "image opened read-only");
	if (rc < 0 || len == 0)
		return rc;
	if (b->drv->writev) {
		rc = b->drv->writev(b, off, iov, iovcnt);
	} else {
		bounce = malloc((size_t)len);
		if (!bounce)
			return blk_fail(b, ENOMEM, "no memory for a %lld-byte write", (long long)len);
		iov_copy(iov, iovcnt, bounce, false);
		rc = b->drv->write(b, off, bounce, (size_t)len);
		free(bounce);
	}
	if (rc == 0 && (flags & BLK_WRITE_FUA))
		rc = b->drv->flush(b);
	return rc;
}

int blk_flush(struct blk *b)
{
	return b->read_only ? 0 : b->drv->flush(b);
}

int blk_discard(struct blk *b, uint64_t off, uint64_t len)
{
	if (b->read_only)
		return blk_fail(b, EROFS, "image opened read-only");
	int rc = range_ok(b, off, len);
	if (rc < 0 || !len || !b->drv->discard)
		return rc;
	return b->drv->discard(b, off, len);
}

int blk_refresh_size(struct blk *b)
{
	return b->drv->refresh_size ? b->drv->refresh_size(b) : -ENOTSUP;
}

int blk_read_backing(struct blk *b, uint64_t off, void *buf, size_t len)
{
	struct blk *bk = b->backing;
	size_t have = 0;

	if (bk && off < bk->size) {
		have = bk->size - off < len ? (size_t)(bk->size - off) : len;
		int rc = bk->drv->read(bk, off, buf, have);
		if (rc < 0)
			return blk_fail(b, -rc, "backing file: %s", blk_last_error(bk));
	}
	memset((uint8_t *)buf + have, 0, len - have);
	return 0;
}

int blk_block_status(struct blk *b, uint64_t off, uint64_t len,
		     struct blk_extent *ext)
{
	int rc = range_ok(b, off, len);
	if (rc < 0)
		return rc;
	return b->drv->status(b, off, len, ext);
}

int blk_check(struct blk *b, struct blk_check_result *res)
{
	memset(res, 0, sizeof(*res));
	if (!b->drv->check)
		return 0;
	return b->drv->check(b, res);
}

int blk_create(const char *path, const struct blk_create_opts *o,
	       struct blk_error *err)
{
	const struct blk_driver *d = driver_by_name(o->format);
	if (!d) {
		blk_seterr(err, "%s: unknown format '%s'", path, o->format);
		return -EINVAL;
	}
	if (o->backing && d != &blk_qcow2_driver) {
		blk_seterr(err, "%s: format '%s' does not support backing files",
			   path, d->name);
		return -ENOTSUP;
	}
	return d->create(path, o, err);
}

uint64_t blk_size(const struct blk *b) { return b->size; }
const char *blk_format(const struct blk *b) { return b->drv->name; }
const char *blk_path(const struct blk *b) { return b->path; }
bool blk_read_only(const struct blk *b) { return b->read_only; }
bool blk_can_discard(const struct blk *b) { return !b->read_only && b->drv->discard; }
struct blk *blk_backing(const struct blk *b) { return b->backing; }
const char *blk_backing_name(const struct blk *b) { return b->backing_name; }
const char *blk_backing_format(const struct blk *b) { return b->backing_fmt; }
uint32_t blk_cluster_size(const struct blk *b) { return b->cluster_size; }
