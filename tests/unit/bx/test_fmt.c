/*
 * test_fmt.c - xl's text helpers (appliance/xl/xl_fmt.c) against the
 * strings Xen 4.17's xl prints and accepts: CPU maps, CPU ranges, memory
 * sizes, uptimes and the state column of xl list.
 */
#include <string.h>

#include "bx_tests.h"
#include "check.h"
#include "xl.h"

static void check_bitmap(const char *bits, const char *want)
{
	uint8_t map[8] = { 0 };
	int n = (int)strlen(bits);
	char out[64];

	for (int i = 0; i < n; i++)
		if (bits[i] == '1')
			map[i / 8] |= (uint8_t)(1u << (i % 8));
	xl_format_bitmap(map, n, out, sizeof(out));
	CHECK(strcmp(out, want) == 0, "CPU map %s prints as \"%s\" (got \"%s\")", bits, want, out);
}

static void check_range(const char *spec, int nr, uint32_t want, int want_rc)
{
	uint8_t map[4];
	uint32_t got;
	int rc = xl_parse_cpurange(spec, map, nr);

	got = map[0] | (uint32_t)map[1] << 8 | (uint32_t)map[2] << 16 | (uint32_t)map[3] << 24;
	CHECK(rc == want_rc && (rc < 0 || got == want),
	      "CPU range \"%s\" of %d CPUs parses to %#x (got %#x, rc %d)", spec, nr, want, got, rc);
}

static void check_mem(const char *text, int64_t want)
{
	int64_t got = xl_parse_mem_kb(text);

	CHECK(got == want, "memory size \"%s\" is %lld KiB (got %lld)", text, (long long)want,
	      (long long)got);
}

static void check_uptime(unsigned long secs, bool short_mode, const char *want)
{
	char out[64];

	xl_format_uptime(secs, short_mode, out, sizeof(out));
	CHECK(strcmp(out, want) == 0, "uptime %lus%s prints as \"%s\" (got \"%s\")", secs,
	      short_mode ? " (short)" : "", want, out);
}

static void check_state(uint32_t flags, const char *want)
{
	char out[7];

	xl_format_state(flags, out);
	CHECK(strcmp(out, want) == 0, "domain flags %#x show as %s (got %s)", flags, want, out);
}

int test_fmt(void)
{
	check_bitmap("11", "all");
	check_bitmap("00", "none");
	check_bitmap("01", "1");
	check_bitmap("10", "0");
	check_bitmap("1101", "0-1,3");
	check_bitmap("0111", "1-3");
	check_bitmap("11111111110", "0-9");
	check_bitmap("1010101010", "0,2,4,6,8");
	check_range("1", 2, 0x2, 0);
	check_range("all", 4, 0xf, 0);
	check_range("0-3,^2", 8, 0xb, 0);
	check_range("2,4-5", 8, 0x34, 0);
	check_range("4", 2, 0, -1);
	check_range("1-x", 8, 0, -1);
	check_range("", 8, 0, -1);
	check_mem("256", 262144);
	check_mem("256m", 262144);
	check_mem("1G", 1048576);
	check_mem("512k", 512);
	check_mem("4096b", 4);
	check_mem("1t", 1073741824LL);
	check_mem("12mb", -1);
	check_mem("x", -1);
	check_uptime(59, false, " 0:00:59");
	check_uptime(3 * 3600 + 7 * 60 + 5, false, " 3:07:05");
	check_uptime(86400 + 60, false, "1 day,  0:01:00");
	check_uptime(3 * 86400 + 11 * 3600 + 60, true, "3 days, 11:01");
	check_state(XEN_DOMINF_running, "r-----");
	check_state(XEN_DOMINF_blocked | XEN_DOMINF_paused, "-bp---");
	check_state(XEN_DOMINF_shutdown | (1u << XEN_DOMINF_shutdownshift), "---sr-");
	check_state(XEN_DOMINF_shutdown | (3u << XEN_DOMINF_shutdownshift) | XEN_DOMINF_dying, "---scd");
	check_state(XEN_DOMINF_shutdown | (9u << XEN_DOMINF_shutdownshift), "---s?-");
	CHECK(strcmp(xl_scheduler_name(XEN_SCHEDULER_CREDIT2), "credit2") == 0 &&
	      xl_scheduler_name(1) == NULL, "scheduler 6 is credit2, 1 has no name");
	return check_exit();
}
