/*
 * blkback.c - the "qdisk" backend type: a Xen PV block device (blkif)
 * served from a disk image through dm/block, as QEMU's xen-block does
 * for libxl's backendtype=qdisk.  Keys: the backend directory libxl 4.17
 * writes (params "<format>:<path>" or a bare path, mode "w"/"r",
 * discard-enable) and the
 * ones Linux's xen-blkfront reads and writes (drivers/block/xen-blkfront.c;
 * meanings in Xen's public io/blkif.h).  A disk has one to
 * QDISK_MAX_QUEUES queues (io/blkif.h's multi-queue keys), each a ring,
 * an event channel in the device's port slot of the same index, and a
 * blkif.c engine of its own; the requests themselves are blkif.c's
 * business.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "blkif.h"
#include "blkif_pgrant.h"
#include "public/io/blkif.h"
#include "pv_backend.h"
#include "pv_log.h"

#define LOG_DISK(dev, fmt, ...) \
	pv_log("qdisk dom%u/%u: " fmt, (unsigned)(dev)->ctx->host->domid, \
	       (unsigned)(dev)->devid, __VA_ARGS__)

/* Queues a frontend may ask for (multi-queue-max-queues, io/blkif.h).
 * 4 is Linux blkfront's own default cap (its max_queues parameter), and
 * enough for the guest's CPUs to stop contending on one ring; beyond
 * that, queues buy nothing here - bastion-dm serves them all from one
 * thread - while each may hold its own 16 ring pages, 32 requests' grant
 * maps and 1056 persistent grants mapped in dom0. */
#define QDISK_MAX_QUEUES 4
_Static_assert(QDISK_MAX_QUEUES <= PV_MAX_PORTS, "an event channel per queue");

/* A queue's frontend dir: the frontend's and "/queue-<i>". */
#define QDISK_DIR_MAX (PV_PATH_MAX + 24)

/* One ring of a disk and the engine serving it. */
struct qdisk_queue {
	void *sring;
	uint64_t ring_handle;
	struct blkif_engine *engine;
};

struct qdisk {
	struct blk *blk;
	struct blkif_disk disk;
	unsigned ring_pages;  /* each queue's ring: ring-page-order is shared */
	enum blkif_abi abi;   /* the rings' layout: the frontend's protocol */
	unsigned nr_queues;   /* connected; 0 none */
	struct qdisk_queue queue[QDISK_MAX_QUEUES];
};

/* "<format>:<path>" with a format dm/block knows, "aio:<path>" or a bare
 * path (raw).  *fmt and *path point into params. */
static void split_params(char *params, const char **fmt, const char **path)
{
	static const char *const formats[] = { "raw", "qcow2", "vhd", "vpc", "aio" };
	char *colon = strchr(params, ':');

	*fmt = "raw";
	*path = params;
	if (!colon)
		return;
	for (size_t i = 0; i < sizeof(formats) / sizeof(formats[0]); i++) {
		if ((size_t)(colon - params) == strlen(formats[i]) &&
		    !strncmp(params, formats[i], strlen(formats[i]))) {
			*colon = '\0';
			*fmt = strcmp(params, "aio") ? params : "raw";
			*path = colon + 1;
			return;
		}
	}
}

static int open_image(struct pv_device *dev, struct qdisk *q)
{
	struct pv_xs *xs = dev->ctx->xs;
	char *params = pv_xs_read_key(xs, dev->be_path, "params");
	char *mode = pv_xs_read_key(xs, dev->be_path, "mode");
	const char *fmt, *path;
	struct blk_error err;
	int rc = -EINVAL;

	/* Only "w" (libxl's mode for a writable disk) writes; anything else,
	 * a missing key too, serves the disk read-only. */
	q->disk.read_only = !mode || mode[0] != 'w';
	if (params && params[0]) {
		split_params(params, &fmt, &path);
		rc = blk_open(&q->blk, path, fmt, q->disk.read_only ? BLK_OPEN_RDONLY : 0, &err);
		if (rc < 0)
			LOG_DISK(dev, "cannot open %s image '%s': %s", fmt, path, err.msg);
		else
			LOG_DISK(dev, "serving %s image '%s'%s", fmt, path,
				 q->disk.read_only ? " read-only" : "");
	} else {
		LOG_DISK(dev, "no 'params' in %s", dev->be_path);
	}
	free(params);
	free(mode);
	return rc;
}

