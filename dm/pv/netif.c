/*
 * netif.c - the network ring engine (see netif.h).  Protocol rules come
 * from Xen's public io/netif.h and io/ring.h:
 *
 *  - tx: a packet is a first request (size = the whole frame), optional
 *    extra-info slots (NETTXF_extra_info, then XEN_NETIF_EXTRA_FLAG_MORE)
 *    and more requests while NETTXF_more_data is set; the first slot
 *    carries what the others do not.  Every slot gets a response in
 *    order: the request's id and status, NETIF_RSP_NULL for an extra.
 *  - rx: each request posts one page; the frame goes at offset 0 and the
 *    response lands in the request's own slot (netfront relies on it).
 *  - Slots are copied out of the shared page once before use; the
 *    frontend may rewrite them meanwhile.
 *  - A producer index more than a ring ahead of our consumer, a slot
 *    crossing its page, fragments larger than the frame, more than
 *    NETIF_NR_SLOTS_MIN data slots or more than NETIF_EXTRA_TYPE_MAX - 1
 *    extras in a packet, or an unknown extra type are garbage: the
 *    engine stops (broken, with the reason) and the device is taken
 *    down by its owner.  A grant that does not map, a runt frame or a
 *    checksum we cannot complete cost that packet alone (NETIF_RSP_ERROR).
 *  - We re-arm req_event before going idle (the "final check" rule) and
 *    kick the frontend only when rsp_event falls in what was pushed.
 *
 * Data moves by mapping the guest's grants for the time of the copy:
 * read-only, one map call per tx packet; writable, one map call per batch
 * of up to NETIF_RX_BATCH rx frames.
 * With a vnet header on the link (a tap with IFF_VNET_HDR), a tx packet with
 * a TCPv4 GSO extra goes out whole (up to 64 KiB) and the kernel segments
 * it; other csum_blank frames get their checksum completed here.
 */
#include <errno.h>
#include <linux/virtio_net.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/uio.h>

#include "netif.h"
#include "netif_abi.h"
#include "pv_log.h"

#define NETIF_MAX_COMPLAINTS 16
#define NETIF_MAX_EXTRAS (NETIF_EXTRA_TYPE_MAX - 1)
#define NETIF_MAX_PACKET_SLOTS (NETIF_NR_SLOTS_MIN + NETIF_MAX_EXTRAS)
#define ETH_HEADER_LEN 14u
/* A frame from the link: bigger than any rx page, so oversize ones are
 * seen whole and dropped rather than cut. */
#define NETIF_FRAME_MAX 65536u
/* Frames read before their rx buffers are mapped, all in one call. */
#define NETIF_RX_BATCH 32u

enum take_result { TAKE_DONE, TAKE_WAIT, TAKE_FATAL };

struct netif_engine {
	struct netif_config cfg;
	struct netif_tx_sring *tx;
	struct netif_rx_sring *rx;
	uint32_t tx_cons, tx_rsp_pvt, tx_rsp_pushed;
	uint32_t rx_cons, rx_rsp_pvt, rx_rsp_pushed;
	long link_watch; /* > 0 while the link is watched */
	unsigned complaints;
	bool broken;
	char why[160];
	struct netif_stats stats;
	uint8_t frame[NETIF_FRAME_MAX];
	uint8_t rx_batch[NETIF_RX_BATCH][NETIF_PAGE_SIZE];
	uint16_t rx_len[NETIF_RX_BATCH];
};

/* One packet's tx slots as read from the ring. */
struct tx_packet {
	struct netif_tx_request data[NETIF_NR_SLOTS_MIN];
	unsigned nr_data, nr_slots; /* data slots; all slots, extras too */
	bool extra_at[NETIF_MAX_PACKET_SLOTS]; /* slot i is an extra */
	bool gso;
	uint8_t gso_type;
	uint16_t gso_size;
};

