/* test_main.c - the test-consoled suite: ring logic, then the client. */
#include <stdlib.h>

#include "check.h"
#include "consoled_tests.h"

int main(void)
{
	const char *socket = getenv("BX_TEST_SOCKET");
	int failed = test_ring();

	if (socket)
		failed += test_client(socket);
	else
		failed += !CHECK(0, "console client tests need BX_TEST_SOCKET (our xenstored)");
	return failed ? 1 : 0;
}
