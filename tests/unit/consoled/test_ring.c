/*
 * test_ring.c - the console daemon's ring copy and output buffer
 * (appliance/consoled/cons_ring.c) against rings a guest could leave:
 * wrapped indexes, a full ring, and producer/consumer pairs more than a
 * ring apart, which must be refused without moving any index.
 */
#include <errno.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "check.h"
#include "cons_ring.h"
#include "consoled_tests.h"

/* The guest writes text into its output ring. */
static void guest_out(struct xencons_interface *intf, const char *text)
{
	for (size_t i = 0; text[i]; i++)
		intf->out[MASK_XENCONS_IDX(intf->out_prod++, intf->out)] = text[i];
}

static void test_take(void)
{
	static struct xencons_interface intf;
	char dst[4096];
	long n;

	memset(&intf, 0, sizeof(intf));
	CHECK(cons_ring_take(&intf, dst, sizeof(dst)) == 0, "an empty output ring gives nothing");
	intf.out_cons = intf.out_prod = UINT32_MAX - 2; /* wraps within the text */
	guest_out(&intf, "hello, world");
	n = cons_ring_take(&intf, dst, 5);
	CHECK(n == 5 && memcmp(dst, "hello", 5) == 0 && intf.out_cons == UINT32_MAX - 2 + 5,
	      "take stops at the room given and moves out_cons by as much");
	n = cons_ring_take(&intf, dst, sizeof(dst));
	CHECK(n == 7 && memcmp(dst, ", world", 7) == 0 && intf.out_cons == intf.out_prod,
	      "the rest comes across the 32-bit index wrap, in order");
	intf.out_cons = 100;
	intf.out_prod = 100 + sizeof(intf.out);
	CHECK(cons_ring_out_avail(&intf) == (long)sizeof(intf.out), "a full output ring is valid");
	CHECK(cons_ring_take(&intf, dst, sizeof(dst)) == (long)sizeof(intf.out),
	      "a full output ring is taken whole");
}

static void test_take_bad(void)
{
	static struct xencons_interface intf;
	char dst[4096];

	memset(&intf, 0, sizeof(intf));
	intf.out_cons = 10;
	intf.out_prod = 10 + sizeof(intf.out) + 1;
	CHECK(cons_ring_take(&intf, dst, sizeof(dst)) == -EPROTO && intf.out_cons == 10,
	      "producer one past a full ring: refused, out_cons untouched");
	intf.out_cons = 500;
	intf.out_prod = 499;
	CHECK(cons_ring_take(&intf, dst, sizeof(dst)) == -EPROTO && intf.out_cons == 500,
	      "producer behind consumer: refused, out_cons untouched");
	CHECK(cons_ring_out_avail(&intf) == -EPROTO, "out_avail reports the bad indexes");
}

static void test_put(void)
{
	static struct xencons_interface intf;
	char big[2048];

	memset(&intf, 0, sizeof(intf));
	intf.in_cons = intf.in_prod = UINT32_MAX - 1;
	CHECK(cons_ring_put(&intf, "abc", 3) == 3 && intf.in_prod == 1 &&
	      intf.in[MASK_XENCONS_IDX(UINT32_MAX - 1, intf.in)] == 'a' && intf.in[0] == 'c',
	      "input goes in across the index wrap");
	CHECK(cons_ring_in_room(&intf) == (long)sizeof(intf.in) - 3, "room shrinks by what was put");
	memset(big, 'x', sizeof(big));
	CHECK(cons_ring_put(&intf, big, sizeof(big)) == (long)sizeof(intf.in) - 3,
	      "put stops when the input ring is full");
	CHECK(cons_ring_in_room(&intf) == 0 && cons_ring_put(&intf, "y", 1) == 0,
	      "a full input ring takes nothing more");
	intf.in_cons = 0;
	intf.in_prod = sizeof(intf.in) + 7;
	CHECK(cons_ring_put(&intf, "z", 1) == -EPROTO && intf.in_prod == sizeof(intf.in) + 7,
	      "bad input indexes: refused, in_prod untouched");
	CHECK(cons_ring_in_room(&intf) == -EPROTO, "in_room reports the bad indexes");
}

static void test_buffer(void)
{
	static struct xencons_interface intf;
	struct cons_buf buf = { .max = 1000 };
	const char *fresh = NULL;
	char line[64];
	long n, total = 0;

	memset(&intf, 0, sizeof(intf));
	guest_out(&intf, "first\n");
	n = cons_buf_fill(&buf, &intf, &fresh);
	CHECK(n == 6 && fresh && memcmp(fresh, "first\n", 6) == 0 && cons_buf_len(&buf) == 6,
	      "fill moves ring output into the buffer and points at the new bytes");
	for (int i = 0; i < 100; i++) { /* nobody reads: 100 lines of 20 bytes */
		snprintf(line, sizeof(line), "line %03d ..........\n", i);
		guest_out(&intf, line);
		total += cons_buf_fill(&buf, &intf, &fresh);
		cons_buf_bound(&buf);
	}
	CHECK(total == 2000 && cons_buf_len(&buf) == 1000 && buf.dropped == 1006,
	      "discard mode: the buffer stays at its bound (%zu bytes, %zu dropped)",
	      cons_buf_len(&buf), buf.dropped);
	CHECK(memcmp(cons_buf_peek(&buf), "first\n", 6) == 0 &&
	      memcmp(cons_buf_peek(&buf) + 980, "line 099 ..........\n", 20) == 0,
	      "it keeps the oldest output and the newest line");
	cons_buf_advance(&buf, 400);
	CHECK(cons_buf_len(&buf) == 600, "advance drops what the pty took");
	cons_buf_advance(&buf, 5000);
	CHECK(cons_buf_len(&buf) == 0 && buf.head == 0, "advance past the end empties it");
	cons_buf_free(&buf);
}

static void test_buffer_keep(void)
{
	static struct xencons_interface intf;
	struct cons_buf buf = { .max = 100, .keep = true };
	const char *fresh;
	char text[150];

	memset(&intf, 0, sizeof(intf));
	memset(text, 'k', sizeof(text) - 1);
	text[sizeof(text) - 1] = '\0';
	guest_out(&intf, text);
	cons_buf_fill(&buf, &intf, &fresh);
	cons_buf_bound(&buf);
	CHECK(cons_buf_len(&buf) == 149 && !cons_buf_open(&buf) && buf.dropped == 0,
	      "keep mode: nothing dropped, and the full buffer takes no more");
	cons_buf_advance(&buf, 60);
	CHECK(cons_buf_open(&buf), "keep mode: it opens again once the pty drained it");
	intf.out_prod += 5000; /* the guest breaks its ring */
	CHECK(cons_buf_fill(&buf, &intf, &fresh) == -EPROTO && cons_buf_len(&buf) == 89,
	      "a broken ring adds nothing to the buffer");
	cons_buf_free(&buf);
}

int test_ring(void)
{
	test_take();
	test_take_bad();
	test_put();
	test_buffer();
	test_buffer_keep();
	return check_failures;
}
