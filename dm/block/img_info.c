/*
 * bastion-img info, check and map: read-only views of an image.  Output
 * keys and layout follow qemu-img's (human and --output=json), and check
 * uses qemu-img's exit codes: 0 clean, 2 corruptions, 3 only leaks,
 * 1 the check itself could not run.
 */
#include <getopt.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "img.h"

struct view_opts {
	const char *fmt;
	bool json;
	bool chain;
	const char *file;
};

static int parse_view(int argc, char **argv, struct view_opts *v)
{
	static const struct option longopts[] = {
		{ "output", required_argument, NULL, 'O' },
		{ "backing-chain", no_argument, NULL, 'B' },
		{ NULL, 0, NULL, 0 },
	};
	int c;

	memset(v, 0, sizeof(*v));
	optind = 1;
	while ((c = getopt_long(argc, argv, "f:U", longopts, NULL)) != -1) {
		if (c == 'f')
			v->fmt = optarg;
		else if (c == 'O' && !strcmp(optarg, "json"))
			v->json = true;
		else if (c == 'O' && !strcmp(optarg, "human"))
			v->json = false;
		else if (c == 'B')
			v->chain = true;
		else if (c != 'U')
			return img_error("%s: bad option (see --help)", argv[0]);
	}
	if (optind != argc - 1)
		return img_error("%s: expects exactly one FILE", argv[0]);
	v->file = argv[optind];
	return 0;
}

static void full_backing(const struct blk *b, char *out, size_t len)
{
	const char *name = blk_backing_name(b), *slash = strrchr(blk_path(b), '/');

	if (name[0] == '/' || !slash)
		snprintf(out, len, "%s", name);
	else
		snprintf(out, len, "%.*s/%s", (int)(slash - blk_path(b)), blk_path(b), name);
}

static void info_json(struct blk *b)
{
	struct stat st;
	char full[4096];
	unsigned long long actual = stat(blk_path(b), &st) == 0 ?
				    (unsigned long long)st.st_blocks * 512 : 0;

	printf("{\n    \"virtual-size\": %llu,\n    \"filename\": ",
	       (unsigned long long)blk_size(b));
	img_json_str(stdout, blk_path(b));
	if (blk_cluster_size(b))
		printf(",\n    \"cluster-size\": %u", blk_cluster_size(b));
	printf(",\n    \"format\": ");
	img_json_str(stdout, blk_format(b));
	printf(",\n    \"actual-size\": %llu", actual);
	if (blk_backing_name(b)) {
		full_backing(b, full, sizeof(full));
		printf(",\n    \"backing-filename\": ");
		img_json_str(stdout, blk_backing_name(b));
		printf(",\n    \"full-backing-filename\": ");
		img_json_str(stdout, full);
		if (blk_backing_format(b)) {
			printf(",\n    \"backing-filename-format\": ");
			img_json_str(stdout, blk_backing_format(b));
		}
	}
	printf(",\n    \"dirty-flag\": false\n}");
}

static void info_human(struct blk *b)
{
	struct stat st;
	char full[4096];

	printf("image: %s\nfile format: %s\nvirtual size: %llu bytes\n",
	       blk_path(b), blk_format(b), (unsigned long long)blk_size(b));
	if (stat(blk_path(b), &st) == 0)
		printf("disk size: %llu bytes\n", (unsigned long long)st.st_blocks * 512);
	if (blk_cluster_size(b))
		printf("cluster_size: %u\n", blk_cluster_size(b));
	if (blk_backing_name(b)) {
		full_backing(b, full, sizeof(full));
		printf("backing file: %s (actual path: %s)\n", blk_backing_name(b), full);
		if (blk_backing_format(b))
			printf("backing file format: %s\n", blk_backing_format(b));
	}
}

int img_info(int argc, char **argv)
{
	struct view_opts v;
	struct blk_error err;
	struct blk *b;

	if (parse_view(argc, argv, &v))
		return 1;
	unsigned flags = BLK_OPEN_RDONLY | (v.chain ? 0 : BLK_OPEN_NO_BACKING);
	if (blk_open(&b, v.file, v.fmt, flags, &err) < 0)
		return img_error("%s", err.msg);
	if (v.json && v.chain)
		printf("[\n");
	for (struct blk *l = b; l; l = v.chain ? blk_backing(l) : NULL) {
		if (v.json) {
			info_json(l);
			printf(v.chain && blk_backing(l) ? ",\n" : "\n");
		} else {
			info_human(l);
			if (v.chain && blk_backing(l))
				printf("\n");
		}
	}
	if (v.json && v.chain)
		printf("]\n");
	blk_close(b);
	return 0;
}

