/*
 * test_unit.c - host unit tests of xenstored's core, linked directly
 * against appliance/xenstored sources: the hash map, permission strings
 * and access rules, path rules, the tree with transactions (conflicts on
 * nodes read, created or removed meanwhile), node accounting for quotas,
 * and the ring transport over an in-memory page with a fake backend
 * (index validation, wrap-around, reconnect).  test_release.c adds how
 * domains are released.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "unit_check.h"

#include "xs_ring.h"

static int failures;
int test_release_all(void); /* test_release.c */

static long null_read(struct xs_conn *c, void *b, size_t l) { (void)c; (void)b; (void)l; return 0; }
static long null_write(struct xs_conn *c, const void *b, size_t l) { (void)c; (void)b; return (long)l; }
static const struct xs_conn_ops null_ops = { "unit", null_read, null_write, NULL };


static void test_hash(void)
{
	struct xs_hash *h = xs_hash_new();
	char key[32];
	bool ok = true;

	for (long i = 0; i < 5000; i++) {
		snprintf(key, sizeof(key), "/k/%ld", i);
		xs_hash_put(h, key, (void *)(i + 1));
	}
	for (long i = 0; i < 5000; i += 2) {
		snprintf(key, sizeof(key), "/k/%ld", i);
		ok &= xs_hash_del(h, key) == (void *)(i + 1);
	}
	for (long i = 0; i < 5000; i++) {
		snprintf(key, sizeof(key), "/k/%ld", i);
		ok &= xs_hash_get(h, key) == (i % 2 ? (void *)(i + 1) : NULL);
	}
	CHECK(ok && xs_hash_count(h) == 2500, "hash map keeps 5000 keys through growth and deletes");
	xs_hash_free(h, NULL);
}

static void test_perms(struct xs_daemon *d)
{
	struct xs_conn c5 = { .d = d, .domid = 5, .target = -1 };
	struct xs_conn c6 = c5, c0 = c5;
	struct xs_perms p;
	char buf[64];

	c6.domid = 6;
	c0.domid = 0;
	c0.privileged = true;
	CHECK(xs_perms_parse("r7\0w5\0n6\0", 9, &p) == 0 && p.n == 3,
	      "perm strings parse");
	CHECK(xs_perms_format(&p, buf, sizeof(buf)) == 9 && !memcmp(buf, "r7\0w5\0n6\0", 9),
	      "perm strings format back identically");
	CHECK(xs_perms_access(&c5, &p) == XS_PERM_WRITE, "an ACL entry gives its domain that access");
	CHECK(xs_perms_access(&c6, &p) == XS_PERM_NONE, "an 'n' entry denies");
	p.p[0].domid = 5;
	CHECK(xs_perms_access(&c5, &p) == XS_PERM_BOTH, "the owner has full access");
	CHECK(xs_perms_access(&c0, &p) == XS_PERM_BOTH, "a privileged connection has full access");
	c6.target = 5;
	CHECK(xs_perms_access(&c6, &p) == XS_PERM_BOTH, "a domain acts as owner of its target's nodes");
	xs_perms_free(&p);
	CHECK(xs_perms_parse("r\0", 2, &p) == EINVAL, "a perm without a domid is rejected");
	CHECK(xs_perms_parse("q1\0", 3, &p) == EINVAL, "an unknown perm letter is rejected");
	CHECK(xs_perms_parse("r1", 2, &p) == EINVAL, "perms without a final NUL are rejected");
	CHECK(xs_perms_parse("r99999\0", 7, &p) == EINVAL, "a domid past 65535 is rejected");
}

