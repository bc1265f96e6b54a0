/*
 * PV backends of bastion-dm: the per-device state the xenbus state
 * machine (xenbus.c) keeps, and the ops each backend type fills.  A type
 * is one file (blkback.c for "qdisk") plus one entry in backends.c; the
 * state machine calls its ops as the frontend and the toolstack move
 * (states: Xen's public io/xenbus.h).
 */
#ifndef BASTION_PV_BACKEND_H
#define BASTION_PV_BACKEND_H

#include <stdbool.h>
#include <stdint.h>

#include "block.h"
#include "pv_host.h"

/* io/xenbus.h's enum xenbus_state */
enum xenbus_state {
	XENBUS_UNKNOWN = 0,
	XENBUS_INITIALISING = 1,
	XENBUS_INIT_WAIT = 2,
	XENBUS_INITIALISED = 3,
	XENBUS_CONNECTED = 4,
	XENBUS_CLOSING = 5,
	XENBUS_CLOSED = 6,
	XENBUS_RECONFIGURING = 7,
	XENBUS_RECONFIGURED = 8,
};

#define PV_PATH_MAX 256
/* Event channels one device may hold bound: one per queue, and no type
 * offers more than 4 queues (blkback.c says why). */
#define PV_MAX_PORTS 4

/* What every device of one bastion-dm shares. */
struct pv_ctx {
	struct pv_xs *xs;
	struct pv_host *host;   /* host->domid is the guest's */
	struct blk_aio *aio;
	char be_root[128]; /* e.g. /local/domain/0/backend */
};

struct pv_device;

struct pv_backend_type {
	const char *name; /* backend/<name>/<domid>/<devid> */
	/* Whether the device is ours to serve, its frontend path known (a
	 * type shared with another daemon: the primary console under
	 * backend/console is xenconsoled's).  NULL: every device is. */
	bool (*claims)(const struct pv_device *dev);
	/* Reads the backend directory, opens what the device serves and
	 * writes the features a frontend reads before connecting. */
	int (*setup)(struct pv_device *dev);
	/* Reads the frontend's rings and event channels, maps them and binds
	 * the channels with pv_device_bind. */
	int (*connect)(struct pv_device *dev);
	/* Undoes connect, after the I/O in flight finished; idempotent. */
	void (*disconnect)(struct pv_device *dev);
	/* Undoes setup; idempotent. */
	void (*teardown)(struct pv_device *dev);
	/* The device's event channel in port[slot] fired (or the main loop
	 * asks again after host->ops->later). */
	void (*event)(struct pv_device *dev, unsigned slot);
	/* What the device serves may have changed size (bastion-dm got
	 * SIGHUP): tell the frontend if it did.  NULL: nothing to do. */
	void (*resize)(struct pv_device *dev);
};

struct pv_device {
	struct pv_ctx *ctx;
	const struct pv_backend_type *type;
	uint32_t devid;
	char be_path[PV_PATH_MAX];
	char fe_path[PV_PATH_MAX];
	enum xenbus_state state; /* ours, as last written */
	uint64_t stored_state;   /* "state" as last read from the store */
	bool set_up, connected, failed;
	/* Bound event channels, -1 none.  The slot is the type's to choose
	 * (a queue's index) and comes back to its event op. */
	long port[PV_MAX_PORTS];
	void *priv;              /* the backend type's state */
	struct pv_device *next;
};

/* backends.c: every type, NULL-terminated. */
extern const struct pv_backend_type *const pv_backend_types[];
extern const struct pv_backend_type pv_qdisk_backend;
extern const struct pv_backend_type pv_qnic_backend;
extern const struct pv_backend_type pv_console_backend;

/* ---- xenbus.c ---- */

/* A device for backend/<type>/<domid>/<devid>, its frontend path read
 * and checked to lie in the guest's tree; NULL when it is not usable or
 * the type does not claim it. */
struct pv_device *xenbus_device_new(struct pv_ctx *ctx, const struct pv_backend_type *type,
				    uint32_t devid);
/* What one update found. */
enum xenbus_verdict {
	XENBUS_GONE = 0, /* the backend directory was removed: free the device */
	XENBUS_LIVE,     /* the device goes on */
	XENBUS_FRESH,    /* attached anew under the same id (the toolstack wrote
			  * state Initialising over ours): free the device and
			  * create it again, so params and mode are read again */
};

/* One step of the state machine after anything in either directory
 * changed. */
enum xenbus_verdict xenbus_device_update(struct pv_device *dev);
/* Disconnects, tears down and frees. */
void xenbus_device_free(struct pv_device *dev);
void xenbus_switch_state(struct pv_device *dev, enum xenbus_state state);
/* The frontend broke the protocol (why says how): the device is
 * disconnected and Closing, the others go on.  Not from within connect. */
void xenbus_device_fail(struct pv_device *dev, const char *why);
/* Binds the frontend's remote port into port[slot] (slot < PV_MAX_PORTS,
 * not bound yet); returns the local port or -errno. */
long pv_device_bind(struct pv_device *dev, unsigned slot, uint32_t remote);
/* Unbinds port[slot] if bound; idempotent. */
void pv_device_unbind(struct pv_device *dev, unsigned slot);

/* ---- xs_util.c: reading and writing keys of a directory ---- */

/* dir/key's value (malloc'ed) or NULL. */
char *pv_xs_read_key(struct pv_xs *xs, const char *dir, const char *key);
/* dir/key as an unsigned number, or fallback when absent or not one. */
uint64_t pv_xs_read_uint(struct pv_xs *xs, const char *dir, const char *key,
			 uint64_t fallback);
int pv_xs_write_key(struct pv_xs *xs, const char *dir, const char *key, const char *value);
int pv_xs_write_uint(struct pv_xs *xs, const char *dir, const char *key, uint64_t value);
/* Parses a whole decimal number; false if s is not one. */
bool pv_parse_uint(const char *s, uint64_t *value);

#endif
