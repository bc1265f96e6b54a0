/*
 * qcow2 driver state shared by qcow2.c (header, open, create),
 * qcow2_refcount.c (refcounts, allocation, check) and qcow2_cluster.c
 * (L1/L2 mapping, read, write, discard).  Layout facts come from QEMU's
 * docs/interop/qcow2.txt: big-endian header, two-level L1/L2 tables mapping
 * guest clusters to host clusters, a refcount table of refcount blocks.
 */
#ifndef BASTION_QCOW2_H
#define BASTION_QCOW2_H

#include "block_int.h"

#define QCOW2_MAGIC 0x514649fbu /* "QFI\xfb" */
#define QCOW2_V2_HEADER_LEN 72
#define QCOW2_V3_HEADER_LEN 104
#define QCOW2_MIN_CLUSTER_BITS 9
#define QCOW2_MAX_CLUSTER_BITS 21
#define QCOW2_MAX_L1_BYTES (32u << 20)
#define QCOW2_MAX_RT_BYTES (8u << 20)
#define QCOW2_MAX_SIZE (1ull << 50) /* 1 PiB: beyond is refused as absurd */
#define QCOW2_MAX_BACKING_NAME 1023
#define QCOW2_MAX_SNAPSHOTS 65536u

/* header field offsets */
#define QH_BACKING_OFFSET 8
#define QH_BACKING_SIZE 16
#define QH_CLUSTER_BITS 20
#define QH_SIZE 24
#define QH_CRYPT 32
#define QH_L1_SIZE 36
#define QH_L1_OFFSET 40
#define QH_RT_OFFSET 48
#define QH_RT_CLUSTERS 56
#define QH_NB_SNAPSHOTS 60
#define QH_SNAPSHOTS_OFFSET 64
#define QH_INCOMPAT 72
#define QH_COMPAT 80
#define QH_AUTOCLEAR 88
#define QH_REFCOUNT_ORDER 96
#define QH_HEADER_LEN 100
#define QH_COMPRESSION_TYPE 104

#define QCOW2_INCOMPAT_DIRTY (1ull << 0)
#define QCOW2_INCOMPAT_CORRUPT (1ull << 1)
#define QCOW2_INCOMPAT_DATA_FILE (1ull << 2)
#define QCOW2_INCOMPAT_COMPRESSION (1ull << 3)
#define QCOW2_INCOMPAT_EXTL2 (1ull << 4)

#define QCOW2_EXT_END 0
#define QCOW2_EXT_BACKING_FMT 0xe2792acau

#define QCOW2_OFLAG_COPIED (1ull << 63)
#define QCOW2_OFLAG_COMPRESSED (1ull << 62)
#define QCOW2_OFLAG_ZERO 1ull
#define QCOW2_OFFSET_MASK 0x00fffffffffffe00ull
#define QCOW2_L1_RESERVED 0x7f000000000001ffull
#define QCOW2_L2_RESERVED 0x3f000000000001feull

#define QCOW2_CACHE_SLOTS 16
#define QCOW2_RESERVE 64
/* writers filling new clusters outside b->lock at once (qcow2_write.c) */
#define QCOW2_BUSY 32

/* A small LRU cache of cluster-sized tables (L2 tables, refcount blocks). */
struct qcow2_cache {
	uint64_t offset[QCOW2_CACHE_SLOTS]; /* 0: slot empty */
	uint64_t used[QCOW2_CACHE_SLOTS];
	uint8_t *data;                      /* SLOTS * cluster_size */
	uint64_t clock;
};

struct qcow2 {
	int version;
	unsigned cluster_bits;
	uint32_t cluster_size;
	uint32_t l2_entries;
	uint32_t l1_size;
	uint64_t l1_offset;
	uint64_t *l1;            /* host-endian copy */
	uint64_t rt_offset;
	uint32_t rt_clusters;
	uint64_t rt_entries;
	uint64_t *rt;            /* host-endian copy */
	unsigned refcount_order;
	uint64_t refcount_max;
	uint64_t rb_entries;     /* refcounts per refcount block */
	uint64_t incompat, compat, autoclear;
	uint32_t header_length;
	uint32_t nb_snapshots;
	uint64_t snapshots_offset;
	uint64_t snapshots_len;  /* bytes the snapshot table occupies */
	uint64_t *snap_l1;       /* per snapshot: its L1 table offset, size */
	uint32_t *snap_l1_size;
	uint64_t file_end;       /* allocation frontier, cluster-aligned */
	uint64_t phys_end;       /* bytes ever written: beyond reads zero */
	uint64_t free_hint;      /* lowest cluster index that may be free */
	uint8_t *meta;           /* bitmap: cluster holds metadata */
	uint64_t meta_clusters;  /* bits in meta */
	struct qcow2_cache l2c, rbc;
	/* held shared by data I/O outside b->lock on mapped clusters,
	 * exclusively while a cluster is freed: no cluster is reused under an
	 * in-flight request.  (A fill of a new cluster, qcow2_write.c, does
	 * not hold it: nothing maps or frees that cluster meanwhile.) */
	pthread_rwlock_t pin;
	bool pin_ready;          /* pin and busy_cv initialised */
	/* guest clusters a writer fills outside b->lock; signalled when done */
	uint64_t busy[QCOW2_BUSY];
	unsigned nbusy;
	pthread_cond_t busy_cv;
	/* clusters whose refcount 1 is already durable, handed out next */
	uint64_t resv[QCOW2_RESERVE];
	unsigned resv_head, resv_count;
	/* frees waiting until the pointer removals before them are durable */
	struct qcow2_range { uint64_t off, len; } *pending;
	size_t npending, pending_cap;
};