static void complain(struct netif_engine *e, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));
static void complain(struct netif_engine *e, const char *fmt, ...)
{
	char what[128];
	va_list ap;

	if (e->complaints >= NETIF_MAX_COMPLAINTS)
		return;
	e->complaints++;
	va_start(ap, fmt);
	vsnprintf(what, sizeof(what), fmt, ap);
	va_end(ap);
	pv_log("netif dom%u port %u: %s%s", (unsigned)e->cfg.host->domid, (unsigned)e->cfg.port,
	       what, e->complaints == NETIF_MAX_COMPLAINTS ? " (further ones not logged)" : "");
}

static void link_unwatch(struct netif_engine *e)
{
	if (e->link_watch > 0)
		e->cfg.link_ops->unwatch(e->cfg.link, e->link_watch);
	e->link_watch = 0;
}

static void link_watch(struct netif_engine *e)
{
	if (e->link_watch <= 0 && !e->broken)
		e->link_watch = e->cfg.link_ops->watch(e->cfg.link, e->cfg.link_ready,
						       e->cfg.link_ready_arg);
}

static void fail(struct netif_engine *e, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));
static void fail(struct netif_engine *e, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(e->why, sizeof(e->why), fmt, ap);
	va_end(ap);
	e->broken = true;
	link_unwatch(e);
	pv_log("netif dom%u port %u: %s; the device stops", (unsigned)e->cfg.host->domid,
	       (unsigned)e->cfg.port, e->why);
}

/* ---- responses ---------------------------------------------------------- */

/* io/ring.h's push-and-check-notify rule for one ring; true: notify. */
static bool push(uint32_t *shared_prod, const uint32_t *shared_event, uint32_t *pushed,
		 uint32_t pvt)
{
	uint32_t old = *pushed;

	if (old == pvt)
		return false;
	__atomic_thread_fence(__ATOMIC_RELEASE);
	__atomic_store_n(shared_prod, pvt, __ATOMIC_RELAXED);
	*pushed = pvt;
	__atomic_thread_fence(__ATOMIC_SEQ_CST);
	uint32_t event = __atomic_load_n(shared_event, __ATOMIC_RELAXED);
	return (uint32_t)(pvt - event) < (uint32_t)(pvt - old);
}

static void push_responses(struct netif_engine *e)
{
	bool tx = push(&e->tx->rsp_prod, &e->tx->rsp_event, &e->tx_rsp_pushed, e->tx_rsp_pvt);
	bool rx = push(&e->rx->rsp_prod, &e->rx->rsp_event, &e->rx_rsp_pushed, e->rx_rsp_pvt);

	if (tx || rx) {
		e->stats.notifies++;
		e->cfg.host->ops->notify(e->cfg.host, e->cfg.port);
	}
}

static void tx_respond(struct netif_engine *e, uint16_t id, int16_t status)
{
	volatile struct netif_tx_response *rsp =
		&e->tx->ring[e->tx_rsp_pvt++ & (NETIF_TX_RING_SIZE - 1)].rsp;

	rsp->id = id;
	rsp->status = status;
}

/* Every slot of the packet, in order: data slots with status, extras NULL. */
static void tx_respond_packet(struct netif_engine *e, const struct tx_packet *p, int16_t status)
{
	unsigned d = 0;

	for (unsigned i = 0; i < p->nr_slots; i++) {
		if (p->extra_at[i])
			tx_respond(e, 0, NETIF_RSP_NULL);
		else
			tx_respond(e, p->data[d++].id, status);
	}
}

/* ---- tx: reading one packet's slots --------------------------------------- */

static void read_slot(const struct netif_engine *e, uint32_t index, union netif_tx_slot *out)
{
	const volatile union netif_tx_slot *slot = &e->tx->ring[index & (NETIF_TX_RING_SIZE - 1)];

	memcpy(out, (const void *)slot, sizeof(*out));
}

/* The extra-info slots after the first request. */
static enum take_result read_extras(struct netif_engine *e, struct tx_packet *p, uint32_t avail)
{
	union netif_tx_slot slot;

