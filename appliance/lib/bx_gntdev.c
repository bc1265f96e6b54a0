/*
 * bx_gntdev.c - pages other domains granted us, through /dev/xen/gntdev
 * (Linux include/uapi/xen/gntdev.h): IOCTL_GNTDEV_MAP_GRANT_REF reserves
 * an mmap() offset for a run of grant refs, mmap() at that offset maps
 * them; unmapping gives the offset back.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <unistd.h>

#include "bx.h"

#define BX_PAGE 4096UL

int bx_gntdev_open(void)
{
	int fd = open(BX_DEV_GNTDEV, O_RDWR | O_CLOEXEC);

	return fd < 0 ? -errno : fd;
}

void *bx_gntdev_map(int fd, uint32_t domid, const uint32_t *refs, uint32_t nr,
		    int prot, uint64_t *index)
{
	size_t size = sizeof(struct bx_gntdev_map) + (nr ? nr - 1 : 0) *
		      sizeof(struct bx_gntdev_grant_ref);
	struct bx_gntdev_map *op = calloc(1, size);
	struct bx_gntdev_unmap un = { .count = nr };
	void *addr = MAP_FAILED;
	int saved;

	if (!op || nr == 0) {
		free(op);
		errno = op ? EINVAL : ENOMEM;
		return NULL;
	}
	op->count = nr;
	for (uint32_t i = 0; i < nr; i++)
		op->refs[i] = (struct bx_gntdev_grant_ref){ domid, refs[i] };
	if (ioctl(fd, BX_IOCTL_GNTDEV_MAP_GRANT_REF, op) == 0) {
		addr = mmap(NULL, nr * BX_PAGE, prot, MAP_SHARED, fd, (off_t)op->index);
		if (addr == MAP_FAILED) {
			saved = errno;
			un.index = op->index;
			ioctl(fd, BX_IOCTL_GNTDEV_UNMAP_GRANT_REF, &un);
			errno = saved;
		} else {
			*index = op->index;
		}
	}
	free(op);
	return addr == MAP_FAILED ? NULL : addr;
}

int bx_gntdev_unmap(int fd, void *addr, uint32_t nr, uint64_t index)
{
	struct bx_gntdev_unmap un = { .index = index, .count = nr };

	if (munmap(addr, nr * BX_PAGE) < 0)
		return -errno;
	/* The grants are released once both the mapping and the offset go. */
	if (ioctl(fd, BX_IOCTL_GNTDEV_UNMAP_GRANT_REF, &un) < 0)
		return -errno;
	return 0;
}
