/*
 * Host tests of the netif ring engine (dm/pv/netif.c): the fake frontend
 * (fake_frontend.c) lends its grant host and guest pages; the tx and rx
 * rings are pages the test owns, and the tap is one end of a SEQPACKET
 * socketpair (frame boundaries kept) whose other end the test reads and
 * writes.  Hostile rings must stop the engine with a reason, release
 * every mapping and answer nothing more.
 */
#include <errno.h>
#include <fcntl.h>
#include <linux/virtio_net.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "fake_frontend.h"
#include "netif.h"
#include "netif_abi.h"
#include "pv_check.h"

#define PORT 9
#define TX_PAGE(i) (FAKE_REF_BASE + 100u + (i)) /* guest pages for tx data */
#define RX_PAGE(i) (FAKE_REF_BASE + 300u + (i)) /* guest pages for rx buffers */

struct nctx {
	struct fake_fe fe;
	struct netif_tx_sring *tx;
	struct netif_rx_sring *rx;
	int sock[2];        /* [0] the engine's "tap", [1] the test's end */
	struct netif_fd_link link; /* over sock[0] */
	struct netif_engine *e;
	uint32_t tx_rsp_cons, rx_rsp_cons;
	uint8_t buf[70000];
};

static void link_ready(void *arg)
{
	struct nctx *t = arg;

	netif_engine_link_ready(t->e);
}

static bool nstart_vnet(struct nctx *t, uint32_t start, bool vnet_hdr);

static bool nstart(struct nctx *t, uint32_t start)
{
	return nstart_vnet(t, start, false);
}

static bool nstart_vnet(struct nctx *t, uint32_t start, bool vnet_hdr)
{
	memset(t, 0, sizeof(*t));
	if (fake_fe_init(&t->fe, 1, 0) < 0)
		return false;
	t->tx = aligned_alloc(NETIF_PAGE_SIZE, NETIF_PAGE_SIZE);
	t->rx = aligned_alloc(NETIF_PAGE_SIZE, NETIF_PAGE_SIZE);
	if (!t->tx || !t->rx || socketpair(AF_UNIX, SOCK_SEQPACKET, 0, t->sock) < 0)
		return false;
	fcntl(t->sock[0], F_SETFL, O_NONBLOCK);
	fcntl(t->sock[1], F_SETFL, O_NONBLOCK);
	memset(t->tx, 0, NETIF_PAGE_SIZE);
	memset(t->rx, 0, NETIF_PAGE_SIZE);
	t->tx->req_prod = t->tx->rsp_prod = t->rx->req_prod = t->rx->rsp_prod = start;
	t->tx->rsp_event = t->rx->rsp_event = start + 1;
	t->tx_rsp_cons = t->rx_rsp_cons = start;
	t->link = (struct netif_fd_link){ .host = &t->fe.host, .fd = t->sock[0] };
	struct netif_config cfg = { .host = &t->fe.host, .tx_sring = t->tx, .rx_sring = t->rx,
				    .port = PORT, .link_ops = &netif_fd_link_ops, .link = &t->link,
				    .link_ready = link_ready, .link_ready_arg = t,
				    .vnet_hdr = vnet_hdr };
	t->e = netif_engine_new(&cfg);
	return t->e != NULL;
}

static void nstop(struct nctx *t, const char *what)
{
	netif_engine_free(t->e);
	CHECK(t->fe.maps_live == 0, "%s: every grant mapping released (%u made)", what,
	      t->fe.maps_total);
	close(t->sock[0]);
	close(t->sock[1]);
	free(t->tx);
	free(t->rx);
	fake_fe_fini(&t->fe);
}

static void tx_put(struct nctx *t, uint32_t ref, uint16_t offset, uint16_t flags,
		   uint16_t id, uint16_t size)
{
	union netif_tx_slot *slot = &t->tx->ring[t->tx->req_prod & (NETIF_TX_RING_SIZE - 1)];

	slot->req = (struct netif_tx_request){ ref, offset, flags, id, size };
	t->tx->req_prod++;
}

