/*
 * xenbus.c - the backend half of a xenbus device's life (states and
 * rules: Xen's public io/xenbus.h; keys: the layout libxl writes for
 * backendtype=qdisk).
 *
 *   setup done          -> InitWait, hotplug-status "connected"
 *   frontend Initialised or Connected, we InitWait -> connect -> Connected
 *   frontend Closing    -> disconnect, Closing
 *   frontend Closed     -> disconnect, Closed; back to InitWait when the
 *                          frontend starts over (Initialising) while online
 *   frontend gone       -> disconnect, Closed
 *   toolstack online=0 and state Closing -> Closing, then Closed once the
 *                          frontend is not connected; the toolstack then
 *                          removes the directory and the device is freed.
 *   state Initialising once set up -> the toolstack detached the device
 *                          and attached a new one under the same id before
 *                          we saw the directory go (only it writes 1, and
 *                          only on a fresh attach): the registry frees the
 *                          device and creates it anew.
 *
 * Every update re-reads the keys it needs, so it does not matter which
 * watch event triggered it, nor that our own writes trigger it again.
 */
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "pv_backend.h"
#include "pv_log.h"

#define LOG_DEV(dev, fmt, ...) \
	pv_log("%s dom%u/%u: " fmt, (dev)->type->name, \
	       (unsigned)(dev)->ctx->host->domid, (unsigned)(dev)->devid, __VA_ARGS__)

void xenbus_switch_state(struct pv_device *dev, enum xenbus_state state)
{
	/* The toolstack writes "state" too; rewrite ours if it differs. */
	if (dev->state == state && dev->stored_state == state)
		return;
	dev->state = state;
	dev->stored_state = state;
	pv_xs_write_uint(dev->ctx->xs, dev->be_path, "state", state);
}

/* The frontend must live in the guest's own tree. */
static bool frontend_path_ok(const struct pv_device *dev, const char *path)
{
	char prefix[64];
	int n = snprintf(prefix, sizeof(prefix), "/local/domain/%u/",
			 (unsigned)dev->ctx->host->domid);

	return strncmp(path, prefix, (size_t)n) == 0 && strlen(path) < PV_PATH_MAX &&
	       !strstr(path, "/../") && !strstr(path, "//");
}

struct pv_device *xenbus_device_new(struct pv_ctx *ctx, const struct pv_backend_type *type,
				    uint32_t devid)
{
	struct pv_device *dev = calloc(1, sizeof(*dev));
	char *frontend;

	if (!dev)
		return NULL;
	dev->ctx = ctx;
	dev->type = type;
	dev->devid = devid;
	for (unsigned slot = 0; slot < PV_MAX_PORTS; slot++)
		dev->port[slot] = -1;
	dev->state = XENBUS_UNKNOWN;
	snprintf(dev->be_path, sizeof(dev->be_path), "%s/%s/%u/%u", ctx->be_root,
		 type->name, (unsigned)ctx->host->domid, (unsigned)devid);
	frontend = pv_xs_read_key(ctx->xs, dev->be_path, "frontend");
	if (!frontend || !frontend_path_ok(dev, frontend)) {
		LOG_DEV(dev, "frontend path '%s' missing or outside the guest; ignored",
			frontend ? frontend : "");
		free(frontend);
		free(dev);
		return NULL;
	}
	strcpy(dev->fe_path, frontend);
	free(frontend);
	if (type->claims && !type->claims(dev)) {
		free(dev);
		return NULL;
	}
	return dev;
}

static void do_setup(struct pv_device *dev)
{
	int rc = dev->type->setup(dev);

	if (rc < 0) {
		LOG_DEV(dev, "setup failed (%d); device closed", rc);
		dev->failed = true;
		pv_xs_write_key(dev->ctx->xs, dev->be_path, "hotplug-status", "error");
		xenbus_switch_state(dev, XENBUS_CLOSED);
		return;
	}
	dev->set_up = true;
	pv_xs_write_key(dev->ctx->xs, dev->be_path, "hotplug-status", "connected");
	xenbus_switch_state(dev, XENBUS_INIT_WAIT);
}

static void do_connect(struct pv_device *dev)
{
	int rc = dev->type->connect(dev);

	if (rc < 0) {
		LOG_DEV(dev, "connecting to the frontend failed (%d); closing", rc);
		dev->type->disconnect(dev);
		xenbus_switch_state(dev, XENBUS_CLOSING);
		return;
	}
	dev->connected = true;
	LOG_DEV(dev, "connected to %s", dev->fe_path);
	xenbus_switch_state(dev, XENBUS_CONNECTED);
}

