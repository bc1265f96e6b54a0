/*
 * consif.c - the console ring engine (see consif.h).  The ring copy and
 * the output buffer are appliance/consoled's cons_ring.c (Xen's
 * io/console.h rules); this file decides when to take, hold, discard,
 * write and read, and owns the fd watches of the peer.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cons_ring.h"
#include "consif.h"

struct consif {
	struct consif_config cfg;
	int peer;              /* -1 none */
	bool keep;
	bool lost;             /* the peer went since consif_peer_lost */
	long in_watch;         /* peer readable, 0 none */
	long out_watch;        /* peer writable, 0 none */
	struct cons_buf out;   /* guest output not yet written to the peer */
	bool broken;
	char why[96];
	struct consif_stats stats;
};

static void on_peer_in(void *arg);
static void on_peer_out(void *arg);

static void set_broken(struct consif *c, const char *ring)
{
	const struct xencons_interface *intf = c->cfg.intf;
	bool out = !strcmp(ring, "output");

	c->broken = true;
	snprintf(c->why, sizeof(c->why), "%s ring indexes cons %u prod %u are more than a ring apart",
		 ring, (unsigned)(out ? intf->out_cons : intf->in_cons),
		 (unsigned)(out ? intf->out_prod : intf->in_prod));
}

static void unwatch(struct consif *c, long *watch)
{
	if (*watch > 0)
		c->cfg.host->ops->unwatch_fd(c->cfg.host, *watch);
	*watch = 0;
}

static void watch_in(struct consif *c, bool on)
{
	struct pv_host *host = c->cfg.host;

	if (!on || c->peer < 0 || c->broken)
		unwatch(c, &c->in_watch);
	else if (c->in_watch <= 0)
		c->in_watch = host->ops->watch_fd(host, c->peer, on_peer_in, c);
}

static void watch_out(struct consif *c, bool on)
{
	struct pv_host *host = c->cfg.host;

	if (!on || c->peer < 0 || c->broken)
		unwatch(c, &c->out_watch);
	else if (c->out_watch <= 0)
		c->out_watch = host->ops->watch_fd_out(host, c->peer, on_peer_out, c);
}

static void drop_peer(struct consif *c)
{
	watch_in(c, false);
	watch_out(c, false);
	c->stats.dropped += cons_buf_len(&c->out);
	cons_buf_advance(&c->out, cons_buf_len(&c->out));
	c->peer = -1;
	c->lost = true;
}

/* Guest output into the buffer (or away, with no peer); bytes taken. */
static long take_output(struct consif *c)
{
	const char *fresh;
	long n;

	if (c->peer < 0) {
		char sink[sizeof(c->cfg.intf->out)];
		n = cons_ring_take(c->cfg.intf, sink, sizeof(sink));
		c->stats.dropped += n > 0 ? (uint64_t)n : 0;
	} else if (!cons_buf_open(&c->out)) {
		return 0; /* the peer is slow: the guest waits */
	} else {
		size_t before = c->out.dropped;
		n = cons_buf_fill(&c->out, c->cfg.intf, &fresh);
		cons_buf_bound(&c->out);
		c->stats.dropped += c->out.dropped - before;
	}
	if (n == -EPROTO)
		set_broken(c, "output");
	return n;
}

/* The buffer to the peer, until it would block. */
static void flush_output(struct consif *c)
{
	while (c->peer >= 0 && cons_buf_len(&c->out)) {
		ssize_t n = write(c->peer, cons_buf_peek(&c->out), cons_buf_len(&c->out));
		if (n > 0) {
			cons_buf_advance(&c->out, (size_t)n);
			c->stats.out_bytes += (uint64_t)n;
		} else if (n < 0 && errno == EINTR) {
			continue;
		} else if (n < 0 && errno == EAGAIN) {
			break;
		} else {
			drop_peer(c);
		}
	}
	watch_out(c, c->peer >= 0 && cons_buf_len(&c->out));
}

/* Peer input into the guest's ring while it has room; true if any. */
static bool give_input(struct consif *c)
{
	char buf[sizeof(c->cfg.intf->in)];
	long room = cons_ring_in_room(c->cfg.intf);
	ssize_t n;

	if (room == -EPROTO) {
		set_broken(c, "input");
		return false;
	}
	if (c->peer < 0 || room == 0) {
		watch_in(c, false); /* the guest's kick after it read re-arms */
		return false;
	}
	do
		n = read(c->peer, buf, (size_t)room);
	while (n < 0 && errno == EINTR);
	if (n < 0 && errno == EAGAIN) {
		watch_in(c, true);
		return false;
	}
	if (n <= 0) {
		drop_peer(c); /* hung up, or failed */
		return false;
	}
	cons_ring_put(c->cfg.intf, buf, (size_t)n); /* fits: room was read first */
	c->stats.in_bytes += (uint64_t)n;
	watch_in(c, true);
	return true;
}

/* One pass both ways; kicks the guest if either ring moved. */
static void pump(struct consif *c)
{
	bool moved = false;

	if (c->broken)
		return;
	moved = take_output(c) > 0;
	flush_output(c);
	if (!c->broken && c->keep && cons_buf_open(&c->out) && take_output(c) > 0) {
		moved = true; /* the peer drained the buffer: the ring's rest */
		flush_output(c);
	}
	if (!c->broken && give_input(c))
		moved = true;
	if (c->broken) {
		watch_in(c, false);
		watch_out(c, false);
	}
	if (moved)
		c->cfg.host->ops->notify(c->cfg.host, c->cfg.port);
}

static void on_peer_in(void *arg)
{
	struct consif *c = arg;

	pump(c);
	if (c->cfg.after_io)
		c->cfg.after_io(c->cfg.arg);
}

static void on_peer_out(void *arg)
{
	on_peer_in(arg);
}

struct consif *consif_new(const struct consif_config *cfg)
{
	struct consif *c = calloc(1, sizeof(*c));

	if (!c)
		return NULL;
	c->cfg = *cfg;
	c->peer = -1;
	c->out.max = cfg->limit;
	return c;
}

void consif_free(struct consif *c)
{
	if (!c)
		return;
	watch_in(c, false);
	watch_out(c, false);
	cons_buf_free(&c->out);
	free(c);
}

void consif_set_peer(struct consif *c, int fd, bool keep)
{
	watch_in(c, false);
	watch_out(c, false);
	c->peer = fd;
	c->keep = keep;
	c->out.keep = keep;
	c->lost = false;
	pump(c);
}

bool consif_peer_lost(struct consif *c)
{
	bool lost = c->lost;

	c->lost = false;
	return lost;
}

void consif_kick(struct consif *c)
{
	pump(c);
}

bool consif_broken(const struct consif *c)
{
	return c->broken;
}

const char *consif_why(const struct consif *c)
{
	return c->why;
}

const struct consif_stats *consif_stats(const struct consif *c)
{
	return &c->stats;
}
