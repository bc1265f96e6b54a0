/*
 * Host tests of the console ring engine (dm/pv/consif.c): the xencons
 * page (public/io/console.h) is memory the test owns and plays the
 * guest's side of; the peer (a socket client or pty master in
 * bastion-dm) is one end of a stream socketpair whose other end the test
 * reads and writes; kicks and fd watches go through the fake frontend's
 * host.  Impossible ring indexes must stop the engine with a reason,
 * consume nothing and drop its watches.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "consif.h"
#include "fake_frontend.h"
#include "pv_check.h"

#define PORT 5

struct cctx {
	struct fake_fe fe;
	struct xencons_interface *intf;
	int sock[2]; /* [0] the engine's peer, [1] the test's end */
	struct consif *c;
	unsigned after_io;
};

static void count_after_io(void *arg)
{
	((struct cctx *)arg)->after_io++;
}

static bool cstart(struct cctx *t, uint32_t start, size_t limit)
{
	memset(t, 0, sizeof(*t));
	if (fake_fe_init(&t->fe, 1, 0) < 0 || !(t->intf = calloc(1, 4096)) ||
	    socketpair(AF_UNIX, SOCK_STREAM, 0, t->sock) < 0)
		return false;
	fcntl(t->sock[0], F_SETFL, O_NONBLOCK);
	fcntl(t->sock[1], F_SETFL, O_NONBLOCK);
	t->intf->in_cons = t->intf->in_prod = start;
	t->intf->out_cons = t->intf->out_prod = start;
	struct consif_config cfg = { .host = &t->fe.host, .intf = t->intf, .port = PORT,
				     .limit = limit, .after_io = count_after_io, .arg = t };
	t->c = consif_new(&cfg);
	return t->c != NULL;
}

static void cstop(struct cctx *t)
{
	consif_free(t->c);
	CHECK(t->fe.fd_watch == 0 && t->fe.fd_out_watch == 0, "console: freed engine leaves no fd watch");
	close(t->sock[0]);
	close(t->sock[1]);
	free(t->intf);
	fake_fe_fini(&t->fe);
}

/* The guest's hvc_xen writing output: as much as fits. */
static size_t guest_write(struct xencons_interface *intf, const char *s, size_t len)
{
	size_t n = 0;

	while (n < len && intf->out_prod - intf->out_cons < sizeof(intf->out))
		intf->out[MASK_XENCONS_IDX(intf->out_prod++, intf->out)] = s[n++];
	return n;
}

/* The guest reading its input. */
static size_t guest_read(struct xencons_interface *intf, char *buf, size_t room)
{
	size_t n = 0;

	while (n < room && intf->in_cons != intf->in_prod)
		buf[n++] = intf->in[MASK_XENCONS_IDX(intf->in_cons++, intf->in)];
	return n;
}

static ssize_t peer_read(struct cctx *t, char *buf, size_t room)
{
	ssize_t n = read(t->sock[1], buf, room);

	return n < 0 ? 0 : n;
}

static void test_both_ways(uint32_t start, const char *what)
{
	struct cctx t;
	char buf[4096];

	if (!CHECK(cstart(&t, start, 65536), "%s: engine started", what))
		return;
	consif_set_peer(t.c, t.sock[0], true);
	CHECK(t.fe.fd_watch != 0, "%s: the peer is watched for input", what);
	guest_write(t.intf, "hello from domU\n", 16);
	unsigned kicks = t.fe.notifies;
	consif_kick(t.c);
	ssize_t n = peer_read(&t, buf, sizeof(buf));
	CHECK(n == 16 && !memcmp(buf, "hello from domU\n", 16) && t.intf->out_cons == t.intf->out_prod &&
	      t.fe.notifies == kicks + 1, "%s: guest output reaches the peer, ring freed, guest kicked", what);
	CHECK(write(t.sock[1], "hello from dom0\n", 16) == 16, "%s: peer writes", what);
	t.fe.fd_ready(t.fe.fd_ready_arg);
	n = (ssize_t)guest_read(t.intf, buf, sizeof(buf));
	CHECK(n == 16 && !memcmp(buf, "hello from dom0\n", 16) && t.fe.notifies == kicks + 2 &&
	      t.after_io == 1, "%s: peer input reaches the guest's ring, guest kicked", what);
	const struct consif_stats *s = consif_stats(t.c);
	CHECK(s->out_bytes == 16 && s->in_bytes == 16 && s->dropped == 0 && !consif_broken(t.c),
	      "%s: 16 bytes each way counted, nothing dropped", what);
	cstop(&t);
}

