/*
 * The .xz container, front to back (tukaani.org xz-file-format.txt 1.1.0):
 *   stream  = header (12) + blocks + index + footer (12), then optional
 *             stream padding (zeros, a multiple of 4) and more streams;
 *   header  = magic FD 37 7A 58 5A 00, flags 00 0c (c = check type),
 *             CRC32 of the flags;
 *   block   = block header (size byte, flags, sizes, filter flags,
 *             zero padding, CRC32), LZMA2 data, zero padding to a
 *             multiple of 4, then the check of the uncompressed data.
 * Filters supported: LZMA2 (0x21) last, optionally after x86 BCJ (0x04).
 * Checks verified: none, CRC32, CRC64.  Output goes straight to the
 * caller's buffer; each block's LZMA2 output is unfiltered in place.
 */
#include "xz_priv.h"

#define XZ_FILTER_DELTA 0x03
#define XZ_FILTER_X86 0x04
#define XZ_FILTER_LZMA2 0x21
#define XZ_FILTERS_MAX 4
#define LZMA2_DICT_BYTE_MAX 40

static const uint8_t xz_header_magic[6] = { 0xFD, '7', 'z', 'X', 'Z', 0x00 };

/* What a block header says (5.3.1 and 3.1 of the format). */
struct xz_block {
	size_t header_size;
	uint64_t comp_size;  /* UINT64_MAX when not recorded */
	uint64_t unc_size;   /* UINT64_MAX when not recorded */
	uint32_t dict_size;
	bool x86;
	uint32_t x86_start;
};

int xz_fail(struct xz_dec *d, int error, const char *fmt, ...)
{
	va_list ap;
	int n = fmt_snprintf(d->msg, sizeof(d->msg), "xz: %s: ", xz_error_name(error));

	va_start(ap, fmt);
	if (n >= 0 && (size_t)n < sizeof(d->msg))
		fmt_vsnprintf(d->msg + n, sizeof(d->msg) - n, fmt, ap);
	va_end(ap);
	d->error = error;
	return error;
}

const char *xz_error_name(int error)
{
	switch (error) {
	case 0: return "no error";
	case XZ_E_MAGIC: return "bad magic";
	case XZ_E_UNSUPPORTED: return "unsupported filter or option";
	case XZ_E_CHECK_TYPE: return "unsupported check type";
	case XZ_E_CORRUPT: return "corrupt data";
	case XZ_E_CRC: return "CRC mismatch";
	case XZ_E_OUTPUT_SMALL: return "output too small";
	case XZ_E_TRUNCATED: return "truncated input";
	default: return "unknown error";
	}
}

int xz_read_vli(struct xz_dec *d, struct xz_in *in, const char *what, int end_error,
		uint64_t *out)
{
	size_t at = in->pos;
	uint64_t v = 0;

	for (unsigned i = 0; i < 9; i++) {
		if (in->pos >= in->len)
			return xz_fail(d, end_error, "%s at 0x%zx runs past its field", what, at);
		uint8_t b = in->buf[in->pos++];
		v |= (uint64_t)(b & 0x7F) << (7 * i);
		if (!(b & 0x80)) {
			if (b == 0 && i > 0)
				return xz_fail(d, XZ_E_CORRUPT, "%s at 0x%zx is not minimally encoded",
					       what, at);
			*out = v;
			return 0;
		}
	}
	return xz_fail(d, XZ_E_CORRUPT, "%s at 0x%zx is longer than 9 bytes", what, at);
}

static const char *xz_check_name(unsigned id)
{
	switch (id) {
	case XZ_CHECK_NONE: return "none";
	case XZ_CHECK_CRC32: return "CRC32";
	case XZ_CHECK_CRC64: return "CRC64";
	case XZ_CHECK_SHA256: return "SHA-256";
	default: return "reserved";
	}
}

bool xz_has_header_magic(const uint8_t *buf, size_t len)
{
	return !memcmp(buf, xz_header_magic, MIN(len, sizeof(xz_header_magic)));
}

