/*
 * xs_loop.c - xenstored's event loop: one poll() over the listening
 * socket, every socket client (reading only while the client has fewer
 * than "outstanding" unread replies, writing while output is queued) and
 * every introduced domain's event channel, and the channel bound to
 * VIRQ_DOM_EXC (then every domain's state is checked, xs_domexc.c).
 * After each round, queued output is pushed, rings are serviced and
 * dropped connections are freed.
 */
#include <errno.h>
#include <poll.h>
#include <stdlib.h>
#include <string.h>

#include "xs_loop.h"
#include "xs_ring.h"
#include "xs_ring_xen.h"
#include "xs_socket.h"

struct poll_set {
	struct pollfd *fds;
	struct xs_conn **conns; /* NULL for the listener and event channels */
	size_t n, cap;
};

static int poll_add(struct poll_set *ps, int fd, short events,
		    struct xs_conn *conn)
{
	if (ps->n == ps->cap) {
		size_t cap = ps->cap ? ps->cap * 2 : 64;
		struct pollfd *f = realloc(ps->fds, cap * sizeof(*f));
		struct xs_conn **c;
		if (!f)
			return -1;
		ps->fds = f;
		c = realloc(ps->conns, cap * sizeof(*c));
		if (!c)
			return -1;
		ps->conns = c;
		ps->cap = cap;
	}
	ps->fds[ps->n] = (struct pollfd){ .fd = fd, .events = events };
	ps->conns[ps->n++] = conn;
	return 0;
}

static int build_poll_set(struct xs_daemon *d, const struct xs_listener *ls,
			  size_t nls, struct poll_set *ps)
{
	ps->n = 0;
	for (size_t i = 0; i < nls; i++)
		if (poll_add(ps, ls[i].fd, POLLIN, NULL))
			return -1;
	/* always present (fd -1 is ignored by poll), right after them */
	if (poll_add(ps, d->domexc_fd, POLLIN, NULL))
		return -1;
	for (struct xs_conn *c = d->conns; c; c = c->next) {
		short ev = 0;
		if (c->fd < 0 || c->dead)
			continue;
		if (c->out_replies < d->quota.outstanding)
			ev |= POLLIN;
		if (xs_conn_wants_output(c))
			ev |= POLLOUT;
		if (poll_add(ps, c->fd, ev, c))
			return -1;
	}
	for (struct xs_domain *dom = d->domains; dom; dom = dom->next)
		if (dom->ring && dom->ring->ev.fd >= 0 &&
		    poll_add(ps, dom->ring->ev.fd, POLLIN, NULL))
			return -1;
	return 0;
}

static void serve_ready(struct xs_daemon *d, struct poll_set *ps, size_t nls)
{
	for (size_t i = nls; i < ps->n; i++) {
		struct xs_conn *c = ps->conns[i];
		short re = ps->fds[i].revents;
		if (!c || !re)
			continue;
		if (re & POLLOUT)
			xs_conn_output(c);
		if (re & (POLLIN | POLLHUP | POLLERR))
			xs_conn_input(c);
		xs_conn_output(c);
	}
	/* Events queued for others by these requests go out now. */
	for (struct xs_conn *c = d->conns; c; c = c->next)
		if (c->fd >= 0 && xs_conn_wants_output(c))
			xs_conn_output(c);
}

int xs_loop_run(struct xs_daemon *d, const struct xs_listener *ls,
		size_t nls, volatile sig_atomic_t *quit)
{
	struct poll_set ps = { 0 };
	int rc = 0;

	while (!*quit) {
		if (build_poll_set(d, ls, nls, &ps)) {
			xs_log(d, "out of memory building the poll set");
			rc = -1;
			break;
		}
		if (poll(ps.fds, ps.n, -1) < 0) {
			if (errno == EINTR)
				continue;
			xs_log(d, "poll: %s", strerror(errno));
			rc = -1;
			break;
		}
		for (size_t i = 0; i < nls; i++)
			if (ps.fds[i].revents & POLLIN)
				xs_socket_accept(d, ls[i].fd, ls[i].domid);
		serve_ready(d, &ps, nls + 1);
		xs_domain_poll_all(d);
		if (ps.fds[nls].revents & POLLIN) {
			xs_evtchn_drain(d->domexc_fd);
			xs_domain_check_all(d);
		}
		xs_conn_reap(d);
	}
	free(ps.fds);
	free(ps.conns);
	return rc;
}
