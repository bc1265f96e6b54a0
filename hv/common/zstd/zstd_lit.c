/*
 * The literals section of a compressed block (RFC 8878 3.1.1.3.1): its
 * header, raw and RLE literals, and Huffman-coded literals with a new
 * tree or the previous block's ("treeless"), in one or four streams.
 */
#include "zstd_priv.h"
#include "lib.h"

enum { LIT_RAW, LIT_RLE, LIT_COMPRESSED, LIT_TREELESS };

/* Raw and RLE: a 1-, 2- or 3-byte header with the size alone. */
static int lit_plain(struct zstd_in *in, unsigned type, const uint8_t **lit, size_t *lit_len)
{
	const uint8_t *p = in->p;
	unsigned format = (p[0] >> 2) & 3;
	unsigned hdr = format == 1 ? 2 : format == 3 ? 3 : 1;
	if ((size_t)(in->end - p) < hdr + (type == LIT_RLE ? 1 : 0))
		return zstd_fail(in->d, ZSTD_E_CORRUPT, p, "literals header past the block");
	size_t size = hdr == 1 ? p[0] >> 3 : zstd_le(p, hdr) >> 4;
	if (size > ZSTD_BLOCK_MAX)
		return zstd_fail(in->d, ZSTD_E_CORRUPT, p, "more than 128 KiB of literals");
	p += hdr;
	if (type == LIT_RLE) {
		memset(in->d->literals, p[0], size);
		*lit = in->d->literals;
		in->p = p + 1;
	} else {
		if ((size_t)(in->end - p) < size)
			return zstd_fail(in->d, ZSTD_E_CORRUPT, p, "raw literals past the block");
		*lit = p;
		in->p = p + size;
	}
	*lit_len = size;
	return 0;
}

/* Huffman-coded: a 3-, 4- or 5-byte header with both sizes. */
static int lit_huffman(struct zstd_in *in, unsigned type, const uint8_t **lit, size_t *lit_len)
{
	const uint8_t *p = in->p;
	unsigned format = (p[0] >> 2) & 3;
	unsigned hdr = format < 2 ? 3 : format + 2, bits = format < 2 ? 10 : format * 4 + 6;
	if ((size_t)(in->end - p) < hdr)
		return zstd_fail(in->d, ZSTD_E_CORRUPT, p, "literals header past the block");
	uint64_t h = zstd_le(p, hdr > 4 ? 4 : hdr) | (hdr > 4 ? (uint64_t)p[4] << 32 : 0);
	size_t size = (size_t)(h >> 4) & ((1u << bits) - 1);
	size_t packed = (size_t)(h >> (4 + bits)) & ((1u << bits) - 1);
	if (size > ZSTD_BLOCK_MAX)
		return zstd_fail(in->d, ZSTD_E_CORRUPT, p, "more than 128 KiB of literals");
	if ((size_t)(in->end - p - hdr) < packed)
		return zstd_fail(in->d, ZSTD_E_CORRUPT, p, "compressed literals past the block");
	struct zstd_in tree = { p + hdr, p + hdr + packed, in->d };
	int rc = 0;
	if (type == LIT_COMPRESSED)
		rc = zstd_huf_table(&tree);
	else if (!in->d->huf_log)
		rc = zstd_fail(in->d, ZSTD_E_CORRUPT, p, "treeless literals without an earlier tree");
	if (!rc)
		rc = zstd_huf_streams(in->d, tree.p, (size_t)(tree.end - tree.p), size, format != 0);
	*lit = in->d->literals;
	*lit_len = size;
	in->p = tree.end;
	return rc;
}

int zstd_literals(struct zstd_in *in, const uint8_t **lit, size_t *lit_len)
{
	if (in->p == in->end)
		return zstd_fail(in->d, ZSTD_E_CORRUPT, in->p, "compressed block without literals header");
	unsigned type = in->p[0] & 3;
	if (type == LIT_RAW || type == LIT_RLE)
		return lit_plain(in, type, lit, lit_len);
	return lit_huffman(in, type, lit, lit_len);
}
