/*
 * create_xs.c - a new domain's xenstore nodes, laid out as Xen 4.17's
 * libxl writes them for a PVH guest (libxl__domain_make,
 * libxl__build_post, libxl__device_console_add), so that the guest's
 * xenbus drivers, xenstored, the console daemon and Debian's own tools
 * find what they expect.  Permissions in xenstore's text form: the first
 * entry is the owner and everyone else's access, the rest grant more.
 */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/time.h>

#include "create.h"

#define XS_MAX_TRIES 16
#define CONSOLE_LIMIT "1048576" /* LIBXL_XENCONSOLE_LIMIT */

/* Writes value at the path fmt names; the first failure stays in w. */
void xl_xs_put(struct xs_writer *w, const char *value, const char *fmt, ...)
{
	char path[256];
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(path, sizeof(path), fmt, ap);
	va_end(ap);
	int rc = bx_xs_write_str(&xl_xs, w->tx, path, value);
	if (rc && !w->rc)
		w->rc = rc;
}

/* An empty node with permissions owner/others, plus reader (or none). */
void xl_xs_node(struct xs_writer *w, const char *path, const char *owner, const char *reader)
{
	const char *perms[2] = { owner, reader };
	int rc = bx_xs_write_str(&xl_xs, w->tx, path, "");
	if (!rc)
		rc = bx_xs_set_perms(&xl_xs, w->tx, path, perms, reader ? 2 : 1);
	if (rc && !w->rc)
		w->rc = rc;
}

struct make_args {
	uint32_t domid;
	const struct xl_domain_cfg *dom;
};

/* libxl__domain_make's transaction. */
static int make_body(struct bx_xs *xs, uint32_t tx, void *arg)
{
	const struct make_args *a = arg;
	struct xs_writer w = { tx, 0 };
	char dp[40], vm[48], lp[32], ro[16], rw[16], uuid[37], p[300];
	(void)xs;
	xl_uuid_string(a->dom->uuid, uuid);
	snprintf(dp, sizeof(dp), "/local/domain/%u", a->domid);
	snprintf(vm, sizeof(vm), "/vm/%s", uuid);
	snprintf(lp, sizeof(lp), "/libxl/%u", a->domid);
	snprintf(ro, sizeof(ro), "r%u", a->domid);
	snprintf(rw, sizeof(rw), "n%u", a->domid);
	bx_xs_rm(&xl_xs, tx, dp);
	xl_xs_node(&w, dp, "n0", ro);
	bx_xs_rm(&xl_xs, tx, vm);
	xl_xs_node(&w, vm, "n0", ro);
	bx_xs_rm(&xl_xs, tx, lp);
	xl_xs_node(&w, lp, "n0", NULL);
	snprintf(p, sizeof(p), "%s/device", lp);
	xl_xs_node(&w, p, "n0", NULL);
	xl_xs_put(&w, vm, "%s/vm", dp);
	xl_xs_put(&w, a->dom->name, "%s/name", dp);
	static const char *const ro_dirs[] = { "cpu", "memory", "device", "control" };
	for (size_t i = 0; i < sizeof(ro_dirs) / sizeof(ro_dirs[0]); i++) {
		snprintf(p, sizeof(p), "%s/%s", dp, ro_dirs[i]);
		xl_xs_node(&w, p, "n0", ro);
	}
	static const char *const rw_nodes[] = { "device/suspend/event-channel", "control/shutdown",
		"control/feature-poweroff", "control/feature-reboot", "control/feature-suspend", "control/sysrq",
		"data", "drivers", "feature", "attr", "error" };
	for (size_t i = 0; i < sizeof(rw_nodes) / sizeof(rw_nodes[0]); i++) {
		snprintf(p, sizeof(p), "%s/%s", dp, rw_nodes[i]);
		xl_xs_node(&w, p, rw, NULL);
	}
	xl_xs_put(&w, uuid, "%s/uuid", vm);
	xl_xs_put(&w, a->dom->name, "%s/name", vm);
	xl_xs_put(&w, "1", "%s/control/platform-feature-multiprocessor-suspend", dp);
	xl_xs_put(&w, "1", "%s/control/platform-feature-xs_reset_watches", dp);
	xl_xs_put(&w, "pvh", "%s/type", lp);
	return w.rc;
}

int xl_xs_make_domain(uint32_t domid, const struct xl_domain_cfg *dom)
{
	struct make_args a = { domid, dom };
	int rc = bx_xs_transaction(&xl_xs, make_body, &a, XS_MAX_TRIES);
	if (rc)
		fprintf(stderr, "xl create: writing the domain's xenstore nodes: %s\n", strerror(-rc));
	return rc;
}

struct finish_args {
	const struct xl_new_domain *nd;
	const struct xl_domain_cfg *dom;
};

