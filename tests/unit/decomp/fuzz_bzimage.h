/*
 * For the decoder fuzzers: the input wrapped as the payload of a minimal
 * bzImage (boot protocol 2.15 header: setup_sects, the 0xAA55 and HdrS
 * signatures, payload_length) and handed to the hv's unpacker, which
 * must either decode it or say why not.
 */
#ifndef TESTS_DECOMP_FUZZ_BZIMAGE_H
#define TESTS_DECOMP_FUZZ_BZIMAGE_H

#include <stdlib.h>
#include <string.h>

#include "bzimage.h"

#define BZ_PAYLOAD_AT (8 * 512) /* setup_sects 7, plus the boot sector */

static inline void fuzz_bzimage(const uint8_t *data, size_t size, uint8_t *out, size_t out_max,
				struct bzimage_work *work)
{
	uint8_t *img = calloc(1, BZ_PAYLOAD_AT + size + 1);
	const char *why = NULL;
	size_t got = 0;

	if (!img)
		abort();
	img[0x1F1] = 7;
	img[0x1FE] = 0x55;
	img[0x1FF] = 0xAA;
	memcpy(img + 0x202, "HdrS\x0f\x02", 6);
	for (int i = 0; i < 4; i++)
		img[0x24C + i] = (uint8_t)(size >> (8 * i));
	memcpy(img + BZ_PAYLOAD_AT, data, size);
	if (bzimage_decoded_size(img, BZ_PAYLOAD_AT + size, work, &why) < 0 && (!why || !why[0]))
		abort();
	why = NULL;
	if (bzimage_decode(img, BZ_PAYLOAD_AT + size, out, out_max, &got, work, &why) &&
	    (!why || !why[0]))
		abort();
	free(img);
}

#endif
