/*
 * Runs in the xl test dom0: one XEN_SYSCTL_physinfo through
 * /dev/xen/privcmd, printed in pages ("total_pages=N free_pages=N
 * scrub_pages=N outstanding_pages=N"), since xl info rounds to MiB.
 * The layouts are public/sysctl.h's (Xen 4.17's).
 */
#include <errno.h>
#include <fcntl.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <sys/ioctl.h>
#include <unistd.h>

#include "public/sysctl.h"
#include "public/xen.h"

/* Linux's include/uapi/xen/privcmd.h: the hypercall pass-through ioctl. */
struct privcmd_hypercall {
	uint64_t op;
	uint64_t arg[5];
};
#define IOCTL_PRIVCMD_HYPERCALL _IOC(_IOC_NONE, 'P', 0, sizeof(struct privcmd_hypercall))

int main(void)
{
	int fd = open("/dev/xen/privcmd", O_RDWR);
	if (fd < 0) {
		fprintf(stderr, "physinfo: /dev/xen/privcmd: %s\n", strerror(errno));
		return 1;
	}
	struct xen_sysctl op;
	memset(&op, 0, sizeof(op));
	op.cmd = XEN_SYSCTL_physinfo;
	op.interface_version = XEN_SYSCTL_INTERFACE_VERSION;
	struct privcmd_hypercall h = { __HYPERVISOR_sysctl, { (uintptr_t)&op, 0, 0, 0, 0 } };
	if (ioctl(fd, IOCTL_PRIVCMD_HYPERCALL, &h) < 0) {
		fprintf(stderr, "physinfo: sysctl physinfo: %s\n", strerror(errno));
		return 1;
	}
	const struct xen_sysctl_physinfo *pi = &op.u.physinfo;
	printf("total_pages=%llu free_pages=%llu scrub_pages=%llu outstanding_pages=%llu\n",
	       (unsigned long long)pi->total_pages, (unsigned long long)pi->free_pages,
	       (unsigned long long)pi->scrub_pages, (unsigned long long)pi->outstanding_pages);
	return 0;
}
