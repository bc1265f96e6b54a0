/* Between the gzip member parser (gzip.c) and DEFLATE (inflate.c). */
#ifndef BASTION_INFLATE_PRIV_H
#define BASTION_INFLATE_PRIV_H

#include "inflate.h"

/* Where the output goes: out[pos, max); the member began at start. */
struct inflate_out {
	uint8_t *buf;
	size_t pos, max, start;
};

int inflate_fail(struct inflate_dec *d, int error, const uint8_t *at, const char *what);

/*
 * Decodes the DEFLATE data at *in (up to end) into o; on success *in
 * points at the first byte after the final block.
 */
int inflate_raw(struct inflate_dec *d, const uint8_t **in, const uint8_t *end,
		struct inflate_out *o);

#endif
