/*
 * cons_ring.c - the xencons ring (public/io/console.h) and the output
 * buffer.  Rules as Xen's console protocol has them: indexes run freely
 * and are masked into the arrays; the reader reads the producer index,
 * then the bytes, then publishes its consumer index, with barriers
 * between; the writer publishes its producer index after the bytes.  A
 * ring whose producer is more than a ring's size ahead of its consumer is
 * broken and is neither read nor written.
 *
 * The buffer is bounded as xenconsoled bounds it (console/limit): past
 * the bound it either discards output, keeping the oldest half and the
 * newest half of what waits, or (keep mode) stops taking output so the
 * guest's ring fills and the guest waits.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "cons_ring.h"

/* Indexes are shared with the guest: read each once, through volatile. */
#define READ_ONCE_IDX(x) (*(const volatile XENCONS_RING_IDX *)&(x))
#define WRITE_ONCE_IDX(x, v) (*(volatile XENCONS_RING_IDX *)&(x) = (v))

long cons_ring_out_avail(const struct xencons_interface *intf)
{
	XENCONS_RING_IDX cons = READ_ONCE_IDX(intf->out_cons);
	XENCONS_RING_IDX prod = READ_ONCE_IDX(intf->out_prod);
	XENCONS_RING_IDX used = prod - cons;

	return used > sizeof(intf->out) ? -EPROTO : (long)used;
}

long cons_ring_take(struct xencons_interface *intf, char *dst, size_t room)
{
	XENCONS_RING_IDX cons = READ_ONCE_IDX(intf->out_cons);
	XENCONS_RING_IDX prod = READ_ONCE_IDX(intf->out_prod);
	XENCONS_RING_IDX used = prod - cons;
	size_t n = 0;

	if (used > sizeof(intf->out))
		return -EPROTO;
	__atomic_thread_fence(__ATOMIC_ACQUIRE); /* bytes after the index */
	while (n < used && n < room)
		dst[n++] = intf->out[MASK_XENCONS_IDX(cons++, intf->out)];
	__atomic_thread_fence(__ATOMIC_SEQ_CST); /* bytes read before freeing */
	WRITE_ONCE_IDX(intf->out_cons, cons);
	return (long)n;
}

long cons_ring_in_room(const struct xencons_interface *intf)
{
	XENCONS_RING_IDX cons = READ_ONCE_IDX(intf->in_cons);
	XENCONS_RING_IDX prod = READ_ONCE_IDX(intf->in_prod);
	XENCONS_RING_IDX used = prod - cons;

	return used > sizeof(intf->in) ? -EPROTO : (long)(sizeof(intf->in) - used);
}

long cons_ring_put(struct xencons_interface *intf, const char *src, size_t len)
{
	XENCONS_RING_IDX cons = READ_ONCE_IDX(intf->in_cons);
	XENCONS_RING_IDX prod = READ_ONCE_IDX(intf->in_prod);
	XENCONS_RING_IDX used = prod - cons;
	size_t n = 0;

	if (used > sizeof(intf->in))
		return -EPROTO;
	__atomic_thread_fence(__ATOMIC_SEQ_CST); /* the guest consumed first */
	while (n < len && used + n < sizeof(intf->in))
		intf->in[MASK_XENCONS_IDX(prod++, intf->in)] = src[n++];
	__atomic_thread_fence(__ATOMIC_RELEASE); /* bytes before the index */
	WRITE_ONCE_IDX(intf->in_prod, prod);
	return (long)n;
}

bool cons_buf_open(const struct cons_buf *buf)
{
	return !buf->keep || !buf->max || cons_buf_len(buf) < buf->max;
}

/* Room for want more bytes at the tail: compacts, then grows. */
static int buf_reserve(struct cons_buf *buf, size_t want)
{
	size_t len = cons_buf_len(buf);
	char *grown;

	if (buf->cap - buf->tail >= want)
		return 0;
	if (buf->head) {
		memmove(buf->data, buf->data + buf->head, len);
		buf->head = 0;
		buf->tail = len;
		if (buf->cap - len >= want)
			return 0;
	}
	grown = realloc(buf->data, len + want + 1024);
	if (!grown)
		return -ENOMEM;
	buf->data = grown;
	buf->cap = len + want + 1024;
	return 0;
}

long cons_buf_fill(struct cons_buf *buf, struct xencons_interface *intf,
		   const char **fresh)
{
	long avail = cons_ring_out_avail(intf);
	long n;

	if (avail <= 0)
		return avail;
	if (buf_reserve(buf, sizeof(intf->out)) < 0)
		return -ENOMEM;
	n = cons_ring_take(intf, buf->data + buf->tail, sizeof(intf->out));
	if (n > 0) {
		*fresh = buf->data + buf->tail;
		buf->tail += (size_t)n;
	}
	return n;
}

void cons_buf_bound(struct cons_buf *buf)
{
	size_t len = cons_buf_len(buf), half = buf->max / 2, cut;

	if (buf->keep || !buf->max || len <= buf->max)
		return;
	/* Keep the oldest half and the newest (max - half) bytes. */
	cut = len - buf->max;
	memmove(buf->data + buf->head + half, buf->data + buf->head + half + cut,
		len - half - cut);
	buf->tail -= cut;
	buf->dropped += cut;
}

void cons_buf_advance(struct cons_buf *buf, size_t n)
{
	if (n > cons_buf_len(buf))
		n = cons_buf_len(buf);
	buf->head += n;
	if (buf->head == buf->tail) {
		buf->head = buf->tail = 0;
		/* A burst grew the buffer past its bound: give that back. */
		if (buf->max && buf->cap > buf->max + 4096) {
			free(buf->data);
			buf->data = NULL;
			buf->cap = 0;
		}
	}
}

void cons_buf_free(struct cons_buf *buf)
{
	free(buf->data);
	buf->data = NULL;
	buf->head = buf->tail = buf->cap = 0;
}
