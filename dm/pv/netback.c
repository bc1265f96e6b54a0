/*
 * netback.c - the "qnic" backend type: a Xen PV network device (netif)
 * whose frames go to a tap on a Linux bridge in dom0, as Xen's kernel
 * netback plus the vif-bridge script do, or to user-mode networking
 * (libslirp, net_slirp.c) when the backend dir says `net` = `user`.
 * The type name is the one QEMU's legacy Xen NIC used, so dom0's kernel
 * netback (type "vif") never claims our devices.  Keys: the backend
 * directory our xl writes (libxl's vif layout: bridge, mac, handle; and
 * ours: net, hostfwd) and the ones Linux's xen-netfront reads and writes
 * (drivers/net/xen-netfront.c; meanings in Xen's public io/netif.h).
 * The rings are netif.c's business; which link is behind them, ours.
 *
 * The tap: /dev/net/tun, IFF_TAP | IFF_NO_PI | IFF_VNET_HDR (so TCPv4 GSO
 * packets go to the kernel whole; no offloads the other way, so what we
 * read is whole, checksummed frames), named vif<domid>.<devid>,
 * MAC fe:ff:ff:ff:ff:ff (never a guest's: the bridge takes the lowest),
 * added to the bridge and brought up at setup; it goes with the device.
 * Slirp takes no GSO packets: such a device offers no feature-gso-tcpv4.
 *
 * Up to QNIC_MAX_QUEUES queues (io/netif.h's multi-queue keys), each a
 * tx/rx ring pair, an event channel in the port slot of its index and a
 * netif.c engine; all send through the one link, and every frame the
 * link has for the guest goes to queue 0.
 */
#include <errno.h>
#include <fcntl.h>
#include <linux/if_tun.h>
#include <linux/sockios.h>
#include <net/if.h>
#include <net/if_arp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <unistd.h>

#include "net_slirp.h"
#include "netif.h"
#include "netif_abi.h"
#include "pv_backend.h"
#include "pv_log.h"

#define LOG_NIC(dev, fmt, ...) \
	pv_log("qnic dom%u/%u: " fmt, (unsigned)(dev)->ctx->host->domid, \
	       (unsigned)(dev)->devid, __VA_ARGS__)

#define QNIC_DEFAULT_BRIDGE "xenbr0"

/* Queues a frontend may ask for (multi-queue-max-queues, io/netif.h):
 * 4, as for qdisk - one thread serves them all, so more queues would
 * only spread the guest's transmit work over more of its CPUs, each
 * queue holding its own rings and event channel. */
#define QNIC_MAX_QUEUES 4
_Static_assert(QNIC_MAX_QUEUES <= PV_MAX_PORTS, "an event channel per queue");
/* A queue's frontend dir: the frontend's and "/queue-<i>". */
#define QNIC_DIR_MAX (PV_PATH_MAX + 24)

/* One tx/rx ring pair and the engine serving it. */
struct qnic_queue {
	void *tx_ring, *rx_ring;
	uint64_t tx_handle, rx_handle;
	struct netif_engine *engine;
};

struct qnic {
	struct pv_device *dev;
	int tap_fd; /* -1 unset */
	char ifname[IFNAMSIZ];
	struct netif_fd_link tap_link;
	struct net_slirp *slirp; /* NULL: the tap */
	const struct netif_link_ops *link_ops; /* the tap's or slirp's */
	void *link;
	unsigned nr_queues; /* connected; 0 none */
	struct qnic_queue queue[QNIC_MAX_QUEUES];
};

/* ---- the tap ------------------------------------------------------------ */

/* One SIOC* request about an interface, on a throwaway socket. */
static int if_ioctl(unsigned long request, struct ifreq *ifr)
{
	int sock = socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0);
	int rc = sock < 0 ? -errno : 0;

	if (rc == 0 && ioctl(sock, request, ifr) < 0)
		rc = -errno;
	if (sock >= 0)
		close(sock);
	return rc;
}

