/*
 * Host tests of the xenbus backend state machine (dm/pv/xenbus.c), the
 * qdisk backend's keys and connection (dm/pv/blkback.c), the qnic
 * backend's choice of link by its net key (dm/pv/netback.c) and the device
 * registry (dm/pv/registry.c), all over the hash-table xenstore and the
 * fake frontend's grants.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "fake_frontend.h"
#include "fake_xs.h"
#include "pv_backend.h"
#include "pv_check.h"
#include "pv_log.h"
#include "registry.h"

#define BE "/local/domain/0/backend/fake/7/51712"
#define FE "/local/domain/7/device/vbd/51712"

/* A backend type that only counts what the state machine asks of it. */
static struct {
	int setups, connects, disconnects, teardowns;
	int setup_rc, connect_rc;
} calls;

static int fake_setup(struct pv_device *dev) { (void)dev; calls.setups++; return calls.setup_rc; }
static int fake_connect(struct pv_device *dev) { (void)dev; calls.connects++; return calls.connect_rc; }
static void fake_disconnect(struct pv_device *dev) { (void)dev; calls.disconnects++; }
static void fake_teardown(struct pv_device *dev) { (void)dev; calls.teardowns++; }
static void fake_event(struct pv_device *dev, unsigned slot) { (void)dev; (void)slot; }

static const struct pv_backend_type fake_type = {
	.name = "fake", .setup = fake_setup, .connect = fake_connect,
	.disconnect = fake_disconnect, .teardown = fake_teardown, .event = fake_event,
};

struct xctx {
	struct fake_xs fx;
	struct fake_fe fe;
	struct pv_ctx ctx;
};

static void xctx_init(struct xctx *x)
{
	memset(&calls, 0, sizeof(calls));
	fake_xs_init(&x->fx);
	fake_fe_init(&x->fe, 2, 0);
	x->fe.aio = blk_aio_new(2);
	x->ctx = (struct pv_ctx){ .xs = &x->fx.xs, .host = &x->fe.host, .aio = x->fe.aio };
	snprintf(x->ctx.be_root, sizeof(x->ctx.be_root), "/local/domain/0/backend");
}

static void xctx_fini(struct xctx *x)
{
	blk_aio_free(x->fe.aio);
	fake_fe_fini(&x->fe);
	fake_xs_fini(&x->fx);
}

/* The backend and frontend directories as libxl leaves them. */
static void toolstack_adds(struct xctx *x, const char *be, const char *fe)
{
	char path[2 * PV_PATH_MAX];
	static const char *const keys[][2] = {
		{ "online", "1" }, { "state", "1" }, { "frontend-id", "7" },
		{ "device-type", "disk" }, { "dev", "xvda" }, { "type", "qdisk" },
		{ "mode", "w" },
	};

	for (size_t i = 0; i < sizeof(keys) / sizeof(keys[0]); i++) {
		snprintf(path, sizeof(path), "%s/%s", be, keys[i][0]);
		fake_xs_set(&x->fx, path, keys[i][1]);
	}
	snprintf(path, sizeof(path), "%s/frontend", be);
	fake_xs_set(&x->fx, path, fe);
	snprintf(path, sizeof(path), "%s/state", fe);
	fake_xs_set(&x->fx, path, "1");
}

static void set_key(struct xctx *x, const char *dir, const char *key, const char *value)
{
	char path[2 * PV_PATH_MAX];

	snprintf(path, sizeof(path), "%s/%s", dir, key);
	fake_xs_set(&x->fx, path, value);
}

static const char *get_key(struct xctx *x, const char *dir, const char *key)
{
	char path[2 * PV_PATH_MAX];

	snprintf(path, sizeof(path), "%s/%s", dir, key);
	return fake_xs_get(&x->fx, path);
}

static bool be_state_is(struct xctx *x, const char *dir, const char *want)
{
	const char *s = get_key(x, dir, "state");

	return s && !strcmp(s, want);
}

/* Frontend moves to fe_state, then one update. */
static bool step(struct xctx *x, struct pv_device *dev, const char *fe_state)
{
	if (fe_state)
		set_key(x, FE, "state", fe_state);
	return xenbus_device_update(dev);
}

