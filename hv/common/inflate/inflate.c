/*
 * DEFLATE (RFC 1951): stored, fixed-code and dynamic-code blocks.  Bits
 * come least significant first; Huffman codes are canonical (3.2.2) and
 * read one bit at a time, most significant first.
 */
#include "inflate_priv.h"
#include "lib.h"

#define MAX_BITS 15
#define LIT_CODES 288
#define DIST_CODES 30
#define END_OF_BLOCK 256

struct inflate_state {
	struct inflate_dec *d;
	const uint8_t *p, *end;
	uint64_t bitbuf;
	unsigned bitcount;
	bool overrun;
	struct inflate_out *o;
};

/* Lengths 257..285 and distances 0..29: base and extra bits (3.2.5). */
static const uint16_t len_base[29] = { 3, 4, 5, 6, 7, 8, 9, 10, 11, 13, 15, 17, 19, 23, 27, 31,
				       35, 43, 51, 59, 67, 83, 99, 115, 131, 163, 195, 227, 258 };
static const uint8_t len_extra[29] = { 0, 0, 0, 0, 0, 0, 0, 0, 1, 1, 1, 1, 2, 2, 2,
				       2, 3, 3, 3, 3, 4, 4, 4, 4, 5, 5, 5, 5, 0 };
static const uint16_t dist_base[30] = { 1, 2, 3, 4, 5, 7, 9, 13, 17, 25, 33, 49, 65, 97, 129,
					193, 257, 385, 513, 769, 1025, 1537, 2049, 3073,
					4097, 6145, 8193, 12289, 16385, 24577 };
static const uint8_t dist_extra[30] = { 0, 0, 0, 0, 1, 1, 2, 2, 3, 3, 4, 4, 5, 5, 6,
					6, 7, 7, 8, 8, 9, 9, 10, 10, 11, 11, 12, 12, 13, 13 };

/* The order code length code lengths come in (3.2.7). */
static const uint8_t clen_order[19] = { 16, 17, 18, 0, 8, 7, 9, 6, 10, 5, 11, 4, 12, 3, 13, 2, 14, 1, 15 };

static uint32_t getbits(struct inflate_state *s, unsigned n)
{
	while (s->bitcount < n) {
		if (s->p == s->end) {
			s->overrun = true;
			return 0;
		}
		s->bitbuf |= (uint64_t)*s->p++ << s->bitcount;
		s->bitcount += 8;
	}
	uint32_t v = (uint32_t)(s->bitbuf & ((1u << n) - 1));
	s->bitbuf >>= n;
	s->bitcount -= n;
	return v;
}

/* Returns the symbol, or -1 for a code the table does not hold. */
static int decode(struct inflate_state *s, const struct inflate_code *c)
{
	int code = 0, first = 0, index = 0;

	for (unsigned len = 1; len <= MAX_BITS && !s->overrun; len++) {
		code |= (int)getbits(s, 1);
		int count = c->count[len];
		if (code - first < count)
			return c->symbol[index + code - first];
		index += count;
		first = (first + count) << 1;
		code <<= 1;
	}
	return -1;
}

/* Builds a code from lengths; 0 or -1 when over-subscribed.  Incomplete
 * codes are kept: their unused codes decode as errors. */
static int build(struct inflate_code *c, const uint8_t *lens, unsigned n)
{
	uint16_t offset[MAX_BITS + 2];
	int left = 1;

	memset(c->count, 0, sizeof(c->count));
	for (unsigned i = 0; i < n; i++)
		c->count[lens[i]]++;
	c->count[0] = 0;
	offset[1] = 0;
	for (unsigned len = 1; len <= MAX_BITS; len++) {
		left = (left << 1) - c->count[len];
		if (left < 0)
			return -1;
		offset[len + 1] = (uint16_t)(offset[len] + c->count[len]);
	}
	for (unsigned i = 0; i < n; i++)
		if (lens[i])
			c->symbol[offset[lens[i]]++] = (uint16_t)i;
	return 0;
}

static int put_match(struct inflate_state *s, unsigned sym)
{
	struct inflate_out *o = s->o;
	unsigned len = len_base[sym] + getbits(s, len_extra[sym]);
	int dsym = decode(s, &s->d->dist);

	if (dsym < 0 || dsym >= DIST_CODES)
		return inflate_fail(s->d, INFLATE_E_CORRUPT, s->p, "invalid distance code");
	size_t dist = dist_base[dsym] + getbits(s, dist_extra[dsym]);
	if (s->overrun)
		return inflate_fail(s->d, INFLATE_E_TRUNCATED, s->p, "deflate data truncated");
	if (dist > o->pos - o->start)
		return inflate_fail(s->d, INFLATE_E_CORRUPT, s->p, "distance before the member start");
	if (o->max - o->pos < len)
		return inflate_fail(s->d, INFLATE_E_OUTPUT_SMALL, s->p, "output buffer too small");
	for (unsigned i = 0; i < len; i++, o->pos++)
		o->buf[o->pos] = o->buf[o->pos - dist];
	return 0;
}

