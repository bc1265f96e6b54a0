/*
 * blkif.c - the block request engine (see blkif.h).  Protocol rules come
 * from Xen's public io/blkif.h and io/ring.h:
 *
 *  - Requests are copied out of the shared page once, word by word, before
 *    anything looks at them; the frontend may rewrite the slot meanwhile.
 *    A 32-bit frontend's (x86_32-abi) entries are 108 bytes, its requests
 *    the native ones less the 4 padding bytes before id; the copy puts
 *    them in the native layout.  Responses are laid out alike in both.
 *  - A producer index more than a ring ahead of our last response, or
 *    behind the requests we already took, is garbage: the ring is declared
 *    broken and no more requests are taken.
 *  - We take a request only while a response slot is free for it, fewer
 *    than BLKIF_MAX_IN_FLIGHT requests are running and the guest's grant
 *    budget (grant_budget.h, shared by all its rings) holds the most one
 *    request can map: the ring's own reserve for its first request in
 *    flight, the shared part for more; a completion, or shared pages
 *    released on any ring of the guest, resumes taking.  We re-arm req_event before going idle (the "final check"
 *    rule).
 *  - One kick takes at most a ring's worth of requests; if the frontend
 *    keeps producing, the host is asked to kick us again later, so one
 *    busy ring cannot hold the main loop.
 *  - Responses are published with rsp_prod after a write barrier; the
 *    frontend is kicked only if rsp_event falls in the range just pushed.
 *
 * Grant handling: with persistent grants (blkif_engine_use_persistent,
 * when the frontend wrote feature-persistent 1) data and indirect pages
 * come from the ring's cache (blkif_pgrant.c), which maps a ref once, on
 * its first use, and keeps it until the engine is freed.  Otherwise, or
 * when the cache is full or cannot map a request's new refs (a bad ref,
 * a page granted read-only for a write), the request's grants are mapped
 * in one gntdev call, with the access the operation needs, and unmapped
 * when it completes.  Either way the I/O goes straight between the image
 * and the guest's pages: one iovec per segment, its first_sect..last_sect
 * range of the page, through dm/block's vectored requests.
 *
 * Any fault in a request (bad segment, range past the disk, a write to a
 * read-only disk, an unmappable grant) answers that request alone with
 * BLKIF_RSP_ERROR; unknown operations get BLKIF_RSP_EOPNOTSUPP.
 */
#include <errno.h>
#include <stddef.h>
#include <poll.h>
#include <stdlib.h>
#include <string.h>

#include "blkif.h"
#include "blkif_pgrant.h"
#include "grant_budget.h"
#include "public/io/blkif.h"
#include "pv_log.h"

#define BLKIF_PENDING 1 /* I/O started; the response comes on completion */
#define BLKIF_MAX_COMPLAINTS 16 /* log lines per ring about bad requests */

enum blkif_stage {
	STAGE_READ,
	STAGE_WRITE,
	STAGE_FLUSH,
	STAGE_FLUSH_THEN_WRITE, /* FLUSH_DISKCACHE carrying data */
	STAGE_DISCARD,
};

struct blkif_io {
	struct blk_request breq;
	struct blkif_engine *e;
	uint64_t id;
	uint8_t rsp_op;
	enum blkif_stage stage;
	uint8_t *mapping;     /* this request's own grant mapping, or NULL */
	bool on_reserve;      /* its own mapping is the ring's budget reserve */
	uint64_t map_handle;
	uint64_t offset, len; /* bytes on the disk */
	uint32_t nr_segs;
	struct iovec *iov;    /* nr_segs: each segment's bytes in its page */
	struct blkif_segment segs[];
};

struct blkif_engine {
	struct pv_host *host;
	struct blk_aio *aio;
	struct blkif_disk disk;
	struct blkif_sring *sring;
	size_t entry_size; /* bytes per ring slot: the frontend's ABI */
	uint32_t ring_entries;
	uint32_t port;
	uint32_t req_cons, rsp_prod_pvt, rsp_pushed;
	unsigned in_flight;
	unsigned complaints;
	struct blkif_pgrants *pgrants; /* NULL: no persistent grants */
	struct grant_budget_waiter budget_wait; /* budget_woken finds e from it */
	bool reserve_busy; /* a request in flight holds the ring's reserve */
	bool on_reserve;   /* the request being taken maps from the reserve */
	bool broken, kicking, draining;
	struct blkif_stats stats;
};