static void tx_put_gso(struct nctx *t, uint16_t size, uint8_t type)
{
	union netif_tx_slot *slot = &t->tx->ring[t->tx->req_prod & (NETIF_TX_RING_SIZE - 1)];

	memset(slot, 0, sizeof(*slot));
	slot->extra.type = NETIF_EXTRA_TYPE_GSO;
	slot->extra.data[0] = (uint8_t)size;
	slot->extra.data[1] = (uint8_t)(size >> 8);
	slot->extra.data[2] = type;
	t->tx->req_prod++;
}

static void tx_put_extra(struct nctx *t, uint8_t type, uint8_t flags)
{
	union netif_tx_slot *slot = &t->tx->ring[t->tx->req_prod & (NETIF_TX_RING_SIZE - 1)];

	memset(slot, 0, sizeof(*slot));
	slot->extra.type = type;
	slot->extra.flags = flags;
	t->tx->req_prod++;
}

static bool tx_pop(struct nctx *t, struct netif_tx_response *rsp)
{
	if (t->tx->rsp_prod == t->tx_rsp_cons)
		return false;
	*rsp = t->tx->ring[t->tx_rsp_cons++ & (NETIF_TX_RING_SIZE - 1)].rsp;
	return true;
}

static uint8_t *page(struct nctx *t, uint32_t ref)
{
	return fake_page(&t->fe, ref);
}

static void fill(uint8_t *p, size_t len, unsigned seed)
{
	for (size_t i = 0; i < len; i++)
		p[i] = (uint8_t)(seed * 31u + i * 7u + (i >> 8));
}

/* What the test's end of the socket holds: one frame, its length, or -1. */
static ssize_t wire_read(struct nctx *t)
{
	return read(t->sock[1], t->buf, sizeof(t->buf));
}

/* ---- checksums -------------------------------------------------------- */

static uint32_t sum16(const uint8_t *p, size_t len, uint32_t sum)
{
	for (size_t i = 0; i + 1 < len; i += 2)
		sum += (uint32_t)p[i] << 8 | p[i + 1];
	if (len & 1)
		sum += (uint32_t)p[len - 1] << 8;
	return sum;
}

static uint16_t fold(uint32_t sum)
{
	while (sum >> 16)
		sum = (sum & 0xffff) + (sum >> 16);
	return (uint16_t)sum;
}

/* An Ethernet + IPv4 + TCP (proto 6) or UDP (17) frame of len bytes,
 * its L4 checksum field holding the pseudo-header sum (CHECKSUM_PARTIAL);
 * *good is the checksum a full computation gives. */
static void ipv4_frame(uint8_t *f, uint32_t len, uint8_t proto, uint16_t *good)
{
	uint32_t l4 = 34, l4len = len - l4, field = l4 + (proto == 6 ? 16 : 6);
	uint8_t pseudo[12];

	fill(f, len, proto);
	f[12] = 0x08, f[13] = 0x00;
	f[14] = 0x45, f[16] = (uint8_t)((len - 14) >> 8), f[17] = (uint8_t)(len - 14);
	f[20] = 0x40, f[21] = 0; /* DF, no fragment */
	f[23] = proto;
	memcpy(pseudo, f + 26, 8);
	pseudo[8] = 0, pseudo[9] = proto, pseudo[10] = (uint8_t)(l4len >> 8), pseudo[11] = (uint8_t)l4len;
	f[field] = f[field + 1] = 0;
	uint16_t full = (uint16_t)~fold(sum16(f + l4, l4len, sum16(pseudo, 12, 0)));
	*good = proto == 17 && full == 0 ? 0xffff : full;
	uint16_t partial = fold(sum16(pseudo, 12, 0));
	f[field] = (uint8_t)(partial >> 8), f[field + 1] = (uint8_t)partial;
}

