/*
 * test_ring.c - xenstored's shared-ring transport and the rules that apply
 * to unprivileged domains, with this process playing both dom0 (socket)
 * and guest domain 5 (a ring page + event channel served by the daemon's
 * host ring backend): INTRODUCE/RELEASE and their special watches,
 * permissions, relative paths and watches, every quota with Xen's error,
 * flow control, SET_TARGET, and rings with corrupt indexes, oversized
 * messages and the reconnect protocol (xenstore-ring.txt).
 */
#include <errno.h>
#include <stdlib.h>
#include <time.h>
#include <unistd.h>

#include "xs_tests.h"

#define GUEST 5
#define GUEST_MFN 1005
#define GUEST_PORT 15

static bool wait_field(volatile uint32_t *field, uint32_t want, struct xst *g)
{
	for (int i = 0; i < 200; i++) {
		if (*field == want)
			return true;
		if (write(g->kick_fd, "!", 1) < 0)
			return false;
		usleep(10000);
	}
	return *field == want;
}

static bool event_is(struct xst *c, const char *path, const char *token)
{
	struct xst_event ev;

	return xst_wait_event(c, &ev, 2000) && !strcmp(ev.path, path) &&
	       !strcmp(ev.token, token);
}

static void set_quota(struct xst *s, const char *name, const char *val)
{
	struct xst_reply r;

	if (xst_callv(s, XS_CONTROL, 0, &r, "quota", name, val, NULL))
		printf("FAIL: set quota %s=%s - refused\n", name, val);
}

static void introduce(struct xst *s, struct xst *g)
{
	struct xst_reply r;
	int err;

	xst_callv(s, XS_WATCH, 0, &r, "@introduceDomain", "intro", NULL);
	event_is(s, "@introduceDomain", "intro");
	xst_callv(s, XS_MKDIR, 0, &r, "/local/domain/5", NULL);
	xst_callv(s, XS_SET_PERMS, 0, &r, "/local/domain/5", "n5", NULL);
	err = xst_open_ring(g, xst_ring_dir, GUEST_MFN, GUEST_PORT);
	CHECK(!err, "the guest side of a ring is set up", "%s", strerror(err));
	CHECK_ERR(xst_callv(s, XS_INTRODUCE, 0, &r, "5", "1005", "15", NULL), 0,
		  "INTRODUCE maps the ring and binds the event channel");
	CHECK(event_is(s, "@introduceDomain", "intro"), "INTRODUCE fires @introduceDomain", "no event");
	CHECK(g->ring->server_features == (XENSTORE_SERVER_FEATURE_RECONNECTION |
					   XENSTORE_SERVER_FEATURE_ERROR),
	      "the server advertises reconnection and error reporting", "features %u",
	      g->ring->server_features);
	err = xst_callv(s, XS_IS_DOMAIN_INTRODUCED, 0, &r, "5", NULL);
	CHECK(!err && !strcmp(r.body, "T"), "IS_DOMAIN_INTRODUCED of it: T", "%s", r.body);
	CHECK_ERR(xst_callv(s, XS_INTRODUCE, 0, &r, "5", "1005", "15", NULL), 0,
		  "INTRODUCE again with the same ring is OK");
	CHECK_ERR(xst_callv(s, XS_INTRODUCE, 0, &r, "5", "1006", "15", NULL), EINVAL,
		  "INTRODUCE again with another ring: EINVAL");
	CHECK_ERR(xst_callv(s, XS_INTRODUCE, 0, &r, "9", "4242", "99", NULL), ENOENT,
		  "INTRODUCE with a page that cannot be mapped: the mapping error");
}

