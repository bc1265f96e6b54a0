/*
 * Host tests of the hv's zstd and gzip decoders and of bzimage.c with
 * their payloads, against damage: for each (file, file.raw) pair, it
 * decodes the intact file, then single-byte corruptions and every
 * truncation (sampled on big files), checking each gives the original
 * bytes or a clean error -- a known code with a message -- as the files
 * carry a checksum (zstd XXH64, gzip CRC-32).  Built with ASan/UBSan, so
 * an out-of-bounds access is a crash, not a pass.  Then crafted headers
 * (reserved bits, dictionary, methods, checksums) must give their error
 * class, and bzImages with zstd and gzip payloads their sizes.
 * Usage: test_unzip ZST RAW ZST RAW GZ RAW GZ RAW FIELDS_GZ RAW
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "bzimage.h"
#include "blob.h"
#include "check.h"

static struct bzimage_work work;

static const char *msg(bool zstd)
{
	return zstd ? work.zstd.msg : work.gzip.msg;
}

/* Decodes a private copy of in into exactly out_max bytes (so ASan sees
 * any overrun); *same tells whether the output equals want. */
static int64_t decode(bool zstd, const uint8_t *in, size_t len, size_t out_max,
		      const struct blob *want, bool *same)
{
	uint8_t *copy = malloc(len ? len : 1), *out = malloc(out_max ? out_max : 1);
	memcpy(copy, in, len);
	int64_t n = zstd ? zstd_decode(copy, len, out, out_max, &work.zstd)
			 : gzip_decode(copy, len, out, out_max, &work.gzip);
	*same = want && n == (int64_t)want->len && !memcmp(out, want->buf, want->len);
	free(copy);
	free(out);
	return n;
}

/* A clean failure: a code the header lists, with a message. */
static bool clean_error(bool zstd, int64_t n)
{
	return n < 0 && n >= ZSTD_E_NO_SIZE && msg(zstd)[0];
}

static void damage(bool zstd, const char *name, const struct blob *in, const struct blob *raw)
{
	size_t step = in->len > 4000 ? in->len / 250 : 1, bad = 0, tried = 0;
	bool same;

	for (size_t i = 0; i < in->len; i += step)
		for (unsigned flip = 1; flip < 256; flip <<= 2) {
			in->buf[i] ^= (uint8_t)flip;
			int64_t n = decode(zstd, in->buf, in->len, raw->len, raw, &same);
			in->buf[i] ^= (uint8_t)flip;
			bad += !(same || clean_error(zstd, n));
			tried++;
		}
	CHECK(!bad, "%s: %zu byte flips give the original or a clean error (%zu did not)", name,
	      tried, bad);
	bad = tried = 0;
	for (size_t len = 0; len < in->len; len += step, tried++)
		bad += !clean_error(zstd, decode(zstd, in->buf, len, raw->len, raw, &same));
	CHECK(!bad, "%s: %zu truncations each give a clean error (%zu did not)", name, tried, bad);
}

static void roundtrip(bool zstd, const char *name, const struct blob *in, const struct blob *raw)
{
	bool same;
	int64_t n = decode(zstd, in->buf, in->len, raw->len, raw, &same);

	CHECK(same, "%s: decodes to the original %zu bytes (%s)", name, raw->len,
	      same ? "ok" : msg(zstd));
	if (raw->len) {
		n = decode(zstd, in->buf, in->len, raw->len - 1, NULL, &same);
		CHECK(n == (zstd ? ZSTD_E_OUTPUT_SMALL : INFLATE_E_OUTPUT_SMALL),
		      "%s: one byte less output room -> output too small (%s)", name, msg(zstd));
	}
	damage(zstd, name, in, raw);
}

/* A copy of in with byte at patched by xor (or, with insert, a new byte
 * value inserted there); decodes it and returns the result. */
