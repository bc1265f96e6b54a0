/*
 * One-shot decoder for Zstandard frames (RFC 8878): compressed,
 * skippable and concatenated frames, raw/RLE/compressed blocks, Huffman
 * literals, FSE-coded sequences, the XXH64 content checksum.  Frames that
 * need a dictionary are refused.  The whole input is in memory and the
 * whole output goes to one caller buffer, which serves as the window.
 * Freestanding: built into the hv and into host tests and fuzzers.
 */
#ifndef BASTION_ZSTD_H
#define BASTION_ZSTD_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* Negative results of zstd_decode() and zstd_content_size(). */
enum zstd_error {
	ZSTD_E_MAGIC = -1,        /* not a zstd frame (magic number) */
	ZSTD_E_UNSUPPORTED = -2,  /* a dictionary, or a window beyond 2^31 */
	ZSTD_E_CORRUPT = -4,      /* malformed header, block, table or bitstream */
	ZSTD_E_CHECKSUM = -5,     /* content checksum or size does not match */
	ZSTD_E_OUTPUT_SMALL = -6, /* the output would exceed out_max */
	ZSTD_E_TRUNCATED = -7,    /* the input ends inside a frame */
	ZSTD_E_NO_SIZE = -8,      /* zstd_content_size: a frame records none */
};

#define ZSTD_MSG_MAX 160
#define ZSTD_BLOCK_MAX (128 * 1024)

/* A decoding table entry of FSE (RFC 8878 4.1) or Huffman (4.2) codes. */
struct zstd_fse_cell {
	uint16_t next;  /* baseline of the next state */
	uint8_t symbol;
	uint8_t bits;   /* bits read to get to the next state */
};

struct zstd_huf_cell {
	uint8_t symbol;
	uint8_t bits;   /* length of this symbol's prefix code */
};

/* One FSE table: up to 2^9 states (literal and match lengths). */
struct zstd_fse {
	struct zstd_fse_cell cell[512];
	uint8_t log;    /* accuracy log */
	bool valid;     /* usable by a later "repeat" mode */
};

/*
 * Decoder workspace, owned by the caller (about 140 KiB: keep it static
 * or in a heap block, never on a stack).  No field needs initialising;
 * after a failure, msg names the problem and the input offset.
 */
struct zstd_dec {
	uint8_t literals[ZSTD_BLOCK_MAX + 8];
	struct zstd_huf_cell huf[1 << 11];
	uint8_t huf_log;          /* 0: no Huffman table yet in this frame */
	struct zstd_fse ll, of, ml;
	struct zstd_fse weights;  /* for compressed Huffman weights */
	uint64_t rep[3];          /* repeat offsets */
	const uint8_t *in_start;  /* to report input offsets */
	char msg[ZSTD_MSG_MAX];
};

/*
 * Decodes the frames in[0, in_len) into out[0, out_max).  Returns the
 * number of bytes decoded, or a negative enum zstd_error with d->msg set.
 * The output buffer may hold partial data after a failure.
 */
int64_t zstd_decode(const void *in, size_t in_len, void *out, size_t out_max,
		    struct zstd_dec *d);

/*
 * Sum of the content sizes the frame headers in[0, in_len) record,
 * walking the block headers; ZSTD_E_NO_SIZE if a frame records none.
 */
int64_t zstd_content_size(const void *in, size_t in_len, struct zstd_dec *d);

#endif