enum qcow2_kind { Q_UNALLOC, Q_ZERO, Q_NORMAL, Q_COMPRESSED };

struct qcow2_map {
	enum qcow2_kind kind;
	uint64_t entry;   /* raw L2 entry */
	uint64_t host;    /* NORMAL (and preallocated ZERO): cluster offset */
	uint64_t c_off;   /* COMPRESSED: byte offset and length in the file */
	uint64_t c_len;
};

static inline struct qcow2 *qcow2_of(struct blk *b) { return b->priv; }

/* qcow2.c */
bool qcow2_is_meta(const struct qcow2 *q, uint64_t off);
int qcow2_mark_meta(struct blk *b, uint64_t off, bool on);
uint64_t qcow2_cluster_index(const struct qcow2 *q, uint64_t off);

/* cache: the returned table stays valid until the next cache call. */
int qcow2_cache_init(struct qcow2_cache *c, uint32_t cluster_size);
void qcow2_cache_free(struct qcow2_cache *c);
int qcow2_cache_get(struct blk *b, struct qcow2_cache *c, uint64_t off,
		    bool fresh, uint8_t **table);

/* qcow2_refcount.c (callers hold b->lock) */
int qcow2_get_refcount(struct blk *b, uint64_t cluster, uint64_t *rc);
int qcow2_alloc_now(struct blk *b, uint64_t *host);
int qcow2_free_now(struct blk *b, uint64_t off, uint64_t len);

/* qcow2_alloc.c: allocation and release in crash-safe order */
int qcow2_alloc_cluster(struct blk *b, uint64_t *host);
int qcow2_free_clusters(struct blk *b, uint64_t off, uint64_t len);
int qcow2_flush_and_commit(struct blk *b);
int qcow2_release_all(struct blk *b);
int qcow2_check(struct blk *b, struct blk_check_result *res);

/* qcow2_cluster.c */
int qcow2_lookup(struct blk *b, uint64_t guest, struct qcow2_map *m);
int qcow2_read(struct blk *b, uint64_t off, void *buf, size_t len);
int qcow2_readv(struct blk *b, uint64_t off, const struct iovec *iov, int iovcnt);
/* Fills a whole cluster from a compressed one. */
int qcow2_decompress(struct blk *b, const struct qcow2_map *m, uint8_t *out);
/* One run of a vectored transfer: what of iov (skip bytes in, len left)
 * starts at off and fits one cluster (or a host-contiguous range), done
 * through part (room for iovcnt entries); bytes done or -errno. */
typedef long qcow2_run_fn(struct blk *b, uint64_t off, const struct iovec *iov, int iovcnt,
			  size_t skip, size_t len, struct iovec *part);
/* Runs run over all of iov from off, one run after another. */
int qcow2_vector_runs(struct blk *b, uint64_t off, const struct iovec *iov, int iovcnt,
		      qcow2_run_fn *run);
/* part = the len bytes of iov that start skip bytes in; returns its count. */
int qcow2_iov_part(const struct iovec *iov, int iovcnt, size_t skip, size_t len,
		   struct iovec *part);
int qcow2_status(struct blk *b, uint64_t off, uint64_t len,
		 struct blk_extent *ext);
int qcow2_validate_l2(struct blk *b, uint64_t l2_off, const uint8_t *table);

/* qcow2_write.c */
int qcow2_write(struct blk *b, uint64_t off, const void *buf, size_t len);
int qcow2_writev(struct blk *b, uint64_t off, const struct iovec *iov, int iovcnt);
int qcow2_discard(struct blk *b, uint64_t off, uint64_t len);

/* qcow2_snapshot.c */
int qcow2_snapshots_load(struct blk *b, uint64_t fsize, struct blk_error *err);

/* qcow2_create.c */
int qcow2_create(const char *path, const struct blk_create_opts *o,
		 struct blk_error *err);

#endif
