/*
 * Unpacking a Linux bzImage to the ELF vmlinux inside it, as Xen's
 * bzimage_parse() does for PVH dom0: the x86 boot protocol setup header
 * (Documentation/x86/boot.rst, protocol 2.08+) locates the compressed
 * payload, which may be XZ (Debian's 6.1 kernels: x86 BCJ + LZMA2),
 * Zstandard (Debian's 6.12 kernels: zstd -22 --ultra) or gzip.  Other
 * compressions are recognised by magic and refused by name.
 */
#ifndef BASTION_BZIMAGE_H
#define BASTION_BZIMAGE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "inflate/inflate.h"
#include "xz/xz.h"
#include "zstd/zstd.h"

#define BZIMAGE_MSG_MAX 160

/*
 * Workspace of the decoders (about 140 KiB, the zstd one's literals
 * buffer being most of it): keep it static or in a heap block.  After a
 * failure, *why points into it.
 */
struct bzimage_work {
	union {
		struct xz_dec xz;
		struct zstd_dec zstd;
		struct inflate_dec gzip;
	};
	char msg[BZIMAGE_MSG_MAX];
};

/* Negative results besides the decoders' own (-1..-8, see each header). */
enum bzimage_error {
	BZIMAGE_E_NOT_BZIMAGE = -20, /* no setup header ("HdrS", boot flag) */
	BZIMAGE_E_OLD_PROTOCOL = -21, /* boot protocol before 2.08: no payload fields */
	BZIMAGE_E_PAYLOAD_RANGE = -22, /* payload offset/length outside the image */
	BZIMAGE_E_COMPRESSION = -23, /* payload compressed with something other than XZ/zstd/gzip */
	BZIMAGE_E_TRAILER = -24,     /* the size Linux appends disagrees with the data */
};

/* True if buf[0, len) carries an x86 boot setup header. */
bool bzimage_probe(const void *buf, size_t len);

/*
 * Finds the compressed payload: *payload and *payload_len cover it
 * (including the 4-byte size Linux appends).  Returns 0 or a negative
 * enum bzimage_error; *why then names the problem (static text).
 */
int bzimage_payload(const void *buf, size_t len, const uint8_t **payload, size_t *payload_len,
		    const char **why);

/* Name of the payload's compression ("XZ", "Zstandard", "gzip", ...),
 * or NULL when there is no payload or it is not recognised. */
const char *bzimage_compression(const void *buf, size_t len);

/*
 * Size the decoded vmlinux will have, without decoding: from the XZ
 * index, or the size Linux appends to a zstd or gzip payload (checked
 * against the zstd frames' content sizes when they record them).
 * Returns it, or a negative error with *why set.
 */
int64_t bzimage_decoded_size(const void *buf, size_t len, struct bzimage_work *w,
			     const char **why);

/*
 * Decodes the payload of the bzImage buf[0, len) into out[0, out_max)
 * using workspace w; the result must have the size the payload records.
 * Returns 0 and sets *out_len, or a negative enum bzimage_error or
 * decoder error with *why naming the problem.
 */
int bzimage_decode(const void *buf, size_t len, void *out, size_t out_max, size_t *out_len,
		   struct bzimage_work *w, const char **why);

#endif
