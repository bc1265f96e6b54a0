/*
 * blk-hostile: a hostile blkfront, run inside a PVH domU whose kernel
 * does not load xen-blkfront.  It plays the frontend of the guest's vbd
 * devices itself, as Xen's public io/blkif.h and io/xenbus.h describe it
 * and Linux's drivers/block/xen-blkfront.c does it: ring and data pages
 * granted to dom0 with /dev/xen/gntalloc, an event channel bound with
 * /dev/xen/evtchn, the frontend keys (ring-ref, event-channel, protocol,
 * state 3, then 4) written with the raw xenstore wire protocol
 * (io/xs_wire.h) on /dev/xen/xenbus.  Then it sends each class of garbage
 * and checks the answer bastion-dm (dm/pv/blkif.c) must give: ERROR or
 * EOPNOTSUPP for that request alone, or, for an impossible producer
 * index, no answer at all (the ring is stopped) and a device that works
 * again after the frontend closes and reconnects.
 *
 *   blk-hostile TARGET_RW TARGET_RO BYSTANDER   (vbd device ids)
 *
 * TARGET_RW takes the garbage; it is written only inside its first MiB.
 * TARGET_RO is a read-only disk that must refuse every write.  BYSTANDER
 * stays connected throughout: "bystander-disk\n" repeated over its first
 * 4 KiB, read back at the end.  Prints "DOMU-HOSTILE: ok|FAIL <what>",
 * then "DOMU-HOSTILE: done failures=N"; every device is left Initialising
 * (state 1) with its backend in InitWait, ready for a real blkfront.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <time.h>
#include <unistd.h>

#include "public/io/blkif.h"
#include "public/io/xs_wire.h"

#define PAGE 4096u
#define NDATA 4u /* writable data pages */
#define RW_LIMIT_SECTOR 2048u /* TARGET_RW is written only below 1 MiB */
/* A one-page ring: (4096 - 64) / 112 entries, rounded down to a power of 2 */
#define RING_ENTRIES 32u

/* Linux include/uapi/xen/gntalloc.h (one gref per call) */
struct gntalloc_alloc {
	uint16_t domid;
	uint16_t flags;
	uint32_t count;
	uint64_t index;
	uint32_t gref_ids[1];
};
struct gntalloc_dealloc {
	uint64_t index;
	uint32_t count;
};
#define GNTALLOC_FLAG_WRITABLE 1
#define GNTALLOC_ALLOC _IOC(_IOC_NONE, 'G', 5, sizeof(struct gntalloc_alloc))
#define GNTALLOC_DEALLOC _IOC(_IOC_NONE, 'G', 6, sizeof(struct gntalloc_dealloc))

/* Linux include/uapi/xen/evtchn.h */
struct evtchn_bind_unbound { unsigned int remote_domain; };
struct evtchn_port_arg { unsigned int port; };
#define EVTCHN_BIND_UNBOUND _IOC(_IOC_NONE, 'E', 2, sizeof(struct evtchn_bind_unbound))
#define EVTCHN_UNBIND _IOC(_IOC_NONE, 'E', 3, sizeof(struct evtchn_port_arg))
#define EVTCHN_NOTIFY _IOC(_IOC_NONE, 'E', 4, sizeof(struct evtchn_port_arg))

struct gpage {
	uint8_t *va;
	uint32_t gref;
	uint64_t index;
};

/* One frontend connection of one vbd. */
struct conn {
	char fe[64], be[128];
	uint64_t sectors;
	bool discard;
	struct gpage ring;
	struct blkif_sring *sr;
	uint32_t req_prod, rsp_cons;
	int port;
	bool abi32; /* x86_32-abi: 108-byte slots, requests without the pad before id */
	uint32_t pushed; /* requests copied from staged into the ring */
	union blkif_ring_entry staged[RING_ENTRIES];
};

static int xs_fd = -1, gnt_fd = -1, evt_fd = -1, failures;
/* What conn_open writes as the frontend's feature-persistent, and whether
 * it plays a 32-bit guest (protocol x86_32-abi). */
static bool fe_persistent, fe_abi32;
static uint32_t xs_req_id;
static struct gpage data[NDATA], ro_page, ind_page;

static void report(bool ok, const char *fmt, ...)
{
	va_list ap;

	printf("DOMU-HOSTILE: %s ", ok ? "ok" : "FAIL");
	va_start(ap, fmt);
	vprintf(fmt, ap);
	va_end(ap);
	printf("\n");
	fflush(stdout);
	failures += !ok;
}

static void sleep_ms(unsigned ms)
{
	struct timespec ts = { ms / 1000, (long)(ms % 1000) * 1000000L };
	nanosleep(&ts, NULL);
}

/* ---- xenstore over /dev/xen/xenbus ------------------------------------- */

static int read_exact(int fd, void *buf, size_t len)
{
	uint8_t *p = buf;

	while (len) {
		ssize_t n = read(fd, p, len);
		if (n <= 0)
			return -1;
		p += n;
		len -= (size_t)n;
	}
	return 0;
}

