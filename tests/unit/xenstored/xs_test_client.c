/*
 * xs_test_client.c - the tests' xenstore client (see xs_test_client.h).
 * Ring side: the guest produces into req[] and consumes rsp[], notifying
 * xenstored by writing a byte to the .kick FIFO; it reads the .notify FIFO
 * to wait.  Indexes follow xs_wire.h (free-running, masked).
 */
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <time.h>
#include <unistd.h>

#include "xs_test_client.h"

int xst_errno(const char *name)
{
	for (size_t i = 0; i < sizeof(xsd_errors) / sizeof(*xsd_errors); i++)
		if (!strcmp(xsd_errors[i].errstring, name))
			return xsd_errors[i].errnum;
	return EIO;
}

int xst_open_socket(struct xst *c, const char *path)
{
	struct sockaddr_un a = { .sun_family = AF_UNIX };

	memset(c, 0, sizeof(*c));
	c->kick_fd = c->notify_fd = -1;
	snprintf(a.sun_path, sizeof(a.sun_path), "%s", path);
	c->fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
	if (c->fd < 0 || connect(c->fd, (struct sockaddr *)&a, sizeof(a)))
		return errno;
	return 0;
}

int xst_open_ring(struct xst *c, const char *dir, uint64_t mfn,
		  uint32_t port)
{
	char path[512];
	int fd;

	memset(c, 0, sizeof(*c));
	c->fd = -1;
	snprintf(path, sizeof(path), "%s/ring-%llu", dir,
		 (unsigned long long)mfn);
	fd = open(path, O_RDWR | O_CREAT | O_TRUNC, 0600);
	if (fd < 0 || ftruncate(fd, 4096))
		return errno;
	c->ring = mmap(NULL, 4096, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
	close(fd);
	if (c->ring == MAP_FAILED)
		return errno;
	snprintf(path, sizeof(path), "%s/evtchn-%u.kick", dir, port);
	unlink(path);
	if (mkfifo(path, 0600))
		return errno;
	c->kick_fd = open(path, O_RDWR | O_NONBLOCK);
	snprintf(path, sizeof(path), "%s/evtchn-%u.notify", dir, port);
	unlink(path);
	if (mkfifo(path, 0600))
		return errno;
	c->notify_fd = open(path, O_RDWR | O_NONBLOCK);
	return c->kick_fd < 0 || c->notify_fd < 0 ? errno : 0;
}

void xst_close(struct xst *c)
{
	if (c->fd >= 0)
		close(c->fd);
	if (c->ring)
		munmap(c->ring, 4096);
	if (c->kick_fd >= 0)
		close(c->kick_fd);
	if (c->notify_fd >= 0)
		close(c->notify_fd);
	c->fd = c->kick_fd = c->notify_fd = -1;
	c->ring = NULL;
}

static long now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1000L + ts.tv_nsec / 1000000L;
}

static void kick(struct xst *c)
{
	if (write(c->kick_fd, "!", 1) < 0 && errno != EAGAIN)
		perror("kick");
}

static void wait_notify(struct xst *c, int ms)
{
	struct pollfd p = { .fd = c->notify_fd, .events = POLLIN };
	char buf[64];

	if (poll(&p, 1, ms) > 0)
		while (read(c->notify_fd, buf, sizeof(buf)) > 0)
			;
}

/* Writes into the request ring, waiting for room (2 s at most). */
static int ring_put(struct xst *c, const char *buf, size_t len)
{
	struct xenstore_domain_interface *r = c->ring;
	long deadline = now_ms() + 2000;

	while (len) {
		uint32_t prod = r->req_prod;
		uint32_t cons = __atomic_load_n(&r->req_cons, __ATOMIC_ACQUIRE);
		uint32_t space = XENSTORE_RING_SIZE - (prod - cons);
		uint32_t chunk = XENSTORE_RING_SIZE - MASK_XENSTORE_IDX(prod);
		if (chunk > space)
			chunk = space;
		if (chunk > len)
			chunk = (uint32_t)len;
		if (chunk == 0) {
			if (now_ms() > deadline)
				return ETIMEDOUT;
			kick(c);
			wait_notify(c, 50);
			continue;
		}
		memcpy(r->req + MASK_XENSTORE_IDX(prod), buf, chunk);
		__atomic_store_n(&r->req_prod, prod + chunk, __ATOMIC_RELEASE);
		buf += chunk;
		len -= chunk;
	}
	kick(c);
	return 0;
}

/* Reads exactly len bytes from the response ring before deadline. */
static int ring_get(struct xst *c, char *buf, size_t len, long deadline)
{
	struct xenstore_domain_interface *r = c->ring;

	while (len) {
		uint32_t cons = r->rsp_cons;
		uint32_t prod = __atomic_load_n(&r->rsp_prod, __ATOMIC_ACQUIRE);
		uint32_t avail = prod - cons;
		uint32_t chunk = XENSTORE_RING_SIZE - MASK_XENSTORE_IDX(cons);
		if (chunk > avail)
			chunk = avail;
		if (chunk > len)
			chunk = (uint32_t)len;
		if (chunk == 0) {
			long left = deadline - now_ms();
			if (left <= 0)
				return ETIMEDOUT;
			wait_notify(c, left < 50 ? (int)left : 50);
			continue;
		}
		memcpy(buf, r->rsp + MASK_XENSTORE_IDX(cons), chunk);
		__atomic_store_n(&r->rsp_cons, cons + chunk, __ATOMIC_RELEASE);
		kick(c);
		buf += chunk;
		len -= chunk;
	}
	return 0;
}