static void test_life_cycle(void)
{
	struct xctx x;
	struct pv_device *dev;

	xctx_init(&x);
	toolstack_adds(&x, BE, FE);
	dev = xenbus_device_new(&x.ctx, &fake_type, 51712);
	if (!CHECK(dev != NULL, "xenbus: a device whose frontend is in the guest's tree"))
		return xctx_fini(&x);
	step(&x, dev, NULL);
	CHECK(calls.setups == 1 && be_state_is(&x, BE, "2") &&
	      !strcmp(get_key(&x, BE, "hotplug-status"), "connected"),
	      "xenbus: set up, then InitWait with hotplug-status \"connected\"");
	step(&x, dev, "3");
	CHECK(calls.connects == 1 && be_state_is(&x, BE, "4"),
	      "xenbus: frontend Initialised -> connect -> Connected");
	step(&x, dev, "4");
	step(&x, dev, NULL);
	CHECK(calls.connects == 1 && be_state_is(&x, BE, "4"),
	      "xenbus: repeated updates while Connected change nothing");
	step(&x, dev, "5");
	CHECK(calls.disconnects >= 1 && be_state_is(&x, BE, "5"),
	      "xenbus: frontend Closing -> disconnect -> Closing");
	step(&x, dev, "6");
	CHECK(be_state_is(&x, BE, "6"), "xenbus: frontend Closed -> Closed");
	step(&x, dev, "1");
	CHECK(be_state_is(&x, BE, "2"), "xenbus: frontend starting over while online -> InitWait");
	step(&x, dev, "4");
	CHECK(calls.connects == 2 && be_state_is(&x, BE, "4"),
	      "xenbus: a reconnecting frontend (Connected) is connected again");
	set_key(&x, BE, "online", "0");
	set_key(&x, BE, "state", "5");
	int before = calls.disconnects;
	step(&x, dev, NULL);
	CHECK(be_state_is(&x, BE, "5") && calls.disconnects == before,
	      "xenbus: toolstack online=0/Closing with a live frontend -> Closing, still serving");
	step(&x, dev, "6");
	CHECK(be_state_is(&x, BE, "6") && calls.disconnects > before,
	      "xenbus: ...then the frontend's Closed -> disconnect -> Closed");
	fake_xs_rm(&x.fx, BE);
	CHECK(!step(&x, dev, NULL), "xenbus: the backend directory removed -> device done");
	xenbus_device_free(dev);
	CHECK(calls.teardowns == 1, "xenbus: freeing tears down once");
	xctx_fini(&x);
}

static void test_refusals(void)
{
	struct xctx x;
	struct pv_device *dev;

	xctx_init(&x);
	toolstack_adds(&x, BE, "/local/domain/8/device/vbd/51712");
	CHECK(xenbus_device_new(&x.ctx, &fake_type, 51712) == NULL,
	      "xenbus: a frontend path in another domain's tree is refused");
	set_key(&x, BE, "frontend", "/local/domain/7/../0/device/vbd/1");
	CHECK(xenbus_device_new(&x.ctx, &fake_type, 51712) == NULL,
	      "xenbus: a frontend path climbing out with .. is refused");
	set_key(&x, BE, "frontend", FE);
	calls.setup_rc = -2;
	dev = xenbus_device_new(&x.ctx, &fake_type, 51712);
	step(&x, dev, "3");
	CHECK(be_state_is(&x, BE, "6") && !strcmp(get_key(&x, BE, "hotplug-status"), "error") &&
	      calls.connects == 0,
	      "xenbus: failed setup -> Closed, hotplug-status \"error\", never connects");
	xenbus_device_free(dev);
	CHECK(calls.teardowns == 0, "xenbus: a device never set up is not torn down");
	calls.setup_rc = 0;
	calls.connect_rc = -22;
	set_key(&x, BE, "state", "1");
	set_key(&x, FE, "state", "1");
	dev = xenbus_device_new(&x.ctx, &fake_type, 51712);
	step(&x, dev, NULL);
	step(&x, dev, "3");
	CHECK(be_state_is(&x, BE, "5") && calls.connects == 1,
	      "xenbus: failed connect -> Closing");
	xenbus_device_free(dev);
	xctx_fini(&x);
}

static void test_frontend_gone(void)
{
	struct xctx x;
	struct pv_device *dev;

	xctx_init(&x);
	toolstack_adds(&x, BE, FE);
	fake_xs_rm(&x.fx, FE);
	dev = xenbus_device_new(&x.ctx, &fake_type, 51712);
	step(&x, dev, NULL);
	CHECK(be_state_is(&x, BE, "2"), "xenbus: no frontend yet -> waits in InitWait");
	step(&x, dev, "4");
	fake_xs_rm(&x.fx, FE); /* the guest died */
	step(&x, dev, NULL);
	CHECK(be_state_is(&x, BE, "6") && calls.disconnects >= 1,
	      "xenbus: the frontend vanishing while connected -> disconnect -> Closed");
	set_key(&x, BE, "online", "0");
	set_key(&x, BE, "state", "5");
	step(&x, dev, NULL);
	CHECK(be_state_is(&x, BE, "6"),
	      "xenbus: toolstack Closing over our Closed gets Closed written again");
	xenbus_device_free(dev);
	xctx_fini(&x);
}

/* ---- the qdisk backend over a real image ------------------------------------- */

#define QBE "/local/domain/0/backend/qdisk/7/51712"

static bool make_image(const char *path, const char *fmt, uint64_t size)
{
	struct blk_create_opts o = { .format = fmt, .size = size };
	struct blk_error err;

	unlink(path);
	return blk_create(path, &o, &err) == 0;
}

static struct pv_device *qdisk_device(struct xctx *x, const char *params, const char *mode)
{
	struct pv_device *dev;

