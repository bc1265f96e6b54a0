/*
 * Finite State Entropy tables (RFC 8878 4.1): reading a table
 * description (a list of normalised probabilities, 4.1.1) and building
 * the decoding table from it.
 */
#include "zstd_priv.h"

/* Forward (little-endian, low bit first) reader of a table description. */
struct fwd_bits {
	const uint8_t *p;
	size_t len;
	size_t pos; /* bits consumed */
};

static uint32_t fwd_peek(const struct fwd_bits *b, unsigned n)
{
	uint64_t v = 0;
	size_t at = b->pos >> 3;

	for (unsigned i = 0; i < 4 && at + i < b->len; i++)
		v |= (uint64_t)b->p[at + i] << (8 * i);
	return (uint32_t)(v >> (b->pos & 7)) & ((1u << n) - 1);
}

/* One probability: 'remaining' (plus one) bounds it, so short codes
 * cover the small values (RFC 8878 4.1.1). Returns it plus one. */
static uint32_t fse_read_count(struct fwd_bits *b, int32_t remaining, unsigned *bits)
{
	while (remaining < (1 << (*bits - 1)))
		(*bits)--;
	uint32_t threshold = 1u << (*bits - 1);
	uint32_t small = 2 * threshold - 1 - (uint32_t)remaining;
	uint32_t v = fwd_peek(b, *bits);

	if ((v & (threshold - 1)) < small) {
		b->pos += *bits - 1;
		return v & (threshold - 1);
	}
	b->pos += *bits;
	return v >= threshold ? v - small : v;
}

/* After a zero probability: 2-bit repeat counts of further zeros. */
static int fse_zero_run(struct fwd_bits *b, int16_t *norm, unsigned *sym, unsigned max_symbol)
{
	uint32_t repeat;

	do {
		repeat = fwd_peek(b, 2);
		b->pos += 2;
		for (uint32_t i = 0; i < repeat; i++) {
			if (*sym > max_symbol)
				return -1;
			norm[(*sym)++] = 0;
		}
	} while (repeat == 3);
	return 0;
}

int zstd_fse_read(struct zstd_fse *t, unsigned max_log, unsigned max_symbol,
		  const uint8_t *p, size_t len, struct zstd_dec *d)
{
	struct fwd_bits b = { p, len, 4 };
	int16_t norm[256];
	unsigned sym = 0;

	if (!len)
		return zstd_fail(d, ZSTD_E_TRUNCATED, p, "FSE table description missing");
	unsigned log = (p[0] & 15) + 5;
	if (log > max_log)
		return zstd_fail(d, ZSTD_E_CORRUPT, p, "FSE accuracy log too large");
	int32_t remaining = (1 << log) + 1;
	unsigned bits = log + 1;
	while (remaining > 1) {
		if (sym > max_symbol)
			return zstd_fail(d, ZSTD_E_CORRUPT, p, "FSE table has too many symbols");
		int32_t prob = (int32_t)fse_read_count(&b, remaining, &bits) - 1;
		norm[sym++] = (int16_t)prob;
		remaining -= prob < 0 ? 1 : prob;
		if (remaining < 1)
			return zstd_fail(d, ZSTD_E_CORRUPT, p, "FSE probabilities exceed the table");
		if (!prob && fse_zero_run(&b, norm, &sym, max_symbol))
			return zstd_fail(d, ZSTD_E_CORRUPT, p, "FSE zero run past the last symbol");
		if ((b.pos + 7) / 8 > len)
			return zstd_fail(d, ZSTD_E_TRUNCATED, p, "FSE table description truncated");
	}
	zstd_fse_build(t, norm, sym, log);
	return (int)((b.pos + 7) / 8);
}

/* Spreads the symbols over the states, then gives each state the bits
 * and baseline that lead on to the next one (RFC 8878 4.1.1). */
void zstd_fse_build(struct zstd_fse *t, const int16_t *norm, unsigned symbols, unsigned log)
{
	uint32_t size = 1u << log, mask = size - 1, high = size - 1;
	uint32_t step = (size >> 1) + (size >> 3) + 3, at = 0;
	uint16_t next[256];

	for (unsigned s = 0; s < symbols; s++) {
		if (norm[s] == -1) {
			t->cell[high--].symbol = (uint8_t)s;
			next[s] = 1;
		} else {
			next[s] = (uint16_t)norm[s];
		}
	}
	for (unsigned s = 0; s < symbols; s++)
		for (int i = 0; i < norm[s]; i++) {
			t->cell[at].symbol = (uint8_t)s;
			do
				at = (at + step) & mask;
			while (at > high);
		}
	for (uint32_t u = 0; u < size; u++) {
		struct zstd_fse_cell *c = &t->cell[u];
		uint32_t n = next[c->symbol]++;
		c->bits = (uint8_t)(log - zstd_highbit(n));
		c->next = (uint16_t)((n << c->bits) - size);
	}
	t->log = (uint8_t)log;
	t->valid = true;
}

void zstd_fse_rle(struct zstd_fse *t, uint8_t symbol)
{
	t->cell[0] = (struct zstd_fse_cell){ 0, symbol, 0 };
	t->log = 0;
	t->valid = true;
}