static int tap_create(struct qnic *q, const char *name)
{
	struct ifreq ifr = { .ifr_flags = IFF_TAP | IFF_NO_PI | IFF_VNET_HDR };

	q->tap_fd = open("/dev/net/tun", O_RDWR | O_NONBLOCK | O_CLOEXEC);
	if (q->tap_fd < 0)
		return -errno;
	snprintf(ifr.ifr_name, sizeof(ifr.ifr_name), "%s", name);
	if (ioctl(q->tap_fd, TUNSETIFF, &ifr) < 0)
		return -errno;
	snprintf(q->ifname, sizeof(q->ifname), "%s", ifr.ifr_name);
	return 0;
}

/* MAC fe:ff:ff:ff:ff:ff, into the bridge, up: vif-bridge's steps. */
static int tap_plug(const struct qnic *q, const char *bridge)
{
	static const uint8_t mac[6] = { 0xfe, 0xff, 0xff, 0xff, 0xff, 0xff };
	struct ifreq ifr = { 0 };
	int rc;

	snprintf(ifr.ifr_name, sizeof(ifr.ifr_name), "%s", q->ifname);
	ifr.ifr_hwaddr.sa_family = ARPHRD_ETHER;
	memcpy(ifr.ifr_hwaddr.sa_data, mac, sizeof(mac));
	if ((rc = if_ioctl(SIOCSIFHWADDR, &ifr)) < 0)
		return rc;
	memset(&ifr, 0, sizeof(ifr));
	snprintf(ifr.ifr_name, sizeof(ifr.ifr_name), "%s", bridge);
	ifr.ifr_ifindex = (int)if_nametoindex(q->ifname);
	if ((rc = if_ioctl(SIOCBRADDIF, &ifr)) < 0)
		return rc;
	memset(&ifr, 0, sizeof(ifr));
	snprintf(ifr.ifr_name, sizeof(ifr.ifr_name), "%s", q->ifname);
	if ((rc = if_ioctl(SIOCGIFFLAGS, &ifr)) < 0)
		return rc;
	ifr.ifr_flags |= IFF_UP;
	return if_ioctl(SIOCSIFFLAGS, &ifr);
}

/* ---- setup and teardown ---------------------------------------------------- */

/* What xen-netfront reads before it connects; only what netif.c does
 * over this link (TCPv4 GSO needs the tap's vnet header). */
static void publish_features(struct pv_device *dev, bool gso)
{
	struct pv_xs *xs = dev->ctx->xs;
	const char *be = dev->be_path;

	pv_xs_write_uint(xs, be, "feature-rx-copy", 1);
	pv_xs_write_uint(xs, be, "feature-rx-flip", 0);
	pv_xs_write_uint(xs, be, "feature-sg", 1);
	pv_xs_write_uint(xs, be, "feature-gso-tcpv4", gso ? 1 : 0);
	pv_xs_write_uint(xs, be, "feature-gso-tcpv6", 0);
	pv_xs_write_uint(xs, be, "feature-ipv6-csum-offload", 0);
	pv_xs_write_uint(xs, be, "multi-queue-max-queues", QNIC_MAX_QUEUES);
}

static void qnic_free(struct qnic *q)
{
	if (q->tap_fd >= 0)
		close(q->tap_fd); /* a non-persistent tap leaves its bridge and goes */
	net_slirp_free(q->slirp);
	free(q);
}