static void guest_perms(struct xst *s, struct xst *g)
{
	struct xst_reply r;
	int err;

	CHECK_ERR(xst_write(g, 0, "data/x", "v"), 0, "a guest writes below its home with a relative path");
	err = xst_read(s, 0, "/local/domain/5/data/x", &r);
	CHECK(!err && !strcmp(r.body, "v"), "dom0 sees it under /local/domain/5", "%s", strerror(err));
	err = xst_callv(s, XS_GET_PERMS, 0, &r, "/local/domain/5/data/x", NULL);
	CHECK(!err && !strcmp(r.body, "n5"), "the guest owns what it creates", "%s", r.body);
	xst_write(s, 0, "/t/secret", "s");
	CHECK_ERR(xst_read(g, 0, "/t/secret", &r), EACCES, "a guest reading a dom0-only node: EACCES");
	CHECK_ERR(xst_write(g, 0, "/t/secret", "x"), EACCES, "a guest writing a dom0-only node: EACCES");
	CHECK_ERR(xst_read(g, 0, "/t/none/x", &r), EACCES,
		  "a missing node below an unreadable one: EACCES, not ENOENT");
	CHECK_ERR(xst_read(g, 0, "data/none", &r), ENOENT, "a missing node below its own home: ENOENT");
	CHECK_ERR(xst_callv(g, XS_SET_PERMS, 0, &r, "data/x", "n6", NULL), EPERM,
		  "a guest giving a node to another domain: EPERM");
	CHECK_ERR(xst_callv(g, XS_SET_PERMS, 0, &r, "data/x", "n5", "r6", NULL), 0,
		  "a guest sets an ACL on its own node");
	CHECK_ERR(xst_callv(g, XS_INTRODUCE, 0, &r, "6", "1", "1", NULL), EACCES,
		  "INTRODUCE from a guest: EACCES");
	CHECK_ERR(xst_callv(g, XS_CONTROL, 0, &r, "check", NULL), EACCES, "CONTROL from a guest: EACCES");
	xst_write(s, 0, "/t/tg", "t");
	xst_callv(s, XS_SET_PERMS, 0, &r, "/t/tg", "n6", NULL);
	CHECK_ERR(xst_read(g, 0, "/t/tg", &r), EACCES, "before SET_TARGET the guest can't read domain 6's node");
	CHECK_ERR(xst_callv(s, XS_SET_TARGET, 0, &r, "5", "6", NULL), 0, "SET_TARGET 5 6");
	CHECK_ERR(xst_read(g, 0, "/t/tg", &r), 0, "after SET_TARGET it acts as the owner of 6's nodes");
	CHECK_ERR(xst_callv(s, XS_RESUME, 0, &r, "5", NULL), 0, "RESUME of an introduced domain");
}

static void guest_watches(struct xst *s, struct xst *g)
{
	struct xst_reply r;
	struct xst_event ev;

	CHECK_ERR(xst_callv(g, XS_WATCH, 0, &r, "data", "rel", NULL), 0, "a guest sets a relative watch");
	CHECK(event_is(g, "data", "rel"), "its first event names the relative path", "wrong event");
	xst_write(s, 0, "/local/domain/5/data/y", "1");
	CHECK(event_is(g, "data/y", "rel"), "events of a relative watch carry relative paths", "wrong event");
	xst_callv(g, XS_WATCH, 0, &r, "/t", "abs", NULL);
	event_is(g, "/t", "abs");
	xst_write(s, 0, "/t/secret", "again");
	CHECK(!xst_wait_event(g, &ev, 300), "no event for a node the guest may not read", "got %s", ev.path);
	xst_callv(g, XS_UNWATCH, 0, &r, "/t", "abs", NULL);
}

static void guest_quotas(struct xst *s, struct xst *g)
{
	char path[64], big[300], longp[XENSTORE_REL_PATH_MAX + 16];
	struct xst_reply r;
	uint32_t t1, t2, t3;
	int err = 0, i;

	set_quota(s, "nodes", "8");
	for (i = 0; i < 20 && !err; i++) {
		snprintf(path, sizeof(path), "data/q%d", i);
		err = xst_write(g, 0, path, "1");
	}
	CHECK(err == ENOSPC && i < 20, "the nodes quota stops a guest with ENOSPC", "err %s at %d",
	      strerror(err), i);
	CHECK_ERR(xst_write(s, 0, "/local/domain/5/data/bydom0", "1"), 0, "dom0 is not bound by quotas");
	set_quota(s, "nodes", "1000");
	set_quota(s, "node-size", "100");
	memset(big, 'b', sizeof(big) - 1);
	big[sizeof(big) - 1] = '\0';
	CHECK_ERR(xst_write(g, 0, "data/big", big), ENOSPC, "the node-size quota: ENOSPC");
	CHECK_ERR(xst_write(g, 0, "data/small", "s"), 0, "a node within node-size is fine");
	set_quota(s, "node-size", "2048");
	set_quota(s, "watches", "3");
	err = 0;
	for (i = 0; i < 10 && !err; i++) {
		snprintf(path, sizeof(path), "data/w%d", i);
		err = xst_callv(g, XS_WATCH, 0, &r, path, "q", NULL);
	}
	CHECK(err == E2BIG && i <= 3, "the watches quota: E2BIG", "err %s at %d", strerror(err), i);
	xst_call(g, XS_RESET_WATCHES, 0, "", 0, &r);
	g->nevents = 0;
	set_quota(s, "watches", "128");
	set_quota(s, "transactions", "2");
	xst_txn_start(g, &t1);
	xst_txn_start(g, &t2);
	CHECK_ERR(xst_txn_start(g, &t3), ENOSPC, "the transactions quota: ENOSPC");
	set_quota(s, "transaction-nodes", "3");
	err = 0;
	for (i = 0; i < 10 && !err; i++) {
		snprintf(path, sizeof(path), "data/t%d", i);
		err = xst_write(g, t1, path, "1");
	}
	CHECK(err == ENOSPC, "the transaction-nodes quota: ENOSPC", "err %s", strerror(err));
	err = 0;
	for (i = 0; i < 10 && (!err || err == ENOENT); i++) {
		snprintf(path, sizeof(path), "data/r%d", i);
		err = xst_read(g, t2, path, &r);
	}
	CHECK(err == ENOSPC, "nodes read in a transaction count against transaction-nodes too",
	      "err %s", strerror(err));
	xst_txn_end(g, t1, false);
	xst_txn_end(g, t2, false);
	set_quota(s, "transactions", "10");
	set_quota(s, "transaction-nodes", "1024");
	set_quota(s, "permissions", "2");
	CHECK_ERR(xst_callv(g, XS_SET_PERMS, 0, &r, "data/x", "n5", "r6", "r7", NULL), ENOSPC,
		  "the permissions quota: ENOSPC");
	set_quota(s, "permissions", "5");
	memset(longp, 'p', sizeof(longp) - 1);
	longp[XENSTORE_REL_PATH_MAX + 1] = '\0';
	CHECK_ERR(xst_write(g, 0, longp, "1"), EINVAL, "a guest path over the path-length quota: EINVAL");
}

