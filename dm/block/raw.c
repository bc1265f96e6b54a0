/*
 * Raw images: a regular file or a block device whose bytes are the disk.
 * Holes in a sparse file are reported as zero extents (SEEK_DATA/SEEK_HOLE)
 * and discard punches holes where the file system allows it.
 */
#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "block_int.h"

static int raw_probe(const uint8_t *head, const uint8_t *tail)
{
	(void)head;
	(void)tail;
	return 1; /* anything is a raw image; any real format wins */
}

static int raw_open(struct blk *b, struct blk_error *err)
{
	int rc = file_size(b->fd, &b->size);
	if (rc < 0)
		blk_seterr(err, "%s: cannot size: %s", b->path, strerror(-rc));
	return rc;
}

static int raw_refresh_size(struct blk *b)
{
	uint64_t size;
	int rc = file_size(b->fd, &size);

	if (rc == 0)
		b->size = size;
	return rc;
}

static int raw_read(struct blk *b, uint64_t off, void *buf, size_t len)
{
	int rc = file_pread(b->fd, off, buf, len);
	return rc < 0 ? blk_fail(b, -rc, "read at %llu: %s",
				 (unsigned long long)off, strerror(-rc)) : 0;
}

static int raw_write(struct blk *b, uint64_t off, const void *buf, size_t len)
{
	int rc = file_pwrite(b->fd, off, buf, len);
	return rc < 0 ? blk_fail(b, -rc, "write at %llu: %s",
				 (unsigned long long)off, strerror(-rc)) : 0;
}

static int raw_readv(struct blk *b, uint64_t off, const struct iovec *iov, int iovcnt)
{
	int rc = file_preadv(b->fd, off, iov, iovcnt);
	return rc < 0 ? blk_fail(b, -rc, "read at %llu: %s",
				 (unsigned long long)off, strerror(-rc)) : 0;
}

static int raw_writev(struct blk *b, uint64_t off, const struct iovec *iov, int iovcnt)
{
	int rc = file_pwritev(b->fd, off, iov, iovcnt);
	return rc < 0 ? blk_fail(b, -rc, "write at %llu: %s",
				 (unsigned long long)off, strerror(-rc)) : 0;
}

static int raw_flush(struct blk *b)
{
	int rc = file_sync(b->fd);
	return rc < 0 ? blk_fail(b, -rc, "flush: %s", strerror(-rc)) : 0;
}

/* Advisory: only whole 4 KiB blocks inside the range are released (block
 * devices refuse unaligned discards); the rest stays as it was. */
static int raw_discard(struct blk *b, uint64_t off, uint64_t len)
{
	uint64_t start = (off + 4095) & ~4095ull, end = (off + len) & ~4095ull;

	if (end <= start)
		return 0;
	if (fallocate(b->fd, FALLOC_FL_PUNCH_HOLE | FALLOC_FL_KEEP_SIZE,
		      (off_t)start, (off_t)(end - start)) == 0)
		return 0;
	if (errno == EOPNOTSUPP || errno == ENODEV || errno == EINVAL)
		return 0; /* discard is advisory */
	return blk_fail(b, errno, "discard at %llu: %s",
			(unsigned long long)off, strerror(errno));
}

static int raw_status(struct blk *b, uint64_t off, uint64_t len,
		      struct blk_extent *ext)
{
	off_t data = lseek(b->fd, (off_t)off, SEEK_DATA);

	memset(ext, 0, sizeof(*ext));
	if (data < 0 && errno == ENXIO) /* a hole up to end of file */
		data = (off_t)b->size;
	if (data < 0) { /* no hole information: everything is data */
		ext->kind = BLK_EXTENT_DATA;
		ext->length = len;
		ext->host_offset = off;
		ext->has_host_offset = true;
		return 0;
	}
	if ((uint64_t)data > off) {
		ext->kind = BLK_EXTENT_ZERO;
		ext->length = (uint64_t)data - off;
	} else {
		off_t hole = lseek(b->fd, (off_t)off, SEEK_HOLE);
		ext->kind = BLK_EXTENT_DATA;
		ext->length = hole > (off_t)off ? (uint64_t)hole - off : len;
		ext->host_offset = off;
		ext->has_host_offset = true;
	}
	if (ext->length > len)
		ext->length = len;
	return 0;
}

static int raw_create(const char *path, const struct blk_create_opts *o,
		      struct blk_error *err)
{
	int fd = open(path, O_RDWR | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
	if (fd < 0) {
		blk_seterr(err, "%s: cannot create: %s", path, strerror(errno));
		return -errno;
	}
	int rc = ftruncate(fd, (off_t)o->size) < 0 ? -errno : 0;
	if (rc < 0)
		blk_seterr(err, "%s: cannot set size: %s", path, strerror(-rc));
	close(fd);
	return rc;
}

const struct blk_driver blk_raw_driver = {
	.name = "raw",
	.probe = raw_probe,
	.open = raw_open,
	.read = raw_read,
	.write = raw_write,
	.readv = raw_readv,
	.writev = raw_writev,
	.flush = raw_flush,
	.discard = raw_discard,
	.refresh_size = raw_refresh_size,
	.status = raw_status,
	.create = raw_create,
};
