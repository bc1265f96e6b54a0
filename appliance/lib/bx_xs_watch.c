/*
 * bx_xs_watch.c - xenstore watches (public/io/xs_wire.h XS_WATCH,
 * XS_UNWATCH, XS_WATCH_EVENT): setting and removing them, and the queue
 * of events that arrive between a request and its reply.  An event's
 * payload is the path that changed, then the watch's token, each
 * NUL-terminated.  xenstored fires each new watch once at once.
 */
#include <errno.h>
#include <poll.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "bx.h"
#include "public/io/xs_wire.h"

struct bx_xs_event {
	struct bx_xs_event *next;
	char *payload; /* path NUL token NUL */
};

int bx_xs_watch(struct bx_xs *xs, const char *path, const char *token)
{
	const char *parts[] = { path, token };

	return bx_xs_request(xs, XS_WATCH, 0, parts, 2, -1, NULL, NULL);
}

int bx_xs_unwatch(struct bx_xs *xs, const char *path, const char *token)
{
	const char *parts[] = { path, token };

	return bx_xs_request(xs, XS_UNWATCH, 0, parts, 2, -1, NULL, NULL);
}

/* Takes ownership of payload. */
int bx_xs_queue_event(struct bx_xs *xs, char *payload, uint32_t len)
{
	struct bx_xs_event *ev = malloc(sizeof(*ev));

	if (!ev || len == 0 || memchr(payload, '\0', len) == NULL) {
		free(ev);
		free(payload);
		return ev ? 0 : -ENOMEM; /* a malformed event is dropped */
	}
	ev->next = NULL;
	ev->payload = payload;
	*xs->events_tail = ev;
	xs->events_tail = &ev->next;
	return 0;
}

static void pop_event(struct bx_xs *xs, char **path, char **token)
{
	struct bx_xs_event *ev = xs->events;

	xs->events = ev->next;
	if (!xs->events)
		xs->events_tail = &xs->events;
	*path = ev->payload;
	*token = ev->payload + strlen(ev->payload) + 1;
	free(ev);
}

int bx_xs_read_watch(struct bx_xs *xs, int timeout_ms, char **path, char **token)
{
	struct pollfd pfd = { .fd = xs->fd, .events = POLLIN };
	struct xsd_sockmsg hdr;
	char *payload;
	int rc;

	while (!xs->events) {
		rc = poll(&pfd, 1, timeout_ms);
		if (rc < 0 && errno == EINTR)
			continue;
		if (rc <= 0)
			return rc < 0 ? -errno : 0;
		rc = bx_xs_read_msg(xs, &hdr, &payload);
		if (rc < 0)
			return rc;
		if (hdr.type != XS_WATCH_EVENT) {
			free(payload); /* a reply nobody waits for */
			continue;
		}
		rc = bx_xs_queue_event(xs, payload, hdr.len);
		if (rc < 0)
			return rc;
	}
	pop_event(xs, path, token);
	return 1;
}

void bx_xs_close(struct bx_xs *xs)
{
	char *path, *token;

	while (xs->events) {
		pop_event(xs, &path, &token);
		free(path);
	}
	if (xs->fd >= 0)
		close(xs->fd);
	xs->fd = -1;
}
