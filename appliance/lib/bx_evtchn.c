/*
 * bx_evtchn.c - event channels of this process through /dev/xen/evtchn
 * (Linux include/uapi/xen/evtchn.h): binding returns the local port;
 * read() yields pending ports as 32-bit words, each masked until the same
 * word is written back.
 */
#include <errno.h>
#include <fcntl.h>
#include <sys/ioctl.h>
#include <unistd.h>

#include "bx.h"

int bx_evtchn_open(void)
{
	int fd = open(BX_DEV_EVTCHN, O_RDWR | O_CLOEXEC);

	return fd < 0 ? -errno : fd;
}

static long evtchn_ioctl(int fd, unsigned long req, void *arg)
{
	long rc = ioctl(fd, req, arg);

	return rc < 0 ? -errno : rc;
}

long bx_evtchn_bind_interdomain(int fd, uint32_t domid, uint32_t remote_port)
{
	struct bx_evtchn_bind_interdomain op = { domid, remote_port };

	return evtchn_ioctl(fd, BX_IOCTL_EVTCHN_BIND_INTERDOMAIN, &op);
}

long bx_evtchn_bind_virq(int fd, uint32_t virq)
{
	struct bx_evtchn_bind_virq op = { virq };

	return evtchn_ioctl(fd, BX_IOCTL_EVTCHN_BIND_VIRQ, &op);
}

int bx_evtchn_notify(int fd, uint32_t port)
{
	struct bx_evtchn_port op = { port };

	return (int)evtchn_ioctl(fd, BX_IOCTL_EVTCHN_NOTIFY, &op);
}

int bx_evtchn_unbind(int fd, uint32_t port)
{
	struct bx_evtchn_port op = { port };

	return (int)evtchn_ioctl(fd, BX_IOCTL_EVTCHN_UNBIND, &op);
}

long bx_evtchn_pending(int fd)
{
	uint32_t port;
	ssize_t n = read(fd, &port, sizeof(port));

	if (n < 0)
		return -errno;
	return n == sizeof(port) ? (long)port : -EIO;
}

int bx_evtchn_unmask(int fd, uint32_t port)
{
	ssize_t n = write(fd, &port, sizeof(port));

	if (n < 0)
		return -errno;
	return n == sizeof(port) ? 0 : -EIO;
}