/* The features and geometry xen-blkfront reads. */
static void publish_features(struct pv_device *dev, const struct qdisk *q)
{
	struct pv_xs *xs = dev->ctx->xs;
	const char *be = dev->be_path;
	uint32_t cluster = blk_cluster_size(q->blk);

	pv_xs_write_uint(xs, be, "feature-flush-cache", 1);
	pv_xs_write_uint(xs, be, "feature-persistent", 1);
	pv_xs_write_uint(xs, be, "max-ring-page-order", BLKIF_MAX_RING_PAGE_ORDER);
	pv_xs_write_uint(xs, be, "multi-queue-max-queues", QDISK_MAX_QUEUES);
	pv_xs_write_uint(xs, be, "feature-max-indirect-segments", BLKIF_MAX_INDIRECT_SEGMENTS);
	if (q->disk.can_discard) {
		pv_xs_write_uint(xs, be, "feature-discard", 1);
		pv_xs_write_uint(xs, be, "discard-granularity", cluster ? cluster : BLKIF_PAGE_SIZE);
		pv_xs_write_uint(xs, be, "discard-alignment", 0);
		pv_xs_write_uint(xs, be, "discard-secure", 0);
	}
	pv_xs_write_uint(xs, be, "sector-size", BLKIF_SECTOR_SIZE);
	pv_xs_write_uint(xs, be, "physical-sector-size", BLKIF_SECTOR_SIZE);
	pv_xs_write_uint(xs, be, "sectors", q->disk.sectors);
	pv_xs_write_uint(xs, be, "info", q->disk.read_only ? VDISK_READONLY : 0);
}

static int qdisk_setup(struct pv_device *dev)
{
	struct qdisk *q = calloc(1, sizeof(*q));
	int rc;

	if (!q)
		return -ENOMEM;
	rc = open_image(dev, q);
	if (rc < 0) {
		free(q);
		return rc;
	}
	q->disk.blk = q->blk;
	q->disk.sectors = blk_size(q->blk) / BLKIF_SECTOR_SIZE;
	/* libxl writes discard-enable 0 or 1; like QEMU, absent or not a
	 * number means enabled. */
	q->disk.can_discard = blk_can_discard(q->blk) &&
			      pv_xs_read_uint(dev->ctx->xs, dev->be_path, "discard-enable", 1) != 0;
	dev->priv = q;
	publish_features(dev, q);
	return 0;
}

/* The frontend dir a queue's keys live in: the frontend's own with one
 * queue (the layout from before multi-queue), queue-<i> below it with
 * more (io/blkif.h).  dir holds QDISK_DIR_MAX. */
static void queue_dir(const struct pv_device *dev, unsigned i, unsigned nr, char *dir)
{
	if (nr == 1)
		snprintf(dir, QDISK_DIR_MAX, "%s", dev->fe_path);
	else
		snprintf(dir, QDISK_DIR_MAX, "%s/queue-%u", dev->fe_path, i);
}

/* A ring's grant refs in dir: "ring-ref" for one page, "ring-refN" for
 * more. */
static int read_ring_refs(struct pv_device *dev, const char *dir, uint32_t *refs, unsigned nr)
{
	char key[24];

	for (unsigned i = 0; i < nr; i++) {
		uint64_t ref;
		if (nr == 1)
			snprintf(key, sizeof(key), "ring-ref");
		else
			snprintf(key, sizeof(key), "ring-ref%u", i);
		ref = pv_xs_read_uint(dev->ctx->xs, dir, key, UINT64_MAX);
		if (ref > UINT32_MAX) {
			LOG_DISK(dev, "frontend key %s/%s missing or bad", dir, key);
			return -EINVAL;
		}
		refs[i] = (uint32_t)ref;
	}
	return 0;
}

/* The ring layout the frontend's protocol key names (io/protocols.h): a
 * missing key means the native one; only x86 layouts are served. */
static int read_protocol(struct pv_device *dev, enum blkif_abi *abi)
{
	char *protocol = pv_xs_read_key(dev->ctx->xs, dev->fe_path, "protocol");
	int rc = 0;

	*abi = BLKIF_ABI_NATIVE;
	if (protocol && strcmp(protocol, "x86_32-abi") == 0) {
		*abi = BLKIF_ABI_X86_32;
	} else if (protocol && strcmp(protocol, "x86_64-abi") != 0) {
		LOG_DISK(dev, "frontend protocol '%s' not supported (x86_64-abi or x86_32-abi)",
			 protocol);
		rc = -EPROTONOSUPPORT;
	}
	free(protocol);
	return rc;
}

/* multi-queue-num-queues: absent, one queue; else 1 to the number we
 * offered, anything else refused (as Linux's blkback refuses it). */
static int read_num_queues(struct pv_device *dev, unsigned *nr)
{
	char *value = pv_xs_read_key(dev->ctx->xs, dev->fe_path, "multi-queue-num-queues");
	uint64_t n = 1;
	int rc = 0;

	if (value && (!pv_parse_uint(value, &n) || n == 0 || n > QDISK_MAX_QUEUES)) {
		LOG_DISK(dev, "multi-queue-num-queues '%s' is not 1 to the %u offered",
			 value, QDISK_MAX_QUEUES);
		rc = -EINVAL;
	}
	free(value);
	*nr = (unsigned)n;
	return rc;
}

