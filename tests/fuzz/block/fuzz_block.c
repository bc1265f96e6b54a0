/*
 * libFuzzer target over the qcow2 and VHD parsers and table walkers: the
 * input is an image file (first byte picks the format and whether to open
 * it writable), held in a memfd.  Opening parses every header, extension
 * and table; then reads, writes, a discard, block status and the check
 * walk the L1/L2 tables, refcounts and the BAT.  Backing files are not
 * followed (a fuzz input must not reach the host's files).
 */
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include "block.h"

static uint64_t pick(const uint8_t *d, size_t n, size_t at, uint64_t mod)
{
	uint64_t v = 0;
	for (size_t i = 0; i < 8 && at + i < n; i++)
		v = v << 8 | d[at + i];
	return mod ? v % mod : 0;
}

static void exercise(struct blk *b, const uint8_t *d, size_t n)
{
	static uint8_t buf[1 << 17];
	uint64_t size = blk_size(b);
	struct blk_extent ext;
	struct blk_check_result res;

	if (!size)
		return;
	for (int i = 0; i < 4; i++) {
		uint64_t len = 1 + pick(d, n, 16 + i * 8, sizeof(buf) - 1);
		if (len > size)
			len = size;
		uint64_t off = pick(d, n, 48 + i * 8, size - len + 1);
		blk_pread(b, off, buf, len);
		blk_block_status(b, off, len, &ext);
		if (!blk_read_only(b) && i % 2) {
			memset(buf, i, len);
			blk_pwrite(b, off, buf, len, i == 3 ? BLK_WRITE_FUA : 0);
		}
	}
	if (!blk_read_only(b))
		blk_discard(b, 0, size < 65536 ? size : 65536);
	blk_check(b, &res);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static const char *const fmts[] = { "qcow2", "vpc", NULL };
	char path[64];
	struct blk_error err;
	struct blk *b;

	if (size < 1)
		return 0;
	int fd = memfd_create("fuzz-image", MFD_CLOEXEC);
	if (fd < 0 || write(fd, data + 1, size - 1) != (ssize_t)(size - 1)) {
		if (fd >= 0)
			close(fd);
		return 0;
	}
	snprintf(path, sizeof(path), "/proc/self/fd/%d", fd);
	unsigned flags = BLK_OPEN_NO_BACKING | (data[0] & 4 ? 0 : BLK_OPEN_RDONLY);
	if (blk_open(&b, path, fmts[data[0] % 3], flags, &err) == 0) {
		exercise(b, data + 1, size - 1);
		blk_close(b);
	}
	close(fd);
	return 0;
}