	fake_xs_rm(&x->fx, QBE);
	toolstack_adds(x, QBE, FE);
	set_key(x, QBE, "params", params);
	if (mode)
		set_key(x, QBE, "mode", mode);
	else
		fake_xs_rm(&x->fx, QBE "/mode");
	dev = xenbus_device_new(&x->ctx, &pv_qdisk_backend, 51712);
	if (dev)
		xenbus_device_update(dev);
	return dev;
}

static bool key_is(struct xctx *x, const char *key, const char *want)
{
	const char *v = get_key(x, QBE, key);

	return want ? v && !strcmp(v, want) : v == NULL;
}

/* The frontend's keys for a two-page ring at guest pages 10, 11. */
static void frontend_connects(struct xctx *x, const char *protocol)
{
	set_key(x, FE, "ring-page-order", "1");
	set_key(x, FE, "ring-ref0", "1010");
	set_key(x, FE, "ring-ref1", "1011");
	set_key(x, FE, "event-channel", "9");
	set_key(x, FE, "protocol", protocol);
	set_key(x, FE, "state", "3");
}

static void test_qdisk_keys(const char *img, const char *qimg)
{
	struct xctx x;
	struct pv_device *dev;
	char params[600];

	xctx_init(&x);
	snprintf(params, sizeof(params), "raw:%s", img);
	dev = qdisk_device(&x, params, "w");
	CHECK(dev && key_is(&x, "state", "2") && key_is(&x, "sectors", "2048") &&
	      key_is(&x, "info", "0") && key_is(&x, "sector-size", "512") &&
	      key_is(&x, "physical-sector-size", "512") && key_is(&x, "feature-flush-cache", "1") &&
	      key_is(&x, "feature-discard", "1") && key_is(&x, "discard-granularity", "4096") &&
	      key_is(&x, "max-ring-page-order", "4") &&
	      key_is(&x, "feature-max-indirect-segments", "256") &&
	      key_is(&x, "feature-persistent", "1"),
	      "qdisk: raw:<path> rw -> sectors, info 0, flush, discard, ring order 4, 256 indirect");
	xenbus_device_free(dev);
	dev = qdisk_device(&x, img, "r");
	CHECK(dev && key_is(&x, "state", "2") && key_is(&x, "info", "4") &&
	      key_is(&x, "feature-discard", NULL),
	      "qdisk: a bare path, mode r -> VDISK_READONLY in info, no feature-discard");
	xenbus_device_free(dev);
	snprintf(params, sizeof(params), "qcow2:%s", qimg);
	dev = qdisk_device(&x, params, "w");
	CHECK(dev && key_is(&x, "state", "2") && key_is(&x, "sectors", "4096") &&
	      key_is(&x, "discard-granularity", "65536"),
	      "qdisk: qcow2:<path> -> its virtual size, discard by 64 KiB clusters");
	xenbus_device_free(dev);
	dev = qdisk_device(&x, img, NULL);
	CHECK(dev && key_is(&x, "state", "2") && key_is(&x, "info", "4") &&
	      key_is(&x, "feature-discard", NULL),
	      "qdisk: no mode key -> read-only (VDISK_READONLY), no feature-discard");
	xenbus_device_free(dev);
	fake_xs_rm(&x.fx, QBE);
	toolstack_adds(&x, QBE, FE);
	set_key(&x, QBE, "params", img);
	set_key(&x, QBE, "discard-enable", "0");
	dev = xenbus_device_new(&x.ctx, &pv_qdisk_backend, 51712);
	xenbus_device_update(dev);
	CHECK(dev && key_is(&x, "state", "2") && key_is(&x, "info", "0") &&
	      key_is(&x, "feature-discard", NULL) && key_is(&x, "discard-granularity", NULL),
	      "qdisk: discard-enable 0 -> writable, but no feature-discard");
	xenbus_device_free(dev);
	dev = qdisk_device(&x, "raw:/nonexistent/disk.img", "w");
	CHECK(dev && key_is(&x, "state", "6") && key_is(&x, "hotplug-status", "error"),
	      "qdisk: a missing image -> Closed, hotplug-status \"error\"");
	xenbus_device_free(dev);
	xctx_fini(&x);
}