static int64_t crafted(bool zstd, const struct blob *in, size_t at, uint8_t xor, int insert,
		       size_t out_max)
{
	struct blob c = { malloc(in->len + 1), in->len + (insert >= 0) };
	bool same;

	memcpy(c.buf, in->buf, at);
	if (insert >= 0)
		c.buf[at] = (uint8_t)insert;
	memcpy(c.buf + at + (insert >= 0), in->buf + at, in->len - at);
	if (insert < 0)
		c.buf[at] ^= xor;
	int64_t n = decode(zstd, c.buf, c.len, out_max, NULL, &same);
	free(c.buf);
	return n;
}

static void zstd_headers(const struct blob *z, const struct blob *raw)
{
	bool single = z->buf[4] & 0x20;
	int64_t n = crafted(true, z, 4, 0x08, -1, raw->len);

	CHECK(n == ZSTD_E_CORRUPT && strstr(work.zstd.msg, "reserved"),
	      "zstd: reserved frame header bit -> corrupt (%s)", work.zstd.msg);
	struct blob d = { malloc(z->len + 1), z->len + 1 };
	memcpy(d.buf, z->buf, z->len);
	d.buf[4] |= 1; /* a 1-byte dictionary ID follows the window byte */
	n = crafted(true, &d, 5 + !single, 0, 7, raw->len);
	CHECK(n == ZSTD_E_UNSUPPORTED && strstr(work.zstd.msg, "dictionary"),
	      "zstd: a frame that needs dictionary 7 -> refused by name (%s)", work.zstd.msg);
	free(d.buf);
	n = crafted(true, z, z->len - 1, 0x40, -1, raw->len);
	CHECK(n == ZSTD_E_CHECKSUM && strstr(work.zstd.msg, "checksum"),
	      "zstd: damaged content checksum -> checksum mismatch (%s)", work.zstd.msg);
	n = crafted(true, z, 0, 0x01, -1, raw->len);
	CHECK(n == ZSTD_E_MAGIC, "zstd: damaged magic -> not zstd (%s)", work.zstd.msg);
	if (!single) {
		n = crafted(true, z, 5, 0xF8, -1, raw->len);
		CHECK(n == ZSTD_E_UNSUPPORTED, "zstd: window of 2^41 -> refused (%s)", work.zstd.msg);
	}
	size_t block = 4 + 1 + !single + (z->buf[4] >> 6 ? 1u << (z->buf[4] >> 6) : single);
	n = crafted(true, z, block, 0x02, -1, raw->len);
	CHECK(((z->buf[block] >> 1) & 3) == 2 && n == ZSTD_E_CORRUPT && strstr(work.zstd.msg, "reserved"),
	      "zstd: compressed block made reserved type 3 -> corrupt (%s)", work.zstd.msg);
	struct blob junk = { malloc(z->len + 1), z->len + 1 };
	memcpy(junk.buf, z->buf, z->len);
	junk.buf[z->len] = 0x28;
	n = decode(true, junk.buf, junk.len, raw->len, NULL, &(bool){ 0 });
	CHECK(n == ZSTD_E_TRUNCATED || n == ZSTD_E_MAGIC,
	      "zstd: a stray byte after the frame -> error (%s)", work.zstd.msg);
	free(junk.buf);
}

/* Frames whose recorded sizes add up past 2^64 must not wrap to a small total. */
static void zstd_size_wrap(void)
{
	static const uint64_t sizes[2] = { (1ull << 62) - 1, (UINT64_MAX - (1ull << 62)) + 2 };
	uint8_t frames[2][17];

	for (int i = 0; i < 2; i++) {
		/* magic; 8-byte content size and a window byte; an empty last raw block */
		memcpy(frames[i], "\x28\xb5\x2f\xfd\xc0\x00", 6);
		for (int b = 0; b < 8; b++)
			frames[i][6 + b] = (uint8_t)(sizes[i] >> (8 * b));
		memcpy(frames[i] + 14, "\x01\x00\x00", 3);
	}
	int64_t n = zstd_content_size(frames, sizeof(frames), &work.zstd);
	CHECK(n == ZSTD_E_CORRUPT, "zstd: frame sizes 2^62-1 and 2^64-2^62+1 -> refused, not a "
	      "wrapped total (%lld: %s)", (long long)n, work.zstd.msg);
}

