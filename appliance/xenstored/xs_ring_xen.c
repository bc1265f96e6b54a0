/*
 * xs_ring_xen.c - the ring backend for real domains, in a Linux dom0.
 * A domU's xenstore page is mapped through /dev/xen/gntdev as grant
 * GNTTAB_RESERVED_XENSTORE (the entry the domain builder seeds for the
 * xenstore domain, which Xen 4.17's xenstored maps); if the grant can't be
 * mapped, the frame INTRODUCE named is mapped as foreign memory through
 * /dev/xen/privcmd (IOCTL_PRIVCMD_MMAPBATCH_V2).  The local domain's own
 * page is the one its kernel offers on /dev/xen/xenbus_backend.  Each
 * event channel gets its own /dev/xen/evtchn descriptor, so a readable
 * descriptor names its domain; reading it yields the pending ports, which
 * are unmasked by writing them back (Linux drivers/xen/evtchn.c).
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include "public/grant_table.h"
#include "xs_ring.h"
#include "xs_ring_xen.h"
#include "bx_uapi.h"

#define XEN_PAGE 4096

enum map_kind { MAP_GRANT, MAP_FOREIGN, MAP_LOCAL };

struct mapping {
	void *addr;
	enum map_kind kind;
	uint64_t index; /* gntdev offset (MAP_GRANT) */
	struct mapping *next;
};

struct xen_ctx {
	int gntdev_fd, privcmd_fd;
	struct mapping *maps;
	bool foreign_only; /* tests the fallback: never try the grant */
	FILE *log;         /* how each ring was mapped; NULL: not said */
};

static int open_dev(const char *path)
{
	return open(path, O_RDWR | O_CLOEXEC);
}

void *xs_ring_xen_new(bool foreign_only, FILE *log)
{
	struct xen_ctx *ctx = calloc(1, sizeof(*ctx));

	if (!ctx)
		return NULL;
	ctx->foreign_only = foreign_only;
	ctx->log = log;
	ctx->gntdev_fd = open_dev(BX_DEV_GNTDEV);
	ctx->privcmd_fd = open_dev(BX_DEV_PRIVCMD);
	if (ctx->privcmd_fd < 0) {
		xs_ring_xen_free(ctx);
		return NULL;
	}
	return ctx;
}

void xs_ring_xen_free(void *opaque)
{
	struct xen_ctx *ctx = opaque;

	if (!ctx)
		return;
	if (ctx->gntdev_fd >= 0)
		close(ctx->gntdev_fd);
	if (ctx->privcmd_fd >= 0)
		close(ctx->privcmd_fd);
	while (ctx->maps) {
		struct mapping *m = ctx->maps;
		ctx->maps = m->next;
		free(m);
	}
	free(ctx);
}

int xs_ring_xen_privcmd_fd(void *opaque)
{
	return ((struct xen_ctx *)opaque)->privcmd_fd;
}

static int map_grant(struct xen_ctx *ctx, uint32_t domid, struct mapping *m)
{
	struct bx_gntdev_map op = { .count = 1,
		.refs = { { .domid = domid, .ref = GNTTAB_RESERVED_XENSTORE } } };
	struct bx_gntdev_unmap un = { .count = 1 };
	void *p;

	if (ctx->gntdev_fd < 0 || ctx->foreign_only)
		return ENODEV;
	if (ioctl(ctx->gntdev_fd, BX_IOCTL_GNTDEV_MAP_GRANT_REF, &op))
		return errno;
	p = mmap(NULL, XEN_PAGE, PROT_READ | PROT_WRITE, MAP_SHARED,
		 ctx->gntdev_fd, (off_t)op.index);
	if (p == MAP_FAILED) {
		int err = errno;
		un.index = op.index;
		ioctl(ctx->gntdev_fd, BX_IOCTL_GNTDEV_UNMAP_GRANT_REF, &un);
		return err;
	}
	m->addr = p;
	m->kind = MAP_GRANT;
	m->index = op.index;
	return 0;
}

static int map_foreign(struct xen_ctx *ctx, uint32_t domid, uint64_t mfn,
		       struct mapping *m)
{
	struct bx_privcmd_mmapbatch_v2 op = { .num = 1, .dom = (uint16_t)domid };
	int frame_err = 0;
	void *p = mmap(NULL, XEN_PAGE, PROT_READ | PROT_WRITE, MAP_SHARED,
		       ctx->privcmd_fd, 0);

	if (p == MAP_FAILED)
		return errno;
	op.addr = (uint64_t)(uintptr_t)p;
	op.arr = &mfn;
	op.err = &frame_err;
	if (ioctl(ctx->privcmd_fd, BX_IOCTL_PRIVCMD_MMAPBATCH_V2, &op) ||
	    frame_err) {
		int err = frame_err ? -frame_err : errno;
		munmap(p, XEN_PAGE);
		return err > 0 ? err : EFAULT;
	}
	m->addr = p;
	m->kind = MAP_FOREIGN;
	return 0;
}

