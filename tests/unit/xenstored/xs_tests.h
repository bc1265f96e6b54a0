/*
 * xs_tests.h - shared pieces of the xenstored protocol tests: one
 * "PASS: <what>" or "FAIL: <what> - <why>" line per check.
 */
#ifndef XS_TESTS_H
#define XS_TESTS_H

#include <stdio.h>
#include <string.h>

#include "xs_test_client.h"

extern int xst_failures;
extern const char *xst_socket_path;
extern const char *xst_ring_dir;

#define CHECK(cond, what, ...)                                               \
	do {                                                                 \
		if (cond) {                                                  \
			printf("PASS: %s\n", what);                          \
		} else {                                                     \
			printf("FAIL: %s - ", what);                         \
			printf(__VA_ARGS__);                                 \
			printf("\n");                                        \
			xst_failures++;                                      \
		}                                                            \
		fflush(stdout);                                              \
	} while (0)

/* err must equal want (0 or an errno). */
#define CHECK_ERR(err, want, what)                                           \
	do {                                                                 \
		int e_ = (err);                                              \
		CHECK(e_ == (want), what, "got %s, want %s", strerror(e_),   \
		      strerror(want));                                       \
	} while (0)

void xst_must_open(struct xst *c);
void test_protocol_all(void);
void test_ring_all(void);
void test_robust_all(void);

#endif
