/*
 * test_robust.c - bad socket clients: truncated and oversized messages,
 * garbage, a client that never reads its replies, one that lets watch
 * events pile up.  Each bad connection gets an error or is dropped; a
 * well-behaved client is served throughout.
 */
#include <errno.h>
#include <poll.h>
#include <stdlib.h>
#include <sys/socket.h>
#include <unistd.h>

#include "xs_tests.h"

/* True if the daemon closed c (reads reach end-of-file within 2 s). */
static bool closed_by_daemon(struct xst *c)
{
	char buf[4096];

	for (int i = 0; i < 200; i++) {
		struct pollfd p = { .fd = c->fd, .events = POLLIN };
		ssize_t n;
		if (poll(&p, 1, 2000) <= 0)
			return false;
		n = read(c->fd, buf, sizeof(buf));
		if (n <= 0)
			return n == 0 || errno == ECONNRESET;
	}
	return false;
}

static void good_client_works(const char *what)
{
	struct xst c;
	struct xst_reply r;

	xst_must_open(&c);
	CHECK(!xst_write(&c, 0, "/t/good", "1") && !xst_read(&c, 0, "/t/good", &r), what,
	      "good client not served");
	xst_close(&c);
}

static void truncated_and_oversized(void)
{
	struct xsd_sockmsg h = { XS_READ, 1, 0, 100 };
	struct xst bad;
	struct xst_reply r;

	xst_must_open(&bad);
	xst_send_bytes(&bad, &h, sizeof(h));
	xst_send_bytes(&bad, "/t/partial", 10);
	good_client_works("a half-sent message does not block other clients");
	xst_close(&bad);
	good_client_works("a client closing mid-message leaves the daemon serving");

	xst_must_open(&bad);
	h.len = XENSTORE_PAYLOAD_MAX + 1;
	xst_send_bytes(&bad, &h, sizeof(h));
	CHECK(closed_by_daemon(&bad), "a message longer than XENSTORE_PAYLOAD_MAX drops its connection",
	      "still open");
	xst_close(&bad);
	good_client_works("others are served after an oversized message");

	xst_must_open(&bad);
	CHECK_ERR(xst_call(&bad, XS_WRITE, 0, "/t/nonul", 8, &r), EINVAL,
		  "WRITE whose path lacks its NUL: EINVAL");
	CHECK_ERR(xst_call(&bad, XS_GET_PERMS, 0, "/t\0extra", 8, &r), EINVAL,
		  "trailing bytes after the last NUL: EINVAL");
	xst_close(&bad);
}

static void garbage(void)
{
	char junk[3000];
	struct xst bad;

	srand(42);
	for (size_t i = 0; i < sizeof(junk); i++)
		junk[i] = (char)rand();
	xst_must_open(&bad);
	xst_send_bytes(&bad, junk, sizeof(junk));
	usleep(100000);
	xst_close(&bad);
	good_client_works("random bytes from one client leave others served");
}

static void never_reads(void)
{
	char payload[] = "/t/good";
	struct xst bad;
	int sent = 0;

	xst_must_open(&bad);
	for (int i = 0; i < 20000; i++) {
		struct xsd_sockmsg h = { XS_READ, (uint32_t)i, 0, sizeof(payload) };
		char buf[sizeof(h) + sizeof(payload)];
		memcpy(buf, &h, sizeof(h));
		memcpy(buf + sizeof(h), payload, sizeof(payload));
		if (send(bad.fd, buf, sizeof(buf), MSG_DONTWAIT | MSG_NOSIGNAL) <= 0)
			break;
		sent++;
	}
	CHECK(sent < 20000, "a client that never reads is throttled (its sends block)", "sent %d", sent);
	good_client_works("a client that never reads replies does not stall others");
	xst_close(&bad);
}

static void event_flood(void)
{
	struct xst bad, c;
	struct xst_reply r;

	xst_must_open(&c);
	xst_callv(&c, XS_CONTROL, 0, &r, "quota", "watch-events", "64", NULL);
	xst_must_open(&bad);
	xst_callv(&bad, XS_WATCH, 0, &r, "/t/flood", "f", NULL);
	shutdown(bad.fd, SHUT_RD); /* it will never read again */
	for (int i = 0; i < 200; i++)
		xst_write(&c, 0, "/t/flood", "x");
	CHECK_ERR(xst_write(&c, 0, "/t/flood", "last"), 0,
		  "a writer is not held up by a watcher that doesn't read its events");
	xst_callv(&c, XS_CONTROL, 0, &r, "quota", "watch-events", "4096", NULL);
	xst_close(&bad);
	xst_close(&c);
	good_client_works("the daemon serves on after dropping a flooded watcher");
}

void test_robust_all(void)
{
	truncated_and_oversized();
	garbage();
	never_reads();
	event_flood();
}
