/*
 * Host tests of the hv's XZ decoder and bzImage unpacker against damage:
 * for each (file.xz, file.raw) pair given, it decodes the intact file,
 * then every single-byte corruption and every truncation (sampled on big
 * files), checking each gives the original bytes or a clean error -- a
 * known code with a message -- and, when the stream carries a CRC, an
 * error every time.  Built with ASan/UBSan, so an out-of-bounds access
 * is a crash, not a pass.  Also checks the error class of damage to each
 * part of the format and the bzImage header handling on synthetic
 * images.  Usage: test_xz GZIP_FILE XZ_FILE RAW_FILE [XZ_FILE RAW_FILE]...
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "bzimage.h"
#include "blob.h"
#include "check.h"
#include "xz/xz.h"
#include "xz/xz_priv.h"

static struct xz_dec dec;
static struct bzimage_work work; /* for the bzImage calls */

/* Decodes in into a fresh buffer of exactly out_max bytes (so ASan sees
 * any overrun); returns the result and whether the output equals want. */
static int64_t decode_into(const uint8_t *in, size_t len, size_t out_max, const struct blob *want,
			   bool *same)
{
	uint8_t *copy = malloc(len ? len : 1), *out = malloc(out_max ? out_max : 1);
	memcpy(copy, in, len);
	int64_t n = xz_decode(copy, len, out, out_max, &dec);
	*same = n >= 0 && want && (size_t)n == want->len && !memcmp(out, want->buf, want->len);
	free(copy);
	free(out);
	return n;
}

static bool clean_error(int64_t n)
{
	return n <= XZ_E_MAGIC && n >= XZ_E_TRUNCATED && dec.error == n && dec.msg[0] &&
	       strstr(dec.msg, xz_error_name((int)n));
}

static bool has_crc(const struct blob *xz)
{
	return xz->len >= 8 && (xz->buf[7] & 0x0F) != 0;
}

/* Positions to damage: all of a small file, else the edges and a spread. */
static bool sampled(size_t i, size_t len)
{
	const size_t budget = 1500;
	if (len <= budget)
		return true;
	return i < 300 || i >= len - 300 || i % (len / (budget - 600)) == 0;
}

static void test_intact(const char *name, const struct blob *xz, const struct blob *raw)
{
	bool same;
	int64_t n = decode_into(xz->buf, xz->len, raw->len, raw, &same);
	CHECK(same, "%s: decodes to the original %zu bytes (%s)", name, raw->len, dec.msg);
	n = xz_uncompressed_size(xz->buf, xz->len, &dec);
	CHECK(n == (int64_t)raw->len, "%s: index gives the uncompressed size (%lld) %s", name,
	      (long long)n, dec.msg);
	if (raw->len == 0)
		return;
	size_t limits[] = { 0, raw->len / 2, raw->len - 1 };
	int bad = 0;
	for (size_t i = 0; i < 3; i++)
		if (decode_into(xz->buf, xz->len, limits[i], NULL, &same) != XZ_E_OUTPUT_SMALL)
			bad++;
	CHECK(bad == 0, "%s: smaller output buffers give \"output too small\" (%s)", name, dec.msg);
}

static void test_flips(const char *name, const struct blob *xz, const struct blob *raw)
{
	static const uint8_t patterns[] = { 0x01, 0xFF, 0x80 };
	unsigned tried = 0, unclean = 0, undetected = 0;
	size_t first_bad = 0;
	uint8_t *copy = malloc(xz->len);

	for (size_t i = 0; i < xz->len; i++) {
		if (!sampled(i, xz->len))
			continue;
		for (size_t k = 0; k < sizeof(patterns); k++) {
			memcpy(copy, xz->buf, xz->len);
			copy[i] ^= patterns[k];
			bool same;
			int64_t n = decode_into(copy, xz->len, raw->len + 64, raw, &same);
			tried++;
			if (n < 0 && !clean_error(n)) {
				if (!unclean++)
					first_bad = i;
			} else if (n >= 0 && has_crc(xz)) {
				if (!undetected++)
					first_bad = i;
			}
			(void)xz_uncompressed_size(copy, xz->len, &dec);
		}
	}
	free(copy);
	CHECK(unclean == 0 && undetected == 0,
	      "%s: %u byte corruptions each give a clean error%s (unclean %u, undetected %u, first at "
	      "0x%zx)", name, tried, has_crc(xz) ? " (CRC-protected: all detected)" : " or valid output",
	      unclean, undetected, first_bad);
}

