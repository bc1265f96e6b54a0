/*
 * xs_xen_uapi.h - the Linux character devices a dom0 xenstored talks to:
 * /dev/xen/evtchn, /dev/xen/gntdev, /dev/xen/privcmd and
 * /dev/xen/xenbus_backend.  Ioctl numbers and argument layouts are the
 * kernel's user ABI; each block names the header it follows.  Written here
 * so the daemon needs no libxen* at all.
 */
#ifndef XS_XEN_UAPI_H
#define XS_XEN_UAPI_H

#include <stddef.h>
#include <stdint.h>
#include <sys/ioctl.h>

/* Follows Linux include/uapi/xen/evtchn.h. */
struct xs_evtchn_bind_virq {
	uint32_t virq;
};
struct xs_evtchn_bind_interdomain {
	uint32_t remote_domain, remote_port;
};
struct xs_evtchn_port {
	uint32_t port; /* unbind and notify take the same one-field struct */
};
#define XS_IOCTL_EVTCHN_BIND_VIRQ \
	_IOC(_IOC_NONE, 'E', 0, sizeof(struct xs_evtchn_bind_virq))
#define XS_IOCTL_EVTCHN_BIND_INTERDOMAIN \
	_IOC(_IOC_NONE, 'E', 1, sizeof(struct xs_evtchn_bind_interdomain))
#define XS_IOCTL_EVTCHN_UNBIND \
	_IOC(_IOC_NONE, 'E', 3, sizeof(struct xs_evtchn_port))
#define XS_IOCTL_EVTCHN_NOTIFY \
	_IOC(_IOC_NONE, 'E', 4, sizeof(struct xs_evtchn_port))

/* Follows Linux include/uapi/xen/gntdev.h. */
struct xs_gntdev_map_one {
	uint32_t count; /* 1 here */
	uint32_t pad;
	uint64_t index; /* out: the mmap() offset of the mapping */
	uint32_t domid;
	uint32_t ref;
};
struct xs_gntdev_unmap {
	uint64_t index;
	uint32_t count;
	uint32_t pad;
};
_Static_assert(sizeof(struct xs_gntdev_map_one) == 24, "gntdev map size");
_Static_assert(sizeof(struct xs_gntdev_unmap) == 16, "gntdev unmap size");
#define XS_IOCTL_GNTDEV_MAP_GRANT_REF \
	_IOC(_IOC_NONE, 'G', 0, sizeof(struct xs_gntdev_map_one))
#define XS_IOCTL_GNTDEV_UNMAP_GRANT_REF \
	_IOC(_IOC_NONE, 'G', 1, sizeof(struct xs_gntdev_unmap))

/* Follows Linux include/uapi/xen/privcmd.h. */
struct xs_privcmd_hypercall {
	uint64_t op;
	uint64_t arg[5];
};
struct xs_privcmd_mmapbatch_v2 {
	uint32_t num;
	uint16_t dom;
	uint64_t addr;
	const uint64_t *arr; /* xen_pfn_t frames */
	int *err;
};
_Static_assert(sizeof(struct xs_privcmd_hypercall) == 48, "privcmd hypercall");
_Static_assert(sizeof(struct xs_privcmd_mmapbatch_v2) == 32, "mmapbatch_v2");
_Static_assert(offsetof(struct xs_privcmd_mmapbatch_v2, addr) == 8, "addr");
#define XS_IOCTL_PRIVCMD_HYPERCALL \
	_IOC(_IOC_NONE, 'P', 0, sizeof(struct xs_privcmd_hypercall))
#define XS_IOCTL_PRIVCMD_MMAPBATCH_V2 \
	_IOC(_IOC_NONE, 'P', 4, sizeof(struct xs_privcmd_mmapbatch_v2))

/* Follows Linux include/xen/xenbus_dev.h (the ioctl returns the port). */
#define XS_IOCTL_XENBUS_BACKEND_EVTCHN _IOC(_IOC_NONE, 'B', 0, 0)

#define XS_DEV_EVTCHN "/dev/xen/evtchn"
#define XS_DEV_GNTDEV "/dev/xen/gntdev"
#define XS_DEV_PRIVCMD "/dev/xen/privcmd"
#define XS_DEV_XENBUS_BACKEND "/dev/xen/xenbus_backend"

#endif