/* The tap vif<domid>.<devid> on the backend dir's bridge (or xenbr0). */
static int tap_setup(struct qnic *q)
{
	struct pv_device *dev = q->dev;
	char *bridge = pv_xs_read_key(dev->ctx->xs, dev->be_path, "bridge");
	const char *br = bridge && bridge[0] ? bridge : QNIC_DEFAULT_BRIDGE;
	char name[IFNAMSIZ];
	int rc;

	snprintf(name, sizeof(name), "vif%u.%u", (unsigned)dev->ctx->host->domid,
		 (unsigned)dev->devid);
	rc = tap_create(q, name);
	if (rc < 0)
		LOG_NIC(dev, "cannot create tap %s: %s", name, strerror(-rc));
	else if ((rc = tap_plug(q, br)) < 0)
		LOG_NIC(dev, "cannot add tap %s to bridge %s: %s", q->ifname, br, strerror(-rc));
	else
		LOG_NIC(dev, "tap %s on bridge %s", q->ifname, br);
	free(bridge);
	q->tap_link = (struct netif_fd_link){ .host = dev->ctx->host, .fd = q->tap_fd };
	return rc;
}

/* A slirp stack with the backend dir's hostfwd rules. */
static int slirp_setup(struct qnic *q)
{
	struct pv_device *dev = q->dev;
	char *hostfwd = pv_xs_read_key(dev->ctx->xs, dev->be_path, "hostfwd");
	char name[32];

	snprintf(name, sizeof(name), "dom%u/%u", (unsigned)dev->ctx->host->domid,
		 (unsigned)dev->devid);
	q->slirp = net_slirp_new(name, hostfwd);
	free(hostfwd);
	return q->slirp ? 0 : -EINVAL;
}

/* The backend dir's `net`: absent or "bridge" a tap, "user" slirp. */
static int link_setup(struct qnic *q)
{
	struct pv_device *dev = q->dev;
	char *net = pv_xs_read_key(dev->ctx->xs, dev->be_path, "net");
	int rc;

	if (!net || !net[0] || !strcmp(net, "bridge"))
		rc = tap_setup(q);
	else if (!strcmp(net, "user"))
		rc = slirp_setup(q);
	else {
		LOG_NIC(dev, "%s/net is \"%s\"; only bridge or user is served", dev->be_path, net);
		rc = -EINVAL;
	}
	free(net);
	return rc;
}

static int qnic_setup(struct pv_device *dev)
{
	struct qnic *q = calloc(1, sizeof(*q));
	int rc;

	if (!q)
		return -ENOMEM;
	q->dev = dev;
	q->tap_fd = -1;
	rc = link_setup(q);
	if (rc < 0) {
		qnic_free(q);
		return rc;
	}
	q->link_ops = q->slirp ? &net_slirp_link_ops : &netif_fd_link_ops;
	q->link = q->slirp ? (void *)q->slirp : (void *)&q->tap_link;
	dev->priv = q;
	publish_features(dev, !q->slirp);
	return 0;
}

static void qnic_teardown(struct pv_device *dev)
{
	struct qnic *q = dev->priv;

	if (!q)
		return;
	dev->type->disconnect(dev);
	qnic_free(q);
	dev->priv = NULL;
}

/* ---- connecting ------------------------------------------------------------ */

/* A frontend key in dir that must be a 32-bit number. */
static int read_u32(struct pv_device *dev, const char *dir, const char *key, uint32_t *value)
{
	uint64_t v = pv_xs_read_uint(dev->ctx->xs, dir, key, UINT64_MAX);

	if (v > UINT32_MAX) {
		LOG_NIC(dev, "frontend key %s/%s missing or bad", dir, key);
		return -EINVAL;
	}
	*value = (uint32_t)v;
	return 0;
}

/* What we do not offer must not be asked for. */
static int check_frontend(struct pv_device *dev)
{
	if (pv_xs_read_uint(dev->ctx->xs, dev->fe_path, "request-rx-copy", 0) != 1) {
		LOG_NIC(dev, "frontend %s wants page flipping (no request-rx-copy); "
			"only copying is served", dev->fe_path);
		return -EPROTONOSUPPORT;
	}
	return 0;
}

/* multi-queue-num-queues: absent, one queue; else 1 to the number we
 * offered (Linux's netfront writes 1 too when we offer several). */
