/*
 * test_protocol.c - xenstored's protocol over the Unix socket, driven by
 * our own client: every request type, its reply format, and every error
 * path a dom0 client can reach (xenstore.txt, xs_wire.h).  main() also
 * runs the ring and robustness tests and finally proves the daemon still
 * serves.  Environment: XST_SOCKET (daemon socket), XST_RING_DIR (the
 * daemon's --ring-dir).
 */
#include <errno.h>
#include <stdlib.h>

#include "xs_tests.h"

int xst_failures;
const char *xst_socket_path;
const char *xst_ring_dir;

void xst_must_open(struct xst *c)
{
	int err = xst_open_socket(c, xst_socket_path);

	if (err) {
		printf("FAIL: connect to %s - %s\n", xst_socket_path,
		       strerror(err));
		exit(1);
	}
}

static void test_read_write(struct xst *c)
{
	struct xst_reply r;
	int err;

	CHECK_ERR(xst_write(c, 0, "/t/rw/a", "hello"), 0, "WRITE creates a node and its missing parents");
	err = xst_read(c, 0, "/t/rw/a", &r);
	CHECK(!err && r.hdr.len == 5 && !memcmp(r.body, "hello", 5),
	      "READ returns the value written, without a NUL",
	      "err %s len %u body '%s'", strerror(err), r.hdr.len, r.body);
	CHECK(r.hdr.req_id == c->next_req && r.hdr.tx_id == 0,
	      "reply echoes req_id and tx_id", "req %u tx %u", r.hdr.req_id,
	      r.hdr.tx_id);
	err = xst_read(c, 0, "/t/rw", &r);
	CHECK(!err && r.hdr.len == 0, "an implicitly created parent has an empty value",
	      "err %s len %u", strerror(err), r.hdr.len);
	CHECK_ERR(xst_call(c, XS_WRITE, 0, "/t/rw/bin\0a\0b", 13, &r), 0,
		  "WRITE takes a value containing NULs");
	err = xst_read(c, 0, "/t/rw/bin", &r);
	CHECK(!err && r.hdr.len == 3 && !memcmp(r.body, "a\0b", 3),
	      "READ returns binary values intact", "len %u", r.hdr.len);
	CHECK_ERR(xst_read(c, 0, "/t/rw/none", &r), ENOENT, "READ of a missing node: ENOENT");
	CHECK_ERR(xst_callv(c, XS_MKDIR, 0, &r, "/t/rw/dir", NULL), 0, "MKDIR creates a node");
	CHECK_ERR(xst_callv(c, XS_MKDIR, 0, &r, "/t/rw/dir", NULL), 0, "MKDIR of an existing node is OK");
	err = xst_callv(c, XS_DIRECTORY, 0, &r, "/t/rw", NULL);
	CHECK(!err && r.hdr.len == 10 && !memcmp(r.body, "a\0bin\0dir\0", 10),
	      "DIRECTORY lists children in creation order, NUL-terminated",
	      "err %s len %u", strerror(err), r.hdr.len);
	CHECK_ERR(xst_callv(c, XS_DIRECTORY, 0, &r, "/t/nothere", NULL), ENOENT,
		  "DIRECTORY of a missing node: ENOENT");
}

static void test_rm(struct xst *c)
{
	struct xst_reply r;

	xst_write(c, 0, "/t/rm/a/b/c", "1");
	CHECK_ERR(xst_callv(c, XS_RM, 0, &r, "/t/rm/a", NULL), 0, "RM removes a subtree");
	CHECK_ERR(xst_read(c, 0, "/t/rm/a/b/c", &r), ENOENT, "nodes below a removed node are gone");
	CHECK(!xst_callv(c, XS_DIRECTORY, 0, &r, "/t/rm", NULL) && r.hdr.len == 0,
	      "RM unlinks the node from its parent", "len %u", r.hdr.len);
	CHECK_ERR(xst_callv(c, XS_RM, 0, &r, "/t/rm/missing", NULL), 0,
		  "RM of a missing node whose parent exists is OK");
	CHECK_ERR(xst_callv(c, XS_RM, 0, &r, "/t/nope/missing", NULL), ENOENT,
		  "RM below a missing parent: ENOENT");
	CHECK_ERR(xst_callv(c, XS_RM, 0, &r, "/", NULL), EINVAL, "RM of the root: EINVAL");
}

