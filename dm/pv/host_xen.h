/*
 * The real implementations of the pv_host and pv_xs seams (host_xen.c,
 * xs_bx.c) over libbx.
 */
#ifndef BASTION_PV_HOST_XEN_H
#define BASTION_PV_HOST_XEN_H

#include "bx.h"
#include "pv_host.h"

struct host_xen {
	struct pv_host host;
	int gntdev_fd, evtchn_fd; /* -1 unset */
	/* Called for pv_host's later op: the main loop schedules a pass
	 * over its devices. */
	void (*later)(void *opaque);
	void *later_opaque;
};

int host_xen_open(struct host_xen *hx, uint32_t domid);
void host_xen_close(struct host_xen *hx);

/* A pv_xs over an open libbx xenstore connection (borrowed). */
void xs_bx_init(struct pv_xs *xs, struct bx_xs *conn);

#endif