static void test_qdisk_connect(const char *img)
{
	struct blkif_segment seg = { FAKE_REF_BASE + 20, 0, 7 };
	union blkif_ring_entry req;
	struct blkif_response rsp;
	struct pv_device *dev;
	struct xctx x;

	xctx_init(&x);
	struct blkif_sring *own_ring = x.fe.sring;
	dev = qdisk_device(&x, img, "w");
	x.fe.sring = (struct blkif_sring *)fake_page(&x.fe, 1010); /* pages 10, 11 */
	x.fe.sring->req_event = x.fe.sring->rsp_event = 1; /* as the frontend sets it up */
	frontend_connects(&x, "x86_64-abi");
	xenbus_device_update(dev);
	CHECK(key_is(&x, "state", "4") && dev->port[0] == 109 && x.fe.maps_live == 1,
	      "qdisk: a two-page ring and event channel mapped and bound -> Connected");
	memset(&req, 0, sizeof(req));
	req.rw = (struct blkif_request_rw){ .operation = BLKIF_OP_WRITE, .nr_segments = 1,
					    .id = 42, .sector_number = 8, .seg = { seg } };
	fake_push(&x.fe, &req);
	dev->type->event(dev, 0);
	CHECK(fake_wait(&x.fe, 1) && fake_pop(&x.fe, &rsp) && rsp.id == 42 &&
	      rsp.status == BLKIF_RSP_OKAY && x.fe.notifies == 1,
	      "qdisk: a request on the connected ring is served and the frontend kicked");
	set_key(&x, FE, "state", "5");
	xenbus_device_update(dev);
	CHECK(key_is(&x, "state", "5") && x.fe.maps_live == 0 && dev->port[0] == -1,
	      "qdisk: frontend Closing -> ring unmapped, port unbound");
	xenbus_device_free(dev);
	dev = qdisk_device(&x, img, "w");
	frontend_connects(&x, "x86_32-abi");
	xenbus_device_update(dev);
	x.fe.abi = BLKIF_ABI_X86_32; /* (the fake frontend writes 108-byte entries) */
	req.rw.id = 0x1234567887654321ull;
	fake_push(&x.fe, &req);
	dev->type->event(dev, 0);
	CHECK(key_is(&x, "state", "4") && fake_wait(&x.fe, 1) && fake_pop(&x.fe, &rsp) &&
	      rsp.id == 0x1234567887654321ull && rsp.status == BLKIF_RSP_OKAY,
	      "qdisk: a 32-bit frontend (x86_32-abi) -> Connected, its packed request served");
	x.fe.abi = BLKIF_ABI_NATIVE;
	xenbus_device_free(dev);
	dev = qdisk_device(&x, img, "w");
	frontend_connects(&x, "arm-abi");
	xenbus_device_update(dev);
	CHECK(key_is(&x, "state", "5") && x.fe.maps_live == 0,
	      "qdisk: a protocol not served (arm-abi) is refused -> Closing");
	xenbus_device_free(dev);
	dev = qdisk_device(&x, img, "w");
	frontend_connects(&x, "x86_64-abi");
	set_key(&x, FE, "ring-page-order", "5");
	xenbus_device_update(dev);
	CHECK(key_is(&x, "state", "5"), "qdisk: ring-page-order above the offer is refused");
	xenbus_device_free(dev);
	x.fe.sring = own_ring;
	xctx_fini(&x);
}

/* A DISCARD on a ring connected to a device with discard-enable 0. */
static void test_qdisk_discard_off(const char *img)
{
	union blkif_ring_entry req;
	struct blkif_response rsp;
	struct pv_device *dev;
	struct xctx x;

	xctx_init(&x);
	struct blkif_sring *own_ring = x.fe.sring;
	fake_xs_rm(&x.fx, QBE);
	toolstack_adds(&x, QBE, FE);
	set_key(&x, QBE, "params", img);
	set_key(&x, QBE, "discard-enable", "0");
	dev = xenbus_device_new(&x.ctx, &pv_qdisk_backend, 51712);
	xenbus_device_update(dev);
	x.fe.sring = (struct blkif_sring *)fake_page(&x.fe, 1010);
	x.fe.sring->req_event = x.fe.sring->rsp_event = 1;
	frontend_connects(&x, "x86_64-abi");
	xenbus_device_update(dev);
	memset(&req, 0, sizeof(req));
	req.discard = (struct blkif_request_discard){ .operation = BLKIF_OP_DISCARD, .id = 43,
						      .sector_number = 8, .nr_sectors = 8 };
	fake_push(&x.fe, &req);
	dev->type->event(dev, 0);
	CHECK(key_is(&x, "state", "4") && fake_wait(&x.fe, 1) && fake_pop(&x.fe, &rsp) &&
	      rsp.id == 43 && rsp.status == BLKIF_RSP_EOPNOTSUPP,
	      "qdisk: discard-enable 0 -> a DISCARD on the ring answers EOPNOTSUPP");
	xenbus_device_free(dev);
	x.fe.sring = own_ring;
	xctx_fini(&x);
}

/* libxl's detach (online 0, state Closing, directories removed) and a new
 * attach under the same id, both between two rescans. */
static void detach_reattach(struct xctx *x, const char *be, const char *fe,
			    const char *params, const char *mode)
{
	set_key(x, be, "online", "0");
	set_key(x, be, "state", "5");
	fake_xs_rm(&x->fx, be);
	fake_xs_rm(&x->fx, fe);
	toolstack_adds(x, be, fe);
	set_key(x, be, "params", params);
	set_key(x, be, "mode", mode);
}

