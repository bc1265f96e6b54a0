/*
 * The LZMA decoder as used inside LZMA2 chunks (LZMA specification by
 * Igor Pavlov, "lzma-specification.txt" in the LZMA SDK, and the LZMA2
 * notes of xz-file-format.txt 5.3.1): a binary range decoder with 11-bit
 * adaptive probabilities, a 12-state model of what came before, literal
 * coding keyed on the previous byte and position, lengths of 2..273 and
 * distances coded as slot + reverse bit-tree/direct bits/alignment.
 *
 * The dictionary is the output buffer itself: a one-shot decoder keeps
 * every decoded byte, so a match at distance n copies from out[pos - n].
 * LZMA's own position (for the pb/lp context bits) counts from the last
 * dictionary reset, not from the start of the output.
 * Every distance is checked against the bytes decoded since the last
 * dictionary reset (and the declared dictionary size) before it is used,
 * and every length against the end of the chunk.
 */
#include "xz_priv.h"

#define RC_TOP_VALUE (1u << 24)
#define PROB_BITS 11
#define PROB_INIT (1u << (PROB_BITS - 1))
#define PROB_SHIFT 5
#define MATCH_LEN_MIN 2
#define LITERAL_STATES 7 /* states 0..6 follow a literal */

/* The range decoder of one LZMA chunk.  Reading past the chunk yields
 * zeros and is caught when the chunk ends (pos must equal len). */
struct rc {
	const uint8_t *buf;
	size_t len;
	size_t pos;
	uint32_t range;
	uint32_t code;
};

static inline void rc_normalize(struct rc *rc)
{
	if (rc->range < RC_TOP_VALUE) {
		rc->range <<= 8;
		rc->code = (rc->code << 8) | (rc->pos < rc->len ? rc->buf[rc->pos] : 0);
		rc->pos++;
	}
}

static inline unsigned rc_bit(struct rc *rc, uint16_t *prob)
{
	uint32_t bound = (rc->range >> PROB_BITS) * *prob;
	unsigned bit;

	if (rc->code < bound) {
		rc->range = bound;
		*prob += ((1u << PROB_BITS) - *prob) >> PROB_SHIFT;
		bit = 0;
	} else {
		rc->range -= bound;
		rc->code -= bound;
		*prob -= *prob >> PROB_SHIFT;
		bit = 1;
	}
	rc_normalize(rc);
	return bit;
}

/* A bit tree of depth bits, most significant bit first; probs[1..]. */
static inline unsigned rc_tree(struct rc *rc, uint16_t *probs, unsigned bits)
{
	unsigned node = 1;

	for (unsigned i = 0; i < bits; i++)
		node = (node << 1) | rc_bit(rc, &probs[node]);
	return node - (1u << bits);
}

/* A bit tree read least significant bit first; node n uses probs[n - 1 + first]. */
static inline uint32_t rc_tree_reverse(struct rc *rc, uint16_t *probs, unsigned first,
				       unsigned bits)
{
	unsigned node = 1;
	uint32_t value = 0;

	for (unsigned i = 0; i < bits; i++) {
		unsigned bit = rc_bit(rc, &probs[node - 1 + first]);
		node = (node << 1) | bit;
		value |= (uint32_t)bit << i;
	}
	return value;
}

/* Bits with probability one half, most significant first. */
static inline uint32_t rc_direct(struct rc *rc, unsigned bits)
{
	uint32_t value = 0;

	while (bits--) {
		rc->range >>= 1;
		uint32_t bit = rc->code >= rc->range;
		if (bit)
			rc->code -= rc->range;
		value = (value << 1) | bit;
		rc_normalize(rc);
	}
	return value;
}

static inline unsigned len_decode(struct rc *rc, struct lzma_len_probs *lp, unsigned pos_state)
{
	if (!rc_bit(rc, &lp->choice))
		return MATCH_LEN_MIN + rc_tree(rc, lp->low[pos_state], 3);
	if (!rc_bit(rc, &lp->choice2))
		return MATCH_LEN_MIN + 8 + rc_tree(rc, lp->mid[pos_state], 3);
	return MATCH_LEN_MIN + 16 + rc_tree(rc, lp->high, 8);
}