static void test_paths(struct xst *c)
{
	static char longpath[XENSTORE_ABS_PATH_MAX + 16];
	struct xst_reply r;

	CHECK_ERR(xst_write(c, 0, "/t//x", "1"), EINVAL, "a path with '//': EINVAL");
	CHECK_ERR(xst_write(c, 0, "/t/x/", "1"), EINVAL, "a path with a trailing '/': EINVAL");
	CHECK_ERR(xst_write(c, 0, "/t/x y", "1"), EINVAL, "a path with a space: EINVAL");
	CHECK_ERR(xst_write(c, 0, "@foo", "1"), EINVAL, "WRITE to a special '@' name: EINVAL");
	memset(longpath, 'a', sizeof(longpath) - 1);
	longpath[0] = '/';
	longpath[XENSTORE_ABS_PATH_MAX + 1] = '\0';
	CHECK_ERR(xst_read(c, 0, longpath, &r), EINVAL, "a path over XENSTORE_ABS_PATH_MAX: EINVAL");
	CHECK_ERR(xst_write(c, 0, "rel/x", "v"), 0, "a dom0 relative path is accepted");
	CHECK_ERR(xst_read(c, 0, "/local/domain/0/rel/x", &r), 0,
		  "relative paths live under /local/domain/<domid>");
}

static void test_perms(struct xst *c)
{
	struct xst_reply r;
	int err;

	xst_write(c, 0, "/t/p/parent", "");
	CHECK_ERR(xst_call(c, XS_SET_PERMS, 0, "/t/p/parent\0b7\0r3\0", 18, &r), 0,
		  "SET_PERMS accepts an owner and an ACL entry");
	err = xst_callv(c, XS_GET_PERMS, 0, &r, "/t/p/parent", NULL);
	CHECK(!err && r.hdr.len == 6 && !memcmp(r.body, "b7\0r3\0", 6),
	      "GET_PERMS returns what SET_PERMS set", "err %s body %s", strerror(err), r.body);
	xst_write(c, 0, "/t/p/parent/child", "x");
	err = xst_callv(c, XS_GET_PERMS, 0, &r, "/t/p/parent/child", NULL);
	CHECK(!err && !memcmp(r.body, "b7\0r3\0", 6), "a new node inherits its parent's permissions",
	      "body %s", r.body);
	CHECK_ERR(xst_call(c, XS_SET_PERMS, 0, "/t/p/parent\0x1\0", 15, &r), EINVAL,
		  "SET_PERMS with a bad letter: EINVAL");
	CHECK_ERR(xst_call(c, XS_SET_PERMS, 0, "/t/p/parent\0r\0", 14, &r), EINVAL,
		  "SET_PERMS with no domid: EINVAL");
	CHECK_ERR(xst_call(c, XS_SET_PERMS, 0, "/t/p/parent\0", 12, &r), EINVAL,
		  "SET_PERMS with no permissions: EINVAL");
	CHECK_ERR(xst_callv(c, XS_SET_PERMS, 0, &r, "/t/p/missing", "n0", NULL), ENOENT,
		  "SET_PERMS on a missing node: ENOENT");
	err = xst_callv(c, XS_GET_PERMS, 0, &r, "@releaseDomain", NULL);
	CHECK(!err && !strcmp(r.body, "n0"), "GET_PERMS works on @releaseDomain",
	      "err %s", strerror(err));
}

