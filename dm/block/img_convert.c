/*
 * bastion-img create and convert.  convert copies the guest-visible
 * contents of a whole backing chain into a new, standalone image, skipping
 * what reads as zeroes so the result stays sparse.
 */
#include <getopt.h>
#include <stdlib.h>
#include <string.h>

#include "img.h"

#define CONVERT_CHUNK (1u << 20)
#define CONVERT_GRAIN (64u << 10)

static void print_formatting(const char *file, const struct blk_create_opts *o)
{
	printf("Formatting '%s', fmt=%s size=%llu", file, o->format,
	       (unsigned long long)o->size);
	if (o->backing)
		printf(" backing_file=%s", o->backing);
	if (o->backing_fmt)
		printf(" backing_fmt=%s", o->backing_fmt);
	printf("\n");
}

int img_create(int argc, char **argv)
{
	struct blk_create_opts o = { .format = "raw" };
	struct blk_error err;
	int c;

	optind = 1;
	while ((c = getopt(argc, argv, "f:b:F:o:qu")) != -1) {
		switch (c) {
		case 'f': o.format = optarg; break;
		case 'b': o.backing = optarg; break;
		case 'F': o.backing_fmt = optarg; break;
		case 'o':
			if (img_parse_create_opts(optarg, &o))
				return 1;
			break;
		case 'q': case 'u': break;
		default: return img_error("create: bad option (see --help)");
		}
	}
	if (optind >= argc || argc - optind > 2)
		return img_error("create: expects FILE [SIZE]");
	if (argc - optind == 2 && img_parse_size(argv[optind + 1], &o.size) < 0)
		return img_error("create: invalid size '%s'", argv[optind + 1]);
	if (argc - optind == 1 && !o.backing && !o.size)
		return img_error("create: SIZE is required without a backing file");
	print_formatting(argv[optind], &o);
	if (blk_create(argv[optind], &o, &err) < 0)
		return img_error("%s", err.msg);
	return 0;
}

static bool all_zero(const uint8_t *p, size_t n)
{
	for (size_t i = 0; i < n; i++)
		if (p[i])
			return false;
	return true;
}

/* Copies [pos, pos+n) unless it reads as zeroes everywhere in the chain. */
static int copy_range(struct blk *src, struct blk *dst, uint64_t pos, size_t n,
		      uint8_t *buf)
{
	int rc = blk_pread(src, pos, buf, n);
	if (rc < 0)
		return img_error("reading %s: %s", blk_path(src), blk_last_error(src));
	for (size_t g = 0; g < n; g += CONVERT_GRAIN) {
		size_t m = n - g < CONVERT_GRAIN ? n - g : CONVERT_GRAIN;
		if (all_zero(buf + g, m))
			continue;
		if (blk_pwrite(dst, pos + g, buf + g, m, 0) < 0)
			return img_error("writing %s: %s", blk_path(dst),
					 blk_last_error(dst));
	}
	return 0;
}

static int copy_image(struct blk *src, struct blk *dst)
{
	uint8_t *buf = malloc(CONVERT_CHUNK);
	uint64_t pos = 0, size = blk_size(src);
	int rc = 0;

	if (!buf)
		return img_error("out of memory");
	while (pos < size && rc == 0) {
		struct blk_extent ext;
		size_t n = size - pos < CONVERT_CHUNK ? (size_t)(size - pos) : CONVERT_CHUNK;
		if (blk_block_status(src, pos, n, &ext) < 0) {
			rc = img_error("%s", blk_last_error(src));
			break;
		}
		bool skip = ext.kind == BLK_EXTENT_ZERO ||
			    (ext.kind == BLK_EXTENT_UNALLOCATED && !blk_backing(src));
		if (ext.length < n)
			n = (size_t)ext.length;
		if (!skip)
			rc = copy_range(src, dst, pos, n, buf);
		pos += n;
	}
	free(buf);
	if (rc == 0 && blk_flush(dst) < 0)
		rc = img_error("flushing %s: %s", blk_path(dst), blk_last_error(dst));
	return rc;
}

int img_convert(int argc, char **argv)
{
	struct blk_create_opts o = { .format = NULL };
	const char *in_fmt = NULL;
	struct blk_error err;
	struct blk *src, *dst;
	int c;

	optind = 1;
	while ((c = getopt(argc, argv, "f:O:o:pqU")) != -1) {
		switch (c) {
		case 'f': in_fmt = optarg; break;
		case 'O': o.format = optarg; break;
		case 'o':
			if (img_parse_create_opts(optarg, &o))
				return 1;
			break;
		case 'p': case 'q': case 'U': break;
		default: return img_error("convert: bad option (see --help)");
		}
	}
	if (!o.format)
		o.format = "raw";
	if (argc - optind != 2)
		return img_error("convert: expects SRC DST");
	if (blk_open(&src, argv[optind], in_fmt, BLK_OPEN_RDONLY, &err) < 0)
		return img_error("%s", err.msg);
	o.size = blk_size(src);
	o.backing = o.backing_fmt = NULL;
	if (blk_create(argv[optind + 1], &o, &err) < 0 ||
	    blk_open(&dst, argv[optind + 1], o.format, 0, &err) < 0) {
		blk_close(src);
		return img_error("%s", err.msg);
	}
	int rc = 0;
	if (blk_size(dst) < blk_size(src))
		rc = img_error("%s: %s cannot hold %llu bytes exactly", argv[optind + 1],
			       o.format, (unsigned long long)blk_size(src));
	else
		rc = copy_image(src, dst);
	blk_close(dst);
	blk_close(src);
	return rc;
}