/* One request (payload a, then b) and its reply; NULL on XS_ERROR. */
static char *xs_call(uint32_t type, const char *a, const char *b, size_t blen)
{
	size_t alen = strlen(a) + 1;
	struct xsd_sockmsg h = { type, ++xs_req_id, 0, (uint32_t)(alen + blen) };
	char msg[sizeof(h) + 512];
	char *reply;

	if (alen + blen > 512)
		return NULL;
	memcpy(msg, &h, sizeof(h));
	memcpy(msg + sizeof(h), a, alen);
	memcpy(msg + sizeof(h) + alen, b, blen);
	if (write(xs_fd, msg, sizeof(h) + alen + blen) != (ssize_t)(sizeof(h) + alen + blen))
		return NULL;
	if (read_exact(xs_fd, &h, sizeof(h)) < 0 || !(reply = calloc(1, h.len + 1)))
		return NULL;
	if (read_exact(xs_fd, reply, h.len) < 0 || h.type == XS_ERROR) {
		free(reply);
		return NULL;
	}
	return reply;
}

static char *xs_read(const char *dir, const char *key)
{
	char path[256];

	snprintf(path, sizeof(path), "%s/%s", dir, key);
	return xs_call(XS_READ, path, "", 0);
}

static uint64_t xs_read_u64(const char *dir, const char *key, uint64_t def)
{
	char *v = xs_read(dir, key), *end;
	uint64_t n;

	if (!v)
		return def;
	n = strtoull(v, &end, 10);
	if (end == v)
		n = def;
	free(v);
	return n;
}

static int xs_write(const char *dir, const char *key, const char *fmt, ...)
{
	char path[256], val[128];
	va_list ap;
	char *r;

	snprintf(path, sizeof(path), "%s/%s", dir, key);
	va_start(ap, fmt);
	vsnprintf(val, sizeof(val), fmt, ap);
	va_end(ap);
	r = xs_call(XS_WRITE, path, val, strlen(val));
	free(r);
	return r ? 0 : -1;
}

/* Waits up to 15 s for dir/state to be one of want (a mask of states). */
static bool wait_state(const char *dir, unsigned want)
{
	for (int i = 0; i < 300; i++) {
		uint64_t s = xs_read_u64(dir, "state", 99);
		if (s < 32 && (want & (1u << s)))
			return true;
		sleep_ms(50);
	}
	return false;
}

/* ---- grants and the event channel -------------------------------------- */

static int gpage_alloc(struct gpage *p, bool writable)
{
	struct gntalloc_alloc a = { .domid = 0, .flags = writable ? GNTALLOC_FLAG_WRITABLE : 0,
				    .count = 1 };
	void *va;

	if (ioctl(gnt_fd, GNTALLOC_ALLOC, &a) < 0)
		return -1;
	va = mmap(NULL, PAGE, PROT_READ | PROT_WRITE, MAP_SHARED, gnt_fd, (off_t)a.index);
	if (va == MAP_FAILED)
		return -1;
	*p = (struct gpage){ va, a.gref_ids[0], a.index };
	memset(va, 0, PAGE);
	return 0;
}

static void gpage_free(struct gpage *p)
{
	struct gntalloc_dealloc d = { p->index, 1 };

	munmap(p->va, PAGE);
	ioctl(gnt_fd, GNTALLOC_DEALLOC, &d);
	p->va = NULL;
}

static void notify(int port)
{
	struct evtchn_port_arg n = { (unsigned)port };
	ioctl(evt_fd, EVTCHN_NOTIFY, &n);
}

/* ---- the xenbus handshake ------------------------------------------------ */

#define ST(s) (1u << (s))

/* Connects to vbd devid: the backend must be in InitWait (2). */
static int conn_open(struct conn *c, unsigned devid)
{
	struct evtchn_bind_unbound b = { 0 };
	char *be;

	memset(c, 0, sizeof(*c));
	c->abi32 = fe_abi32;
	snprintf(c->fe, sizeof(c->fe), "device/vbd/%u", devid);
	be = xs_read(c->fe, "backend");
	if (!be)
		return report(false, "vbd %u: no backend key", devid), -1;
	snprintf(c->be, sizeof(c->be), "%s", be);
	free(be);
	if (!wait_state(c->be, ST(2)))
		return report(false, "vbd %u: backend not in InitWait", devid), -1;
	c->sectors = xs_read_u64(c->be, "sectors", 0);
	c->discard = xs_read_u64(c->be, "feature-discard", 0) == 1;
	if (gpage_alloc(&c->ring, true) < 0)
		return report(false, "vbd %u: granting the ring: %s", devid, strerror(errno)), -1;
	c->sr = (struct blkif_sring *)c->ring.va;
	c->port = ioctl(evt_fd, EVTCHN_BIND_UNBOUND, &b);
	if (c->port < 0)
		return report(false, "vbd %u: event channel: %s", devid, strerror(errno)), -1;
	if (xs_write(c->fe, "ring-ref", "%u", c->ring.gref) < 0 ||
	    xs_write(c->fe, "event-channel", "%d", c->port) < 0 ||
	    xs_write(c->fe, "protocol", c->abi32 ? "x86_32-abi" : "x86_64-abi") < 0 ||
	    xs_write(c->fe, "feature-persistent", "%u", fe_persistent ? 1u : 0u) < 0 ||
	    xs_write(c->fe, "state", "3") < 0)
		return report(false, "vbd %u: writing the frontend keys", devid), -1;
	if (!wait_state(c->be, ST(4)))
		return report(false, "vbd %u: backend did not connect", devid), -1;
	xs_write(c->fe, "state", "4");
	return 0;
}