static void test_csum(void)
{
	uint8_t f[1514];
	uint16_t good;

	ipv4_frame(f, sizeof(f), 6, &good);
	CHECK(netif_csum_complete(f, sizeof(f)) && (f[50] << 8 | f[51]) == good,
	      "csum: an IPv4 TCP frame's checksum completed from its pseudo-header sum");
	ipv4_frame(f, 101, 17, &good);
	CHECK(netif_csum_complete(f, 101) && (f[40] << 8 | f[41]) == good,
	      "csum: an IPv4 UDP frame of odd length");
	ipv4_frame(f, 200, 6, &good);
	f[20] |= 0x20; /* more fragments */
	CHECK(!netif_csum_complete(f, 200), "csum: an IPv4 fragment is refused");
	ipv4_frame(f, 200, 1, &good);
	CHECK(!netif_csum_complete(f, 200), "csum: neither TCP nor UDP is refused");
	ipv4_frame(f, 200, 6, &good);
	f[16] = 0x10; /* IP length past the frame */
	CHECK(!netif_csum_complete(f, 200), "csum: an IP length past the frame is refused");
	f[12] = 0x08, f[13] = 0x06;
	CHECK(!netif_csum_complete(f, 200), "csum: ARP is refused");
	CHECK(!netif_csum_complete(f, 10), "csum: a runt is refused");
}

/* ---- tx ---------------------------------------------------------------- */

static void test_tx_simple(void)
{
	struct nctx t;
	struct netif_tx_response rsp;

	if (!CHECK(nstart(&t, 0), "tx: engine started"))
		return;
	fill(page(&t, TX_PAGE(0)) + 100, 60, 1);
	tx_put(&t, TX_PAGE(0), 100, 0, 42, 60);
	netif_engine_kick(t.e);
	ssize_t n = wire_read(&t);
	CHECK(n == 60 && !memcmp(t.buf, page(&t, TX_PAGE(0)) + 100, 60),
	      "tx: a one-slot frame reaches the tap whole (%zd bytes)", n);
	CHECK(tx_pop(&t, &rsp) && rsp.id == 42 && rsp.status == NETIF_RSP_OKAY && !tx_pop(&t, &rsp),
	      "tx: one response, the request's id, OKAY");
	CHECK(t.fe.notifies == 1 && t.tx->req_event == t.tx->req_prod + 1,
	      "tx: the frontend kicked once, req_event re-armed past the producer");
	nstop(&t, "tx simple");
}

/* A frame in three slots (the first carrying 1000 - 600 - 300 bytes) with
 * two extra-info slots after the first. */
static void test_tx_fragments(void)
{
	struct nctx t;
	struct netif_tx_response rsp[8];
	uint8_t want[1000];
	unsigned n = 0;

	if (!CHECK(nstart(&t, 250), "tx frags: engine started at index 250 (wrapping)"))
		return;
	fill(page(&t, TX_PAGE(1)) + 4000, 96, 2);
	fill(page(&t, TX_PAGE(2)), 600, 3);
	fill(page(&t, TX_PAGE(3)) + 3796, 300, 4);
	memcpy(want, page(&t, TX_PAGE(1)) + 4000, 96);
	memcpy(want + 96, page(&t, TX_PAGE(2)), 600);
	memcpy(want + 696, page(&t, TX_PAGE(3)) + 3796, 300);
	want[12] = 0x88, want[13] = 0xb5; /* not IP: no checksum asked */
	page(&t, TX_PAGE(1))[4012] = 0x88, page(&t, TX_PAGE(1))[4013] = 0xb5;
	tx_put(&t, TX_PAGE(1), 4000, NETTXF_more_data | NETTXF_extra_info, 7, 996);
	tx_put_extra(&t, NETIF_EXTRA_TYPE_MCAST_ADD, NETIF_EXTRA_FLAG_MORE);
	tx_put_extra(&t, NETIF_EXTRA_TYPE_HASH, 0);
	tx_put(&t, TX_PAGE(2), 0, NETTXF_more_data, 8, 600);
	/* the last slot not yet published: the packet waits */
	netif_engine_kick(t.e);
	CHECK(wire_read(&t) < 0 && t.tx->rsp_prod == 250 && t.tx->req_event == t.tx->req_prod + 1,
	      "tx frags: a packet whose last slot is not there waits, req_event past it");
	tx_put(&t, TX_PAGE(3), 3796, 0, 9, 300);
	netif_engine_kick(t.e);
	ssize_t len = wire_read(&t);
	CHECK(len == 996 && !memcmp(t.buf, want, 996), "tx frags: the frame assembled from 3 slots");
	while (n < 8 && tx_pop(&t, &rsp[n]))
		n++;
	CHECK(n == 5 && rsp[0].id == 7 && rsp[0].status == 0 && rsp[1].status == NETIF_RSP_NULL &&
	      rsp[2].status == NETIF_RSP_NULL && rsp[3].id == 8 && rsp[4].id == 9 && rsp[4].status == 0,
	      "tx frags: 5 responses in slot order, NULL for the extras (%u)", n);
	nstop(&t, "tx frags");
}

