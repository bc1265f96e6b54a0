/*
 * Internals of the zstd decoder: the two bitstream readers of RFC 8878
 * (forward for table descriptions, backward for entropy-coded streams)
 * and the functions the files of hv/common/zstd/ share.
 */
#ifndef BASTION_ZSTD_PRIV_H
#define BASTION_ZSTD_PRIV_H

#include "zstd.h"

/* Input window [p, end) with the decoder for error messages. */
struct zstd_in {
	const uint8_t *p, *end;
	struct zstd_dec *d;
};

/*
 * A backward bitstream (RFC 8878 4.1): read from the last byte's highest
 * set bit (a marker, not data) towards bit 0 of the first byte.  pos is
 * the number of bits left; it goes negative when a read runs past the
 * start, which a stream's decoder must treat as corruption or its end.
 */
struct zstd_bits {
	const uint8_t *buf;
	size_t len;
	int64_t pos;
};

static inline uint32_t zstd_le(const uint8_t *p, unsigned bytes)
{
	uint32_t v = 0;

	for (unsigned i = 0; i < bytes; i++)
		v |= (uint32_t)p[i] << (8 * i);
	return v;
}

static inline unsigned zstd_highbit(uint32_t v)
{
	return 31 - (unsigned)__builtin_clz(v);
}

/* The n (<= 32) bits below pos, without consuming; zeros below bit 0. */
static inline uint32_t zstd_bits_peek(const struct zstd_bits *b, unsigned n)
{
	int64_t lo = b->pos - n;
	size_t at = lo > 0 ? (size_t)lo >> 3 : 0;
	uint64_t v = 0;

	if (b->pos <= 0 || !n)
		return 0;
	for (unsigned i = 0; i < 8 && at + i < b->len; i++)
		v |= (uint64_t)b->buf[at + i] << (8 * i);
	v = lo > 0 ? v >> (lo & 7) : v << -lo;
	return (uint32_t)(v & ((1ull << n) - 1));
}

static inline uint32_t zstd_bits_read(struct zstd_bits *b, unsigned n)
{
	uint32_t v = zstd_bits_peek(b, n);

	b->pos -= n;
	return v;
}

int zstd_fail(struct zstd_dec *d, int error, const uint8_t *at, const char *what);
int zstd_bits_init(struct zstd_bits *b, const uint8_t *p, size_t len, struct zstd_dec *d);

/* FSE (zstd_fse.c) */
int zstd_fse_read(struct zstd_fse *t, unsigned max_log, unsigned max_symbol,
		  const uint8_t *p, size_t len, struct zstd_dec *d);
void zstd_fse_build(struct zstd_fse *t, const int16_t *norm, unsigned symbols, unsigned log);
void zstd_fse_rle(struct zstd_fse *t, uint8_t symbol);

/* Literals section (zstd_lit.c, zstd_huf.c): advances in past it and
 * points *lit at the literals (in the input or d->literals). */
int zstd_literals(struct zstd_in *in, const uint8_t **lit, size_t *lit_len);
int zstd_huf_table(struct zstd_in *in);
int zstd_huf_streams(struct zstd_dec *d, const uint8_t *p, size_t len, size_t lit_len,
		     bool four);

/* Sequences section and execution (zstd_seq.c) */
/* Where a block's output goes: out[pos, max), the frame began at start. */
struct zstd_out {
	uint8_t *buf;
	size_t pos, max, start;
	uint64_t window;
};

int zstd_sequences(struct zstd_in *in, const uint8_t *lit, size_t lit_len, struct zstd_out *o);

uint64_t zstd_xxh64(const uint8_t *p, size_t len);

#endif