/* ring-page-order, one for every queue (it stays in the frontend's own
 * dir with multi-queue). */
static int read_ring_order(struct pv_device *dev, struct qdisk *q)
{
	uint64_t order = pv_xs_read_uint(dev->ctx->xs, dev->fe_path, "ring-page-order", 0);

	if (order > BLKIF_MAX_RING_PAGE_ORDER) {
		LOG_DISK(dev, "ring-page-order %llu above the %u offered",
			 (unsigned long long)order, BLKIF_MAX_RING_PAGE_ORDER);
		return -EINVAL;
	}
	q->ring_pages = 1u << order;
	return 0;
}

static int map_ring(struct pv_device *dev, const struct qdisk *q, struct qdisk_queue *qu,
		    const char *dir)
{
	uint32_t refs[1u << BLKIF_MAX_RING_PAGE_ORDER];
	struct pv_host *host = dev->ctx->host;

	if (read_ring_refs(dev, dir, refs, q->ring_pages) < 0)
		return -EINVAL;
	qu->sring = host->ops->map_grants(host, refs, q->ring_pages, true, &qu->ring_handle);
	if (!qu->sring) {
		LOG_DISK(dev, "mapping the %u ring pages of %s failed", q->ring_pages, dir);
		return -EFAULT;
	}
	return 0;
}

/* Persistent grants only if the frontend asked too (its feature-persistent
 * 1): a frontend that did not revokes each grant after its request and
 * must find it unmapped (Linux's blkfront gives up on the device if not).
 * Each queue keeps its own, as Linux's blkback does per ring. */
static bool wants_persistent_grants(struct pv_device *dev)
{
	return pv_xs_read_uint(dev->ctx->xs, dev->fe_path, "feature-persistent", 0) == 1;
}

/* Queue i from the keys in dir: its ring mapped, its event channel bound
 * into port slot i, its engine made.  Not kicked yet. */
static int connect_queue(struct pv_device *dev, struct qdisk *q, unsigned i, const char *dir,
			 bool persistent)
{
	struct qdisk_queue *qu = &q->queue[i];
	struct pv_host *host = dev->ctx->host;
	uint64_t remote = pv_xs_read_uint(dev->ctx->xs, dir, "event-channel", UINT64_MAX);
	long port;
	int rc;

	if (remote > UINT32_MAX) {
		LOG_DISK(dev, "frontend key %s/event-channel missing or bad", dir);
		return -EINVAL;
	}
	rc = map_ring(dev, q, qu, dir);
	if (rc < 0)
		return rc;
	port = pv_device_bind(dev, i, (uint32_t)remote);
	if (port < 0) {
		LOG_DISK(dev, "binding event channel %llu of %s failed (%ld)",
			 (unsigned long long)remote, dir, port);
		return (int)port;
	}
	qu->engine = blkif_engine_new(host, dev->ctx->aio, &q->disk, qu->sring, q->ring_pages,
				      q->abi, (uint32_t)port);
	if (!qu->engine)
		return -ENOMEM;
	if (persistent && blkif_engine_use_persistent(qu->engine, BLKIF_MAX_PERSISTENT_GRANTS) < 0) {
		LOG_DISK(dev, "no memory for %u persistent grants", BLKIF_MAX_PERSISTENT_GRANTS);
		return -ENOMEM;
	}
	return 0;
}

/* Every queue connected before any is kicked, so a frontend refused for
 * a later queue's keys has had none of its requests run. */
static int qdisk_connect(struct pv_device *dev)
{
	struct qdisk *q = dev->priv;
	char dir[QDISK_DIR_MAX];
	bool persistent = wants_persistent_grants(dev);
	unsigned nr = 0;
	int rc = read_protocol(dev, &q->abi);

	if (rc == 0)
		rc = read_num_queues(dev, &nr);
	if (rc == 0)
		rc = read_ring_order(dev, q);
	for (unsigned i = 0; rc == 0 && i < nr; i++) {
		queue_dir(dev, i, nr, dir);
		rc = connect_queue(dev, q, i, dir, persistent);
	}
	if (rc < 0)
		return rc;
	q->nr_queues = nr;
	LOG_DISK(dev, "%u queue%s of %u ring page%s; persistent grants: up to %u kept mapped "
		 "per queue (0: the frontend asked for none); layout %s", nr, nr == 1 ? "" : "s",
		 q->ring_pages, q->ring_pages == 1 ? "" : "s",
		 persistent ? BLKIF_MAX_PERSISTENT_GRANTS : 0,
		 q->abi == BLKIF_ABI_X86_32 ? "x86_32-abi" : "x86_64-abi");
	for (unsigned i = 0; i < nr; i++)
		blkif_engine_kick(q->queue[i].engine); /* requests may be waiting already */
	return 0;
}

