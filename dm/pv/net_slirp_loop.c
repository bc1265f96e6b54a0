/*
 * net_slirp_loop.c - libslirp in glib's main loop (see net_slirp_loop.h).
 * The rules are libslirp's API (libslirp.h): before the loop sleeps,
 * slirp_pollfds_fill names the fds to poll and lowers the timeout to what
 * its TCP timers need; after the poll, slirp_pollfds_poll reads, writes,
 * accepts and runs those timers.  Timers slirp creates (IPv6 router
 * advertisements) expire at a time in ms of clock_get_ns's clock.
 */
#include <limits.h>

#include "net_slirp_loop.h"

struct slirp_source {
	GSource base;
	Slirp *slirp;
	GArray *pollfds;  /* GPollFD, added to the source from prepare to check */
	gint64 deadline;  /* monotonic us when slirp's timers are due, or -1 */
};

struct slirp_timer {
	SlirpTimerCb cb;
	void *cb_opaque;
	guint source; /* 0 unarmed */
};

static int add_poll(int fd, int events, void *opaque)
{
	struct slirp_source *s = opaque;
	GPollFD pfd = { .fd = fd };

	if (events & SLIRP_POLL_IN)
		pfd.events |= G_IO_IN;
	if (events & SLIRP_POLL_OUT)
		pfd.events |= G_IO_OUT;
	if (events & SLIRP_POLL_PRI)
		pfd.events |= G_IO_PRI;
	g_array_append_val(s->pollfds, pfd);
	return (int)s->pollfds->len - 1;
}

static int get_revents(int idx, void *opaque)
{
	struct slirp_source *s = opaque;
	gushort revents = g_array_index(s->pollfds, GPollFD, idx).revents;
	int events = 0;

	if (revents & G_IO_IN)
		events |= SLIRP_POLL_IN;
	if (revents & G_IO_OUT)
		events |= SLIRP_POLL_OUT;
	if (revents & G_IO_PRI)
		events |= SLIRP_POLL_PRI;
	if (revents & G_IO_ERR)
		events |= SLIRP_POLL_ERR;
	if (revents & G_IO_HUP)
		events |= SLIRP_POLL_HUP;
	return events;
}

static void remove_polls(struct slirp_source *s)
{
	for (guint i = 0; i < s->pollfds->len; i++)
		g_source_remove_poll(&s->base, &g_array_index(s->pollfds, GPollFD, i));
	g_array_set_size(s->pollfds, 0);
}

/* The fds slirp wants now; the array is complete before any is added,
 * so the pointers glib keeps stay valid until the next prepare. */
static gboolean slirp_prepare(GSource *base, gint *timeout)
{
	struct slirp_source *s = (struct slirp_source *)base;
	uint32_t wait_ms = UINT32_MAX;

	remove_polls(s);
	slirp_pollfds_fill(s->slirp, &wait_ms, add_poll, s);
	for (guint i = 0; i < s->pollfds->len; i++)
		g_source_add_poll(base, &g_array_index(s->pollfds, GPollFD, i));
	if (wait_ms == UINT32_MAX) {
		s->deadline = -1;
		*timeout = -1;
	} else {
		*timeout = wait_ms > INT_MAX ? INT_MAX : (gint)wait_ms;
		s->deadline = g_get_monotonic_time() + (gint64)wait_ms * 1000;
	}
	return wait_ms == 0;
}

static gboolean slirp_check(GSource *base)
{
	struct slirp_source *s = (struct slirp_source *)base;

	for (guint i = 0; i < s->pollfds->len; i++)
		if (g_array_index(s->pollfds, GPollFD, i).revents)
			return TRUE;
	return s->deadline >= 0 && g_get_monotonic_time() >= s->deadline;
}

static gboolean slirp_dispatch(GSource *base, GSourceFunc callback, gpointer data)
{
	struct slirp_source *s = (struct slirp_source *)base;

	(void)callback;
	(void)data;
	slirp_pollfds_poll(s->slirp, 0, get_revents, s);
	/* What was polled is stale now; the next prepare polls anew. */
	for (guint i = 0; i < s->pollfds->len; i++)
		g_array_index(s->pollfds, GPollFD, i).revents = 0;
	return G_SOURCE_CONTINUE;
}

static void slirp_finalize(GSource *base)
{
	struct slirp_source *s = (struct slirp_source *)base;

	g_array_free(s->pollfds, TRUE);
}

static GSourceFuncs slirp_source_funcs = {
	.prepare = slirp_prepare,
	.check = slirp_check,
	.dispatch = slirp_dispatch,
	.finalize = slirp_finalize,
};

GSource *slirp_loop_source_new(Slirp *slirp)
{
	GSource *base = g_source_new(&slirp_source_funcs, sizeof(struct slirp_source));
	struct slirp_source *s = (struct slirp_source *)base;

	s->slirp = slirp;
	s->pollfds = g_array_new(FALSE, FALSE, sizeof(GPollFD));
	s->deadline = -1;
	g_source_attach(base, NULL);
	return base;
}

void slirp_loop_source_free(GSource *source)
{
	if (!source)
		return;
	remove_polls((struct slirp_source *)source);
	g_source_destroy(source);
	g_source_unref(source);
}

/* ---- SlirpCb: clock and timers ---------------------------------------- */

int64_t slirp_loop_clock_ns(void *opaque)
{
	(void)opaque;
	return g_get_monotonic_time() * 1000;
}

static gboolean timer_fire(gpointer opaque)
{
	struct slirp_timer *t = opaque;

	t->source = 0;
	t->cb(t->cb_opaque);
	return G_SOURCE_REMOVE;
}

void *slirp_loop_timer_new(SlirpTimerCb cb, void *cb_opaque, void *opaque)
{
	struct slirp_timer *t = g_new0(struct slirp_timer, 1);

	(void)opaque;
	t->cb = cb;
	t->cb_opaque = cb_opaque;
	return t;
}

void slirp_loop_timer_free(void *timer, void *opaque)
{
	struct slirp_timer *t = timer;

	(void)opaque;
	if (t && t->source)
		g_source_remove(t->source);
	g_free(t);
}

void slirp_loop_timer_mod(void *timer, int64_t expire_ms, void *opaque)
{
	struct slirp_timer *t = timer;
	int64_t delay = expire_ms - slirp_loop_clock_ns(opaque) / 1000000;

	if (t->source)
		g_source_remove(t->source);
	if (delay < 0)
		delay = 0;
	t->source = g_timeout_add((guint)(delay > G_MAXUINT ? G_MAXUINT : delay), timer_fire, t);
}

void slirp_loop_notify(void *opaque)
{
	(void)opaque;
	g_main_context_wakeup(NULL);
}