static void gzip_headers(const struct blob *g, const struct blob *fields, const struct blob *raw)
{
	int64_t n = crafted(false, g, 2, 0x01, -1, raw->len);

	CHECK(n == INFLATE_E_UNSUPPORTED, "gzip: method 9 -> unsupported (%s)", work.gzip.msg);
	n = crafted(false, g, 3, 0x20, -1, raw->len);
	CHECK(n == INFLATE_E_UNSUPPORTED, "gzip: reserved flag -> unsupported (%s)", work.gzip.msg);
	n = crafted(false, g, g->len - 8, 0x01, -1, raw->len);
	CHECK(n == INFLATE_E_CRC && strstr(work.gzip.msg, "CRC32"),
	      "gzip: damaged CRC32 -> CRC mismatch (%s)", work.gzip.msg);
	n = crafted(false, g, g->len - 4, 0x01, -1, raw->len + 1);
	CHECK(n == INFLATE_E_CRC && strstr(work.gzip.msg, "ISIZE"),
	      "gzip: damaged ISIZE -> named (%s)", work.gzip.msg);
	n = crafted(false, fields, 10 + 2 + 5 + 9 + 10, 0x01, -1, raw->len);
	CHECK(n == INFLATE_E_CRC && strstr(work.gzip.msg, "header CRC16"),
	      "gzip: damaged FHCRC -> header CRC mismatch (%s)", work.gzip.msg);
	n = crafted(false, g, g->len, 0, 0, raw->len);
	CHECK(n == INFLATE_E_MAGIC, "gzip: a stray byte after the member -> not gzip (%s)",
	      work.gzip.msg);
}

/* A bzImage-shaped buffer: setup header, payload at (7 + 1) * 512 + 16,
 * then (if trailer) a 4-byte size. */
static struct blob make_bzimage(const struct blob *payload, int64_t trailer)
{
	size_t start = 8 * 512 + 16, plen = payload->len + (trailer >= 0 ? 4 : 0);
	struct blob b = { calloc(1, start + plen), start + plen };
	b.buf[0x1F1] = 7;
	b.buf[0x1FE] = 0x55;
	b.buf[0x1FF] = 0xAA;
	memcpy(b.buf + 0x202, "HdrS\x0f\x02", 6);
	for (int i = 0; i < 4; i++) {
		b.buf[0x248 + i] = (uint8_t)(16u >> (8 * i));
		b.buf[0x24C + i] = (uint8_t)(plen >> (8 * i));
		if (trailer >= 0)
			b.buf[start + payload->len + i] = (uint8_t)(trailer >> (8 * i));
	}
	memcpy(b.buf + start, payload->buf, payload->len);
	return b;
}

/* Returns bzimage_decode's result into exactly out_max bytes. */
static int bz(const struct blob *b, size_t out_max, const struct blob *want, const char **why)
{
	uint8_t *out = malloc(out_max + 1);
	size_t got = 0;
	int rc = bzimage_decode(b->buf, b->len, out, out_max, &got, &work, why);
	if (!rc && want && (got != want->len || memcmp(out, want->buf, got)))
		rc = 1;
	free(out);
	return rc;
}

