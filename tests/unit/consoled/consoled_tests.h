/* consoled_tests.h - the test groups of the test-consoled suite. */
#ifndef CONSOLED_TESTS_H
#define CONSOLED_TESTS_H

/* Each returns its number of failed checks. */
int test_ring(void);
/* Needs BX_TEST_SOCKET: our xenstored's socket. */
int test_client(const char *socket);

#endif
