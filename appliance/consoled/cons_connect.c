/*
 * cons_connect.c - bringing one guest console up and down, as xenconsoled
 * does it: the keys under /local/domain/N/console (ring-ref, port, and
 * type, which must be "xenconsoled" if present; limit bounds the output
 * buffer), the ring page mapped through gntdev as grant ref
 * GNTTAB_RESERVED_CONSOLE (public/grant_table.h) or else as the foreign
 * frame ring-ref, the guest's port bound interdomain, and a raw pty whose
 * name is written to console/tty.  Connecting again is cheap: it redoes
 * only what changed (a watch on the console directory fires on every
 * write there, our own console/tty included).
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <syslog.h>
#include <termios.h>
#include <unistd.h>

#include "consoled.h"
#include "public/grant_table.h"

/* A number at console/KEY; -ENOENT when absent, -EINVAL when not one. */
static long read_number(struct consoled *cd, struct cons_console *con,
			const char *key)
{
	char path[96], *text, *end;
	long value;

	snprintf(path, sizeof(path), "%s/%s", con->xspath, key);
	text = bx_xs_read(&cd->xs, 0, path, NULL);
	if (!text)
		return -ENOENT;
	errno = 0;
	value = strtol(text, &end, 0);
	if (errno || end == text || *end || value < 0)
		value = -EINVAL;
	free(text);
	return value;
}

/* Whether console/type leaves this console to us (absent or xenconsoled). */
static bool type_is_ours(struct consoled *cd, struct cons_console *con)
{
	char path[96], *type;
	bool ours;

	snprintf(path, sizeof(path), "%s/type", con->xspath);
	type = bx_xs_read(&cd->xs, 0, path, NULL);
	ours = !type || strcmp(type, "xenconsoled") == 0;
	free(type);
	return ours;
}

static void unmap_ring(struct consoled *cd, struct cons_console *con)
{
	if (!con->intf)
		return;
	if (con->by_grant)
		bx_gntdev_unmap(cd->gntdev_fd, con->intf, 1, con->grant_index);
	else
		bx_unmap(con->intf, 1);
	con->intf = NULL;
	con->ring_ref = -1;
}

static int map_ring(struct consoled *cd, struct cons_console *con, long ring_ref)
{
	uint32_t ref = GNTTAB_RESERVED_CONSOLE;
	xen_pfn_t gfn = (xen_pfn_t)ring_ref;
	int err = 0;

	if (con->intf && !con->by_grant && con->ring_ref != ring_ref)
		unmap_ring(cd, con);
	if (con->intf)
		return 0;
	if (cd->gntdev_fd >= 0) {
		con->intf = bx_gntdev_map(cd->gntdev_fd, con->domid, &ref, 1,
					  PROT_READ | PROT_WRITE, &con->grant_index);
		con->by_grant = con->intf != NULL;
	}
	if (!con->intf) {
		con->intf = bx_map_foreign(&cd->bx, con->domid, PROT_READ | PROT_WRITE,
					   &gfn, &err, 1);
		if (con->intf && err) {
			bx_unmap(con->intf, 1);
			con->intf = NULL;
		}
		if (!con->intf) {
			cons_msg(LOG_ERR, "domain %u: cannot map console ring (grant %u "
				 "or frame %#lx): %s", con->domid, ref, ring_ref,
				 strerror(err ? -err : errno));
			return -EINVAL;
		}
		con->ring_ref = ring_ref;
	}
	return 0;
}

static void unbind_port(struct cons_console *con)
{
	if (con->evtchn_fd >= 0)
		close(con->evtchn_fd); /* closing unbinds the port */
	con->evtchn_fd = -1;
	con->local_port = con->remote_port = -1;
	con->masked = false;
}

static int bind_port(struct cons_console *con, long remote_port)
{
	long local;

	if (con->evtchn_fd >= 0 && con->remote_port == remote_port)
		return 0;
	unbind_port(con);
	con->evtchn_fd = bx_evtchn_open();
	if (con->evtchn_fd < 0) {
		cons_msg(LOG_ERR, "domain %u: cannot open the event channel device: %s",
			 con->domid, strerror(-con->evtchn_fd));
		con->evtchn_fd = -1;
		return -ENODEV;
	}
	fcntl(con->evtchn_fd, F_SETFL, O_NONBLOCK);
	local = bx_evtchn_bind_interdomain(con->evtchn_fd, con->domid, (uint32_t)remote_port);
	if (local < 0) {
		cons_msg(LOG_ERR, "domain %u: cannot bind console port %ld: %s",
			 con->domid, remote_port, strerror((int)-local));
		unbind_port(con);
		return (int)local;
	}
	con->local_port = local;
	con->remote_port = remote_port;
	return 0;
}

int cons_connect(struct consoled *cd, struct cons_console *con)
{
	long ring_ref = read_number(cd, con, "ring-ref");
	long port = read_number(cd, con, "port");
	long limit = read_number(cd, con, "limit");
	int rc;

	if (ring_ref < 0 || port < 0)
		return ring_ref == -ENOENT || port == -ENOENT ? 0 : -EINVAL;
	if (!type_is_ours(cd, con))
		return 0;
	con->out.max = limit > 0 ? (size_t)limit : CONS_DEFAULT_LIMIT;
	con->out.keep = cd->opts.keep_overflow;
	rc = map_ring(cd, con, ring_ref);
	if (rc == 0)
		rc = bind_port(con, port);
	if (rc == 0 && con->pty_master < 0)
		rc = cons_pty_open(cd, con);
	if (rc < 0) {
		cons_disconnect(cd, con);
		return rc;
	}
	if (cd->opts.log_guest && con->log_fd < 0)
		con->log_fd = cons_log_open(cd, con);
	return 0;
}

void cons_disconnect(struct consoled *cd, struct cons_console *con)
{
	unbind_port(con);
	unmap_ring(cd, con);
}

int cons_pty_open(struct consoled *cd, struct cons_console *con)
{
	struct termios term;
	char path[96];
	const char *name;
	int master = posix_openpt(O_RDWR | O_NOCTTY | O_CLOEXEC), slave = -1;

	if (master < 0 || grantpt(master) < 0 || unlockpt(master) < 0 ||
	    !(name = ptsname(master)) ||
	    (slave = open(name, O_RDWR | O_NOCTTY | O_CLOEXEC)) < 0 ||
	    tcgetattr(slave, &term) < 0) {
		cons_msg(LOG_ERR, "domain %u: cannot open a pty: %s", con->domid,
			 strerror(errno));
		goto fail;
	}
	cfmakeraw(&term);
	snprintf(path, sizeof(path), "%s/tty", con->xspath);
	if (tcsetattr(slave, TCSANOW, &term) < 0 ||
	    fcntl(master, F_SETFL, O_NONBLOCK) < 0 ||
	    bx_xs_write_str(&cd->xs, 0, path, name) < 0) {
		cons_msg(LOG_ERR, "domain %u: cannot set up pty %s as %s", con->domid,
			 name, path);
		goto fail;
	}
	con->pty_master = master;
	con->pty_slave = slave; /* kept open: no hang-up while nobody reads */
	return 0;
fail:
	if (slave >= 0)
		close(slave);
	if (master >= 0)
		close(master);
	return -EIO;
}

void cons_pty_close(struct cons_console *con)
{
	if (con->pty_master >= 0)
		close(con->pty_master);
	if (con->pty_slave >= 0)
		close(con->pty_slave);
	con->pty_master = con->pty_slave = -1;
}