static void bz_zstd(const struct blob *z, const struct blob *raw)
{
	const char *why = "";
	struct blob b = make_bzimage(z, (int64_t)raw->len);
	int64_t size = bzimage_decoded_size(b.buf, b.len, &work, &why);

	CHECK(size == (int64_t)raw->len, "bzimage zstd: decoded size %lld from the trailer (%s)",
	      (long long)size, size < 0 ? why : "ok");
	int ok = !bz(&b, raw->len, raw, &why);
	CHECK(ok, "bzimage zstd: payload decodes to the original (%s)", ok ? "ok" : why);
	CHECK(bz(&b, raw->len - 1, NULL, &why) == ZSTD_E_OUTPUT_SMALL,
	      "bzimage zstd: reserve one byte short -> output too small (%s)", why);
	free(b.buf);
	b = make_bzimage(z, (int64_t)raw->len + 1);
	size = bzimage_decoded_size(b.buf, b.len, &work, &why);
	CHECK(size == BZIMAGE_E_TRAILER, "bzimage zstd: trailer disagreeing with the frame's "
	      "content size -> refused before decoding (%s)", why);
	CHECK(bz(&b, raw->len + 1, NULL, &why) == BZIMAGE_E_TRAILER,
	      "bzimage zstd: and when decoding into a big enough buffer (%s)", why);
	free(b.buf);
	struct blob two = { malloc(2 * z->len), 2 * z->len }, want = { malloc(2 * raw->len), 2 * raw->len };
	memcpy(two.buf, z->buf, z->len);
	memcpy(two.buf + z->len, z->buf, z->len);
	memcpy(want.buf, raw->buf, raw->len);
	memcpy(want.buf + raw->len, raw->buf, raw->len);
	b = make_bzimage(&two, (int64_t)want.len);
	size = bzimage_decoded_size(b.buf, b.len, &work, &why);
	int rc = size == (int64_t)want.len ? bz(&b, want.len, &want, &why) : (int)size;
	CHECK(!rc, "bzimage zstd: two frames (Linux's unzstd takes several) decode as one (%s)",
	      rc ? why : "ok");
	free(b.buf);
	free(two.buf);
	free(want.buf);
}

static void bz_gzip(const struct blob *g, const struct blob *raw)
{
	const char *why = "";
	struct blob b = make_bzimage(g, -1);
	int64_t size = bzimage_decoded_size(b.buf, b.len, &work, &why);

	CHECK(size == (int64_t)raw->len, "bzimage gzip: decoded size %lld from ISIZE (%s)",
	      (long long)size, size < 0 ? why : "ok");
	int ok = !bz(&b, raw->len, raw, &why);
	CHECK(ok, "bzimage gzip: payload decodes to the original (%s)", ok ? "ok" : why);
	free(b.buf);
	struct blob two = { malloc(2 * g->len), 2 * g->len };
	memcpy(two.buf, g->buf, g->len);
	memcpy(two.buf + g->len, g->buf, g->len);
	b = make_bzimage(&two, -1);
	int rc = bz(&b, 2 * raw->len, NULL, &why);
	CHECK(rc == BZIMAGE_E_TRAILER, "bzimage gzip: two members (ISIZE covers the last only, "
	      "which Linux's boot code would misread) -> refused (%s)", why);
	free(b.buf);
	free(two.buf);
	struct blob lz4 = { (uint8_t *)"\x02\x21\x4C\x18xxxxxxxx", 12 };
	b = make_bzimage(&lz4, 100);
	rc = bz(&b, 100, NULL, &why);
	CHECK(rc == BZIMAGE_E_COMPRESSION && strstr(why, "LZ4 kernels are not supported"),
	      "bzimage: LZ4 payload -> refused by name (%s)", why);
	free(b.buf);
}

int main(int argc, char **argv)
{
	if (argc != 11)
		return fprintf(stderr, "usage: test_unzip ZST RAW ZST RAW GZ RAW GZ RAW FIELDS_GZ RAW\n"), 2;
	struct blob f[10];
	for (int i = 0; i < 10; i++)
		f[i] = blob_load(argv[i + 1]);
	for (int i = 0; i < 8; i += 2)
		roundtrip(i < 4, blob_basename(argv[i + 1]), &f[i], &f[i + 1]);
	roundtrip(false, blob_basename(argv[9]), &f[8], &f[9]);
	zstd_headers(&f[0], &f[1]);
	zstd_size_wrap();
	gzip_headers(&f[4], &f[8], &f[5]);
	bz_zstd(&f[0], &f[1]);
	bz_gzip(&f[4], &f[5]);
	for (int i = 0; i < 10; i++)
		free(f[i].buf);
	return check_exit();
}
