/*
 * cmd_mem.c - xl mem-max and mem-set as libxl 4.17 does them: the
 * hypervisor's max_mem gets the size plus LIBXL_MAXMEM_CONSTANT (1 MiB
 * of slack); mem-max records memory/static-max, mem-set writes
 * memory/target (KiB) and /vm/<uuid>/memory (MiB) in one transaction.
 */
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "xl.h"

#define MAXMEM_SLACK_KB 1024

/* A KiB figure from /local/domain/N/memory/<key>, or -1. */
static int64_t read_memory_key(uint32_t domid, uint32_t tx, const char *key)
{
	char path[64], *value, *end;
	int64_t kb = -1;

	snprintf(path, sizeof(path), "/local/domain/%u/memory/%s", domid, key);
	value = bx_xs_read(&xl_xs, tx, path, NULL);
	if (value) {
		kb = (int64_t)strtoull(value, &end, 10);
		if (*end != '\0')
			kb = -1;
	}
	if (kb < 0)
		fprintf(stderr, "xl: domain %u: cannot read %s\n", domid, path);
	free(value);
	return kb;
}

static int write_kb(uint32_t tx, const char *path, uint64_t value)
{
	char text[24];

	snprintf(text, sizeof(text), "%" PRIu64, value);
	return bx_xs_write_str(&xl_xs, tx, path, text);
}

static int set_max(uint32_t domid, int64_t max_kb)
{
	char path[64];
	int64_t target = read_memory_key(domid, 0, "target");

	if (target < 0)
		return -1;
	if (max_kb < target) {
		fprintf(stderr, "xl: domain %u: memory_static_max must be greater than or "
			"equal to memory_dynamic_max\n", domid);
		return -1;
	}
	if (bx_max_mem(&xl_bx, domid, (uint64_t)max_kb + MAXMEM_SLACK_KB) < 0)
		return -1;
	snprintf(path, sizeof(path), "/local/domain/%u/memory/static-max", domid);
	return write_kb(0, path, (uint64_t)max_kb) < 0 ? -1 : 0;
}

int main_memmax(int argc, char **argv)
{
	uint32_t domid;
	int64_t kb;

	while (xl_getopt(argc, argv, "", "mem-max", 2) != -1)
		;
	xl_open();
	domid = xl_find_domain(argv[optind]);
	kb = xl_parse_mem_kb(argv[optind + 1]);
	if (kb == -1) {
		fprintf(stderr, "invalid memory size: %s\n", argv[optind + 1]);
		return EXIT_FAILURE;
	}
	if (set_max(domid, kb) < 0) {
		fprintf(stderr, "cannot set domid %u static max memory to : %s\n", domid,
			argv[optind + 1]);
		return EXIT_FAILURE;
	}
	return EXIT_SUCCESS;
}

struct target_args {
	uint32_t domid;
	int64_t target_kb;
};

static int set_target_in(struct bx_xs *xs, uint32_t tx, void *arg)
{
	struct target_args *t = arg;
	struct xen_domctl_getdomaininfo info;
	int64_t max = read_memory_key(t->domid, tx, "static-max");
	char path[64], uuid[37];
	int rc;

	(void)xs;
	if (max < 0)
		return -ENOENT;
	if (t->target_kb > max) {
		fprintf(stderr, "xl: domain %u: memory_dynamic_max must be less than or "
			"equal to memory_static_max\n", t->domid);
		return -EINVAL;
	}
	rc = bx_max_mem(&xl_bx, t->domid, (uint64_t)t->target_kb + MAXMEM_SLACK_KB);
	snprintf(path, sizeof(path), "/local/domain/%u/memory/target", t->domid);
	if (rc >= 0)
		rc = write_kb(tx, path, (uint64_t)t->target_kb);
	if (rc >= 0)
		rc = bx_getdomaininfo(&xl_bx, t->domid, &info);
	if (rc < 0)
		return rc;
	xl_uuid_string(info.handle, uuid);
	snprintf(path, sizeof(path), "/vm/%s/memory", uuid);
	return write_kb(tx, path, (uint64_t)t->target_kb / 1024);
}

int main_memset(int argc, char **argv)
{
	struct target_args t;

	while (xl_getopt(argc, argv, "", "mem-set", 2) != -1)
		;
	xl_open();
	t.domid = xl_find_domain(argv[optind]);
	t.target_kb = xl_parse_mem_kb(argv[optind + 1]);
	if (t.target_kb == -1) {
		fprintf(stderr, "invalid memory size: %s\n", argv[optind + 1]);
		return EXIT_FAILURE;
	}
	if (bx_xs_transaction(&xl_xs, set_target_in, &t, 10) < 0) {
		fprintf(stderr, "cannot set domid %u dynamic max memory to : %s\n", t.domid,
			argv[optind + 1]);
		return EXIT_FAILURE;
	}
	return EXIT_SUCCESS;
}
