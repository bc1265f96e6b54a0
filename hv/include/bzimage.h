/*
 * Unpacking a Linux bzImage to the ELF vmlinux inside it, as Xen's
 * bzimage_parse() does for PVH dom0: the x86 boot protocol setup header
 * (Documentation/x86/boot.rst, protocol 2.08+) locates the compressed
 * payload, which must be XZ (Debian's kernels: x86 BCJ + LZMA2, CRC32).
 * Other compressions are recognised by magic and refused by name.
 */
#ifndef BASTION_BZIMAGE_H
#define BASTION_BZIMAGE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct xz_dec;

/* Negative results besides the enum xz_error values (-1..-7). */
enum bzimage_error {
	BZIMAGE_E_NOT_BZIMAGE = -20, /* no setup header ("HdrS", boot flag) */
	BZIMAGE_E_OLD_PROTOCOL = -21, /* boot protocol before 2.08: no payload fields */
	BZIMAGE_E_PAYLOAD_RANGE = -22, /* payload offset/length outside the image */
	BZIMAGE_E_COMPRESSION = -23, /* payload compressed with something other than XZ */
	BZIMAGE_E_TRAILER = -24,     /* size after the payload disagrees with the XZ index */
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

/*
 * Size the decoded vmlinux will have, from the XZ index, without
 * decoding.  Returns it, or a negative error with *why set (to d->msg).
 */
int64_t bzimage_decoded_size(const void *buf, size_t len, struct xz_dec *d, const char **why);

/*
 * Decodes the payload of the bzImage buf[0, len) into out[0, out_max)
 * using workspace d.  Returns 0 and sets *out_len, or a negative enum
 * bzimage_error / enum xz_error with *why naming the problem (d->msg).
 */
int bzimage_decode(const void *buf, size_t len, void *out, size_t out_max, size_t *out_len,
		   struct xz_dec *d, const char **why);

#endif
