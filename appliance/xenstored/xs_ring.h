/*
 * xs_ring.h - the shared-ring transport of xs_wire.h: per domain, one page
 * holding struct xenstore_domain_interface and one event channel.  How the
 * page is reached and how the channel is signalled is a backend's job
 * (struct xs_ring_backend): xs_ring_shm.c maps files and uses FIFOs so the
 * transport can be driven on the host; a backend for real domains (grant
 * or foreign mapping, /dev/xen/evtchn) implements the same six calls.
 */
#ifndef XS_RING_H
#define XS_RING_H

#include "xenstored.h"

struct xs_evtchn {
	int fd;              /* becomes readable when the guest notifies */
	int notify_fd;       /* backend-private (-1 if unused) */
	uint32_t local_port; /* backend-private */
};

struct xs_ring_backend {
	const char *name;
	/* Maps the domain's xenstore page (frame mfn); 0 or an errno. */
	int (*map)(void *ctx, uint32_t domid, uint64_t mfn,
		   struct xenstore_domain_interface **iface);
	void (*unmap)(void *ctx, struct xenstore_domain_interface *iface);
	/* Binds to the domain's event channel remote_port; 0 or errno. */
	int (*bind)(void *ctx, uint32_t domid, uint32_t remote_port,
		    struct xs_evtchn *ev);
	void (*unbind)(void *ctx, struct xs_evtchn *ev);
	void (*notify)(void *ctx, struct xs_evtchn *ev);
	/* Consumes the pending notification(s) that made ev->fd readable. */
	void (*ack)(void *ctx, struct xs_evtchn *ev);
};

struct xs_ring {
	struct xs_daemon *d;
	struct xenstore_domain_interface *iface;
	struct xs_evtchn ev;
	struct xs_conn *conn; /* NULL once dropped for misbehaving */
	uint32_t domid;
	bool notify_pending;
};

/* Creates the connection for a mapped, bound ring; 0 or ENOMEM. */
int xs_ring_connect(struct xs_ring *ring);
/* Handles notifications, reconnect requests, input and output. */
void xs_ring_service(struct xs_ring *ring);

/* The host backend: pages are files DIR/ring-<mfn>, channels are FIFOs
 * DIR/evtchn-<port>.kick (guest -> xenstored) and .notify (back). */
extern const struct xs_ring_backend xs_ring_shm_backend;
void *xs_ring_shm_new(const char *dir);
void xs_ring_shm_free(void *ctx);

#endif
