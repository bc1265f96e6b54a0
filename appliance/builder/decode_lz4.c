/*
 * LZ4 payloads: Linux compresses vmlinux with `lz4 -l`, the legacy frame
 * -- a little-endian magic 0x184C2102, then blocks each led by its
 * compressed length (u32 LE) that decode to at most 8 MiB; the stream
 * ends with the input (another magic may start a further frame).  Each
 * block is raw LZ4 data decoded with liblz4.
 */
#include <lz4.h>

#include "pvh_internal.h"

#define LZ4_LEGACY_MAGIC 0x184C2102u
#define LZ4_LEGACY_BLOCK (8u << 20)

int pvh_decode_lz4(const uint8_t *in, size_t in_len, uint8_t *out, size_t expect, char *err,
		   size_t errlen)
{
	size_t at = 4, pos = 0;

	if (in_len < 4 || pvh_le32(in) != LZ4_LEGACY_MAGIC)
		return pvh_fail(err, errlen, "LZ4: no legacy-frame magic 0x184C2102");
	while (at < in_len) {
		if (in_len - at < 4)
			return pvh_fail(err, errlen, "LZ4: truncated block header at byte %zu", at);
		uint32_t block = pvh_le32(in + at);
		at += 4;
		if (block == LZ4_LEGACY_MAGIC)
			continue;
		if (block > in_len - at || block > (uint32_t)LZ4_compressBound(LZ4_LEGACY_BLOCK))
			return pvh_fail(err, errlen, "LZ4: block of %u bytes at byte %zu overruns the stream",
					block, at - 4);
		size_t room = expect - pos < LZ4_LEGACY_BLOCK ? expect - pos : LZ4_LEGACY_BLOCK;
		int got = LZ4_decompress_safe((const char *)in + at, (char *)out + pos, (int)block,
					      (int)room);
		if (got < 0)
			return pvh_fail(err, errlen, "LZ4: corrupt block at byte %zu", at - 4);
		pos += (size_t)got;
		at += block;
	}
	if (pos != expect)
		return pvh_fail(err, errlen, "LZ4 stream decodes to %zu bytes, expected %zu", pos, expect);
	return 0;
}
