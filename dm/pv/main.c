/*
 * bastion-dm: serves the PV backends of one guest: block devices of
 * backendtype "qdisk", as QEMU's xen-block does under libxl, and network
 * devices of type "qnic" to taps on a bridge, as Xen's netback does.
 *
 *   bastion-dm --domid N [--log FILE] [--grant-budget PAGES]
 *
 * --grant-budget: the guest's pages its block rings keep mapped at once
 * (grant_budget.h; default 16384, at least 514).
 *
 * A glib main loop watches the xenstore connection (watch events for the
 * backend directories and @releaseDomain), /dev/xen/evtchn (the devices'
 * event channels), dm/block's aio completion eventfd, and the taps of
 * network devices (added and removed through the pv_host seam).
 * Once it watches, it says so as QEMU does for libxl: <dom0 home>/
 * device-model/N/state = "running" (the toolstack waits for that before
 * it unpauses the guest, and starts no second one while it is there).
 * SIGHUP asks it to re-read the size of every raw disk image and tell the
 * guest of a change (online resize: `pkill -HUP -f "bastion-dm --domid N"`
 * after growing the image).
 * Devices come and go (block-attach/detach); it exits 0 when the guest is
 * gone, after releasing every grant mapping and event channel, and takes
 * its state node with it.
 */
#include <errno.h>
#include <getopt.h>
#include <signal.h>
#include <glib.h>
#include <glib-unix.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "grant_budget.h"
#include "host_xen.h"
#include "pv_log.h"
#include "registry.h"

#define RELEASE_TOKEN "bastion-dm-release"
#define AIO_WORKERS 8
/* Per main-loop callback, so no one source keeps the loop: event-channel
 * ports taken, watch events read, and rescan rounds in one drain. */
#define PORTS_PER_CALL 64
#define WATCHES_PER_ROUND 1024
#define RESCANS_PER_DRAIN 4

struct dm {
	GMainLoop *loop;
	int exit_code;
	uint32_t domid;
	struct bx bx;
	bool have_privcmd;
	struct bx_xs conn;
	struct pv_xs xs;
	struct host_xen hx;
	struct grant_budget budget;
	struct blk_aio *aio;
	struct pv_ctx ctx;
	struct pv_registry reg;
	guint idle;     /* the "later" source, 0 none */
	bool more_watches; /* a drain stopped early; the idle pass goes on */
};

static void quit(struct dm *dm, int code, const char *why)
{
	pv_log("dom%u: %s; exiting", (unsigned)dm->domid, why);
	dm->exit_code = code;
	g_main_loop_quit(dm->loop);
}

/* Gone: no xenstore home, or the hypervisor says it is gone or dying. */
static bool domain_gone(struct dm *dm)
{
	char home[64];
	struct xen_domctl_getdomaininfo info;
	char *value;

	snprintf(home, sizeof(home), "/local/domain/%u", (unsigned)dm->domid);
	value = bx_xs_read(&dm->conn, 0, home, NULL);
	if (!value && errno == ENOENT)
		return true;
	free(value);
	if (!dm->have_privcmd)
		return false;
	int rc = bx_getdomaininfo(&dm->bx, dm->domid, &info);
	return rc == -ESRCH || (rc == 0 && (info.flags & XEN_DOMINF_dying));
}

static gboolean on_idle(gpointer opaque);

/* Runs on_idle on a coming loop turn, at the priority of the fd sources
 * (an idle-priority source would starve behind a busy event channel). */
static void schedule_idle(void *opaque)
{
	struct dm *dm = opaque;

	if (!dm->idle)
		dm->idle = g_idle_add_full(G_PRIORITY_DEFAULT, on_idle, dm, NULL);
}

/* <dom0 home>/device-model/N/state: "running", or removed (NULL). */
static int set_dm_state(struct dm *dm, const char *state)
{
	char path[64];
	snprintf(path, sizeof(path), "/local/domain/0/device-model/%u/state", (unsigned)dm->domid);
	return state ? bx_xs_write_str(&dm->conn, 0, path, state) : bx_xs_rm(&dm->conn, 0, path);
}

/* Reads the watch events there are (up to WATCHES_PER_ROUND); *rescan
 * is set if any concerns the devices.  Returns bx_xs_read_watch's last
 * answer: 0 none left, > 0 the round ended first, < 0 connection lost. */
static int read_watches(struct dm *dm, bool *rescan, bool *release)
{
	char *path, *token;
	int rc = 0, n = 0;

	while (n++ < WATCHES_PER_ROUND &&
	       (rc = bx_xs_read_watch(&dm->conn, 0, &path, &token)) > 0) {
		if (!strcmp(token, RELEASE_TOKEN))
			*release = true;
		else
			*rescan = true;
		free(path);
	}
	return n > WATCHES_PER_ROUND ? 1 : rc;
}

