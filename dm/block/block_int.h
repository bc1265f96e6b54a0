/*
 * Private side of the block layer: the per-format ops table every driver
 * fills (one const table per format: raw.c, qcow2*.c, vhd.c), the state
 * common to all opened images, and the file and error helpers drivers share.
 */
#ifndef BASTION_BLOCK_INT_H
#define BASTION_BLOCK_INT_H

#include <pthread.h>
#include <stdarg.h>
#include <sys/types.h>

#include "block.h"

#define BLK_PROBE_LEN 512

struct blk_driver {
	const char *name;  /* as qemu-img names the format */
	const char *alias; /* accepted on the command line too, or NULL */
	/* 0: not this format; higher wins.  head and tail hold the first
	 * and last BLK_PROBE_LEN bytes (zero-padded for short files). */
	int (*probe)(const uint8_t *head, const uint8_t *tail);
	int (*open)(struct blk *b, struct blk_error *err);
	void (*close)(struct blk *b);
	/* Ranges are inside the virtual size; called without b->lock. */
	int (*read)(struct blk *b, uint64_t off, void *buf, size_t len);
	int (*write)(struct blk *b, uint64_t off, const void *buf, size_t len);
	/* Optional: the same scattered (blk_preadv); NULL: bounced. */
	int (*readv)(struct blk *b, uint64_t off, const struct iovec *iov, int iovcnt);
	int (*writev)(struct blk *b, uint64_t off, const struct iovec *iov, int iovcnt);
	int (*flush)(struct blk *b);
	int (*discard)(struct blk *b, uint64_t off, uint64_t len);
	/* Re-reads the virtual size into b->size; NULL: not supported. */
	int (*refresh_size)(struct blk *b);
	int (*status)(struct blk *b, uint64_t off, uint64_t len,
		      struct blk_extent *ext);
	int (*check)(struct blk *b, struct blk_check_result *res);
	int (*create)(const char *path, const struct blk_create_opts *o,
		      struct blk_error *err);
};

extern const struct blk_driver blk_raw_driver;
extern const struct blk_driver blk_qcow2_driver;
extern const struct blk_driver blk_vhd_driver;

struct blk {
	const struct blk_driver *drv;
	int fd;
	char *path;
	bool read_only;
	uint64_t size;       /* virtual size */
	uint32_t cluster_size;
	struct blk *backing;
	char *backing_name;  /* as stored in the image */
	char *backing_fmt;   /* as stored, or NULL */
	void *priv;          /* the driver's state */
	pthread_mutex_t lock; /* serialises metadata work in the driver */
	pthread_mutex_t err_lock;
	char last_error[256];
};

/* Records the message for blk_last_error(); returns -err_no. */
int blk_fail(struct blk *b, int err_no, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));
void blk_seterr(struct blk_error *err, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));
/* The checks every read and write makes first (blk_preadv and the rest):
 * bytes in iov (or -EINVAL), and the range and read-only tests (or -errno). */
int64_t blk_iov_bytes(struct blk *b, const struct iovec *iov, int iovcnt);
int blk_check_io(struct blk *b, uint64_t off, uint64_t len, bool write);

/* io_uring for raw images (aio_uring.c), used by aio.c: NULL when the
 * kernel or the environment (BASTION_AIO=threads) says no. */
struct blk_uring;
struct blk_uring *blk_uring_new(int efd);
/* 0: the kernel has it; -EAGAIN: give it to a worker thread. */
int blk_uring_submit(struct blk_uring *u, struct blk_request *r);
unsigned blk_uring_reap(struct blk_uring *u); /* runs done() for each */
void blk_uring_plug(struct blk_uring *u, bool plug); /* (blk_aio_plug) */
void blk_uring_free(struct blk_uring *u);     /* waits for those in flight */

/* Whole-buffer file I/O.  Reading past end of file yields zeroes. */
int file_pread(int fd, uint64_t off, void *buf, size_t len);
int file_pwrite(int fd, uint64_t off, const void *buf, size_t len);
/* The same over iovcnt buffers; iov itself is left as it was. */
int file_preadv(int fd, uint64_t off, const struct iovec *iov, int iovcnt);
int file_pwritev(int fd, uint64_t off, const struct iovec *iov, int iovcnt);
/* Finishes a vectored transfer whose first done bytes are already moved. */
int file_finish_vector(int fd, uint64_t off, const struct iovec *iov, int iovcnt,
		       size_t done, bool write);
int file_size(int fd, uint64_t *size);
int file_sync(int fd);

/* Reads from the backing chain, zeroes where there is none. */
int blk_read_backing(struct blk *b, uint64_t off, void *buf, size_t len);

/* Big-endian field access (both qcow2 and VHD store big-endian). */
static inline uint16_t be16_at(const uint8_t *p)
{
	return (uint16_t)(p[0] << 8 | p[1]);
}
static inline uint32_t be32_at(const uint8_t *p)
{
	return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 |
	       (uint32_t)p[2] << 8 | p[3];
}
static inline uint64_t be64_at(const uint8_t *p)
{
	return (uint64_t)be32_at(p) << 32 | be32_at(p + 4);
}
static inline void put_be16(uint8_t *p, uint16_t v)
{
	p[0] = (uint8_t)(v >> 8);
	p[1] = (uint8_t)v;
}
static inline void put_be32(uint8_t *p, uint32_t v)
{
	put_be16(p, (uint16_t)(v >> 16));
	put_be16(p + 2, (uint16_t)v);
}
static inline void put_be64(uint8_t *p, uint64_t v)
{
	put_be32(p, (uint32_t)(v >> 32));
	put_be32(p + 4, (uint32_t)v);
}

#endif
