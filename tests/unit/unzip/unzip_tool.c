/*
 * Host driver of the hv's zstd and gzip decoders and bzImage unpacker,
 * for the round-trip tests:
 *   unzip_tool zstd IN OUT MAX decode a .zst file into a MAX-byte buffer
 *   unzip_tool zsize IN        print the content size its frames record
 *   unzip_tool gzip IN OUT MAX decode a .gz file into a MAX-byte buffer
 *   unzip_tool bzimage IN OUT  unpack a bzImage's payload (XZ, zstd, gzip)
 *   unzip_tool bzsize IN       print a bzImage's decoded size
 * Errors print the decoder's message and exit 1.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "blob.h"
#include "bzimage.h"

static struct bzimage_work work;

static int fail(const char *file, const char *msg)
{
	fprintf(stderr, "%s: %s\n", file, msg);
	return 1;
}

/* A stream: the output buffer is generous, the decoders bound it. */
static int64_t decode_stream(const char *cmd, const uint8_t *in, size_t len, size_t max,
			     uint8_t **out, const char **why)
{
	int64_t n;

	*out = malloc(max + 1);
	if (!strcmp(cmd, "zstd")) {
		n = zstd_decode(in, len, *out, max, &work.zstd);
		*why = work.zstd.msg;
	} else {
		n = gzip_decode(in, len, *out, max, &work.gzip);
		*why = work.gzip.msg;
	}
	return n;
}

static int64_t decode_bzimage(const uint8_t *in, size_t len, uint8_t **out, const char **why)
{
	int64_t size = bzimage_decoded_size(in, len, &work, why);
	size_t got = 0;

	*out = NULL;
	if (size < 0)
		return size;
	*out = malloc((size_t)size + 1);
	int rc = bzimage_decode(in, len, *out, (size_t)size, &got, &work, why);
	return rc ? rc : (int64_t)got;
}

int main(int argc, char **argv)
{
	if (argc < 3)
		return fprintf(stderr, "usage: unzip_tool zstd|zsize|gzip|bzimage|bzsize IN [OUT]\n"), 2;
	const char *cmd = argv[1], *path = argv[2], *why = "";
	size_t len;
	uint8_t *in = blob_read(path, &len), *out = NULL;
	int64_t n;

	if (!strcmp(cmd, "zsize") || !strcmp(cmd, "bzsize")) {
		n = cmd[0] == 'z' ? zstd_content_size(in, len, &work.zstd)
				  : bzimage_decoded_size(in, len, &work, &why);
		free(in);
		if (n < 0)
			return fail(path, cmd[0] == 'z' ? work.zstd.msg : why);
		printf("%lld\n", (long long)n);
		return 0;
	}
	bool bz = !strcmp(cmd, "bzimage");
	if (argc < (bz ? 4 : 5))
		return free(in), 2;
	n = bz ? decode_bzimage(in, len, &out, &why)
	       : decode_stream(cmd, in, len, strtoull(argv[4], NULL, 0), &out, &why);
	int status = n < 0 ? fail(path, why) : 0;
	if (!status)
		blob_store(argv[3], out, (size_t)n);
	free(in);
	free(out);
	return status;
}
