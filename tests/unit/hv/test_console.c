/*
 * hv/common/console_ring.c and ratelimit.c: the console's output ring
 * drained into a recording putc, and the guest-message token bucket
 * against a clock the test sets.  Proves: a drain sends at most its
 * budget and keeps order across calls; an overrun loses the oldest
 * unsent bytes and reports how many, in their place; one transmitter at
 * a time, never holding the ring's lock while putc runs; an unbounded
 * (sync) drain empties the ring, even past a stuck transmitter when
 * forced; the limiter passes a burst, then its rate, and reports what
 * it refused.
 */
#include <threads.h> /* not pthread.h: hv/include/sched.h shadows <sched.h> */
#include <stdio.h>
#include <string.h>
#include "check.h"
#include "console_ring.h"
#include "ratelimit.h"

static char out[8192];
static size_t out_len;
static struct cring *nested_ring; /* set: putc also writes to the ring */
static size_t nested_drain_result = SIZE_MAX;

static void record(char c)
{
	if (out_len < sizeof(out))
		out[out_len++] = c;
}

/* A putc during which "another CPU" appends and tries to drain. */
static void record_and_interfere(char c)
{
	record(c);
	if (nested_ring && c == '!') {
		struct cring *r = nested_ring;
		nested_ring = NULL;
		cring_append(r, "late\n", 5);
		nested_drain_result = cring_drain(r, record, SIZE_MAX, false);
	}
}

static void fill(char *buf, size_t n, unsigned seed)
{
	for (size_t i = 0; i < n; i++)
		buf[i] = (char)('a' + (seed + i) % 26);
}

static void drain_bounded(void)
{
	static char store[4096];
	struct cring r = CRING_INIT(store);
	char in[2000];
	fill(in, sizeof(in), 0);
	cring_append(&r, in, sizeof(in));
	out_len = 0;
	size_t n = cring_drain(&r, record, 512, false);
	CHECK(n == 512 && out_len == 512 && cring_pending(&r),
	      "console: a drain with budget 512 sends 512 of 2000 bytes and leaves the rest (%zu)", n);
	unsigned calls = 1;
	while (cring_pending(&r) && calls < 100) {
		size_t m = cring_drain(&r, record, 512, false);
		if (m > 512)
			break;
		calls++;
	}
	CHECK(calls == 4 && out_len == sizeof(in) && !memcmp(out, in, sizeof(in)),
	      "console: four bounded drains send all 2000 bytes, in order");
	CHECK(cring_drain(&r, record, 512, false) == 0, "console: a drain of an empty ring sends nothing");
}

static void overrun(void)
{
	static char store[256];
	struct cring r = CRING_INIT(store);
	char in[400];
	fill(in, sizeof(in), 3);
	cring_append(&r, in, 100);
	out_len = 0;
	cring_drain(&r, record, 50, false);
	CHECK(out_len == 50, "console: overrun setup: 50 of 100 bytes sent");
	cring_append(&r, in + 100, 300); /* 350 unsent in a 256-byte ring: the oldest 94 go */
	out_len = 0;
	cring_drain(&r, record, SIZE_MAX, false);
	static const char report[] = "\n[94 bytes of console output dropped]\n";
	size_t rl = sizeof(report) - 1;
	CHECK(out_len == rl + 256 && !memcmp(out, report, rl),
	      "console: an overrun reports '[94 bytes of console output dropped]' on a line of its own");
	CHECK(!memcmp(out + rl, in + 400 - 256, 256),
	      "console: after the report come the newest 256 bytes, the oldest unsent ones lost");
	CHECK(!cring_pending(&r), "console: the report is made once");

	char line[300];
	memset(line, 'x', sizeof(line));
	line[sizeof(line) - 1] = '\n';
	cring_append(&r, "ok\n", 3);
	cring_drain(&r, record, SIZE_MAX, false);
	cring_append(&r, line, sizeof(line)); /* one write longer than the ring */
	out_len = 0;
	cring_drain(&r, record, SIZE_MAX, false);
	static const char report2[] = "[44 bytes of console output dropped]\n";
	CHECK(out_len == sizeof(report2) - 1 + 256 && !memcmp(out, report2, sizeof(report2) - 1),
	      "console: a write longer than the ring keeps its end; a report after a full line adds no newline");
}

