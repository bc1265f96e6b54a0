/*
 * CPULIST strings of cpus= and cpus_soft= (docs/man/xl.cfg.5.pod.in,
 * tools/xl/xl_parse.c update_cpumap_range): comma-separated items, each
 * "all", a CPU "N" or a range "N-M", a leading "^" removing instead of
 * adding; items apply left to right and empty items are skipped.  NUMA
 * forms ("node:N", "nodes:N-M") need the host's topology and are refused.
 */
#include <ctype.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "cfg.h"

static void cpumap_change(struct xl_cpumap *map, unsigned long first, unsigned long last,
			  bool remove)
{
	unsigned long cpu;

	for (cpu = first; cpu <= last; cpu++) {
		uint64_t bit = UINT64_C(1) << (cpu % 64);

		if (remove)
			map->bits[cpu / 64] &= ~bit;
		else
			map->bits[cpu / 64] |= bit;
	}
}

/* Reads "N" or "N-M" (decimal, whole item) into first/last. */
static int read_range(const char *item, size_t len, unsigned long *first, unsigned long *last)
{
	const char *end = item + len;
	char *stop;

	if (!len || !isdigit((unsigned char)item[0]))
		return -1;
	errno = 0;
	*first = *last = strtoul(item, &stop, 10);
	if (stop < end && *stop == '-') {
		const char *second = stop + 1;

		if (second >= end || !isdigit((unsigned char)*second))
			return -1;
		*last = strtoul(second, &stop, 10);
	}
	return (stop == end && errno == 0 && *last >= *first) ? 0 : -1;
}

static int apply_item(const char *item, size_t len, struct xl_cpumap *map, char *why,
		      size_t why_len)
{
	bool remove = len && item[0] == '^';
	unsigned long first, last;

	item += remove;
	len -= remove;
	if ((len >= 5 && !strncmp(item, "node:", 5)) || (len >= 6 && !strncmp(item, "nodes:", 6))) {
		snprintf(why, why_len, "NUMA node ranges (\"%.*s\") are not supported", (int)len, item);
		return -1;
	}
	if (len == 3 && !strncmp(item, "all", 3)) {
		if (remove) {
			snprintf(why, why_len, "\"^all\" is not allowed");
			return -1;
		}
		cpumap_change(map, 0, XL_CFG_MAX_CPUS - 1, false);
		return 0;
	}
	if (read_range(item, len, &first, &last) < 0) {
		snprintf(why, why_len, "invalid CPU range \"%.*s\"", (int)len, item);
		return -1;
	}
	if (last >= XL_CFG_MAX_CPUS) {
		snprintf(why, why_len, "CPU %lu is beyond the %d supported", last, XL_CFG_MAX_CPUS);
		return -1;
	}
	cpumap_change(map, first, last, remove);
	return 0;
}

int xl_cpulist_parse(const char *text, struct xl_cpumap *map, char *why, size_t why_len)
{
	const char *item = text;
	size_t i;

	memset(map, 0, sizeof(*map));
	while (*item) {
		size_t len = strcspn(item, ",");

		if (len && apply_item(item, len, map, why, why_len) < 0)
			return -1;
		item += len + (item[len] == ',');
	}
	for (i = 0; i < XL_CFG_MAX_CPUS / 64; i++)
		if (map->bits[i])
			return 0;
	snprintf(why, why_len, "\"%s\" selects no CPU", text);
	return -1;
}
