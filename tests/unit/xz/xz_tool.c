/*
 * Host driver of the hv's XZ decoder and bzImage unpacker, for the
 * round-trip tests and the benchmark:
 *   xz_tool decode IN OUT       decode an .xz file, write the result
 *   xz_tool size IN             print the size its index records
 *   xz_tool bzimage IN OUT      unpack a bzImage's payload
 *   xz_tool bzsize IN           print a bzImage's decoded size
 *   xz_tool bench IN REPS       decode REPS times, print MB/s of output
 * Errors print the decoder's message and exit 1.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "blob.h"
#include "bzimage.h"
#include "xz/xz.h"

static struct bzimage_work work;

static int fail(const char *file, const char *msg)
{
	fprintf(stderr, "%s: %s\n", file, msg);
	return 1;
}

static double now(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec + ts.tv_nsec / 1e9;
}

static int cmd_bench(const char *path, int reps)
{
	size_t len;
	uint8_t *in = blob_read(path, &len);
	bool bz = bzimage_probe(in, len);
	const char *why = NULL;
	int64_t size = bz ? bzimage_decoded_size(in, len, &work, &why)
			  : xz_uncompressed_size(in, len, &work.xz);
	if (size < 0) {
		free(in);
		return fail(path, bz ? why : work.xz.msg);
	}
	uint8_t *out = malloc((size_t)size + 1);
	double best = 1e9;
	for (int i = 0; i < reps; i++) {
		size_t got;
		double t = now();
		int64_t rc = bz ? bzimage_decode(in, len, out, (size_t)size, &got, &work, &why)
				: xz_decode(in, len, out, (size_t)size, &work.xz);
		t = now() - t;
		if (rc < 0) {
			free(in);
			free(out);
			return fail(path, bz ? why : work.xz.msg);
		}
		best = t < best ? t : best;
	}
	free(in);
	free(out);
	printf("%.1f MB/s (%lld bytes in %.3f s, best of %d)\n", size / best / 1e6,
	       (long long)size, best, reps);
	return 0;
}

int main(int argc, char **argv)
{
	if (argc < 3)
		return fprintf(stderr, "usage: xz_tool decode|size|bzimage|bzsize|bench IN [OUT|REPS]\n"), 2;
	const char *cmd = argv[1], *path = argv[2];
	const char *why = NULL;
	size_t len;

	if (!strcmp(cmd, "bench"))
		return cmd_bench(path, argc > 3 ? atoi(argv[3]) : 3);
	uint8_t *in = blob_read(path, &len);
	bool bz = !strncmp(cmd, "bz", 2);
	int64_t size = bz ? bzimage_decoded_size(in, len, &work, &why)
			  : xz_uncompressed_size(in, len, &work.xz);
	if (size < 0 || strstr(cmd, "size") || argc < 4) {
		free(in);
		if (size < 0)
			return fail(path, bz ? why : work.xz.msg);
		if (argc < 4 && !strstr(cmd, "size"))
			return 2;
		printf("%lld\n", (long long)size);
		return 0;
	}
	uint8_t *out = malloc((size_t)size + 1);
	size_t got = 0;
	int status = 0;
	if (bz) {
		if (bzimage_decode(in, len, out, (size_t)size, &got, &work, &why))
			status = fail(path, why);
	} else {
		int64_t n = xz_decode(in, len, out, (size_t)size, &work.xz);
		if (n < 0)
			status = fail(path, work.xz.msg);
		got = n < 0 ? 0 : (size_t)n;
	}
	if (!status)
		blob_store(argv[3], out, got);
	free(in);
	free(out);
	return status;
}
