/*
 * bastion-img entry point: dispatches subcommands from a table and holds
 * the helpers they share (sizes, JSON strings, -o options, errors).  The
 * command names, options and exit codes follow qemu-img's manual so
 * scripts written for qemu-img work unchanged on the subset we offer.
 */
#include <errno.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

#include "img.h"

struct img_cmd {
	const char *name;
	int (*run)(int argc, char **argv);
	const char *usage;
};

static const struct img_cmd img_cmds[] = {
	{ "info", img_info, "info [-f fmt] [--output=human|json] [--backing-chain] FILE" },
	{ "create", img_create, "create -f raw|qcow2|vhd [-b backing [-F fmt]] "
	  "[-o cluster_size=N,compat=0.10|1.1,subformat=fixed|dynamic] FILE [SIZE]" },
	{ "check", img_check, "check [-f fmt] [--output=human|json] FILE" },
	{ "convert", img_convert, "convert [-f fmt] -O fmt [-o options] SRC DST" },
	{ "map", img_map, "map [-f fmt] [--output=human|json] FILE" },
	{ "bench", img_bench, "bench [-c count] [-d depth] [-f fmt] [-o offset] "
	  "[-s size] [-S step] [-w] [--random] [--seed=N] [--pattern=N] "
	  "[--flush-interval=N] FILE" },
};

int img_error(const char *fmt, ...)
{
	va_list ap;

	fputs("bastion-img: ", stderr);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
	return 1;
}

int img_parse_size(const char *s, uint64_t *out)
{
	char *end;
	errno = 0;
	unsigned long long v = strtoull(s, &end, 10);
	unsigned shift = 0;

	if (errno || end == s || s[0] == '-')
		return -1;
	switch (*end) {
	case '\0': break;
	case 'b': case 'B': end++; break;
	case 'k': case 'K': shift = 10; end++; break;
	case 'm': case 'M': shift = 20; end++; break;
	case 'g': case 'G': shift = 30; end++; break;
	case 't': case 'T': shift = 40; end++; break;
	case 'p': case 'P': shift = 50; end++; break;
	default: return -1;
	}
	if (*end || (shift && v > (UINT64_MAX >> shift)))
		return -1;
	*out = (uint64_t)v << shift;
	return 0;
}

void img_json_str(FILE *f, const char *s)
{
	fputc('"', f);
	for (const unsigned char *p = (const unsigned char *)s; *p; p++) {
		if (*p == '"' || *p == '\\')
			fprintf(f, "\\%c", *p);
		else if (*p < 0x20)
			fprintf(f, "\\u%04x", *p);
		else
			fputc(*p, f);
	}
	fputc('"', f);
}

int img_parse_create_opts(char *opts, struct blk_create_opts *o)
{
	for (char *save = NULL, *kv = strtok_r(opts, ",", &save); kv;
	     kv = strtok_r(NULL, ",", &save)) {
		char *val = strchr(kv, '=');
		uint64_t n;
		if (!val)
			return img_error("option '%s' needs a value", kv);
		*val++ = '\0';
		if (!strcmp(kv, "cluster_size") && img_parse_size(val, &n) == 0 &&
		    n <= UINT32_MAX)
			o->cluster_size = (uint32_t)n;
		else if (!strcmp(kv, "compat") && (!strcmp(val, "0.10") || !strcmp(val, "v2")))
			o->qcow2_version = 2;
		else if (!strcmp(kv, "compat") && (!strcmp(val, "1.1") || !strcmp(val, "v3")))
			o->qcow2_version = 3;
		else if (!strcmp(kv, "subformat") && !strcmp(val, "fixed"))
			o->vhd_fixed = true;
		else if (!strcmp(kv, "subformat") && !strcmp(val, "dynamic"))
			o->vhd_fixed = false;
		else if (!strcmp(kv, "size") && img_parse_size(val, &n) == 0)
			o->size = n;
		else if (!strcmp(kv, "backing_file"))
			o->backing = val;
		else if (!strcmp(kv, "backing_fmt"))
			o->backing_fmt = val;
		else
			return img_error("unsupported option %s=%s", kv, val);
	}
	return 0;
}

static void usage(FILE *f)
{
	fprintf(f, "usage: bastion-img COMMAND [options]\n");
	for (size_t i = 0; i < sizeof(img_cmds) / sizeof(img_cmds[0]); i++)
		fprintf(f, "  %s\n", img_cmds[i].usage);
}

int main(int argc, char **argv)
{
	if (argc < 2 || !strcmp(argv[1], "--help") || !strcmp(argv[1], "-h")) {
		usage(argc < 2 ? stderr : stdout);
		return argc < 2;
	}
	for (size_t i = 0; i < sizeof(img_cmds) / sizeof(img_cmds[0]); i++)
		if (!strcmp(argv[1], img_cmds[i].name))
			return img_cmds[i].run(argc - 1, argv + 1);
	img_error("unknown command '%s'", argv[1]);
	usage(stderr);
	return 1;
}
