/*
 * One-shot decoder for the .xz container (tukaani.org xz-file-format.txt,
 * version 1.1.0): streams, blocks, index, CRC32/CRC64/none checks, with
 * the LZMA2 filter and the x86 BCJ filter in front of it -- the set
 * Linux uses to compress its kernel.  The whole input is in memory and
 * the whole output goes to one caller buffer, which doubles as the LZMA
 * dictionary, so nothing is allocated.  Freestanding: built into the hv
 * and into host tests and fuzzers.
 */
#ifndef BASTION_XZ_H
#define BASTION_XZ_H

#include <stddef.h>
#include <stdint.h>

#include "xz_lzma.h"

/* Negative results of xz_decode() and xz_uncompressed_size(). */
enum xz_error {
	XZ_E_MAGIC = -1,        /* not an .xz stream (header or footer magic) */
	XZ_E_UNSUPPORTED = -2,  /* a filter or option this decoder lacks */
	XZ_E_CHECK_TYPE = -3,   /* a check type it cannot verify (SHA-256...) */
	XZ_E_CORRUPT = -4,      /* malformed headers, index or LZMA2 data */
	XZ_E_CRC = -5,          /* a CRC32/CRC64 field does not match */
	XZ_E_OUTPUT_SMALL = -6, /* the output would exceed out_max */
	XZ_E_TRUNCATED = -7,    /* the input ends before the stream does */
};

#define XZ_MSG_MAX 160

/*
 * Decoder workspace, owned by the caller (about 30 KiB: keep it static or
 * in a heap block, not on a small stack).  No field needs initialising;
 * after a failure, msg names the problem and where it is.
 */
struct xz_dec {
	struct lzma_dec lzma;
	int error;
	char msg[XZ_MSG_MAX];
};

/*
 * Decodes the .xz file in[0, in_len) -- one or more streams, each may be
 * followed by stream padding -- into out[0, out_max).  Returns the number
 * of bytes decoded, or a negative enum xz_error with d->msg set.  The
 * output buffer may hold partial data after a failure.
 */
int64_t xz_decode(const void *in, size_t in_len, void *out, size_t out_max,
		  struct xz_dec *d);

/*
 * Reads the uncompressed size of the .xz file in[0, in_len) from the
 * index of each stream (walking back from the end), without decoding.
 * Returns the size or a negative enum xz_error with d->msg set.
 */
int64_t xz_uncompressed_size(const void *in, size_t in_len, struct xz_dec *d);

/* Short name of an error code ("bad magic", "CRC mismatch", ...). */
const char *xz_error_name(int error);

#endif
