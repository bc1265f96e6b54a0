/* test_main.c - runs every area of the libbx/xl host tests. */
#include <stdio.h>

#include "bx_tests.h"

int main(void)
{
	int failed = 0;

	failed |= test_hcall();
	failed |= test_fmt();
	failed |= test_xs();
	return failed;
}