	do {
		if (p->nr_slots - p->nr_data >= NETIF_MAX_EXTRAS) {
			fail(e, "tx packet with more than %u extra-info slots", NETIF_MAX_EXTRAS);
			return TAKE_FATAL;
		}
		if (p->nr_slots >= avail)
			return TAKE_WAIT;
		read_slot(e, e->tx_cons + p->nr_slots, &slot);
		if (slot.extra.type == NETIF_EXTRA_TYPE_NONE ||
		    slot.extra.type >= NETIF_EXTRA_TYPE_MAX) {
			fail(e, "tx extra-info slot of unknown type %u", slot.extra.type);
			return TAKE_FATAL;
		}
		if (slot.extra.type == NETIF_EXTRA_TYPE_GSO) {
			p->gso = true;
			p->gso_size = (uint16_t)(slot.extra.data[0] | slot.extra.data[1] << 8);
			p->gso_type = slot.extra.data[2];
		}
		p->extra_at[p->nr_slots++] = true;
	} while (slot.extra.flags & NETIF_EXTRA_FLAG_MORE);
	return TAKE_DONE;
}

/* The packet at tx_cons, whole, if the frontend published all of it. */
static enum take_result read_packet(struct netif_engine *e, struct tx_packet *p, uint32_t avail)
{
	union netif_tx_slot slot;
	uint16_t flags;

	memset(p, 0, sizeof(*p));
	read_slot(e, e->tx_cons, &slot);
	p->data[p->nr_data++] = slot.req;
	p->nr_slots = 1;
	flags = slot.req.flags;
	if (flags & NETTXF_extra_info) {
		enum take_result r = read_extras(e, p, avail);
		if (r != TAKE_DONE)
			return r;
	}
	while (flags & NETTXF_more_data) {
		if (p->nr_data >= NETIF_NR_SLOTS_MIN) {
			fail(e, "tx packet of more than %u slots", NETIF_NR_SLOTS_MIN);
			return TAKE_FATAL;
		}
		if (p->nr_slots >= avail)
			return TAKE_WAIT;
		read_slot(e, e->tx_cons + p->nr_slots++, &slot);
		p->data[p->nr_data++] = slot.req;
		flags = slot.req.flags;
	}
	return TAKE_DONE;
}

/* Slot geometry: each slot inside its page, fragments within the frame.
 * Sets *first_len (the first slot's own bytes). */
static bool packet_geometry_ok(struct netif_engine *e, const struct tx_packet *p,
			       uint32_t *first_len)
{
	uint32_t total = p->data[0].size, rest = 0;

	for (unsigned i = 1; i < p->nr_data; i++) {
		const struct netif_tx_request *r = &p->data[i];
		if ((uint32_t)r->offset + r->size > NETIF_PAGE_SIZE) {
			fail(e, "tx fragment of %u bytes at offset %u crosses its page",
			     r->size, r->offset);
			return false;
		}
		rest += r->size;
	}
	if (rest > total) {
		fail(e, "tx fragments of %u bytes in a frame of %u", (unsigned)rest, (unsigned)total);
		return false;
	}
	*first_len = total - rest;
	if (p->data[0].offset + *first_len > NETIF_PAGE_SIZE) {
		fail(e, "tx first slot of %u bytes at offset %u crosses its page",
		     (unsigned)*first_len, p->data[0].offset);
		return false;
	}
	return true;
}

/* ---- tx: moving one packet ------------------------------------------------ */

/* Copies the packet's data slots into e->frame; false if a grant failed. */
static bool gather(struct netif_engine *e, const struct tx_packet *p, uint32_t first_len)
{
	struct pv_host *host = e->cfg.host;
	uint32_t refs[NETIF_NR_SLOTS_MIN];
	uint64_t handle;
	uint8_t *pages, *at = e->frame;

	for (unsigned i = 0; i < p->nr_data; i++)
		refs[i] = p->data[i].gref;
	pages = host->ops->map_grants(host, refs, p->nr_data, false, &handle);
	if (!pages)
		return false;
	for (unsigned i = 0; i < p->nr_data; i++) {
		uint32_t len = i == 0 ? first_len : p->data[i].size;
		memcpy(at, pages + (size_t)i * NETIF_PAGE_SIZE + p->data[i].offset, len);
		at += len;
	}
	host->ops->unmap_grants(host, pages, p->nr_data, handle);
	return true;
}

