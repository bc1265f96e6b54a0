/*
 * xs_xen_dom.c - what xenstored asks of the hypervisor and of the local
 * kernel besides rings: the local domain's xenstore event channel (the
 * port Linux's xenbus allocated for a local xenstored; it answers
 * IOCTL_XENBUS_BACKEND_EVTCHN on /dev/xen/xenbus_backend), a channel bound
 * to VIRQ_DOM_EXC (raised when some domain shuts down or dies), and
 * XEN_DOMCTL_getdomaininfo (public/domctl.h, interface 0x15) issued through
 * /dev/xen/privcmd.  The domctl buffer is a locked page of its own, as the
 * hypervisor reads and writes it through this process's page tables.
 */
#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include "public/domctl.h"
#include "xs_ring.h"
#include "xs_ring_xen.h"
#include "bx_uapi.h"

int xs_xen_local_port(uint32_t *port)
{
	int fd = open(BX_DEV_XENBUS_BACKEND, O_RDWR | O_CLOEXEC), rc, err;

	if (fd < 0)
		return errno;
	rc = ioctl(fd, BX_IOCTL_XENBUS_BACKEND_EVTCHN, 0);
	err = errno;
	close(fd);
	if (rc <= 0)
		return rc < 0 ? err : ENODEV;
	*port = (uint32_t)rc;
	return 0;
}

int xs_xen_bind_dom_exc(void)
{
	struct bx_evtchn_bind_virq op = { VIRQ_DOM_EXC };
	int fd = xs_evtchn_open();

	if (fd < 0)
		return -1;
	if (ioctl(fd, BX_IOCTL_EVTCHN_BIND_VIRQ, &op) < 0) {
		int err = errno;
		close(fd);
		errno = err;
		return -1;
	}
	return fd;
}

static struct xen_domctl *domctl_buffer(void)
{
	static struct xen_domctl *buf;
	void *p;

	if (buf)
		return buf;
	p = mmap(NULL, 4096, PROT_READ | PROT_WRITE,
		 MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	if (p == MAP_FAILED)
		return NULL;
	memset(p, 0, 4096); /* present before the hypervisor looks */
	if (mlock(p, 4096)) {
		munmap(p, 4096);
		return NULL;
	}
	return buf = p;
}

int xs_xen_dominfo(void *ctx, uint32_t domid, uint32_t *found,
		   uint32_t *flags)
{
	struct xen_domctl *op = domctl_buffer();
	struct bx_privcmd_hypercall call = { .op = __HYPERVISOR_domctl };

	if (!op)
		return ENOMEM;
	memset(op, 0, sizeof(*op));
	op->cmd = XEN_DOMCTL_getdomaininfo;
	op->interface_version = XEN_DOMCTL_INTERFACE_VERSION;
	op->domain = (domid_t)domid;
	call.arg[0] = (uint64_t)(uintptr_t)op;
	if (ioctl(xs_ring_xen_privcmd_fd(ctx), BX_IOCTL_PRIVCMD_HYPERCALL,
		  &call) < 0)
		return errno;
	*found = op->u.getdomaininfo.domain;
	*flags = op->u.getdomaininfo.flags;
	return 0;
}
