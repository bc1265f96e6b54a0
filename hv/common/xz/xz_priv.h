/*
 * Private interfaces between the parts of the .xz decoder: the container
 * parser (xz_stream.c, xz_index.c), LZMA2 (xz_lzma2.c, xz_lzma.c), the
 * x86 BCJ filter (xz_bcj.c) and the integrity checks (xz_check.c).
 */
#ifndef BASTION_XZ_PRIV_H
#define BASTION_XZ_PRIV_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "lib.h"
#include "xz.h"

/* Records error in d (message formatted like printf) and returns it. */
int xz_fail(struct xz_dec *d, int error, const char *fmt, ...) __printf(3, 4);

/* CRC-32 (IEEE 802.3, reflected) and CRC-64 (ECMA-182, reflected), as the
 * .xz format uses them; pass the previous result to continue a CRC. */
uint32_t xz_crc32(const uint8_t *buf, size_t len, uint32_t crc);
uint64_t xz_crc64(const uint8_t *buf, size_t len, uint64_t crc);

static inline uint32_t xz_le32(const uint8_t *p)
{
	return (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 |
	       (uint32_t)p[3] << 24;
}

static inline uint64_t xz_le64(const uint8_t *p)
{
	return (uint64_t)xz_le32(p) | (uint64_t)xz_le32(p + 4) << 32;
}

/* Where the input is, for cursor-style parsing with bounds checks. */
struct xz_in {
	const uint8_t *buf;
	size_t len;
	size_t pos;
};

/* Reads a variable-length integer (xz-file-format 1.2) at in->pos.
 * Returns 0, end_error if it runs past in->len, or XZ_E_CORRUPT. */
int xz_read_vli(struct xz_dec *d, struct xz_in *in, const char *what, int end_error,
		uint64_t *out);

/* Stream flags byte 1: the check type in the low nibble. */
#define XZ_CHECK_NONE 0x0
#define XZ_CHECK_CRC32 0x1
#define XZ_CHECK_CRC64 0x4
#define XZ_CHECK_SHA256 0xA
#define XZ_STREAM_HEADER_SIZE 12
#define XZ_STREAM_FOOTER_SIZE 12

/* Size in bytes of the check field of check type id (0..15). */
static inline size_t xz_check_size(unsigned id)
{
	return id == 0 ? 0 : 4u << ((id - 1) / 3);
}

/* True if buf starts with the stream header magic (or, if shorter
 * than it, with a prefix of it). */
bool xz_has_header_magic(const uint8_t *buf, size_t len);

/* Validates a 12-byte stream header; sets *check_type. */
int xz_parse_stream_header(struct xz_dec *d, const uint8_t *p, size_t at,
			   unsigned *check_type);

/* What an index lists, or what the blocks of a stream were: compared
 * field by field to check the index against the blocks decoded. */
struct xz_index_sum {
	uint64_t blocks;
	uint64_t unpadded_sum;
	uint64_t uncompressed_sum;
	uint64_t records_crc; /* CRC-64 over each record's two LE64 sizes */
	uint64_t padded_sum;  /* sum of unpadded sizes rounded up to 4 */
};
void xz_index_sum_add(struct xz_index_sum *s, uint64_t unpadded, uint64_t uncompressed);
/* Parses and CRC-checks the index at in->pos (indicator byte included),
 * summing its records into *sum; leaves in->pos after its CRC32. */
int xz_parse_index(struct xz_dec *d, struct xz_in *in, struct xz_index_sum *sum);

/* Validates a 12-byte stream footer against the header's check type
 * (*check_type; XZ_CHECK_ANY takes the footer's) and returns the index
 * size it records in *index_size. */
#define XZ_CHECK_ANY 0x100
int xz_parse_stream_footer(struct xz_dec *d, const uint8_t *p, size_t at,
			   unsigned *check_type, uint64_t *index_size);

/*
 * Decodes LZMA2 data starting at in->pos into out[*out_pos, out_max),
 * until its end marker.  dict_size is the block's declared dictionary
 * size: matches may reach at most that far back.  Advances in->pos and
 * *out_pos.  Precondition: out[0, *out_pos) holds earlier blocks only.
 */
int xz_lzma2_decode(struct xz_dec *d, struct xz_in *in, uint8_t *out,
		    size_t *out_pos, size_t out_max, uint32_t dict_size);

/*
 * Decodes one LZMA chunk of an LZMA2 stream: comp[0, comp_len) into
 * out[pos, end), where out[dict_start, pos) is the dictionary.
 * Precondition: d->lzma has properties and state set.
 */
int xz_lzma_decode_chunk(struct xz_dec *d, const uint8_t *comp, size_t comp_len,
			 uint8_t *out, size_t dict_start, size_t pos, size_t end,
			 uint32_t dict_size, size_t in_at);

/* Resets the LZMA state and probabilities (LZMA2 "state reset"). */
void xz_lzma_reset(struct lzma_dec *lz);

/* Undoes the x86 BCJ filter over buf[0, len) whose first byte was at
 * position start_offset of the filter's input. */
void xz_bcj_x86_decode(uint8_t *buf, size_t len, uint32_t start_offset);

#endif