int xz_parse_stream_header(struct xz_dec *d, const uint8_t *p, size_t at, unsigned *check_type)
{
	if (memcmp(p, xz_header_magic, sizeof(xz_header_magic)))
		return xz_fail(d, XZ_E_MAGIC, "no .xz stream header magic at offset 0x%zx", at);
	if (xz_crc32(p + 6, 2, 0) != xz_le32(p + 8))
		return xz_fail(d, XZ_E_CRC, "stream header at 0x%zx: CRC32 of the flags", at);
	if (p[6] != 0 || (p[7] & 0xF0))
		return xz_fail(d, XZ_E_UNSUPPORTED, "stream header at 0x%zx: reserved flags 0x%02x%02x",
			       at, p[6], p[7]);
	unsigned id = p[7] & 0x0F;
	if (id != XZ_CHECK_NONE && id != XZ_CHECK_CRC32 && id != XZ_CHECK_CRC64)
		return xz_fail(d, XZ_E_CHECK_TYPE, "stream at 0x%zx uses check type %u (%s)", at, id,
			       xz_check_name(id));
	*check_type = id;
	return 0;
}

static const char *xz_filter_name(uint64_t id)
{
	switch (id) {
	case XZ_FILTER_DELTA: return "Delta";
	case XZ_FILTER_X86: return "x86 BCJ";
	case 0x05: return "PowerPC BCJ";
	case 0x06: return "IA-64 BCJ";
	case 0x07: return "ARM BCJ";
	case 0x08: return "ARM-Thumb BCJ";
	case 0x09: return "SPARC BCJ";
	case 0x0A: return "ARM64 BCJ";
	case 0x0B: return "RISC-V BCJ";
	case XZ_FILTER_LZMA2: return "LZMA2";
	default: return "unknown";
	}
}

/* One filter flags record (5.3.1.3 of the format) inside a block header. */
static int xz_parse_filter(struct xz_dec *d, struct xz_in *h, size_t at, bool last,
			   struct xz_block *b)
{
	uint64_t id, props_size;
	int rc = xz_read_vli(d, h, "filter ID", XZ_E_CORRUPT, &id);
	if (!rc)
		rc = xz_read_vli(d, h, "filter properties size", XZ_E_CORRUPT, &props_size);
	if (rc)
		return rc;
	if (props_size > h->len - h->pos)
		return xz_fail(d, XZ_E_CORRUPT, "block header at 0x%zx: filter properties overrun it", at);
	const uint8_t *props = h->buf + h->pos;
	h->pos += props_size;

	if (id == XZ_FILTER_LZMA2 && last) {
		if (props_size != 1 || (props[0] & 0xC0) || props[0] > LZMA2_DICT_BYTE_MAX)
			return xz_fail(d, XZ_E_UNSUPPORTED, "block header at 0x%zx: LZMA2 properties", at);
		unsigned v = props[0];
		b->dict_size = v == LZMA2_DICT_BYTE_MAX ? 0xFFFFFFFFu : (2u | (v & 1)) << (v / 2 + 11);
		return 0;
	}
	if (id == XZ_FILTER_X86 && !last && !b->x86) {
		if (props_size != 0 && props_size != 4)
			return xz_fail(d, XZ_E_UNSUPPORTED, "block header at 0x%zx: x86 BCJ properties", at);
		b->x86 = true;
		b->x86_start = props_size ? xz_le32(props) : 0;
		return 0;
	}
	if (last && id != XZ_FILTER_LZMA2)
		return xz_fail(d, XZ_E_UNSUPPORTED, "block at 0x%zx ends its chain with filter 0x%llx (%s), "
			       "not LZMA2", at, (unsigned long long)id, xz_filter_name(id));
	return xz_fail(d, XZ_E_UNSUPPORTED, "block at 0x%zx uses filter 0x%llx (%s) at this place in "
		       "its chain; only x86 BCJ + LZMA2 are supported", at, (unsigned long long)id,
		       xz_filter_name(id));
}