/* What each queue of a device that connected answered: which of its
 * queues the frontend used. */
static void log_queue_stats(struct pv_device *dev, const struct qdisk *q)
{
	for (unsigned i = 0; i < q->nr_queues; i++) {
		const struct blkif_stats *st = blkif_engine_stats(q->queue[i].engine);
		LOG_DISK(dev, "queue %u: %llu requests answered (%llu ok, %llu error, %llu eopnotsupp)",
			 i, (unsigned long long)(st->ok + st->error + st->eopnotsupp),
			 (unsigned long long)st->ok, (unsigned long long)st->error,
			 (unsigned long long)st->eopnotsupp);
	}
}

/* Every queue's engine freed (its I/O waited for), port unbound and ring
 * unmapped, whatever a failed connect got to. */
static void qdisk_disconnect(struct pv_device *dev)
{
	struct qdisk *q = dev->priv;
	struct pv_host *host = dev->ctx->host;

	if (!q)
		return;
	for (unsigned i = 0; i < q->nr_queues; i++)
		blkif_engine_drain(q->queue[i].engine);
	log_queue_stats(dev, q);
	for (unsigned i = 0; i < QDISK_MAX_QUEUES; i++) {
		struct qdisk_queue *qu = &q->queue[i];
		blkif_engine_free(qu->engine); /* waits for the I/O in flight */
		qu->engine = NULL;
		pv_device_unbind(dev, i);
		if (qu->sring)
			host->ops->unmap_grants(host, qu->sring, q->ring_pages, qu->ring_handle);
		qu->sring = NULL;
	}
	q->nr_queues = 0;
}

static void qdisk_teardown(struct pv_device *dev)
{
	struct qdisk *q = dev->priv;

	if (!q)
		return;
	qdisk_disconnect(dev);
	blk_close(q->blk);
	free(q);
	dev->priv = NULL;
}

static void qdisk_event(struct pv_device *dev, unsigned slot)
{
	struct qdisk *q = dev->priv;

	if (q && slot < q->nr_queues && q->queue[slot].engine)
		blkif_engine_kick(q->queue[slot].engine);
}

/* A raw image that grew or shrank: the new size to the engine and to
 * xenstore, then "state" written again.  Linux's xen-blkfront re-reads
 * "sectors" when the backend's state node fires while it is connected
 * (blkfront_connect), which is how Linux's own blkback announces a
 * resize too.  The caller has drained the I/O in flight
 * (blk_refresh_size's rule). */
static void qdisk_take_size(struct pv_device *dev, struct qdisk *q)
{
	uint64_t sectors;
	int rc;

	rc = blk_refresh_size(q->blk);
	if (rc < 0) {
		LOG_DISK(dev, "cannot re-read the size of %s: %s", blk_path(q->blk), strerror(-rc));
		return;
	}
	sectors = blk_size(q->blk) / BLKIF_SECTOR_SIZE;
	if (sectors == q->disk.sectors)
		return;
	LOG_DISK(dev, "resized: %llu -> %llu sectors", (unsigned long long)q->disk.sectors,
		 (unsigned long long)sectors);
	q->disk.sectors = sectors;
	for (unsigned i = 0; i < q->nr_queues; i++)
		blkif_engine_resize(q->queue[i].engine, sectors);
	pv_xs_write_uint(dev->ctx->xs, dev->be_path, "sectors", sectors);
	if (dev->connected)
		pv_xs_write_uint(dev->ctx->xs, dev->be_path, "state", XENBUS_CONNECTED);
}

/* SIGHUP: drain every queue, take the new size, then kick each.  While draining, a
 * completion does not restart the engine, so requests it held back (the
 * in-flight cap reached, no response room) would wait for an event the
 * frontend already sent: the kick takes them, whatever the resize did. */
static void qdisk_resize(struct pv_device *dev)
{
	struct qdisk *q = dev->priv;

	if (!q)
		return;
	for (unsigned i = 0; i < q->nr_queues; i++)
		blkif_engine_drain(q->queue[i].engine);
	qdisk_take_size(dev, q);
	for (unsigned i = 0; i < q->nr_queues; i++)
		blkif_engine_kick(q->queue[i].engine);
}

const struct pv_backend_type pv_qdisk_backend = {
	.name = "qdisk",
	.setup = qdisk_setup,
	.connect = qdisk_connect,
	.disconnect = qdisk_disconnect,
	.teardown = qdisk_teardown,
	.event = qdisk_event,
	.resize = qdisk_resize,
};
