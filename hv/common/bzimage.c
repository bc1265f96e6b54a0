/*
 * bzImage unpacking for the PVH kernel loader.  Facts from the x86 boot
 * protocol (Linux Documentation/x86/boot.rst) as summarised in
 * notes/pvh-abi.md 1.1: setup_sects (u8) at 0x1F1 (0 means 4), boot flag
 * 0xAA55 at 0x1FE, "HdrS" at 0x202, protocol version (u16) at 0x206,
 * payload_offset (u32) at 0x248 and payload_length (u32) at 0x24C, both
 * from 2.08 on.  The payload starts (setup_sects + 1) * 512 +
 * payload_offset bytes into the file; Linux's build appends the
 * decompressed size as a little-endian u32 after the compressed stream.
 * Magic numbers of the compressions a kernel may use are those of each
 * format's own specification.
 */
#include "bzimage.h"
#include "lib.h"
#include "xz/xz.h"

#define BZ_SETUP_SECTS 0x1F1
#define BZ_BOOT_FLAG 0x1FE
#define BZ_HEADER_MAGIC 0x202
#define BZ_VERSION 0x206
#define BZ_PAYLOAD_OFFSET 0x248
#define BZ_PAYLOAD_LENGTH 0x24C
#define BZ_HEADER_END 0x250
#define BZ_SECTOR 512
#define BZ_VERSION_PAYLOAD 0x0208
#define BZ_SIZE_TRAILER 4

static uint32_t bz_le(const uint8_t *p, unsigned bytes)
{
	uint32_t v = 0;

	for (unsigned i = 0; i < bytes; i++)
		v |= (uint32_t)p[i] << (8 * i);
	return v;
}

bool bzimage_probe(const void *buf, size_t len)
{
	const uint8_t *p = buf;

	return len >= BZ_HEADER_END && bz_le(p + BZ_BOOT_FLAG, 2) == 0xAA55 &&
	       !memcmp(p + BZ_HEADER_MAGIC, "HdrS", 4);
}

/* The compressions Linux can build a kernel with, by leading magic. */
static const struct {
	const char *name;
	uint8_t len;
	uint8_t magic[6];
} bz_compressions[] = {
	{ "XZ", 6, { 0xFD, '7', 'z', 'X', 'Z', 0x00 } },
	{ "gzip", 2, { 0x1F, 0x8B } },
	{ "bzip2", 3, { 'B', 'Z', 'h' } },
	{ "LZMA", 3, { 0x5D, 0x00, 0x00 } },
	{ "LZO", 4, { 0x89, 'L', 'Z', 'O' } },
	{ "LZ4", 4, { 0x02, 0x21, 0x4C, 0x18 } },
	{ "Zstandard", 4, { 0x28, 0xB5, 0x2F, 0xFD } },
};

static const char *bz_compression(const uint8_t *p, size_t len)
{
	for (size_t i = 0; i < ARRAY_SIZE(bz_compressions); i++)
		if (len >= bz_compressions[i].len &&
		    !memcmp(p, bz_compressions[i].magic, bz_compressions[i].len))
			return bz_compressions[i].name;
	return NULL;
}

static int bz_refuse(const char **why, int error, const char *msg)
{
	*why = msg;
	return error;
}

int bzimage_payload(const void *buf, size_t len, const uint8_t **payload, size_t *payload_len,
		    const char **why)
{
	const uint8_t *p = buf;

	if (!bzimage_probe(buf, len))
		return bz_refuse(why, BZIMAGE_E_NOT_BZIMAGE,
				 "bzImage: no setup header (boot flag 0xAA55, \"HdrS\")");
	if (bz_le(p + BZ_VERSION, 2) < BZ_VERSION_PAYLOAD)
		return bz_refuse(why, BZIMAGE_E_OLD_PROTOCOL,
				 "bzImage: boot protocol older than 2.08 records no payload");
	uint64_t sects = p[BZ_SETUP_SECTS] ? p[BZ_SETUP_SECTS] : 4;
	uint64_t start = (sects + 1) * BZ_SECTOR + bz_le(p + BZ_PAYLOAD_OFFSET, 4);
	uint64_t size = bz_le(p + BZ_PAYLOAD_LENGTH, 4);
	if (start > len || size > len - start || size == 0)
		return bz_refuse(why, BZIMAGE_E_PAYLOAD_RANGE,
				 "bzImage: payload offset/length lie outside the file");
	*payload = p + start;
	*payload_len = size;
	return 0;
}

/*
 * The XZ stream inside the payload: the payload minus Linux's 4-byte
 * size trailer when the stream footer's "YZ" sits just before it.
 * Sets *trailer to that size, or -1 when there is none.
 */
static int bz_xz_stream(const void *buf, size_t len, const uint8_t **xz, size_t *xz_len,
			int64_t *trailer, struct xz_dec *d, const char **why)
{
	const uint8_t *pl;
	size_t pl_len;
	int rc = bzimage_payload(buf, len, &pl, &pl_len, why);

	if (rc)
		return rc;
	const char *kind = bz_compression(pl, pl_len);
	if (!kind || strcmp(kind, "XZ")) {
		fmt_snprintf(d->msg, sizeof(d->msg),
			     "bzImage: payload is %s-compressed; only XZ is supported",
			     kind ? kind : "not recognisably");
		*why = d->msg;
		return BZIMAGE_E_COMPRESSION;
	}
	*xz = pl;
	*xz_len = pl_len;
	*trailer = -1;
	if (pl_len >= BZ_SIZE_TRAILER + 2 && pl[pl_len - 6] == 'Y' && pl[pl_len - 5] == 'Z') {
		*xz_len = pl_len - BZ_SIZE_TRAILER;
		*trailer = bz_le(pl + *xz_len, 4);
	}
	return 0;
}

int64_t bzimage_decoded_size(const void *buf, size_t len, struct xz_dec *d, const char **why)
{
	const uint8_t *xz;
	size_t xz_len;
	int64_t trailer;
	int rc = bz_xz_stream(buf, len, &xz, &xz_len, &trailer, d, why);

	if (rc)
		return rc;
	int64_t size = xz_uncompressed_size(xz, xz_len, d);
	if (size < 0)
		*why = d->msg;
	return size;
}

int bzimage_decode(const void *buf, size_t len, void *out, size_t out_max, size_t *out_len,
		   struct xz_dec *d, const char **why)
{
	const uint8_t *xz;
	size_t xz_len;
	int64_t trailer;
	int rc = bz_xz_stream(buf, len, &xz, &xz_len, &trailer, d, why);

	if (rc)
		return rc;
	int64_t size = xz_decode(xz, xz_len, out, out_max, d);
	if (size < 0) {
		*why = d->msg;
		return (int)size;
	}
	if (trailer >= 0 && (uint32_t)size != (uint32_t)trailer) {
		fmt_snprintf(d->msg, sizeof(d->msg),
			     "bzImage: payload trailer says %u bytes, the XZ stream gave %lld",
			     (unsigned)trailer, (long long)size);
		*why = d->msg;
		return BZIMAGE_E_TRAILER;
	}
	*out_len = (size_t)size;
	return 0;
}
