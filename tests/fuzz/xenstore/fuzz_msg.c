/*
 * fuzz_msg.c - libFuzzer target for xenstored's message framing, argument
 * parsing and request handlers (appliance/xenstored, the same sources the
 * daemon is built from).  The input is split between a privileged dom0
 * connection and an unprivileged domain-7 connection, each reading its
 * share as a byte stream through an in-memory transport, so both the
 * framing (headers split anywhere, oversized lengths, missing NULs) and
 * every permission/quota branch are reached.  A fresh daemon per input;
 * AddressSanitizer reports leaks and overflows, UBSan undefined behaviour.
 */
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include "xenstored.h"

struct mem_stream {
	const uint8_t *data;
	size_t len, off;
	size_t chunk; /* bytes handed out per read, to split messages */
};

static long mem_read(struct xs_conn *conn, void *buf, size_t len)
{
	struct mem_stream *m = conn->transport;
	size_t n = m->len - m->off;

	if (n > len)
		n = len;
	if (n > m->chunk)
		n = m->chunk;
	memcpy(buf, m->data + m->off, n);
	m->off += n;
	return (long)n;
}

static long mem_write(struct xs_conn *conn, const void *buf, size_t len)
{
	(void)conn;
	(void)buf;
	return len > 512 ? 512 : (long)len; /* partial writes too */
}

static const struct xs_conn_ops mem_ops = {
	.name = "fuzz",
	.read = mem_read,
	.write = mem_write,
	.release = NULL,
};

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct mem_stream s0, s7;
	struct xs_daemon d;
	struct xs_conn *c0, *c7;
	size_t split;

	if (size < 2)
		return 0;
	split = (size_t)data[0] * size / 256;
	s0 = (struct mem_stream){ data + 2, split < size - 2 ? split : size - 2,
				  0, 1 + data[1] % 64 * 16 };
	s7 = (struct mem_stream){ data + 2 + s0.len, size - 2 - s0.len, 0,
				  4096 };
	if (xs_daemon_init(&d))
		return 0;
	d.quota.nodes = 20; /* small quotas so their errors are reached */
	d.quota.outstanding = 4;
	d.quota.out_events = 16;
	c0 = xs_conn_new(&d, &mem_ops, &s0, -1, 0);
	c7 = xs_conn_new(&d, &mem_ops, &s7, -1, 7);
	while (c0 && c7 && !(c0->dead && c7->dead)) {
		size_t before = s0.off + s7.off;
		xs_conn_input(c0);
		xs_conn_output(c0);
		xs_conn_input(c7);
		xs_conn_output(c7);
		if (s0.off + s7.off == before && !xs_conn_wants_output(c0) &&
		    !xs_conn_wants_output(c7))
			break;
	}
	xs_daemon_destroy(&d);
	return 0;
}
