/*
 * xs_loop.h - the event loop (xs_loop.c).
 */
#ifndef XS_LOOP_H
#define XS_LOOP_H

#include <signal.h>

#include "xenstored.h"

/* Serves clients until *quit becomes non-zero; 0, or -1 on a fatal error. */
int xs_loop_run(struct xs_daemon *d, int listen_fd,
		volatile sig_atomic_t *quit);

#endif
