/*
 * xs_ring.c - xenstored's side of the shared ring (xs_wire.h struct
 * xenstore_domain_interface; rules in Xen's docs/misc/xenstore-ring.txt).
 * Requests arrive in req[], replies and events go to rsp[]; indexes are
 * free-running 32-bit counters, masked into the 1024-byte arrays.  The
 * guest owns req_prod and rsp_cons, so both are re-read on every access
 * and never trusted: if a producer/consumer distance exceeds the ring
 * size, the server sets error = XENSTORE_ERROR_RINGIDX and stops serving
 * that ring.  A guest may ask to reconnect (connection =
 * XENSTORE_RECONNECT): pending data is discarded, indexes and error reset,
 * and connection goes back to XENSTORE_CONNECTED.
 */
#include <errno.h>
#include <string.h>

#include "xs_ring.h"

static uint32_t load_idx(const XENSTORE_RING_IDX *idx)
{
	return __atomic_load_n(idx, __ATOMIC_ACQUIRE);
}

static void store_idx(XENSTORE_RING_IDX *idx, uint32_t val)
{
	__atomic_store_n(idx, val, __ATOMIC_RELEASE);
}

static void ring_fail(struct xs_ring *ring, struct xs_conn *conn,
		      uint32_t error, const char *why)
{
	ring->iface->error = error;
	ring->notify_pending = true;
	xs_conn_kill(conn, why);
}

static long ring_read(struct xs_conn *conn, void *buf, size_t len)
{
	struct xs_ring *ring = conn->transport;
	struct xenstore_domain_interface *intf = ring->iface;
	uint32_t cons = load_idx(&intf->req_cons);
	uint32_t prod = load_idx(&intf->req_prod);
	uint32_t avail = prod - cons, n;

	if (avail > XENSTORE_RING_SIZE) {
		ring_fail(ring, conn, XENSTORE_ERROR_RINGIDX,
			  "request ring indexes inconsistent");
		return 0;
	}
	n = XENSTORE_RING_SIZE - MASK_XENSTORE_IDX(cons);
	if (n > avail)
		n = avail;
	if (n > len)
		n = (uint32_t)len;
	if (n == 0)
		return 0;
	memcpy(buf, intf->req + MASK_XENSTORE_IDX(cons), n);
	store_idx(&intf->req_cons, cons + n);
	ring->notify_pending = true;
	return n;
}

static long ring_write(struct xs_conn *conn, const void *buf, size_t len)
{
	struct xs_ring *ring = conn->transport;
	struct xenstore_domain_interface *intf = ring->iface;
	uint32_t cons = load_idx(&intf->rsp_cons);
	uint32_t prod = load_idx(&intf->rsp_prod);
	uint32_t used = prod - cons, n;

	if (used > XENSTORE_RING_SIZE) {
		ring_fail(ring, conn, XENSTORE_ERROR_RINGIDX,
			  "response ring indexes inconsistent");
		return 0;
	}
	n = XENSTORE_RING_SIZE - MASK_XENSTORE_IDX(prod);
	if (n > XENSTORE_RING_SIZE - used)
		n = XENSTORE_RING_SIZE - used;
	if (n > len)
		n = (uint32_t)len;
	if (n == 0)
		return 0;
	memcpy(intf->rsp + MASK_XENSTORE_IDX(prod), buf, n);
	store_idx(&intf->rsp_prod, prod + n);
	ring->notify_pending = true;
	return n;
}

static void ring_release(struct xs_conn *conn)
{
	struct xs_ring *ring = conn->transport;

	if (!ring) /* the domain was released first */
		return;
	if (conn->wire_error && ring->iface) {
		ring->iface->error = conn->wire_error;
		ring->notify_pending = true;
	}
	ring->conn = NULL;
}

static const struct xs_conn_ops ring_conn_ops = {
	.name = "ring",
	.read = ring_read,
	.write = ring_write,
	.release = ring_release,
};

int xs_ring_connect(struct xs_ring *ring)
{
	ring->conn = xs_conn_new(ring->d, &ring_conn_ops, ring, -1,
				 ring->domid);
	if (!ring->conn)
		return ENOMEM;
	ring->iface->server_features = XENSTORE_SERVER_FEATURE_RECONNECTION |
				       XENSTORE_SERVER_FEATURE_ERROR;
	return 0;
}

static void reconnect(struct xs_ring *ring)
{
	struct xenstore_domain_interface *intf = ring->iface;

	if (ring->conn)
		xs_conn_reset(ring->conn);
	else if (xs_ring_connect(ring))
		return;
	store_idx(&intf->req_cons, 0);
	store_idx(&intf->req_prod, 0);
	store_idx(&intf->rsp_cons, 0);
	store_idx(&intf->rsp_prod, 0);
	intf->error = XENSTORE_ERROR_NONE;
	store_idx(&intf->connection, XENSTORE_CONNECTED);
	ring->notify_pending = true;
}

void xs_ring_service(struct xs_ring *ring)
{
	const struct xs_ring_backend *be = ring->d->ring_be;

	be->ack(ring->d->ring_ctx, &ring->ev);
	if (load_idx(&ring->iface->connection) == XENSTORE_RECONNECT)
		reconnect(ring);
	if (ring->conn && !ring->conn->dead) {
		xs_conn_output(ring->conn);
		xs_conn_input(ring->conn);
		xs_conn_output(ring->conn);
	}
	if (ring->notify_pending) {
		ring->notify_pending = false;
		be->notify(ring->d->ring_ctx, &ring->ev);
	}
}
