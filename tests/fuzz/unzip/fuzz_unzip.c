/*
 * libFuzzer target for the hv's zstd and gzip decoders and bzImage
 * unpacker: any input must give a decoded size within the output buffer
 * or a clean error (known code, message set), never an out-of-bounds
 * access (ASan) or undefined behaviour (UBSan).  The input is decoded as
 * zstd, sized from its frame headers, decoded as gzip, and wrapped as
 * the payload of a bzImage.
 */
#include <stdlib.h>
#include <string.h>

#include "bzimage.h"
#include "fuzz_bzimage.h"

#define OUT_MAX (1u << 20)

static struct bzimage_work work;
static uint8_t out[OUT_MAX];

static void expect_clean(int64_t n, size_t out_max, const char *msg)
{
	if (n >= 0 ? (uint64_t)n > out_max : (n < ZSTD_E_NO_SIZE || !msg[0]))
		abort();
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	size_t out_max = size ? data[0] * 4096u : 0;

	expect_clean(zstd_decode(data, size, out, out_max, &work.zstd), out_max, work.zstd.msg);
	int64_t n = zstd_content_size(data, size, &work.zstd);
	if (n < 0 && (n < ZSTD_E_NO_SIZE || !work.zstd.msg[0]))
		abort();
	expect_clean(gzip_decode(data, size, out, out_max, &work.gzip), out_max, work.gzip.msg);

	fuzz_bzimage(data, size, out, OUT_MAX, &work);
	return 0;
}
