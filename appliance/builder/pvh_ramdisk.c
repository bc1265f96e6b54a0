/*
 * The ramdisk as libxenguest hands it over (xg_dom_core.c,
 * xc_dom_check_gzip and xc_dom_build_module): a gzip file whose trailer
 * (ISIZE, u32 LE) claims at most XC_DOM_DECOMPRESS_MAX bytes is gunzipped;
 * anything else -- including a gzip file that fails to decode, or one
 * claiming more -- is passed on unchanged for the kernel to deal with.
 */
#include <stdlib.h>

#include "pvh_internal.h"

int pvh_ramdisk_unpack(const uint8_t *rd, size_t len, uint8_t **out, size_t *out_len,
		       char *err, size_t errlen)
{
	*out = NULL;
	*out_len = len;
	if (len < 6 || rd[0] != 0x1F || rd[1] != 0x8B)
		return 0;
	uint32_t size = pvh_le32(rd + len - 4);
	if (size == 0 || size > PVH_DECOMPRESS_MAX)
		return 0;
	uint8_t *buf = malloc(size);
	if (!buf)
		return pvh_fail(err, errlen, "ramdisk: out of memory for %u bytes", size);
	char why[160];
	if (pvh_decode_gzip(rd, len, buf, size, why, sizeof(why))) {
		free(buf);
		return 0;
	}
	*out = buf;
	*out_len = size;
	return 0;
}
