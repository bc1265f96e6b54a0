/*
 * The console's output ring, as pure logic.  Writers append under a short
 * lock; the ring keeps the newest bytes (the log) and knows how far a
 * transmitter has sent them.  A drain moves unsent bytes to a putc sink
 * in small batches taken under the lock and written outside it, at most
 * a budget of bytes per call, one transmitter at a time.  When writers
 * overrun the transmitter the oldest unsent bytes are lost and the sink
 * is told how many ("[N bytes of console output dropped]").  console.c
 * wires this to the UART; tests/unit/hv/test_console.c drives it alone.
 */
#ifndef BASTION_CONSOLE_RING_H
#define BASTION_CONSOLE_RING_H

#include "lib.h"
#include "spinlock.h"

/* Batch size of a drain; also room enough for the report of lost bytes. */
#define CRING_BATCH 64

struct cring {
	char *buf;
	size_t size;
	spinlock_t lock;    /* writers and takers; never held while putc runs */
	uint64_t head;      /* bytes ever appended: the next goes at head % size */
	uint64_t sent;      /* bytes ever taken or lost: head - size <= sent <= head */
	uint64_t dropped;   /* lost to overrun and not yet reported */
	bool line_start;    /* the last byte taken ended a line (or none was) */
	bool transmitting;  /* a drain is running (set and cleared atomically) */
};

#define CRING_INIT(array) { .buf = (array), .size = sizeof(array), .lock = SPINLOCK_INIT, \
			    .line_start = true }

typedef void (*cring_putc_fn)(char c);

void cring_append(struct cring *r, const char *s, size_t n);
/* Whether a drain has anything to do: unsent bytes or a loss to report. */
bool cring_pending(const struct cring *r);
/* Copies the newest bytes, sent or not, into out; returns how many. */
size_t cring_tail(struct cring *r, char *out, size_t max);
/* Copies up to max bytes of the log from position *pos (a count of bytes
 * ever appended; one older than the oldest kept, or past the newest,
 * means the oldest) and advances *pos past them; returns how many. */
size_t cring_read(struct cring *r, uint64_t *pos, char *out, size_t max);
/* Bytes ever appended: the position after the newest. */
uint64_t cring_head(struct cring *r);

/* Sends unsent output to putc, oldest first, the report of any loss in
 * its place.  Returns at once (0) while another drain runs, unless force
 * (crash paths: that drain may never finish; batches may then interleave
 * but no byte goes out twice).  Stops once budget bytes went out (a loss
 * report may overshoot it by less than CRING_BATCH) or nothing is left;
 * returns how many bytes putc got. */
size_t cring_drain(struct cring *r, cring_putc_fn putc, size_t budget, bool force);

#endif
