/*
 * LZMA2 framing (xz-file-format.txt 5.3.1 and the LZMA2 chunk layout it
 * refers to): a sequence of chunks, each introduced by a control byte --
 *   0x00          end of the LZMA2 data
 *   0x01 / 0x02   stored chunk, with / without a dictionary reset;
 *                 then (size - 1) as 16-bit big endian, then the bytes
 *   0x80..0xFF    LZMA chunk; bits 0-4 are bits 16-20 of (uncompressed
 *                 size - 1), bits 5-6 say what is reset: 0 nothing,
 *                 1 state, 2 state + new properties, 3 everything incl.
 *                 the dictionary; then (uncompressed size - 1) low 16
 *                 bits and (compressed size - 1), both big endian, then
 *                 the properties byte (lc + 9 * (lp + 5 * pb)) if reset >= 2
 * The first chunk must reset the dictionary; LZMA2 allows lc + lp <= 4.
 */
#include "xz_priv.h"

#define LZMA2_PROPS_MAX (9 * 5 * 5)
#define LZMA2_LC_LP_MAX 4

static int lzma2_need(struct xz_dec *d, const struct xz_in *in, size_t n, size_t at)
{
	if (n > in->len - in->pos)
		return xz_fail(d, XZ_E_TRUNCATED,
			       "input ends inside the LZMA2 chunk at offset 0x%zx", at);
	return 0;
}

static int lzma2_set_props(struct xz_dec *d, unsigned props, size_t at)
{
	struct lzma_dec *lz = &d->lzma;

	if (props >= LZMA2_PROPS_MAX)
		return xz_fail(d, XZ_E_CORRUPT,
			       "LZMA2 chunk at offset 0x%zx: invalid properties byte 0x%x", at, props);
	lz->lc = props % 9;
	lz->lp = props / 9 % 5;
	lz->pb = props / 45;
	if (lz->lc + lz->lp > LZMA2_LC_LP_MAX)
		return xz_fail(d, XZ_E_CORRUPT,
			       "LZMA2 chunk at offset 0x%zx: lc %u + lp %u exceeds 4", at, lz->lc, lz->lp);
	lz->have_props = true;
	return 0;
}

static int lzma2_stored(struct xz_dec *d, struct xz_in *in, uint8_t *out, size_t *pos,
			size_t out_max, size_t at)
{
	int rc = lzma2_need(d, in, 2, at);
	if (rc)
		return rc;
	size_t size = ((size_t)in->buf[in->pos] << 8 | in->buf[in->pos + 1]) + 1;
	in->pos += 2;
	if ((rc = lzma2_need(d, in, size, at)))
		return rc;
	if (size > out_max - *pos)
		return xz_fail(d, XZ_E_OUTPUT_SMALL,
			       "output buffer of %zu bytes is too small (stored chunk at 0x%zx)",
			       out_max, at);
	memcpy(out + *pos, in->buf + in->pos, size);
	in->pos += size;
	*pos += size;
	return 0;
}

static int lzma2_lzma(struct xz_dec *d, struct xz_in *in, unsigned control, uint8_t *out,
		      size_t dict_start, size_t *pos, size_t out_max, uint32_t dict_size, size_t at)
{
	unsigned reset = (control >> 5) & 3;
	int rc = lzma2_need(d, in, reset >= 2 ? 5 : 4, at);
	if (rc)
		return rc;
	const uint8_t *h = in->buf + in->pos;
	size_t unc = ((size_t)(control & 0x1F) << 16 | (size_t)h[0] << 8 | h[1]) + 1;
	size_t comp = ((size_t)h[2] << 8 | h[3]) + 1;
	in->pos += 4;
	if (reset >= 2) {
		if ((rc = lzma2_set_props(d, in->buf[in->pos++], at)))
			return rc;
	} else if (!d->lzma.have_props) {
		return xz_fail(d, XZ_E_CORRUPT,
			       "LZMA2 chunk at offset 0x%zx: LZMA data before any properties", at);
	}
	if (reset >= 1)
		xz_lzma_reset(&d->lzma);
	if ((rc = lzma2_need(d, in, comp, at)))
		return rc;
	if (unc > out_max - *pos)
		return xz_fail(d, XZ_E_OUTPUT_SMALL,
			       "output buffer of %zu bytes is too small (LZMA chunk at 0x%zx)",
			       out_max, at);
	rc = xz_lzma_decode_chunk(d, in->buf + in->pos, comp, out, dict_start, *pos, *pos + unc,
				  dict_size, at);
	if (rc)
		return rc;
	in->pos += comp;
	*pos += unc;
	return 0;
}

int xz_lzma2_decode(struct xz_dec *d, struct xz_in *in, uint8_t *out, size_t *out_pos,
		    size_t out_max, uint32_t dict_size)
{
	size_t pos = *out_pos, dict_start = pos;
	int rc;

	d->lzma.have_props = false;
	d->lzma.need_dict_reset = true;
	for (;;) {
		size_t at = in->pos;
		if (at >= in->len)
			return xz_fail(d, XZ_E_TRUNCATED, "input ends inside LZMA2 data at 0x%zx", at);
		unsigned control = in->buf[in->pos++];
		if (control == 0x00)
			break;
		if (control > 0x02 && control < 0x80)
			return xz_fail(d, XZ_E_CORRUPT, "invalid LZMA2 control byte 0x%02x at 0x%zx",
				       control, at);
		bool dict_reset = control == 0x01 || control >= 0xE0;
		if (d->lzma.need_dict_reset && !dict_reset)
			return xz_fail(d, XZ_E_CORRUPT,
				       "first LZMA2 chunk (0x%zx) does not reset the dictionary", at);
		if (dict_reset) {
			dict_start = pos;
			d->lzma.need_dict_reset = false;
		}
		if (control < 0x80)
			rc = lzma2_stored(d, in, out, &pos, out_max, at);
		else
			rc = lzma2_lzma(d, in, control, out, dict_start, &pos, out_max, dict_size, at);
		if (rc)
			return rc;
	}
	*out_pos = pos;
	return 0;
}