/* libxl__build_post's entries: memory, ids, the store ring, vCPUs, /vm. */
static void post_entries(struct xs_writer *w, const char *dp, const struct finish_args *a)
{
	char v[32], vm[48], uuid[37];
	struct timeval now;
	snprintf(v, sizeof(v), "%ld", a->dom->maxmem_mb * 1024);
	xl_xs_put(w, v, "%s/memory/static-max", dp);
	snprintf(v, sizeof(v), "%ld", a->dom->memory_mb * 1024);
	xl_xs_put(w, v, "%s/memory/target", dp);
	xl_xs_put(w, "0", "%s/memory/videoram", dp);
	snprintf(v, sizeof(v), "%u", a->nd->domid);
	xl_xs_put(w, v, "%s/domid", dp);
	snprintf(v, sizeof(v), "%u", a->nd->store_port);
	xl_xs_put(w, v, "%s/store/port", dp);
	snprintf(v, sizeof(v), "%llu", (unsigned long long)a->nd->store_gfn);
	xl_xs_put(w, v, "%s/store/ring-ref", dp);
	for (unsigned i = 0; i < a->dom->maxvcpus; i++)
		xl_xs_put(w, i < a->dom->vcpus ? "online" : "offline", "%s/cpu/%u/availability", dp, i);
	xl_uuid_string(a->dom->uuid, uuid);
	snprintf(vm, sizeof(vm), "/vm/%s", uuid);
	xl_xs_put(w, "", "%s/rtc/timeoffset", vm);
	xl_xs_put(w, "hvm", "%s/image/ostype", vm);
	gettimeofday(&now, NULL);
	snprintf(v, sizeof(v), "%llu.%02ld", (unsigned long long)now.tv_sec, (long)now.tv_usec / 10000);
	xl_xs_put(w, v, "%s/start_time", vm);
}

/* The primary console (devid 0): its backend under dom0, its frontend
 * at /local/domain/N/console, read-only for the guest. */
static void console_entries(struct xs_writer *w, const char *dp, const struct finish_args *a)
{
	char bp[64], fp[48], v[32], ro[16];
	uint32_t d = a->nd->domid;
	const char *back_perms[2] = { "n0", ro };
	snprintf(bp, sizeof(bp), "/local/domain/0/backend/console/%u/0", d);
	snprintf(fp, sizeof(fp), "%s/console", dp);
	snprintf(ro, sizeof(ro), "r%u", d);
	xl_xs_put(w, fp, "/libxl/%u/device/console/0/frontend", d);
	xl_xs_put(w, bp, "/libxl/%u/device/console/0/backend", d);
	xl_xs_node(w, fp, "n0", ro);
	xl_xs_put(w, bp, "%s/backend", fp);
	xl_xs_put(w, "0", "%s/backend-id", fp);
	xl_xs_put(w, CONSOLE_LIMIT, "%s/limit", fp);
	xl_xs_put(w, "xenconsoled", "%s/type", fp);
	xl_xs_put(w, "pty", "%s/output", fp);
	xl_xs_put(w, "", "%s/tty", fp);
	snprintf(v, sizeof(v), "%u", a->nd->console_port);
	xl_xs_put(w, v, "%s/port", fp);
	snprintf(v, sizeof(v), "%llu", (unsigned long long)a->nd->console_gfn);
	xl_xs_put(w, v, "%s/ring-ref", fp);
	bx_xs_rm(&xl_xs, w->tx, bp);
	xl_xs_put(w, "", "%s", bp);
	int rc = bx_xs_set_perms(&xl_xs, w->tx, bp, back_perms, 2);
	if (rc && !w->rc)
		w->rc = rc;
	xl_xs_put(w, fp, "%s/frontend", bp);
	snprintf(v, sizeof(v), "%u", d);
	xl_xs_put(w, v, "%s/frontend-id", bp);
	xl_xs_put(w, "1", "%s/online", bp);
	xl_xs_put(w, "1", "%s/state", bp);
	xl_xs_put(w, "vt100", "%s/protocol", bp);
}

static int finish_body(struct bx_xs *xs, uint32_t tx, void *arg)
{
	const struct finish_args *a = arg;
	struct xs_writer w = { tx, 0 };
	char dp[40];
	(void)xs;
	snprintf(dp, sizeof(dp), "/local/domain/%u", a->nd->domid);
	post_entries(&w, dp, a);
	console_entries(&w, dp, a);
	return w.rc;
}

int xl_xs_finish_domain(const struct xl_new_domain *nd, const struct xl_domain_cfg *dom)
{
	struct finish_args a = { nd, dom };
	int rc = bx_xs_transaction(&xl_xs, finish_body, &a, XS_MAX_TRIES);
	if (rc) {
		fprintf(stderr, "xl create: writing the domain's xenstore entries: %s\n", strerror(-rc));
		return rc;
	}
	rc = bx_xs_introduce(&xl_xs, nd->domid, (unsigned long)nd->store_gfn, nd->store_port);
	if (rc)
		fprintf(stderr, "xl create: introducing the domain to xenstored: %s\n", strerror(-rc));
	return rc;
}
