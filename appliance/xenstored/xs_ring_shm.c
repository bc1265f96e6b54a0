/*
 * xs_ring_shm.c - a ring backend for running the shared-ring transport on
 * the host, with no hypervisor: the "page" of frame <mfn> is the file
 * DIR/ring-<mfn> (at least 4096 bytes, mapped shared), and event channel
 * <port> is a pair of FIFOs, DIR/evtchn-<port>.kick (the guest writes a
 * byte to notify xenstored) and DIR/evtchn-<port>.notify (xenstored writes
 * a byte to notify the guest).  The test client plays the guest.
 */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#include "xs_ring.h"

#define SHM_PAGE 4096

struct shm_ctx {
	char *dir;
};

void *xs_ring_shm_new(const char *dir)
{
	struct shm_ctx *ctx = calloc(1, sizeof(*ctx));

	if (!ctx || !(ctx->dir = strdup(dir))) {
		free(ctx);
		return NULL;
	}
	return ctx;
}

void xs_ring_shm_free(void *opaque)
{
	struct shm_ctx *ctx = opaque;

	if (ctx)
		free(ctx->dir);
	free(ctx);
}

static int shm_map(void *opaque, uint32_t domid, uint64_t mfn,
		   struct xenstore_domain_interface **iface)
{
	struct shm_ctx *ctx = opaque;
	char path[PATH_MAX];
	struct stat st;
	void *p;
	int fd;

	(void)domid;
	snprintf(path, sizeof(path), "%s/ring-%llu", ctx->dir,
		 (unsigned long long)mfn);
	fd = open(path, O_RDWR | O_CLOEXEC);
	if (fd < 0)
		return errno;
	if (fstat(fd, &st) || st.st_size < SHM_PAGE) {
		close(fd);
		return EINVAL;
	}
	p = mmap(NULL, SHM_PAGE, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
	close(fd);
	if (p == MAP_FAILED)
		return errno;
	*iface = p;
	return 0;
}

static void shm_unmap(void *opaque, struct xenstore_domain_interface *iface)
{
	(void)opaque;
	munmap(iface, SHM_PAGE);
}

static int open_fifo(struct shm_ctx *ctx, uint32_t port, const char *end)
{
	char path[PATH_MAX];
	struct stat st;

	snprintf(path, sizeof(path), "%s/evtchn-%u.%s", ctx->dir, port, end);
	if (stat(path, &st))
		return -1;
	if (!S_ISFIFO(st.st_mode)) {
		errno = EINVAL;
		return -1;
	}
	/* O_RDWR: never blocks on open, never sees end-of-file. */
	return open(path, O_RDWR | O_NONBLOCK | O_CLOEXEC);
}

static int shm_bind(void *opaque, uint32_t domid, uint32_t port,
		    struct xs_evtchn *ev)
{
	struct shm_ctx *ctx = opaque;

	(void)domid;
	ev->fd = open_fifo(ctx, port, "kick");
	if (ev->fd < 0)
		return errno;
	ev->notify_fd = open_fifo(ctx, port, "notify");
	if (ev->notify_fd < 0) {
		int err = errno;
		close(ev->fd);
		ev->fd = -1;
		return err;
	}
	ev->local_port = port;
	return 0;
}

static void shm_unbind(void *opaque, struct xs_evtchn *ev)
{
	(void)opaque;
	if (ev->fd >= 0)
		close(ev->fd);
	if (ev->notify_fd >= 0)
		close(ev->notify_fd);
	ev->fd = ev->notify_fd = -1;
}

static void shm_notify(void *opaque, struct xs_evtchn *ev)
{
	(void)opaque;
	/* A full FIFO already holds a pending notification. */
	if (write(ev->notify_fd, "!", 1) < 0 && errno != EAGAIN)
		return;
}

static void shm_ack(void *opaque, struct xs_evtchn *ev)
{
	char buf[64];

	(void)opaque;
	while (read(ev->fd, buf, sizeof(buf)) > 0)
		;
}

const struct xs_ring_backend xs_ring_shm_backend = {
	.name = "shm",
	.map = shm_map,
	.unmap = shm_unmap,
	.bind = shm_bind,
	.unbind = shm_unbind,
	.notify = shm_notify,
	.ack = shm_ack,
};
