/*
 * xs_loop.h - the event loop (xs_loop.c).
 */
#ifndef XS_LOOP_H
#define XS_LOOP_H

#include <signal.h>

#include "xenstored.h"

struct xs_listener {
	int fd;
	uint32_t domid; /* what its clients are: 0 for dom0 */
};

/* Serves clients until *quit becomes non-zero; 0, or -1 on a fatal error. */
int xs_loop_run(struct xs_daemon *d, const struct xs_listener *ls,
		size_t nls, volatile sig_atomic_t *quit);

#endif