static void test_tx_csum(void)
{
	struct nctx t;
	struct netif_tx_response rsp;
	uint16_t good;

	if (!CHECK(nstart(&t, 0), "tx csum: engine started"))
		return;
	/* 1514 bytes from offset 3000: 1096 in the first page, the rest next */
	uint8_t frame[1514];
	ipv4_frame(frame, sizeof(frame), 6, &good);
	memcpy(page(&t, TX_PAGE(4)) + 3000, frame, 1096);
	memcpy(page(&t, TX_PAGE(5)), frame + 1096, 418);
	tx_put(&t, TX_PAGE(4), 3000, NETTXF_csum_blank | NETTXF_data_validated | NETTXF_more_data, 1, 1514);
	tx_put(&t, TX_PAGE(5), 0, 0, 2, 418);
	netif_engine_kick(t.e);
	ssize_t n = wire_read(&t);
	CHECK(n == 1514 && (t.buf[50] << 8 | t.buf[51]) == good && !memcmp(t.buf, frame, 50),
	      "tx csum: csum_blank TCP frame across two pages leaves with its checksum filled");
	CHECK(netif_engine_stats(t.e)->tx_csum_filled == 1, "tx csum: counted");
	ipv4_frame(frame, 200, 1, &good);
	memcpy(page(&t, TX_PAGE(6)), frame, 200);
	tx_put(&t, TX_PAGE(6), 0, NETTXF_csum_blank, 3, 200);
	netif_engine_kick(t.e);
	tx_pop(&t, &rsp);
	tx_pop(&t, &rsp);
	CHECK(tx_pop(&t, &rsp) && rsp.id == 3 && rsp.status == NETIF_RSP_ERROR && wire_read(&t) < 0,
	      "tx csum: csum_blank on a frame that is not TCP/UDP: ERROR, nothing sent");
	CHECK(!netif_engine_broken(t.e), "tx csum: ... and the device goes on");
	nstop(&t, "tx csum");
}