typedef int blkif_handler(struct blkif_engine *e, const union blkif_ring_entry *req);

/* io/blkif.h's x86_32 ABI: 32-bit alignment drops the 4 bytes the native
 * requests carry before id, so its union of request and response is 108
 * bytes.  Its response has the native offsets (id 0, operation 8,
 * status 10). */
#define BLKIF_X86_32_ENTRY 108u
#define BLKIF_X86_32_GAP_AT 4u /* where the native layout has 4 more bytes */

static size_t entry_size(enum blkif_abi abi)
{
	return abi == BLKIF_ABI_X86_32 ? BLKIF_X86_32_ENTRY : sizeof(union blkif_ring_entry);
}

unsigned blkif_ring_entries(unsigned nr_pages, enum blkif_abi abi)
{
	size_t room = (size_t)nr_pages * BLKIF_PAGE_SIZE - offsetof(struct blkif_sring, ring);
	unsigned n = (unsigned)(room / entry_size(abi));
	unsigned pow2 = 1;

	if (n == 0)
		return 0;
	while (pow2 * 2 <= n)
		pow2 *= 2;
	return pow2;
}

static void complain(struct blkif_engine *e, const char *what, uint64_t id)
{
	if (e->complaints >= BLKIF_MAX_COMPLAINTS)
		return;
	e->complaints++;
	pv_log("blkif dom%u port %u: request id %#llx refused: %s%s",
	       (unsigned)e->host->domid, (unsigned)e->port, (unsigned long long)id,
	       what, e->complaints == BLKIF_MAX_COMPLAINTS ? " (further ones not logged)" : "");
}

/* ---- responses ---------------------------------------------------------- */

/* The slot of ring index idx (in either ABI). */
static volatile uint8_t *slot(const struct blkif_engine *e, uint32_t idx)
{
	return (volatile uint8_t *)e->sring->ring + (idx & (e->ring_entries - 1)) * e->entry_size;
}

static void respond(struct blkif_engine *e, uint64_t id, uint8_t op, int status)
{
	/* id, operation, a pad byte, status: three 32-bit stores (a 32-bit
	 * frontend's slots are only 4-byte aligned). */
	uint32_t words[3] = { (uint32_t)id, (uint32_t)(id >> 32),
			      op | (uint32_t)(uint16_t)(int16_t)status << 16 };
	volatile uint32_t *rsp = (volatile uint32_t *)slot(e, e->rsp_prod_pvt);

	for (unsigned i = 0; i < 3; i++)
		rsp[i] = words[i];
	e->rsp_prod_pvt++;
	if (status == BLKIF_RSP_OKAY)
		e->stats.ok++;
	else if (status == BLKIF_RSP_EOPNOTSUPP)
		e->stats.eopnotsupp++;
	else
		e->stats.error++;
}

/* io/ring.h's push-and-check-notify rule. */
static void push_responses(struct blkif_engine *e)
{
	uint32_t old = e->rsp_pushed, new = e->rsp_prod_pvt;

	if (old == new)
		return;
	__atomic_thread_fence(__ATOMIC_RELEASE);
	__atomic_store_n(&e->sring->rsp_prod, new, __ATOMIC_RELAXED);
	e->rsp_pushed = new;
	__atomic_thread_fence(__ATOMIC_SEQ_CST);
	uint32_t event = __atomic_load_n(&e->sring->rsp_event, __ATOMIC_RELAXED);
	if ((uint32_t)(new - event) < (uint32_t)(new - old)) {
		e->stats.notifies++;
		e->host->ops->notify(e->host, e->port);
	}
}

/* ---- one request's life --------------------------------------------------- */

static struct blkif_io *io_new(struct blkif_engine *e, uint64_t id, uint8_t rsp_op,
			       enum blkif_stage stage, uint32_t nr_segs)
{
	struct blkif_io *io = calloc(1, sizeof(*io) + nr_segs * sizeof(io->segs[0]) +
				     nr_segs * sizeof(io->iov[0]));

	if (!io)
		return NULL;
	/* segs are 8 bytes each, so the iovecs after them stay aligned. */
	io->iov = (struct iovec *)(io->segs + nr_segs);
	io->e = e;
	io->id = id;
	io->rsp_op = rsp_op;
	io->stage = stage;
	io->nr_segs = nr_segs;
	return io;
}

