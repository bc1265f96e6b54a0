/*
 * bzImage unpacking for the PVH kernel loader.  Facts from the x86 boot
 * protocol (Linux Documentation/x86/boot.rst) as summarised in
 * notes/pvh-abi.md 1.1: setup_sects (u8) at 0x1F1 (0 means 4), boot flag
 * 0xAA55 at 0x1FE, "HdrS" at 0x202, protocol version (u16) at 0x206,
 * payload_offset (u32) at 0x248 and payload_length (u32) at 0x24C, both
 * from 2.08 on.  The payload starts (setup_sects + 1) * 512 +
 * payload_offset bytes into the file; Linux's build appends the
 * decompressed size as a little-endian u32 after the compressed stream
 * (scripts/Makefile.lib: xzkern_with_size, zstd22_with_size; for gzip it
 * is the last member's ISIZE), which arch/x86/boot/compressed/mkpiggy
 * reads as the last 4 bytes of the payload.  Magic numbers of the
 * compressions a kernel may use are those of each format's own
 * specification.
 */
#include "bzimage.h"
#include "lib.h"

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

/* Copies a decoder's message to the workspace's own, which outlives
 * the next decoder using the union. */
static int64_t bz_copy_msg(struct bzimage_work *w, const char *msg, int64_t rc)
{
	fmt_snprintf(w->msg, sizeof(w->msg), "%s", msg);
	return rc;
}

/* Where the compressed stream lies and the size Linux recorded. */
struct bz_stream {
	const uint8_t *p;
	size_t len;
	int64_t trailer; /* -1 when there is none */
};

static int64_t bz_xz(const struct bz_stream *s, void *out, size_t max, struct bzimage_work *w)
{
	int64_t n = xz_decode(s->p, s->len, out, max, &w->xz);
	return n < 0 ? bz_copy_msg(w, w->xz.msg, n) : n;
}

static int64_t bz_zstd(const struct bz_stream *s, void *out, size_t max, struct bzimage_work *w)
{
	int64_t n = zstd_decode(s->p, s->len, out, max, &w->zstd);
	return n < 0 ? bz_copy_msg(w, w->zstd.msg, n) : n;
}

static int64_t bz_gzip(const struct bz_stream *s, void *out, size_t max, struct bzimage_work *w)
{
	int64_t n = gzip_decode(s->p, s->len, out, max, &w->gzip);
	return n < 0 ? bz_copy_msg(w, w->gzip.msg, n) : n;
}

/* The compressions Linux can build a kernel with, by leading magic. */
static const struct bz_codec {
	const char *name;
	uint8_t len;
	uint8_t magic[6];
	int64_t (*decode)(const struct bz_stream *s, void *out, size_t max, struct bzimage_work *w);
} bz_codecs[] = {
	{ "XZ", 6, { 0xFD, '7', 'z', 'X', 'Z', 0x00 }, bz_xz },
	{ "Zstandard", 4, { 0x28, 0xB5, 0x2F, 0xFD }, bz_zstd },
	{ "gzip", 2, { 0x1F, 0x8B }, bz_gzip },
	{ "bzip2", 3, { 'B', 'Z', 'h' }, NULL },
	{ "LZMA", 3, { 0x5D, 0x00, 0x00 }, NULL },
	{ "LZO", 4, { 0x89, 'L', 'Z', 'O' }, NULL },
	{ "LZ4", 4, { 0x02, 0x21, 0x4C, 0x18 }, NULL },
};

static const struct bz_codec *bz_codec(const uint8_t *p, size_t len)
{
	for (size_t i = 0; i < ARRAY_SIZE(bz_codecs); i++)
		if (len >= bz_codecs[i].len && !memcmp(p, bz_codecs[i].magic, bz_codecs[i].len))
			return &bz_codecs[i];
	return NULL;
}

const char *bzimage_compression(const void *buf, size_t len)
{
	const uint8_t *pl;
	size_t pl_len;
	const char *why;

	if (bzimage_payload(buf, len, &pl, &pl_len, &why))
		return NULL;
	const struct bz_codec *codec = bz_codec(pl, pl_len);
	return codec ? codec->name : NULL;
}