static void test_tx_errors(void)
{
	struct nctx t;
	struct netif_tx_response rsp;

	if (!CHECK(nstart(&t, 0), "tx errors: engine started"))
		return;
	tx_put(&t, 5, 0, 0, 11, 60); /* a ref outside the guest */
	tx_put(&t, TX_PAGE(0), 0, 0, 12, 10); /* a runt */
	tx_put(&t, TX_PAGE(0), 0, NETTXF_extra_info, 13, 60);
	tx_put_extra(&t, NETIF_EXTRA_TYPE_GSO, 0); /* GSO was not offered */
	tx_put(&t, TX_PAGE(0), 0, 0, 14, 60);
	netif_engine_kick(t.e);
	bool ok = tx_pop(&t, &rsp) && rsp.id == 11 && rsp.status == NETIF_RSP_ERROR;
	ok = ok && tx_pop(&t, &rsp) && rsp.id == 12 && rsp.status == NETIF_RSP_ERROR;
	ok = ok && tx_pop(&t, &rsp) && rsp.id == 13 && rsp.status == NETIF_RSP_ERROR;
	ok = ok && tx_pop(&t, &rsp) && rsp.status == NETIF_RSP_NULL;
	ok = ok && tx_pop(&t, &rsp) && rsp.id == 14 && rsp.status == NETIF_RSP_OKAY;
	CHECK(ok, "tx errors: unmappable grant, runt, GSO answered ERROR; the next packet sent");
	CHECK(wire_read(&t) == 60 && wire_read(&t) < 0 && !netif_engine_broken(t.e),
	      "tx errors: only the good frame reached the tap, the device goes on");
	CHECK(netif_engine_stats(t.e)->tx_errors == 3, "tx errors: 3 counted");
	nstop(&t, "tx errors");
}

/* One hostile ring each: the engine stops, says why, answers nothing. */
struct hostile_case {
	const char *name;
	void (*write)(struct nctx *t);
	const char *why; /* a word of the reason */
};

static void h_prod(struct nctx *t)
{
	t->tx->req_prod += NETIF_TX_RING_SIZE + 1;
}

static void h_cross(struct nctx *t)
{
	tx_put(t, TX_PAGE(0), 4000, NETTXF_more_data, 1, 200);
	tx_put(t, TX_PAGE(1), 4000, 0, 2, 100);
}

static void h_first_cross(struct nctx *t)
{
	tx_put(t, TX_PAGE(0), 4090, 0, 1, 60);
}

static void h_frags_big(struct nctx *t)
{
	tx_put(t, TX_PAGE(0), 0, NETTXF_more_data, 1, 100);
	tx_put(t, TX_PAGE(1), 0, 0, 2, 200);
}

static void h_many(struct nctx *t)
{
	for (unsigned i = 0; i < NETIF_NR_SLOTS_MIN + 1; i++)
		tx_put(t, TX_PAGE(i), 0, i < NETIF_NR_SLOTS_MIN ? NETTXF_more_data : 0, (uint16_t)i, 100);
}

static void h_extra_type(struct nctx *t)
{
	tx_put(t, TX_PAGE(0), 0, NETTXF_extra_info, 1, 60);
	tx_put_extra(t, NETIF_EXTRA_TYPE_MAX, 0);
}

static void h_extras(struct nctx *t)
{
	tx_put(t, TX_PAGE(0), 0, NETTXF_extra_info, 1, 60);
	for (unsigned i = 0; i < 5; i++)
		tx_put_extra(t, NETIF_EXTRA_TYPE_MCAST_ADD, NETIF_EXTRA_FLAG_MORE);
}

static void h_endless(struct nctx *t)
{
	for (unsigned i = 0; i < NETIF_TX_RING_SIZE; i++)
		tx_put_extra(t, NETIF_EXTRA_TYPE_MCAST_ADD, NETIF_EXTRA_FLAG_MORE);
	t->tx->ring[0].req.flags = NETTXF_extra_info;
}

static void h_rx_prod(struct nctx *t)
{
	t->rx->req_prod = 0x80000000u;
}