/* Releases a mapping map_refs made (not the cache's), from the reserve
 * or the shared part of the budget as it was taken. */
static void unmap_refs(struct blkif_engine *e, uint8_t *mapping, uint32_t nr,
		       uint64_t handle, bool reserve)
{
	e->host->ops->unmap_grants(e->host, mapping, nr, handle);
	if (e->host->budget)
		grant_budget_put(e->host->budget, nr,
				 reserve ? GRANT_BUDGET_RESERVE : GRANT_BUDGET_SHARED);
}

static void io_free(struct blkif_io *io)
{
	if (io->mapping)
		unmap_refs(io->e, io->mapping, io->nr_segs, io->map_handle, io->on_reserve);
	if (io->on_reserve)
		io->e->reserve_busy = false;
	free(io);
}

static const enum blk_op stage_op[] = {
	[STAGE_READ] = BLK_OP_READ,
	[STAGE_WRITE] = BLK_OP_WRITE,
	[STAGE_FLUSH] = BLK_OP_FLUSH,
	[STAGE_FLUSH_THEN_WRITE] = BLK_OP_FLUSH,
	[STAGE_DISCARD] = BLK_OP_DISCARD,
};

static void io_done(struct blk_request *breq, int ret);

static int io_submit(struct blkif_io *io)
{
	io->breq = (struct blk_request){
		.op = stage_op[io->stage],
		.blk = io->e->disk.blk,
		.offset = io->offset,
		.len = io->stage == STAGE_FLUSH_THEN_WRITE ? 0 : io->len,
		.iov = io->iov,
		.iovcnt = io->stage == STAGE_FLUSH_THEN_WRITE ? 0 : (int)io->nr_segs,
		.flags = io->rsp_op == BLKIF_OP_FLUSH_DISKCACHE ? BLK_WRITE_FUA : 0,
		.done = io_done,
		.opaque = io,
	};
	return blk_aio_submit(io->e->aio, &io->breq);
}

/* Hands io to the worker pool; on failure io is freed and an error given. */
static int io_start(struct blkif_io *io)
{
	struct blkif_engine *e = io->e;

	if (io_submit(io) < 0) {
		io_free(io);
		return BLKIF_RSP_ERROR;
	}
	e->in_flight++;
	return BLKIF_PENDING;
}

static void io_done(struct blk_request *breq, int ret)
{
	struct blkif_io *io = breq->opaque;
	struct blkif_engine *e = io->e;

	if (ret == 0 && io->stage == STAGE_FLUSH_THEN_WRITE) {
		io->stage = STAGE_WRITE; /* the flush before; now the FUA write */
		if (io_submit(io) == 0)
			return;
		ret = -EIO;
	}
	e->in_flight--;
	if (ret < 0 && e->complaints < BLKIF_MAX_COMPLAINTS) {
		e->complaints++;
		pv_log("blkif dom%u port %u: request id %#llx failed: %s",
		       (unsigned)e->host->domid, (unsigned)e->port,
		       (unsigned long long)io->id, blk_last_error(e->disk.blk));
	}
	respond(e, io->id, io->rsp_op, ret == 0 ? BLKIF_RSP_OKAY : BLKIF_RSP_ERROR);
	io_free(io);
	push_responses(e);
	if (!e->kicking && !e->draining)
		blkif_engine_kick(e); /* requests held back for response room */
}

/* ---- request checks and dispatch ------------------------------------------ */

static bool range_ok(const struct blkif_engine *e, uint64_t sector, uint64_t count)
{
	return count <= e->disk.sectors && sector <= e->disk.sectors - count;
}

/* Sectors the segments cover, or 0 if one is malformed. */
static uint64_t segments_sectors(const struct blkif_segment *segs, uint32_t nr)
{
	uint64_t total = 0;

	for (uint32_t i = 0; i < nr; i++) {
		if (segs[i].last_sect >= BLKIF_SECTORS_PER_PAGE ||
		    segs[i].first_sect > segs[i].last_sect)
			return 0;
		total += segs[i].last_sect - segs[i].first_sect + 1u;
	}
	return total;
}

/* Sets page[i] to the page of refs[i] (nr <= 256): from the persistent
 * cache if it has or can take them all, else mapped here in one call
 * (*mapping, *handle: for unmap_grants; NULL when nothing to unmap). */