/* Closes (5, 6) and starts over (1): the backend goes back to InitWait. */
static void conn_close(struct conn *c)
{
	struct evtchn_port_arg u = { (unsigned)c->port };
	bool ok;

	xs_write(c->fe, "state", "5");
	ok = wait_state(c->be, ST(5) | ST(6));
	xs_write(c->fe, "state", "6");
	ok = wait_state(c->be, ST(6)) && ok;
	if (c->port >= 0)
		ioctl(evt_fd, EVTCHN_UNBIND, &u);
	if (c->ring.va)
		gpage_free(&c->ring);
	xs_write(c->fe, "state", "1");
	ok = wait_state(c->be, ST(2)) && ok;
	report(ok, "%s: closed, backend back in InitWait", c->fe);
}

/* ---- requests ------------------------------------------------------------ */

/* The next request, written in the native layout; push() puts it in the
 * ring in the connection's. */
static union blkif_ring_entry *slot(struct conn *c)
{
	union blkif_ring_entry *e = &c->staged[c->req_prod++ & (RING_ENTRIES - 1)];

	memset(e, 0, sizeof(*e));
	return e;
}

/* Ring slot i: 108 bytes each for a 32-bit guest (io/blkif.h). */
static uint8_t *ring_slot(struct conn *c, uint32_t i)
{
	size_t size = c->abi32 ? 108 : sizeof(union blkif_ring_entry);

	return (uint8_t *)c->sr->ring + (i & (RING_ENTRIES - 1)) * size;
}

static void push(struct conn *c)
{
	/* (a ring's worth at most: the producer classes move req_prod by hand) */
	for (unsigned n = 0; c->pushed != c->req_prod && n < RING_ENTRIES; n++, c->pushed++) {
		const uint8_t *e = (const uint8_t *)&c->staged[c->pushed & (RING_ENTRIES - 1)];
		if (c->abi32) {
			memcpy(ring_slot(c, c->pushed), e, 4);
			memcpy(ring_slot(c, c->pushed) + 4, e + 8, 104);
		} else {
			memcpy(ring_slot(c, c->pushed), e, sizeof(union blkif_ring_entry));
		}
	}
	c->pushed = c->req_prod;
	__atomic_store_n(&c->sr->req_prod, c->req_prod, __ATOMIC_RELEASE);
	notify(c->port);
}

/* Waits up to ms for n responses; copies them to out; returns how many. */
static unsigned await(struct conn *c, unsigned n, struct blkif_response *out, unsigned ms)
{
	unsigned got = 0;

	for (unsigned t = 0; got < n; t += 5) {
		uint32_t prod = __atomic_load_n(&c->sr->rsp_prod, __ATOMIC_ACQUIRE);
		while (c->rsp_cons != prod && got < n) {
			struct blkif_response r; /* (laid out alike in both ABIs) */
			memcpy(&r, ring_slot(c, c->rsp_cons++), 12);
			out[got++] = (struct blkif_response){ r.id, r.operation, r.status };
		}
		if (got == n || t >= ms)
			break;
		sleep_ms(5);
	}
	return got;
}

static const char *status_name(int s)
{
	return s == BLKIF_RSP_OKAY ? "OKAY" : s == BLKIF_RSP_ERROR ? "ERROR" :
	       s == BLKIF_RSP_EOPNOTSUPP ? "EOPNOTSUPP" : "?";
}

/* Sends one request; its answer must echo id and the operation
 * (indirect: the inner one) and carry status want. */
static void one(struct conn *c, const char *what, const union blkif_ring_entry *req, int want)
{
	uint8_t op = req->rw.operation == BLKIF_OP_INDIRECT ? req->indirect.indirect_op
							    : req->rw.operation;
	struct blkif_response r;

	*slot(c) = *req;
	push(c);
	if (await(c, 1, &r, 5000) != 1)
		return report(false, "%s: no response in 5 s", what);
	report(r.id == req->rw.id && r.operation == op && r.status == want,
	       "%s: %s (id %#llx op %u; want %s)", what, status_name(r.status),
	       (unsigned long long)r.id, r.operation, status_name(want));
}

/* A read or write of nseg segments, each the same (gref, first, last). */
static union blkif_ring_entry rw(uint8_t op, uint64_t id, uint64_t sector, unsigned nseg,
				 uint32_t gref, uint8_t first, uint8_t last)
{
	union blkif_ring_entry e;

	memset(&e, 0, sizeof(e));
	e.rw = (struct blkif_request_rw){ .operation = op, .nr_segments = (uint8_t)nseg,
					  .id = id, .sector_number = sector };
	for (unsigned i = 0; i < nseg && i < BLKIF_MAX_SEGMENTS_PER_REQUEST; i++)
		e.rw.seg[i] = (struct blkif_segment){ gref, first, last };
	return e;
}

/* An indirect request of nseg segments listed in ind_page. */
static union blkif_ring_entry indirect(uint8_t op, uint64_t id, uint64_t sector,
				       unsigned nseg, uint32_t ind_gref)
{
	union blkif_ring_entry e;

	memset(&e, 0, sizeof(e));
	e.indirect = (struct blkif_request_indirect){ .operation = BLKIF_OP_INDIRECT,
		.indirect_op = op, .nr_segments = (uint16_t)nseg, .id = id,
		.sector_number = sector };
	e.indirect.indirect_grefs[0] = ind_gref;
	return e;
}

static union blkif_ring_entry discard(uint64_t id, uint64_t sector, uint64_t n, uint8_t flag)
{
	union blkif_ring_entry e;