static void test_tx_hostile(void)
{
	static const struct hostile_case cases[] = {
		{ "tx producer a ring and one ahead", h_prod, "producer" },
		{ "a fragment crossing its page", h_cross, "crosses" },
		{ "a first slot crossing its page", h_first_cross, "crosses" },
		{ "fragments bigger than the frame", h_frags_big, "fragments" },
		{ "19 data slots in one packet", h_many, "slots" },
		{ "an extra of unknown type", h_extra_type, "unknown" },
		{ "five extras in one packet", h_extras, "extra" },
		{ "rx producer far ahead", h_rx_prod, "rx producer" },
	};

	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		struct nctx t;
		if (!nstart(&t, 0))
			continue;
		cases[i].write(&t);
		netif_engine_kick(t.e);
		netif_engine_kick(t.e); /* a second kick changes nothing */
		CHECK(netif_engine_broken(t.e) && strstr(netif_engine_why(t.e), cases[i].why) &&
		      t.tx->rsp_prod == 0 && wire_read(&t) < 0 && t.fe.fd_watch == 0,
		      "hostile: %s stops the device (\"%s\"), nothing answered or sent, fd unwatched",
		      cases[i].name, netif_engine_why(t.e));
		nstop(&t, cases[i].name);
	}
	struct nctx t;
	if (nstart(&t, 0)) {
		h_endless(&t);
		netif_engine_kick(t.e);
		CHECK(netif_engine_broken(t.e) && t.fe.maps_total == 0,
		      "hostile: a whole ring of extras chained MORE stops it (\"%s\")", netif_engine_why(t.e));
		nstop(&t, "endless");
	}
}

/* A ring's worth of packets at once: one kick takes 256 slots, later more. */
static void test_tx_budget(void)
{
	struct nctx t;
	struct netif_tx_response rsp;
	unsigned got = 0;

	if (!CHECK(nstart(&t, 0), "tx budget: engine started"))
		return;
	for (unsigned i = 0; i < NETIF_TX_RING_SIZE; i++)
		tx_put(&t, TX_PAGE(0), 0, 0, (uint16_t)i, 60);
	netif_engine_kick(t.e);
	while (tx_pop(&t, &rsp))
		got++;
	for (unsigned i = 0; i < 10; i++)
		tx_put(&t, TX_PAGE(0), 0, 0, (uint16_t)i, 60);
	netif_engine_kick(t.e);
	CHECK(got == NETIF_TX_RING_SIZE && t.fe.laters == 1,
	      "tx budget: a full ring answered in one kick, which asks for another (%u laters)",
	      t.fe.laters);
	while (tx_pop(&t, &rsp))
		got++;
	CHECK(got == NETIF_TX_RING_SIZE + 10 && netif_engine_stats(t.e)->tx_packets == got,
	      "tx budget: the next kick takes the rest (%u)", got);
	nstop(&t, "tx budget");
}

/* With a vnet header on the fd: a TCPv4 GSO packet leaves whole with the
 * header the kernel segments by; other frames get an all-zero header. */
