/*
 * Files in and out of the host drivers and tests of the hv's decoders
 * (tests/unit/xz, tests/unit/unzip): a whole file in memory, one spare
 * byte after it; any I/O failure exits 2, which the runners report.
 */
#ifndef TESTS_DECOMP_BLOB_H
#define TESTS_DECOMP_BLOB_H

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

struct blob {
	uint8_t *buf;
	size_t len;
};

static inline struct blob blob_load(const char *path)
{
	struct blob b = { 0 };
	FILE *f = fopen(path, "rb");
	long n;

	if (!f || fseek(f, 0, SEEK_END) || (n = ftell(f)) < 0 || fseek(f, 0, SEEK_SET)) {
		perror(path);
		exit(2);
	}
	b.len = (size_t)n;
	b.buf = malloc(b.len + 1);
	if (!b.buf || fread(b.buf, 1, b.len, f) != b.len) {
		fprintf(stderr, "%s: read failed\n", path);
		exit(2);
	}
	fclose(f);
	return b;
}

/* The same, as a buffer and its length. */
static inline uint8_t *blob_read(const char *path, size_t *len)
{
	struct blob b = blob_load(path);

	*len = b.len;
	return b.buf;
}

static inline void blob_store(const char *path, const uint8_t *buf, size_t len)
{
	FILE *f = fopen(path, "wb");

	if (!f || fwrite(buf, 1, len, f) != len || fclose(f)) {
		perror(path);
		exit(2);
	}
}

static inline const char *blob_basename(const char *path)
{
	const char *s = strrchr(path, '/');

	return s ? s + 1 : path;
}

#endif