/* Parses and checks the block header at in->pos; leaves in->pos after it. */
static int xz_parse_block_header(struct xz_dec *d, struct xz_in *in, struct xz_block *b)
{
	size_t at = in->pos;
	size_t size = ((size_t)in->buf[at] + 1) * 4;
	int rc;

	if (size > in->len - at)
		return xz_fail(d, XZ_E_TRUNCATED, "block header at 0x%zx (%zu bytes)", at, size);
	if (xz_crc32(in->buf + at, size - 4, 0) != xz_le32(in->buf + at + size - 4))
		return xz_fail(d, XZ_E_CRC, "block header at 0x%zx", at);
	*b = (struct xz_block){ .header_size = size, .comp_size = UINT64_MAX, .unc_size = UINT64_MAX };
	uint8_t flags = in->buf[at + 1];
	if (flags & 0x3C)
		return xz_fail(d, XZ_E_UNSUPPORTED, "block header at 0x%zx: reserved flags 0x%02x",
			       at, flags);
	struct xz_in h = { .buf = in->buf + at, .len = size - 4, .pos = 2 };
	if ((flags & 0x40) && (rc = xz_read_vli(d, &h, "compressed size", XZ_E_CORRUPT,
						      &b->comp_size)))
		return rc;
	if ((flags & 0x80) && (rc = xz_read_vli(d, &h, "uncompressed size", XZ_E_CORRUPT,
						      &b->unc_size)))
		return rc;
	if (b->comp_size == 0)
		return xz_fail(d, XZ_E_CORRUPT, "block header at 0x%zx: compressed size 0", at);
	unsigned filters = (flags & 3) + 1;
	for (unsigned i = 0; i < filters; i++)
		if ((rc = xz_parse_filter(d, &h, at, i + 1 == filters, b)))
			return rc;
	for (; h.pos < h.len; h.pos++)
		if (h.buf[h.pos])
			return xz_fail(d, XZ_E_CORRUPT, "block header at 0x%zx: non-zero padding", at);
	in->pos = at + size;
	return 0;
}

static int xz_need(struct xz_dec *d, const struct xz_in *in, size_t n, const char *what)
{
	if (n > in->len - in->pos)
		return xz_fail(d, XZ_E_TRUNCATED, "input ends in the %s at 0x%zx", what, in->pos);
	return 0;
}

static int xz_verify_check(struct xz_dec *d, struct xz_in *in, unsigned type,
			   const uint8_t *data, size_t len, size_t block_at)
{
	size_t size = xz_check_size(type);
	int rc = xz_need(d, in, size, "block check");
	if (rc)
		return rc;
	const uint8_t *want = in->buf + in->pos;
	in->pos += size;
	if (type == XZ_CHECK_CRC32 && xz_crc32(data, len, 0) != xz_le32(want))
		return xz_fail(d, XZ_E_CRC, "CRC32 of the data of block at 0x%zx", block_at);
	if (type == XZ_CHECK_CRC64 && xz_crc64(data, len, 0) != xz_le64(want))
		return xz_fail(d, XZ_E_CRC, "CRC64 of the data of block at 0x%zx", block_at);
	return 0;
}

/* One block at in->pos: header, LZMA2 data, padding, check. */
static int xz_decode_block(struct xz_dec *d, struct xz_in *in, uint8_t *out, size_t *out_pos,
			   size_t out_max, unsigned check_type, struct xz_index_sum *sum)
{
	size_t at = in->pos, out_start = *out_pos;
	struct xz_block b;
	int rc = xz_parse_block_header(d, in, &b);
	if (rc)
		return rc;
	size_t data_at = in->pos;
	if ((rc = xz_lzma2_decode(d, in, out, out_pos, out_max, b.dict_size)))
		return rc;
	uint64_t comp = in->pos - data_at, unc = *out_pos - out_start;
	if (b.comp_size != UINT64_MAX && b.comp_size != comp)
		return xz_fail(d, XZ_E_CORRUPT, "block at 0x%zx: header says %llu compressed bytes, "
			       "data has %llu", at, (unsigned long long)b.comp_size,
			       (unsigned long long)comp);
	if (b.unc_size != UINT64_MAX && b.unc_size != unc)
		return xz_fail(d, XZ_E_CORRUPT, "block at 0x%zx: header says %llu uncompressed bytes, "
			       "data has %llu", at, (unsigned long long)b.unc_size,
			       (unsigned long long)unc);
	if (b.x86)
		xz_bcj_x86_decode(out + out_start, unc, b.x86_start);
	while ((in->pos - at) & 3) {
		if ((rc = xz_need(d, in, 1, "block padding")))
			return rc;
		if (in->buf[in->pos++])
			return xz_fail(d, XZ_E_CORRUPT, "block at 0x%zx: non-zero padding", at);
	}
	if ((rc = xz_verify_check(d, in, check_type, out + out_start, unc, at)))
		return rc;
	xz_index_sum_add(sum, b.header_size + comp + xz_check_size(check_type), unc);
	return 0;
}