	memset(&e, 0, sizeof(e));
	e.discard = (struct blkif_request_discard){ .operation = BLKIF_OP_DISCARD, .flag = flag,
						    .id = id, .sector_number = sector,
						    .nr_sectors = n };
	return e;
}

/* Fills ind_page with n one-sector segments over the data pages. */
static void fill_indirect(unsigned n, uint8_t first, uint8_t last)
{
	struct blkif_segment *s = (struct blkif_segment *)ind_page.va;

	for (unsigned i = 0; i < n && i < BLKIF_SEGMENTS_PER_INDIRECT_PAGE; i++)
		s[i] = (struct blkif_segment){ data[i % NDATA].gref, first, last };
}

/* ---- the classes ----------------------------------------------------------- */

/* A page written at sector 8 and read back: the device still works. */
static void alive(struct conn *c, const char *after)
{
	union blkif_ring_entry w = rw(BLKIF_OP_WRITE, 0xa11e, 8, 1, data[0].gref, 0, 7);
	union blkif_ring_entry r = rw(BLKIF_OP_READ, 0xa11f, 8, 1, data[1].gref, 0, 7);
	struct blkif_response rsp[2];

	for (unsigned i = 0; i < PAGE; i++)
		data[0].va[i] = (uint8_t)(i * 7 + strlen(after));
	memset(data[1].va, 0, PAGE);
	*slot(c) = w;
	push(c);
	if (await(c, 1, rsp, 5000) != 1 || rsp[0].status != BLKIF_RSP_OKAY)
		return report(false, "alive after %s: the write got no OKAY", after);
	*slot(c) = r;
	push(c);
	if (await(c, 1, rsp + 1, 5000) != 1 || rsp[1].status != BLKIF_RSP_OKAY)
		return report(false, "alive after %s: the read got no OKAY", after);
	report(!memcmp(data[0].va, data[1].va, PAGE), "alive after %s: a page written and read back",
	       after);
}

static void class_ids(struct conn *c)
{
	union blkif_ring_entry a = rw(BLKIF_OP_READ, 7, 0, 1, data[2].gref, 0, 7);
	struct blkif_response r[2];

	*slot(c) = a;
	*slot(c) = a;
	push(c);
	bool ok = await(c, 2, r, 5000) == 2 && r[0].id == 7 && r[1].id == 7 &&
		  r[0].status == BLKIF_RSP_OKAY && r[1].status == BLKIF_RSP_OKAY;
	report(ok, "duplicate id 7 twice in one push: both answered OKAY with id 7");
	a.rw.id = UINT64_MAX;
	one(c, "id 2^64-1", &a, BLKIF_RSP_OKAY);
	a.rw.id = 0;
	one(c, "id 0", &a, BLKIF_RSP_OKAY);
	alive(c, "ids");
}

static void class_nr_segments(struct conn *c)
{
	static const unsigned bad[] = { 0, 12, 255 };
	char what[64];

	for (unsigned i = 0; i < 3; i++) {
		union blkif_ring_entry r = rw(BLKIF_OP_READ, 0x100 + i, 0, 11, data[2].gref, 0, 0);
		r.rw.nr_segments = (uint8_t)bad[i];
		snprintf(what, sizeof(what), "read with nr_segments %u", bad[i]);
		one(c, what, &r, BLKIF_RSP_ERROR);
		r.rw.operation = BLKIF_OP_WRITE;
		snprintf(what, sizeof(what), "write with nr_segments %u", bad[i]);
		one(c, what, &r, BLKIF_RSP_ERROR);
	}
	union blkif_ring_entry f = rw(BLKIF_OP_FLUSH_DISKCACHE, 0x110, 8, 11, data[0].gref, 0, 0);
	f.rw.nr_segments = 12;
	one(c, "flush carrying 12 segments", &f, BLKIF_RSP_ERROR);
	union blkif_ring_entry ok = rw(BLKIF_OP_READ, 0x111, 0, 11, data[2].gref, 0, 7);
	one(c, "read of 11 segments (the most)", &ok, BLKIF_RSP_OKAY);
	alive(c, "segment counts");
}

static void class_indirect(struct conn *c)
{
	static const unsigned bad[] = { 0, 257, 65535 };
	union blkif_ring_entry r;
	char what[64];

	fill_indirect(256, 0, 0);
	for (unsigned i = 0; i < 3; i++) {
		r = indirect(BLKIF_OP_READ, 0x200 + i, 0, bad[i], ind_page.gref);
		snprintf(what, sizeof(what), "indirect read of %u segments", bad[i]);
		one(c, what, &r, BLKIF_RSP_ERROR);
	}
	r = indirect(BLKIF_OP_FLUSH_DISKCACHE, 0x210, 0, 4, ind_page.gref);
	one(c, "indirect carrying a flush", &r, BLKIF_RSP_ERROR);
	r = indirect(BLKIF_OP_INDIRECT, 0x211, 0, 4, ind_page.gref);
	one(c, "indirect carrying an indirect", &r, BLKIF_RSP_ERROR);
	r = indirect(BLKIF_OP_READ, 0x212, 0, 4, 0xfffffff0u);
	one(c, "indirect page gref 0xfffffff0", &r, BLKIF_RSP_ERROR);
	fill_indirect(256, 3, 9);
	r = indirect(BLKIF_OP_READ, 0x213, 0, 256, ind_page.gref);
	one(c, "indirect segments with last_sect 9", &r, BLKIF_RSP_ERROR);
	fill_indirect(256, 0, 0);
	r = indirect(BLKIF_OP_READ, 0x214, 0, 256, ind_page.gref);
	one(c, "indirect read of 256 one-sector segments", &r, BLKIF_RSP_OKAY);
	r = indirect(BLKIF_OP_WRITE, 0x215, 64, 256, ind_page.gref);
	one(c, "indirect write of 256 segments at sector 64", &r, BLKIF_RSP_OKAY);
	alive(c, "indirect");
}

