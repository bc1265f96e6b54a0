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

#include "xs_ring.h"

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

static struct xenstore_domain_interface page;

static int fake_map(void *ctx, uint32_t domid, uint64_t mfn,
		    struct xenstore_domain_interface **iface)
{
	(void)ctx;
	(void)domid;
	(void)mfn;
	*iface = &page;
	return 0;
}

static void fake_unmap(void *ctx, struct xenstore_domain_interface *iface)
{
	(void)ctx;
	(void)iface;
}

static int fake_bind(void *ctx, uint32_t domid, uint32_t port,
		     struct xs_evtchn *ev)
{
	(void)ctx;
	(void)domid;
	ev->fd = 0;
	ev->local_port = port;
	return 0;
}

static void fake_evtchn(void *ctx, struct xs_evtchn *ev)
{
	(void)ctx;
	(void)ev;
}

static const struct xs_ring_backend fake_backend = {
	"fuzz", fake_map, fake_unmap, fake_bind, fake_evtchn, fake_evtchn,
	fake_evtchn,
};

/* Page of domain 9: 16 bytes of indexes, flags, then request bytes. */
static void fill_page(const uint8_t *data, size_t len, uint8_t flags)
{
	uint32_t idx[4] = { 0, 0, 0, 0 };
	size_t n;

	memset(&page, 0, sizeof(page));
	if (len >= sizeof(idx)) {
		memcpy(idx, data, sizeof(idx));
		data += sizeof(idx);
		len -= sizeof(idx);
	}
	n = len < XENSTORE_RING_SIZE ? len : XENSTORE_RING_SIZE;
	for (size_t i = 0; i < n; i++)
		page.req[MASK_XENSTORE_IDX(idx[0] + i)] = (char)data[i];
	page.req_cons = idx[0];
	page.req_prod = flags & 1 ? idx[1] : idx[0] + (uint32_t)n;
	page.rsp_cons = idx[2];
	page.rsp_prod = flags & 2 ? idx[3] : idx[2];
	page.connection = flags & 4 ? XENSTORE_RECONNECT : XENSTORE_CONNECTED;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct mem_stream s0, s7;
	struct xs_daemon d;
	struct xs_conn *c0, *c7;
	size_t split, ring_len;
	uint8_t split_byte, chunk_byte;
	uint32_t ring_cons;

	if (size < 4)
		return 0;
	split_byte = data[0];
	chunk_byte = data[1];
	ring_len = (size_t)data[2] * (size - 4) / 256;
	fill_page(data + 4, ring_len, data[3]);
	data += 4 + ring_len;
	size -= 4 + ring_len;
	split = (size_t)split_byte * size / 256;
	s0 = (struct mem_stream){ data, split, 0, 1 + chunk_byte % 64 * 16 };
	s7 = (struct mem_stream){ data + split, size - split, 0, 4096 };
	if (xs_daemon_init(&d))
		return 0;
	d.ring_be = &fake_backend;
	xs_domain_introduce(&d, 9, 42, 1);
	d.quota.nodes = 20; /* small quotas so their errors are reached */
	d.quota.outstanding = 4;
	d.quota.out_events = 16;
	c0 = xs_conn_new(&d, &mem_ops, &s0, -1, 0);
	c7 = xs_conn_new(&d, &mem_ops, &s7, -1, 7);
	while (c0 && c7 && !(c0->dead && c7->dead)) {
		size_t before = s0.off + s7.off;
		ring_cons = page.req_cons;
		xs_conn_input(c0);
		xs_conn_output(c0);
		xs_conn_input(c7);
		xs_conn_output(c7);
		xs_domain_poll_all(&d);
		page.rsp_cons = page.rsp_prod; /* the guest reads everything */
		if (s0.off + s7.off == before && page.req_cons == ring_cons &&
		    !xs_conn_wants_output(c0) &&
		    !xs_conn_wants_output(c7))
			break;
	}
	xs_daemon_destroy(&d);
	return 0;
}