static int map_refs(struct blkif_engine *e, const uint32_t *refs, uint32_t nr,
		    bool writable, uint8_t **page, uint8_t **mapping, uint64_t *handle)
{
	*mapping = NULL;
	if (e->pgrants && blkif_pgrants_get(e->pgrants, refs, nr, page) == 0)
		return 0;
	e->stats.map_calls++;
	*mapping = e->host->ops->map_grants(e->host, refs, nr, writable, handle);
	if (!*mapping)
		return -EFAULT;
	if (e->host->budget) /* (can_take saw room) */
		grant_budget_take(e->host->budget, nr, e->on_reserve);
	for (uint32_t i = 0; i < nr; i++)
		page[i] = *mapping + (size_t)i * BLKIF_PAGE_SIZE;
	return 0;
}

/* Maps the data pages and points one iovec at each segment's sectors. */
static int map_segments(struct blkif_io *io)
{
	uint32_t refs[BLKIF_MAX_INDIRECT_SEGMENTS];
	uint8_t *page[BLKIF_MAX_INDIRECT_SEGMENTS];
	int rc;

	for (uint32_t i = 0; i < io->nr_segs; i++)
		refs[i] = io->segs[i].gref;
	/* A read writes into the guest's pages. */
	rc = map_refs(io->e, refs, io->nr_segs, io->stage == STAGE_READ, page,
		      &io->mapping, &io->map_handle);
	if (rc < 0)
		return rc;
	if (io->mapping && io->e->on_reserve) { /* (not when the cache served it) */
		io->on_reserve = true;
		io->e->reserve_busy = true;
	}
	for (uint32_t i = 0; i < io->nr_segs; i++) {
		const struct blkif_segment *s = &io->segs[i];

		io->iov[i].iov_base = page[i] + s->first_sect * BLKIF_SECTOR_SIZE;
		io->iov[i].iov_len = (size_t)(s->last_sect - s->first_sect + 1) * BLKIF_SECTOR_SIZE;
	}
	return 0;
}

/* A read or write of nr segments (1..limit) starting at sector. */
static int start_rw(struct blkif_engine *e, uint64_t id, uint8_t rsp_op,
		    enum blkif_stage stage, uint64_t sector,
		    const struct blkif_segment *segs, uint32_t nr)
{
	uint64_t count = segments_sectors(segs, nr);
	struct blkif_io *io;

	if (count == 0)
		return complain(e, "bad segment", id), BLKIF_RSP_ERROR;
	if (!range_ok(e, sector, count))
		return complain(e, "sectors past the disk's end", id), BLKIF_RSP_ERROR;
	if (stage != STAGE_READ && e->disk.read_only)
		return complain(e, "write to a read-only disk", id), BLKIF_RSP_ERROR;
	io = io_new(e, id, rsp_op, stage, nr);
	if (!io)
		return BLKIF_RSP_ERROR;
	memcpy(io->segs, segs, nr * sizeof(*segs));
	io->offset = sector * BLKIF_SECTOR_SIZE;
	io->len = count * BLKIF_SECTOR_SIZE;
	if (map_segments(io) < 0) {
		complain(e, "grant map failed", id);
		io_free(io);
		return BLKIF_RSP_ERROR;
	}
	return io_start(io);
}

static int handle_rw(struct blkif_engine *e, const union blkif_ring_entry *req)
{
	const struct blkif_request_rw *rw = &req->rw;
	bool is_write = rw->operation == BLKIF_OP_WRITE;

	if (rw->nr_segments == 0 || rw->nr_segments > BLKIF_MAX_SEGMENTS_PER_REQUEST)
		return complain(e, "segment count", rw->id), BLKIF_RSP_ERROR;
	return start_rw(e, rw->id, rw->operation, is_write ? STAGE_WRITE : STAGE_READ,
			rw->sector_number, rw->seg, rw->nr_segments);
}

static int handle_flush(struct blkif_engine *e, const union blkif_ring_entry *req)
{
	const struct blkif_request_rw *rw = &req->rw;
	struct blkif_io *io;

	if (rw->nr_segments > BLKIF_MAX_SEGMENTS_PER_REQUEST)
		return complain(e, "segment count", rw->id), BLKIF_RSP_ERROR;
	if (rw->nr_segments) /* a flush, then this data written through */
		return start_rw(e, rw->id, rw->operation, STAGE_FLUSH_THEN_WRITE,
				rw->sector_number, rw->seg, rw->nr_segments);
	io = io_new(e, rw->id, rw->operation, STAGE_FLUSH, 0);
	return io ? io_start(io) : BLKIF_RSP_ERROR;
}

