/*
 * One-shot gzip decoder: members (RFC 1952) holding DEFLATE data
 * (RFC 1951), their CRC-32 and ISIZE checked.  Concatenated members
 * decode as one file, as gzip -d does.  The whole input is in memory and
 * the whole output goes to one caller buffer, which serves as the
 * 32 KiB window.  Freestanding: built into the hv and host tests.
 */
#ifndef BASTION_INFLATE_H
#define BASTION_INFLATE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* Negative results of gzip_decode(). */
enum inflate_error {
	INFLATE_E_MAGIC = -1,        /* not a gzip member (ID1 ID2) */
	INFLATE_E_UNSUPPORTED = -2,  /* a method other than deflate, reserved flags */
	INFLATE_E_CORRUPT = -4,      /* malformed block, code or distance */
	INFLATE_E_CRC = -5,          /* CRC-32, ISIZE or header CRC mismatch */
	INFLATE_E_OUTPUT_SMALL = -6, /* the output would exceed out_max */
	INFLATE_E_TRUNCATED = -7,    /* the input ends inside a member */
};

#define INFLATE_MSG_MAX 160

/* A canonical Huffman code: how many codes of each length, and the
 * symbols ordered by code. */
struct inflate_code {
	uint16_t count[16];
	uint16_t symbol[288];
};

/* Decoder workspace, owned by the caller (about 1.3 KiB). */
struct inflate_dec {
	struct inflate_code lit, dist;
	const uint8_t *in_start;
	char msg[INFLATE_MSG_MAX];
};

/*
 * Decodes the gzip file in[0, in_len) into out[0, out_max).  Returns the
 * number of bytes decoded, or a negative enum inflate_error with d->msg
 * set.  The output buffer may hold partial data after a failure.
 */
int64_t gzip_decode(const void *in, size_t in_len, void *out, size_t out_max,
		    struct inflate_dec *d);

#endif