/* Every watch event there is: those on the socket, and those the client
 * queued while it waited for a reply (in any handler, or when a watch was
 * set: the first event of a watch comes at once), which no fd signals.
 * A burst of events costs one rescan; a rescan's own replies may queue
 * more, hence the rounds.  Events left after the last round are the idle
 * pass's.  False when the connection is lost. */
static bool drain_watches(struct dm *dm)
{
	for (int round = 0; round < RESCANS_PER_DRAIN; round++) {
		bool rescan = false, release = false;
		int rc = read_watches(dm, &rescan, &release);

		if (rc < 0) {
			quit(dm, 1, "xenstore connection lost");
			return false;
		}
		if (release && domain_gone(dm)) {
			quit(dm, 0, "domain gone");
			return true;
		}
		if (rescan)
			pv_registry_rescan(&dm->reg);
		if (rc == 0 && !rescan && !release)
			return true;
	}
	dm->more_watches = true;
	schedule_idle(dm);
	return true;
}

/* Devices whose engine asked for another kick, and watch events a drain
 * left: every bound port of every connected device gets its event op (a
 * kick with nothing to take costs a few loads), then the drain goes on. */
static gboolean on_idle(gpointer opaque)
{
	struct dm *dm = opaque;

	dm->idle = 0;
	for (struct pv_device *dev = dm->reg.devices; dev; dev = dev->next)
		for (unsigned slot = 0; slot < PV_MAX_PORTS; slot++)
			if (dev->connected && dev->port[slot] >= 0)
				dev->type->event(dev, slot);
	if (dm->more_watches) {
		dm->more_watches = false;
		drain_watches(dm);
	}
	return G_SOURCE_REMOVE;
}

/* After a device's work: the watch events its xenstore calls queued in
 * the client (no fd signals those).  Events on the socket wake
 * on_xenstore; polling for them here too would cost the data path a
 * system call per event-channel and per aio wakeup. */
static void drain_queued_watches(struct dm *dm)
{
	if (dm->conn.events)
		drain_watches(dm);
}

static gboolean on_xenstore(gint fd, GIOCondition cond, gpointer opaque)
{
	(void)fd;
	(void)cond;
	return drain_watches(opaque) ? G_SOURCE_CONTINUE : G_SOURCE_REMOVE;
}

static gboolean on_evtchn(gint fd, GIOCondition cond, gpointer opaque)
{
	struct dm *dm = opaque;
	long port;

	(void)cond;
	/* Ports still pending keep the fd readable: the loop comes back. */
	for (int n = 0; n < PORTS_PER_CALL && (port = bx_evtchn_pending(fd)) >= 0; n++) {
		unsigned slot;
		struct pv_device *dev = pv_registry_by_port(&dm->reg, (uint32_t)port, &slot);
		bx_evtchn_unmask(fd, (uint32_t)port);
		if (dev)
			dev->type->event(dev, slot);
	}
	drain_queued_watches(dm);
	return G_SOURCE_CONTINUE;
}

static gboolean on_aio(gint fd, GIOCondition cond, gpointer opaque)
{
	struct dm *dm = opaque;

	(void)fd;
	(void)cond;
	blk_aio_complete(dm->aio);
	drain_queued_watches(dm);
	return G_SOURCE_CONTINUE;
}

/* SIGHUP: an image may have been resized (qemu-img resize, truncate);
 * each device that can tells its frontend the new size. */
static gboolean on_sighup(gpointer opaque)
{
	struct dm *dm = opaque;

	pv_log("dom%u: SIGHUP: checking the devices' sizes", (unsigned)dm->domid);
	for (struct pv_device *dev = dm->reg.devices; dev; dev = dev->next)
		if (dev->set_up && dev->type->resize)
			dev->type->resize(dev);
	drain_watches(dm);
	return G_SOURCE_CONTINUE;
}

