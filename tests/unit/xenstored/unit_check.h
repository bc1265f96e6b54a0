/*
 * unit_check.h - the one-line check of xenstored's host unit tests:
 * prints PASS or FAIL with the condition and its line, and counts a
 * failure in the including file's own `failures`.
 */
#ifndef XS_UNIT_CHECK_H
#define XS_UNIT_CHECK_H

#include <stdio.h>

#define CHECK(cond, what)                                                    \
	do {                                                                 \
		if (cond)                                                    \
			printf("PASS: %s\n", what);                          \
		else {                                                       \
			printf("FAIL: %s - %s is false (line %d)\n", what,  \
			       #cond, __LINE__);                             \
			failures++;                                          \
		}                                                            \
	} while (0)

#endif
