/*
 * libFuzzer target for the hv's XZ decoder and bzImage unpacker: any
 * input must give a decoded size within the output buffer or a clean
 * error (known code, message set), never an out-of-bounds access (ASan)
 * or undefined behaviour (UBSan).  The input is decoded as .xz, sized
 * from its index, and wrapped as the payload of a bzImage.
 */
#include <stdlib.h>
#include <string.h>

#include "bzimage.h"
#include "fuzz_bzimage.h"
#include "xz/xz.h"

#define OUT_MAX (1u << 20)

static struct xz_dec dec;
static struct bzimage_work work;
static uint8_t out[OUT_MAX];

static void expect_clean(int64_t n, size_t out_max)
{
	if (n >= 0 ? (uint64_t)n > out_max : (n < XZ_E_TRUNCATED || !dec.msg[0]))
		abort();
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	size_t out_max = size ? data[0] * 4096u : 0;

	expect_clean(xz_decode(data, size, out, out_max, &dec), out_max);
	int64_t n = xz_uncompressed_size(data, size, &dec);
	if (n < 0 && (n < XZ_E_TRUNCATED || !dec.msg[0]))
		abort();

	fuzz_bzimage(data, size, out, OUT_MAX, &work);
	return 0;
}