static int parse_args(int argc, char **argv, uint32_t *domid, const char **log_path,
		      unsigned *budget)
{
	static const struct option opts[] = {
		{ "domid", required_argument, NULL, 'd' },
		{ "log", required_argument, NULL, 'l' },
		{ "grant-budget", required_argument, NULL, 'g' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	uint64_t value;
	bool have_domid = false;
	int c;

	while ((c = getopt_long(argc, argv, "d:l:g:h", opts, NULL)) != -1) {
		if (c == 'd' && pv_parse_uint(optarg, &value) && value > 0 && value < 0x7ff0) {
			*domid = (uint32_t)value;
			have_domid = true;
		} else if (c == 'g' && pv_parse_uint(optarg, &value) &&
			   value >= GRANT_BUDGET_MIN && value <= 1u << 20) {
			*budget = (unsigned)value;
		} else if (c == 'l') {
			*log_path = optarg;
		} else {
			return -1;
		}
	}
	return have_domid && optind == argc ? 0 : -1;
}

/* Opens xenstore, the devices, the aio pool and the watches. */
static int dm_open(struct dm *dm)
{
	char *root;
	int rc = bx_xs_open(&dm->conn, NULL);

	if (rc < 0)
		return pv_log("cannot connect to xenstore: %s", strerror(-rc)), rc;
	xs_bx_init(&dm->xs, &dm->conn);
	rc = host_xen_open(&dm->hx, dm->domid);
	if (rc < 0)
		return pv_log("cannot open /dev/xen/gntdev or evtchn: %s", strerror(-rc)), rc;
	dm->hx.host.budget = &dm->budget;
	dm->have_privcmd = bx_open(&dm->bx) == 0;
	dm->aio = blk_aio_new(AIO_WORKERS);
	root = bx_xs_get_domain_path(&dm->conn, 0);
	if (!dm->aio || !root)
		return pv_log("cannot start the aio pool or find dom0's home"), -ENOMEM;
	pv_log("dom%u: disk I/O through %s, grant budget %u pages", (unsigned)dm->domid,
	       blk_aio_engine(dm->aio), dm->budget.limit);
	dm->hx.later = schedule_idle;
	dm->hx.later_opaque = dm;
	dm->ctx = (struct pv_ctx){ .xs = &dm->xs, .host = &dm->hx.host, .aio = dm->aio };
	snprintf(dm->ctx.be_root, sizeof(dm->ctx.be_root), "%s/backend", root);
	free(root);
	dm->reg = (struct pv_registry){ .ctx = &dm->ctx };
	rc = pv_registry_watch(&dm->reg);
	if (rc == 0)
		rc = bx_xs_watch(&dm->conn, "@releaseDomain", RELEASE_TOKEN);
	if (rc == 0 && (rc = set_dm_state(dm, "running")) < 0)
		pv_log("cannot write the device model's state: %s", strerror(-rc));
	return rc;
}

static void dm_close(struct dm *dm)
{
	pv_registry_free_all(&dm->reg);
	if (dm->conn.fd >= 0)
		set_dm_state(dm, NULL);
	blk_aio_free(dm->aio);
	if (dm->have_privcmd)
		bx_close(&dm->bx);
	host_xen_close(&dm->hx);
	bx_xs_close(&dm->conn);
}

int main(int argc, char **argv)
{
	struct dm dm = { .bx = BX_INIT, .conn = { .fd = -1 },
			 .hx = { .gntdev_fd = -1, .evtchn_fd = -1 } };
	const char *log_path = NULL;
	unsigned budget = GRANT_BUDGET_DEFAULT;
	FILE *log = NULL;

	/* First of all: once dm_open has written state "running", the
	 * toolstack may send SIGHUP, whose default action would kill us.
	 * GLib's handler only flags it; on_sighup runs in the loop, and
	 * with no devices yet it does nothing. */
	g_unix_signal_add(SIGHUP, on_sighup, &dm);
	/* A console's socket client that hangs up must cost a write EPIPE
	 * (consif.c drops the peer), not the daemon. */
	signal(SIGPIPE, SIG_IGN);
	if (parse_args(argc, argv, &dm.domid, &log_path, &budget) < 0) {
		fprintf(stderr, "usage: %s --domid N [--log FILE] [--grant-budget PAGES"
			" (%u..%u)]\n", argv[0], GRANT_BUDGET_MIN, 1u << 20);
		return 2;
	}
	grant_budget_init(&dm.budget, budget);
	if (log_path && !(log = fopen(log_path, "a"))) {
		fprintf(stderr, "bastion-dm: cannot open log %s: %s\n", log_path, strerror(errno));
		return 1;
	}
	pv_log_set(log);
	dm.loop = g_main_loop_new(NULL, FALSE);
	if (dm_open(&dm) < 0) {
		dm.exit_code = 1;
	} else {
		pv_log("dom%u: serving backends under %s", (unsigned)dm.domid, dm.ctx.be_root);
		g_unix_fd_add(dm.conn.fd, G_IO_IN | G_IO_HUP | G_IO_ERR, on_xenstore, &dm);
		g_unix_fd_add(dm.hx.evtchn_fd, G_IO_IN, on_evtchn, &dm);
		g_unix_fd_add(blk_aio_fd(dm.aio), G_IO_IN, on_aio, &dm);
		if (drain_watches(&dm))
			g_main_loop_run(dm.loop);
	}
	dm_close(&dm);
	g_main_loop_unref(dm.loop);
	if (log)
		fclose(log);
	return dm.exit_code;
}