static int xz_index_matches(struct xz_dec *d, const struct xz_index_sum *blocks,
			    const struct xz_index_sum *index, size_t at)
{
	if (index->blocks != blocks->blocks)
		return xz_fail(d, XZ_E_CORRUPT, "index at 0x%zx lists %llu blocks, stream has %llu",
			       at, (unsigned long long)index->blocks,
			       (unsigned long long)blocks->blocks);
	if (index->unpadded_sum != blocks->unpadded_sum ||
	    index->uncompressed_sum != blocks->uncompressed_sum ||
	    index->records_crc != blocks->records_crc)
		return xz_fail(d, XZ_E_CORRUPT, "index at 0x%zx: block sizes differ from the blocks",
			       at);
	return 0;
}

/* One stream at in->pos, through its footer. */
static int xz_decode_stream(struct xz_dec *d, struct xz_in *in, uint8_t *out, size_t *out_pos,
			    size_t out_max)
{
	unsigned check_type;
	struct xz_index_sum blocks = { 0 }, index = { 0 };
	uint64_t index_size;
	int rc;

	if (in->len - in->pos < XZ_STREAM_HEADER_SIZE) {
		if (!xz_has_header_magic(in->buf + in->pos, in->len - in->pos))
			return xz_fail(d, XZ_E_MAGIC, "no .xz stream header magic at 0x%zx", in->pos);
		return xz_need(d, in, XZ_STREAM_HEADER_SIZE, "stream header");
	}
	if ((rc = xz_parse_stream_header(d, in->buf + in->pos, in->pos, &check_type)))
		return rc;
	in->pos += XZ_STREAM_HEADER_SIZE;
	for (;;) {
		if ((rc = xz_need(d, in, 1, "block or index")))
			return rc;
		if (in->buf[in->pos] == 0)
			break;
		if ((rc = xz_decode_block(d, in, out, out_pos, out_max, check_type, &blocks)))
			return rc;
	}
	size_t index_at = in->pos;
	if ((rc = xz_parse_index(d, in, &index)) || (rc = xz_index_matches(d, &blocks, &index, index_at)))
		return rc;
	if ((rc = xz_need(d, in, XZ_STREAM_FOOTER_SIZE, "stream footer")))
		return rc;
	rc = xz_parse_stream_footer(d, in->buf + in->pos, in->pos, &check_type, &index_size);
	if (rc)
		return rc;
	if (index_size != in->pos - index_at)
		return xz_fail(d, XZ_E_CORRUPT, "stream footer at 0x%zx records an index of %llu bytes, "
			       "not %zu", in->pos, (unsigned long long)index_size, in->pos - index_at);
	in->pos += XZ_STREAM_FOOTER_SIZE;
	return 0;
}

/* Zeros after a stream, in multiples of four (format 2.2). */
static int xz_skip_stream_padding(struct xz_dec *d, struct xz_in *in)
{
	size_t at = in->pos;

	while (in->pos < in->len && in->buf[in->pos] == 0)
		in->pos++;
	if ((in->pos - at) & 3)
		return xz_fail(d, XZ_E_CORRUPT, "stream padding at 0x%zx is %zu bytes, not a multiple "
			       "of 4", at, in->pos - at);
	return 0;
}

int64_t xz_decode(const void *in, size_t in_len, void *out, size_t out_max, struct xz_dec *d)
{
	struct xz_in src = { .buf = in, .len = in_len, .pos = 0 };
	size_t out_pos = 0;
	int rc;

	d->error = 0;
	d->msg[0] = '\0';
	if (in_len == 0)
		return xz_fail(d, XZ_E_TRUNCATED, "the input is empty");
	do {
		if ((rc = xz_decode_stream(d, &src, out, &out_pos, out_max)) ||
		    (rc = xz_skip_stream_padding(d, &src)))
			return rc;
	} while (src.pos < src.len);
	return (int64_t)out_pos;
}
