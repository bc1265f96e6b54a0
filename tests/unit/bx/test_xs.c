/*
 * test_xs.c - libbx's xenstore client against our own xenstored over its
 * Unix socket (run.sh starts it): every request type xl uses, errors
 * named by xenstored coming back as -errno, a transaction that conflicts
 * and is run again, and watch events, including one that arrives while a
 * reply is awaited.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "bx.h"
#include "bx_tests.h"
#include "check.h"

static struct bx_xs xs, other;

static void check_basic(void)
{
	char *v, **names;
	uint32_t len;
	int n, rc;

	rc = bx_xs_write(&xs, 0, "/bx/a", "hello\0world", 11);
	v = bx_xs_read(&xs, 0, "/bx/a", &len);
	CHECK(rc == 0 && v && len == 11 && memcmp(v, "hello\0world", 11) == 0,
	      "write then read gives back the 11 bytes, NUL included (rc %d, len %u)", rc, v ? len : 0);
	free(v);
	v = bx_xs_read(&xs, 0, "/bx/missing", NULL);
	CHECK(!v && errno == ENOENT, "reading a missing node fails with ENOENT (errno %d)", errno);
	rc = bx_xs_mkdir(&xs, 0, "/bx/dir");
	bx_xs_write_str(&xs, 0, "/bx/dir/x", "1");
	bx_xs_write_str(&xs, 0, "/bx/dir/y", "2");
	n = bx_xs_directory(&xs, 0, "/bx/dir", &names);
	CHECK(rc == 0 && n == 2 && !strcmp(names[0], "x") && !strcmp(names[1], "y") && !names[2],
	      "mkdir and directory list the two children (n %d)", n);
	if (n >= 0)
		free(names);
	rc = bx_xs_rm(&xs, 0, "/bx/dir");
	n = bx_xs_directory(&xs, 0, "/bx/dir", &names);
	CHECK(rc == 0 && n == -ENOENT, "rm removes the whole tree (then %d)", n);
}

static void check_perms(void)
{
	const char *set[] = { "n0", "r5" };
	char **perms;
	int rc, n;

	bx_xs_write_str(&xs, 0, "/bx/p", "v");
	rc = bx_xs_set_perms(&xs, 0, "/bx/p", set, 2);
	n = bx_xs_get_perms(&xs, 0, "/bx/p", &perms);
	CHECK(rc == 0 && n == 2 && !strcmp(perms[0], "n0") && !strcmp(perms[1], "r5"),
	      "set_perms n0,r5 reads back the same (rc %d, n %d)", rc, n);
	if (n >= 0)
		free(perms);
}

static int bump(struct bx_xs *c, uint32_t tx, void *arg)
{
	int *runs = arg;
	char *v = bx_xs_read(c, tx, "/bx/counter", NULL), text[16];

	snprintf(text, sizeof(text), "%d", (v ? atoi(v) : 0) + 1);
	free(v);
	if ((*runs)++ == 0) /* another client changes it behind our back */
		bx_xs_write_str(&other, 0, "/bx/counter", "100");
	return bx_xs_write_str(c, tx, "/bx/counter", text);
}

static void check_transaction(void)
{
	int runs = 0, rc;
	char *v;

	bx_xs_write_str(&xs, 0, "/bx/counter", "1");
	rc = bx_xs_transaction(&xs, bump, &runs, 5);
	v = bx_xs_read(&xs, 0, "/bx/counter", NULL);
	CHECK(rc == 0 && runs == 2 && v && !strcmp(v, "101"),
	      "a conflicting transaction ends in EAGAIN and is run again (runs %d, value %s)", runs,
	      v ? v : "none");
	free(v);
}

static void check_watch(void)
{
	char *path, *token;
	int rc = bx_xs_watch(&xs, "/bx/w", "tok");

	if (bx_xs_read_watch(&xs, 2000, &path, &token) > 0) /* the watch's first event */
		free(path);
	bx_xs_write_str(&other, 0, "/bx/w/child", "1");
	rc = rc ? rc : bx_xs_read_watch(&xs, 2000, &path, &token);
	CHECK(rc == 1 && !strcmp(path, "/bx/w/child") && !strcmp(token, "tok"),
	      "a write below a watched node is an event with its path and token (rc %d)", rc);
	if (rc == 1)
		free(path);
	bx_xs_write_str(&other, 0, "/bx/w", "2");
	free(bx_xs_read(&xs, 0, "/bx/a", NULL)); /* the event may come before this reply */
	rc = bx_xs_read_watch(&xs, 2000, &path, &token);
	CHECK(rc == 1 && !strcmp(path, "/bx/w"), "an event that arrived during a request is kept (rc %d)", rc);
	if (rc == 1)
		free(path);
	rc = bx_xs_unwatch(&xs, "/bx/w", "tok");
	bx_xs_write_str(&other, 0, "/bx/w", "3");
	CHECK(rc == 0 && bx_xs_read_watch(&xs, 300, &path, &token) == 0,
	      "after unwatch no event comes (rc %d)", rc);
}

static void check_domain_path(void)
{
	char *p = bx_xs_get_domain_path(&xs, 7);

	CHECK(p && !strcmp(p, "/local/domain/7"), "get_domain_path 7 is /local/domain/7 (got %s)",
	      p ? p : "none");
	free(p);
}

int test_xs(void)
{
	const char *sock = getenv("BX_TEST_SOCKET");
	int rc = sock ? bx_xs_open(&xs, sock) : -EINVAL;

	CHECK(rc == 0 && sock && bx_xs_open(&other, sock) == 0,
	      "two clients connect to xenstored at $BX_TEST_SOCKET (rc %d)", rc);
	if (rc)
		return check_exit();
	check_basic();
	check_perms();
	check_transaction();
	check_watch();
	check_domain_path();
	bx_xs_close(&xs);
	bx_xs_close(&other);
	return check_exit();
}