static int handle_discard(struct blkif_engine *e, const union blkif_ring_entry *req)
{
	const struct blkif_request_discard *d = &req->discard;
	struct blkif_io *io;

	if (!e->disk.can_discard || (d->flag & BLKIF_DISCARD_SECURE))
		return BLKIF_RSP_EOPNOTSUPP;
	if (e->disk.read_only)
		return complain(e, "discard on a read-only disk", d->id), BLKIF_RSP_ERROR;
	if (!range_ok(e, d->sector_number, d->nr_sectors))
		return complain(e, "discard past the disk's end", d->id), BLKIF_RSP_ERROR;
	io = io_new(e, d->id, d->operation, STAGE_DISCARD, 0);
	if (!io)
		return BLKIF_RSP_ERROR;
	io->offset = d->sector_number * BLKIF_SECTOR_SIZE;
	io->len = d->nr_sectors * BLKIF_SECTOR_SIZE;
	return io_start(io);
}

/* Copies nr segment descriptors out of the indirect pages. */
static int read_indirect_segments(struct blkif_engine *e,
				  const struct blkif_request_indirect *ind,
				  struct blkif_segment *segs, uint32_t nr)
{
	uint32_t pages = (nr + BLKIF_SEGMENTS_PER_INDIRECT_PAGE - 1) /
			 BLKIF_SEGMENTS_PER_INDIRECT_PAGE;
	uint8_t *page[BLKIF_MAX_INDIRECT_PAGES_PER_REQUEST];
	uint8_t *mapping;
	uint64_t handle;

	if (map_refs(e, ind->indirect_grefs, pages, false, page, &mapping, &handle) < 0)
		return -EFAULT;
	for (uint32_t i = 0; i < pages; i++) {
		uint32_t first = i * BLKIF_SEGMENTS_PER_INDIRECT_PAGE;
		uint32_t here = nr - first < BLKIF_SEGMENTS_PER_INDIRECT_PAGE ?
				nr - first : BLKIF_SEGMENTS_PER_INDIRECT_PAGE;

		memcpy(segs + first, page[i], here * sizeof(*segs));
	}
	if (mapping)
		unmap_refs(e, mapping, pages, handle, e->on_reserve);
	return 0;
}

static int handle_indirect(struct blkif_engine *e, const union blkif_ring_entry *req)
{
	const struct blkif_request_indirect *ind = &req->indirect;
	uint32_t nr = ind->nr_segments;
	struct blkif_segment *segs;
	int status;

	if (ind->indirect_op != BLKIF_OP_READ && ind->indirect_op != BLKIF_OP_WRITE)
		return complain(e, "indirect operation", ind->id), BLKIF_RSP_ERROR;
	if (nr == 0 || nr > BLKIF_MAX_INDIRECT_SEGMENTS)
		return complain(e, "indirect segment count", ind->id), BLKIF_RSP_ERROR;
	segs = malloc(nr * sizeof(*segs));
	if (!segs)
		return BLKIF_RSP_ERROR;
	if (read_indirect_segments(e, ind, segs, nr) < 0) {
		complain(e, "indirect page map failed", ind->id);
		status = BLKIF_RSP_ERROR;
	} else {
		status = start_rw(e, ind->id, ind->indirect_op,
				  ind->indirect_op == BLKIF_OP_WRITE ? STAGE_WRITE : STAGE_READ,
				  ind->sector_number, segs, nr);
	}
	free(segs);
	return status;
}

static blkif_handler *const handlers[BLKIF_OP_COUNT] = {
	[BLKIF_OP_READ] = handle_rw,
	[BLKIF_OP_WRITE] = handle_rw,
	[BLKIF_OP_FLUSH_DISKCACHE] = handle_flush,
	[BLKIF_OP_DISCARD] = handle_discard,
	[BLKIF_OP_INDIRECT] = handle_indirect,
};