static void test_directory_part(struct xst *c)
{
	static char whole[16384];
	char path[128], off[16], gen[32] = "";
	struct xst_reply r;
	size_t used = 0;
	bool done = false, same_gen = true;
	int err = 0;

	for (int i = 0; i < 200; i++) {
		snprintf(path, sizeof(path), "/t/dp/child-with-a-rather-long-name-%03d", i);
		xst_write(c, 0, path, "");
	}
	CHECK_ERR(xst_callv(c, XS_DIRECTORY, 0, &r, "/t/dp", NULL), E2BIG,
		  "DIRECTORY whose listing exceeds the payload limit: E2BIG");
	while (!done && !err && used < sizeof(whole) - XENSTORE_PAYLOAD_MAX) {
		size_t gl;
		snprintf(off, sizeof(off), "%zu", used);
		err = xst_callv(c, XS_DIRECTORY_PART, 0, &r, "/t/dp", off, NULL);
		if (err)
			break;
		gl = strlen(r.body) + 1;
		if (gen[0] && strcmp(gen, r.body))
			same_gen = false;
		snprintf(gen, sizeof(gen), "%.31s", r.body);
		memcpy(whole + used, r.body + gl, r.hdr.len - gl);
		used += r.hdr.len - gl;
		done = used && whole[used - 1] == '\0' && used >= 2 &&
		       whole[used - 2] == '\0';
	}
	CHECK(!err && done && same_gen && used == 200 * 34 + 1 &&
		      !strncmp(whole, "child-with-a-rather-long-name-000", 33),
	      "DIRECTORY_PART pages through a large listing with a stable generation",
	      "err %s done %d used %zu", strerror(err), done, used);
	CHECK_ERR(xst_callv(c, XS_DIRECTORY_PART, 0, &r, "/t/dp", "99999", NULL), E2BIG,
		  "DIRECTORY_PART with an offset past the end: E2BIG");
	CHECK_ERR(xst_callv(c, XS_DIRECTORY_PART, 0, &r, "/t/dp", "x1", NULL), EINVAL,
		  "DIRECTORY_PART with a non-numeric offset: EINVAL");
}

static void test_transactions(void)
{
	struct xst a, b;
	struct xst_reply r;
	uint32_t ta, tb, tc;
	int err;

	xst_must_open(&a);
	xst_must_open(&b);
	xst_write(&a, 0, "/t/tx/x", "orig");
	CHECK_ERR(xst_txn_start(&a, &ta), 0, "TRANSACTION_START returns an id");
	CHECK_ERR(xst_txn_start(&b, &tb), 0, "a second connection starts its own transaction");
	xst_read(&a, ta, "/t/tx/x", &r);
	xst_read(&b, tb, "/t/tx/x", &r);
	xst_write(&a, ta, "/t/tx/x", "from-a");
	xst_write(&b, tb, "/t/tx/x", "from-b");
	xst_write(&b, tb, "/t/tx/only-b", "1");
	err = xst_read(&a, 0, "/t/tx/x", &r);
	CHECK(!err && !strcmp(r.body, "orig"), "writes inside a transaction are invisible outside it",
	      "value %s", r.body);
	err = xst_read(&b, tb, "/t/tx/x", &r);
	CHECK(!err && !strcmp(r.body, "from-b"), "a transaction reads its own writes", "value %s", r.body);
	CHECK_ERR(xst_txn_end(&a, ta, true), 0, "the first commit succeeds");
	CHECK_ERR(xst_txn_end(&b, tb, true), EAGAIN, "the conflicting commit fails with EAGAIN");
	err = xst_read(&a, 0, "/t/tx/x", &r);
	CHECK(!err && !strcmp(r.body, "from-a"), "the tree holds only the winner's value", "value %s", r.body);
	CHECK_ERR(xst_read(&a, 0, "/t/tx/only-b", &r), ENOENT, "nothing of the failed transaction was applied");
	CHECK_ERR(xst_txn_end(&b, tb, true), ENOENT, "a failed transaction is gone (ENOENT)");

	xst_txn_start(&a, &tc);
	xst_write(&a, tc, "/t/tx/aborted", "1");
	CHECK_ERR(xst_txn_end(&a, tc, false), 0, "TRANSACTION_END F aborts");
	CHECK_ERR(xst_read(&a, 0, "/t/tx/aborted", &r), ENOENT, "an aborted transaction applies nothing");

	xst_txn_start(&a, &tc);
	xst_callv(&a, XS_RM, tc, &r, "/t/tx", NULL);
	CHECK_ERR(xst_read(&a, tc, "/t/tx/x", &r), ENOENT, "RM inside a transaction hides the subtree there");
	CHECK_ERR(xst_txn_end(&a, tc, true), 0, "a transaction without conflicts commits");
	CHECK_ERR(xst_read(&a, 0, "/t/tx/x", &r), ENOENT, "its RM is applied at commit");

	CHECK_ERR(xst_read(&a, 999, "/t", &r), ENOENT, "a request with an unknown tx_id: ENOENT");
	CHECK_ERR(xst_txn_end(&a, 0, true), ENOENT, "TRANSACTION_END outside a transaction: ENOENT");
	xst_txn_start(&a, &tc);
	CHECK_ERR(xst_callv(&a, XS_TRANSACTION_START, tc, &r, "", NULL), EBUSY,
		  "TRANSACTION_START inside a transaction: EBUSY");
	CHECK_ERR(xst_callv(&a, XS_TRANSACTION_END, tc, &r, "X", NULL), EINVAL,
		  "TRANSACTION_END with a word other than T/F: EINVAL");
	CHECK_ERR(xst_read(&b, tc, "/t", &r), ENOENT,
		  "another connection cannot use a transaction it did not start");
	xst_close(&a);
	xst_close(&b);
}

