/*
 * The sequences section of a compressed block (RFC 8878 3.1.1.3.2) and
 * its execution (3.1.1.4): the sequence count, the table mode of each
 * code (predefined, RLE, FSE-compressed, repeat), the interleaved FSE
 * states, the extra bits of each code, repeat offsets, and copying
 * literals and matches to the output.
 */
#include "zstd_priv.h"
#include "lib.h"

enum { MODE_PREDEFINED, MODE_RLE, MODE_FSE, MODE_REPEAT };

/* Predefined distributions (3.1.1.3.2.2). */
static const int16_t ll_default[36] = {
	4, 3, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 1, 1, 1, 2, 2,
	2, 2, 2, 2, 2, 2, 2, 3, 2, 1, 1, 1, 1, 1, -1, -1, -1, -1,
};
static const int16_t ml_default[53] = {
	1, 4, 3, 2, 2, 2, 2, 2, 2, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1,
	1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, -1, -1, -1, -1, -1, -1, -1,
};
static const int16_t of_default[29] = {
	1, 1, 1, 1, 1, 1, 2, 2, 2, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, -1, -1, -1, -1, -1,
};

/* Codes past the ones that stand for themselves (3.1.1.3.2.1.1). */
static const uint32_t ll_base[20] = { 16, 18, 20, 22, 24, 28, 32, 40, 48, 64, 128, 256, 512,
				      1024, 2048, 4096, 8192, 16384, 32768, 65536 };
static const uint8_t ll_bits[20] = { 1, 1, 1, 1, 2, 2, 3, 3, 4, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16 };
static const uint32_t ml_base[21] = { 35, 37, 39, 41, 43, 47, 51, 59, 67, 83, 99, 131, 259, 515,
				      1027, 2051, 4099, 8195, 16387, 32771, 65539 };
static const uint8_t ml_bits[21] = { 1, 1, 1, 1, 2, 2, 3, 3, 4, 4, 5, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16 };

struct code_kind {
	const int16_t *def;
	uint8_t def_symbols, def_log, max_log, max_symbol;
	const char *name;
};

static const struct code_kind kind_ll = { ll_default, 36, 6, 9, 35, "literal length" };
static const struct code_kind kind_of = { of_default, 29, 5, 8, 31, "offset" };
static const struct code_kind kind_ml = { ml_default, 53, 6, 9, 52, "match length" };

static int seq_table(struct zstd_in *in, unsigned mode, struct zstd_fse *t, const struct code_kind *k)
{
	struct zstd_dec *d = in->d;
	char what[64];

	if (mode == MODE_PREDEFINED) {
		zstd_fse_build(t, k->def, k->def_symbols, k->def_log);
	} else if (mode == MODE_RLE) {
		if (in->p == in->end || in->p[0] > k->max_symbol)
			return zstd_fail(d, ZSTD_E_CORRUPT, in->p, "bad RLE code in sequences header");
		zstd_fse_rle(t, *in->p++);
	} else if (mode == MODE_FSE) {
		int used = zstd_fse_read(t, k->max_log, k->max_symbol, in->p,
					 (size_t)(in->end - in->p), d);
		if (used < 0)
			return used;
		in->p += used;
	} else if (!t->valid) {
		fmt_snprintf(what, sizeof(what), "repeated %s table without an earlier one", k->name);
		return zstd_fail(d, ZSTD_E_CORRUPT, in->p, what);
	}
	return 0;
}

/* Sequence count and table modes; *count 0 ends the block. */
static int seq_header(struct zstd_in *in, uint32_t *count)
{
	const uint8_t *p = in->p;
	size_t left = (size_t)(in->end - p);
	unsigned len = !left || p[0] < 128 ? 1 : p[0] < 255 ? 2 : 3;

	if (left < len)
		return zstd_fail(in->d, ZSTD_E_CORRUPT, p, "sequences header past the block");
	*count = len == 1 ? p[0] : len == 2 ? ((p[0] - 128u) << 8) + p[1] : p[1] + (p[2] << 8) + 0x7F00u;
	in->p += len;
	if (!*count)
		return in->p == in->end ? 0 : zstd_fail(in->d, ZSTD_E_CORRUPT, p, "data after zero sequences");
	if (in->p == in->end || (in->p[0] & 3))
		return zstd_fail(in->d, ZSTD_E_CORRUPT, p, "bad sequence table modes");
	unsigned modes = *in->p++;
	struct zstd_dec *d = in->d;
	int rc = seq_table(in, modes >> 6, &d->ll, &kind_ll);
	rc = rc ? rc : seq_table(in, (modes >> 4) & 3, &d->of, &kind_of);
	return rc ? rc : seq_table(in, (modes >> 2) & 3, &d->ml, &kind_ml);
}

