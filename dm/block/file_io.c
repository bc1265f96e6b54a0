/*
 * Whole-buffer positional file I/O shared by every format driver.  Short
 * reads at end of file are completed with zeroes (a sparse image may end
 * before its last cluster does); short writes and EINTR are retried.
 */
#include <errno.h>
#include <string.h>
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
