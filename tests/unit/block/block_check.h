/*
 * CHECK for the block suite's files other than test_block.c: prints
 * "PASS: what" or "FAIL: what" and counts failures in test_block.c's
 * counter, which the file's entry point is handed and stores in fails.
 */
#ifndef BASTION_TEST_BLOCK_CHECK_H
#define BASTION_TEST_BLOCK_CHECK_H

#include <stdbool.h>
#include <stdio.h>

static int *fails;

#define CHECK(cond, ...)                                      \
	do {                                                  \
		bool ok_ = (cond);                            \
		printf(ok_ ? "PASS: " : "FAIL: ");            \
		printf(__VA_ARGS__);                          \
		printf("\n");                                 \
		fflush(stdout);                               \
		if (!ok_)                                     \
			(*fails)++;                           \
	} while (0)

#endif
