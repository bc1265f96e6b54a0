/*
 * bx_foreign.c - another domain's memory in this process through privcmd
 * (Linux include/uapi/xen/privcmd.h): guest frames by IOCTL_PRIVCMD_
 * MMAPBATCH_V2 and resource frames (grant table, ioreq pages) by
 * IOCTL_PRIVCMD_MMAP_RESOURCE, both into a mapping of the privcmd device.
 */
#include <errno.h>
#include <stdlib.h>
#include <sys/ioctl.h>
#include <sys/mman.h>

#include "bx.h"

#define BX_PAGE 4096UL

void *bx_map_foreign(struct bx *bx, uint32_t domid, int prot,
		     const xen_pfn_t *gfns, int *err, uint32_t nr)
{
	struct bx_privcmd_mmapbatch_v2 op = { .num = nr, .dom = (uint16_t)domid, .arr = gfns };
	int *errs = err ? err : calloc(nr, sizeof(int));
	void *addr;
	int saved;

	if (!errs)
		return NULL;
	addr = mmap(NULL, nr * BX_PAGE, prot, MAP_SHARED, bx->privcmd_fd, 0);
	if (addr != MAP_FAILED) {
		op.addr = (uintptr_t)addr;
		op.err = errs;
		if (ioctl(bx->privcmd_fd, BX_IOCTL_PRIVCMD_MMAPBATCH_V2, &op) < 0) {
			saved = errno;
			munmap(addr, nr * BX_PAGE);
			errno = saved;
			addr = MAP_FAILED;
		}
	}
	if (!err)
		free(errs);
	return addr == MAP_FAILED ? NULL : addr;
}

void *bx_map_resource(struct bx *bx, uint32_t domid, unsigned type,
		      unsigned id, unsigned idx, unsigned long nr, int prot)
{
	struct bx_privcmd_mmap_resource op = { .dom = (uint16_t)domid, .type = type,
					       .id = id, .idx = idx, .num = nr };
	void *addr = mmap(NULL, nr * BX_PAGE, prot, MAP_SHARED, bx->privcmd_fd, 0);
	int saved;

	if (addr == MAP_FAILED)
		return NULL;
	op.addr = (uintptr_t)addr;
	if (ioctl(bx->privcmd_fd, BX_IOCTL_PRIVCMD_MMAP_RESOURCE, &op) < 0) {
		saved = errno;
		munmap(addr, nr * BX_PAGE);
		errno = saved;
		return NULL;
	}
	return addr;
}

void bx_unmap(void *addr, unsigned long nr_frames)
{
	if (addr)
		munmap(addr, nr_frames * BX_PAGE);
}
