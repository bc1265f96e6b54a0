/*
 * bx_uapi.h - the user ABI of Linux's Xen character devices, the one place
 * Bastion's userland (libbx, xenstored, xl) takes it from:
 * /dev/xen/privcmd and /dev/xen/hypercall, /dev/xen/evtchn,
 * /dev/xen/gntdev and /dev/xen/xenbus_backend.  Ioctl numbers and argument
 * layouts are the kernel's (each block names the uapi header it follows);
 * written here so nothing needs Debian's libxen* or kernel headers.
 */
#ifndef BX_UAPI_H
#define BX_UAPI_H

#include <stddef.h>
#include <stdint.h>
#include <sys/ioctl.h>

/* Follows Linux include/uapi/xen/evtchn.h. */
struct bx_evtchn_bind_virq {
	uint32_t virq;
};
struct bx_evtchn_bind_interdomain {
	uint32_t remote_domain, remote_port;
};
struct bx_evtchn_bind_unbound_port {
	uint32_t remote_domain;
};
struct bx_evtchn_port {
	uint32_t port; /* unbind and notify take the same one-field struct */
};
#define BX_IOCTL_EVTCHN_BIND_VIRQ \
	_IOC(_IOC_NONE, 'E', 0, sizeof(struct bx_evtchn_bind_virq))
#define BX_IOCTL_EVTCHN_BIND_INTERDOMAIN \
	_IOC(_IOC_NONE, 'E', 1, sizeof(struct bx_evtchn_bind_interdomain))
#define BX_IOCTL_EVTCHN_BIND_UNBOUND_PORT \
	_IOC(_IOC_NONE, 'E', 2, sizeof(struct bx_evtchn_bind_unbound_port))
#define BX_IOCTL_EVTCHN_UNBIND \
	_IOC(_IOC_NONE, 'E', 3, sizeof(struct bx_evtchn_port))
#define BX_IOCTL_EVTCHN_NOTIFY \
	_IOC(_IOC_NONE, 'E', 4, sizeof(struct bx_evtchn_port))

/* Follows Linux include/uapi/xen/gntdev.h. */
struct bx_gntdev_grant_ref {
	uint32_t domid;
	uint32_t ref;
};
struct bx_gntdev_map {
	uint32_t count;
	uint32_t pad;
	uint64_t index; /* out: the mmap() offset of the mapping */
	struct bx_gntdev_grant_ref refs[1]; /* count entries in truth */
};
struct bx_gntdev_unmap {
	uint64_t index;
	uint32_t count;
	uint32_t pad;
};
_Static_assert(sizeof(struct bx_gntdev_map) == 24, "gntdev map size");
_Static_assert(offsetof(struct bx_gntdev_map, refs) == 16, "gntdev map refs");
_Static_assert(sizeof(struct bx_gntdev_unmap) == 16, "gntdev unmap size");
#define BX_IOCTL_GNTDEV_MAP_GRANT_REF \
	_IOC(_IOC_NONE, 'G', 0, sizeof(struct bx_gntdev_map))
#define BX_IOCTL_GNTDEV_UNMAP_GRANT_REF \
	_IOC(_IOC_NONE, 'G', 1, sizeof(struct bx_gntdev_unmap))

/* Follows Linux include/uapi/xen/privcmd.h. */
struct bx_privcmd_hypercall {
	uint64_t op;
	uint64_t arg[5];
};
struct bx_privcmd_mmapbatch_v2 {
	uint32_t num;
	uint16_t dom;
	uint64_t addr;
	const uint64_t *arr; /* xen_pfn_t frames */
	int *err;            /* out: per-frame -errno */
};
struct bx_privcmd_mmap_resource {
	uint16_t dom;
	uint32_t type; /* XENMEM_resource_* */
	uint32_t id;
	uint32_t idx;
	uint64_t num;  /* frames */
	uint64_t addr; /* 0: ask for the resource's size in frames */
};
_Static_assert(sizeof(struct bx_privcmd_hypercall) == 48, "privcmd hypercall");
_Static_assert(sizeof(struct bx_privcmd_mmapbatch_v2) == 32, "mmapbatch_v2");
_Static_assert(offsetof(struct bx_privcmd_mmapbatch_v2, addr) == 8, "addr");
_Static_assert(sizeof(struct bx_privcmd_mmap_resource) == 32, "mmap_resource");
_Static_assert(offsetof(struct bx_privcmd_mmap_resource, num) == 16, "num");
#define BX_IOCTL_PRIVCMD_HYPERCALL \
	_IOC(_IOC_NONE, 'P', 0, sizeof(struct bx_privcmd_hypercall))
#define BX_IOCTL_PRIVCMD_MMAPBATCH_V2 \
	_IOC(_IOC_NONE, 'P', 4, sizeof(struct bx_privcmd_mmapbatch_v2))
#define BX_IOCTL_PRIVCMD_MMAP_RESOURCE \
	_IOC(_IOC_NONE, 'P', 7, sizeof(struct bx_privcmd_mmap_resource))

/* Follows Linux include/xen/xenbus_dev.h (the ioctl returns the port). */
#define BX_IOCTL_XENBUS_BACKEND_EVTCHN _IOC(_IOC_NONE, 'B', 0, 0)

#define BX_DEV_EVTCHN "/dev/xen/evtchn"
#define BX_DEV_GNTDEV "/dev/xen/gntdev"
#define BX_DEV_PRIVCMD "/dev/xen/privcmd"
#define BX_DEV_HYPERCALL "/dev/xen/hypercall"
#define BX_DEV_XENBUS "/dev/xen/xenbus"
#define BX_DEV_XENBUS_BACKEND "/dev/xen/xenbus_backend"

#endif
