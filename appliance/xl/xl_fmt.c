/*
 * xl_fmt.c - the text xl prints and parses, kept apart from the hypervisor
 * so host tests can check it: CPU bitmaps ("0-3,6", "all", "none"), CPU
 * ranges on the command line, memory sizes with unit suffixes, uptimes and
 * the state letters of xl list.  Formats are those of Xen 4.17's xl
 * (tools/xl/xl_utils.c, xl_info.c, xl_parse.c).
 */
#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "xl.h"

static bool bit_set(const uint8_t *map, int bit)
{
	return map[bit / 8] & (1u << (bit % 8));
}

/* Appends "first" or "first-last" to out, with a comma unless at the start. */
static void put_run(char *out, size_t size, size_t *len, int first, int last)
{
	int n = snprintf(out + *len, size - *len, "%s%d", *len ? "," : "", first);

	if (n > 0)
		*len += (size_t)n < size - *len ? (size_t)n : size - *len - 1;
	if (last > first) {
		n = snprintf(out + *len, size - *len, "-%d", last);
		if (n > 0)
			*len += (size_t)n < size - *len ? (size_t)n : size - *len - 1;
	}
}

void xl_format_bitmap(const uint8_t *map, int nr_bits, char *out, size_t size)
{
	size_t len = 0;
	int start = -1;

	out[0] = '\0';
	for (int i = 0; i <= nr_bits; i++) {
		bool set = i < nr_bits && bit_set(map, i);
		if (set && start < 0)
			start = i;
		if (!set && start >= 0) {
			if (start == 0 && i == nr_bits) {
				snprintf(out, size, "all");
				return;
			}
			put_run(out, size, &len, start, i - 1);
			start = -1;
		}
	}
	if (len == 0)
		snprintf(out, size, "none");
}

static void set_bits(uint8_t *map, int first, int last, bool value)
{
	for (int i = first; i <= last; i++) {
		if (value)
			map[i / 8] |= (uint8_t)(1u << (i % 8));
		else
			map[i / 8] &= (uint8_t)~(1u << (i % 8));
	}
}

/* One comma-separated item: "all", "N", "N-M", optionally "^"-negated. */
static int parse_range_item(const char *item, uint8_t *map, int nr_bits)
{
	bool negate = item[0] == '^';
	const char *p = item + negate;
	char *end;
	long first, last;

	if (strcmp(p, "all") == 0) {
		set_bits(map, 0, nr_bits - 1, !negate);
		return 0;
	}
	if (!isdigit((unsigned char)*p))
		return -1;
	first = last = strtol(p, &end, 10);
	if (*end == '-') {
		if (!isdigit((unsigned char)end[1]))
			return -1;
		last = strtol(end + 1, &end, 10);
	}
	if (*end != '\0' || first > last || last >= nr_bits)
		return -1;
	set_bits(map, (int)first, (int)last, !negate);
	return 0;
}

int xl_parse_cpurange(const char *spec, uint8_t *map, int nr_bits)
{
	char *copy = strdup(spec), *save = NULL, *item;
	int rc = copy && *spec ? 0 : -1;

	memset(map, 0, (size_t)(nr_bits + 7) / 8);
	for (item = copy ? strtok_r(copy, ",", &save) : NULL; item && rc == 0;
	     item = strtok_r(NULL, ",", &save))
		rc = parse_range_item(item, map, nr_bits);
	free(copy);
	return rc;
}

int64_t xl_parse_mem_kb(const char *text)
{
	char *end;
	int64_t kb = strtoll(text, &end, 10);

	if (end == text || strlen(end) > 1)
		return -1;
	switch (tolower((unsigned char)*end)) {
	case 't':
		return kb << 30;
	case 'g':
		return kb << 20;
	case '\0':
	case 'm':
		return kb << 10;
	case 'k':
		return kb;
	case 'b':
		return kb >> 10;
	default:
		return -1;
	}
}

void xl_format_uptime(unsigned long seconds, bool short_mode, char *out, size_t size)
{
	int day = (int)(seconds / 86400), hour = (int)(seconds % 86400 / 3600);
	int min = (int)(seconds % 3600 / 60), sec = (int)(seconds % 60);
	char days[32] = "";

	if (day > 1)
		snprintf(days, sizeof(days), "%d days, ", day);
	else if (day == 1)
		snprintf(days, sizeof(days), "%d day, ", day);
	if (short_mode)
		snprintf(out, size, "%s%2d:%02d", days, hour, min);
	else
		snprintf(out, size, "%s%2d:%02d:%02d", days, hour, min, sec);
}

void xl_format_state(uint32_t flags, char out[7])
{
	static const char reasons[] = "-rscwS";
	unsigned reason = 0;

	if (flags & XEN_DOMINF_shutdown)
		reason = (flags >> XEN_DOMINF_shutdownshift) & XEN_DOMINF_shutdownmask;
	out[0] = flags & XEN_DOMINF_running ? 'r' : '-';
	out[1] = flags & XEN_DOMINF_blocked ? 'b' : '-';
	out[2] = flags & XEN_DOMINF_paused ? 'p' : '-';
	out[3] = flags & XEN_DOMINF_shutdown ? 's' : '-';
	out[4] = reason < sizeof(reasons) - 1 ? reasons[reason] : '?';
	out[5] = flags & XEN_DOMINF_dying ? 'd' : '-';
	out[6] = '\0';
}

const char *xl_scheduler_name(uint32_t sched_id)
{
	switch (sched_id) {
	case XEN_SCHEDULER_CREDIT:
		return "credit";
	case XEN_SCHEDULER_CREDIT2:
		return "credit2";
	case XEN_SCHEDULER_ARINC653:
		return "arinc653";
	case XEN_SCHEDULER_RTDS:
		return "rtds";
	case XEN_SCHEDULER_NULL:
		return "null";
	default:
		return NULL;
	}
}

void xl_uuid_string(const xen_domain_handle_t h, char out[37])
{
	snprintf(out, 37, "%02x%02x%02x%02x-%02x%02x-%02x%02x-%02x%02x-"
		 "%02x%02x%02x%02x%02x%02x", h[0], h[1], h[2], h[3], h[4], h[5],
		 h[6], h[7], h[8], h[9], h[10], h[11], h[12], h[13], h[14], h[15]);
}
