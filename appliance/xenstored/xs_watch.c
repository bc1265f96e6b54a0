/*
 * xs_watch.c - watches (xenstore.txt, WATCH/UNWATCH/WATCH_EVENT).  A watch
 * on P fires for a change of P or of any node below it; removing a node
 * also fires the watches set below it (reporting the watch's own path).
 * An event is only sent to a connection that may read the changed node.
 * Relative watches get relative event paths.  "@introduceDomain" and
 * "@releaseDomain" fire only for themselves.  Watches per domain are
 * bounded by the "watches" quota (E2BIG, as Xen's xenstored answers).
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "xenstored.h"

int xs_watch_add(struct xs_conn *conn, const char *path, const char *token,
		 bool relative)
{
	struct xs_watch *w;

	for (w = conn->watches; w; w = w->next)
		if (!strcmp(w->path, path) && !strcmp(w->token, token))
			return EEXIST;
	if (xs_conn_unprivileged(conn) &&
	    conn->nwatches >= conn->d->quota.watches)
		return E2BIG;
	w = calloc(1, sizeof(*w));
	if (!w)
		return ENOMEM;
	w->path = strdup(path);
	w->token = strdup(token);
	if (!w->path || !w->token) {
		free(w->path);
		free(w->token);
		free(w);
		return ENOMEM;
	}
	w->relative = relative;
	w->next = conn->watches;
	conn->watches = w;
	conn->nwatches++;
	return 0;
}

static void watch_free(struct xs_watch *w)
{
	free(w->path);
	free(w->token);
	free(w);
}

int xs_watch_remove(struct xs_conn *conn, const char *path, const char *token)
{
	for (struct xs_watch **pw = &conn->watches; *pw; pw = &(*pw)->next) {
		struct xs_watch *w = *pw;
		if (!strcmp(w->path, path) && !strcmp(w->token, token)) {
			*pw = w->next;
			watch_free(w);
			conn->nwatches--;
			return 0;
		}
	}
	return ENOENT;
}

void xs_watch_remove_all(struct xs_conn *conn)
{
	while (conn->watches) {
		struct xs_watch *w = conn->watches;
		conn->watches = w->next;
		watch_free(w);
	}
	conn->nwatches = 0;
}

void xs_watch_send_event(struct xs_conn *conn, const char *path,
			 const char *token)
{
	size_t pl = strlen(path), tl = strlen(token);
	char *buf;

	if (conn->dead)
		return;
	if (conn->out_events >= conn->d->quota.out_events) {
		xs_conn_kill(conn, "too many unread watch events");
		return;
	}
	buf = malloc(pl + tl + 2);
	if (!buf) {
		xs_conn_kill(conn, "out of memory queueing a watch event");
		return;
	}
	memcpy(buf, path, pl + 1);
	memcpy(buf + pl + 1, token, tl + 1);
	xs_conn_send(conn, XS_WATCH_EVENT, 0, 0, buf, (uint32_t)(pl + tl + 2));
	free(buf);
}

/* Path an event for watch w reports for a change of path, or NULL. */
static const char *event_path(const struct xs_watch *w, const char *path,
			      bool removed)
{
	if (xs_path_is_special(path) || xs_path_is_special(w->path))
		return strcmp(path, w->path) ? NULL : path;
	if (xs_path_is_under(path, w->path))
		return path;
	if (removed && xs_path_is_under(w->path, path))
		return w->path;
	return NULL;
}

void xs_watch_fire(struct xs_daemon *d, const char *path,
		   const struct xs_perms *perms, bool removed)
{
	for (struct xs_conn *conn = d->conns; conn; conn = conn->next) {
		if (conn->dead || !(xs_perms_access(conn, perms) & XS_PERM_READ))
			continue;
		for (struct xs_watch *w = conn->watches; w; w = w->next) {
			const char *ev = event_path(w, path, removed);
			if (!ev)
				continue;
			if (w->relative)
				ev = xs_path_for_conn(conn, ev);
			xs_watch_send_event(conn, ev, w->token);
		}
	}
}
