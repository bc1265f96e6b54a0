/*
 * Bastion block layer: the one interface every disk back-end uses.
 *
 * An opened image (`struct blk`) hides its format (raw file or block device,
 * qcow2 v2/v3, VHD fixed/dynamic) behind byte-addressed read, write, flush
 * and discard calls; a backing chain is opened with it.  Synchronous calls
 * are thread-safe.  `struct blk_aio` runs requests through io_uring (raw
 * images, where the kernel has it) or a small worker pool and signals
 * completions on an eventfd, so a glib main loop can watch that fd
 * (g_unix_fd_add) and call blk_aio_complete() to run the callbacks in the
 * loop's thread.
 *
 * Errors: functions return 0 or a negative errno; open/create also fill a
 * struct blk_error with a message naming the file and the problem, and
 * blk_last_error() gives the message of the last failed I/O on an image.
 */
#ifndef BASTION_BLOCK_H
#define BASTION_BLOCK_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/uio.h>

struct blk;
struct blk_aio;

struct blk_error {
	char msg[512];
};

/* blk_open flags */
#define BLK_OPEN_RDONLY     0x1u /* never write the image */
#define BLK_OPEN_NO_BACKING 0x2u /* do not open the backing chain */

/* blk_pwrite flags */
#define BLK_WRITE_FUA 0x1u /* the data (and its metadata) is stable on return */

/* Longest backing chain accepted (the image itself not counted). */
#define BLK_MAX_CHAIN_DEPTH 16

/* fmt: "raw", "qcow2", "vpc"/"vhd", or NULL to probe. */
int blk_open(struct blk **out, const char *path, const char *fmt,
	     unsigned flags, struct blk_error *err);
void blk_close(struct blk *b);

int blk_pread(struct blk *b, uint64_t offset, void *buf, size_t len);
int blk_pwrite(struct blk *b, uint64_t offset, const void *buf, size_t len,
	       unsigned flags);
/* The same, the data scattered over iovcnt buffers (1..BLK_MAX_IOV)
 * that together hold len bytes; formats without vectored I/O go through
 * a bounce buffer of their own. */
#define BLK_MAX_IOV 1024
int blk_preadv(struct blk *b, uint64_t offset, const struct iovec *iov, int iovcnt);
int blk_pwritev(struct blk *b, uint64_t offset, const struct iovec *iov, int iovcnt,
		unsigned flags);
int blk_flush(struct blk *b);
/* Advisory: a discarded range reads back either unchanged or as zeroes,
 * never as stale backing data. */
int blk_discard(struct blk *b, uint64_t offset, uint64_t len);
/* The image was resized behind our back (qemu-img resize, truncate):
 * takes its new virtual size.  Raw only (its file's or device's size);
 * -ENOTSUP for formats whose size lives in metadata this image caches.
 * Call it with no I/O of this image running. */
int blk_refresh_size(struct blk *b);

uint64_t blk_size(const struct blk *b);       /* virtual size, bytes */
const char *blk_format(const struct blk *b);  /* qemu-img's format name */
const char *blk_path(const struct blk *b);
bool blk_read_only(const struct blk *b);
/* Writable and its format can discard (raw, qcow2; not VHD). */
bool blk_can_discard(const struct blk *b);
struct blk *blk_backing(const struct blk *b); /* NULL at the chain's end */
const char *blk_backing_name(const struct blk *b); /* as stored, or NULL */
const char *blk_backing_format(const struct blk *b); /* as stored, or NULL */
uint32_t blk_cluster_size(const struct blk *b); /* 0 when not clustered */
const char *blk_last_error(struct blk *b);

/* What blk_block_status reports about a range starting at `offset`. */
enum blk_extent_kind {
	BLK_EXTENT_DATA,        /* allocated in this image */
	BLK_EXTENT_ZERO,        /* reads as zeroes, decided by this image */
	BLK_EXTENT_UNALLOCATED, /* falls through to the backing file */
	BLK_EXTENT_COMPRESSED,  /* allocated, compressed */
};

struct blk_extent {
	enum blk_extent_kind kind;
	uint64_t length;      /* bytes with the same kind, >= 1 */
	uint64_t host_offset; /* for DATA with a fixed file offset, else 0 */
	bool has_host_offset;
};

int blk_block_status(struct blk *b, uint64_t offset, uint64_t len,
		     struct blk_extent *ext);

/* Consistency check of one image (not its backing files). */
struct blk_check_result {
	uint64_t corruptions; /* refcount too low, bad pointers: data at risk */
	uint64_t leaks;       /* refcount too high: space lost, data safe */
	uint64_t allocated_clusters;
	uint64_t total_clusters;
	uint64_t image_end_offset;
	char first_problem[256];
};
int blk_check(struct blk *b, struct blk_check_result *res);

struct blk_create_opts {
	const char *format;      /* "raw", "qcow2", "vpc"/"vhd" */
	uint64_t size;           /* 0 with a backing file: take its size */
	const char *backing;     /* qcow2 only; stored as given */
	const char *backing_fmt; /* qcow2 only */
	uint32_t cluster_size;   /* qcow2: 0 means 64 KiB */
	int qcow2_version;       /* 2 or 3; 0 means 3 */
	bool vhd_fixed;          /* vpc: fixed instead of dynamic */
};
int blk_create(const char *path, const struct blk_create_opts *opts,
	       struct blk_error *err);

/* Asynchronous requests, signalled on one eventfd: reads, writes and
 * flushes of raw images go through io_uring where the kernel offers it,
 * everything else to a pool of worker threads.  Submit and complete from
 * one thread (the main loop's). */
enum blk_op { BLK_OP_READ, BLK_OP_WRITE, BLK_OP_FLUSH, BLK_OP_DISCARD };

struct blk_request {
	enum blk_op op;
	struct blk *blk;
	uint64_t offset;
	void *buf;
	uint64_t len;
	/* READ/WRITE: when iovcnt is not 0 the data is in iov (len bytes
	 * in all), not in buf; the caller keeps both until done(). */
	const struct iovec *iov;
	int iovcnt;
	unsigned flags; /* BLK_WRITE_FUA */
	void (*done)(struct blk_request *req, int ret);
	void *opaque;
	/* owned by the pool */
	struct blk_request *next;
	int ret;
	uint64_t uring_len; /* bytes io_uring was asked to move */
};

struct blk_aio *blk_aio_new(unsigned workers);
void blk_aio_free(struct blk_aio *aio); /* waits for queued requests */
int blk_aio_fd(const struct blk_aio *aio); /* readable: completions wait */
const char *blk_aio_engine(const struct blk_aio *aio); /* "io_uring+threads" or "threads" */
int blk_aio_submit(struct blk_aio *aio, struct blk_request *req);
/* Between plug and unplug (they nest) requests for io_uring are queued
 * but not yet handed to the kernel; the last unplug hands them over in
 * one system call (e.g. all a ring kick took).  The workers' requests
 * start at once either way. */
void blk_aio_plug(struct blk_aio *aio);
void blk_aio_unplug(struct blk_aio *aio);
/* Runs done() for every finished request; returns how many. */
unsigned blk_aio_complete(struct blk_aio *aio);

#endif