static void test_reattach(const char *img, const char *qimg)
{
	const char *be = "/local/domain/0/backend/qdisk/7/3";
	struct pv_registry reg;
	struct xctx x;
	char params[600];

	xctx_init(&x);
	reg = (struct pv_registry){ .ctx = &x.ctx };
	toolstack_adds(&x, be, "/local/domain/7/device/vbd/3");
	set_key(&x, be, "params", img);
	pv_registry_rescan(&reg);
	CHECK(be_state_is(&x, be, "2") && !strcmp(get_key(&x, be, "sectors"), "2048"),
	      "registry: the first attach serves the 1 MiB raw image");
	snprintf(params, sizeof(params), "qcow2:%s", qimg);
	detach_reattach(&x, be, "/local/domain/7/device/vbd/3", params, "r");
	pv_registry_rescan(&reg);
	CHECK(pv_registry_count(&reg) == 1 && be_state_is(&x, be, "2") &&
	      get_key(&x, be, "sectors") && !strcmp(get_key(&x, be, "sectors"), "4096") &&
	      !strcmp(get_key(&x, be, "info"), "4"),
	      "registry: detach and re-attach between rescans -> the new image and mode served");
	pv_registry_free_all(&reg);
	xctx_fini(&x);
}

static void test_registry(const char *img)
{
	struct pv_registry reg;
	struct xctx x;
	char be[PV_PATH_MAX], fe[PV_PATH_MAX];
	unsigned slot = 99;

	xctx_init(&x);
	reg = (struct pv_registry){ .ctx = &x.ctx };
	pv_registry_watch(&reg);
	for (unsigned id = 1; id <= 2; id++) {
		snprintf(be, sizeof(be), "/local/domain/0/backend/qdisk/7/%u", id);
		snprintf(fe, sizeof(fe), "/local/domain/7/device/vbd/%u", id);
		toolstack_adds(&x, be, fe);
		set_key(&x, be, "params", img);
	}
	pv_registry_rescan(&reg);
	CHECK(pv_registry_count(&reg) == 2 &&
	      be_state_is(&x, "/local/domain/0/backend/qdisk/7/2", "2"),
	      "registry: two qdisk devices found and set up");
	fake_xs_rm(&x.fx, "/local/domain/0/backend/qdisk/7/1");
	pv_registry_rescan(&reg);
	CHECK(pv_registry_count(&reg) == 1, "registry: a removed directory drops its device");
	snprintf(fe, sizeof(fe), "/local/domain/7/device/vbd/2");
	set_key(&x, fe, "ring-ref", "1030");
	set_key(&x, fe, "event-channel", "11");
	set_key(&x, fe, "state", "4");
	pv_registry_rescan(&reg);
	CHECK(be_state_is(&x, "/local/domain/0/backend/qdisk/7/2", "4") && x.fe.maps_live == 1 &&
	      pv_registry_by_port(&reg, 111, &slot) != NULL && slot == 0,
	      "registry: a one-page ring (ring-ref) connects; its port finds the device");
	pv_registry_free_all(&reg);
	CHECK(pv_registry_count(&reg) == 0 && x.fx.watches == 3 && x.fe.maps_live == 0,
	      "registry: freeing all (the domain died) releases every mapping and watch "
	      "(the type directories' three stay)");
	xctx_fini(&x);
}

/* One-segment indirect READ of 4 KiB: its indirect page at guest page
 * 100 + 2i, its data page at 101 + 2i (none shared among 64). */
static void push_indirect_read(struct xctx *x, unsigned i)
{
	uint32_t ind = FAKE_REF_BASE + 100 + 2 * i;
	struct blkif_segment seg = { ind + 1, 0, 7 };
	union blkif_ring_entry r;

	memset(&r, 0, sizeof(r));
	r.indirect = (struct blkif_request_indirect){
		.operation = BLKIF_OP_INDIRECT, .indirect_op = BLKIF_OP_READ,
		.nr_segments = 1, .id = i, .sector_number = 8u * i };
	r.indirect.indirect_grefs[0] = ind;
	memcpy(fake_page(&x->fe, ind), &seg, sizeof(seg));
	fake_push(&x->fe, &r);
}

/* A resize under load: more requests published than the engine takes at
 * once (BLKIF_MAX_IN_FLIGHT); the resize drains the ones in flight, and
 * the rest must still be taken afterwards without a new event from the
 * frontend (it notified once; its req_event is stale). */
static void test_qdisk_resize_loaded(const char *img)
{
	struct blkif_response rsp;
	struct pv_device *dev;
	unsigned ok = 0;
	struct xctx x;

	xctx_init(&x);
	struct blkif_sring *own_ring = x.fe.sring;
	dev = qdisk_device(&x, img, "w");
	x.fe.sring = (struct blkif_sring *)fake_page(&x.fe, 1010); /* pages 10, 11 */
	x.fe.sring->req_event = x.fe.sring->rsp_event = 1;
	frontend_connects(&x, "x86_64-abi");
	xenbus_device_update(dev);
	for (unsigned i = 0; i < 64; i++)
		push_indirect_read(&x, i);
	dev->type->event(dev, 0);
	CHECK(truncate(img, 2 << 20) == 0, "resize loaded: the image grown to 2 MiB");
	pv_qdisk_backend.resize(dev);
	fake_wait(&x.fe, 64);
	while (fake_pop(&x.fe, &rsp))
		ok += rsp.status == BLKIF_RSP_OKAY;
	CHECK(key_is(&x, "sectors", "4096") && ok == 64,
	      "resize loaded: 64 indirect reads on a two-page ring, a resize mid-way -> "
	      "sectors 4096 and all 64 answered OKAY (%u)", ok);
	xenbus_device_free(dev);
	x.fe.sring = own_ring;
	xctx_fini(&x);
	CHECK(truncate(img, 1 << 20) == 0, "resize loaded: the image shrunk back to 1 MiB");
}

