/*
 * bx_hcall.c - the privcmd handle: hypercalls through Linux's
 * IOCTL_PRIVCMD_HYPERCALL (include/uapi/xen/privcmd.h) and the memory
 * their pointers may name.  The hypervisor reads and writes such memory
 * through dom0's page tables at any moment of the call, so it must be
 * present and never copied-on-write: pages of /dev/xen/hypercall where the
 * kernel has it, else anonymous pages locked in memory and kept out of
 * fork()ed children (the same rule libxencall follows).
 */
#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <unistd.h>

#include "bx.h"

#define BX_PAGE 4096UL

static long ioctl_hypercall(struct bx *bx, struct bx_privcmd_hypercall *call)
{
	long rc = ioctl(bx->privcmd_fd, BX_IOCTL_PRIVCMD_HYPERCALL, call);

	return rc < 0 ? -errno : rc;
}

int bx_open(struct bx *bx)
{
	bx->privcmd_fd = open(BX_DEV_PRIVCMD, O_RDWR | O_CLOEXEC);
	if (bx->privcmd_fd < 0)
		return -errno;
	bx->hcall_fd = open(BX_DEV_HYPERCALL, O_RDWR | O_CLOEXEC);
	bx->hypercall = ioctl_hypercall;
	return 0;
}

void bx_close(struct bx *bx)
{
	if (bx->privcmd_fd >= 0)
		close(bx->privcmd_fd);
	if (bx->hcall_fd >= 0)
		close(bx->hcall_fd);
	bx->privcmd_fd = bx->hcall_fd = -1;
}

static size_t page_round(size_t size)
{
	return size ? (size + BX_PAGE - 1) & ~(BX_PAGE - 1) : BX_PAGE;
}

static void *alloc_locked(size_t len)
{
	void *p = mmap(NULL, len, PROT_READ | PROT_WRITE,
		       MAP_PRIVATE | MAP_ANONYMOUS | MAP_LOCKED, -1, 0);

	if (p == MAP_FAILED)
		return NULL;
	if (madvise(p, len, MADV_DONTFORK) < 0) {
		int err = errno;
		munmap(p, len);
		errno = err;
		return NULL;
	}
	memset(p, 0, len); /* touch every page: no copy-on-write left */
	return p;
}

void *bx_hbuf_alloc(struct bx *bx, size_t size)
{
	size_t len = page_round(size);
	void *p;

	if (bx->hcall_fd < 0)
		return alloc_locked(len);
	p = mmap(NULL, len, PROT_READ | PROT_WRITE, MAP_SHARED, bx->hcall_fd, 0);
	if (p == MAP_FAILED)
		return NULL;
	memset(p, 0, len);
	return p;
}

void bx_hbuf_free(struct bx *bx, void *buf, size_t size)
{
	(void)bx;
	if (buf)
		munmap(buf, page_round(size));
}

void *bx_hbuf_dup(struct bx *bx, const void *src, size_t size)
{
	void *p = bx_hbuf_alloc(bx, size);

	if (p && src && size)
		memcpy(p, src, size);
	return p;
}

long bx_hypercall(struct bx *bx, unsigned op, uint64_t a0, uint64_t a1,
		  uint64_t a2, uint64_t a3, uint64_t a4)
{
	struct bx_privcmd_hypercall call = { op, { a0, a1, a2, a3, a4 } };

	if (!bx->hypercall)
		return -EBADF;
	return bx->hypercall(bx, &call);
}

/* The hypercall with the bounced argument at position pos (0 or 1). */
static long bounced(struct bx *bx, unsigned op, uint64_t cmd, int pos, void *arg,
		    size_t size)
{
	void *buf = bx_hbuf_dup(bx, arg, size);
	uint64_t ptr;
	long rc;

	if (!buf)
		return -ENOMEM;
	ptr = (uintptr_t)buf;
	rc = pos == 0 ? bx_hypercall(bx, op, ptr, 0, 0, 0, 0)
		      : bx_hypercall(bx, op, cmd, ptr, 0, 0, 0);
	memcpy(arg, buf, size);
	bx_hbuf_free(bx, buf, size);
	return rc;
}

long bx_hypercall_arg(struct bx *bx, unsigned op, uint64_t cmd, void *arg,
		      size_t size)
{
	return bounced(bx, op, cmd, 1, arg, size);
}

long bx_hypercall_ptr(struct bx *bx, unsigned op, void *arg, size_t size)
{
	return bounced(bx, op, 0, 0, arg, size);
}
