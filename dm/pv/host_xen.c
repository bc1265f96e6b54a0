/*
 * host_xen.c - the pv_host seam on a real Xen or Bastion host: grants
 * through /dev/xen/gntdev and event channels through /dev/xen/evtchn,
 * both by libbx; fd watches are glib sources of the main loop.
 */
#include <errno.h>
#include <fcntl.h>
#include <glib.h>
#include <glib-unix.h>
#include <stdlib.h>
#include <sys/mman.h>
#include <unistd.h>

#include "bx.h"
#include "host_xen.h"

static struct host_xen *hx_of(struct pv_host *host)
{
	return host->opaque;
}

static void *hx_map(struct pv_host *host, const uint32_t *refs, uint32_t nr,
		    bool writable, uint64_t *handle)
{
	int prot = PROT_READ | (writable ? PROT_WRITE : 0);

	return bx_gntdev_map(hx_of(host)->gntdev_fd, host->domid, refs, nr, prot, handle);
}

static void hx_unmap(struct pv_host *host, void *addr, uint32_t nr, uint64_t handle)
{
	bx_gntdev_unmap(hx_of(host)->gntdev_fd, addr, nr, handle);
}

static long hx_bind(struct pv_host *host, uint32_t remote_port)
{
	return bx_evtchn_bind_interdomain(hx_of(host)->evtchn_fd, host->domid, remote_port);
}

static void hx_unbind(struct pv_host *host, uint32_t port)
{
	bx_evtchn_unbind(hx_of(host)->evtchn_fd, port);
}

static void hx_notify(struct pv_host *host, uint32_t port)
{
	bx_evtchn_notify(hx_of(host)->evtchn_fd, port);
}

static void hx_later(struct pv_host *host, uint32_t port)
{
	struct host_xen *hx = hx_of(host);

	(void)port;
	if (hx->later)
		hx->later(hx->later_opaque);
}

struct fd_watch {
	void (*ready)(void *arg);
	void *arg;
};

static gboolean on_fd(gint fd, GIOCondition cond, gpointer opaque)
{
	struct fd_watch *w = opaque;

	(void)fd;
	(void)cond;
	w->ready(w->arg); /* may remove this very source: glib allows it */
	return G_SOURCE_CONTINUE;
}

static long watch_cond(int fd, GIOCondition cond, void (*ready)(void *arg), void *arg)
{
	struct fd_watch *w = malloc(sizeof(*w));

	if (!w)
		return -ENOMEM;
	*w = (struct fd_watch){ ready, arg };
	return (long)g_unix_fd_add_full(G_PRIORITY_DEFAULT, fd, cond | G_IO_ERR | G_IO_HUP,
					on_fd, w, free);
}

static long hx_watch_fd(struct pv_host *host, int fd, void (*ready)(void *arg), void *arg)
{
	(void)host;
	return watch_cond(fd, G_IO_IN, ready, arg);
}

static long hx_watch_fd_out(struct pv_host *host, int fd, void (*ready)(void *arg), void *arg)
{
	(void)host;
	return watch_cond(fd, G_IO_OUT, ready, arg);
}

static void hx_unwatch_fd(struct pv_host *host, long watch)
{
	(void)host;
	if (watch > 0)
		g_source_remove((guint)watch);
}

static const struct pv_host_ops host_xen_ops = {
	.map_grants = hx_map,
	.unmap_grants = hx_unmap,
	.bind_evtchn = hx_bind,
	.unbind_evtchn = hx_unbind,
	.notify = hx_notify,
	.later = hx_later,
	.watch_fd = hx_watch_fd,
	.watch_fd_out = hx_watch_fd_out,
	.unwatch_fd = hx_unwatch_fd,
};

int host_xen_open(struct host_xen *hx, uint32_t domid)
{
	hx->gntdev_fd = bx_gntdev_open();
	hx->evtchn_fd = bx_evtchn_open();
	if (hx->gntdev_fd < 0 || hx->evtchn_fd < 0) {
		int rc = hx->gntdev_fd < 0 ? hx->gntdev_fd : hx->evtchn_fd;
		host_xen_close(hx);
		return rc;
	}
	/* The main loop drains pending ports until the read would block. */
	fcntl(hx->evtchn_fd, F_SETFL, fcntl(hx->evtchn_fd, F_GETFL) | O_NONBLOCK);
	hx->host = (struct pv_host){ .ops = &host_xen_ops, .domid = domid, .opaque = hx };
	return 0;
}

void host_xen_close(struct host_xen *hx)
{
	if (hx->gntdev_fd >= 0)
		close(hx->gntdev_fd);
	if (hx->evtchn_fd >= 0)
		close(hx->evtchn_fd);
	hx->gntdev_fd = hx->evtchn_fd = -1;
}