/* A raw image grown behind the device's back: SIGHUP's resize op takes
 * the new size and writes it; a qcow2 keeps the size it has. */
static void test_qdisk_resize(const char *img, const char *qimg)
{
	struct xctx x;
	struct pv_device *dev;
	char params[600];

	xctx_init(&x);
	dev = qdisk_device(&x, img, "w");
	CHECK(dev && key_is(&x, "sectors", "2048"), "resize: a 1 MiB raw image has 2048 sectors");
	pv_qdisk_backend.resize(dev);
	CHECK(key_is(&x, "sectors", "2048"), "resize: no change, sectors kept");
	if (truncate(img, 3 << 20) == 0)
		pv_qdisk_backend.resize(dev);
	CHECK(key_is(&x, "sectors", "6144"), "resize: grown to 3 MiB -> sectors 6144 written");
	xenbus_device_free(dev);
	CHECK(truncate(img, 1 << 20) == 0, "resize: the image shrunk back to 1 MiB");
	snprintf(params, sizeof(params), "qcow2:%s", qimg);
	dev = qdisk_device(&x, params, "w");
	pv_qdisk_backend.resize(dev);
	CHECK(dev && key_is(&x, "sectors", "4096"), "resize: a qcow2 keeps its size (not supported)");
	xenbus_device_free(dev);
	xctx_fini(&x);
	test_qdisk_resize_loaded(img);
}

#define NBE "/local/domain/0/backend/qnic/7/0"

/* A qnic device whose backend dir has net (and hostfwd, when not NULL). */
static struct pv_device *qnic_device(struct xctx *x, const char *net, const char *hostfwd)
{
	struct pv_device *dev;

	fake_xs_rm(&x->fx, NBE);
	toolstack_adds(x, NBE, "/local/domain/7/device/vif/0");
	set_key(x, NBE, "net", net);
	if (hostfwd)
		set_key(x, NBE, "hostfwd", hostfwd);
	dev = xenbus_device_new(&x->ctx, &pv_qnic_backend, 0);
	if (dev)
		xenbus_device_update(dev);
	return dev;
}

static bool nkey_is(struct xctx *x, const char *key, const char *want)
{
	const char *v = get_key(x, NBE, key);

	return want ? v && !strcmp(v, want) : v == NULL;
}

/* The backend dir's net key picks the link: user is slirp (no GSO
 * offered), anything unknown or a bad hostfwd fails setup. */
static void test_qnic_net_key(void)
{
	struct xctx x;
	struct pv_device *dev;

	xctx_init(&x);
	dev = qnic_device(&x, "user", "tcp:127.0.0.1:0-:80");
	CHECK(dev && nkey_is(&x, "state", "6") && nkey_is(&x, "hotplug-status", "error"),
	      "qnic: net user with a bad hostfwd (port 0) -> Closed, hotplug-status \"error\"");
	xenbus_device_free(dev);
	dev = qnic_device(&x, "user", NULL);
	CHECK(dev && nkey_is(&x, "state", "2") && nkey_is(&x, "hotplug-status", "connected") &&
	      nkey_is(&x, "feature-gso-tcpv4", "0") && nkey_is(&x, "feature-sg", "1") &&
	      nkey_is(&x, "feature-rx-copy", "1"),
	      "qnic: net user -> a slirp link, InitWait, rx-copy and sg but no TCPv4 GSO offered");
	xenbus_device_free(dev);
	dev = qnic_device(&x, "vde", NULL);
	CHECK(dev && nkey_is(&x, "state", "6") && nkey_is(&x, "hotplug-status", "error"),
	      "qnic: net vde (unknown) -> Closed, hotplug-status \"error\"");
	xenbus_device_free(dev);
	xctx_fini(&x);
}

/* ---- multi-queue (io/blkif.h: multi-queue-max-queues / -num-queues) ---- */

/* One of the test's rings in guest memory: a one-page ring at guest page
 * ref - FAKE_REF_BASE, and where the fake frontend stopped reading it. */
struct mq_ring {
	uint32_t ref;
	uint32_t rsp_cons;
};

/* Points the fake frontend at ring r (its pushes and pops go there). */
static void mq_use(struct xctx *x, struct mq_ring *r)
{
	if (x->fe.sring == (struct blkif_sring *)fake_page(&x->fe, r->ref))
		return;
	x->fe.sring = (struct blkif_sring *)fake_page(&x->fe, r->ref);
	x->fe.ring_pages = 1;
	x->fe.rsp_cons = r->rsp_cons;
}

static void mq_leave(struct xctx *x, struct mq_ring *r)
{
	r->rsp_cons = x->fe.rsp_cons;
}

/* Blkfront's keys for nr one-page queues: queue-<i>/ring-ref at guest
 * page 10 + 2i, queue-<i>/event-channel 9 + i (bound as 109 + i). */
