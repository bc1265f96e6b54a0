/*
 * Whole-buffer positional file I/O shared by every format driver.  Short
 * reads at end of file are completed with zeroes (a sparse image may end
 * before its last cluster does); short writes and EINTR are retried.
 * The vectored calls make one preadv/pwritev for the common case and
 * finish a short transfer buffer by buffer.
 */
#include <errno.h>
#include <stdbool.h>
#include <string.h>
#include <sys/uio.h>
#include <unistd.h>

#include "block_int.h"

int file_pread(int fd, uint64_t off, void *buf, size_t len)
{
	uint8_t *p = buf;

	while (len) {
		ssize_t n = pread(fd, p, len, (off_t)off);
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0)
			return -errno;
		if (n == 0) {
			memset(p, 0, len);
			return 0;
		}
		p += n;
		off += (uint64_t)n;
		len -= (size_t)n;
	}
	return 0;
}

int file_pwrite(int fd, uint64_t off, const void *buf, size_t len)
{
	const uint8_t *p = buf;

	while (len) {
		ssize_t n = pwrite(fd, p, len, (off_t)off);
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0)
			return -errno;
		if (n == 0)
			return -EIO;
		p += n;
		off += (uint64_t)n;
		len -= (size_t)n;
	}
	return 0;
}

/* Moves what one vectored call left undone: done bytes of iov are in
 * place, the rest goes buffer by buffer through file_pread/file_pwrite. */
int file_finish_vector(int fd, uint64_t off, const struct iovec *iov, int iovcnt,
		       size_t done, bool write)
{
	for (int i = 0; i < iovcnt; i++) {
		size_t len = iov[i].iov_len;
		uint8_t *base = iov[i].iov_base;
		int rc;

		if (done >= len) {
			done -= len;
			off += len;
			continue;
		}
		base += done;
		len -= done;
		off += done;
		done = 0;
		rc = write ? file_pwrite(fd, off, base, len) : file_pread(fd, off, base, len);
		if (rc < 0)
			return rc;
		off += len;
	}
	return 0;
}

static int file_vector_io(int fd, uint64_t off, const struct iovec *iov, int iovcnt,
			  bool write)
{
	size_t total = 0;
	ssize_t n;

	for (int i = 0; i < iovcnt; i++)
		total += iov[i].iov_len;
	do {
		n = write ? pwritev(fd, iov, iovcnt, (off_t)off)
			  : preadv(fd, iov, iovcnt, (off_t)off);
	} while (n < 0 && errno == EINTR);
	if (n < 0)
		return -errno;
	if ((size_t)n == total)
		return 0;
	return file_finish_vector(fd, off, iov, iovcnt, (size_t)n, write);
}

int file_preadv(int fd, uint64_t off, const struct iovec *iov, int iovcnt)
{
	return file_vector_io(fd, off, iov, iovcnt, false);
}

int file_pwritev(int fd, uint64_t off, const struct iovec *iov, int iovcnt)
{
	return file_vector_io(fd, off, iov, iovcnt, true);
}

/* Works for regular files and block devices alike. */
int file_size(int fd, uint64_t *size)
{
	off_t end = lseek(fd, 0, SEEK_END);
	if (end < 0)
		return -errno;
	*size = (uint64_t)end;
	return 0;
}

int file_sync(int fd)
{
	return fdatasync(fd) < 0 ? -errno : 0;
}