/* Offset_Value to an offset, updating the repeat offsets (3.1.1.5). */
static uint64_t seq_offset(uint64_t *rep, uint64_t value, uint32_t lit)
{
	if (value > 3) {
		rep[2] = rep[1], rep[1] = rep[0], rep[0] = value - 3;
		return rep[0];
	}
	unsigned which = (unsigned)value - 1 + (lit == 0);
	if (!which)
		return rep[0];
	uint64_t offset = which == 3 ? rep[0] - 1 : rep[which];
	if (which != 1)
		rep[2] = rep[1];
	rep[1] = rep[0];
	rep[0] = offset;
	return offset;
}

struct seq {
	uint32_t lit, match;
	uint64_t offset;
};

struct seq_states {
	struct zstd_bits b;
	uint32_t ll, of, ml;
};

static void seq_decode(struct zstd_dec *d, struct seq_states *s, struct seq *q, bool update)
{
	unsigned of = d->of.cell[s->of].symbol, ml = d->ml.cell[s->ml].symbol;
	unsigned ll = d->ll.cell[s->ll].symbol;
	uint64_t value = (1ull << of) + zstd_bits_read(&s->b, of);

	q->match = ml < 32 ? ml + 3 : ml_base[ml - 32] + zstd_bits_read(&s->b, ml_bits[ml - 32]);
	q->lit = ll < 16 ? ll : ll_base[ll - 16] + zstd_bits_read(&s->b, ll_bits[ll - 16]);
	q->offset = seq_offset(d->rep, value, q->lit);
	if (!update)
		return;
	const struct zstd_fse_cell *c = &d->ll.cell[s->ll];
	s->ll = c->next + zstd_bits_read(&s->b, c->bits);
	c = &d->ml.cell[s->ml];
	s->ml = c->next + zstd_bits_read(&s->b, c->bits);
	c = &d->of.cell[s->of];
	s->of = c->next + zstd_bits_read(&s->b, c->bits);
}

static int seq_copy(struct zstd_dec *d, struct zstd_out *o, const uint8_t *lit, size_t lit_len,
		    const struct seq *q, const uint8_t *at)
{
	if (lit_len < q->lit)
		return zstd_fail(d, ZSTD_E_CORRUPT, at, "sequence needs more literals than the block has");
	if (o->max - o->pos < (size_t)q->lit + q->match)
		return zstd_fail(d, ZSTD_E_OUTPUT_SMALL, at, "output buffer too small");
	memcpy(o->buf + o->pos, lit, q->lit);
	o->pos += q->lit;
	if (!q->offset || q->offset > o->pos - o->start || q->offset > o->window)
		return zstd_fail(d, ZSTD_E_CORRUPT, at, "match offset outside the frame's window");
	uint8_t *dst = o->buf + o->pos;
	const uint8_t *src = dst - q->offset;
	for (uint32_t i = 0; i < q->match; i++)
		dst[i] = src[i];
	o->pos += q->match;
	return 0;
}

int zstd_sequences(struct zstd_in *in, const uint8_t *lit, size_t lit_len, struct zstd_out *o)
{
	struct zstd_dec *d = in->d;
	struct seq_states s;
	uint32_t count = 0;
	int rc = seq_header(in, &count);

	if (!rc && count && !(rc = zstd_bits_init(&s.b, in->p, (size_t)(in->end - in->p), d))) {
		s.ll = zstd_bits_read(&s.b, d->ll.log);
		s.of = zstd_bits_read(&s.b, d->of.log);
		s.ml = zstd_bits_read(&s.b, d->ml.log);
	}
	for (uint32_t i = 0; !rc && i < count; i++) {
		struct seq q;
		seq_decode(d, &s, &q, i + 1 < count);
		if (s.b.pos < 0)
			return zstd_fail(d, ZSTD_E_CORRUPT, in->p, "sequences bitstream too short");
		rc = seq_copy(d, o, lit, lit_len, &q, in->p);
		lit += q.lit, lit_len -= q.lit;
	}
	if (!rc && count && s.b.pos)
		return zstd_fail(d, ZSTD_E_CORRUPT, in->p, "sequences bitstream longer than its sequences");
	if (rc || o->max - o->pos < lit_len)
		return rc ? rc : zstd_fail(d, ZSTD_E_OUTPUT_SMALL, in->p, "output buffer too small");
	memcpy(o->buf + o->pos, lit, lit_len);
	o->pos += lit_len;
	return 0;
}
