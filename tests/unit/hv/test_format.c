/* hv/common/format.c against glibc's snprintf, conversion by conversion. */
#include <limits.h>
#include <stdint.h>
#include <string.h>
#include "check.h"
#include "lib.h"

static int cases, mismatches;

#define SAME(fmt, ...)                                                                        \
	do {                                                                                  \
		char ours[128], libc[128];                                                    \
		int n1 = fmt_snprintf(ours, sizeof(ours), fmt, __VA_ARGS__);                  \
		int n2 = snprintf(libc, sizeof(libc), fmt, __VA_ARGS__);                      \
		cases++;                                                                      \
		if (n1 != n2 || strcmp(ours, libc)) {                                         \
			mismatches++;                                                         \
			printf("  mismatch for \"%s\": ours \"%s\" (%d), libc \"%s\" (%d)\n", \
			       fmt, ours, n1, libc, n2);                                      \
		}                                                                             \
	} while (0)

static void integers(void)
{
	SAME("%d %d %d", 0, -1, 42);
	SAME("%d %i", INT_MIN, INT_MAX);
	SAME("%u %x %X %o", 4000000000u, 0xdeadbeefu, 0xabcdefu, 0777u);
	SAME("%#x %#X %#o %#x", 255u, 255u, 8u, 0u);
	SAME("[%08x] [%-8d] [%+d] [% d] [%5d]", 0x1234u, -17, 5, 5, -3);
	SAME("[%.5d] [%8.3d] [%-8.3x] [%.0d]", 42, -7, 0xfu, 0);
	SAME("%lu %ld %lx", (unsigned long)UINT64_MAX, (long)INT64_MIN, 0x123456789abcdefUL);
	SAME("%llu %lld %llx", 18446744073709551615ull, -9223372036854775807ll - 1, 1ull << 63);
	SAME("%zu %zx", (size_t)123456789, (size_t)0xfff);
	SAME("%hhd %hhu %hd %hu", -1, 255, -32768, 65535);
	SAME("[%*d] [%-*d] [%*d]", 6, 12, 6, 12, -6, 12);
	SAME("%016lx|%-16lx|", 0xffffffff81000000UL, 0x10UL);
}

static void strings_and_chars(void)
{
	SAME("[%s] [%10s] [%-10s] [%.3s] [%.*s]", "hv", "right", "left", "truncate", 2, "ab");
	SAME("[%c] [%3c] [%-3c] %%", 'x', 'y', 'z');
	SAME("%s=%d;", "key", 7);
	SAME("%p", (void *)0x1234);
	SAME("no conversions at all%s", "");
}

static void truncation(void)
{
	char buf[6] = "xxxxx";
	int n = fmt_snprintf(buf, sizeof(buf), "%s", "bastion");
	CHECK(n == 7 && !strcmp(buf, "basti"), "format: truncated output is terminated and the full length returned");
	n = fmt_snprintf(buf, 0, "%d", 12345);
	CHECK(n == 5 && buf[0] == 'b', "format: size 0 writes nothing and returns the length");
}

int main(void)
{
	integers();
	strings_and_chars();
	CHECK(mismatches == 0 && cases > 15, "format: %d printf cases agree with glibc (%d differ)", cases, mismatches);
	truncation();
	return check_exit();
}
