/*
 * Zstandard frames (RFC 8878 3.1): magic number, frame header (window,
 * dictionary ID, content size, checksum flag), the block loop and the
 * XXH64 content checksum; skippable frames (3.1.2) are stepped over.
 */
#include "zstd_priv.h"
#include "lib.h"

#define ZSTD_MAGIC 0xFD2FB528u
#define ZSTD_SKIPPABLE 0x184D2A50u /* low 4 bits are free */
#define WINDOW_LOG_MIN 10
#define WINDOW_LOG_MAX 31

enum { BLOCK_RAW, BLOCK_RLE, BLOCK_COMPRESSED, BLOCK_RESERVED };

struct frame {
	uint64_t window, content_size;
	size_t block_max;
	bool has_size, checksum;
};

int zstd_fail(struct zstd_dec *d, int error, const uint8_t *at, const char *what)
{
	fmt_snprintf(d->msg, sizeof(d->msg), "zstd: %s (input offset %llu)", what,
		     (unsigned long long)(at - d->in_start));
	return error;
}

int zstd_bits_init(struct zstd_bits *b, const uint8_t *p, size_t len, struct zstd_dec *d)
{
	if (!len || !p[len - 1])
		return zstd_fail(d, ZSTD_E_CORRUPT, p, "bitstream without its end marker");
	b->buf = p;
	b->len = len;
	b->pos = (int64_t)(len - 1) * 8 + zstd_highbit(p[len - 1]);
	return 0;
}

static uint64_t le_n(const uint8_t *p, unsigned bytes)
{
	return bytes == 8 ? zstd_le(p, 4) | (uint64_t)zstd_le(p + 4, 4) << 32 : zstd_le(p, bytes);
}

/* Frame header (3.1.1.1), after the magic number. */
static int frame_header(struct zstd_in *in, struct frame *f)
{
	const uint8_t *p = in->p;
	if (p == in->end)
		return zstd_fail(in->d, ZSTD_E_TRUNCATED, p, "frame header truncated");
	unsigned fcs_code = p[0] >> 6, single = (p[0] >> 5) & 1, dict_code = p[0] & 3;
	unsigned fcs_len = fcs_code ? 1u << fcs_code : single;
	unsigned dict_len = dict_code == 3 ? 4 : dict_code;
	if (p[0] & 8)
		return zstd_fail(in->d, ZSTD_E_CORRUPT, p, "reserved bit set in the frame header");
	if ((size_t)(in->end - p) < 1 + !single + dict_len + fcs_len)
		return zstd_fail(in->d, ZSTD_E_TRUNCATED, p, "frame header truncated");
	f->checksum = p[0] & 4;
	const uint8_t *q = p + 1;
	if (!single) {
		unsigned log = WINDOW_LOG_MIN + (q[0] >> 3);
		if (log > WINDOW_LOG_MAX)
			return zstd_fail(in->d, ZSTD_E_UNSUPPORTED, q, "window larger than 2 GiB");
		f->window = (1ull << log) + ((1ull << log) >> 3) * (q[0] & 7);
		q++;
	}
	if (le_n(q, dict_len))
		return zstd_fail(in->d, ZSTD_E_UNSUPPORTED, q, "frame needs a dictionary");
	q += dict_len;
	f->has_size = fcs_len != 0;
	f->content_size = le_n(q, fcs_len) + (fcs_len == 2 ? 256 : 0);
	if (single)
		f->window = f->content_size;
	f->block_max = (size_t)MIN(f->window, (uint64_t)ZSTD_BLOCK_MAX);
	in->p = q + fcs_len;
	return 0;
}

/* One block (3.1.1.2) of length len at p; sets *last. */
static int block(struct zstd_in *in, const struct frame *f, struct zstd_out *o, bool *last)
{
	if (in->end - in->p < 3)
		return zstd_fail(in->d, ZSTD_E_TRUNCATED, in->p, "block header truncated");
	uint32_t h = zstd_le(in->p, 3), type = (h >> 1) & 3, size = h >> 3;
	const uint8_t *p = in->p + 3;
	size_t in_size = type == BLOCK_RLE ? 1 : size;
	*last = h & 1;
	if (type == BLOCK_RESERVED)
		return zstd_fail(in->d, ZSTD_E_CORRUPT, in->p, "reserved block type");
	if (size > f->block_max)
		return zstd_fail(in->d, ZSTD_E_CORRUPT, in->p, "block larger than the window allows");
	if ((size_t)(in->end - p) < in_size)
		return zstd_fail(in->d, ZSTD_E_TRUNCATED, in->p, "block truncated");
	in->p = p + in_size;
	if (type == BLOCK_COMPRESSED) {
		struct zstd_in blk = { p, p + size, in->d };
		const uint8_t *lit;
		size_t lit_len, before = o->pos;
		int rc = zstd_literals(&blk, &lit, &lit_len);
		rc = rc ? rc : zstd_sequences(&blk, lit, lit_len, o);
		if (!rc && o->pos - before > f->block_max)
			rc = zstd_fail(in->d, ZSTD_E_CORRUPT, p, "block decodes to more than 128 KiB");
		return rc;
	}
	if (o->max - o->pos < size)
		return zstd_fail(in->d, ZSTD_E_OUTPUT_SMALL, p, "output buffer too small");
	if (type == BLOCK_RAW)
		memcpy(o->buf + o->pos, p, size);
	else
		memset(o->buf + o->pos, p[0], size);
	o->pos += size;
	return 0;
}