static void test_tx_gso(void)
{
	struct nctx t;
	struct netif_tx_response rsp;
	struct virtio_net_hdr h;
	uint16_t good;
	uint8_t frame[7000];

	if (!CHECK(nstart_vnet(&t, 0, true), "gso: engine started with a vnet header"))
		return;
	ipv4_frame(frame, sizeof(frame), 6, &good);
	frame[46] = 0x80; /* TCP data offset 8 words: 32-byte header */
	memcpy(page(&t, TX_PAGE(0)), frame, 4096);
	memcpy(page(&t, TX_PAGE(1)), frame + 4096, 2904);
	tx_put(&t, TX_PAGE(0), 0, NETTXF_csum_blank | NETTXF_extra_info | NETTXF_more_data, 1, 7000);
	tx_put_gso(&t, 1448, NETIF_GSO_TYPE_TCPV4);
	tx_put(&t, TX_PAGE(1), 0, 0, 2, 2904);
	netif_engine_kick(t.e);
	ssize_t n = wire_read(&t);
	memcpy(&h, t.buf, sizeof(h));
	CHECK(n == (ssize_t)(sizeof(h) + 7000) && h.flags == VIRTIO_NET_HDR_F_NEEDS_CSUM &&
	      h.gso_type == VIRTIO_NET_HDR_GSO_TCPV4 && h.gso_size == 1448 && h.csum_start == 34 &&
	      h.csum_offset == 16 && h.hdr_len == 66 && !memcmp(t.buf + sizeof(h), frame, 7000),
	      "gso: a 7000-byte TCPv4 GSO packet leaves whole, vnet header for 1448-byte segments");
	bool ok = tx_pop(&t, &rsp) && rsp.id == 1 && rsp.status == 0;
	ok = ok && tx_pop(&t, &rsp) && rsp.status == NETIF_RSP_NULL;
	ok = ok && tx_pop(&t, &rsp) && rsp.id == 2 && rsp.status == 0;
	CHECK(ok && netif_engine_stats(t.e)->tx_gso == 1, "gso: answered OKAY, NULL for the extra");
	fill(page(&t, TX_PAGE(2)), 60, 5);
	tx_put(&t, TX_PAGE(2), 0, 0, 3, 60);
	tx_put(&t, TX_PAGE(0), 0, NETTXF_csum_blank | NETTXF_extra_info, 4, 4000);
	tx_put_gso(&t, 1448, NETIF_GSO_TYPE_TCPV6);
	tx_put(&t, TX_PAGE(0), 0, NETTXF_extra_info, 5, 4000);
	tx_put_gso(&t, 1448, NETIF_GSO_TYPE_TCPV4); /* no blank checksum */
	netif_engine_kick(t.e);
	n = wire_read(&t);
	memcpy(&h, t.buf, sizeof(h));
	CHECK(n == (ssize_t)sizeof(h) + 60 && h.flags == 0 && h.gso_type == 0 &&
	      !memcmp(t.buf + sizeof(h), page(&t, TX_PAGE(2)), 60) && wire_read(&t) < 0,
	      "gso: a plain frame gets an all-zero header; TCPv6 GSO, GSO without csum_blank not sent");
	ok = tx_pop(&t, &rsp) && rsp.id == 3 && rsp.status == 0;
	ok = ok && tx_pop(&t, &rsp) && rsp.id == 4 && rsp.status == NETIF_RSP_ERROR;
	ok = ok && tx_pop(&t, &rsp) && tx_pop(&t, &rsp) && rsp.id == 5 && rsp.status == NETIF_RSP_ERROR;
	CHECK(ok && !netif_engine_broken(t.e), "gso: ... answered ERROR, the device goes on");
	/* rx: the tap's header is dropped, the frame delivered */
	struct virtio_net_hdr zero = { 0 };
	uint8_t msg[sizeof(zero) + 100];
	memcpy(msg, &zero, sizeof(zero));
	fill(msg + sizeof(zero), 100, 6);
	t.rx->ring[0].req = (struct netif_rx_request){ .id = 9, .gref = RX_PAGE(0) };
	t.rx->req_prod = 1;
	write(t.sock[1], msg, sizeof(msg));
	netif_engine_link_ready(t.e);
	CHECK(t.rx->rsp_prod == 1 && t.rx->ring[0].rsp.status == 100 &&
	      !memcmp(page(&t, RX_PAGE(0)), msg + sizeof(zero), 100),
	      "gso: rx strips the vnet header and delivers the 100-byte frame");
	nstop(&t, "gso");
}

/* ---- rx ---------------------------------------------------------------- */

static void rx_post(struct nctx *t, uint16_t id, uint32_t ref)
{
	t->rx->ring[t->rx->req_prod & (NETIF_RX_RING_SIZE - 1)].req =
		(struct netif_rx_request){ .id = id, .gref = ref };
	t->rx->req_prod++;
}

static bool rx_pop(struct nctx *t, struct netif_rx_response *rsp, uint32_t *slot)
{
	if (t->rx->rsp_prod == t->rx_rsp_cons)
		return false;
	*slot = t->rx_rsp_cons;
	*rsp = t->rx->ring[t->rx_rsp_cons++ & (NETIF_RX_RING_SIZE - 1)].rsp;
	return true;
}