/* Many requests sent without reading: input pauses, nothing is lost. */
static void guest_pipelining(struct xst *g)
{
	char big[501], req[32];
	struct xst_reply r;
	bool in_order = true;
	int got = 0;

	memset(big, 'z', 500);
	big[500] = '\0';
	xst_write(g, 0, "data/big", big);
	for (uint32_t i = 0; i < 40; i++)
		xst_send(g, XS_READ, 1000 + i, 0, "data/big", 9);
	for (uint32_t i = 0; i < 40; i++) {
		if (xst_recv(g, &r, 3000) != 1)
			break;
		got++;
		in_order &= r.hdr.req_id == 1000 + i && r.hdr.len == 500;
	}
	snprintf(req, sizeof(req), "%d", got);
	CHECK(got == 40 && in_order, "40 pipelined requests on a ring all get their replies, in order",
	      "got %s", req);
}

static void guest_bad_rings(struct xst *s, struct xst *g)
{
	struct xenstore_domain_interface *ri = g->ring;
	struct xsd_sockmsg huge = { XS_READ, 1, 0, 5000 };
	struct xst_reply r;

	ri->req_prod = ri->req_cons + 4000;
	CHECK(wait_field(&ri->error, XENSTORE_ERROR_RINGIDX, g),
	      "corrupt ring indexes: the server reports XENSTORE_ERROR_RINGIDX", "error %u", ri->error);
	CHECK_ERR(xst_read(s, 0, "/local/domain/5/data/x", &r), 0, "dom0 is served while a ring is broken");
	ri->connection = XENSTORE_RECONNECT;
	CHECK(wait_field(&ri->connection, XENSTORE_CONNECTED, g) && ri->error == 0 &&
		      ri->req_prod == 0 && ri->rsp_cons == 0,
	      "a reconnect request resets the ring and clears the error", "conn %u err %u",
	      ri->connection, ri->error);
	CHECK_ERR(xst_read(g, 0, "data/x", &r), 0, "the guest is served again after reconnecting");
	xst_send_bytes(g, &huge, sizeof(huge));
	CHECK(wait_field(&ri->error, XENSTORE_ERROR_PROTO, g),
	      "an oversized message on a ring: XENSTORE_ERROR_PROTO", "error %u", ri->error);
	ri->connection = XENSTORE_RECONNECT;
	wait_field(&ri->connection, XENSTORE_CONNECTED, g);
	CHECK_ERR(xst_read(g, 0, "data/x", &r), 0, "and again served after another reconnect");
}

static void release(struct xst *s)
{
	struct xst_reply r;
	int err;

	xst_callv(s, XS_WATCH, 0, &r, "@releaseDomain", "rel", NULL);
	event_is(s, "@releaseDomain", "rel");
	CHECK_ERR(xst_callv(s, XS_RELEASE, 0, &r, "5", NULL), 0, "RELEASE of an introduced domain");
	CHECK(event_is(s, "@releaseDomain", "rel"), "RELEASE fires @releaseDomain", "no event");
	err = xst_callv(s, XS_IS_DOMAIN_INTRODUCED, 0, &r, "5", NULL);
	CHECK(!err && !strcmp(r.body, "F"), "after RELEASE: IS_DOMAIN_INTRODUCED F", "%s", r.body);
	CHECK_ERR(xst_callv(s, XS_RELEASE, 0, &r, "0", NULL), EINVAL, "RELEASE of dom0: EINVAL");
}

void test_ring_all(void)
{
	struct xst s, g;

	xst_must_open(&s);
	introduce(&s, &g);
	guest_perms(&s, &g);
	guest_watches(&s, &g);
	guest_quotas(&s, &g);
	guest_pipelining(&g);
	guest_bad_rings(&s, &g);
	release(&s);
	xst_close(&g);
	xst_close(&s);
}