static void test_paths(struct xs_daemon *d)
{
	struct xs_conn c5 = { .d = d, .domid = 5, .target = -1 };
	char buf[XENSTORE_ABS_PATH_MAX + 1];

	CHECK(!xs_path_canonical(&c5, "data/x", false, buf, sizeof(buf)) &&
		      !strcmp(buf, "/local/domain/5/data/x"),
	      "relative paths resolve below /local/domain/<domid>");
	CHECK(!strcmp(xs_path_for_conn(&c5, buf), "data/x"), "and convert back for relative watches");
	CHECK(xs_path_canonical(&c5, "/a//b", false, buf, sizeof(buf)) == EINVAL, "'//' is invalid");
	CHECK(xs_path_canonical(&c5, "@releaseDomain", false, buf, sizeof(buf)) == EINVAL,
	      "special names are refused where not allowed");
	CHECK(!xs_path_canonical(&c5, "@releaseDomain", true, buf, sizeof(buf)),
	      "and accepted where allowed");
	CHECK(xs_path_is_under("/a/b", "/a") && !xs_path_is_under("/ab", "/a") &&
		      xs_path_is_under("/a", "/"),
	      "subtree matching respects component boundaries");
}

static void test_transactions(struct xs_daemon *d)
{
	struct xs_conn *c = xs_conn_new(d, &null_ops, NULL, -1, 0);
	struct xs_view plain = { d, c, NULL };
	struct xs_txn *t1, *t2;
	struct xs_view v1, v2;
	const struct xs_node *n;
	uint32_t id1, id2;

	xs_tree_write(&plain, "/u/a", "1", 1);
	xs_txn_start(c, &id1);
	xs_txn_start(c, &id2);
	t1 = xs_txn_find(c, id1);
	t2 = xs_txn_find(c, id2);
	v1 = (struct xs_view){ d, c, t1 };
	v2 = (struct xs_view){ d, c, t2 };
	xs_tree_read(&v1, "/u/new", &n); /* absent when read */
	xs_tree_write(&v1, "/u/other", "x", 1);
	xs_tree_write(&v2, "/u/new", "2", 1);
	CHECK(xs_txn_end(c, t2, true) == 0, "a transaction commits");
	CHECK(xs_txn_end(c, t1, true) == EAGAIN,
	      "a txn that saw a node absent conflicts when it was created meanwhile");
	CHECK(xs_tree_read(&plain, "/u/other", &n) == ENOENT, "the failed txn applied nothing");
	xs_txn_start(c, &id1);
	t1 = xs_txn_find(c, id1);
	v1 = (struct xs_view){ d, c, t1 };
	xs_tree_read(&v1, "/u/a", &n);
	xs_tree_rm(&plain, "/u/a");
	CHECK(xs_txn_end(c, t1, true) == EAGAIN, "a node removed after the txn read it: conflict");
	xs_txn_start(c, &id1);
	t1 = xs_txn_find(c, id1);
	v1 = (struct xs_view){ d, c, t1 };
	xs_tree_write(&v1, "/u/b/c", "3", 1);
	xs_tree_write(&plain, "/v", "unrelated", 9);
	CHECK(xs_txn_end(c, t1, true) == 0, "changes elsewhere in the tree do not conflict");
	CHECK(xs_tree_read(&plain, "/u/b/c", &n) == 0 && n->datalen == 1, "its nodes are committed");
	c->dead = true;
	xs_conn_reap(d);
}

static void test_accounting(struct xs_daemon *d)
{
	struct xs_conn *c = xs_conn_new(d, &null_ops, NULL, -1, 0);
	struct xs_view v = { d, c, NULL };
	struct xs_perms p;
	uint32_t before = d->store.owned[9];

	xs_tree_write(&v, "/acct/x", "", 0);
	xs_perms_parse("n9\0", 3, &p);
	xs_tree_set_perms(&v, "/acct", &p);
	xs_tree_set_perms(&v, "/acct/x", &p);
	CHECK(d->store.owned[9] == before + 2, "giving nodes to a domain counts them as its own");
	xs_tree_rm(&v, "/acct");
	CHECK(d->store.owned[9] == before, "removing them uncounts them");
	xs_perms_free(&p);
	c->dead = true;
	xs_conn_reap(d);
}

/* ---- ring transport over an in-memory page ---- */
static struct xenstore_domain_interface test_page;
static int notifications;