static void mq_frontend_connects(struct xctx *x, unsigned nr, bool persistent)
{
	char dir[PV_PATH_MAX], value[16];

	snprintf(value, sizeof(value), "%u", nr);
	set_key(x, FE, "multi-queue-num-queues", value);
	set_key(x, FE, "protocol", "x86_64-abi");
	if (persistent)
		set_key(x, FE, "feature-persistent", "1");
	for (unsigned i = 0; i < nr; i++) {
		struct blkif_sring *ring = (struct blkif_sring *)fake_page(&x->fe, 1010 + 2 * i);
		memset(ring, 0, 4096);
		ring->req_event = ring->rsp_event = 1;
		snprintf(dir, sizeof(dir), FE "/queue-%u", i);
		snprintf(value, sizeof(value), "%u", 1010 + 2 * i);
		set_key(x, dir, "ring-ref", value);
		snprintf(value, sizeof(value), "%u", 9 + i);
		set_key(x, dir, "event-channel", value);
	}
	set_key(x, FE, "state", "3");
}

static void mq_push_rw(struct xctx *x, struct mq_ring *r, uint8_t op, uint64_t id, uint32_t data)
{
	struct blkif_segment seg = { data, 0, 7 };
	union blkif_ring_entry req;

	memset(&req, 0, sizeof(req));
	req.rw = (struct blkif_request_rw){ .operation = op, .nr_segments = 1, .id = id,
					    .sector_number = 16, .seg = { seg } };
	mq_use(x, r);
	fake_push(&x->fe, &req);
	mq_leave(x, r);
}

/* Waits for ring r's one response; true if it is id's and OKAY. */
static bool mq_answered(struct xctx *x, struct mq_ring *r, uint64_t id)
{
	struct blkif_response rsp;
	bool ok;

	mq_use(x, r);
	ok = fake_wait(&x->fe, 1) && fake_pop(&x->fe, &rsp) && rsp.id == id &&
	     rsp.status == BLKIF_RSP_OKAY;
	mq_leave(x, r);
	return ok;
}

static bool mq_unanswered(struct xctx *x, struct mq_ring *r)
{
	return ((struct blkif_sring *)fake_page(&x->fe, r->ref))->rsp_prod == r->rsp_cons;
}

/* Two queues: each ring's event reaches its own engine (the registry's
 * port lookup says which slot), data written through one queue reads back
 * through the other, each queue keeps its own persistent grants, and
 * Closing releases every ring, grant and port. */
static void test_qdisk_multi_queue(const char *img)
{
	struct mq_ring ring[2] = { { .ref = 1010 }, { .ref = 1012 } };
	const uint32_t wdata = FAKE_REF_BASE + 30, rdata = FAKE_REF_BASE + 31;
	struct blkif_sring *own_ring;
	struct pv_registry reg;
	struct pv_device *dev;
	unsigned slot = 99;
	struct xctx x;

	xctx_init(&x);
	own_ring = x.fe.sring;
	dev = qdisk_device(&x, img, "w");
	CHECK(dev && key_is(&x, "multi-queue-max-queues", "4"),
	      "qdisk mq: multi-queue-max-queues 4 offered");
	mq_frontend_connects(&x, 2, true);
	xenbus_device_update(dev);
	CHECK(key_is(&x, "state", "4") && dev->port[0] == 109 && dev->port[1] == 110 &&
	      dev->port[2] == -1 && x.fe.maps_live == 2,
	      "qdisk mq: two queues -> both rings mapped, both channels bound -> Connected");
	reg = (struct pv_registry){ .ctx = &x.ctx, .devices = dev };
	CHECK(pv_registry_by_port(&reg, 110, &slot) == dev && slot == 1 &&
	      pv_registry_by_port(&reg, 109, &slot) == dev && slot == 0,
	      "qdisk mq: the registry finds each port's device and slot");
	reg.devices = NULL;
	memset(fake_page(&x.fe, wdata), 0x5a, 4096);
	mq_push_rw(&x, &ring[0], BLKIF_OP_WRITE, 70, wdata);
	mq_push_rw(&x, &ring[1], BLKIF_OP_READ, 71, rdata);
	dev->type->event(dev, 0);
	CHECK(mq_answered(&x, &ring[0], 70) && mq_unanswered(&x, &ring[1]),
	      "qdisk mq: queue 0's event serves ring 0 alone");
	dev->type->event(dev, 1);
	CHECK(mq_answered(&x, &ring[1], 71) && fake_page(&x.fe, rdata)[0] == 0x5a &&
	      fake_page(&x.fe, rdata)[4095] == 0x5a,
	      "qdisk mq: queue 1's event serves ring 1, which reads what queue 0 wrote");
	mq_push_rw(&x, &ring[1], BLKIF_OP_READ, 72, wdata);
	dev->type->event(dev, 1);
	CHECK(mq_answered(&x, &ring[1], 72) && x.fe.maps_live == 5,
	      "qdisk mq: persistent grants per queue: a ref queue 0 keeps is mapped again "
	      "for queue 1 (2 rings + 3 kept, %u live)", x.fe.maps_live);
	set_key(&x, FE, "state", "5");
	xenbus_device_update(dev);
	CHECK(key_is(&x, "state", "5") && x.fe.maps_live == 0 && dev->port[0] == -1 &&
	      dev->port[1] == -1,
	      "qdisk mq: frontend Closing -> both rings and every kept grant unmapped, ports unbound");
	xenbus_device_free(dev);
	x.fe.sring = own_ring;
	x.fe.ring_pages = 2;
	xctx_fini(&x);
}