static void class_grants(struct conn *c)
{
	static const uint32_t bad[] = { 0xffffffffu, 0x7fffffffu, 4000u };
	union blkif_ring_entry r;
	char what[64];

	for (unsigned i = 0; i < 3; i++) {
		r = rw(BLKIF_OP_READ, 0x300 + i, 0, 1, bad[i], 0, 7);
		snprintf(what, sizeof(what), "read into gref %#x", bad[i]);
		one(c, what, &r, BLKIF_RSP_ERROR);
		r = rw(BLKIF_OP_WRITE, 0x310 + i, 8, 1, bad[i], 0, 7);
		snprintf(what, sizeof(what), "write from gref %#x", bad[i]);
		one(c, what, &r, BLKIF_RSP_ERROR);
	}
	r = rw(BLKIF_OP_READ, 0x320, 0, 4, data[2].gref, 0, 7);
	r.rw.seg[3].gref = 0xffffffffu;
	one(c, "read whose 4th of 4 segments has a bad gref", &r, BLKIF_RSP_ERROR);
	r = rw(BLKIF_OP_READ, 0x321, 0, 1, ro_page.gref, 0, 7);
	one(c, "read into a read-only grant", &r, BLKIF_RSP_ERROR);
	r = rw(BLKIF_OP_WRITE, 0x322, 8, 1, ro_page.gref, 0, 7);
	one(c, "write from a read-only grant (the backend only reads it)", &r, BLKIF_RSP_OKAY);
	r = rw(BLKIF_OP_WRITE, 0x323, 8, 1, c->ring.gref, 0, 7);
	one(c, "write from the ring page itself", &r, BLKIF_RSP_OKAY);
	alive(c, "bad grants");
}

static void class_sectors_in_page(struct conn *c)
{
	static const uint8_t bad[][2] = { { 5, 2 }, { 0, 8 }, { 8, 8 }, { 0, 255 }, { 255, 255 } };
	char what[64];

	for (unsigned i = 0; i < 5; i++) {
		union blkif_ring_entry r = rw(BLKIF_OP_READ, 0x400 + i, 0, 2, data[2].gref, 0, 7);
		r.rw.seg[1].first_sect = bad[i][0];
		r.rw.seg[1].last_sect = bad[i][1];
		snprintf(what, sizeof(what), "read segment sectors %u..%u", bad[i][0], bad[i][1]);
		one(c, what, &r, BLKIF_RSP_ERROR);
		r.rw.operation = BLKIF_OP_WRITE;
		r.rw.sector_number = 8;
		snprintf(what, sizeof(what), "write segment sectors %u..%u", bad[i][0], bad[i][1]);
		one(c, what, &r, BLKIF_RSP_ERROR);
	}
	alive(c, "segment sectors");
}

/* Requests at and past the end; the writes would land in the guard. */
static void class_range(struct conn *c)
{
	uint64_t n = c->sectors;
	struct { uint8_t op; uint64_t sector; uint8_t last; int want; const char *what; } t[] = {
		{ BLKIF_OP_READ, n - 1, 0, BLKIF_RSP_OKAY, "read of the last sector" },
		{ BLKIF_OP_READ, n, 0, BLKIF_RSP_ERROR, "read of the sector after the end" },
		{ BLKIF_OP_WRITE, n, 0, BLKIF_RSP_ERROR, "write of the sector after the end" },
		{ BLKIF_OP_WRITE, n - 1, 1, BLKIF_RSP_ERROR, "write of 2 sectors from the last" },
		{ BLKIF_OP_WRITE, n - 7, 7, BLKIF_RSP_ERROR, "write of a page from 7 before the end" },
		{ BLKIF_OP_WRITE, UINT64_MAX, 7, BLKIF_RSP_ERROR, "write at sector 2^64-1" },
		{ BLKIF_OP_WRITE, UINT64_MAX - 3, 7, BLKIF_RSP_ERROR, "write wrapping past 2^64" },
		{ BLKIF_OP_WRITE, 1ull << 55, 7, BLKIF_RSP_ERROR, "write at sector 2^55 (byte offset overflows)" },
		{ BLKIF_OP_READ, 1ull << 55, 7, BLKIF_RSP_ERROR, "read at sector 2^55" },
	};
	int disc = c->discard ? BLKIF_RSP_ERROR : BLKIF_RSP_EOPNOTSUPP;
	union blkif_ring_entry r;

	for (unsigned i = 0; i < sizeof(t) / sizeof(t[0]); i++) {
		r = rw(t[i].op, 0x500 + i, t[i].sector, 1, data[2].gref, 0, t[i].last);
		one(c, t[i].what, &r, t[i].want);
	}
	r = rw(BLKIF_OP_FLUSH_DISKCACHE, 0x520, n, 1, data[2].gref, 0, 0);
	one(c, "flush+write of the sector after the end", &r, BLKIF_RSP_ERROR);
	fill_indirect(256, 0, 0);
	r = indirect(BLKIF_OP_WRITE, 0x521, n - 255, 256, ind_page.gref);
	one(c, "indirect write of 256 sectors from 255 before the end", &r, BLKIF_RSP_ERROR);
	r = discard(0x530, n, 1, 0);
	one(c, "discard of the sector after the end", &r, disc);
	r = discard(0x531, RW_LIMIT_SECTOR, UINT64_MAX, 0);
	one(c, "discard of 2^64-1 sectors", &r, disc);
	r = discard(0x532, UINT64_MAX - 1, 4, 0);
	one(c, "discard wrapping past 2^64", &r, disc);
	alive(c, "ranges");
}