static void budget_and_report(void)
{
	static char store[128];
	struct cring r = CRING_INIT(store);
	char in[300];
	fill(in, sizeof(in), 7);
	cring_append(&r, in, sizeof(in));
	out_len = 0;
	size_t n = cring_drain(&r, record, 10, false);
	CHECK(n >= 10 && n < 10 + CRING_BATCH && out[0] == '[' && memmem(out, out_len, "172 bytes", 9),
	      "console: a loss report goes first even when it is longer than the budget (%zu bytes)", n);
}

static void one_transmitter(void)
{
	static char store[1024];
	struct cring r = CRING_INIT(store);
	cring_append(&r, "hello!\n", 7);
	__atomic_store_n(&r.transmitting, true, __ATOMIC_RELAXED); /* another CPU is draining */
	out_len = 0;
	CHECK(cring_drain(&r, record, SIZE_MAX, false) == 0 && out_len == 0 && cring_pending(&r),
	      "console: while another transmitter runs, a drain returns at once");
	CHECK(cring_drain(&r, record, SIZE_MAX, true) == 7 && !cring_pending(&r),
	      "console: a forced (crash) drain sends everything past a stuck transmitter");
	__atomic_store_n(&r.transmitting, false, __ATOMIC_RELAXED);

	cring_append(&r, "first!\n", 7);
	nested_ring = &r;
	out_len = 0;
	size_t n = cring_drain(&r, record_and_interfere, SIZE_MAX, false);
	CHECK(nested_drain_result == 0,
	      "console: a drain started during another's putc returns at once (no self-deadlock)");
	CHECK(n == 12 && out_len == 12 && !memcmp(out, "first!\nlate\n", 12),
	      "console: putc runs without the ring's lock; bytes appended meanwhile go out in the same drain");
}

static void sync_drains_all(void)
{
	static char store[8192];
	struct cring r = CRING_INIT(store);
	char in[5000];
	fill(in, sizeof(in), 11);
	for (unsigned i = 0; i < 5; i++)
		cring_append(&r, in + i * 1000, 1000);
	out_len = 0;
	size_t n = cring_drain(&r, record, SIZE_MAX, true);
	CHECK(n == 5000 && out_len == 5000 && !memcmp(out, in, 5000) && !cring_pending(&r),
	      "console: a sync (unbounded) drain sends all 5000 waiting bytes at once");
	char tail[16];
	CHECK(cring_tail(&r, tail, sizeof(tail)) == 16 && !memcmp(tail, in + 5000 - 16, 16),
	      "console: the log tail still holds the newest bytes after they were sent");
}

static void rate_limit(void)
{
	struct ratelimit rl = RATELIMIT_INIT(20, 10);
	uint64_t t = 5000000000ULL;
	uint32_t sup = 99;
	unsigned passed = 0;
	for (unsigned i = 0; i < 30; i++)
		passed += ratelimit_allow(&rl, t, &sup);
	CHECK(passed == 20 && sup == 0, "ratelimit: a burst of 30 lines at once: 20 pass, none reported (%u)",
	      passed);
	CHECK(!ratelimit_allow(&rl, t + 99000000ULL, &sup), "ratelimit: 99 ms later the bucket is still empty");
	bool ok = ratelimit_allow(&rl, t + 100000000ULL, &sup);
	CHECK(ok && sup == 11, "ratelimit: 100 ms later one line passes and reports the 11 refused (%u)",
	      sup);
	passed = 0;
	for (unsigned s = 1; s <= 100; s++) /* 10 s of 5 lines every 100 ms */
		for (unsigned k = 0; k < 5; k++)
			passed += ratelimit_allow(&rl, t + 100000000ULL * (s + 1), &sup);
	CHECK(passed == 100, "ratelimit: a steady flood gets 10 lines a second through (%u in 10 s)", passed);
	passed = 0;
	for (unsigned i = 0; i < 40; i++)
		passed += ratelimit_allow(&rl, t + 3600000000000ULL, &sup);
	CHECK(passed == 20, "ratelimit: after an hour of quiet, the burst is 20 again, not more (%u)", passed);
	CHECK(!ratelimit_allow(&rl, t, &sup), "ratelimit: a clock that steps back refills nothing");
}

