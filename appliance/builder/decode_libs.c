/*
 * The bzImage payload decoders that need no container parsing of ours:
 * gzip (zlib, RFC 1952), bzip2 (libbz2), XZ and the legacy .lzma format
 * (liblzma; Linux compresses with `xz --check=crc32 --x86` and `lzma -9`),
 * and Zstandard (libzstd, RFC 8878; Linux runs `zstd -22 --ultra`).
 * Each decodes a whole stream into exactly `expect` bytes.
 */
#include <bzlib.h>
#include <lzma.h>
#include <zlib.h>
#include <zstd.h>

#include "pvh_internal.h"

/*
 * liblzma's memory limit: a stream's header chooses the dictionary size
 * (up to 4 GiB), so a hostile image must not choose our allocation.  Linux
 * kernels use 32 MiB (XZ) and 64 MiB (lzma -9) dictionaries.
 */
#define PVH_LZMA_MEMLIMIT (256ull << 20)

static int decoded_exactly(const char *kind, size_t got, size_t expect, char *err,
			   size_t errlen)
{
	if (got != expect)
		return pvh_fail(err, errlen, "%s stream decodes to %zu bytes, expected %zu",
				kind, got, expect);
	return 0;
}

int pvh_decode_gzip(const uint8_t *in, size_t in_len, uint8_t *out, size_t expect, char *err,
		    size_t errlen)
{
	z_stream zs = { 0 };

	if (in_len > UINT32_MAX || expect > UINT32_MAX)
		return pvh_fail(err, errlen, "gzip: stream larger than 4 GiB");
	if (inflateInit2(&zs, 16 + MAX_WBITS) != Z_OK)
		return pvh_fail(err, errlen, "gzip: zlib initialisation failed");
	zs.next_in = (Bytef *)in;
	zs.avail_in = (uInt)in_len;
	zs.next_out = out;
	zs.avail_out = (uInt)expect;
	int rc = inflate(&zs, Z_FINISH);
	size_t got = zs.total_out;
	inflateEnd(&zs);
	if (rc != Z_STREAM_END)
		return pvh_fail(err, errlen, "gzip: corrupt or truncated stream (zlib %d%s%s)", rc,
				zs.msg ? ": " : "", zs.msg ? zs.msg : "");
	return decoded_exactly("gzip", got, expect, err, errlen);
}

int pvh_decode_bzip2(const uint8_t *in, size_t in_len, uint8_t *out, size_t expect, char *err,
		     size_t errlen)
{
	unsigned got = (unsigned)expect;

	if (in_len > UINT32_MAX || expect > UINT32_MAX)
		return pvh_fail(err, errlen, "bzip2: stream larger than 4 GiB");
	int rc = BZ2_bzBuffToBuffDecompress((char *)out, &got, (char *)in, (unsigned)in_len, 0, 0);
	if (rc != BZ_OK)
		return pvh_fail(err, errlen, "bzip2: corrupt or truncated stream (libbz2 %d)", rc);
	return decoded_exactly("bzip2", got, expect, err, errlen);
}

static int decode_lzma_stream(lzma_stream *ls, const char *kind, const uint8_t *in, size_t in_len,
			      uint8_t *out, size_t expect, char *err, size_t errlen)
{
	ls->next_in = in;
	ls->avail_in = in_len;
	ls->next_out = out;
	ls->avail_out = expect;
	lzma_ret rc = lzma_code(ls, LZMA_FINISH);
	size_t got = expect - ls->avail_out;
	lzma_end(ls);
	if (rc == LZMA_MEMLIMIT_ERROR)
		return pvh_fail(err, errlen, "%s: stream needs more than %llu MiB to decode", kind,
				PVH_LZMA_MEMLIMIT >> 20);
	if (rc != LZMA_STREAM_END)
		return pvh_fail(err, errlen, "%s: corrupt, truncated or oversized stream (liblzma %d)",
				kind, (int)rc);
	return decoded_exactly(kind, got, expect, err, errlen);
}

int pvh_decode_xz(const uint8_t *in, size_t in_len, uint8_t *out, size_t expect, char *err,
		  size_t errlen)
{
	lzma_stream ls = LZMA_STREAM_INIT;

	if (lzma_stream_decoder(&ls, PVH_LZMA_MEMLIMIT, 0) != LZMA_OK)
		return pvh_fail(err, errlen, "XZ: liblzma initialisation failed");
	return decode_lzma_stream(&ls, "XZ", in, in_len, out, expect, err, errlen);
}

int pvh_decode_lzma(const uint8_t *in, size_t in_len, uint8_t *out, size_t expect, char *err,
		    size_t errlen)
{
	lzma_stream ls = LZMA_STREAM_INIT;

	if (lzma_alone_decoder(&ls, PVH_LZMA_MEMLIMIT) != LZMA_OK)
		return pvh_fail(err, errlen, "LZMA: liblzma initialisation failed");
	return decode_lzma_stream(&ls, "LZMA", in, in_len, out, expect, err, errlen);
}

int pvh_decode_zstd(const uint8_t *in, size_t in_len, uint8_t *out, size_t expect, char *err,
		    size_t errlen)
{
	ZSTD_DStream *ds = ZSTD_createDStream();

	if (!ds)
		return pvh_fail(err, errlen, "Zstandard: out of memory");
	ZSTD_inBuffer ib = { in, in_len, 0 };
	ZSTD_outBuffer ob = { out, expect, 0 };
	size_t rc = 1;
	while (rc != 0 && ib.pos < ib.size) {
		rc = ZSTD_decompressStream(ds, &ob, &ib);
		if (ZSTD_isError(rc) || (rc != 0 && ob.pos == ob.size))
			break;
	}
	ZSTD_freeDStream(ds);
	if (ZSTD_isError(rc))
		return pvh_fail(err, errlen, "Zstandard: corrupt stream (%s)", ZSTD_getErrorName(rc));
	if (rc != 0)
		return pvh_fail(err, errlen, "Zstandard: truncated or oversized stream");
	if (ib.pos != ib.size)
		return pvh_fail(err, errlen, "Zstandard: %zu bytes after the frame", ib.size - ib.pos);
	return decoded_exactly("Zstandard", ob.pos, expect, err, errlen);
}
