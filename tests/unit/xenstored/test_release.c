/*
 * test_release.c - host unit tests of how xenstored lets domains go:
 * which getdomaininfo answers mean a domain is gone, shut down or still
 * running (xs_dom_state_of); the VIRQ_DOM_EXC sweep over introduced
 * domains with a fake getdomaininfo (xs_domain_check_all: @releaseDomain
 * once per shutdown, release on death); and the cleanup a release does as
 * Xen 4.17's xenstored does (the domain's nodes removed with watch events,
 * or handed to dom0 with --keep-orphans; struck from the special nodes'
 * permissions; its node count back to zero).
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "unit_check.h"

#include "public/domctl.h"
#include "xs_ring.h"

static int failures;


/* ---- a backend with one in-memory page per domain ---- */
static struct xenstore_domain_interface pages[8];

static int page_map(void *ctx, uint32_t domid, uint64_t mfn,
		    struct xenstore_domain_interface **iface)
{
	(void)ctx; (void)mfn;
	*iface = &pages[domid % 8];
	return 0;
}
static void page_unmap(void *ctx, struct xenstore_domain_interface *i) { (void)ctx; (void)i; }
static int page_bind(void *ctx, uint32_t domid, uint32_t port, struct xs_evtchn *ev)
{
	(void)ctx; (void)domid;
	ev->fd = -1;
	ev->local_port = port;
	return 0;
}
static void page_unbind(void *ctx, struct xs_evtchn *ev) { (void)ctx; (void)ev; }
static void page_notify(void *ctx, struct xs_evtchn *ev) { (void)ctx; (void)ev; }
static void page_ack(void *ctx, struct xs_evtchn *ev) { (void)ctx; (void)ev; }
static const struct xs_ring_backend page_backend = {
	"pages", page_map, page_unmap, page_bind, page_unbind, page_notify, page_ack,
};

/* ---- a fake getdomaininfo: per-domain flags, or absent ---- */
static uint32_t dom_flags[8];
static bool dom_absent[8];

static int fake_dominfo(void *ctx, uint32_t domid, uint32_t *found, uint32_t *flags)
{
	(void)ctx;
	for (uint32_t id = domid; id < 8; id++) {
		if (dom_absent[id])
			continue;
		*found = id;
		*flags = dom_flags[id];
		return 0;
	}
	return ESRCH;
}

/* ---- a watcher whose queued output is inspected, then dropped ---- */
static long sink_read(struct xs_conn *c, void *b, size_t l) { (void)c; (void)b; (void)l; return 0; }
static long sink_write(struct xs_conn *c, const void *b, size_t l) { (void)c; (void)b; return (long)l; }
static const struct xs_conn_ops sink_ops = { "sink", sink_read, sink_write, NULL };

/* Events for path queued on conn; then the queue is emptied. */
static int events_for(struct xs_conn *conn, const char *path)
{
	int n = 0;

	for (struct xs_out *o = conn->out_head; o; o = o->next) {
		const struct xsd_sockmsg *h = (const void *)o->data;
		if (h->type == XS_WATCH_EVENT && !strcmp(o->data + sizeof(*h), path))
			n++;
	}
	xs_conn_output(conn);
	return n;
}

static void test_state_of(void)
{
	uint32_t poweroff = XEN_DOMINF_shutdown | (0u << XEN_DOMINF_shutdownshift);
	uint32_t crash = XEN_DOMINF_shutdown | (3u << XEN_DOMINF_shutdownshift);

	CHECK(xs_dom_state_of(5, 0, 5, XEN_DOMINF_running) == XS_DOM_RUNNING,
	      "a running domain is left alone");
	CHECK(xs_dom_state_of(5, 0, 5, poweroff) == XS_DOM_SHUTDOWN &&
		      xs_dom_state_of(5, 0, 5, crash) == XS_DOM_SHUTDOWN,
	      "a domain shut down or crashed (not dying) is seen as shut down");
	CHECK(xs_dom_state_of(5, 0, 5, XEN_DOMINF_dying | XEN_DOMINF_shutdown) == XS_DOM_GONE,
	      "a dying domain is gone");
	CHECK(xs_dom_state_of(5, 0, 7, 0) == XS_DOM_GONE,
	      "an answer about the next domain up means the one asked for is gone");
	CHECK(xs_dom_state_of(5, ESRCH, 0, 0) == XS_DOM_GONE,
	      "ESRCH (no domain at or above it) means gone");
	CHECK(xs_dom_state_of(5, EACCES, 0, 0) == XS_DOM_UNKNOWN &&
		      xs_dom_state_of(5, EFAULT, 5, XEN_DOMINF_dying) == XS_DOM_UNKNOWN,
	      "a failed query releases nothing");
}

