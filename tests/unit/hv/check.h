/*
 * Minimal host test harness for hv logic: each CHECK prints one
 * "PASS: ..." or "FAIL: ... - why" line; check_exit() gives the status.
 */
#ifndef BASTION_TEST_CHECK_H
#define BASTION_TEST_CHECK_H

#include <stdarg.h>
#include <stdio.h>

static int check_failures;

__attribute__((format(printf, 5, 6))) static int check_report(int ok, const char *expr,
							       const char *file, int line,
							       const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	fputs(ok ? "PASS: " : "FAIL: ", stdout);
	vprintf(fmt, ap);
	va_end(ap);
	if (!ok) {
		printf(" - expected %s (%s:%d)", expr, file, line);
		check_failures++;
	}
	putchar('\n');
	return ok;
}

#define CHECK(cond, ...) check_report(!!(cond), #cond, __FILE__, __LINE__, __VA_ARGS__)

static inline int check_exit(void)
{
	fflush(stdout);
	return check_failures ? 1 : 0;
}

#endif