/* Captures bastion-dm's log while a refusal happens. */
static FILE *log_capture(void)
{
	FILE *f = tmpfile();

	pv_log_set(f);
	return f;
}

/* Ends the capture (the log goes quiet again): true if it holds needle. */
static bool log_captured(FILE *f, const char *needle)
{
	static FILE *quiet;
	char line[1024];
	bool found = false;

	if (!quiet)
		quiet = fopen("/dev/null", "w");
	pv_log_set(quiet);
	if (!f)
		return false;
	rewind(f);
	while (!found && fgets(line, sizeof(line), f))
		found = strstr(line, needle) != NULL;
	fclose(f);
	return found;
}

/* A frontend's multi-queue keys spoiled by key=value after the good two
 * queues were written: refused with a logged reason, nothing left mapped
 * or bound, the device Closing. */
static void mq_refused(const char *img, const char *key, const char *value,
		       const char *logged, const char *what)
{
	struct pv_device *dev;
	struct xctx x;
	struct blkif_sring *own_ring;
	FILE *log;

	xctx_init(&x);
	own_ring = x.fe.sring;
	dev = qdisk_device(&x, img, "w");
	mq_frontend_connects(&x, 2, false);
	if (value) {
		set_key(&x, FE, key, value);
	} else {
		char path[2 * PV_PATH_MAX];
		snprintf(path, sizeof(path), FE "/%s", key);
		fake_xs_rm(&x.fx, path);
	}
	log = log_capture();
	xenbus_device_update(dev);
	CHECK(log_captured(log, logged) && key_is(&x, "state", "5") && x.fe.maps_live == 0 &&
	      dev->port[0] == -1 && dev->port[1] == -1,
	      "qdisk mq: %s -> refused (logged), nothing mapped or bound, Closing", what);
	xenbus_device_free(dev);
	x.fe.sring = own_ring;
	xctx_fini(&x);
}

static void test_qdisk_multi_queue_refusals(const char *img)
{
	mq_refused(img, "multi-queue-num-queues", "0", "is not 1 to the 4 offered",
		   "multi-queue-num-queues 0");
	mq_refused(img, "multi-queue-num-queues", "5", "is not 1 to the 4 offered",
		   "multi-queue-num-queues 5, above the 4 offered");
	mq_refused(img, "multi-queue-num-queues", "two", "is not 1 to the 4 offered",
		   "multi-queue-num-queues not a number");
	mq_refused(img, "queue-1/event-channel", NULL, "queue-1/event-channel missing or bad",
		   "queue-1 without event-channel");
	mq_refused(img, "queue-1/ring-ref", NULL, "queue-1/ring-ref missing or bad",
		   "queue-1 without ring-ref");
	mq_refused(img, "queue-1/ring-ref", "7", "mapping the 1 ring pages of",
		   "queue-1's ring-ref not a grant that maps");
	mq_refused(img, "multi-queue-num-queues", "3", "queue-2/event-channel missing or bad",
		   "three queues asked, two written");
}

/* A value a guest wrote (a newline, an escape in it) stays on its log
 * line: control characters come out as '?'. */
static void test_log_one_line(void)
{
	FILE *log = log_capture();
	char line[256] = "";

	pv_log("protocol '%s' not supported", "x\nqueue 1: forged\x1b[2J");
	log_captured(NULL, ""); /* (the log goes quiet; ours is read below) */
	rewind(log);
	bool first = fgets(line, sizeof(line), log) != NULL;
	bool more = fgets((char[8]){0}, 8, log) != NULL;
	fclose(log);
	CHECK(first && !more && strstr(line, "'x?queue 1: forged?[2J' not supported\n"),
	      "pv_log: a guest's newline and escape become '?', one line logged");
}

void test_xenbus(const char *tmpdir)
{
	char img[512], qimg[512];

	test_log_one_line();
	test_life_cycle();
	test_refusals();
	test_frontend_gone();
	test_qnic_net_key();
	snprintf(img, sizeof(img), "%s/qdisk.img", tmpdir);
	snprintf(qimg, sizeof(qimg), "%s/qdisk.qcow2", tmpdir);
	if (!CHECK(make_image(img, "raw", 1 << 20) && make_image(qimg, "qcow2", 2 << 20),
		   "qdisk: test images created"))
		return;
	test_qdisk_keys(img, qimg);
	test_qdisk_connect(img);
	test_qdisk_multi_queue(img);
	test_qdisk_multi_queue_refusals(img);
	test_qdisk_resize(img, qimg);
	test_qdisk_discard_off(img);
	test_registry(img);
	test_reattach(img, qimg);
}
