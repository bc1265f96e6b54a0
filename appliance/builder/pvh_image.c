/*
 * Kernel image recognition for the PVH builder: an ELF vmlinux is loaded
 * as it is; a bzImage (Linux's x86 boot protocol, Documentation/arch/x86/
 * boot.rst: "HdrS" at 0x202, protocol >= 2.08 at 0x206, setup_sects at
 * 0x1F1, payload_offset/payload_length at 0x248/0x24C) carries a
 * compressed vmlinux, as Xen's xg_dom_bzimageloader.c expects.  Linux's
 * build appends the decompressed size (u32 LE) to every compressed
 * payload but gzip's (whose own trailer ends in that size, ISIZE); it
 * bounds and checks the decoding.  Compression magics are
 * those of each format's own specification.
 */
#include <stdio.h>
#include <stdlib.h>

#include "pvh_internal.h"

#define BZ_SETUP_SECTS 0x1F1
#define BZ_BOOT_FLAG 0x1FE
#define BZ_MAGIC 0x202
#define BZ_VERSION 0x206
#define BZ_PAYLOAD_OFFSET 0x248
#define BZ_PAYLOAD_LENGTH 0x24C
#define BZ_HEADER_END 0x250
#define BZ_MIN_VERSION 0x0208
#define BZ_SIZE_TRAILER 4

static const struct pvh_compression {
	const char *name;
	uint8_t len;
	uint8_t magic[6];
	bool own_trailer;         /* the size ends the stream itself (gzip's ISIZE) */
	pvh_decode_fn *decode;
} compressions[] = {
	{ "gzip", 2, { 0x1F, 0x8B }, true, pvh_decode_gzip },
	{ "bzip2", 3, { 'B', 'Z', 'h' }, false, pvh_decode_bzip2 },
	{ "XZ", 6, { 0xFD, '7', 'z', 'X', 'Z', 0x00 }, false, pvh_decode_xz },
	{ "LZMA", 3, { 0x5D, 0x00, 0x00 }, false, pvh_decode_lzma },
	{ "LZO", 4, { 0x89, 'L', 'Z', 'O' }, false, pvh_decode_lzo },
	{ "LZ4", 4, { 0x02, 0x21, 0x4C, 0x18 }, false, pvh_decode_lz4 },
	{ "zstd", 4, { 0x28, 0xB5, 0x2F, 0xFD }, false, pvh_decode_zstd },
};

static const struct pvh_compression *compression_of(const uint8_t *p, size_t len)
{
	for (size_t i = 0; i < sizeof(compressions) / sizeof(compressions[0]); i++)
		if (len >= compressions[i].len && !memcmp(p, compressions[i].magic, compressions[i].len))
			return &compressions[i];
	return NULL;
}

static bool is_bzimage(const uint8_t *p, size_t len)
{
	return len >= BZ_HEADER_END && pvh_le16(p + BZ_BOOT_FLAG) == 0xAA55 &&
	       !memcmp(p + BZ_MAGIC, "HdrS", 4);
}

/* The compressed payload, checked against the file's bounds. */
static int bz_payload(const uint8_t *p, size_t len, const uint8_t **pl, size_t *pl_len,
		      char *err, size_t errlen)
{
	unsigned version = pvh_le16(p + BZ_VERSION);

	if (version < BZ_MIN_VERSION)
		return pvh_fail(err, errlen, "bzImage: boot protocol %u.%02u predates payload fields (2.08)",
				version >> 8, version & 0xFF);
	uint64_t sects = p[BZ_SETUP_SECTS] ? p[BZ_SETUP_SECTS] : 4;
	uint64_t start = (sects + 1) * 512 + pvh_le32(p + BZ_PAYLOAD_OFFSET);
	uint64_t size = pvh_le32(p + BZ_PAYLOAD_LENGTH);
	if (start > len || size > len - start)
		return pvh_fail(err, errlen,
				"bzImage: payload [%#llx, +%#llx) runs past the end of the %zu-byte file",
				(unsigned long long)start, (unsigned long long)size, len);
	if (size <= BZ_SIZE_TRAILER)
		return pvh_fail(err, errlen, "bzImage: payload of %llu bytes is too short",
				(unsigned long long)size);
	*pl = p + start;
	*pl_len = size;
	return 0;
}

static int bz_unpack(const uint8_t *p, size_t len, struct pvh_kernel *k, char *err, size_t errlen)
{
	const uint8_t *pl = NULL;
	size_t pl_len = 0;

	if (bz_payload(p, len, &pl, &pl_len, err, errlen))
		return -1;
	const struct pvh_compression *c = compression_of(pl, pl_len);
	if (!c)
		return pvh_fail(err, errlen, "bzImage: payload compression not recognised "
				"(starts %02x %02x %02x %02x)", pl[0], pl[1], pl[2], pl[3]);
	size_t stream_len = c->own_trailer ? pl_len : pl_len - BZ_SIZE_TRAILER;
	uint32_t size = pvh_le32(pl + pl_len - BZ_SIZE_TRAILER);
	if (size == 0 || size > PVH_DECOMPRESS_MAX)
		return pvh_fail(err, errlen, "bzImage: %s payload claims %u decompressed bytes",
				c->name, size);
	k->vmlinux = malloc(size);
	if (!k->vmlinux)
		return pvh_fail(err, errlen, "bzImage: out of memory for %u bytes", size);
	char why[160];
	if (c->decode(pl, stream_len, k->vmlinux, size, why, sizeof(why)))
		return pvh_fail(err, errlen, "bzImage: %s", why);
	k->vmlinux_len = size;
	snprintf(k->format, sizeof(k->format), "bzImage/%s", c->name);
	return 0;
}

int pvh_image_load(const void *file, size_t len, struct pvh_kernel *out, char *err, size_t errlen)
{
	const uint8_t *p = file;

	memset(out, 0, sizeof(*out));
	if (is_bzimage(p, len)) {
		if (bz_unpack(p, len, out, err, errlen))
			goto fail;
	} else if (len >= 4 && !memcmp(p, "\177ELF", 4)) {
		out->vmlinux = malloc(len);
		if (!out->vmlinux) {
			pvh_fail(err, errlen, "kernel: out of memory for %zu bytes", len);
			goto fail;
		}
		memcpy(out->vmlinux, p, len);
		out->vmlinux_len = len;
	} else {
		pvh_fail(err, errlen, "kernel: neither an ELF vmlinux nor a bzImage");
		goto fail;
	}
	if (pvh_elf_load(out->vmlinux, out->vmlinux_len, out, err, errlen))
		goto fail;
	if (!out->format[0])
		snprintf(out->format, sizeof(out->format), "ELF%d", out->elf_class);
	return 0;
fail:
	pvh_kernel_free(out);
	return -1;
}

void pvh_kernel_free(struct pvh_kernel *k)
{
	free(k->image);
	free(k->vmlinux);
	k->image = NULL;
	k->vmlinux = NULL;
}