static int sock_get(struct xst *c, char *buf, size_t len, long deadline)
{
	while (len) {
		struct pollfd p = { .fd = c->fd, .events = POLLIN };
		long left = deadline - now_ms();
		ssize_t n;
		if (left <= 0 || poll(&p, 1, (int)left) <= 0)
			return ETIMEDOUT;
		n = read(c->fd, buf, len);
		if (n <= 0)
			return EPIPE;
		buf += n;
		len -= (size_t)n;
	}
	return 0;
}

int xst_send_bytes(struct xst *c, const void *buf, size_t len)
{
	const char *p = buf;

	if (c->ring)
		return ring_put(c, buf, len);
	while (len) {
		ssize_t n = send(c->fd, p, len, MSG_NOSIGNAL);
		if (n <= 0)
			return EPIPE;
		p += n;
		len -= (size_t)n;
	}
	return 0;
}

int xst_send(struct xst *c, uint32_t type, uint32_t req_id, uint32_t tx_id,
	     const void *payload, uint32_t len)
{
	char buf[sizeof(struct xsd_sockmsg) + XENSTORE_PAYLOAD_MAX + 64];
	struct xsd_sockmsg h = { type, req_id, tx_id, len };
	size_t n = len < sizeof(buf) - sizeof(h) ? len : sizeof(buf) - sizeof(h);

	memcpy(buf, &h, sizeof(h));
	memcpy(buf + sizeof(h), payload, n);
	return xst_send_bytes(c, buf, sizeof(h) + n);
}

int xst_recv(struct xst *c, struct xst_reply *r, int timeout_ms)
{
	long deadline = now_ms() + timeout_ms;
	int err;

	err = c->ring ? ring_get(c, (char *)&r->hdr, sizeof(r->hdr), deadline)
		      : sock_get(c, (char *)&r->hdr, sizeof(r->hdr), deadline);
	if (err)
		return err == ETIMEDOUT ? 0 : -1;
	if (r->hdr.len > XENSTORE_PAYLOAD_MAX)
		return -1;
	err = c->ring ? ring_get(c, r->body, r->hdr.len, deadline)
		      : sock_get(c, r->body, r->hdr.len, deadline);
	if (err)
		return err == ETIMEDOUT ? 0 : -1;
	r->body[r->hdr.len] = '\0';
	return 1;
}

static void queue_event(struct xst *c, const struct xst_reply *r)
{
	struct xst_event *ev;

	if (c->nevents == XST_MAX_EVENTS)
		return;
	ev = &c->events[c->nevents++];
	snprintf(ev->path, sizeof(ev->path), "%.255s", r->body);
	snprintf(ev->token, sizeof(ev->token), "%.63s",
		 r->body + strlen(r->body) + 1);
}

int xst_call(struct xst *c, uint32_t type, uint32_t tx_id,
	     const void *payload, uint32_t len, struct xst_reply *r)
{
	uint32_t id = ++c->next_req;
	int err = xst_send(c, type, id, tx_id, payload, len);

	if (err)
		return err;
	for (;;) {
		int got = xst_recv(c, r, 3000);
		if (got == 0)
			return ETIMEDOUT;
		if (got < 0)
			return EPIPE;
		if (r->hdr.type == XS_WATCH_EVENT) {
			queue_event(c, r);
			continue;
		}
		if (r->hdr.req_id != id)
			return EPROTO;
		if (r->hdr.type == XS_ERROR)
			return xst_errno(r->body);
		return r->hdr.type == type ? 0 : EPROTO;
	}
}

int xst_callv(struct xst *c, uint32_t type, uint32_t tx_id,
	      struct xst_reply *r, ...)
{
	char buf[XENSTORE_PAYLOAD_MAX];
	size_t used = 0;
	const char *a;
	va_list ap;

	va_start(ap, r);
	while ((a = va_arg(ap, const char *))) {
		size_t l = strlen(a) + 1;
		if (used + l > sizeof(buf))
			break;
		memcpy(buf + used, a, l);
		used += l;
	}
	va_end(ap);
	return xst_call(c, type, tx_id, buf, (uint32_t)used, r);
}

int xst_write(struct xst *c, uint32_t tx, const char *path, const char *val)
{
	char buf[XENSTORE_PAYLOAD_MAX];
	struct xst_reply r;
	size_t pl = strlen(path) + 1, vl = strlen(val);

	if (pl + vl > sizeof(buf))
		return E2BIG;
	memcpy(buf, path, pl);
	memcpy(buf + pl, val, vl);
	return xst_call(c, XS_WRITE, tx, buf, (uint32_t)(pl + vl), &r);
}

int xst_read(struct xst *c, uint32_t tx, const char *path,
	     struct xst_reply *r)
{
	return xst_callv(c, XS_READ, tx, r, path, NULL);
}

int xst_txn_start(struct xst *c, uint32_t *tx)
{
	struct xst_reply r;
	int err = xst_callv(c, XS_TRANSACTION_START, 0, &r, "", NULL);

	if (!err)
		*tx = (uint32_t)strtoul(r.body, NULL, 10);
	return err;
}

int xst_txn_end(struct xst *c, uint32_t tx, bool commit)
{
	struct xst_reply r;

	return xst_callv(c, XS_TRANSACTION_END, tx, &r, commit ? "T" : "F",
			 NULL);
}

bool xst_wait_event(struct xst *c, struct xst_event *ev, int timeout_ms)
{
	struct xst_reply r;
	long deadline = now_ms() + timeout_ms;

	while (c->nevents == 0) {
		long left = deadline - now_ms();
		if (left <= 0 || xst_recv(c, &r, (int)left) <= 0)
			return false;
		if (r.hdr.type == XS_WATCH_EVENT)
			queue_event(c, &r);
	}
	*ev = c->events[0];
	memmove(&c->events[0], &c->events[1],
		--c->nevents * sizeof(c->events[0]));
	return true;
}
