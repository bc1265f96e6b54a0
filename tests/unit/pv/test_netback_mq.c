/*
 * Host tests of the qnic backend's multi-queue (dm/pv/netback.c; keys:
 * io/netif.h's multi-queue-max-queues / multi-queue-num-queues and
 * queue-<i>/): a net=user device (a real slirp stack, no root needed)
 * connected with two queues by hand-written frontend keys and rings in
 * the fake frontend's guest pages.  A frame sent on queue 1 reaches the
 * link; its answer comes back on queue 0, where every received frame
 * goes.
 */
#include <arpa/inet.h>
#include <glib.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "fake_frontend.h"
#include "fake_xs.h"
#include "netif_abi.h"
#include "pv_backend.h"
#include "pv_check.h"
#include "pv_log.h"
#include "registry.h"

#define NBE "/local/domain/0/backend/qnic/7/0"
#define NFE "/local/domain/7/device/vif/0"

/* Guest pages of queue i: tx ring, rx ring, rx buffer; and the tx frame. */
#define Q_TX(i) (FAKE_REF_BASE + 40 + 4 * (i))
#define Q_RX(i) (FAKE_REF_BASE + 41 + 4 * (i))
#define Q_BUF(i) (FAKE_REF_BASE + 42 + 4 * (i))
#define TX_FRAME (FAKE_REF_BASE + 60)

struct nq {
	struct fake_xs fx;
	struct fake_fe fe;
	struct pv_ctx ctx;
	struct pv_device *dev;
};

static void nq_set(struct nq *t, const char *dir, const char *key, const char *value)
{
	char path[2 * PV_PATH_MAX];

	snprintf(path, sizeof(path), "%s/%s", dir, key);
	fake_xs_set(&t->fx, path, value);
}

static bool nq_key_is(struct nq *t, const char *key, const char *want)
{
	char path[2 * PV_PATH_MAX];
	const char *v;

	snprintf(path, sizeof(path), NBE "/%s", key);
	v = fake_xs_get(&t->fx, path);
	return v && !strcmp(v, want);
}

/* A net=user device set up (InitWait), as libxl's directories leave it. */
static bool nq_init(struct nq *t)
{
	static const char *const keys[][2] = {
		{ "online", "1" }, { "state", "1" }, { "frontend", NFE }, { "net", "user" },
	};

	fake_xs_init(&t->fx);
	fake_fe_init(&t->fe, 1, 0);
	t->ctx = (struct pv_ctx){ .xs = &t->fx.xs, .host = &t->fe.host };
	snprintf(t->ctx.be_root, sizeof(t->ctx.be_root), "/local/domain/0/backend");
	for (size_t i = 0; i < sizeof(keys) / sizeof(keys[0]); i++)
		nq_set(t, NBE, keys[i][0], keys[i][1]);
	nq_set(t, NFE, "state", "1");
	t->dev = xenbus_device_new(&t->ctx, &pv_qnic_backend, 0);
	if (t->dev)
		xenbus_device_update(t->dev);
	return t->dev && nq_key_is(t, "state", "2");
}

static void nq_fini(struct nq *t)
{
	xenbus_device_free(t->dev);
	fake_fe_fini(&t->fe);
	fake_xs_fini(&t->fx);
}

/* Netfront's keys for nr queues (queue-<i>/ with more than one). */
static void nq_frontend_connects(struct nq *t, unsigned nr)
{
	char dir[PV_PATH_MAX], value[16];

	nq_set(t, NFE, "request-rx-copy", "1");
	snprintf(value, sizeof(value), "%u", nr);
	nq_set(t, NFE, "multi-queue-num-queues", value);
	for (unsigned i = 0; i < nr; i++) {
		struct netif_tx_sring *tx = (void *)fake_page(&t->fe, Q_TX(i));
		struct netif_rx_sring *rx = (void *)fake_page(&t->fe, Q_RX(i));
		memset(tx, 0, NETIF_PAGE_SIZE);
		memset(rx, 0, NETIF_PAGE_SIZE);
		tx->req_event = tx->rsp_event = rx->req_event = rx->rsp_event = 1;
		if (nr == 1)
			snprintf(dir, sizeof(dir), NFE);
		else
			snprintf(dir, sizeof(dir), NFE "/queue-%u", i);
		snprintf(value, sizeof(value), "%u", Q_TX(i));
		nq_set(t, dir, "tx-ring-ref", value);
		snprintf(value, sizeof(value), "%u", Q_RX(i));
		nq_set(t, dir, "rx-ring-ref", value);
		snprintf(value, sizeof(value), "%u", 9 + i);
		nq_set(t, dir, "event-channel", value);
	}
	nq_set(t, NFE, "state", "4");
}

/* Queue i's frontend posts one rx buffer and kicks. */
static void nq_post_rx(struct nq *t, unsigned i)
{
	struct netif_rx_sring *rx = (void *)fake_page(&t->fe, Q_RX(i));

	rx->ring[0].req = (struct netif_rx_request){ .id = (uint16_t)(10 + i), .gref = Q_BUF(i) };
	__atomic_store_n(&rx->req_prod, 1, __ATOMIC_RELEASE);
	t->dev->type->event(t->dev, i);
}