static bool next_event_is(struct xst *c, const char *path, const char *token)
{
	struct xst_event ev;

	return xst_wait_event(c, &ev, 2000) && !strcmp(ev.path, path) &&
	       !strcmp(ev.token, token);
}

static void test_watches(void)
{
	struct xst w, m;
	struct xst_reply r;
	struct xst_event ev;
	uint32_t tx;

	xst_must_open(&w);
	xst_must_open(&m);
	xst_write(&m, 0, "/t/w/a/b/c", "");
	CHECK_ERR(xst_callv(&w, XS_WATCH, 0, &r, "/t/w", "tok1", NULL), 0, "WATCH is acknowledged");
	CHECK(next_event_is(&w, "/t/w", "tok1"), "WATCH fires once at once with the watched path", "no event");
	CHECK_ERR(xst_callv(&w, XS_WATCH, 0, &r, "/t/w", "tok1", NULL), EEXIST,
		  "the same watch twice: EEXIST");
	xst_callv(&w, XS_WATCH, 0, &r, "/t/w/a/b/c", "deep", NULL);
	next_event_is(&w, "/t/w/a/b/c", "deep");
	xst_write(&m, 0, "/t/w/a/new", "1");
	CHECK(next_event_is(&w, "/t/w/a/new", "tok1"), "a change below a watched node fires with the changed path",
	      "wrong or no event");
	xst_callv(&m, XS_RM, 0, &r, "/t/w/a", NULL);
	bool anc = false, deep = false;
	while (xst_wait_event(&w, &ev, 500)) {
		anc |= !strcmp(ev.token, "tok1") && !strcmp(ev.path, "/t/w/a");
		deep |= !strcmp(ev.token, "deep") && !strcmp(ev.path, "/t/w/a/b/c");
	}
	CHECK(anc, "RM fires watches on ancestors with the removed path", "missing");
	CHECK(deep, "RM fires watches set below the removed node, with their own path", "missing");
	xst_txn_start(&m, &tx);
	xst_write(&m, tx, "/t/w/intx", "1");
	CHECK(!xst_wait_event(&w, &ev, 300), "a write in a transaction fires nothing before commit",
	      "got %s", ev.path);
	xst_txn_end(&m, tx, true);
	CHECK(next_event_is(&w, "/t/w/intx", "tok1"), "the watch fires at commit", "no event");
	xst_txn_start(&m, &tx);
	xst_write(&m, tx, "/t/w/aborted", "1");
	xst_txn_end(&m, tx, false);
	CHECK(!xst_wait_event(&w, &ev, 300), "an aborted transaction fires nothing", "got %s", ev.path);
	CHECK_ERR(xst_callv(&w, XS_UNWATCH, 0, &r, "/t/w", "tok1", NULL), 0, "UNWATCH is acknowledged");
	CHECK_ERR(xst_callv(&w, XS_UNWATCH, 0, &r, "/t/w", "tok1", NULL), ENOENT,
		  "UNWATCH of an unknown watch: ENOENT");
	xst_write(&m, 0, "/t/w/after", "1");
	CHECK(!xst_wait_event(&w, &ev, 300), "after UNWATCH nothing fires", "got %s", ev.path);
	xst_callv(&w, XS_WATCH, 0, &r, "/t/w", "tok2", NULL);
	CHECK_ERR(xst_call(&w, XS_RESET_WATCHES, 0, "", 0, &r), 0, "RESET_WATCHES is acknowledged");
	w.nevents = 0;
	xst_write(&m, 0, "/t/w/after2", "1");
	CHECK(!xst_wait_event(&w, &ev, 300), "RESET_WATCHES removes every watch", "got %s", ev.path);
	xst_close(&w);
	xst_close(&m);
}