int img_check(int argc, char **argv)
{
	struct view_opts v;
	struct blk_error err;
	struct blk_check_result r;
	struct blk *b;

	if (parse_view(argc, argv, &v))
		return 1;
	if (blk_open(&b, v.file, v.fmt, BLK_OPEN_RDONLY | BLK_OPEN_NO_BACKING, &err) < 0)
		return img_error("%s", err.msg);
	int rc = blk_check(b, &r);
	if (rc < 0) {
		img_error("%s: check failed: %s", v.file,
			  r.first_problem[0] ? r.first_problem : strerror(-rc));
		blk_close(b);
		return 1;
	}
	if (v.json) {
		printf("{\n    \"image-end-offset\": %llu,\n    \"total-clusters\": %llu,\n"
		       "    \"check-errors\": 0,\n    \"leaks\": %llu,\n"
		       "    \"corruptions\": %llu,\n    \"filename\": ",
		       (unsigned long long)r.image_end_offset,
		       (unsigned long long)r.total_clusters,
		       (unsigned long long)r.leaks, (unsigned long long)r.corruptions);
		img_json_str(stdout, v.file);
		printf(",\n    \"format\": ");
		img_json_str(stdout, blk_format(b));
		printf("\n}\n");
	} else if (r.corruptions) {
		printf("%llu errors were found on the image.\nFirst: %s\n",
		       (unsigned long long)r.corruptions, r.first_problem);
	} else if (r.leaks) {
		printf("%llu leaked clusters were found on the image.\nFirst: %s\n",
		       (unsigned long long)r.leaks, r.first_problem);
	} else {
		printf("No errors were found on the image.\n%llu/%llu clusters allocated."
		       "\nImage end offset: %llu\n",
		       (unsigned long long)r.allocated_clusters,
		       (unsigned long long)r.total_clusters,
		       (unsigned long long)r.image_end_offset);
	}
	blk_close(b);
	return r.corruptions ? 2 : r.leaks ? 3 : 0;
}

struct map_entry {
	uint64_t start, length, offset;
	int depth;
	bool present, zero, data, has_offset;
	const char *file;
};

/* Resolves [pos, pos+len) down the chain to the layer that decides it. */
static int map_resolve(struct blk *top, uint64_t pos, uint64_t len,
		       struct map_entry *e)
{
	struct blk *l = top;
	struct blk_extent ext;

	memset(e, 0, sizeof(*e));
	e->start = pos;
	for (;;) {
		int rc = blk_block_status(l, pos, len, &ext);
		if (rc < 0)
			return rc;
		len = ext.length;
		e->file = blk_path(l);
		if (ext.kind != BLK_EXTENT_UNALLOCATED)
			break;
		struct blk *bk = blk_backing(l);
		if (!bk || pos >= blk_size(bk)) {
			e->zero = true;
			e->length = len;
			return 0;
		}
		if (len > blk_size(bk) - pos)
			len = blk_size(bk) - pos;
		l = bk;
		e->depth++;
	}
	e->length = len;
	e->present = true;
	e->zero = ext.kind == BLK_EXTENT_ZERO;
	e->data = !e->zero;
	e->has_offset = ext.has_host_offset;
	e->offset = ext.host_offset;
	return 0;
}

static bool map_merges(const struct map_entry *a, const struct map_entry *b)
{
	return a->depth == b->depth && a->present == b->present &&
	       a->zero == b->zero && a->data == b->data &&
	       a->has_offset == b->has_offset && a->file == b->file &&
	       (!a->has_offset || a->offset + a->length == b->offset);
}

static void map_print(const struct map_entry *e, bool json, bool first)
{
	if (json) {
		printf("%s{ \"start\": %llu, \"length\": %llu, \"depth\": %d,"
		       " \"present\": %s, \"zero\": %s, \"data\": %s",
		       first ? "[" : ",\n", (unsigned long long)e->start,
		       (unsigned long long)e->length, e->depth,
		       e->present ? "true" : "false", e->zero ? "true" : "false",
		       e->data ? "true" : "false");
		if (e->has_offset)
			printf(", \"offset\": %llu", (unsigned long long)e->offset);
		printf("}");
	} else if (e->data && e->has_offset) {
		printf("%#-16llx%#-16llx%#-16llx%s\n", (unsigned long long)e->start,
		       (unsigned long long)e->length, (unsigned long long)e->offset,
		       e->file);
	}
}

int img_map(int argc, char **argv)
{
	struct view_opts v;
	struct blk_error err;
	struct map_entry cur, next;
	struct blk *b;
	bool first = true;
	int rc = 0;

	if (parse_view(argc, argv, &v))
		return 1;
	if (blk_open(&b, v.file, v.fmt, BLK_OPEN_RDONLY, &err) < 0)
		return img_error("%s", err.msg);
	if (!v.json)
		printf("%-16s%-16s%-16s%s\n", "Offset", "Length", "Mapped to", "File");
	uint64_t pos = 0, size = blk_size(b);
	while (pos < size && (rc = map_resolve(b, pos, size - pos, &next)) == 0) {
		if (pos && map_merges(&cur, &next)) {
			cur.length += next.length;
		} else {
			if (pos)
				map_print(&cur, v.json, first), first = false;
			cur = next;
		}
		pos += next.length;
	}
	if (rc == 0 && pos)
		map_print(&cur, v.json, first), first = false;
	if (v.json)
		printf(first ? "[]\n" : "]\n");
	if (rc < 0)
		img_error("%s", blk_last_error(b));
	blk_close(b);
	return rc < 0;
}
