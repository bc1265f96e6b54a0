/*
 * test-pv-unit: host tests of dm/pv - the blkif request engine against a
 * fake frontend over a raw image (test_blkif.c) and its persistent-grant
 * cache (test_blkif_pgrant.c), one guest's grant budget shared by its
 * rings (test_grant_budget.c, and with two engines in test_blkif.c), the netif ring engine
 * against a fake frontend and a socketpair for the tap (test_netif.c), and
 * the xenbus backend state machine against a hash-table xenstore
 * (test_xenbus.c), and the console ring engine against a fake frontend
 * and a socketpair for its peer (test_consif.c), and the console backend
 * type's socket, pty and connection (test_consback.c).
 */
#include <stdarg.h>
#include <stdio.h>
#include <sys/stat.h>

#include "pv_check.h"
#include "pv_log.h"

static int passes, failures;

int pv_check_report(int ok, const char *expr, const char *file, int line,
		    const char *fmt, ...)
{
	va_list ap;

	fputs(ok ? "PASS: " : "FAIL: ", stdout);
	va_start(ap, fmt);
	vprintf(fmt, ap);
	va_end(ap);
	if (ok) {
		passes++;
	} else {
		printf(" - expected %s (%s:%d)", expr, file, line);
		failures++;
	}
	putchar('\n');
	return ok;
}

int main(int argc, char **argv)
{
	FILE *log;

	if (argc != 2) {
		fprintf(stderr, "usage: %s TMPDIR\n", argv[0]);
		return 2;
	}
	mkdir(argv[1], 0755);
	/* The engine's complaints about bad requests go to a file, not stdout. */
	log = fopen("/dev/null", "w");
	pv_log_set(log);
	test_blkif_pgrant();
	test_grant_budget();
	test_blkif(argv[1]);
	test_xenbus(argv[1]);
	test_netif();
	test_net_slirp();
	test_netback_mq();
	test_consif();
	test_consback(argv[1]);
	printf("%d passed, %d failed\n", passes, failures);
	fflush(stdout);
	return failures ? 1 : 0;
}