static void class_unknown_ops(struct conn *c)
{
	static const uint8_t ops[] = { BLKIF_OP_WRITE_BARRIER, BLKIF_OP_RESERVED_1, 7, 8, 100, 255 };
	char what[64];

	for (unsigned i = 0; i < sizeof(ops); i++) {
		union blkif_ring_entry r = rw(ops[i], 0x600 + i, 8, 1, data[0].gref, 0, 7);
		snprintf(what, sizeof(what), "operation %u", ops[i]);
		one(c, what, &r, BLKIF_RSP_EOPNOTSUPP);
	}
	union blkif_ring_entry d = discard(0x610, 8, 8, BLKIF_DISCARD_SECURE);
	one(c, "secure discard (not offered)", &d, BLKIF_RSP_EOPNOTSUPP);
	d = discard(0x611, 8, 8, 0xfe);
	one(c, "discard with unknown flag bits", &d, c->discard ? BLKIF_RSP_OKAY : BLKIF_RSP_EOPNOTSUPP);
	alive(c, "unknown operations");
}

/* TARGET_RO: reads work, every kind of write is refused. */
static void class_read_only(struct conn *c)
{
	union blkif_ring_entry r = rw(BLKIF_OP_WRITE, 0x700, 0, 1, data[0].gref, 0, 7);

	one(c, "read-only disk: write", &r, BLKIF_RSP_ERROR);
	r = rw(BLKIF_OP_FLUSH_DISKCACHE, 0x701, 0, 1, data[0].gref, 0, 7);
	one(c, "read-only disk: flush carrying data", &r, BLKIF_RSP_ERROR);
	fill_indirect(16, 0, 7);
	r = indirect(BLKIF_OP_WRITE, 0x702, 0, 16, ind_page.gref);
	one(c, "read-only disk: indirect write", &r, BLKIF_RSP_ERROR);
	r = discard(0x703, 0, 8, 0);
	one(c, "read-only disk: discard (not offered)", &r, BLKIF_RSP_EOPNOTSUPP);
	r = rw(BLKIF_OP_FLUSH_DISKCACHE, 0x704, 0, 0, 0, 0, 0);
	one(c, "read-only disk: empty flush", &r, BLKIF_RSP_OKAY);
	r = rw(BLKIF_OP_READ, 0x705, 0, 1, data[2].gref, 0, 7);
	one(c, "read-only disk: read", &r, BLKIF_RSP_OKAY);
}

/* A full ring at once: 32 reads, 16 of them garbage, every id answered. */
static void class_full_ring(struct conn *c)
{
	struct blkif_response r[RING_ENTRIES];
	unsigned seen[RING_ENTRIES] = { 0 }, errors = 0, got;
	bool ok = true;

	for (unsigned i = 0; i < RING_ENTRIES; i++) {
		*slot(c) = rw(BLKIF_OP_READ, 0x800 + i, i * 8, 1 + i % 11,
			      i % 2 ? 0xffffffffu : data[i % NDATA].gref, 0, 7);
	}
	push(c);
	got = await(c, RING_ENTRIES, r, 10000);
	for (unsigned i = 0; i < got; i++) {
		unsigned k = (unsigned)(r[i].id - 0x800);
		if (k >= RING_ENTRIES || seen[k]++ ||
		    r[i].status != (k % 2 ? BLKIF_RSP_ERROR : BLKIF_RSP_OKAY))
			ok = false;
		errors += r[i].status != BLKIF_RSP_OKAY;
	}
	report(ok && got == RING_ENTRIES, "a full ring of 32 reads (16 with bad grants): %u answers, "
	       "%u errors, each id once", got, errors);
	alive(c, "a full ring");
}

/* An impossible producer index: no answer, the ring is stopped; after a
 * reconnect the device works. */
static void class_producer(struct conn *c, unsigned devid, const char *what, int32_t delta)
{
	struct blkif_response r;

	*slot(c) = rw(BLKIF_OP_READ, 0x900, 0, 1, data[2].gref, 0, 7);
	c->req_prod += (uint32_t)delta - 1;
	push(c);
	report(await(c, 1, &r, 1500) == 0, "producer index %s: no answer (ring stopped)", what);
	c->req_prod -= (uint32_t)delta - 1; /* just the one request */
	push(c);
	report(await(c, 1, &r, 1500) == 0, "producer index %s, then a sane one: still no answer", what);
	conn_close(c);
	if (conn_open(c, devid) == 0)
		alive(c, what);
}

/* Garbage in the handshake: one frontend key wrong.  The backend must
 * refuse to connect (state Closing, a logged reason) and serve again
 * after the frontend closes and starts over. */
