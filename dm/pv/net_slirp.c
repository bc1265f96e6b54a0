/*
 * net_slirp.c - user-mode networking for a netif (see net_slirp.h) on
 * libslirp 4.7's API: slirp_new with a version-1 SlirpConfig, the SlirpCb
 * callbacks, slirp_input for the guest's frames, slirp_add_hostfwd for
 * port forwarding.  The main-loop glue is net_slirp_loop.c.
 *
 * Frames slirp emits (send_packet, called from slirp_input or from the
 * loop's poll) wait in a bounded queue; the engine is told from an idle
 * source, never from inside slirp, and only while it watches (the guest
 * posted rx buffers).  A full queue drops, as a wire would: TCP resends.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "bx_hostfwd.h"
#include "net_slirp.h"
#include "net_slirp_loop.h"
#include "pv_log.h"

/* Frames slirp emitted that the guest has not taken yet. */
#define NET_SLIRP_QUEUE_MAX 512u
#define NET_SLIRP_FRAME_MAX 65536u

struct slirp_frame {
	size_t len;
	uint8_t data[];
};

struct net_slirp {
	char name[32];
	Slirp *slirp;
	GSource *source;
	GQueue frames;          /* struct slirp_frame *, oldest first */
	uint64_t dropped;       /* frames slirp emitted that the queue refused */
	void (*ready)(void *arg);
	void *ready_arg;
	bool watched;
	guint ready_idle;       /* 0 none */
	uint8_t tx[NET_SLIRP_FRAME_MAX]; /* a guest frame, gathered */
};

/* ---- the queue toward the guest --------------------------------------- */

static gboolean on_frames_waiting(gpointer opaque)
{
	struct net_slirp *ns = opaque;

	if (!ns->watched || g_queue_is_empty(&ns->frames)) {
		ns->ready_idle = 0;
		return G_SOURCE_REMOVE;
	}
	/* May unwatch (removing this source) or free ns: not touched after. */
	ns->ready(ns->ready_arg);
	return G_SOURCE_CONTINUE;
}

static void tell_engine(struct net_slirp *ns)
{
	if (ns->watched && !ns->ready_idle && !g_queue_is_empty(&ns->frames))
		ns->ready_idle = g_idle_add_full(G_PRIORITY_DEFAULT, on_frames_waiting, ns, NULL);
}

static ssize_t slirp_send_packet(const void *buf, size_t len, void *opaque)
{
	struct net_slirp *ns = opaque;
	struct slirp_frame *f;

	if (g_queue_get_length(&ns->frames) >= NET_SLIRP_QUEUE_MAX ||
	    !(f = malloc(sizeof(*f) + len))) {
		if (ns->dropped++ == 0)
			pv_log("slirp %s: the guest takes no frames; dropping", ns->name);
		return (ssize_t)len;
	}
	f->len = len;
	memcpy(f->data, buf, len);
	g_queue_push_tail(&ns->frames, f);
	tell_engine(ns);
	return (ssize_t)len;
}

static void slirp_guest_error(const char *msg, void *opaque)
{
	struct net_slirp *ns = opaque;

	pv_log("slirp %s: guest error: %s", ns->name, msg);
}

static void slirp_no_poll_fd(int fd, void *opaque)
{
	(void)fd;
	(void)opaque;
}

static const SlirpCb net_slirp_callbacks = {
	.send_packet = slirp_send_packet,
	.guest_error = slirp_guest_error,
	.clock_get_ns = slirp_loop_clock_ns,
	.timer_new = slirp_loop_timer_new,
	.timer_free = slirp_loop_timer_free,
	.timer_mod = slirp_loop_timer_mod,
	.register_poll_fd = slirp_no_poll_fd,
	.unregister_poll_fd = slirp_no_poll_fd,
	.notify = slirp_loop_notify,
};

/* ---- the link ----------------------------------------------------------- */

static ssize_t slirp_link_send(void *link, const struct iovec *iov, int iovcnt)
{
	struct net_slirp *ns = link;
	size_t len = 0;

	for (int i = 0; i < iovcnt; i++) {
		if (iov[i].iov_len > sizeof(ns->tx) - len) {
			errno = EMSGSIZE;
			return -1;
		}
		memcpy(ns->tx + len, iov[i].iov_base, iov[i].iov_len);
		len += iov[i].iov_len;
	}
	slirp_input(ns->slirp, ns->tx, (int)len);
	return (ssize_t)len;
}

