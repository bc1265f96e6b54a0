/*
 * xs_conn.c - one client connection, independent of its transport (Unix
 * socket, shared ring, or an in-memory buffer in the fuzzer).  Input is
 * framed as xs_wire.h messages: a 16-byte struct xsd_sockmsg and at most
 * XENSTORE_PAYLOAD_MAX bytes of payload; a larger length is a protocol
 * violation and the connection is dropped (as Xen's xenstored does).
 * Output is a queue of whole messages.  Flow control: while a connection
 * has "outstanding" replies it has not read, its input is not read; one
 * that lets watch events pile up past a bound is dropped.  A connection is
 * never freed while a request runs: xs_conn_kill marks it, the main loop
 * reaps it.
 */
#include <stdlib.h>
#include <string.h>

#include "xenstored.h"

struct xs_conn *xs_conn_new(struct xs_daemon *d, const struct xs_conn_ops *ops,
			    void *transport, int fd, uint32_t domid)
{
	struct xs_conn *conn = calloc(1, sizeof(*conn));

	if (!conn)
		return NULL;
	conn->d = d;
	conn->ops = ops;
	conn->transport = transport;
	conn->fd = fd;
	conn->serial = ++d->next_serial;
	conn->domid = domid;
	conn->privileged = domid == 0;
	conn->target = -1;
	conn->next = d->conns;
	d->conns = conn;
	return conn;
}

bool xs_conn_unprivileged(const struct xs_conn *conn)
{
	return !conn->privileged;
}

void xs_conn_kill(struct xs_conn *conn, const char *reason)
{
	if (conn->dead)
		return;
	conn->dead = true;
	xs_log(conn->d, "conn %u (%s, domain %u): dropped: %s", conn->serial,
	       conn->ops->name, conn->domid, reason);
}

static void drop_output(struct xs_conn *conn)
{
	while (conn->out_head) {
		struct xs_out *o = conn->out_head;
		conn->out_head = o->next;
		free(o);
	}
	conn->out_tail = NULL;
	conn->out_off = conn->out_replies = conn->out_events = 0;
	conn->out_bytes = 0;
}

void xs_conn_reset(struct xs_conn *conn)
{
	drop_output(conn);
	xs_watch_remove_all(conn);
	xs_txn_end_all(conn);
	conn->hdr_got = conn->body_got = 0;
}

void xs_conn_reap(struct xs_daemon *d)
{
	struct xs_conn **pc = &d->conns;

	while (*pc) {
		struct xs_conn *conn = *pc;
		if (!conn->dead) {
			pc = &conn->next;
			continue;
		}
		*pc = conn->next;
		xs_conn_reset(conn);
		if (conn->ops->release)
			conn->ops->release(conn);
		free(conn);
	}
}

/* Reads up to want bytes into dst; false if the conn can't go on now. */
static bool read_some(struct xs_conn *conn, void *dst, uint32_t want,
		      uint32_t *got)
{
	long n = conn->ops->read(conn, dst, want);

	if (n < 0) {
		if (conn->d->verbose || conn->hdr_got || conn->body_got)
			xs_conn_kill(conn, "closed (or broken) by the client");
		conn->dead = true; /* a plain close is not worth a log line */
		return false;
	}
	*got += (uint32_t)n;
	return n > 0;
}

void xs_conn_input(struct xs_conn *conn)
{
	struct xsd_sockmsg hdr;

	while (!conn->dead &&
	       conn->out_replies < conn->d->quota.outstanding) {
		if (conn->hdr_got < sizeof(conn->hdr)) {
			if (!read_some(conn, (char *)&conn->hdr + conn->hdr_got,
				       sizeof(conn->hdr) - conn->hdr_got,
				       &conn->hdr_got))
				return;
			if (conn->hdr_got < sizeof(conn->hdr))
				continue;
			if (conn->hdr.len > XENSTORE_PAYLOAD_MAX) {
				conn->wire_error = XENSTORE_ERROR_PROTO;
				xs_conn_kill(conn, "message longer than "
						   "XENSTORE_PAYLOAD_MAX");
				return;
			}
		}
		if (conn->body_got < conn->hdr.len) {
			if (!read_some(conn, conn->body + conn->body_got,
				       conn->hdr.len - conn->body_got,
				       &conn->body_got))
				return;
			if (conn->body_got < conn->hdr.len)
				continue;
		}
		hdr = conn->hdr;
		conn->body[hdr.len] = '\0';
		conn->hdr_got = conn->body_got = 0;
		xs_ops_dispatch(conn, &hdr, conn->body);
	}
}

bool xs_conn_send(struct xs_conn *conn, uint32_t type, uint32_t req_id,
		  uint32_t tx_id, const void *data, uint32_t len)
{
	struct xsd_sockmsg hdr = { type, req_id, tx_id, len };
	struct xs_out *o;

	if (conn->dead)
		return false;
	o = malloc(sizeof(*o) + sizeof(hdr) + len);
	if (!o) {
		xs_conn_kill(conn, "out of memory queueing a reply");
		return false;
	}
	o->next = NULL;
	o->len = (uint32_t)sizeof(hdr) + len;
	o->is_reply = type != XS_WATCH_EVENT;
	memcpy(o->data, &hdr, sizeof(hdr));
	if (len)
		memcpy(o->data + sizeof(hdr), data, len);
	if (conn->out_tail)
		conn->out_tail->next = o;
	else
		conn->out_head = o;
	conn->out_tail = o;
	conn->out_bytes += o->len;
	if (o->is_reply)
		conn->out_replies++;
	else
		conn->out_events++;
	xs_trace_msg(conn->d, conn, "OUT", &hdr, (const char *)data);
	return true;
}

bool xs_conn_wants_output(const struct xs_conn *conn)
{
	return conn->out_head != NULL && !conn->dead;
}

void xs_conn_output(struct xs_conn *conn)
{
	while (conn->out_head && !conn->dead) {
		struct xs_out *o = conn->out_head;
		long n = conn->ops->write(conn, o->data + conn->out_off,
					  o->len - conn->out_off);
		if (n < 0) {
			xs_conn_kill(conn, "connection closed while writing");
			return;
		}
		if (n == 0)
			return;
		conn->out_off += (uint32_t)n;
		if (conn->out_off < o->len)
			continue;
		conn->out_head = o->next;
		if (!conn->out_head)
			conn->out_tail = NULL;
		conn->out_off = 0;
		conn->out_bytes -= o->len;
		if (o->is_reply)
			conn->out_replies--;
		else
			conn->out_events--;
		free(o);
	}
}