/* Input waits in the peer while the guest's input ring is full. */
static void test_input_ring_full(void)
{
	struct cctx t;
	char buf[2048];

	if (!CHECK(cstart(&t, 7, 65536), "input full: engine started"))
		return;
	consif_set_peer(t.c, t.sock[0], true);
	memset(buf, 'x', sizeof(buf));
	CHECK(write(t.sock[1], buf, 1500) == 1500, "input full: peer writes 1500 bytes");
	t.fe.fd_ready(t.fe.fd_ready_arg);
	CHECK(t.intf->in_prod - t.intf->in_cons == 1024 && t.fe.fd_watch != 0,
	      "input full: 1024 bytes fill the ring");
	t.fe.fd_ready(t.fe.fd_ready_arg);
	CHECK(t.intf->in_prod - t.intf->in_cons == 1024 && t.fe.fd_watch == 0,
	      "input full: nothing more is read, the peer is not watched");
	CHECK(guest_read(t.intf, buf, sizeof(buf)) == 1024, "input full: the guest reads 1024");
	consif_kick(t.c);
	CHECK(t.intf->in_prod - t.intf->in_cons == 476 && t.fe.fd_watch != 0,
	      "input full: the guest's kick brings the other 476, peer watched again");
	cstop(&t);
}

/* Fills the engine's end of the socketpair until it would block. */
static size_t stuff_peer(struct cctx *t)
{
	char junk[4096] = { 0 };
	size_t total = 0;
	ssize_t n;

	while ((n = write(t->sock[0], junk, sizeof(junk))) > 0)
		total += (size_t)n;
	return total;
}

/* Drains the test's end; returns bytes read that are not the junk. */
static size_t drain_peer(struct cctx *t, char *keep, size_t room)
{
	char buf[8192];
	size_t kept = 0;
	ssize_t n;

	while ((n = read(t->sock[1], buf, sizeof(buf))) > 0)
		for (ssize_t i = 0; i < n; i++)
			if (buf[i] && kept < room)
				keep[kept++] = buf[i];
	return kept;
}

/* A slow socket client: output held up to the limit, then the guest waits. */
static void test_slow_peer_keeps(void)
{
	struct cctx t;
	char data[6144], got[8192];

	if (!CHECK(cstart(&t, 0xfffff000u, 4096), "slow peer: engine started"))
		return;
	for (size_t i = 0; i < sizeof(data); i++)
		data[i] = (char)('a' + i % 26);
	consif_set_peer(t.c, t.sock[0], true);
	stuff_peer(&t);
	size_t sent = guest_write(t.intf, data, 2048);
	consif_kick(t.c);
	sent += guest_write(t.intf, data + sent, 2048);
	consif_kick(t.c);
	sent += guest_write(t.intf, data + sent, 2048);
	consif_kick(t.c);
	CHECK(sent == 6144 && t.intf->out_prod - t.intf->out_cons == 2048 && t.fe.fd_out_watch != 0,
	      "slow peer: 4096 bytes held, the last 2048 wait in the guest's ring, writability watched");
	size_t kept = drain_peer(&t, got, sizeof(got));
	for (int i = 0; i < 8 && t.fe.fd_out_watch; i++) {
		t.fe.fd_out_ready(t.fe.fd_out_ready_arg);
		kept += drain_peer(&t, got + kept, sizeof(got) - kept);
	}
	CHECK(kept == 6144 && !memcmp(got, data, 6144) && t.intf->out_cons == t.intf->out_prod &&
	      consif_stats(t.c)->dropped == 0 && t.fe.fd_out_watch == 0,
	      "slow peer: all 6144 bytes arrive in order across the index wrap, none dropped");
	cstop(&t);
}