static int read_num_queues(struct pv_device *dev, unsigned *nr)
{
	char *value = pv_xs_read_key(dev->ctx->xs, dev->fe_path, "multi-queue-num-queues");
	uint64_t n = 1;
	int rc = 0;

	if (value && (!pv_parse_uint(value, &n) || n == 0 || n > QNIC_MAX_QUEUES)) {
		LOG_NIC(dev, "multi-queue-num-queues '%s' is not 1 to the %u offered", value,
			QNIC_MAX_QUEUES);
		rc = -EINVAL;
	}
	free(value);
	*nr = (unsigned)n;
	return rc;
}

/* The frontend dir a queue's keys live in: the frontend's own with one
 * queue, queue-<i> below it with more (io/netif.h). */
static void queue_dir(const struct pv_device *dev, unsigned i, unsigned nr, char *dir)
{
	if (nr == 1)
		snprintf(dir, QNIC_DIR_MAX, "%s", dev->fe_path);
	else
		snprintf(dir, QNIC_DIR_MAX, "%s/queue-%u", dev->fe_path, i);
}

static void *map_ring(struct pv_device *dev, const char *dir, const char *key, uint64_t *handle)
{
	struct pv_host *host = dev->ctx->host;
	uint32_t ref;
	void *ring;

	if (read_u32(dev, dir, key, &ref) < 0)
		return NULL;
	ring = host->ops->map_grants(host, &ref, 1, true, handle);
	if (!ring)
		LOG_NIC(dev, "mapping %s/%s %u failed", dir, key, (unsigned)ref);
	return ring;
}

static void qnic_check_broken(struct pv_device *dev)
{
	struct qnic *q = dev->priv;

	for (unsigned i = 0; q && i < q->nr_queues; i++) {
		if (q->queue[i].engine && netif_engine_broken(q->queue[i].engine)) {
			xenbus_device_fail(dev, netif_engine_why(q->queue[i].engine));
			return;
		}
	}
}

/* The link has frames: they are queue 0's. */
static void on_link_ready(void *arg)
{
	struct pv_device *dev = arg;
	struct qnic *q = dev->priv;

	if (q && q->queue[0].engine) {
		netif_engine_link_ready(q->queue[0].engine);
		qnic_check_broken(dev);
	}
}

/* ---- the send-only link of queues 1.. --------------------------------------- */

/* Every frame for the guest goes to queue 0 (one read side of the tap or
 * slirp queue, one watcher, frames in the order they came): the other
 * queues send through the device's link but never receive. */
static ssize_t send_only_send(void *link, const struct iovec *iov, int iovcnt)
{
	struct qnic *q = link;

	return q->link_ops->send(q->link, iov, iovcnt);
}

static ssize_t send_only_recv(void *link, const struct iovec *iov, int iovcnt)
{
	(void)link;
	(void)iov;
	(void)iovcnt;
	errno = EAGAIN;
	return -1;
}

static long send_only_watch(void *link, void (*ready)(void *arg), void *arg)
{
	(void)link;
	(void)ready;
	(void)arg;
	return 1; /* never ready */
}

static void send_only_unwatch(void *link, long watch)
{
	(void)link;
	(void)watch;
}

static const struct netif_link_ops send_only_link_ops = {
	.send = send_only_send, .recv = send_only_recv,
	.watch = send_only_watch, .unwatch = send_only_unwatch,
};

/* Queue i from the keys in dir: its rings mapped, its event channel bound
 * into port slot i, its engine made.  Not kicked yet. */