static void dispatch(struct blkif_engine *e, const union blkif_ring_entry *req)
{
	uint8_t op = req->rw.operation;
	blkif_handler *handler = op < BLKIF_OP_COUNT ? handlers[op] : NULL;
	uint8_t rsp_op = op == BLKIF_OP_INDIRECT ? req->indirect.indirect_op : op;
	int status = handler ? handler(e, req) : BLKIF_RSP_EOPNOTSUPP;

	if (!handler)
		complain(e, "operation not supported", req->rw.id);
	if (status != BLKIF_PENDING)
		respond(e, req->rw.id, rsp_op, status);
}

/* ---- the ring ------------------------------------------------------------ */

/* One request out of the shared page, read exactly once, in the native
 * layout (a 32-bit frontend's gets the 4 bytes of padding back). */
static void copy_request(const struct blkif_engine *e, union blkif_ring_entry *req)
{
	const volatile uint32_t *from = (const volatile uint32_t *)slot(e, e->req_cons);
	uint32_t words[sizeof(*req) / sizeof(uint32_t)];
	size_t n = e->entry_size / sizeof(uint32_t);

	for (size_t i = 0; i < n; i++)
		words[i] = from[i];
	if (e->entry_size == BLKIF_X86_32_ENTRY) {
		memmove((uint8_t *)words + BLKIF_X86_32_GAP_AT + 4, (uint8_t *)words + BLKIF_X86_32_GAP_AT,
			BLKIF_X86_32_ENTRY - BLKIF_X86_32_GAP_AT);
		memset((uint8_t *)words + BLKIF_X86_32_GAP_AT, 0, 4);
	}
	memcpy(req, words, sizeof(*req));
}

static bool response_room(const struct blkif_engine *e)
{
	return e->req_cons - e->rsp_prod_pvt < e->ring_entries;
}

/* The ring's reserve is free, or the shared part holds a request. */
static bool budget_room(const struct blkif_engine *e)
{
	return !e->host->budget || !e->reserve_busy ||
	       grant_budget_request_fits(e->host->budget);
}

/* Room to take one more request now; if not, a completion frees it (or,
 * for the budget, shared pages released on any ring: budget_woken). */
static bool can_take(const struct blkif_engine *e)
{
	return response_room(e) && e->in_flight < BLKIF_MAX_IN_FLIGHT && budget_room(e);
}

/* The guest's budget has room again: kick from the main loop. */
static void budget_woken(struct grant_budget_waiter *w)
{
	struct blkif_engine *e = (struct blkif_engine *)((char *)w -
				 offsetof(struct blkif_engine, budget_wait));

	e->host->ops->later(e->host, e->port);
}

/* A producer index the frontend may have written: not behind what we
 * took, and unanswered plus new requests within the ring (io/ring.h's
 * overflow rule, counted from our private response index). */
static bool prod_possible(const struct blkif_engine *e, uint32_t prod)
{
	return prod - e->req_cons <= e->ring_entries &&
	       prod - e->rsp_prod_pvt <= e->ring_entries;
}

/* Takes requests up to prod, at most budget of them; returns how many. */
static unsigned take_requests(struct blkif_engine *e, uint32_t prod, unsigned budget)
{
	union blkif_ring_entry req;
	unsigned taken = 0;

	while (e->req_cons != prod && taken < budget && can_take(e)) {
		copy_request(e, &req);
		e->req_cons++;
		taken++;
		e->on_reserve = e->host->budget && !e->reserve_busy;
		dispatch(e, &req);
		e->on_reserve = false;
	}
	return taken;
}

static void ring_broken(struct blkif_engine *e, uint32_t prod)
{
	pv_log("blkif dom%u port %u: producer index %u is behind request %u or more "
	       "than a ring ahead of response %u; ring stopped", (unsigned)e->host->domid,
	       (unsigned)e->port, prod, e->req_cons, e->rsp_prod_pvt);
	e->broken = true;
}