static void test_truncations(const char *name, const struct blob *xz, const struct blob *raw)
{
	unsigned tried = 0, wrong = 0;
	size_t first_bad = 0;

	for (size_t len = 0; len < xz->len; len++) {
		if (!sampled(len, xz->len))
			continue;
		bool same;
		int64_t n = decode_into(xz->buf, len, raw->len, raw, &same);
		tried++;
		if (n != XZ_E_TRUNCATED || !clean_error(n)) {
			if (!wrong++)
				first_bad = len;
		}
		(void)xz_uncompressed_size(xz->buf, len, &dec);
	}
	CHECK(wrong == 0, "%s: %u truncations each give \"truncated input\" (wrong %u, first at %zu)",
	      name, tried, wrong, first_bad);
}

/* Damages byte at of a copy (xor mask), optionally re-sealing a CRC32
 * over crc_len bytes at crc_from, stored at crc_at, so only the intended check fires. */
static int64_t damaged(const struct blob *xz, size_t at, uint8_t mask, size_t crc_from,
		       size_t crc_len, size_t crc_at, size_t out_max)
{
	uint8_t *copy = malloc(xz->len);
	memcpy(copy, xz->buf, xz->len);
	copy[at] ^= mask;
	if (crc_len) {
		uint32_t crc = xz_crc32(copy + crc_from, crc_len, 0);
		for (int i = 0; i < 4; i++)
			copy[crc_at + i] = (uint8_t)(crc >> (8 * i));
	}
	bool same;
	int64_t n = decode_into(copy, xz->len, out_max, NULL, &same);
	free(copy);
	return n;
}

/* Error classes by the part of a single-stream CRC32 file that is hit. */
static void test_classes(const char *name, const struct blob *xz, const struct blob *raw)
{
	size_t len = xz->len, out = raw->len + 16;
	size_t index_at = len - 12 - ((size_t)xz_le32(xz->buf + len - 8) + 1) * 4;
	int64_t n;

	n = damaged(xz, 0, 0x01, 0, 0, 0, out);
	CHECK(n == XZ_E_MAGIC, "%s: damaged header magic -> bad magic (%s)", name, dec.msg);
	n = damaged(xz, 7, 0x01 ^ 0x0A, 6, 2, 8, out);
	CHECK(n == XZ_E_CHECK_TYPE && strstr(dec.msg, "SHA-256"),
	      "%s: SHA-256 check type -> refused by name (%s)", name, dec.msg);
	n = damaged(xz, 7, 0x01 ^ 0x03, 6, 2, 8, out);
	CHECK(n == XZ_E_CHECK_TYPE, "%s: reserved check type 3 -> refused (%s)", name, dec.msg);
	n = damaged(xz, 7, 0x01, 0, 0, 0, out);
	CHECK(n == XZ_E_CRC, "%s: stream flags without their CRC -> CRC mismatch (%s)", name, dec.msg);
	n = damaged(xz, 12 + 1, 0x04, 0, 0, 0, out);
	CHECK(n == XZ_E_CRC, "%s: damaged block header -> CRC mismatch (%s)", name, dec.msg);
	size_t bh_size = ((size_t)xz->buf[12] + 1) * 4;
	n = damaged(xz, 12 + 1, 0x04, 12, bh_size - 4, 12 + bh_size - 4, out);
	CHECK(n == XZ_E_UNSUPPORTED, "%s: reserved block flag -> unsupported (%s)", name, dec.msg);
	n = damaged(xz, index_at - 1, 0x01, 0, 0, 0, out);
	CHECK(n == XZ_E_CRC && strstr(dec.msg, "CRC32 of the data"),
	      "%s: damaged block check -> CRC mismatch of the data (%s)", name, dec.msg);
	n = damaged(xz, index_at + 1, 0x01, 0, 0, 0, out);
	CHECK(n == XZ_E_CORRUPT || n == XZ_E_CRC || n == XZ_E_TRUNCATED,
	      "%s: damaged index record count -> error (%s)", name, dec.msg);
	n = damaged(xz, len - 13, 0x01, 0, 0, 0, out);
	CHECK(n == XZ_E_CRC, "%s: damaged index CRC -> CRC mismatch (%s)", name, dec.msg);
	n = damaged(xz, len - 12, 0x01, 0, 0, 0, out);
	CHECK(n == XZ_E_CRC, "%s: damaged footer CRC -> CRC mismatch (%s)", name, dec.msg);
	n = damaged(xz, len - 8, 0x01, len - 8, 6, len - 12, out);
	CHECK(n == XZ_E_CORRUPT, "%s: backward size not the index size -> corrupt (%s)", name,
	      dec.msg);
	n = damaged(xz, len - 1, 0x01, 0, 0, 0, out);
	CHECK(n == XZ_E_MAGIC, "%s: damaged footer magic -> bad magic (%s)", name, dec.msg);
}

