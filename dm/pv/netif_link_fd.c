/*
 * netif_link_fd.c - a packet fd as the link behind a netif engine: a
 * tap in bastion-dm (netback.c), one end of a socketpair in the host
 * tests.  One frame per writev / readv, as a tap and a datagram socket
 * keep them; the fd is watched through the host's main loop.
 */
#include <sys/uio.h>

#include "netif.h"

static ssize_t fd_link_send(void *link, const struct iovec *iov, int iovcnt)
{
	const struct netif_fd_link *l = link;

	return writev(l->fd, iov, iovcnt);
}

static ssize_t fd_link_recv(void *link, const struct iovec *iov, int iovcnt)
{
	const struct netif_fd_link *l = link;

	return readv(l->fd, iov, iovcnt);
}

static long fd_link_watch(void *link, void (*ready)(void *arg), void *arg)
{
	const struct netif_fd_link *l = link;

	return l->host->ops->watch_fd(l->host, l->fd, ready, arg);
}

static void fd_link_unwatch(void *link, long watch)
{
	const struct netif_fd_link *l = link;

	l->host->ops->unwatch_fd(l->host, watch);
}

const struct netif_link_ops netif_fd_link_ops = {
	.send = fd_link_send,
	.recv = fd_link_recv,
	.watch = fd_link_watch,
	.unwatch = fd_link_unwatch,
};