static ssize_t slirp_link_recv(void *link, const struct iovec *iov, int iovcnt)
{
	struct net_slirp *ns = link;
	struct slirp_frame *f = g_queue_pop_head(&ns->frames);
	size_t done = 0;

	if (!f) {
		errno = EAGAIN;
		return -1;
	}
	for (int i = 0; i < iovcnt && done < f->len; i++) {
		size_t n = f->len - done < iov[i].iov_len ? f->len - done : iov[i].iov_len;
		memcpy(iov[i].iov_base, f->data + done, n);
		done += n;
	}
	free(f);
	return (ssize_t)done;
}

static long slirp_link_watch(void *link, void (*ready)(void *arg), void *arg)
{
	struct net_slirp *ns = link;

	ns->ready = ready;
	ns->ready_arg = arg;
	ns->watched = true;
	tell_engine(ns);
	return 1;
}

static void slirp_link_unwatch(void *link, long watch)
{
	struct net_slirp *ns = link;

	(void)watch;
	ns->watched = false;
	if (ns->ready_idle)
		g_source_remove(ns->ready_idle);
	ns->ready_idle = 0;
}

const struct netif_link_ops net_slirp_link_ops = {
	.send = slirp_link_send,
	.recv = slirp_link_recv,
	.watch = slirp_link_watch,
	.unwatch = slirp_link_unwatch,
};

/* ---- setup ---------------------------------------------------------------- */

/* Each blank-separated rule of hostfwds, parsed and set up; 0 or -1. */
static int add_hostfwds(struct net_slirp *ns, const char *hostfwds)
{
	const char *p = hostfwds ? hostfwds : "";

	for (;;) {
		struct bx_hostfwd rule;
		p += strspn(p, " \t");
		size_t len = strcspn(p, " \t");
		if (!len)
			return 0;
		if (bx_hostfwd_parse(p, len, &rule) < 0) {
			pv_log("slirp %s: bad hostfwd rule \"%.*s\"", ns->name, (int)len, p);
			return -1;
		}
		if (slirp_add_hostfwd(ns->slirp, rule.udp, rule.host_addr, rule.host_port,
				      rule.guest_addr, rule.guest_port) < 0) {
			pv_log("slirp %s: hostfwd \"%.*s\": cannot listen on the host port (%s)",
			       ns->name, (int)len, p, strerror(errno));
			return -1;
		}
		pv_log("slirp %s: hostfwd %.*s", ns->name, (int)len, p);
		p += len;
	}
}

/* QEMU's -netdev user defaults. */
static Slirp *stack_new(struct net_slirp *ns)
{
	SlirpConfig cfg = { .version = 1, .in_enabled = true };

	inet_pton(AF_INET, "10.0.2.0", &cfg.vnetwork);
	inet_pton(AF_INET, "255.255.255.0", &cfg.vnetmask);
	inet_pton(AF_INET, "10.0.2.2", &cfg.vhost);
	inet_pton(AF_INET, "10.0.2.15", &cfg.vdhcp_start);
	inet_pton(AF_INET, "10.0.2.3", &cfg.vnameserver);
	return slirp_new(&cfg, &net_slirp_callbacks, ns);
}

struct net_slirp *net_slirp_new(const char *name, const char *hostfwds)
{
	struct net_slirp *ns = calloc(1, sizeof(*ns));

	if (!ns) {
		pv_log("slirp %s: out of memory", name);
		return NULL;
	}
	snprintf(ns->name, sizeof(ns->name), "%s", name);
	g_queue_init(&ns->frames);
	ns->slirp = stack_new(ns);
	if (!ns->slirp) {
		pv_log("slirp %s: slirp_new failed", ns->name);
		free(ns);
		return NULL;
	}
	if (add_hostfwds(ns, hostfwds) < 0) {
		net_slirp_free(ns);
		return NULL;
	}
	ns->source = slirp_loop_source_new(ns->slirp);
	pv_log("slirp %s: user networking 10.0.2.0/24 (libslirp %s)", ns->name,
	       slirp_version_string());
	return ns;
}

void net_slirp_free(struct net_slirp *ns)
{
	struct slirp_frame *f;

	if (!ns)
		return;
	slirp_link_unwatch(ns, 0);
	slirp_loop_source_free(ns->source);
	slirp_cleanup(ns->slirp);
	while ((f = g_queue_pop_head(&ns->frames)))
		free(f);
	if (ns->dropped)
		pv_log("slirp %s: %llu frames dropped", ns->name, (unsigned long long)ns->dropped);
	free(ns);
}