/* Returns distance - 1 of a new match of length len. */
static inline uint32_t dist_decode(struct rc *rc, struct lzma_probs *p, unsigned len)
{
	unsigned len_state = MIN(len - MATCH_LEN_MIN, LZMA_DIST_STATES - 1u);
	unsigned slot = rc_tree(rc, p->dist_slot[len_state], 6);

	if (slot < 4)
		return slot;
	unsigned low_bits = (slot >> 1) - 1;
	uint32_t dist = (uint32_t)(2 | (slot & 1)) << low_bits;
	if (slot < LZMA_DIST_MODEL_END)
		return dist + rc_tree_reverse(rc, p->dist_special, dist - slot, low_bits);
	dist += rc_direct(rc, low_bits - LZMA_ALIGN_BITS) << LZMA_ALIGN_BITS;
	return dist + rc_tree_reverse(rc, p->dist_align, 1, LZMA_ALIGN_BITS);
}

/* One literal; a "matched" literal (after a match) is steered by the
 * byte at the last distance until the first bit that differs from it. */
static inline uint8_t literal_decode(struct rc *rc, uint16_t *probs, unsigned state,
				     unsigned match_byte)
{
	unsigned sym = 1;

	if (state >= LITERAL_STATES) {
		do {
			unsigned match_bit = (match_byte >> 7) & 1;
			match_byte <<= 1;
			unsigned bit = rc_bit(rc, &probs[((1 + match_bit) << 8) + sym]);
			sym = (sym << 1) | bit;
			if (bit != match_bit)
				break;
		} while (sym < 0x100);
	}
	while (sym < 0x100)
		sym = (sym << 1) | rc_bit(rc, &probs[sym]);
	return (uint8_t)sym;
}

static inline unsigned state_after_literal(unsigned s)
{
	return s < 4 ? 0 : s < 10 ? s - 3 : s - 6;
}

void xz_lzma_reset(struct lzma_dec *lz)
{
	uint16_t *prob = (uint16_t *)&lz->probs;

	for (size_t i = 0; i < sizeof(lz->probs) / sizeof(uint16_t); i++)
		prob[i] = PROB_INIT;
	lz->state = 0;
	lz->rep[0] = lz->rep[1] = lz->rep[2] = lz->rep[3] = 0;
}

/* Copies len bytes from distance rep0 + 1 back.  When the distance is
 * at least 8, 8-byte pieces read only bytes already written; nearer
 * matches repeat a short pattern and go byte by byte. */
static inline void match_copy(uint8_t *out, size_t pos, uint32_t rep0, unsigned len)
{
	const uint8_t *src = out + pos - rep0 - 1;
	uint8_t *dst = out + pos;
	unsigned i = 0;

	if (rep0 >= 7)
		for (; len - i >= 8; i += 8)
			__builtin_memcpy(dst + i, src + i, 8); /* one load, one store */
	for (; i < len; i++)
		dst[i] = src[i];
}

static int chunk_bad(struct xz_dec *d, size_t in_at, size_t pos, const char *what, uint64_t v)
{
	return xz_fail(d, XZ_E_CORRUPT,
		       "LZMA chunk at input offset 0x%zx, output offset 0x%zx: %s (%llu)",
		       in_at, pos, what, (unsigned long long)v);
}

/* The decoding position and history the main loop carries. */
struct lzma_run {
	unsigned state;
	uint32_t rep0, rep1, rep2, rep3;
};

/*
 * After an is_match bit of 1: decodes which kind of match follows and
 * its length, updating the distance history and state.  Returns the
 * length, or 1 for a "short rep" (one byte at rep0).
 */