/* The vnet header of a TCPv4 GSO frame: the kernel segments it and fills
 * the checksums from csum_start.  False if it is not TCP over IPv4. */
static bool gso_header(const uint8_t *frame, uint32_t len, uint16_t gso_size,
		       struct virtio_net_hdr *h)
{
	uint32_t l4, end;
	uint8_t proto;

	if (!netif_find_l4(frame, len, &l4, &end, &proto) || proto != 6 || frame[12] != 0x08 || frame[13] != 0x00 ||
	    l4 + 20 > end)
		return false;
	h->flags = VIRTIO_NET_HDR_F_NEEDS_CSUM;
	h->gso_type = VIRTIO_NET_HDR_GSO_TCPV4;
	h->gso_size = gso_size;
	h->csum_start = (uint16_t)l4;
	h->csum_offset = 16;
	h->hdr_len = (uint16_t)(l4 + (frame[l4 + 12] >> 4) * 4u);
	return true;
}

/* The whole frame in e->frame to the link; status for the guest. */
static int16_t send_frame(struct netif_engine *e, const struct tx_packet *p, uint32_t len)
{
	struct virtio_net_hdr h = { 0 };
	struct iovec iov[2] = { { &h, sizeof(h) }, { e->frame, len } };
	int first = e->cfg.vnet_hdr ? 0 : 1;

	if (p->gso) {
		if (!gso_header(e->frame, len, p->gso_size, &h)) {
			complain(e, "tx GSO frame of %u bytes is not TCP over IPv4", (unsigned)len);
			return NETIF_RSP_ERROR;
		}
		e->stats.tx_gso++;
	} else if (p->data[0].flags & NETTXF_csum_blank) {
		if (!netif_csum_complete(e->frame, len)) {
			complain(e, "tx frame of %u bytes: cannot complete its checksum", (unsigned)len);
			return NETIF_RSP_ERROR;
		}
		e->stats.tx_csum_filled++;
	}
	size_t want = len + (first ? 0 : sizeof(h));
	if (e->cfg.link_ops->send(e->cfg.link, iov + first, 2 - first) != (ssize_t)want) {
		e->stats.tx_dropped++; /* as a wire would: the guest is not told */
		return NETIF_RSP_OKAY;
	}
	e->stats.tx_packets++;
	e->stats.tx_bytes += len;
	return NETIF_RSP_OKAY;
}

/* Only TCPv4 GSO, offered with a vnet header, with a size and a blank
 * checksum (a GSO packet is CHECKSUM_PARTIAL in the guest). */
static bool gso_ok(const struct netif_engine *e, const struct tx_packet *p)
{
	return e->cfg.vnet_hdr && p->gso_type == NETIF_GSO_TYPE_TCPV4 && p->gso_size > 0 &&
	       (p->data[0].flags & NETTXF_csum_blank);
}

static int16_t transmit(struct netif_engine *e, const struct tx_packet *p, uint32_t first_len)
{
	uint32_t total = p->data[0].size;

	if (p->gso && !gso_ok(e, p)) {
		complain(e, "tx GSO packet of type %u, size %u refused", p->gso_type, p->gso_size);
		return NETIF_RSP_ERROR;
	}
	if (total < ETH_HEADER_LEN) {
		complain(e, "tx runt frame of %u bytes", (unsigned)total);
		return NETIF_RSP_ERROR;
	}
	if (!gather(e, p, first_len)) {
		complain(e, "tx grant ref %u does not map", (unsigned)p->data[0].gref);
		return NETIF_RSP_ERROR;
	}
	return send_frame(e, p, total);
}

/* One packet at tx_cons: sent or refused, answered and consumed. */
static enum take_result take_packet(struct netif_engine *e, uint32_t avail)
{
	struct tx_packet p;
	uint32_t first_len;
	enum take_result r = read_packet(e, &p, avail);