/* Queue i's frontend sends an ARP request for 10.0.2.2 and kicks. */
static void nq_send_arp(struct nq *t, unsigned i)
{
	static const uint8_t mac[6] = { 0x00, 0x16, 0x3e, 0x01, 0x02, 0x03 };
	struct netif_tx_sring *tx = (void *)fake_page(&t->fe, Q_TX(i));
	uint8_t *f = fake_page(&t->fe, TX_FRAME);

	memset(f, 0, 64);
	memset(f, 0xff, 6);
	memcpy(f + 6, mac, 6);
	f[12] = 0x08, f[13] = 0x06;                   /* ARP */
	f[14] = 0, f[15] = 1, f[16] = 0x08, f[17] = 0; /* Ethernet, IPv4 */
	f[18] = 6, f[19] = 4, f[20] = 0, f[21] = 1;   /* request */
	memcpy(f + 22, mac, 6);
	inet_pton(AF_INET, "10.0.2.15", f + 28);
	inet_pton(AF_INET, "10.0.2.2", f + 38);
	tx->ring[0].req = (struct netif_tx_request){ .gref = TX_FRAME, .id = 5, .size = 42 };
	__atomic_store_n(&tx->req_prod, 1, __ATOMIC_RELEASE);
	t->dev->type->event(t->dev, i);
}

static uint32_t rx_answered(struct nq *t, unsigned i)
{
	return __atomic_load_n(&((struct netif_rx_sring *)fake_page(&t->fe, Q_RX(i)))->rsp_prod,
			       __ATOMIC_ACQUIRE);
}

/* Turns of the main loop (slirp's sources) until queue 0 got a frame. */
static void run_until_rx(struct nq *t)
{
	for (int n = 0; n < 200 && !rx_answered(t, 0); n++)
		g_main_context_iteration(NULL, FALSE);
}

static void test_two_queues(void)
{
	struct nq t;
	struct netif_tx_sring *tx1;
	struct netif_rx_sring *rx0;
	const uint8_t *reply;

	if (!CHECK(nq_init(&t) && nq_key_is(&t, "multi-queue-max-queues", "4"),
		   "qnic mq: a net=user device offers multi-queue-max-queues 4"))
		return nq_fini(&t);
	nq_frontend_connects(&t, 2);
	xenbus_device_update(t.dev);
	CHECK(nq_key_is(&t, "state", "4") && t.dev->port[0] == 109 && t.dev->port[1] == 110 &&
	      t.fe.maps_live == 4,
	      "qnic mq: two queues -> four rings mapped, two channels bound -> Connected");
	nq_post_rx(&t, 0);
	nq_post_rx(&t, 1);
	nq_send_arp(&t, 1);
	tx1 = (void *)fake_page(&t.fe, Q_TX(1));
	CHECK(tx1->rsp_prod == 1 && tx1->ring[0].rsp.id == 5 &&
	      tx1->ring[0].rsp.status == NETIF_RSP_OKAY,
	      "qnic mq: queue 1's event sends its packet to the link");
	run_until_rx(&t);
	rx0 = (void *)fake_page(&t.fe, Q_RX(0));
	reply = fake_page(&t.fe, Q_BUF(0));
	CHECK(rx_answered(&t, 0) == 1 && rx0->ring[0].rsp.id == 10 && rx0->ring[0].rsp.status >= 42 &&
	      reply[12] == 0x08 && reply[13] == 0x06 && reply[21] == 2 && rx_answered(&t, 1) == 0,
	      "qnic mq: slirp's ARP reply comes back on queue 0 (all received frames go there), "
	      "queue 1's buffer stays posted");
	nq_set(&t, NFE, "state", "5");
	xenbus_device_update(t.dev);
	CHECK(nq_key_is(&t, "state", "5") && t.fe.maps_live == 0 && t.dev->port[0] == -1 &&
	      t.dev->port[1] == -1,
	      "qnic mq: frontend Closing -> every ring unmapped, both ports unbound");
	nq_fini(&t);
}

/* Connecting with the frontend's keys spoiled by key=value (NULL:
 * removed): refused with a logged reason, nothing mapped or bound. */
static void nq_refused(unsigned nr, const char *key, const char *value, const char *logged,
		       const char *what)
{
	char path[2 * PV_PATH_MAX], line[1024];
	bool found = false;
	FILE *log = tmpfile(), *quiet = fopen("/dev/null", "w");
	struct nq t;

	nq_init(&t);
	nq_frontend_connects(&t, nr);
	snprintf(path, sizeof(path), NFE "/%s", key);
	if (value)
		fake_xs_set(&t.fx, path, value);
	else
		fake_xs_rm(&t.fx, path);
	pv_log_set(log);
	xenbus_device_update(t.dev);
	pv_log_set(quiet);
	rewind(log);
	while (!found && fgets(line, sizeof(line), log))
		found = strstr(line, logged) != NULL;
	CHECK(found && nq_key_is(&t, "state", "5") && t.fe.maps_live == 0 &&
	      t.dev->port[0] == -1 && t.dev->port[1] == -1,
	      "qnic mq: %s -> refused (logged), nothing mapped or bound, Closing", what);
	fclose(log);
	nq_fini(&t);
}

void test_netback_mq(void)
{
	test_two_queues();
	nq_refused(2, "multi-queue-num-queues", "0", "is not 1 to the 4 offered",
		   "multi-queue-num-queues 0");
	nq_refused(2, "multi-queue-num-queues", "5", "is not 1 to the 4 offered",
		   "multi-queue-num-queues 5, above the 4 offered");
	nq_refused(2, "queue-1/rx-ring-ref", NULL, "queue-1/rx-ring-ref missing or bad",
		   "queue-1 without rx-ring-ref");
	nq_refused(2, "queue-1/event-channel", NULL, "queue-1/event-channel missing or bad",
		   "queue-1 without event-channel (split channels are not offered)");
	nq_refused(2, "queue-1/tx-ring-ref", "3", "queue-1/tx-ring-ref 3 failed",
		   "queue-1's tx-ring-ref not a grant that maps");
}
