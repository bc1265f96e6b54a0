/*
 * Huffman coding of literals (RFC 8878 4.2): the tree description
 * (weights stored directly or FSE-compressed, the last weight implied),
 * the decoding table it gives, and one or four backward streams.
 */
#include "zstd_priv.h"

#define HUF_LOG_MAX 11
#define WEIGHT_LOG_MAX 6
#define WEIGHT_MAX 11
#define WEIGHTS_MAX 255 /* given; the last symbol's is implied */

/* Weights coded with FSE: two states take turns on one stream. */
static int weights_fse(struct zstd_in *in, size_t len, uint8_t *w, unsigned *count)
{
	struct zstd_dec *d = in->d;
	const uint8_t *p = in->p + 1;
	struct zstd_bits b;
	int used = zstd_fse_read(&d->weights, WEIGHT_LOG_MAX, WEIGHT_MAX, p, len, d);

	if (used < 0 || zstd_bits_init(&b, p + used, len - (size_t)used, d))
		return used < 0 ? used : ZSTD_E_CORRUPT;
	const struct zstd_fse_cell *t = d->weights.cell;
	uint32_t state[2];
	state[0] = zstd_bits_read(&b, d->weights.log);
	state[1] = zstd_bits_read(&b, d->weights.log);
	if (b.pos < 0)
		return zstd_fail(d, ZSTD_E_CORRUPT, p, "Huffman weights stream too short");
	*count = 0;
	for (unsigned i = 0;; i ^= 1) {
		if (*count >= WEIGHTS_MAX - 1)
			return zstd_fail(d, ZSTD_E_CORRUPT, p, "more than 255 Huffman weights");
		const struct zstd_fse_cell *c = &t[state[i]];
		w[(*count)++] = c->symbol;
		state[i] = c->next + zstd_bits_read(&b, c->bits);
		if (b.pos < 0) {
			w[(*count)++] = t[state[i ^ 1]].symbol;
			return 0;
		}
	}
}

/* Weights of the symbols, then the table: the lowest weights take the
 * lowest (longest) codes, each in symbol order. */
static int huf_build(struct zstd_dec *d, uint8_t *w, unsigned n, const uint8_t *at)
{
	uint32_t total = 0;

	for (unsigned i = 0; i < n; i++) {
		if (w[i] > WEIGHT_MAX)
			return zstd_fail(d, ZSTD_E_CORRUPT, at, "Huffman weight above 11");
		total += w[i] ? 1u << (w[i] - 1) : 0;
	}
	if (!total)
		return zstd_fail(d, ZSTD_E_CORRUPT, at, "Huffman weights all zero");
	unsigned log = zstd_highbit(total) + 1;
	uint32_t rest = (1u << log) - total;
	if (log > HUF_LOG_MAX || (rest & (rest - 1)))
		return zstd_fail(d, ZSTD_E_CORRUPT, at, "Huffman weights do not form a code");
	w[n++] = (uint8_t)(zstd_highbit(rest) + 1);
	uint32_t pos = 0;
	for (unsigned weight = 1; weight <= log; weight++)
		for (unsigned s = 0; s < n; s++) {
			if (w[s] != weight)
				continue;
			for (uint32_t k = 0; k < 1u << (weight - 1); k++)
				d->huf[pos++] = (struct zstd_huf_cell){ (uint8_t)s,
									(uint8_t)(log + 1 - weight) };
		}
	d->huf_log = (uint8_t)log;
	return 0;
}

int zstd_huf_table(struct zstd_in *in)
{
	uint8_t w[WEIGHTS_MAX + 1];
	unsigned count = 0, hb = in->p < in->end ? in->p[0] : 0;
	size_t len = hb < 128 ? hb : (hb - 127 + 1) / 2;
	int rc = 0;

	if (in->p == in->end || (size_t)(in->end - in->p - 1) < len)
		return zstd_fail(in->d, ZSTD_E_CORRUPT, in->p, "Huffman tree past the literals");
	if (hb < 128) {
		rc = weights_fse(in, len, w, &count);
	} else {
		count = hb - 127;
		for (unsigned i = 0; i < count; i++)
			w[i] = i & 1 ? in->p[1 + i / 2] & 15 : in->p[1 + i / 2] >> 4;
	}
	rc = rc ? rc : huf_build(in->d, w, count, in->p);
	in->p += 1 + len;
	return rc;
}

static int huf_stream(struct zstd_dec *d, const uint8_t *p, size_t len, uint8_t *out, size_t n)
{
	struct zstd_bits b;
	unsigned log = d->huf_log;

	if (zstd_bits_init(&b, p, len, d))
		return ZSTD_E_CORRUPT;
	for (size_t i = 0; i < n; i++) {
		const struct zstd_huf_cell *c = &d->huf[zstd_bits_peek(&b, log)];
		out[i] = c->symbol;
		b.pos -= c->bits;
	}
	if (b.pos)
		return zstd_fail(d, ZSTD_E_CORRUPT, p, "Huffman stream length does not match");
	return 0;
}

int zstd_huf_streams(struct zstd_dec *d, const uint8_t *p, size_t len, size_t lit_len, bool four)
{
	if (!four)
		return huf_stream(d, p, len, d->literals, lit_len);
	size_t seg = (lit_len + 3) / 4, at = 6, size[4];
	if (len < 6 || 3 * seg > lit_len)
		return zstd_fail(d, ZSTD_E_CORRUPT, p, "four Huffman streams too short");
	size[0] = zstd_le(p, 2), size[1] = zstd_le(p + 2, 2), size[2] = zstd_le(p + 4, 2);
	if (size[0] + size[1] + size[2] > len - 6)
		return zstd_fail(d, ZSTD_E_CORRUPT, p, "Huffman jump table past the literals");
	size[3] = len - 6 - size[0] - size[1] - size[2];
	for (int i = 0; i < 4; i++) {
		size_t n = i < 3 ? seg : lit_len - 3 * seg;
		int rc = huf_stream(d, p + at, size[i], d->literals + i * seg, n);
		if (rc)
			return rc;
		at += size[i];
	}
	return 0;
}
