/*
 * gzip members (RFC 1952 2.3): ID1 ID2 CM FLG MTIME XFL OS, the optional
 * FEXTRA, FNAME, FCOMMENT and FHCRC fields, DEFLATE data, then CRC32 and
 * ISIZE of the member's output.  CRC-32 is the one .xz uses too.
 */
#include "inflate_priv.h"
#include "lib.h"
#include "xz/xz_priv.h"

#define GZ_FIXED_HEADER 10
#define GZ_TRAILER 8
#define CM_DEFLATE 8
#define FHCRC 0x02
#define FEXTRA 0x04
#define FNAME 0x08
#define FCOMMENT 0x10
#define FRESERVED 0xE0

int inflate_fail(struct inflate_dec *d, int error, const uint8_t *at, const char *what)
{
	fmt_snprintf(d->msg, sizeof(d->msg), "gzip: %s (input offset %llu)", what,
		     (unsigned long long)(at - d->in_start));
	return error;
}

/* Steps over a zero-terminated field; NULL if it runs off the end. */
static const uint8_t *skip_string(const uint8_t *p, const uint8_t *end)
{
	while (p < end && *p)
		p++;
	return p < end ? p + 1 : NULL;
}

static int member_header(struct inflate_dec *d, const uint8_t **in, const uint8_t *end)
{
	const uint8_t *p = *in;

	if (end - p < 2 || p[0] != 0x1F || p[1] != 0x8B)
		return inflate_fail(d, INFLATE_E_MAGIC, p, "not a gzip member (bad magic)");
	if (end - p < GZ_FIXED_HEADER)
		return inflate_fail(d, INFLATE_E_TRUNCATED, p, "member header truncated");
	uint8_t flags = p[3];
	if (p[2] != CM_DEFLATE || (flags & FRESERVED))
		return inflate_fail(d, INFLATE_E_UNSUPPORTED, p, "method is not deflate or reserved flags set");
	const uint8_t *q = p + GZ_FIXED_HEADER;
	if (flags & FEXTRA) {
		size_t xlen = end - q >= 2 ? (size_t)(q[0] | q[1] << 8) : 0;
		q = end - q >= 2 && xlen <= (size_t)(end - q - 2) ? q + 2 + xlen : NULL;
	}
	if (q && (flags & FNAME))
		q = skip_string(q, end);
	if (q && (flags & FCOMMENT))
		q = skip_string(q, end);
	if (q && (flags & FHCRC))
		q = end - q >= 2 ? q + 2 : NULL;
	if (!q)
		return inflate_fail(d, INFLATE_E_TRUNCATED, p, "member header truncated");
	if ((flags & FHCRC) && (xz_crc32(p, (size_t)(q - 2 - p), 0) & 0xFFFF) != (uint32_t)(q[-2] | q[-1] << 8))
		return inflate_fail(d, INFLATE_E_CRC, p, "header CRC16 mismatch");
	*in = q;
	return 0;
}

static int member(struct inflate_dec *d, const uint8_t **in, const uint8_t *end,
		  struct inflate_out *o)
{
	int rc = member_header(d, in, end);

	o->start = o->pos;
	if (rc || (rc = inflate_raw(d, in, end, o)))
		return rc;
	const uint8_t *t = *in;
	if (end - t < GZ_TRAILER)
		return inflate_fail(d, INFLATE_E_TRUNCATED, t, "member trailer truncated");
	size_t got = o->pos - o->start;
	if (xz_crc32(o->buf + o->start, got, 0) != xz_le32(t))
		return inflate_fail(d, INFLATE_E_CRC, t, "CRC32 mismatch");
	if (xz_le32(t + 4) != (uint32_t)got)
		return inflate_fail(d, INFLATE_E_CRC, t, "ISIZE does not match the data");
	*in = t + GZ_TRAILER;
	return 0;
}

int64_t gzip_decode(const void *in, size_t in_len, void *out, size_t out_max,
		    struct inflate_dec *d)
{
	const uint8_t *p = in, *end = p + in_len;
	struct inflate_out o = { out, 0, out_max, 0 };

	d->in_start = in;
	d->msg[0] = 0;
	if (!in_len)
		return inflate_fail(d, INFLATE_E_MAGIC, p, "empty input");
	while (p < end) {
		int rc = member(d, &p, end, &o);
		if (rc)
			return rc;
	}
	return (int64_t)o.pos;
}