static inline unsigned match_decode(struct rc *rc, struct lzma_probs *p, struct lzma_run *r,
				    unsigned pos_state)
{
	unsigned s = r->state;
	unsigned len;

	if (!rc_bit(rc, &p->is_rep[s])) {
		len = len_decode(rc, &p->match_len, pos_state);
		r->rep3 = r->rep2;
		r->rep2 = r->rep1;
		r->rep1 = r->rep0;
		r->rep0 = dist_decode(rc, p, len);
		r->state = s < LITERAL_STATES ? 7 : 10;
		return len;
	}
	if (!rc_bit(rc, &p->is_rep0[s])) {
		if (!rc_bit(rc, &p->is_rep0_long[s][pos_state])) {
			r->state = s < LITERAL_STATES ? 9 : 11;
			return 1;
		}
	} else {
		uint32_t dist;
		if (!rc_bit(rc, &p->is_rep1[s])) {
			dist = r->rep1;
		} else {
			if (!rc_bit(rc, &p->is_rep2[s])) {
				dist = r->rep2;
			} else {
				dist = r->rep3;
				r->rep3 = r->rep2;
			}
			r->rep2 = r->rep1;
		}
		r->rep1 = r->rep0;
		r->rep0 = dist;
	}
	r->state = s < LITERAL_STATES ? 8 : 11;
	return len_decode(rc, &p->rep_len, pos_state);
}

int xz_lzma_decode_chunk(struct xz_dec *d, const uint8_t *comp, size_t comp_len,
			 uint8_t *out, size_t dict_start, size_t pos, size_t end,
			 uint32_t dict_size, size_t in_at)
{
	struct lzma_dec *lz = &d->lzma;
	struct lzma_probs *p = &lz->probs;
	struct rc rc = { .buf = comp, .len = comp_len, .pos = 5, .range = 0xFFFFFFFFu };
	struct lzma_run r = { lz->state, lz->rep[0], lz->rep[1], lz->rep[2], lz->rep[3] };
	const unsigned pb_mask = (1u << lz->pb) - 1, lp_mask = (1u << lz->lp) - 1, lc = lz->lc;

	if (comp_len < 5 || comp[0] != 0)
		return chunk_bad(d, in_at, pos, "range coder does not start with a zero byte",
				 comp_len ? comp[0] : 0);
	rc.code = (uint32_t)comp[1] << 24 | (uint32_t)comp[2] << 16 | (uint32_t)comp[3] << 8 | comp[4];
	if (rc.code == 0xFFFFFFFFu)
		return chunk_bad(d, in_at, pos, "range coder starts out of range", rc.code);

	while (pos < end) {
		size_t since_reset = pos - dict_start; /* LZMA's position */
		unsigned pos_state = since_reset & pb_mask;
		size_t avail = MIN(since_reset, (size_t)dict_size);

		if (!rc_bit(&rc, &p->is_match[r.state][pos_state])) {
			unsigned prev = pos > dict_start ? out[pos - 1] : 0;
			uint16_t *probs = p->literal[((since_reset & lp_mask) << lc) + (prev >> (8 - lc))];
			unsigned match_byte = 0;
			if (r.state >= LITERAL_STATES) {
				if (r.rep0 >= avail)
					return chunk_bad(d, in_at, pos, "distance beyond the dictionary",
							 (uint64_t)r.rep0 + 1);
				match_byte = out[pos - r.rep0 - 1];
			}
			out[pos++] = literal_decode(&rc, probs, r.state, match_byte);
			r.state = state_after_literal(r.state);
			continue;
		}
		unsigned len = match_decode(&rc, p, &r, pos_state);
		if (r.rep0 >= avail) {
			if (r.rep0 == 0xFFFFFFFFu)
				return chunk_bad(d, in_at, pos, "end marker inside LZMA2", r.rep0);
			return chunk_bad(d, in_at, pos, "distance beyond the dictionary",
					 (uint64_t)r.rep0 + 1);
		}
		if (len > end - pos)
			return chunk_bad(d, in_at, pos, "match runs past the end of the chunk", len);
		match_copy(out, pos, r.rep0, len);
		pos += len;
	}
	if (rc.pos != comp_len)
		return chunk_bad(d, in_at, pos, "compressed size disagrees with the data", rc.pos);
	if (rc.code != 0)
		return chunk_bad(d, in_at, pos, "range coder does not end at zero", rc.code);
	lz->state = r.state;
	lz->rep[0] = r.rep0;
	lz->rep[1] = r.rep1;
	lz->rep[2] = r.rep2;
	lz->rep[3] = r.rep3;
	return 0;
}
