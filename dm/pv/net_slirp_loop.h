/*
 * libslirp driven from glib's default main context: a source that polls
 * the sockets slirp asks for (slirp_pollfds_fill before each poll,
 * slirp_pollfds_poll after it) and wakes for its TCP timers, and the
 * clock and timers its SlirpCb asks for, on g_get_monotonic_time and
 * g_timeout sources.
 */
#ifndef BASTION_PV_NET_SLIRP_LOOP_H
#define BASTION_PV_NET_SLIRP_LOOP_H

#include <glib.h>
#include <slirp/libslirp.h>

/* A source serving slirp, attached to the default context; destroy and
 * unref it with slirp_loop_source_free before slirp_cleanup. */
GSource *slirp_loop_source_new(Slirp *slirp);
void slirp_loop_source_free(GSource *source);

/* SlirpCb's clock_get_ns, timer_new, timer_free, timer_mod and notify. */
int64_t slirp_loop_clock_ns(void *opaque);
void *slirp_loop_timer_new(SlirpTimerCb cb, void *cb_opaque, void *opaque);
void slirp_loop_timer_free(void *timer, void *opaque);
void slirp_loop_timer_mod(void *timer, int64_t expire_ms, void *opaque);
void slirp_loop_notify(void *opaque);

#endif