static int map_local(struct mapping *m)
{
	int fd = open_dev(BX_DEV_XENBUS_BACKEND);
	void *p;

	if (fd < 0)
		return errno;
	p = mmap(NULL, XEN_PAGE, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
	close(fd);
	if (p == MAP_FAILED)
		return errno;
	m->addr = p;
	m->kind = MAP_LOCAL;
	return 0;
}

static void say(struct xen_ctx *ctx, uint32_t domid, const char *how,
		int err, uint64_t mfn)
{
	if (!ctx->log)
		return;
	fprintf(ctx->log, "xenstored: domain %u: ring %s (frame %#llx)%s%s\n",
		domid, how, (unsigned long long)mfn, err ? ": " : "",
		err ? strerror(err) : "");
	fflush(ctx->log);
}

/* Domain 0 is this kernel's own page; others, the grant, else the frame. */
static int xen_map(void *opaque, uint32_t domid, uint64_t mfn,
		   struct xenstore_domain_interface **iface)
{
	struct xen_ctx *ctx = opaque;
	struct mapping *m = calloc(1, sizeof(*m));
	int err;

	if (!m)
		return ENOMEM;
	if (domid == 0) {
		err = map_local(m);
	} else if ((err = map_grant(ctx, domid, m))) {
		say(ctx, domid, "not mapped by grant", err, mfn);
		err = map_foreign(ctx, domid, mfn, m);
		say(ctx, domid, err ? "not mapped as foreign frame"
				    : "mapped as foreign frame", err, mfn);
	} else {
		say(ctx, domid, "mapped by grant", 0, mfn);
	}
	if (err) {
		free(m);
		return err;
	}
	m->next = ctx->maps;
	ctx->maps = m;
	*iface = m->addr;
	return 0;
}

static void xen_unmap(void *opaque, struct xenstore_domain_interface *iface)
{
	struct xen_ctx *ctx = opaque;

	for (struct mapping **pm = &ctx->maps; *pm; pm = &(*pm)->next) {
		struct mapping *m = *pm;
		if (m->addr != (void *)iface)
			continue;
		munmap(m->addr, XEN_PAGE);
		if (m->kind == MAP_GRANT) {
			struct bx_gntdev_unmap un = { .index = m->index,
						      .count = 1 };
			ioctl(ctx->gntdev_fd, BX_IOCTL_GNTDEV_UNMAP_GRANT_REF,
			      &un);
		}
		*pm = m->next;
		free(m);
		return;
	}
}

int xs_evtchn_open(void)
{
	return open(BX_DEV_EVTCHN, O_RDWR | O_NONBLOCK | O_CLOEXEC);
}

static int xen_bind(void *opaque, uint32_t domid, uint32_t remote_port,
		    struct xs_evtchn *ev)
{
	struct bx_evtchn_bind_interdomain op = { domid, remote_port };
	int fd = xs_evtchn_open(), port;

	(void)opaque;
	if (fd < 0)
		return errno;
	port = ioctl(fd, BX_IOCTL_EVTCHN_BIND_INTERDOMAIN, &op);
	if (port < 0) {
		int err = errno;
		close(fd);
		return err;
	}
	ev->fd = fd;
	ev->notify_fd = -1;
	ev->local_port = (uint32_t)port;
	return 0;
}

static void xen_unbind(void *opaque, struct xs_evtchn *ev)
{
	struct bx_evtchn_port op = { ev->local_port };

	(void)opaque;
	if (ev->fd < 0)
		return;
	ioctl(ev->fd, BX_IOCTL_EVTCHN_UNBIND, &op);
	close(ev->fd);
	ev->fd = -1;
}

static void xen_notify(void *opaque, struct xs_evtchn *ev)
{
	struct bx_evtchn_port op = { ev->local_port };

	(void)opaque;
	ioctl(ev->fd, BX_IOCTL_EVTCHN_NOTIFY, &op);
}

int xs_evtchn_drain(int fd)
{
	uint32_t ports[16];
	ssize_t n;
	int got = 0;

	while ((n = read(fd, ports, sizeof(ports))) > 0) {
		got += (int)(n / (ssize_t)sizeof(ports[0]));
		if (write(fd, ports, (size_t)n) != n)
			return -1; /* a port left masked: nothing more to do */
	}
	return got;
}

static void xen_ack(void *opaque, struct xs_evtchn *ev)
{
	(void)opaque;
	xs_evtchn_drain(ev->fd);
}

const struct xs_ring_backend xs_ring_xen_backend = {
	.name = "xen",
	.map = xen_map,
	.unmap = xen_unmap,
	.bind = xen_bind,
	.unbind = xen_unbind,
	.notify = xen_notify,
	.ack = xen_ack,
};
