/*
 * cons_ring.h - the console daemon's data path without any device: taking
 * a guest's output from its xencons ring (public/io/console.h), putting
 * input into it, and the bounded buffer that holds output while nobody
 * reads the pty.  Every index the guest wrote is read once and checked, so
 * a guest with bad indexes only stalls its own console.
 */
#ifndef CONS_RING_H
#define CONS_RING_H

#include <stdbool.h>
#include <stddef.h>

#include "public/io/console.h"

/* Output bytes waiting for the pty: data[head, tail) is unsent. */
struct cons_buf {
	char *data;
	size_t head, tail, cap;
	size_t max;      /* bound on unsent bytes, 0: none */
	bool keep;       /* at the bound stop taking output (else discard) */
	size_t dropped;  /* bytes discarded so far */
};

/* Bytes of guest output in the ring, or -EPROTO when its indexes are bad. */
long cons_ring_out_avail(const struct xencons_interface *intf);
/* Moves up to room bytes of guest output to dst; returns how many, or
 * -EPROTO (nothing consumed) when the indexes are bad. */
long cons_ring_take(struct xencons_interface *intf, char *dst, size_t room);
/* Free bytes in the input ring, or -EPROTO when its indexes are bad. */
long cons_ring_in_room(const struct xencons_interface *intf);
/* Puts up to len bytes of input in the ring; returns how many or -EPROTO. */
long cons_ring_put(struct xencons_interface *intf, const char *src, size_t len);

/* Whether the buffer takes more output now (false: flow control). */
bool cons_buf_open(const struct cons_buf *buf);
/* Moves the ring's output into the buffer; returns bytes moved, -EPROTO
 * or -ENOMEM.  *fresh points at the new bytes (for the log). */
long cons_buf_fill(struct cons_buf *buf, struct xencons_interface *intf,
		   const char **fresh);
/* The unsent bytes. */
static inline size_t cons_buf_len(const struct cons_buf *buf)
{
	return buf->tail - buf->head;
}
static inline const char *cons_buf_peek(const struct cons_buf *buf)
{
	return buf->data + buf->head;
}
/* n bytes were sent. */
void cons_buf_advance(struct cons_buf *buf, size_t n);
/* Applies the bound after bytes were added (discard mode). */
void cons_buf_bound(struct cons_buf *buf);
void cons_buf_free(struct cons_buf *buf);

#endif