/* Literal/length and distance codes of one block, up to end of block. */
static int codes(struct inflate_state *s)
{
	for (;;) {
		int sym = decode(s, &s->d->lit);
		if (s->overrun)
			return inflate_fail(s->d, INFLATE_E_TRUNCATED, s->p, "deflate data truncated");
		if (sym < 0 || sym > 285)
			return inflate_fail(s->d, INFLATE_E_CORRUPT, s->p, "invalid literal/length code");
		if (sym == END_OF_BLOCK)
			return 0;
		if (sym < END_OF_BLOCK) {
			if (s->o->pos == s->o->max)
				return inflate_fail(s->d, INFLATE_E_OUTPUT_SMALL, s->p,
						    "output buffer too small");
			s->o->buf[s->o->pos++] = (uint8_t)sym;
		} else {
			int rc = put_match(s, (unsigned)sym - 257);
			if (rc)
				return rc;
		}
	}
}

static int stored(struct inflate_state *s)
{
	getbits(s, s->bitcount & 7); /* to a byte boundary */
	uint32_t len = getbits(s, 16), nlen = getbits(s, 16);
	if (s->overrun || (size_t)(s->end - s->p) < len)
		return inflate_fail(s->d, INFLATE_E_TRUNCATED, s->p, "stored block truncated");
	if ((len ^ 0xFFFF) != nlen)
		return inflate_fail(s->d, INFLATE_E_CORRUPT, s->p, "stored block LEN/NLEN mismatch");
	if (s->o->max - s->o->pos < len)
		return inflate_fail(s->d, INFLATE_E_OUTPUT_SMALL, s->p, "output buffer too small");
	memcpy(s->o->buf + s->o->pos, s->p, len);
	s->o->pos += len;
	s->p += len;
	return 0;
}

static int fixed(struct inflate_state *s)
{
	uint8_t lens[LIT_CODES];
	unsigned i = 0;

	for (; i < 144; i++)
		lens[i] = 8;
	for (; i < 256; i++)
		lens[i] = 9;
	for (; i < 280; i++)
		lens[i] = 7;
	for (; i < LIT_CODES; i++)
		lens[i] = 8;
	build(&s->d->lit, lens, LIT_CODES);
	memset(lens, 5, DIST_CODES + 2);
	build(&s->d->dist, lens, DIST_CODES + 2);
	return codes(s);
}

/* Code lengths of a dynamic block, run-length coded (3.2.7). */
static int dynamic_lengths(struct inflate_state *s, uint8_t *lens, unsigned total)
{
	for (unsigned i = 0; i < total;) {
		int sym = decode(s, &s->d->lit);
		unsigned repeat = 1;
		uint8_t value = (uint8_t)sym;
		if (s->overrun)
			return inflate_fail(s->d, INFLATE_E_TRUNCATED, s->p, "deflate data truncated");
		if (sym < 0)
			return inflate_fail(s->d, INFLATE_E_CORRUPT, s->p, "invalid code length code");
		if (sym == 16) {
			if (!i)
				return inflate_fail(s->d, INFLATE_E_CORRUPT, s->p, "length repeat with no previous length");
			value = lens[i - 1];
			repeat = 3 + getbits(s, 2);
		} else if (sym > 16) {
			value = 0;
			repeat = sym == 17 ? 3 + getbits(s, 3) : 11 + getbits(s, 7);
		}
		if (repeat > total - i)
			return inflate_fail(s->d, INFLATE_E_CORRUPT, s->p, "code lengths past HLIT + HDIST");
		while (repeat--)
			lens[i++] = value;
	}
	return 0;
}

static int dynamic(struct inflate_state *s)
{
	uint8_t lens[LIT_CODES + DIST_CODES + 2] = { 0 };
	unsigned nlit = getbits(s, 5) + 257, ndist = getbits(s, 5) + 1, nclen = getbits(s, 4) + 4;

	if (nlit > 286 || ndist > DIST_CODES)
		return inflate_fail(s->d, INFLATE_E_CORRUPT, s->p, "too many length or distance codes");
	for (unsigned i = 0; i < nclen; i++)
		lens[clen_order[i]] = (uint8_t)getbits(s, 3);
	if (build(&s->d->lit, lens, 19))
		return inflate_fail(s->d, INFLATE_E_CORRUPT, s->p, "over-subscribed code length code");
	memset(lens, 0, 19);
	int rc = dynamic_lengths(s, lens, nlit + ndist);
	if (rc)
		return rc;
	if (!lens[END_OF_BLOCK])
		return inflate_fail(s->d, INFLATE_E_CORRUPT, s->p, "block code cannot end the block");
	if (build(&s->d->lit, lens, nlit) || build(&s->d->dist, lens + nlit, ndist))
		return inflate_fail(s->d, INFLATE_E_CORRUPT, s->p, "over-subscribed literal or distance code");
	return codes(s);
}

int inflate_raw(struct inflate_dec *d, const uint8_t **in, const uint8_t *end,
		struct inflate_out *o)
{
	struct inflate_state s = { d, *in, end, 0, 0, false, o };
	unsigned last = 0;

	while (!last) {
		last = getbits(&s, 1);
		unsigned type = getbits(&s, 2);
		int rc;
		if (s.overrun)
			return inflate_fail(d, INFLATE_E_TRUNCATED, s.p, "deflate data truncated");
		if (type == 0)
			rc = stored(&s);
		else if (type == 1)
			rc = fixed(&s);
		else if (type == 2)
			rc = dynamic(&s);
		else
			rc = inflate_fail(d, INFLATE_E_CORRUPT, s.p, "reserved block type 3");
		if (rc)
			return rc;
	}
	*in = s.p;
	return 0;
}
