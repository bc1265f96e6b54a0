/*
 * Decoder of the x86 branch/call/jump filter (BCJ, filter ID 0x04 in
 * xz-file-format.txt 5.3.3).  The encoder rewrote the 32-bit operand of
 * each E8 (CALL rel32) / E9 (JMP rel32) it judged real -- operand's top
 * byte 0x00 or 0xFF -- from relative to absolute (operand + position of
 * the next instruction), which makes repeated calls to one target
 * compress better.  Decoding subtracts the position again.
 *
 * Candidates the filter skipped steer later decisions: for a candidate at
 * position i, "skipped" holds one bit per byte i-1, i-2, i-3 that was an
 * E8/E9 the filter left alone.  With more than one such byte it skips i;
 * with one, at distance k, it skips i if operand byte 4-k is 0x00/0xFF
 * (that byte could be the top byte of an earlier operand).  When it
 * converts next to a skipped byte at distance k, a result whose byte 3-k
 * is 0x00/0xFF has its low 32-8k bits inverted and is converted again.
 * The result's top byte is bit 24 sign-extended.  Each block starts
 * afresh at position start_offset, and the last four bytes of a block
 * are never candidates.
 */
#include "xz_priv.h"

#define BCJ_OPERAND_END 5 /* opcode + rel32 */
#define BCJ_REPEAT_MAX 16 /* bound on re-conversion (reached only by bad data) */

static inline bool bcj_is_branch(uint8_t b)
{
	return (b & 0xFE) == 0xE8;
}

static inline bool bcj_is_sign_byte(uint8_t b)
{
	return b == 0x00 || b == 0xFF;
}

/* Distance (1..3) of the farthest skipped byte in a non-empty mask. */
static inline unsigned bcj_far_distance(unsigned skipped)
{
	return skipped >= 4 ? 3 : skipped >= 2 ? 2 : 1;
}

/*
 * Position of the first E8/E9 byte in buf[i, end): end if there is none,
 * i if i >= end already.  Most bytes are not, so it tests eight at a
 * time: a byte b is E8/E9 exactly when (b & 0xFE) ^ 0xE8 is zero, and
 * (v - 0x01..01) & ~v & 0x80..80 is non-zero exactly when some byte of
 * v is zero.
 */
static size_t bcj_next_branch(const uint8_t *buf, size_t i, size_t end)
{
	const uint64_t ones = 0x0101010101010101ull;

	while (i + sizeof(uint64_t) <= end) { /* i may be past end */
		uint64_t w;
		__builtin_memcpy(&w, buf + i, sizeof(w)); /* one unaligned load */
		uint64_t v = (w & (0xFE * ones)) ^ (0xE8 * ones);
		if ((v - ones) & ~v & (0x80 * ones))
			break;
		i += sizeof(uint64_t);
	}
	while (i < end && !bcj_is_branch(buf[i]))
		i++;
	return i;
}

static uint32_t bcj_unconvert(uint32_t operand, uint32_t next_ip, unsigned skipped)
{
	uint32_t target = operand - next_ip;

	if (!skipped)
		return target;
	unsigned shift = 32 - 8 * bcj_far_distance(skipped);
	for (int i = 0; i < BCJ_REPEAT_MAX; i++) {
		if (!bcj_is_sign_byte((uint8_t)(target >> (shift - 8))))
			break;
		operand = target ^ ((1u << shift) - 1);
		target = operand - next_ip;
	}
	return target;
}

void xz_bcj_x86_decode(uint8_t *buf, size_t len, uint32_t start_offset)
{
	unsigned skipped = 0;  /* relative to the byte after last_candidate */
	size_t last_candidate = 0;
	bool any_candidate = false;
	size_t i = 0;

	if (len < BCJ_OPERAND_END)
		return;
	size_t end = len - BCJ_OPERAND_END + 1; /* candidates lie before this */
	for (;;) {
		i = bcj_next_branch(buf, i, end);
		if (i >= end)
			break;
		size_t gap = any_candidate ? i - last_candidate : SIZE_MAX;
		skipped = gap > 3 ? 0 : (skipped << (gap - 1)) & 7;
		last_candidate = i;
		any_candidate = true;

		bool skip;
		if (skipped) {
			bool single = skipped == 1 || skipped == 2 || skipped == 4;
			unsigned k = bcj_far_distance(skipped);
			skip = !single || bcj_is_sign_byte(buf[i + 4 - k]);
		} else {
			skip = false;
		}
		if (skip || !bcj_is_sign_byte(buf[i + 4])) {
			skipped = (skipped << 1) | 1;
			i++;
			continue;
		}
		uint32_t next_ip = start_offset + (uint32_t)i + BCJ_OPERAND_END;
		uint32_t target = bcj_unconvert(xz_le32(buf + i + 1), next_ip, skipped);
		buf[i + 1] = (uint8_t)target;
		buf[i + 2] = (uint8_t)(target >> 8);
		buf[i + 3] = (uint8_t)(target >> 16);
		buf[i + 4] = (target >> 24) & 1 ? 0xFF : 0x00;
		i += BCJ_OPERAND_END;
	}
}