	if (r == TAKE_WAIT && avail >= NETIF_TX_RING_SIZE) {
		fail(e, "tx packet longer than the ring (%u slots)", (unsigned)avail);
		return TAKE_FATAL;
	}
	if (r != TAKE_DONE)
		return r;
	if (!packet_geometry_ok(e, &p, &first_len))
		return TAKE_FATAL;
	int16_t status = transmit(e, &p, first_len);
	if (status != NETIF_RSP_OKAY)
		e->stats.tx_errors++;
	tx_respond_packet(e, &p, status);
	e->tx_cons += p.nr_slots;
	return TAKE_DONE;
}

/* The tx producer, checked: false (broken) if more than a ring ahead. */
static bool tx_prod(struct netif_engine *e, uint32_t *prod)
{
	*prod = __atomic_load_n(&e->tx->req_prod, __ATOMIC_ACQUIRE);
	if ((uint32_t)(*prod - e->tx_cons) > NETIF_TX_RING_SIZE) {
		fail(e, "tx producer index %u is more than a ring past our %u", (unsigned)*prod, (unsigned)e->tx_cons);
		return false;
	}
	return true;
}

/* Up to a ring's worth of slots, or a few looks at a moving producer
 * index; the rest on a later turn of the main loop. */
static void tx_run(struct netif_engine *e)
{
	uint32_t prod, taken = 0;

	for (unsigned looks = 0; !e->broken && tx_prod(e, &prod); looks++) {
		if (looks == 8) { /* a frontend that keeps moving it cannot hold us */
			e->cfg.host->ops->later(e->cfg.host, e->cfg.port);
			return;
		}
		while (e->tx_cons != prod && taken < NETIF_TX_RING_SIZE) {
			uint32_t before = e->tx_cons;
			if (take_packet(e, prod - e->tx_cons) != TAKE_DONE)
				break;
			taken += e->tx_cons - before;
		}
		if (e->broken || taken >= NETIF_TX_RING_SIZE) {
			if (!e->broken)
				e->cfg.host->ops->later(e->cfg.host, e->cfg.port);
			return;
		}
		/* Idle, or a packet not yet whole: kicked for what comes next. */
		__atomic_store_n(&e->tx->req_event, prod + 1, __ATOMIC_RELAXED);
		__atomic_thread_fence(__ATOMIC_SEQ_CST);
		if (__atomic_load_n(&e->tx->req_prod, __ATOMIC_ACQUIRE) == prod)
			return;
	}
}

/* ---- rx --------------------------------------------------------------- */

static void rx_respond(struct netif_engine *e, uint16_t id, int16_t status)
{
	volatile struct netif_rx_response *rsp =
		&e->rx->ring[e->rx_rsp_pvt++ & (NETIF_RX_RING_SIZE - 1)].rsp;

	rsp->id = id;
	rsp->offset = 0;
	rsp->flags = 0;
	rsp->status = status;
}

/* The rx buffers the guest posted that we have not taken; with none,
 * req_event is re-armed first so its next post kicks us.  0 also when the
 * producer index is garbage (the engine stops). */
static uint32_t rx_buffers(struct netif_engine *e)
{
	uint32_t prod = __atomic_load_n(&e->rx->req_prod, __ATOMIC_ACQUIRE);

	if (prod == e->rx_cons) {
		__atomic_store_n(&e->rx->req_event, e->rx_cons + 1, __ATOMIC_RELAXED);
		__atomic_thread_fence(__ATOMIC_SEQ_CST);
		prod = __atomic_load_n(&e->rx->req_prod, __ATOMIC_ACQUIRE);
	}
	if ((uint32_t)(prod - e->rx_cons) > NETIF_RX_RING_SIZE) {
		fail(e, "rx producer index %u is more than a ring past our %u", (unsigned)prod,
		     (unsigned)e->rx_cons);
		return 0;
	}
	return prod - e->rx_cons;
}

/* One frame from the link into rx_batch[i] (its vnet header, all zero for a
 * tap without offloads, dropped; a frame over a page spills into
 * e->frame and is dropped by the caller); its length, 0 or -1 (errno). */
