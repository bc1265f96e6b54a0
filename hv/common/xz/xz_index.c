/*
 * The index and stream footer of the .xz format (xz-file-format.txt 4
 * and 2.1.2): the index is an indicator byte 0x00, the number of records,
 * one (unpadded size, uncompressed size) pair of VLIs per block, zero
 * padding to a multiple of 4 and a CRC32; the footer holds a CRC32, the
 * index size as (backward size / 4 - 1), the stream flags and "YZ".
 * Walking footers and indexes back from the end of a file gives its
 * uncompressed size without decoding anything.
 */
#include "xz_priv.h"

#define XZ_UNPADDED_MIN 5
#define XZ_VLI_MAX (UINT64_MAX / 2)
#define XZ_UNPADDED_MAX (XZ_VLI_MAX & ~(uint64_t)3)

void xz_index_sum_add(struct xz_index_sum *s, uint64_t unpadded, uint64_t uncompressed)
{
	uint8_t rec[16];

	for (int i = 0; i < 8; i++) {
		rec[i] = (uint8_t)(unpadded >> (8 * i));
		rec[8 + i] = (uint8_t)(uncompressed >> (8 * i));
	}
	s->blocks++;
	s->unpadded_sum += unpadded;
	s->uncompressed_sum += uncompressed;
	s->padded_sum += (unpadded + 3) & ~(uint64_t)3;
	s->records_crc = xz_crc64(rec, sizeof(rec), s->records_crc);
}

static int xz_index_record(struct xz_dec *d, struct xz_in *in, struct xz_index_sum *sum,
			   size_t at)
{
	uint64_t unpadded, unc;
	int rc = xz_read_vli(d, in, "index record", XZ_E_TRUNCATED, &unpadded);

	if (!rc)
		rc = xz_read_vli(d, in, "index record", XZ_E_TRUNCATED, &unc);
	if (rc)
		return rc;
	if (unpadded < XZ_UNPADDED_MIN || unpadded > XZ_UNPADDED_MAX || unc > XZ_VLI_MAX)
		return xz_fail(d, XZ_E_CORRUPT, "index at 0x%zx: impossible block size", at);
	uint64_t unpadded_sum = sum->unpadded_sum, unc_sum = sum->uncompressed_sum;
	xz_index_sum_add(sum, unpadded, unc);
	if (sum->unpadded_sum < unpadded_sum || sum->uncompressed_sum < unc_sum ||
	    sum->padded_sum > XZ_VLI_MAX || sum->uncompressed_sum > XZ_VLI_MAX)
		return xz_fail(d, XZ_E_CORRUPT, "index at 0x%zx: sizes overflow", at);
	return 0;
}

int xz_parse_index(struct xz_dec *d, struct xz_in *in, struct xz_index_sum *sum)
{
	size_t at = in->pos;
	uint64_t count;
	int rc;

	if (at >= in->len || in->buf[at] != 0)
		return xz_fail(d, XZ_E_CORRUPT, "no index indicator at 0x%zx", at);
	in->pos++;
	if ((rc = xz_read_vli(d, in, "index record count", XZ_E_TRUNCATED, &count)))
		return rc;
	for (uint64_t i = 0; i < count; i++)
		if ((rc = xz_index_record(d, in, sum, at)))
			return rc;
	while ((in->pos - at) & 3) {
		if (in->pos >= in->len)
			return xz_fail(d, XZ_E_TRUNCATED, "input ends in the index at 0x%zx", at);
		if (in->buf[in->pos++])
			return xz_fail(d, XZ_E_CORRUPT, "index at 0x%zx: non-zero padding", at);
	}
	if (in->len - in->pos < 4)
		return xz_fail(d, XZ_E_TRUNCATED, "input ends in the index CRC32 at 0x%zx", in->pos);
	if (xz_crc32(in->buf + at, in->pos - at, 0) != xz_le32(in->buf + in->pos))
		return xz_fail(d, XZ_E_CRC, "index at 0x%zx", at);
	in->pos += 4;
	return 0;
}

