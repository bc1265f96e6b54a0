/*
 * xs_bx.c - the pv_xs seam over libbx's xenstore client.  Every call is
 * outside a transaction: the backend's keys are each written once, and
 * the state machine re-reads what it needs on each update.
 */
#include <errno.h>

#include "host_xen.h"

static struct bx_xs *conn_of(struct pv_xs *xs)
{
	return xs->opaque;
}

static char *xb_read(struct pv_xs *xs, const char *path)
{
	return bx_xs_read(conn_of(xs), 0, path, NULL);
}

static int xb_write(struct pv_xs *xs, const char *path, const char *value)
{
	return bx_xs_write_str(conn_of(xs), 0, path, value);
}

static int xb_directory(struct pv_xs *xs, const char *path, char ***names)
{
	return bx_xs_directory(conn_of(xs), 0, path, names);
}

static int xb_watch(struct pv_xs *xs, const char *path, const char *token)
{
	return bx_xs_watch(conn_of(xs), path, token);
}

static int xb_unwatch(struct pv_xs *xs, const char *path, const char *token)
{
	return bx_xs_unwatch(conn_of(xs), path, token);
}

static const struct pv_xs_ops xs_bx_ops = {
	.read = xb_read,
	.write = xb_write,
	.directory = xb_directory,
	.watch = xb_watch,
	.unwatch = xb_unwatch,
};

void xs_bx_init(struct pv_xs *xs, struct bx_xs *conn)
{
	*xs = (struct pv_xs){ .ops = &xs_bx_ops, .opaque = conn };
}