static void test_rx(void)
{
	struct nctx t;
	struct netif_rx_response rsp;
	uint8_t frame[1514];
	uint32_t slot;

	if (!CHECK(nstart(&t, 100), "rx: engine started") || !CHECK(t.fe.fd_watch, "rx: fd watched"))
		return;
	fill(frame, sizeof(frame), 9);
	CHECK(write(t.sock[1], frame, sizeof(frame)) == sizeof(frame), "rx: frame written");
	t.fe.fd_ready(t.fe.fd_ready_arg);
	CHECK(t.fe.fd_watch == 0 && t.rx->req_event == 101 && t.rx->rsp_prod == 100,
	      "rx: no buffer posted: the fd watch stops, req_event armed, nothing answered");
	rx_post(&t, 77, RX_PAGE(0));
	rx_post(&t, 78, RX_PAGE(1));
	netif_engine_kick(t.e);
	CHECK(rx_pop(&t, &rsp, &slot) && slot == 100 && rsp.id == 77 && rsp.status == 1514 &&
	      rsp.offset == 0 && !memcmp(page(&t, RX_PAGE(0)), frame, 1514),
	      "rx: after the guest posts buffers, its kick delivers the frame in the request's slot");
	CHECK(t.fe.fd_watch != 0 && t.fe.notifies == 1, "rx: the fd is watched again, guest kicked");
	uint8_t big[5000];
	fill(big, sizeof(big), 3);
	write(t.sock[1], big, sizeof(big));
	write(t.sock[1], frame, 64);
	t.fe.fd_ready(t.fe.fd_ready_arg);
	CHECK(rx_pop(&t, &rsp, &slot) && rsp.id == 78 && rsp.status == 64 &&
	      netif_engine_stats(t.e)->rx_dropped == 1,
	      "rx: a 5000-byte frame is dropped (one page a frame), the next one delivered");
	rx_post(&t, 79, 3); /* a ref outside the guest */
	write(t.sock[1], frame, 100);
	t.fe.fd_ready(t.fe.fd_ready_arg);
	CHECK(rx_pop(&t, &rsp, &slot) && rsp.id == 79 && rsp.status == NETIF_RSP_ERROR &&
	      !netif_engine_broken(t.e), "rx: an unmappable buffer is answered ERROR, the device goes on");
	unsigned maps = t.fe.maps_total;
	for (unsigned i = 0; i < 3; i++) {
		rx_post(&t, (uint16_t)(80 + i), RX_PAGE(2 + i));
		write(t.sock[1], frame, 200 + i);
	}
	t.fe.fd_ready(t.fe.fd_ready_arg);
	bool ok = true;
	for (unsigned i = 0; i < 3; i++)
		ok = ok && rx_pop(&t, &rsp, &slot) && rsp.id == 80 + i && rsp.status == (int16_t)(200 + i) &&
		     !memcmp(page(&t, RX_PAGE(2 + i)), frame, 200 + i);
	CHECK(ok && t.fe.maps_total == maps + 1, "rx: three frames waiting go into three buffers mapped in one call");
	rx_post(&t, 90, RX_PAGE(5));
	rx_post(&t, 91, 4); /* bad */
	rx_post(&t, 92, RX_PAGE(6));
	for (unsigned i = 0; i < 3; i++)
		write(t.sock[1], frame, 300 + i);
	t.fe.fd_ready(t.fe.fd_ready_arg);
	ok = rx_pop(&t, &rsp, &slot) && rsp.id == 90 && rsp.status == 300;
	ok = ok && rx_pop(&t, &rsp, &slot) && rsp.id == 91 && rsp.status == NETIF_RSP_ERROR;
	ok = ok && rx_pop(&t, &rsp, &slot) && rsp.id == 92 && rsp.status == 302 &&
	     !memcmp(page(&t, RX_PAGE(6)), frame, 302);
	CHECK(ok, "rx: a bad ref in a batch costs its own frame only (the others mapped one by one)");
	nstop(&t, "rx");
}

void test_netif(void)
{
	test_csum();
	test_tx_simple();
	test_tx_fragments();
	test_tx_csum();
	test_tx_errors();
	test_tx_hostile();
	test_tx_budget();
	test_tx_gso();
	test_rx();
}