static void bad_handshake(unsigned devid, const char *key, const char *value)
{
	struct evtchn_bind_unbound b = { 0 };
	struct evtchn_port_arg u;
	struct conn c;

	memset(&c, 0, sizeof(c));
	snprintf(c.fe, sizeof(c.fe), "device/vbd/%u", devid);
	char *be = xs_read(c.fe, "backend");
	snprintf(c.be, sizeof(c.be), "%s", be ? be : "");
	free(be);
	if (!wait_state(c.be, ST(2)) || gpage_alloc(&c.ring, true) < 0 ||
	    (c.port = ioctl(evt_fd, EVTCHN_BIND_UNBOUND, &b)) < 0)
		return report(false, "handshake with %s=%s: could not start", key, value);
	xs_write(c.fe, "ring-ref", "%u", c.ring.gref);
	xs_write(c.fe, "event-channel", "%d", c.port);
	xs_write(c.fe, "protocol", "x86_64-abi");
	xs_write(c.fe, key, "%s", value);
	xs_write(c.fe, "state", "3");
	report(wait_state(c.be, ST(5) | ST(6)), "handshake with %s=%s: the backend refuses (Closing)",
	       key, value);
	xs_write(c.fe, "state", "6");
	wait_state(c.be, ST(6));
	u.port = (unsigned)c.port;
	ioctl(evt_fd, EVTCHN_UNBIND, &u);
	gpage_free(&c.ring);
	/* leave the keys as a fresh blkfront finds them */
	xs_write(c.fe, "protocol", "x86_64-abi");
	xs_write(c.fe, "ring-page-order", "0");
	xs_write(c.fe, "state", "1");
	report(wait_state(c.be, ST(2)), "handshake with %s=%s: back in InitWait after the frontend "
	       "started over", key, value);
}

static void class_handshake(unsigned devid)
{
	bad_handshake(devid, "ring-ref", "4000");
	bad_handshake(devid, "ring-ref", "x");
	bad_handshake(devid, "event-channel", "4000");
	bad_handshake(devid, "ring-page-order", "5");
	bad_handshake(devid, "ring-page-order", "2"); /* no ring-ref0..3 */
	bad_handshake(devid, "protocol", "arm-abi");
}

/* As a 32-bit guest's blkfront (protocol x86_32-abi): the backend reads
 * the packed requests and answers each id whole. */
static void class_abi32(struct conn *c)
{
	union blkif_ring_entry r;

	alive(c, "connecting as a 32-bit frontend");
	r = rw(BLKIF_OP_READ, 0xfedcba9876543210ull, 0, 11, data[2].gref, 0, 7);
	one(c, "x86_32-abi: a read of 11 segments, a 64-bit id", &r, BLKIF_RSP_OKAY);
	r = rw(BLKIF_OP_READ, 0x3201, c->sectors, 1, data[2].gref, 0, 0);
	one(c, "x86_32-abi: a read of the sector after the end", &r, BLKIF_RSP_ERROR);
	fill_indirect(256, 0, 0);
	r = indirect(BLKIF_OP_READ, 0x3202, 0, 256, ind_page.gref);
	one(c, "x86_32-abi: an indirect read of 256 segments", &r, BLKIF_RSP_OKAY);
	r = rw(BLKIF_OP_READ, 0x3203, 0, 12, data[2].gref, 0, 7);
	one(c, "x86_32-abi: a read of 12 segments", &r, BLKIF_RSP_ERROR);
}

/* ---- the bystander --------------------------------------------------------- */

/* Sends one request whose answer may be OKAY or ERROR: it must come, for
 * this id and operation. */
static void answered(struct conn *c, const char *what, const union blkif_ring_entry *req)
{
	struct blkif_response r;

	*slot(c) = *req;
	push(c);
	if (await(c, 1, &r, 5000) != 1)
		return report(false, "%s: no response in 5 s", what);
	report(r.id == req->rw.id && r.operation == req->rw.operation &&
	       (r.status == BLKIF_RSP_OKAY || r.status == BLKIF_RSP_ERROR),
	       "%s: %s (id %#llx)", what, status_name(r.status), (unsigned long long)r.id);
}

/* With persistent grants (io/blkif.h feature-persistent, both ends 1) the
 * backend keeps our grants mapped across requests: read-only grants and
 * bad refs must still be refused as before, and a grant revoked while the
 * backend holds it must cost that request at most (its page is ours). */
static void class_persistent(struct conn *c)
{
	union blkif_ring_entry r;
	struct gpage victim;
	uint32_t gref;

	report(xs_read_u64(c->be, "feature-persistent", 0) == 1,
	       "persistent: the backend offers feature-persistent 1");
	alive(c, "connecting with persistent grants");
	alive(c, "the same grants again");
	r = rw(BLKIF_OP_READ, 0x900, 0, 1, ro_page.gref, 0, 7);
	one(c, "persistent: read into a read-only grant", &r, BLKIF_RSP_ERROR);
	r = rw(BLKIF_OP_WRITE, 0x901, 8, 1, ro_page.gref, 0, 7);
	one(c, "persistent: write from a read-only grant", &r, BLKIF_RSP_OKAY);
	r = rw(BLKIF_OP_READ, 0x902, 0, 4, data[2].gref, 0, 7);
	r.rw.seg[3].gref = 0xffffffffu;
	one(c, "persistent: read whose 4th of 4 segments has a bad gref", &r, BLKIF_RSP_ERROR);
	fill_indirect(256, 0, 0);
	r = indirect(BLKIF_OP_READ, 0x903, 0, 256, ind_page.gref);
	one(c, "persistent: indirect read, the indirect page granted read-only", &r, BLKIF_RSP_OKAY);
	if (gpage_alloc(&victim, true) < 0)
		return report(false, "persistent: granting a page: %s", strerror(errno));
	gref = victim.gref;
	r = rw(BLKIF_OP_READ, 0x904, 0, 1, gref, 0, 7);
	one(c, "persistent: read into a fresh grant", &r, BLKIF_RSP_OKAY);
	gpage_free(&victim); /* revoked while the backend may hold it */
	r = rw(BLKIF_OP_READ, 0x905, 0, 1, gref, 0, 7);
	answered(c, "persistent: read into the revoked grant", &r);
	r = rw(BLKIF_OP_WRITE, 0x906, 16, 1, gref, 0, 7);
	answered(c, "persistent: write from the revoked grant", &r);
	alive(c, "a revoked grant");
}

