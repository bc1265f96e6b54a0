/*
 * xs_test_client.h - a small xenstore client for the tests: speaks the
 * xs_wire.h protocol over a Unix socket or, playing a guest, over a
 * shared ring served by xenstored's host ring backend (files and FIFOs in
 * a directory, see appliance/xenstored/xs_ring_shm.c).
 */
#ifndef XS_TEST_CLIENT_H
#define XS_TEST_CLIENT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "public/io/xs_wire.h"

#define XST_MAX_EVENTS 256

struct xst_event {
	char path[256];
	char token[64];
};

struct xst {
	int fd;                                /* socket, or -1 */
	struct xenstore_domain_interface *ring; /* ring page, or NULL */
	int kick_fd, notify_fd;                /* ring event channel FIFOs */
	uint32_t next_req;
	struct xst_event events[XST_MAX_EVENTS];
	unsigned nevents;
};

struct xst_reply {
	struct xsd_sockmsg hdr;
	char body[XENSTORE_PAYLOAD_MAX + 1]; /* NUL-terminated copy */
};

int xst_open_socket(struct xst *c, const char *path);
/* Creates DIR/ring-<mfn> and DIR/evtchn-<port>.{kick,notify}; the guest
 * side.  The daemon connects when dom0 introduces the domain. */
int xst_open_ring(struct xst *c, const char *dir, uint64_t mfn,
		  uint32_t port);
void xst_close(struct xst *c);

int xst_send_bytes(struct xst *c, const void *buf, size_t len);
int xst_send(struct xst *c, uint32_t type, uint32_t req_id, uint32_t tx_id,
	     const void *payload, uint32_t len);
/* Next message (events included); 1, 0 on timeout, -1 if closed. */
int xst_recv(struct xst *c, struct xst_reply *r, int timeout_ms);
/* Sends a request and waits for its reply, queueing watch events met on
 * the way.  Returns 0 and fills r, or an errno (reply XS_ERROR decoded,
 * ETIMEDOUT, EPIPE). */
int xst_call(struct xst *c, uint32_t type, uint32_t tx_id,
	     const void *payload, uint32_t len, struct xst_reply *r);
/* Payload built from NUL-terminated args (NULL-terminated list). */
int xst_callv(struct xst *c, uint32_t type, uint32_t tx_id,
	      struct xst_reply *r, ...);
int xst_write(struct xst *c, uint32_t tx, const char *path, const char *val);
/* Reads into r->body; returns 0 or errno. */
int xst_read(struct xst *c, uint32_t tx, const char *path,
	     struct xst_reply *r);
int xst_txn_start(struct xst *c, uint32_t *tx);
int xst_txn_end(struct xst *c, uint32_t tx, bool commit);
/* Waits for a watch event (queued or new); true if one came. */
bool xst_wait_event(struct xst *c, struct xst_event *ev, int timeout_ms);
int xst_errno(const char *name);

#endif
