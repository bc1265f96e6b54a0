/*
 * The console's output ring and its transmitter (see console_ring.h).
 * Pure code: built into the hv and into host unit tests.  head, sent and
 * dropped change only under the lock; cring_pending() reads them without
 * it, atomically, so that a flush with nothing to do costs no lock.
 */
#include "console_ring.h"

static uint64_t load(const uint64_t *p)
{
	return __atomic_load_n(p, __ATOMIC_RELAXED);
}

static void store(uint64_t *p, uint64_t v)
{
	__atomic_store_n(p, v, __ATOMIC_RELAXED);
}

/* Copies n bytes into the ring at position pos, wrapping at its end. */
static void copy_in(struct cring *r, uint64_t pos, const char *s, size_t n)
{
	size_t off = (size_t)(pos % r->size), first = MIN(n, r->size - off);
	memcpy(r->buf + off, s, first);
	memcpy(r->buf, s + first, n - first);
}

static void copy_out(const struct cring *r, uint64_t pos, char *out, size_t n)
{
	size_t off = (size_t)(pos % r->size), first = MIN(n, r->size - off);
	memcpy(out, r->buf + off, first);
	memcpy(out + first, r->buf, n - first);
}

void cring_append(struct cring *r, const char *s, size_t n)
{
	uint64_t flags = spin_lock_irqsave(&r->lock);
	uint64_t head = r->head;
	if (n > r->size) { /* only the newest size bytes can be kept */
		head += n - r->size;
		s += n - r->size;
		n = r->size;
	}
	copy_in(r, head, s, n);
	head += n;
	store(&r->head, head);
	if (head - r->sent > r->size) { /* overran the transmitter: the oldest go */
		store(&r->dropped, r->dropped + (head - r->size - r->sent));
		store(&r->sent, head - r->size);
	}
	spin_unlock_irqrestore(&r->lock, flags);
}

bool cring_pending(const struct cring *r)
{
	return load(&r->head) != load(&r->sent) || load(&r->dropped);
}

size_t cring_tail(struct cring *r, char *out, size_t max)
{
	uint64_t flags = spin_lock_irqsave(&r->lock);
	size_t n = (size_t)MIN((uint64_t)max, MIN(r->head, (uint64_t)r->size));
	copy_out(r, r->head - n, out, n);
	spin_unlock_irqrestore(&r->lock, flags);
	return n;
}

size_t cring_read(struct cring *r, uint64_t *pos, char *out, size_t max)
{
	uint64_t flags = spin_lock_irqsave(&r->lock);
	uint64_t oldest = r->head - MIN(r->head, (uint64_t)r->size);
	uint64_t from = *pos < oldest || *pos > r->head ? oldest : *pos;
	size_t n = (size_t)MIN((uint64_t)max, r->head - from);
	copy_out(r, from, out, n);
	*pos = from + n;
	spin_unlock_irqrestore(&r->lock, flags);
	return n;
}

uint64_t cring_head(struct cring *r)
{
	return __atomic_load_n(&r->head, __ATOMIC_ACQUIRE);
}

/* Takes the next batch for the sink; call with the lock held.  A loss is
 * reported where it happened, on a line of its own. */
static size_t take_locked(struct cring *r, char out[CRING_BATCH], size_t max)
{
	size_t n;
	if (r->dropped) {
		n = (size_t)fmt_snprintf(out, CRING_BATCH, "%s[%lu bytes of console output dropped]\n",
					 r->line_start ? "" : "\n", r->dropped);
		store(&r->dropped, 0);
	} else {
		n = (size_t)MIN((uint64_t)MIN(max, (size_t)CRING_BATCH), r->head - r->sent);
		copy_out(r, r->sent, out, n);
		store(&r->sent, r->sent + n);
	}
	if (n)
		r->line_start = out[n - 1] == '\n';
	return n;
}

/* Sends batches until budget bytes went out or nothing is left. */
static size_t send_batches(struct cring *r, cring_putc_fn putc, size_t budget)
{
	char batch[CRING_BATCH];
	size_t done = 0;
	while (done < budget) {
		uint64_t flags = spin_lock_irqsave(&r->lock);
		size_t n = take_locked(r, batch, budget - done);
		spin_unlock_irqrestore(&r->lock, flags);
		if (!n)
			break;
		for (size_t i = 0; i < n; i++)
			putc(batch[i]);
		done += n;
	}
	return done;
}

/* A forced drain waits this many spins for a running drain to end, so
 * that two CPUs' batches do not interleave on the line, then pushes past
 * it (its CPU may be the one that crashed, or this one, interrupted). */
#define FORCE_WAIT_SPINS (1u << 22)

enum { TX_BUSY, TX_OWNED, TX_PUSHED_PAST };

static int take_transmitter(struct cring *r, bool force)
{
	for (uint32_t spins = 0; __atomic_exchange_n(&r->transmitting, true, __ATOMIC_ACQUIRE);
	     spins++) {
		if (!force)
			return TX_BUSY; /* another drain runs; it or the next call sends ours */
		if (spins == FORCE_WAIT_SPINS)
			return TX_PUSHED_PAST; /* the flag stays that drain's to clear */
		__builtin_ia32_pause();
	}
	return TX_OWNED;
}

size_t cring_drain(struct cring *r, cring_putc_fn putc, size_t budget, bool force)
{
	size_t done = 0;
	/* Looks again after letting go: bytes appended while a writer found
	 * the transmitter busy would otherwise wait for the next call. */
	while (done < budget && cring_pending(r)) {
		int tx = take_transmitter(r, force);
		if (tx == TX_BUSY)
			break;
		done += send_batches(r, putc, budget - done);
		if (tx == TX_OWNED)
			__atomic_store_n(&r->transmitting, false, __ATOMIC_RELEASE);
	}
	return done;
}