/* A bzImage-shaped buffer: setup header, payload at (7 + 1) * 512 + 16. */
static struct blob make_bzimage(const uint8_t *payload, size_t len, bool trailer, uint32_t size,
				uint16_t version)
{
	size_t start = 8 * 512 + 16, plen = len + (trailer ? 4 : 0);
	struct blob b = { calloc(1, start + plen + 100), start + plen + 100 };
	b.buf[0x1F1] = 7;
	b.buf[0x1FE] = 0x55;
	b.buf[0x1FF] = 0xAA;
	memcpy(b.buf + 0x202, "HdrS", 4);
	b.buf[0x206] = (uint8_t)version;
	b.buf[0x207] = (uint8_t)(version >> 8);
	for (int i = 0; i < 4; i++) {
		b.buf[0x248 + i] = (uint8_t)(16u >> (8 * i));
		b.buf[0x24C + i] = (uint8_t)(plen >> (8 * i));
		b.buf[start + len + i] = trailer ? (uint8_t)(size >> (8 * i)) : 0;
	}
	memcpy(b.buf + start, payload, len);
	return b;
}

static void test_bzimage(const struct blob *gz, const struct blob *xz, const struct blob *raw)
{
	const char *why = "";
	size_t got = 0;
	uint8_t *out = malloc(raw->len + 1);
	struct blob b = make_bzimage(xz->buf, xz->len, true, (uint32_t)raw->len, 0x020F);

	CHECK(bzimage_probe(b.buf, b.len), "bzimage: a setup header is recognised");
	int64_t size = bzimage_decoded_size(b.buf, b.len, &work, &why);
	CHECK(size == (int64_t)raw->len, "bzimage: decoded size from the XZ index (%lld)",
	      (long long)size);
	int rc = bzimage_decode(b.buf, b.len, out, raw->len, &got, &work, &why);
	CHECK(rc == 0 && got == raw->len && !memcmp(out, raw->buf, raw->len),
	      "bzimage: payload with size trailer decodes to the original (%s)", rc ? why : "ok");
	free(b.buf);

	b = make_bzimage(xz->buf, xz->len, false, 0, 0x020F);
	rc = bzimage_decode(b.buf, b.len, out, raw->len, &got, &work, &why);
	CHECK(rc == 0 && got == raw->len, "bzimage: payload without trailer decodes (%s)",
	      rc ? why : "ok");
	b.buf[0x24C] += 8;
	rc = bzimage_decode(b.buf, b.len, out, raw->len, &got, &work, &why);
	CHECK(rc == 0 && got == raw->len,
	      "bzimage: 8 zero bytes after the stream are stream padding (%s)", rc ? why : "ok");
	b.buf[0x24C] -= 2;
	rc = bzimage_decode(b.buf, b.len, out, raw->len, &got, &work, &why);
	CHECK(rc == XZ_E_CORRUPT, "bzimage: 6 zero bytes after the stream -> corrupt (%s)", why);
	b.buf[0x24C + 3] = 0x7F;
	rc = bzimage_decode(b.buf, b.len, out, raw->len, &got, &work, &why);
	CHECK(rc == BZIMAGE_E_PAYLOAD_RANGE, "bzimage: payload past the file -> refused (%s)", why);
	free(b.buf);

	b = make_bzimage(xz->buf, xz->len, true, (uint32_t)raw->len + 1, 0x020F);
	rc = bzimage_decode(b.buf, b.len, out, raw->len, &got, &work, &why);
	CHECK(rc == BZIMAGE_E_TRAILER, "bzimage: trailer disagreeing with the stream -> refused (%s)",
	      why);
	free(b.buf);

	b = make_bzimage(xz->buf, xz->len, true, (uint32_t)raw->len, 0x0206);
	rc = bzimage_decode(b.buf, b.len, out, raw->len, &got, &work, &why);
	CHECK(rc == BZIMAGE_E_OLD_PROTOCOL, "bzimage: protocol 2.06 -> refused (%s)", why);
	b.buf[0x202] = 'h';
	CHECK(!bzimage_probe(b.buf, b.len) &&
	      bzimage_decode(b.buf, b.len, out, raw->len, &got, &work, &why) == BZIMAGE_E_NOT_BZIMAGE,
	      "bzimage: no \"HdrS\" -> not a bzImage (%s)", why);
	free(b.buf);

	b = make_bzimage(gz->buf, gz->len, true, 0, 0x020F);
	memcpy(b.buf + 8 * 512 + 16, "BZh9", 4);
	rc = bzimage_decode(b.buf, b.len, out, raw->len, &got, &work, &why);
	CHECK(rc == BZIMAGE_E_COMPRESSION && strstr(why, "bzip2 kernels are not supported"),
	      "bzimage: bzip2 payload -> refused naming bzip2 (%s)", why);
	memcpy(b.buf + 8 * 512 + 16, "\x89LZO", 4);
	rc = bzimage_decode(b.buf, b.len, out, raw->len, &got, &work, &why);
	CHECK(rc == BZIMAGE_E_COMPRESSION && strstr(why, "LZO"),
	      "bzimage: LZO payload -> refused naming LZO (%s)", why);
	memcpy(b.buf + 8 * 512 + 16, "\x02\x21\x4C\x18", 4);
	rc = bzimage_decode(b.buf, b.len, out, raw->len, &got, &work, &why);
	CHECK(rc == BZIMAGE_E_COMPRESSION && strstr(why, "LZ4 kernels are not supported"),
	      "bzimage: lz4 payload -> refused naming LZ4 (%s)", why);
	free(b.buf);
	free(out);
}

int main(int argc, char **argv)
{
	if (argc < 4 || argc % 2)
		return fprintf(stderr, "usage: test_xz GZ XZ RAW [XZ RAW]...\n"), 2;
	struct blob gz = blob_load(argv[1]);
	for (int i = 2; i < argc; i += 2) {
		struct blob xz = blob_load(argv[i]), raw = blob_load(argv[i + 1]);
		const char *name = blob_basename(argv[i]);
		test_intact(name, &xz, &raw);
		test_flips(name, &xz, &raw);
		test_truncations(name, &xz, &raw);
		if (i == 2) {
			test_classes(name, &xz, &raw);
			test_bzimage(&gz, &xz, &raw);
		}
		free(xz.buf);
		free(raw.buf);
	}
	free(gz.buf);
	return check_exit();
}