static int connect_queue(struct pv_device *dev, struct qnic *q, unsigned i, const char *dir)
{
	struct qnic_queue *qu = &q->queue[i];
	struct pv_host *host = dev->ctx->host;
	uint32_t remote;
	long port;

	if (read_u32(dev, dir, "event-channel", &remote) < 0)
		return -EINVAL;
	qu->tx_ring = map_ring(dev, dir, "tx-ring-ref", &qu->tx_handle);
	qu->rx_ring = qu->tx_ring ? map_ring(dev, dir, "rx-ring-ref", &qu->rx_handle) : NULL;
	if (!qu->rx_ring)
		return -EFAULT;
	port = pv_device_bind(dev, i, remote);
	if (port < 0) {
		LOG_NIC(dev, "binding event channel %u of %s failed (%ld)", (unsigned)remote, dir, port);
		return (int)port;
	}
	struct netif_config cfg = {
		.host = host, .tx_sring = qu->tx_ring, .rx_sring = qu->rx_ring,
		.port = (uint32_t)port,
		.link_ops = i == 0 ? q->link_ops : &send_only_link_ops,
		.link = i == 0 ? q->link : (void *)q,
		.vnet_hdr = !q->slirp, .link_ready = on_link_ready, .link_ready_arg = dev,
	};
	qu->engine = netif_engine_new(&cfg);
	return qu->engine ? 0 : -ENOMEM;
}

/* Every queue connected before any is kicked. */
static int qnic_connect(struct pv_device *dev)
{
	struct qnic *q = dev->priv;
	char dir[QNIC_DIR_MAX];
	unsigned nr = 0;
	int rc = check_frontend(dev);

	if (rc == 0)
		rc = read_num_queues(dev, &nr);
	for (unsigned i = 0; rc == 0 && i < nr; i++) {
		queue_dir(dev, i, nr, dir);
		rc = connect_queue(dev, q, i, dir);
	}
	if (rc < 0)
		return rc;
	q->nr_queues = nr;
	LOG_NIC(dev, "%u queue%s; frames to the guest go to queue 0", nr, nr == 1 ? "" : "s");
	for (unsigned i = 0; i < nr; i++) {
		netif_engine_kick(q->queue[i].engine); /* packets and buffers may wait already */
		if (netif_engine_broken(q->queue[i].engine))
			return -EPROTO;
	}
	return 0;
}

static void log_queue_stats(struct pv_device *dev, unsigned i, const struct netif_stats *s)
{
	LOG_NIC(dev, "queue %u: tx %llu packets %llu bytes (%llu GSO, %llu errors, %llu dropped), "
		"rx %llu packets %llu bytes (%llu dropped)", i,
		(unsigned long long)s->tx_packets, (unsigned long long)s->tx_bytes,
		(unsigned long long)s->tx_gso, (unsigned long long)s->tx_errors,
		(unsigned long long)s->tx_dropped, (unsigned long long)s->rx_packets,
		(unsigned long long)s->rx_bytes, (unsigned long long)s->rx_dropped);
}

/* Every queue's engine freed, port unbound and rings unmapped, whatever
 * a failed connect got to. */
static void qnic_disconnect(struct pv_device *dev)
{
	struct qnic *q = dev->priv;
	struct pv_host *host = dev->ctx->host;

	if (!q)
		return;
	for (unsigned i = 0; i < QNIC_MAX_QUEUES; i++) {
		struct qnic_queue *qu = &q->queue[i];
		if (qu->engine)
			log_queue_stats(dev, i, netif_engine_stats(qu->engine));
		netif_engine_free(qu->engine);
		qu->engine = NULL;
		pv_device_unbind(dev, i);
		if (qu->tx_ring)
			host->ops->unmap_grants(host, qu->tx_ring, 1, qu->tx_handle);
		if (qu->rx_ring)
			host->ops->unmap_grants(host, qu->rx_ring, 1, qu->rx_handle);
		qu->tx_ring = qu->rx_ring = NULL;
	}
	q->nr_queues = 0;
}

static void qnic_event(struct pv_device *dev, unsigned slot)
{
	struct qnic *q = dev->priv;

	if (q && slot < q->nr_queues && q->queue[slot].engine) {
		netif_engine_kick(q->queue[slot].engine);
		qnic_check_broken(dev);
	}
}

const struct pv_backend_type pv_qnic_backend = {
	.name = "qnic",
	.setup = qnic_setup,
	.connect = qnic_connect,
	.disconnect = qnic_disconnect,
	.teardown = qnic_teardown,
	.event = qnic_event,
};