static ssize_t read_frame(struct netif_engine *e, unsigned i)
{
	struct virtio_net_hdr h;
	struct iovec iov[3] = { { &h, sizeof(h) }, { e->rx_batch[i], NETIF_PAGE_SIZE },
				{ e->frame, sizeof(e->frame) } };
	int first = e->cfg.vnet_hdr ? 0 : 1;
	ssize_t n = e->cfg.link_ops->recv(e->cfg.link, iov + first, 3 - first);

	if (n < 0 || first)
		return n;
	return n > (ssize_t)sizeof(h) ? n - (ssize_t)sizeof(h) : 0;
}

/* Up to max frames into rx_batch (oversize ones dropped); how many. */
static unsigned read_batch(struct netif_engine *e, unsigned max)
{
	unsigned n = 0;

	for (unsigned tries = 0; n < max && tries < 2 * max; tries++) {
		ssize_t len = read_frame(e, n);
		if (len < 0 && errno != EAGAIN && errno != EWOULDBLOCK && errno != EINTR)
			complain(e, "reading from the link failed: %s", strerror(errno));
		if (len <= 0)
			break;
		if ((uint32_t)len > NETIF_PAGE_SIZE) {
			e->stats.rx_dropped++; /* no rx scatter-gather: one page a frame */
			continue;
		}
		e->rx_len[n++] = (uint16_t)len;
	}
	return n;
}

static void rx_delivered(struct netif_engine *e, uint16_t id, uint16_t len)
{
	rx_respond(e, id, (int16_t)len);
	e->stats.rx_packets++;
	e->stats.rx_bytes += len;
}

/* Frame i into one buffer mapped alone (a batch did not map). */
static void deliver_one(struct netif_engine *e, const struct netif_rx_request *req, unsigned i)
{
	struct pv_host *host = e->cfg.host;
	uint64_t handle;
	uint32_t ref = req->gref;
	uint8_t *page = host->ops->map_grants(host, &ref, 1, true, &handle);

	if (!page) {
		complain(e, "rx grant ref %u does not map", (unsigned)ref);
		e->stats.rx_dropped++;
		rx_respond(e, req->id, NETIF_RSP_ERROR);
		return;
	}
	memcpy(page, e->rx_batch[i], e->rx_len[i]);
	host->ops->unmap_grants(host, page, 1, handle);
	rx_delivered(e, req->id, e->rx_len[i]);
}

/* The n frames of rx_batch into the guest's next n buffers: one map call
 * for all of them, or one each if that fails (a bad ref costs its frame). */
static void deliver_batch(struct netif_engine *e, unsigned n)
{
	struct netif_rx_request req[NETIF_RX_BATCH];
	uint32_t refs[NETIF_RX_BATCH] = { 0 };
	struct pv_host *host = e->cfg.host;
	uint64_t handle;

	for (unsigned i = 0; i < n; i++) {
		const volatile struct netif_rx_request *slot =
			&e->rx->ring[e->rx_cons++ & (NETIF_RX_RING_SIZE - 1)].req;
		req[i] = (struct netif_rx_request){ .id = slot->id, .gref = slot->gref };
		refs[i] = req[i].gref;
	}
	uint8_t *pages = host->ops->map_grants(host, refs, n, true, &handle);
	for (unsigned i = 0; i < n; i++) {
		if (!pages) {
			deliver_one(e, &req[i], i);
			continue;
		}
		memcpy(pages + (size_t)i * NETIF_PAGE_SIZE, e->rx_batch[i], e->rx_len[i]);
		rx_delivered(e, req[i].id, e->rx_len[i]);
	}
	if (pages)
		host->ops->unmap_grants(host, pages, n, handle);
}

/* Frames from the link while the guest has buffers, up to a ring's worth,
 * NETIF_RX_BATCH at a time; the link watch runs only while buffers are. */
static void rx_run(struct netif_engine *e)
{
	for (unsigned round = 0; round < NETIF_RX_RING_SIZE / NETIF_RX_BATCH; round++) {
		uint32_t room = rx_buffers(e);
		if (room == 0) {
			link_unwatch(e); /* until the guest posts buffers and kicks */
			return;
		}
		unsigned max = room < NETIF_RX_BATCH ? room : NETIF_RX_BATCH;
		unsigned n = read_batch(e, max);
		if (n)
			deliver_batch(e, n);
		if (n < max)
			break; /* the link is drained */
	}
	link_watch(e);
}