static void test_misc(struct xst *c)
{
	struct xst_reply r;
	int err;

	CHECK_ERR(xst_call(c, 99, 0, "", 0, &r), ENOSYS, "an unknown message type: ENOSYS");
	CHECK_ERR(xst_call(c, XS_ERROR, 0, "", 0, &r), ENOSYS, "a client-sent XS_ERROR: ENOSYS");
	CHECK_ERR(xst_call(c, XS_READ, 0, "/t\0/u\0", 6, &r), EINVAL, "READ with two arguments: EINVAL");
	CHECK_ERR(xst_call(c, XS_READ, 0, "/t", 2, &r), EINVAL, "READ without the terminating NUL: EINVAL");
	CHECK_ERR(xst_call(c, XS_WATCH, 0, "/t\0", 3, &r), EINVAL, "WATCH without a token: EINVAL");
	err = xst_callv(c, XS_GET_DOMAIN_PATH, 0, &r, "5", NULL);
	CHECK(!err && !strcmp(r.body, "/local/domain/5"), "GET_DOMAIN_PATH names /local/domain/<id>",
	      "%s", r.body);
	CHECK_ERR(xst_callv(c, XS_GET_DOMAIN_PATH, 0, &r, "x", NULL), EINVAL,
		  "GET_DOMAIN_PATH of a non-number: EINVAL");
	err = xst_callv(c, XS_IS_DOMAIN_INTRODUCED, 0, &r, "77", NULL);
	CHECK(!err && !strcmp(r.body, "F"), "IS_DOMAIN_INTRODUCED of an unknown domain: F", "%s", r.body);
	CHECK_ERR(xst_callv(c, XS_RELEASE, 0, &r, "77", NULL), ENOENT, "RELEASE of an unknown domain: ENOENT");
	CHECK_ERR(xst_callv(c, XS_RESUME, 0, &r, "77", NULL), ENOENT, "RESUME of an unknown domain: ENOENT");
	CHECK_ERR(xst_callv(c, XS_SET_TARGET, 0, &r, "77", "1", NULL), ENOENT,
		  "SET_TARGET of an unknown domain: ENOENT");
	err = xst_callv(c, XS_CONTROL, 0, &r, "check", NULL);
	CHECK(!err && !strcmp(r.body, "OK"), "CONTROL check finds the tree consistent", "%s", r.body);
	CHECK_ERR(xst_callv(c, XS_CONTROL, 0, &r, "no-such-command", NULL), EINVAL,
		  "CONTROL with an unknown command: EINVAL");
}

void test_protocol_all(void)
{
	struct xst c;

	xst_must_open(&c);
	test_read_write(&c);
	test_rm(&c);
	test_paths(&c);
	test_perms(&c);
	test_directory_part(&c);
	test_misc(&c);
	xst_close(&c);
	test_transactions();
	test_watches();
}

int main(void)
{
	struct xst c;
	struct xst_reply r;

	xst_socket_path = getenv("XST_SOCKET");
	xst_ring_dir = getenv("XST_RING_DIR");
	if (!xst_socket_path || !xst_ring_dir) {
		fprintf(stderr, "xs-protocol-test: set XST_SOCKET and XST_RING_DIR\n");
		return 2;
	}
	test_protocol_all();
	test_ring_all();
	test_robust_all();
	xst_must_open(&c);
	CHECK_ERR(xst_write(&c, 0, "/t/final", "alive"), 0,
		  "after every bad client, the daemon still serves a new one");
	CHECK_ERR(xst_read(&c, 0, "/t/final", &r), 0, "and reads back what it wrote");
	xst_close(&c);
	return xst_failures ? 1 : 0;
}