static int frame_end(struct zstd_in *in, const struct frame *f, const struct zstd_out *o)
{
	size_t got = o->pos - o->start;

	if (f->has_size && got != f->content_size)
		return zstd_fail(in->d, ZSTD_E_CHECKSUM, in->p, "frame content size does not match");
	if (!f->checksum)
		return 0;
	if (in->end - in->p < 4)
		return zstd_fail(in->d, ZSTD_E_TRUNCATED, in->p, "content checksum truncated");
	if (zstd_le(in->p, 4) != (uint32_t)zstd_xxh64(o->buf + o->start, got))
		return zstd_fail(in->d, ZSTD_E_CHECKSUM, in->p, "content checksum mismatch");
	in->p += 4;
	return 0;
}

/* A skippable frame: sets *skipped and steps over it. */
static int skippable(struct zstd_in *in, bool *skipped)
{
	if (in->end - in->p < 4)
		return zstd_fail(in->d, ZSTD_E_TRUNCATED, in->p, "frame magic truncated");
	uint32_t magic = zstd_le(in->p, 4);
	*skipped = (magic & ~15u) == ZSTD_SKIPPABLE;
	if (!*skipped && magic != ZSTD_MAGIC)
		return zstd_fail(in->d, ZSTD_E_MAGIC, in->p, "not a zstd frame (bad magic)");
	if (!*skipped) {
		in->p += 4;
		return 0;
	}
	if (in->end - in->p < 8 || (uint64_t)(in->end - in->p - 8) < zstd_le(in->p + 4, 4))
		return zstd_fail(in->d, ZSTD_E_TRUNCATED, in->p, "skippable frame truncated");
	in->p += 8 + zstd_le(in->p + 4, 4);
	return 0;
}

static int frame(struct zstd_in *in, struct zstd_out *o)
{
	struct zstd_dec *d = in->d;
	struct frame f;
	bool skipped, last = false;
	int rc = skippable(in, &skipped);

	if (rc || skipped)
		return rc;
	if ((rc = frame_header(in, &f)))
		return rc;
	d->huf_log = 0;
	d->ll.valid = d->of.valid = d->ml.valid = false;
	d->rep[0] = 1, d->rep[1] = 4, d->rep[2] = 8;
	o->start = o->pos;
	o->window = f.window;
	while (!last)
		if ((rc = block(in, &f, o, &last)))
			return rc;
	return frame_end(in, &f, o);
}

int64_t zstd_decode(const void *in, size_t in_len, void *out, size_t out_max,
		    struct zstd_dec *d)
{
	struct zstd_in s = { in, (const uint8_t *)in + in_len, d };
	struct zstd_out o = { out, 0, out_max, 0, 0 };

	d->in_start = in;
	d->msg[0] = 0;
	if (!in_len)
		return zstd_fail(d, ZSTD_E_MAGIC, s.p, "empty input");
	while (s.p < s.end) {
		int rc = frame(&s, &o);
		if (rc)
			return rc;
	}
	return (int64_t)o.pos;
}

/* Steps over the blocks and checksum of a frame whose header is read. */
static int skip_blocks(struct zstd_in *in, const struct frame *f)
{
	bool last = false;

	while (!last) {
		if (in->end - in->p < 3)
			return zstd_fail(in->d, ZSTD_E_TRUNCATED, in->p, "block header truncated");
		uint32_t h = zstd_le(in->p, 3);
		size_t in_size = ((h >> 1) & 3) == BLOCK_RLE ? 1 : h >> 3;
		last = h & 1;
		if ((size_t)(in->end - in->p - 3) < in_size)
			return zstd_fail(in->d, ZSTD_E_TRUNCATED, in->p, "block truncated");
		in->p += 3 + in_size;
	}
	if (f->checksum && in->end - in->p < 4)
		return zstd_fail(in->d, ZSTD_E_TRUNCATED, in->p, "content checksum truncated");
	in->p += f->checksum ? 4 : 0;
	return 0;
}

int64_t zstd_content_size(const void *in, size_t in_len, struct zstd_dec *d)
{
	struct zstd_in s = { in, (const uint8_t *)in + in_len, d };
	uint64_t total = 0;

	d->in_start = in;
	d->msg[0] = 0;
	if (!in_len)
		return zstd_fail(d, ZSTD_E_MAGIC, s.p, "empty input");
	while (s.p < s.end) {
		struct frame f;
		bool skipped;
		int rc = skippable(&s, &skipped);
		if (!rc && !skipped)
			rc = frame_header(&s, &f);
		if (rc)
			return rc;
		if (skipped)
			continue;
		if (!f.has_size)
			return zstd_fail(d, ZSTD_E_NO_SIZE, s.p, "a frame does not record its size");
		if ((rc = skip_blocks(&s, &f)))
			return rc;
		if (f.content_size > INT64_MAX / 2 - total) /* checked before adding: no wrap */
			return zstd_fail(d, ZSTD_E_CORRUPT, s.p, "content sizes add up past 2^62");
		total += f.content_size;
	}
	return (int64_t)total;
}
