/*
 * LZO payloads: Linux compresses vmlinux with `lzop -9`, so the payload is
 * an lzop file -- a header (magic, versions, method, flags, mode, times,
 * name, header checksum) and then blocks of {uncompressed length,
 * compressed length, checksums, data}, ending with a zero length.  The
 * container layout is lzop's file format; each block is LZO1X data
 * decoded with liblzo2.  Blocks stored uncompressed have equal lengths.
 */
#include <lzo/lzo1x.h>

#include "pvh_internal.h"

static const uint8_t lzop_magic[9] = { 0x89, 'L', 'Z', 'O', 0x00, '\r', '\n', 0x1A, '\n' };

#define LZOP_F_ADLER32_D 0x00000001u
#define LZOP_F_ADLER32_C 0x00000002u
#define LZOP_F_H_EXTRA_FIELD 0x00000040u
#define LZOP_F_CRC32_D 0x00000100u
#define LZOP_F_CRC32_C 0x00000200u
#define LZOP_F_H_FILTER 0x00000800u
#define LZOP_F_MULTIPART 0x00000400u
#define LZOP_VERSION_LONG_HEADER 0x0940  /* adds version_needed, level, mtime_high */
#define LZOP_MAX_BLOCK (64u << 20)

struct lzop_cursor {
	const uint8_t *p, *end;
	bool short_read;
};

static uint32_t take(struct lzop_cursor *c, unsigned bytes)
{
	uint32_t v = 0;

	if ((size_t)(c->end - c->p) < bytes) {
		c->short_read = true;
		c->p = c->end;
		return 0;
	}
	for (unsigned i = 0; i < bytes; i++)
		v = v << 8 | *c->p++;
	return v;
}

static void skip(struct lzop_cursor *c, size_t bytes)
{
	if ((size_t)(c->end - c->p) < bytes) {
		c->short_read = true;
		c->p = c->end;
	} else {
		c->p += bytes;
	}
}

/* Walks the file header; returns the flags word. */
static int lzop_header(struct lzop_cursor *c, uint32_t *flags, char *err, size_t errlen)
{
	if ((size_t)(c->end - c->p) < sizeof(lzop_magic) || memcmp(c->p, lzop_magic, 9))
		return pvh_fail(err, errlen, "LZO: no lzop magic");
	c->p += sizeof(lzop_magic);
	unsigned version = take(c, 2);
	take(c, 2);                                  /* library version */
	bool long_header = version >= LZOP_VERSION_LONG_HEADER;
	if (long_header)
		take(c, 2);                          /* version needed to extract */
	unsigned method = take(c, 1);
	if (long_header)
		take(c, 1);                          /* level */
	*flags = take(c, 4);
	if (*flags & LZOP_F_H_FILTER)
		take(c, 4);
	take(c, 4);                                  /* mode */
	take(c, 4);                                  /* mtime low */
	if (long_header)
		take(c, 4);                          /* mtime high */
	skip(c, take(c, 1));                         /* file name */
	take(c, 4);                                  /* header checksum */
	if (*flags & LZOP_F_H_EXTRA_FIELD) {
		skip(c, take(c, 4));
		take(c, 4);
	}
	if (c->short_read)
		return pvh_fail(err, errlen, "LZO: truncated lzop header");
	if (method < 1 || method > 3)
		return pvh_fail(err, errlen, "LZO: lzop method %u is not LZO1X", method);
	if (*flags & (LZOP_F_MULTIPART | LZOP_F_H_FILTER))
		return pvh_fail(err, errlen, "LZO: multipart or filtered lzop files are not supported");
	return 0;
}

static int lzop_check(uint32_t flags, uint32_t adler, uint32_t crc, const uint8_t *data,
		      size_t len)
{
	if ((flags & LZOP_F_ADLER32_D) && lzo_adler32(1, data, (lzo_uint)len) != adler)
		return -1;
	if ((flags & LZOP_F_CRC32_D) && lzo_crc32(0, data, (lzo_uint)len) != crc)
		return -1;
	return 0;
}

static int lzop_block(struct lzop_cursor *c, uint32_t flags, uint32_t dst_len, uint8_t *out,
		      char *err, size_t errlen)
{
	uint32_t src_len = take(c, 4);
	uint32_t adler = flags & LZOP_F_ADLER32_D ? take(c, 4) : 0;
	uint32_t crc = flags & LZOP_F_CRC32_D ? take(c, 4) : 0;
	if (src_len < dst_len)
		skip(c, (flags & LZOP_F_ADLER32_C ? 4 : 0) + (flags & LZOP_F_CRC32_C ? 4 : 0));
	if (c->short_read || src_len > (size_t)(c->end - c->p) || src_len > dst_len)
		return pvh_fail(err, errlen, "LZO: truncated or inconsistent block");
	if (src_len == dst_len) {
		memcpy(out, c->p, dst_len);
	} else {
		lzo_uint got = dst_len;
		int rc = lzo1x_decompress_safe(c->p, src_len, out, &got, NULL);
		if (rc != LZO_E_OK || got != dst_len)
			return pvh_fail(err, errlen, "LZO: corrupt block (liblzo2 %d)", rc);
	}
	c->p += src_len;
	if (lzop_check(flags, adler, crc, out, dst_len))
		return pvh_fail(err, errlen, "LZO: block checksum mismatch");
	return 0;
}

int pvh_decode_lzo(const uint8_t *in, size_t in_len, uint8_t *out, size_t expect, char *err,
		   size_t errlen)
{
	struct lzop_cursor c = { in, in + in_len, false };
	uint32_t flags = 0;
	size_t pos = 0;

	if (lzo_init() != LZO_E_OK)
		return pvh_fail(err, errlen, "LZO: liblzo2 initialisation failed");
	if (lzop_header(&c, &flags, err, errlen))
		return -1;
	for (;;) {
		uint32_t dst_len = take(&c, 4);
		if (c.short_read)
			return pvh_fail(err, errlen, "LZO: stream ends without its end marker");
		if (dst_len == 0)
			break;
		if (dst_len > LZOP_MAX_BLOCK || dst_len > expect - pos)
			return pvh_fail(err, errlen, "LZO: block of %u bytes overruns the %zu expected",
					dst_len, expect);
		if (lzop_block(&c, flags, dst_len, out + pos, err, errlen))
			return -1;
		pos += dst_len;
	}
	if (pos != expect)
		return pvh_fail(err, errlen, "LZO stream decodes to %zu bytes, expected %zu", pos,
				expect);
	return 0;
}
