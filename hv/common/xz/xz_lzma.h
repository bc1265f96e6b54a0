/*
 * State of the LZMA decoder as LZMA2 drives it: the adaptive bit
 * probabilities, the 12-state literal/match/rep history, the four most
 * recent match distances and the lc/lp/pb properties.  Layout of the
 * probability model follows the LZMA algorithm (Igor Pavlov's LZMA
 * specification); the field names are ours.  Included by xz.h only so
 * callers can allocate struct xz_dec.
 */
#ifndef BASTION_XZ_LZMA_H
#define BASTION_XZ_LZMA_H

#include <stdbool.h>
#include <stdint.h>

#define LZMA_STATES 12
#define LZMA_POS_STATES_MAX 16   /* 1 << pb, pb <= 4 */
#define LZMA_LITERAL_CODER 0x300 /* probabilities per literal context */
#define LZMA_LITERAL_CODERS_MAX 16 /* 1 << (lc + lp), LZMA2 caps lc+lp at 4 */
#define LZMA_DIST_STATES 4       /* distance slot model chosen by length */
#define LZMA_DIST_SLOTS 64
#define LZMA_DIST_MODEL_END 14   /* slots below this code all low bits */
#define LZMA_DIST_SPECIAL 114    /* reverse trees of slots 4..13 */
#define LZMA_ALIGN_BITS 4

/* Length coder: choice bits, then a 3-, 3- or 8-bit tree. */
struct lzma_len_probs {
	uint16_t choice;
	uint16_t choice2;
	uint16_t low[LZMA_POS_STATES_MAX][8];
	uint16_t mid[LZMA_POS_STATES_MAX][8];
	uint16_t high[256];
};

struct lzma_probs {
	uint16_t is_match[LZMA_STATES][LZMA_POS_STATES_MAX];
	uint16_t is_rep[LZMA_STATES];
	uint16_t is_rep0[LZMA_STATES];
	uint16_t is_rep1[LZMA_STATES];
	uint16_t is_rep2[LZMA_STATES];
	uint16_t is_rep0_long[LZMA_STATES][LZMA_POS_STATES_MAX];
	uint16_t dist_slot[LZMA_DIST_STATES][LZMA_DIST_SLOTS];
	uint16_t dist_special[LZMA_DIST_SPECIAL];
	uint16_t dist_align[1 << LZMA_ALIGN_BITS];
	struct lzma_len_probs match_len;
	struct lzma_len_probs rep_len;
	uint16_t literal[LZMA_LITERAL_CODERS_MAX][LZMA_LITERAL_CODER];
};

struct lzma_dec {
	struct lzma_probs probs;
	unsigned state;     /* 0..6 after a literal, 7..11 after a match */
	uint32_t rep[4];    /* recent distances, stored as distance - 1 */
	unsigned lc, lp, pb;
	bool have_props;    /* an LZMA2 chunk has set lc/lp/pb */
	bool need_dict_reset;
};

#endif
