/* hv/common/cmdline.c: every option type, and every way an option is bad. */
#include <string.h>
#include "check.h"
#include "param.h"

static bool flag_a = false, flag_b = true;
static uint32_t count;
static uint8_t small;
static uint64_t mem_size;
static char name[8];
static char custom_seen[32];

static const char *parse_custom(const char *v, size_t len)
{
	if (len == 3 && !strncmp(v, "bad", 3))
		return "custom says no";
	memcpy(custom_seen, v, len);
	custom_seen[len] = 0;
	return NULL;
}

static const struct hv_param params[] = {
	{ "flag_a", PARAM_BOOL, &flag_a, sizeof(flag_a), NULL },
	{ "flag_b", PARAM_BOOL, &flag_b, sizeof(flag_b), NULL },
	{ "count", PARAM_UINT, &count, sizeof(count), NULL },
	{ "small", PARAM_UINT, &small, sizeof(small), NULL },
	{ "mem", PARAM_SIZE, &mem_size, sizeof(mem_size), NULL },
	{ "name", PARAM_STRING, name, sizeof(name), NULL },
	{ "custom", PARAM_CUSTOM, custom_seen, 0, parse_custom },
};

static char reports[1024];

static void report(const char *opt, size_t len, const char *why)
{
	size_t used = strlen(reports);
	snprintf(reports + used, sizeof(reports) - used, "[%.*s: %s]", (int)len, opt, why);
}

static int parse(const char *line)
{
	reports[0] = 0;
	return cmdline_parse(line, params, params + sizeof(params) / sizeof(params[0]), report);
}

int main(void)
{
	int bad = parse("/boot/bastion.elf flag_a no-flag_b count=0x10 small=200 mem=512M name=hv custom=ok");
	CHECK(bad == 0 && flag_a && !flag_b && count == 16 && small == 200 && mem_size == (512ull << 20) &&
		      !strcmp(name, "hv") && !strcmp(custom_seen, "ok"),
	      "cmdline: every type parses; the image name is skipped (%s)", reports);

	bad = parse("  flag_a=off   count=7\tmem=4k ");
	CHECK(bad == 0 && !flag_a && count == 7 && mem_size == 4096, "cmdline: blanks and tabs, off, K suffix");

	bad = parse("bogus=1 count=12abc small=256 flag_a=maybe name=waytoolong custom=bad no-count count");
	CHECK(bad == 8, "cmdline: eight bad options are all reported (%d): %s", bad, reports);
	CHECK(strstr(reports, "[bogus=1: unknown option]") != NULL, "cmdline: unknown option named in the report");
	CHECK(strstr(reports, "[count=12abc: expected a number]") != NULL, "cmdline: bad number named");
	CHECK(strstr(reports, "[small=256: out of range]") != NULL, "cmdline: value too big for its variable");
	CHECK(strstr(reports, "[name=waytoolong: value too long]") != NULL, "cmdline: string overflow refused");
	CHECK(strstr(reports, "[custom=bad: custom says no]") != NULL, "cmdline: custom parser's reason passed on");
	CHECK(strstr(reports, "[no-count: only a boolean") != NULL, "cmdline: no- prefix only for booleans");
	CHECK(count == 7 && small == 200 && !strcmp(name, "hv"), "cmdline: rejected options leave values unchanged");

	bad = parse("count=99999999999999999999 mem=16E mem=");
	CHECK(bad == 3 && count == 7, "cmdline: overflowing numbers and empty values are refused");
	CHECK(parse(NULL) == 0 && parse("") == 0, "cmdline: empty and missing command lines are fine");
	return check_exit();
}