/* No peer, or a pty nobody reads: output is discarded, the guest never waits. */
static void test_discard(void)
{
	struct cctx t;
	char data[2048];

	if (!CHECK(cstart(&t, 0, 4096), "discard: engine started"))
		return;
	memset(data, 'd', sizeof(data));
	guest_write(t.intf, data, sizeof(data));
	consif_kick(t.c);
	CHECK(t.intf->out_cons == 2048 && consif_stats(t.c)->dropped == 2048 && t.fe.fd_watch == 0,
	      "discard: with no peer the ring is emptied and 2048 bytes counted dropped");
	consif_set_peer(t.c, t.sock[0], false);
	stuff_peer(&t);
	for (int i = 0; i < 4; i++) {
		guest_write(t.intf, data, sizeof(data));
		consif_kick(t.c);
	}
	CHECK(t.intf->out_cons == t.intf->out_prod && consif_stats(t.c)->dropped == 2048 + 4096,
	      "discard: a stuck pty holds 4096 bytes, the rest is dropped, the ring stays empty");
	cstop(&t);
}

static void test_hostile(bool output, const char *what)
{
	struct cctx t;

	if (!CHECK(cstart(&t, 100, 65536), "%s: engine started", what))
		return;
	consif_set_peer(t.c, t.sock[0], true);
	CHECK(write(t.sock[1], "abc", 3) == 3, "%s: peer has input", what);
	if (output)
		t.intf->out_prod = t.intf->out_cons + 5000;
	else
		t.intf->in_prod = t.intf->in_cons + 1025;
	consif_kick(t.c);
	CHECK(consif_broken(t.c) && strstr(consif_why(t.c), output ? "output" : "input") &&
	      t.fe.fd_watch == 0 && t.fe.fd_out_watch == 0,
	      "%s: the engine stops (\"%s\") and drops its watches", what, consif_why(t.c));
	CHECK(t.intf->out_cons == 100 && t.intf->in_cons == 100 &&
	      t.intf->in_prod == (output ? 100u : 1125u) && consif_stats(t.c)->in_bytes == 0,
	      "%s: nothing consumed or produced", what);
	consif_kick(t.c);
	CHECK(consif_broken(t.c) && t.intf->out_cons == 100, "%s: a later kick does nothing", what);
	cstop(&t);
}

static void test_peer_hangs_up(void)
{
	struct cctx t;

	if (!CHECK(cstart(&t, 0, 65536), "hang-up: engine started"))
		return;
	consif_set_peer(t.c, t.sock[0], true);
	shutdown(t.sock[1], SHUT_RDWR);
	t.fe.fd_ready(t.fe.fd_ready_arg);
	CHECK(consif_peer_lost(t.c) && !consif_peer_lost(t.c) && t.fe.fd_watch == 0 && t.after_io == 1,
	      "hang-up: the peer is dropped once, unwatched, the owner told");
	guest_write(t.intf, "late", 4);
	consif_kick(t.c);
	CHECK(t.intf->out_cons == 4 && !consif_broken(t.c),
	      "hang-up: later output is discarded, the device lives");
	cstop(&t);
}

void test_consif(void)
{
	test_both_ways(0, "console");
	test_both_ways(0xfffffff8u, "console across the index wrap");
	test_input_ring_full();
	test_slow_peer_keeps();
	test_discard();
	test_hostile(true, "hostile output indexes");
	test_hostile(false, "hostile input indexes");
	test_peer_hangs_up();
}