/*
 * The compressed stream inside the payload and Linux's size trailer: an
 * XZ stream ends in "YZ" before it; zstd is always followed by it; gzip
 * ends with it (ISIZE).
 */
static int bz_stream(const void *buf, size_t len, const struct bz_codec **codec,
		     struct bz_stream *s, struct bzimage_work *w, const char **why)
{
	const uint8_t *pl;
	size_t pl_len;
	int rc = bzimage_payload(buf, len, &pl, &pl_len, why);

	w->msg[0] = 0;
	if (rc)
		return rc;
	*codec = bz_codec(pl, pl_len);
	if (!*codec || !(*codec)->decode) {
		const char *name = *codec ? (*codec)->name : NULL;
		fmt_snprintf(w->msg, sizeof(w->msg), "bzImage: %s%s",
			     name ? name : "payload compression not recognised",
			     name ? " kernels are not supported" : "");
		*why = w->msg;
		return BZIMAGE_E_COMPRESSION;
	}
	*s = (struct bz_stream){ pl, pl_len, -1 };
	bool xz = (*codec)->decode == bz_xz, zstd = (*codec)->decode == bz_zstd;
	bool has = pl_len >= BZ_SIZE_TRAILER + 2 && (!xz || (pl[pl_len - 6] == 'Y' && pl[pl_len - 5] == 'Z'));
	if (has)
		s->trailer = bz_le(pl + pl_len - BZ_SIZE_TRAILER, 4);
	if (has && (xz || zstd))
		s->len -= BZ_SIZE_TRAILER;
	return 0;
}

/* The zstd frames' own content sizes, when all record one, must agree. */
static int64_t bz_zstd_size(const struct bz_stream *s, struct bzimage_work *w, const char **why)
{
	int64_t size = zstd_content_size(s->p, s->len, &w->zstd);

	if (size == ZSTD_E_NO_SIZE)
		return s->trailer;
	if (size < 0)
		return *why = w->msg, bz_copy_msg(w, w->zstd.msg, size);
	if (size != s->trailer) {
		fmt_snprintf(w->msg, sizeof(w->msg),
			     "bzImage: payload trailer says %u bytes, the zstd frames %lld",
			     (unsigned)s->trailer, (long long)size);
		return *why = w->msg, BZIMAGE_E_TRAILER;
	}
	return size;
}

int64_t bzimage_decoded_size(const void *buf, size_t len, struct bzimage_work *w,
			     const char **why)
{
	const struct bz_codec *codec;
	struct bz_stream s;
	int rc = bz_stream(buf, len, &codec, &s, w, why);

	if (rc)
		return rc;
	if (codec->decode == bz_xz) {
		int64_t size = xz_uncompressed_size(s.p, s.len, &w->xz);
		*why = w->msg;
		return size < 0 ? bz_copy_msg(w, w->xz.msg, size) : size;
	}
	if (s.trailer < 0) {
		fmt_snprintf(w->msg, sizeof(w->msg), "bzImage: %s payload too short for its size",
			     codec->name);
		return *why = w->msg, BZIMAGE_E_TRAILER;
	}
	return codec->decode == bz_zstd ? bz_zstd_size(&s, w, why) : s.trailer;
}

int bzimage_decode(const void *buf, size_t len, void *out, size_t out_max, size_t *out_len,
		   struct bzimage_work *w, const char **why)
{
	const struct bz_codec *codec;
	struct bz_stream s;
	int rc = bz_stream(buf, len, &codec, &s, w, why);

	if (rc)
		return rc;
	int64_t size = codec->decode(&s, out, out_max, w);
	*why = w->msg;
	if (size < 0)
		return (int)size;
	if (s.trailer >= 0 && (uint32_t)size != (uint32_t)s.trailer) {
		fmt_snprintf(w->msg, sizeof(w->msg),
			     "bzImage: payload trailer says %u bytes, the %s stream gave %lld",
			     (unsigned)s.trailer, codec->name, (long long)size);
		return BZIMAGE_E_TRAILER;
	}
	*out_len = (size_t)size;
	return 0;
}