static int fake_map(void *ctx, uint32_t domid, uint64_t mfn,
		    struct xenstore_domain_interface **iface)
{
	(void)ctx; (void)domid;
	if (mfn != 42)
		return ENOENT;
	*iface = &test_page;
	return 0;
}
static void fake_unmap(void *ctx, struct xenstore_domain_interface *i) { (void)ctx; (void)i; }
static int fake_bind(void *ctx, uint32_t domid, uint32_t port, struct xs_evtchn *ev)
{
	(void)ctx; (void)domid;
	ev->fd = 1000; /* never polled here */
	ev->local_port = port;
	return 0;
}
static void fake_unbind(void *ctx, struct xs_evtchn *ev) { (void)ctx; ev->fd = -1; }
static void fake_notify(void *ctx, struct xs_evtchn *ev) { (void)ctx; (void)ev; notifications++; }
static void fake_ack(void *ctx, struct xs_evtchn *ev) { (void)ctx; (void)ev; }

static const struct xs_ring_backend fake_backend = {
	"fake", fake_map, fake_unmap, fake_bind, fake_unbind, fake_notify, fake_ack,
};

static void guest_put(const void *buf, uint32_t len)
{
	const char *p = buf;

	for (uint32_t i = 0; i < len; i++)
		test_page.req[MASK_XENSTORE_IDX(test_page.req_prod + i)] = p[i];
	test_page.req_prod += len;
}

static void guest_get(void *buf, uint32_t len)
{
	char *p = buf;

	for (uint32_t i = 0; i < len; i++)
		p[i] = test_page.rsp[MASK_XENSTORE_IDX(test_page.rsp_cons + i)];
	test_page.rsp_cons += len;
}

static void test_ring(struct xs_daemon *d)
{
	struct xsd_sockmsg h = { XS_WRITE, 1, 0, 7 }, r;
	struct xs_domain *dom;
	char body[16];

	d->ring_be = &fake_backend;
	/* start near the 32-bit wrap so indexes overflow during the test */
	test_page.req_cons = test_page.req_prod = 0xFFFFFFF0u;
	test_page.rsp_cons = test_page.rsp_prod = 0xFFFFFFF8u;
	CHECK(xs_domain_introduce(d, 3, 41, 7) == ENOENT, "introduce reports the backend's mapping error");
	CHECK(xs_domain_introduce(d, 3, 42, 7) == 0, "introduce over a fake backend");
	dom = xs_domain_find(d, 3);
	guest_put(&h, sizeof(h));
	guest_put("/r/x\0ok", 7);
	xs_domain_poll_all(d);
	guest_get(&r, sizeof(r));
	guest_get(body, r.len);
	CHECK(r.type == XS_ERROR && !strcmp(body, "EACCES") && notifications > 0,
	      "a request across the index wrap is read; the guest gets EACCES for '/'");
	test_page.req_prod = test_page.req_cons + XENSTORE_RING_SIZE + 1;
	xs_domain_poll_all(d);
	CHECK(test_page.error == XENSTORE_ERROR_RINGIDX && dom->ring->conn->dead,
	      "a producer index too far ahead: XENSTORE_ERROR_RINGIDX and the conn is dropped");
	xs_conn_reap(d);
	test_page.connection = XENSTORE_RECONNECT;
	xs_domain_poll_all(d);
	CHECK(test_page.connection == XENSTORE_CONNECTED && test_page.error == 0 &&
		      dom->ring->conn && test_page.req_prod == 0,
	      "a reconnect request revives the ring with reset indexes");
	test_page.rsp_cons = test_page.rsp_prod + 5000;
	h.type = XS_READ; h.len = 2;
	guest_put(&h, sizeof(h));
	guest_put("/\0", 2);
	xs_domain_poll_all(d);
	CHECK(test_page.error == XENSTORE_ERROR_RINGIDX, "a consumer index past the producer: RINGIDX");
	CHECK(xs_domain_release(d, 3) == 0 && !xs_domain_find(d, 3), "release forgets the domain");
	xs_conn_reap(d);
	d->ring_be = NULL;
}

int main(void)
{
	struct xs_daemon d;

	if (xs_daemon_init(&d))
		return 1;
	test_hash();
	test_perms(&d);
	test_paths(&d);
	test_transactions(&d);
	test_accounting(&d);
	test_ring(&d);
	xs_daemon_destroy(&d);
	failures += test_release_all();
	return failures ? 1 : 0;
}