static void do_disconnect(struct pv_device *dev)
{
	if (dev->connected)
		LOG_DEV(dev, "disconnecting from %s", dev->fe_path);
	dev->type->disconnect(dev);
	dev->connected = false;
}

void xenbus_device_fail(struct pv_device *dev, const char *why)
{
	LOG_DEV(dev, "disconnecting %s: %s", dev->fe_path, why);
	dev->type->disconnect(dev);
	dev->connected = false;
	xenbus_switch_state(dev, XENBUS_CLOSING);
}

long pv_device_bind(struct pv_device *dev, unsigned slot, uint32_t remote)
{
	struct pv_host *host = dev->ctx->host;
	long port;

	if (slot >= PV_MAX_PORTS || dev->port[slot] >= 0)
		return -EINVAL;
	port = host->ops->bind_evtchn(host, remote);
	if (port >= 0)
		dev->port[slot] = port;
	return port;
}

void pv_device_unbind(struct pv_device *dev, unsigned slot)
{
	struct pv_host *host = dev->ctx->host;

	if (slot >= PV_MAX_PORTS || dev->port[slot] < 0)
		return;
	host->ops->unbind_evtchn(host, (uint32_t)dev->port[slot]);
	dev->port[slot] = -1;
}

/* The frontend moved (or vanished: XENBUS_UNKNOWN). */
static void follow_frontend(struct pv_device *dev, uint64_t fe, bool online)
{
	switch (fe) {
	case XENBUS_INITIALISING:
		if (dev->state == XENBUS_CLOSED && online)
			xenbus_switch_state(dev, XENBUS_INIT_WAIT); /* starting over */
		break;
	case XENBUS_INITIALISED:
	case XENBUS_CONNECTED:
		if (dev->state == XENBUS_INIT_WAIT && online)
			do_connect(dev);
		break;
	case XENBUS_CLOSING:
		do_disconnect(dev);
		xenbus_switch_state(dev, XENBUS_CLOSING);
		break;
	case XENBUS_CLOSED:
		do_disconnect(dev);
		xenbus_switch_state(dev, XENBUS_CLOSED);
		break;
	case XENBUS_UNKNOWN: /* gone: only matters once it was in use */
		if (dev->connected || dev->state > XENBUS_INIT_WAIT) {
			do_disconnect(dev);
			xenbus_switch_state(dev, XENBUS_CLOSED);
		}
		break;
	default: /* Reconfiguring/Reconfigured are not blkif's; ignored */
		break;
	}
}

/* online=0 with state Closing: the toolstack takes the device away. */
static void toolstack_close(struct pv_device *dev, uint64_t fe)
{
	bool frontend_live = fe == XENBUS_INITIALISED || fe == XENBUS_CONNECTED;

	if (frontend_live && dev->connected) {
		xenbus_switch_state(dev, XENBUS_CLOSING); /* wait for the frontend */
		return;
	}
	do_disconnect(dev);
	xenbus_switch_state(dev, XENBUS_CLOSED);
}

enum xenbus_verdict xenbus_device_update(struct pv_device *dev)
{
	struct pv_xs *xs = dev->ctx->xs;
	uint64_t written = pv_xs_read_uint(xs, dev->be_path, "state", UINT64_MAX);
	bool online = pv_xs_read_uint(xs, dev->be_path, "online", 0) == 1;
	uint64_t fe = pv_xs_read_uint(xs, dev->fe_path, "state", XENBUS_UNKNOWN);

	if (written == UINT64_MAX)
		return XENBUS_GONE; /* the toolstack removed the directory */
	if (written == XENBUS_INITIALISING && (dev->set_up || dev->failed))
		return XENBUS_FRESH; /* we wrote InitWait or Closed since */
	dev->stored_state = written;
	if (dev->failed)
		return XENBUS_LIVE;
	if (!dev->set_up) {
		if (online)
			do_setup(dev);
		if (!dev->set_up)
			return XENBUS_LIVE;
	}
	if (!online && written == XENBUS_CLOSING && dev->state != XENBUS_CLOSED) {
		if (fe == XENBUS_CLOSING || fe == XENBUS_CLOSED)
			follow_frontend(dev, fe, online);
		else
			toolstack_close(dev, fe);
		return XENBUS_LIVE;
	}
	follow_frontend(dev, fe, online);
	return XENBUS_LIVE;
}

void xenbus_device_free(struct pv_device *dev)
{
	if (!dev)
		return;
	do_disconnect(dev);
	if (dev->set_up)
		dev->type->teardown(dev);
	free(dev);
}