int xz_parse_stream_footer(struct xz_dec *d, const uint8_t *p, size_t at, unsigned *check_type,
			   uint64_t *index_size)
{
	if (p[10] != 'Y' || p[11] != 'Z')
		return xz_fail(d, XZ_E_MAGIC, "no stream footer magic at 0x%zx", at);
	if (xz_crc32(p + 4, 6, 0) != xz_le32(p))
		return xz_fail(d, XZ_E_CRC, "stream footer at 0x%zx", at);
	if (p[8] != 0 || (p[9] & 0xF0))
		return xz_fail(d, XZ_E_UNSUPPORTED, "stream footer at 0x%zx: reserved flags", at);
	if (*check_type != XZ_CHECK_ANY && (p[9] & 0x0F) != *check_type)
		return xz_fail(d, XZ_E_CORRUPT, "stream footer at 0x%zx: flags differ from the header",
			       at);
	*check_type = p[9] & 0x0F;
	*index_size = ((uint64_t)xz_le32(p + 4) + 1) * 4;
	return 0;
}

/* The stream whose footer ends at *end: adds its uncompressed size to
 * *total and moves *end back to where the stream starts. */
static int xz_size_stream(struct xz_dec *d, const uint8_t *buf, size_t *end, uint64_t *total)
{
	unsigned check = XZ_CHECK_ANY, header_check;
	struct xz_index_sum sum = { 0 };
	uint64_t index_size;
	int rc;

	if (*end < XZ_STREAM_HEADER_SIZE + XZ_STREAM_FOOTER_SIZE)
		return xz_fail(d, *end >= 2 && buf[*end - 2] == 'Y' && buf[*end - 1] == 'Z' ?
			       XZ_E_TRUNCATED : XZ_E_MAGIC, "no complete stream ends at 0x%zx", *end);
	size_t footer_at = *end - XZ_STREAM_FOOTER_SIZE;
	if ((rc = xz_parse_stream_footer(d, buf + footer_at, footer_at, &check, &index_size)))
		return rc;
	if (index_size > footer_at - XZ_STREAM_HEADER_SIZE)
		return xz_fail(d, XZ_E_CORRUPT, "stream footer at 0x%zx: index of %llu bytes does not "
			       "fit before it", footer_at, (unsigned long long)index_size);
	size_t index_at = footer_at - index_size;
	struct xz_in in = { .buf = buf, .len = footer_at, .pos = index_at };
	if ((rc = xz_parse_index(d, &in, &sum)))
		return rc;
	if (in.pos != footer_at)
		return xz_fail(d, XZ_E_CORRUPT, "index at 0x%zx ends before the stream footer",
			       index_at);
	if (sum.padded_sum > index_at - XZ_STREAM_HEADER_SIZE)
		return xz_fail(d, XZ_E_CORRUPT, "index at 0x%zx: blocks do not fit before it", index_at);
	size_t stream_at = index_at - (size_t)sum.padded_sum - XZ_STREAM_HEADER_SIZE;
	if ((rc = xz_parse_stream_header(d, buf + stream_at, stream_at, &header_check)))
		return rc;
	if (header_check != check)
		return xz_fail(d, XZ_E_CORRUPT, "stream at 0x%zx: footer flags differ from the header",
			       stream_at);
	*total += sum.uncompressed_sum;
	if (*total > XZ_VLI_MAX)
		return xz_fail(d, XZ_E_CORRUPT, "uncompressed sizes overflow");
	*end = stream_at;
	return 0;
}

int64_t xz_uncompressed_size(const void *in, size_t in_len, struct xz_dec *d)
{
	const uint8_t *buf = in;
	size_t end = in_len;
	uint64_t total = 0;
	int rc;

	d->error = 0;
	d->msg[0] = '\0';
	if (in_len == 0)
		return xz_fail(d, XZ_E_TRUNCATED, "the input is empty");
	if (!xz_has_header_magic(buf, in_len))
		return xz_fail(d, XZ_E_MAGIC, "no .xz stream header magic at 0x0");
	do {
		size_t padded_end = end;
		while (end > 0 && buf[end - 1] == 0)
			end--;
		if ((padded_end - end) & 3)
			return xz_fail(d, XZ_E_CORRUPT, "stream padding before 0x%zx is not a multiple "
				       "of 4", padded_end);
		if (end == 0)
			return xz_fail(d, XZ_E_MAGIC, "no stream before the padding at 0x0");
		if ((rc = xz_size_stream(d, buf, &end, &total)))
			return rc;
	} while (end > 0);
	return (int64_t)total;
}