/* Two "CPUs" write numbered lines while two others flush with a budget:
 * every line comes out exactly once, each writer's in order. */
static char mt_store[65536];
static struct cring mt_ring = CRING_INIT(mt_store);
static volatile bool mt_writing;

static int mt_writer(void *arg)
{
	unsigned id = (unsigned)(uintptr_t)arg;
	char line[32];
	for (unsigned i = 0; i < 300; i++) {
		int n = snprintf(line, sizeof(line), "w%u:%04u\n", id, i);
		cring_append(&mt_ring, line, (size_t)n);
	}
	return 0;
}

static int mt_flusher(void *arg)
{
	(void)arg;
	while (__atomic_load_n(&mt_writing, __ATOMIC_ACQUIRE))
		cring_drain(&mt_ring, record, 64, false);
	return 0;
}

static bool mt_lines_ok(void)
{
	unsigned next[2] = { 0, 0 };
	for (size_t i = 0; i + 8 <= out_len; i += 8) {
		unsigned id, seq;
		if (sscanf(out + i, "w%u:%4u", &id, &seq) != 2 || id > 1 || seq != next[id]++)
			return false;
	}
	return out_len == 2 * 300 * 8 && next[0] == 300 && next[1] == 300;
}

static void concurrent(void)
{
	thrd_t w[2], f[2];
	out_len = 0;
	__atomic_store_n(&mt_writing, true, __ATOMIC_RELEASE);
	for (uintptr_t i = 0; i < 2; i++) {
		thrd_create(&f[i], mt_flusher, NULL);
		thrd_create(&w[i], mt_writer, (void *)i);
	}
	for (unsigned i = 0; i < 2; i++)
		thrd_join(w[i], NULL);
	__atomic_store_n(&mt_writing, false, __ATOMIC_RELEASE);
	for (unsigned i = 0; i < 2; i++)
		thrd_join(f[i], NULL);
	cring_drain(&mt_ring, record, SIZE_MAX, false);
	CHECK(mt_lines_ok(), "console: 2 writers and 2 flushers at once: all 600 lines out once, in order (%zu bytes)",
	      out_len);
}

/* The log read by position (XEN_SYSCTL_readconsole's index). */
static void read_by_position(void)
{
	static char store[16];
	struct cring r = CRING_INIT(store);
	char buf[32] = { 0 };
	uint64_t pos = 0;
	cring_append(&r, "abcdefghij", 10);
	size_t n = cring_read(&r, &pos, buf, 4);
	CHECK(n == 4 && !memcmp(buf, "abcd", 4) && pos == 4, "console: read 4 from 0 gives abcd, position 4");
	n = cring_read(&r, &pos, buf, sizeof(buf));
	CHECK(n == 6 && !memcmp(buf, "efghij", 6) && pos == 10, "console: the rest, up to the newest byte");
	CHECK(cring_read(&r, &pos, buf, sizeof(buf)) == 0 && pos == 10, "console: nothing new, nothing read");
	cring_append(&r, "klmnopqrst", 10);
	pos = 2; /* overwritten since: starts at the oldest kept */
	n = cring_read(&r, &pos, buf, sizeof(buf));
	CHECK(n == 16 && !memcmp(buf, "efghijklmnopqrst", 16) && pos == 20,
	      "console: a position older than the ring starts at the oldest byte kept (%zu)", n);
	pos = 99;
	n = cring_read(&r, &pos, buf, 3);
	CHECK(n == 3 && !memcmp(buf, "efg", 3) && pos == 7 && cring_head(&r) == 20,
	      "console: a position past the newest starts at the oldest too");
}

int main(void)
{
	read_by_position();
	drain_bounded();
	overrun();
	budget_and_report();
	one_transmitter();
	sync_drains_all();
	concurrent();
	rate_limit();
	return check_exit();
}
