/*
 * The pv suites' checks, in the house style of tests/unit/hv/check.h:
 * each CHECK prints "PASS: what" or "FAIL: what - expected ...", and the
 * suite ends with "N passed, N failed".  Counters are shared by every file
 * of the suite (test_main.c holds them).
 */
#ifndef BASTION_TEST_PV_CHECK_H
#define BASTION_TEST_PV_CHECK_H

int pv_check_report(int ok, const char *expr, const char *file, int line,
		    const char *fmt, ...) __attribute__((format(printf, 5, 6)));

#define CHECK(cond, ...) pv_check_report(!!(cond), #cond, __FILE__, __LINE__, __VA_ARGS__)

void test_blkif(const char *tmpdir);
void test_blkif_pgrant(void);
void test_grant_budget(void);
void test_xenbus(const char *tmpdir);
void test_netif(void);
void test_net_slirp(void);
void test_netback_mq(void);
void test_consif(void);
void test_consback(const char *tmpdir);

#endif