/* ---- checksum completion ------------------------------------------------ */

static uint32_t be16_at(const uint8_t *p)
{
	return (uint32_t)p[0] << 8 | p[1];
}

/* Where the L4 header starts, its end and protocol; false if the frame is
 * not IPv4 (unfragmented) or IPv6 (no extension header). */
bool netif_find_l4(const uint8_t *f, uint32_t len, uint32_t *l4, uint32_t *end, uint8_t *proto)
{
	uint32_t l3 = ETH_HEADER_LEN, type = be16_at(f + 12);

	if (type == 0x8100) { /* one 802.1Q tag */
		if (len < 18)
			return false;
		type = be16_at(f + 16);
		l3 = 18;
	}
	if (type == 0x0800 && len >= l3 + 20) {
		uint32_t ihl = (f[l3] & 0xfu) * 4u;
		*end = l3 + be16_at(f + l3 + 2);
		*l4 = l3 + ihl;
		*proto = f[l3 + 9];
		return (f[l3] >> 4) == 4 && ihl >= 20 && (be16_at(f + l3 + 6) & 0x3fffu) == 0 &&
		       *l4 <= *end && *end <= len;
	}
	if (type == 0x86dd && len >= l3 + 40) {
		*l4 = l3 + 40;
		*end = *l4 + be16_at(f + l3 + 4);
		*proto = f[l3 + 6];
		return (f[l3] >> 4) == 6 && *end <= len;
	}
	return false;
}

bool netif_csum_complete(uint8_t *frame, uint32_t len)
{
	uint32_t l4, end, field, sum = 0;
	uint8_t proto;

	if (len < ETH_HEADER_LEN || !netif_find_l4(frame, len, &l4, &end, &proto))
		return false;
	if (proto != 6 && proto != 17)
		return false;
	field = l4 + (proto == 6 ? 16u : 6u);
	if (field + 2 > end)
		return false;
	/* The field holds the pseudo-header sum: summing over it adds it in. */
	for (uint32_t i = l4; i + 1 < end; i += 2)
		sum += be16_at(frame + i);
	if ((end - l4) & 1)
		sum += (uint32_t)frame[end - 1] << 8;
	while (sum >> 16)
		sum = (sum & 0xffffu) + (sum >> 16);
	sum = ~sum & 0xffffu;
	if (proto == 17 && sum == 0)
		sum = 0xffff; /* UDP: 0 means "no checksum" */
	frame[field] = (uint8_t)(sum >> 8);
	frame[field + 1] = (uint8_t)sum;
	return true;
}

/* ---- the engine ------------------------------------------------------- */

struct netif_engine *netif_engine_new(const struct netif_config *cfg)
{
	struct netif_engine *e = calloc(1, sizeof(*e));

	if (!e)
		return NULL;
	e->cfg = *cfg;
	e->tx = cfg->tx_sring;
	e->rx = cfg->rx_sring;
	/* The frontend initialised the rings; we start where they stand. */
	e->tx_cons = e->tx_rsp_pvt = e->tx_rsp_pushed = e->tx->rsp_prod;
	e->rx_cons = e->rx_rsp_pvt = e->rx_rsp_pushed = e->rx->rsp_prod;
	link_watch(e);
	return e;
}

void netif_engine_kick(struct netif_engine *e)
{
	if (e->broken)
		return;
	tx_run(e);
	if (!e->broken)
		rx_run(e);
	push_responses(e);
}

void netif_engine_link_ready(struct netif_engine *e)
{
	if (e->broken)
		return;
	rx_run(e);
	push_responses(e);
}

void netif_engine_free(struct netif_engine *e)
{
	if (!e)
		return;
	link_unwatch(e);
	free(e);
}

bool netif_engine_broken(const struct netif_engine *e)
{
	return e->broken;
}

const char *netif_engine_why(const struct netif_engine *e)
{
	return e->why;
}

const struct netif_stats *netif_engine_stats(const struct netif_engine *e)
{
	return &e->stats;
}
