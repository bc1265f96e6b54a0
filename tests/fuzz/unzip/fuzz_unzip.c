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

#define OUT_MAX (1u << 20)
#define BZ_PAYLOAD_AT (8 * 512)

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

	uint8_t *img = calloc(1, BZ_PAYLOAD_AT + size + 1);
	img[0x1F1] = 7;
	img[0x1FE] = 0x55;
	img[0x1FF] = 0xAA;
	memcpy(img + 0x202, "HdrS\x0f\x02", 6);
	for (int i = 0; i < 4; i++)
		img[0x24C + i] = (uint8_t)(size >> (8 * i));
	memcpy(img + BZ_PAYLOAD_AT, data, size);
	const char *why = NULL;
	size_t got = 0;
	int64_t want = bzimage_decoded_size(img, BZ_PAYLOAD_AT + size, &work, &why);
	if (want < 0 && (!why || !why[0]))
		abort();
	if (bzimage_decode(img, BZ_PAYLOAD_AT + size, out, OUT_MAX, &got, &work, &why) &&
	    (!why || !why[0]))
		abort();
	free(img);
	return 0;
}