static void set_owner(struct xs_view *v, const char *path, const char *perms, size_t len)
{
	struct xs_perms p;

	xs_tree_write(v, path, "v", 1);
	xs_perms_parse(perms, len, &p);
	xs_tree_set_perms(v, path, &p);
	xs_perms_free(&p);
}

static void test_sweep(struct xs_daemon *d, struct xs_conn *w)
{
	xs_domain_introduce(d, 3, 0, 10);
	xs_domain_introduce(d, 4, 0, 11);
	CHECK(events_for(w, "@introduceDomain") == 2, "each INTRODUCE fires @introduceDomain");
	dom_flags[3] = XEN_DOMINF_shutdown;
	xs_domain_check_all(d);
	CHECK(events_for(w, "@releaseDomain") == 1 && xs_domain_find(d, 3),
	      "a domain that shut down fires @releaseDomain and stays introduced");
	xs_domain_check_all(d);
	CHECK(events_for(w, "@releaseDomain") == 0, "the same shutdown fires nothing more");
	dom_flags[3] |= XEN_DOMINF_dying;
	xs_domain_check_all(d);
	CHECK(events_for(w, "@releaseDomain") == 1 && !xs_domain_find(d, 3) && xs_domain_find(d, 4),
	      "once it is dying it is released, with @releaseDomain; the other stays");
	dom_absent[4] = true;
	xs_domain_check_all(d);
	CHECK(!xs_domain_find(d, 4) && events_for(w, "@releaseDomain") == 1,
	      "a domain getdomaininfo no longer finds is released");
	xs_conn_reap(d);
}

static void test_cleanup(struct xs_daemon *d, struct xs_conn *w)
{
	struct xs_view v = { d, w, NULL };
	const struct xs_node *n;

	xs_domain_introduce(d, 5, 0, 12);
	set_owner(&v, "/local/domain/5", "n5\0r0\0", 6);
	set_owner(&v, "/local/domain/5/device/vbd", "n5\0", 3);
	set_owner(&v, "/vm/five", "n5\0", 3);
	set_owner(&v, "/backend/vbd/5", "n0\0r5\0", 6);
	xs_perms_free(&d->special_perms[1]);
	xs_perms_parse("n0\0r5\0r6\0", 9, &d->special_perms[1]);
	xs_watch_add(w, "/local/domain/5", "t", false);
	events_for(w, "/local/domain/5");
	CHECK(d->store.owned[5] == 4, "the domain owns four nodes (/local/domain/5/device by inheritance)");
	CHECK(xs_domain_release(d, 5) == 0, "RELEASE of an introduced domain");
	CHECK(!xs_hash_get(d->store.nodes, "/local/domain/5") &&
		      !xs_hash_get(d->store.nodes, "/local/domain/5/device") &&
		      !xs_hash_get(d->store.nodes, "/vm/five") && xs_hash_get(d->store.nodes, "/vm"),
	      "its nodes are removed with their subtrees, their dom0-owned parents stay");
	CHECK(d->store.owned[5] == 0, "its node count is back to zero");
	CHECK(events_for(w, "/local/domain/5") >= 1, "the removal fires watches on its nodes");
	n = xs_hash_get(d->store.nodes, "/backend/vbd/5");
	CHECK(n && n->perms.n == 2 && n->perms.p[1].domid == 5,
	      "a dom0 node that lets it read is left as it was");
	CHECK(d->special_perms[1].n == 2 && d->special_perms[1].p[1].domid == 6,
	      "it is struck from @releaseDomain's permissions");
	xs_watch_remove_all(w);
}

static void test_keep_orphans(struct xs_daemon *d, struct xs_conn *w)
{
	struct xs_view v = { d, w, NULL };
	const struct xs_node *n;

	d->keep_orphans = true;
	xs_domain_introduce(d, 6, 0, 13);
	set_owner(&v, "/orphan", "n6\0r7\0", 6);
	xs_domain_release(d, 6);
	n = xs_hash_get(d->store.nodes, "/orphan");
	CHECK(n && n->perms.p[0].domid == 0 && n->perms.n == 2 && d->store.owned[6] == 0,
	      "with --keep-orphans its nodes stay, owned by dom0");
	d->keep_orphans = false;
}

int test_release_all(void)
{
	struct xs_daemon d;
	struct xs_conn *w;

	if (xs_daemon_init(&d))
		return 1;
	d.ring_be = &page_backend;
	d.dominfo = fake_dominfo;
	w = xs_conn_new(&d, &sink_ops, NULL, -1, 0);
	xs_watch_add(w, "@introduceDomain", "i", false);
	xs_watch_add(w, "@releaseDomain", "r", false);
	test_state_of();
	test_sweep(&d, w);
	test_cleanup(&d, w);
	test_keep_orphans(&d, w);
	xs_daemon_destroy(&d);
	return failures;
}
