/*
 * cons_domains.c - which guests have a console: every domain but dom0
 * that getdomaininfolist reports and that is not dying gets one, looked
 * up again whenever xenstored fires @introduceDomain or @releaseDomain
 * (token "domlist"); each console watches its own xenstore directory
 * (token "domN") and reconnects when its keys change.  A domain that is
 * dying or gone is marked dead and torn down at the end of the loop.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <syslog.h>
#include <unistd.h>

#include "consoled.h"

bool cons_domain_alive(struct consoled *cd, uint32_t domid)
{
	struct xen_domctl_getdomaininfo info;

	if (bx_getdomaininfo(&cd->bx, domid, &info) < 0)
		return false;
	return info.domain == domid && !(info.flags & XEN_DOMINF_dying);
}

static struct cons_console *lookup(struct consoled *cd, uint32_t domid)
{
	for (struct cons_console *con = cd->consoles; con; con = con->next)
		if (con->domid == domid)
			return con;
	return NULL;
}

static void watch_token(const struct cons_console *con, char *token, size_t size)
{
	snprintf(token, size, "dom%u", con->domid);
}

static struct cons_console *console_new(struct consoled *cd, uint32_t domid)
{
	struct cons_console *con = calloc(1, sizeof(*con));
	char *dompath = bx_xs_get_domain_path(&cd->xs, domid), token[16];

	if (!con || !dompath || asprintf(&con->xspath, "%s/console", dompath) < 0) {
		cons_msg(LOG_ERR, "domain %u: out of memory", domid);
		free(dompath);
		free(con);
		return NULL;
	}
	free(dompath);
	con->domid = domid;
	con->ring_ref = con->local_port = con->remote_port = -1;
	con->evtchn_fd = con->pty_master = con->pty_slave = con->log_fd = -1;
	con->poll_evtchn = con->poll_pty = -1;
	watch_token(con, token, sizeof(token));
	/* xenstored fires a new watch at once: that event connects it. */
	if (bx_xs_watch(&cd->xs, con->xspath, token) < 0) {
		cons_msg(LOG_ERR, "domain %u: cannot watch %s", domid, con->xspath);
		free(con->xspath);
		free(con);
		return NULL;
	}
	con->next = cd->consoles;
	cd->consoles = con;
	cons_msg(LOG_INFO, "domain %u: new console at %s", domid, con->xspath);
	return con;
}

static void console_free(struct consoled *cd, struct cons_console *con)
{
	char token[16];

	watch_token(con, token, sizeof(token));
	bx_xs_unwatch(&cd->xs, con->xspath, token);
	cons_disconnect(cd, con);
	cons_pty_close(con);
	if (con->log_fd >= 0)
		close(con->log_fd);
	cons_buf_free(&con->out);
	cons_msg(LOG_INFO, "domain %u: console closed", con->domid);
	free(con->xspath);
	free(con);
}

void cons_enumerate(struct consoled *cd)
{
	struct xen_domctl_getdomaininfo *infos = NULL;
	struct cons_console *con;
	int n = bx_list_domains(&cd->bx, &infos);

	if (n < 0) {
		cons_msg(LOG_ERR, "cannot list domains: %s", strerror(-n));
		return;
	}
	cd->pass++;
	for (int i = 0; i < n; i++) {
		uint32_t domid = infos[i].domain;

		if (domid == 0)
			continue;
		con = lookup(cd, domid);
		if (infos[i].flags & XEN_DOMINF_dying) {
			if (con)
				con->dead = true;
			continue;
		}
		if (!con)
			con = console_new(cd, domid);
		if (con)
			con->seen = cd->pass;
	}
	free(infos);
	for (con = cd->consoles; con; con = con->next)
		if (con->seen != cd->pass)
			con->dead = true;
}

void cons_handle_watch(struct consoled *cd, const char *path, const char *token)
{
	struct cons_console *con;
	unsigned domid;
	char extra;

	(void)path;
	if (strcmp(token, "domlist") == 0) {
		cons_enumerate(cd);
	} else if (sscanf(token, "dom%u%c", &domid, &extra) == 1) {
		con = lookup(cd, domid);
		if (con && !con->dead && cons_connect(cd, con) < 0)
			cons_msg(LOG_ERR, "domain %u: console not connected", domid);
	}
}

void cons_reap(struct consoled *cd)
{
	struct cons_console **link = &cd->consoles, *con;

	while ((con = *link)) {
		if (con->dead) {
			*link = con->next;
			console_free(cd, con);
		} else {
			link = &con->next;
		}
	}
}
