/*
 * bx_tests.h - the libbx and xl host tests (suite test-bx-unit).  Each
 * area returns non-zero if any of its checks failed; checks print
 * PASS:/FAIL: lines (tests/unit/hv/check.h).
 */
#ifndef BX_TESTS_H
#define BX_TESTS_H

int test_hcall(void);
int test_fmt(void);
/* Needs $BX_TEST_SOCKET: a running xenstored's socket. */
int test_xs(void);

#endif