static const char by_text[] = "bystander-disk\n";

static void bystander_fill(uint8_t *p)
{
	for (unsigned i = 0; i < PAGE; i++)
		p[i] = (uint8_t)by_text[i % (sizeof(by_text) - 1)];
}

static void bystander_write(struct conn *c)
{
	union blkif_ring_entry w = rw(BLKIF_OP_FLUSH_DISKCACHE, 0xb0, 0, 1, data[3].gref, 0, 7);

	bystander_fill(data[3].va);
	one(c, "bystander: its first page written (flush + FUA write)", &w, BLKIF_RSP_OKAY);
}

static void bystander_check(struct conn *c)
{
	union blkif_ring_entry r = rw(BLKIF_OP_READ, 0xb1, 0, 1, data[3].gref, 0, 7);
	uint8_t want[PAGE];

	memset(data[3].va, 0, PAGE);
	one(c, "bystander: read back after the garbage", &r, BLKIF_RSP_OKAY);
	bystander_fill(want);
	report(!memcmp(want, data[3].va, PAGE), "bystander: its first page is intact");
}

/* ---- main -------------------------------------------------------------------- */

static int open_devices(void)
{
	xs_fd = open("/dev/xen/xenbus", O_RDWR);
	gnt_fd = open("/dev/xen/gntalloc", O_RDWR);
	evt_fd = open("/dev/xen/evtchn", O_RDWR);
	if (xs_fd < 0 || gnt_fd < 0 || evt_fd < 0)
		return report(false, "opening /dev/xen/{xenbus,gntalloc,evtchn}: %d %d %d",
			      xs_fd, gnt_fd, evt_fd), -1;
	for (unsigned i = 0; i < NDATA; i++)
		if (gpage_alloc(&data[i], true) < 0)
			return report(false, "granting data pages: %s", strerror(errno)), -1;
	if (gpage_alloc(&ro_page, false) < 0 || gpage_alloc(&ind_page, false) < 0)
		return report(false, "granting read-only pages: %s", strerror(errno)), -1;
	return 0;
}

typedef void class_fn(struct conn *c);

/* Each class on a connection of its own (a fresh engine, a fresh budget
 * of logged complaints in bastion-dm). */
static void garbage(struct conn *t, unsigned devid)
{
	static class_fn *const classes[] = {
		class_ids, class_nr_segments, class_indirect, class_grants,
		class_sectors_in_page, class_range, class_unknown_ops, class_full_ring,
	};

	for (unsigned i = 0; i < sizeof(classes) / sizeof(classes[0]); i++) {
		classes[i](t);
		conn_close(t);
		if (conn_open(t, devid) < 0)
			return;
	}
	class_producer(t, devid, "1000 ahead", 1000);
	class_producer(t, devid, "33 ahead (one more than the ring)", (int32_t)RING_ENTRIES + 1);
	class_producer(t, devid, "5 behind", -5);
	conn_close(t);
	class_handshake(devid);
	if (conn_open(t, devid) < 0)
		return;
	alive(t, "handshake garbage");
	conn_close(t);
	fe_persistent = true;
	if (conn_open(t, devid) == 0)
		class_persistent(t);
	fe_persistent = false;
	if (t->sr)
		conn_close(t);
	fe_abi32 = true;
	if (conn_open(t, devid) == 0)
		class_abi32(t);
	fe_abi32 = false;
}

int main(int argc, char **argv)
{
	struct conn t, ro, by;
	unsigned rw_id, ro_id, by_id;

	setvbuf(stdout, NULL, _IOLBF, 0);
	if (argc != 4)
		return fprintf(stderr, "usage: blk-hostile TARGET_RW TARGET_RO BYSTANDER\n"), 2;
	rw_id = (unsigned)strtoul(argv[1], NULL, 0);
	ro_id = (unsigned)strtoul(argv[2], NULL, 0);
	by_id = (unsigned)strtoul(argv[3], NULL, 0);
	if (open_devices() < 0 || conn_open(&by, by_id) < 0)
		goto out;
	bystander_write(&by);
	if (conn_open(&t, rw_id) == 0) {
		report(t.sectors > RW_LIMIT_SECTOR, "target: %llu sectors, discard %s",
		       (unsigned long long)t.sectors, t.discard ? "offered" : "not offered");
		alive(&t, "connecting");
		garbage(&t, rw_id);
		if (t.sr)
			conn_close(&t);
	}
	if (conn_open(&ro, ro_id) == 0) {
		class_read_only(&ro);
		conn_close(&ro);
	}
	bystander_check(&by);
	conn_close(&by);
out:
	printf("DOMU-HOSTILE: done failures=%d\n", failures);
	return failures ? 1 : 0;
}
