/*
 * cons_io.c - bastion-consoled's poll loop.  One pollfd for xenstored,
 * and per console its event channel (while the output buffer takes more
 * and the console is within its event rate) and its pty master (POLLIN
 * while the guest's input ring has room, POLLOUT while output waits).
 * Rate limit as xenconsoled's: a console that raised CONS_RATE_EVENTS
 * events in a period of CONS_RATE_PERIOD_MS stays masked until the period
 * ends.  A console whose ring has bad indexes is skipped (and said once);
 * the others go on.
 */
#include <errno.h>
#include <poll.h>
#include <stdlib.h>
#include <string.h>
#include <syslog.h>
#include <time.h>
#include <unistd.h>

#include "consoled.h"

long long cons_now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (long long)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

static void ring_broken(struct cons_console *con, const char *which)
{
	if (!con->ring_broken)
		cons_msg(LOG_WARNING, "domain %u: console %s ring has bad indexes; "
			 "ignoring it", con->domid, which);
	con->ring_broken = true;
}

/* Guest output from the ring to the buffer and the log. */
static void take_output(struct consoled *cd, struct cons_console *con)
{
	const char *fresh = NULL;
	long n;

	if (!con->intf || !cons_buf_open(&con->out))
		return;
	n = cons_buf_fill(&con->out, con->intf, &fresh);
	if (n == -EPROTO)
		ring_broken(con, "output");
	else if (n == -ENOMEM)
		cons_msg(LOG_ERR, "domain %u: out of memory for console output", con->domid);
	if (n <= 0)
		return;
	bx_evtchn_notify(con->evtchn_fd, (uint32_t)con->local_port);
	cons_log_write(cd, con, fresh, (size_t)n);
	cons_buf_bound(&con->out);
}

static void on_event(struct consoled *cd, struct cons_console *con)
{
	long port = bx_evtchn_pending(con->evtchn_fd);

	if (port < 0)
		return;
	if (port != con->local_port) {
		cons_msg(LOG_ERR, "domain %u: event on port %ld, expected %ld",
			 con->domid, port, con->local_port);
		return;
	}
	take_output(cd, con);
	if (++con->events < CONS_RATE_EVENTS)
		bx_evtchn_unmask(con->evtchn_fd, (uint32_t)port);
	else
		con->masked = true;
}

/* The pty failed: a new one while the domain lives, else the end. */
static void pty_broken(struct consoled *cd, struct cons_console *con)
{
	cons_pty_close(con);
	if (cons_domain_alive(cd, con->domid) && cons_pty_open(cd, con) == 0)
		return;
	con->dead = true;
}

static void pty_to_ring(struct consoled *cd, struct cons_console *con)
{
	char input[256];
	long room = con->intf ? cons_ring_in_room(con->intf) : 0;
	ssize_t n;

	if (room <= 0)
		return;
	n = read(con->pty_master, input, (size_t)room < sizeof(input) ? (size_t)room : sizeof(input));
	if (n < 0 && (errno == EAGAIN || errno == EINTR))
		return;
	if (n <= 0) {
		pty_broken(cd, con);
		return;
	}
	if (cons_ring_put(con->intf, input, (size_t)n) < 0)
		ring_broken(con, "input");
	else
		bx_evtchn_notify(con->evtchn_fd, (uint32_t)con->local_port);
}

static void buffer_to_pty(struct consoled *cd, struct cons_console *con)
{
	ssize_t n = write(con->pty_master, cons_buf_peek(&con->out), cons_buf_len(&con->out));

	if (n < 0 && (errno == EAGAIN || errno == EINTR))
		return;
	if (n <= 0) {
		pty_broken(cd, con);
		return;
	}
	cons_buf_advance(&con->out, (size_t)n);
	take_output(cd, con); /* keep mode: the ring may have waited for room */
}

/* New period: counts restart and a console held masked is unmasked. */
static void rate_period(struct cons_console *con, long long now)
{
	if (now < con->period_end_ms)
		return;
	con->period_end_ms = now + CONS_RATE_PERIOD_MS;
	con->events = 0;
	if (con->masked && con->evtchn_fd >= 0)
		bx_evtchn_unmask(con->evtchn_fd, (uint32_t)con->local_port);
	con->masked = false;
}

static short pty_events(struct cons_console *con)
{
	short events = 0;

	if (con->intf && cons_ring_in_room(con->intf) > 0)
		events |= POLLIN;
	if (cons_buf_len(&con->out))
		events |= POLLOUT;
	return events;
}

/* Fills fds (room for 1 + 2 per console); returns the poll timeout. */
static int build_pollfds(struct consoled *cd, struct pollfd *fds, nfds_t *nfds)
{
	long long now = cons_now_ms(), wake = -1;

	fds[0] = (struct pollfd){ .fd = cd->xs.fd, .events = POLLIN };
	*nfds = 1;
	for (struct cons_console *con = cd->consoles; con; con = con->next) {
		con->poll_evtchn = con->poll_pty = -1;
		rate_period(con, now);
		if (con->masked && (wake < 0 || con->period_end_ms < wake))
			wake = con->period_end_ms;
		if (con->evtchn_fd >= 0 && !con->masked && cons_buf_open(&con->out)) {
			con->poll_evtchn = (int)*nfds;
			fds[(*nfds)++] = (struct pollfd){ .fd = con->evtchn_fd, .events = POLLIN };
		}
		if (con->pty_master >= 0 && pty_events(con)) {
			con->poll_pty = (int)*nfds;
			fds[(*nfds)++] = (struct pollfd){ .fd = con->pty_master,
							  .events = pty_events(con) };
		}
	}
	return wake < 0 ? -1 : (int)(wake > now ? wake - now : 1);
}

static void handle_console(struct consoled *cd, struct cons_console *con,
			   const struct pollfd *fds)
{
	short rev;

	if (con->poll_evtchn >= 0 && (fds[con->poll_evtchn].revents & POLLIN))
		on_event(cd, con);
	if (con->poll_pty < 0 || con->dead)
		return;
	rev = fds[con->poll_pty].revents;
	if (rev & (POLLERR | POLLNVAL)) {
		pty_broken(cd, con);
		return;
	}
	if (rev & POLLIN)
		pty_to_ring(cd, con);
	if ((rev & POLLOUT) && con->pty_master >= 0)
		buffer_to_pty(cd, con);
}

/* Watch events, those queued during requests first. */
static int drain_watches(struct consoled *cd)
{
	char *path, *token;
	int rc;

	while ((rc = bx_xs_read_watch(&cd->xs, 0, &path, &token)) > 0) {
		cons_handle_watch(cd, path, token);
		free(path);
	}
	return rc;
}

static size_t count_consoles(const struct consoled *cd)
{
	size_t n = 0;

	for (const struct cons_console *con = cd->consoles; con; con = con->next)
		n++;
	return n;
}

int cons_run(struct consoled *cd)
{
	struct pollfd *fds = NULL;
	nfds_t nfds;
	int timeout, rc;

	for (;;) {
		if (drain_watches(cd) < 0) {
			cons_msg(LOG_ERR, "lost the connection to xenstored");
			break;
		}
		cons_reap(cd);
		free(fds);
		fds = calloc(1 + 2 * count_consoles(cd), sizeof(*fds));
		if (!fds)
			break;
		timeout = build_pollfds(cd, fds, &nfds);
		rc = poll(fds, nfds, timeout);
		if (rc < 0 && errno != EINTR)
			break;
		for (struct cons_console *con = cd->consoles; rc > 0 && con; con = con->next)
			if (!con->dead)
				handle_console(cd, con, fds);
	}
	free(fds);
	return -1;
}
