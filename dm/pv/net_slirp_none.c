/*
 * net_slirp_none.c - net_slirp.h for a bastion-dm built without libslirp
 * (the static one: Debian ships libslirp as a shared library only).
 * Every user-networking device is refused, saying why.
 */
#include <errno.h>
#include <sys/uio.h>

#include "net_slirp.h"
#include "pv_log.h"

struct net_slirp *net_slirp_new(const char *name, const char *hostfwds)
{
	(void)hostfwds;
	pv_log("slirp %s: this bastion-dm was built without libslirp; "
	       "user networking (net=user) needs the dynamic one", name);
	return NULL;
}

void net_slirp_free(struct net_slirp *ns)
{
	(void)ns;
}

static ssize_t none_io(void *link, const struct iovec *iov, int iovcnt)
{
	(void)link;
	(void)iov;
	(void)iovcnt;
	errno = ENODEV;
	return -1;
}

static long none_watch(void *link, void (*ready)(void *arg), void *arg)
{
	(void)link;
	(void)ready;
	(void)arg;
	return -ENODEV;
}

static void none_unwatch(void *link, long watch)
{
	(void)link;
	(void)watch;
}

const struct netif_link_ops net_slirp_link_ops = {
	.send = none_io,
	.recv = none_io,
	.watch = none_watch,
	.unwatch = none_unwatch,
};