void blkif_engine_kick(struct blkif_engine *e)
{
	unsigned budget = e->ring_entries;
	uint32_t prod;

	if (e->broken || e->kicking)
		return;
	e->kicking = true;
	blk_aio_plug(e->aio); /* what this kick takes goes to io_uring at once */
	for (;;) {
		prod = __atomic_load_n(&e->sring->req_prod, __ATOMIC_ACQUIRE);
		if (!prod_possible(e, prod)) {
			ring_broken(e, prod);
			break;
		}
		budget -= take_requests(e, prod, budget);
		if (!can_take(e)) {
			if (!budget_room(e))
				grant_budget_wait(e->host->budget, &e->budget_wait);
			break; /* a completion kicks us again */
		}
		if (budget == 0 && e->req_cons != prod) {
			e->host->ops->later(e->host, e->port); /* let others run first */
			break;
		}
		__atomic_store_n(&e->sring->req_event, e->req_cons + 1, __ATOMIC_RELAXED);
		__atomic_thread_fence(__ATOMIC_SEQ_CST);
		if (__atomic_load_n(&e->sring->req_prod, __ATOMIC_ACQUIRE) == e->req_cons)
			break;
	}
	blk_aio_unplug(e->aio);
	push_responses(e);
	e->kicking = false;
}

/* ---- life cycle ------------------------------------------------------------ */

struct blkif_engine *blkif_engine_new(struct pv_host *host, struct blk_aio *aio,
				      const struct blkif_disk *disk, void *sring,
				      unsigned nr_pages, enum blkif_abi abi, uint32_t port)
{
	struct blkif_engine *e;
	unsigned entries = blkif_ring_entries(nr_pages, abi);

	if (entries == 0)
		return NULL;
	e = calloc(1, sizeof(*e));
	if (!e)
		return NULL;
	e->host = host;
	e->aio = aio;
	e->disk = *disk;
	e->sring = sring;
	e->ring_entries = entries;
	e->entry_size = entry_size(abi);
	e->port = port;
	e->budget_wait.wake = budget_woken;
	if (host->budget)
		grant_budget_add_ring(host->budget);
	/* Our indexes start where the frontend's ring stands (io/ring.h's
	 * attach rule), so a reconnect to a used ring works too. */
	e->rsp_prod_pvt = __atomic_load_n(&e->sring->rsp_prod, __ATOMIC_ACQUIRE);
	e->rsp_pushed = e->req_cons = e->rsp_prod_pvt;
	return e;
}

/* poll on the completion fd failed: retry after a signal or a short
 * memory shortage.  Anything else means the pool is broken; the requests
 * in flight still own their buffers and mappings, and freeing the engine
 * under them would corrupt memory, so the process stops instead. */
static void drain_poll_failed(struct blkif_engine *e)
{
	int err = errno;

	if (err == EINTR)
		return;
	if (err == ENOMEM || err == EAGAIN) {
		poll(NULL, 0, 10);
		return;
	}
	pv_log("blkif dom%u port %u: waiting for %u requests in flight failed: %s; aborting",
	       (unsigned)e->host->domid, (unsigned)e->port, e->in_flight, strerror(err));
	abort();
}

void blkif_engine_drain(struct blkif_engine *e)
{
	struct pollfd pfd = { .fd = blk_aio_fd(e->aio), .events = POLLIN };

	e->draining = true;
	while (e->in_flight) {
		if (poll(&pfd, 1, -1) < 0) {
			drain_poll_failed(e);
			continue;
		}
		blk_aio_complete(e->aio);
	}
	e->draining = false;
}

int blkif_engine_use_persistent(struct blkif_engine *e, unsigned max_grants)
{
	if (e->pgrants)
		return 0;
	e->pgrants = blkif_pgrants_new(e->host, max_grants);
	return e->pgrants ? 0 : -ENOMEM;
}

void blkif_engine_free(struct blkif_engine *e)
{
	if (!e)
		return;
	blkif_engine_drain(e);
	blkif_pgrants_free(e->pgrants); /* nothing in flight uses them now */
	if (e->host->budget) {
		grant_budget_cancel(e->host->budget, &e->budget_wait);
		grant_budget_remove_ring(e->host->budget);
	}
	free(e);
}

unsigned blkif_engine_persistent_grants(const struct blkif_engine *e)
{
	return e->pgrants ? blkif_pgrants_count(e->pgrants) : 0;
}

void blkif_engine_resize(struct blkif_engine *e, uint64_t sectors)
{
	e->disk.sectors = sectors;
}

unsigned blkif_engine_in_flight(const struct blkif_engine *e)
{
	return e->in_flight;
}

bool blkif_engine_broken(const struct blkif_engine *e)
{
	return e->broken;
}

const struct blkif_stats *blkif_engine_stats(const struct blkif_engine *e)
{
	return &e->stats;
}
