/*
 * Host tests of user networking's link (dm/pv/net_slirp.c): a real
 * libslirp stack in this process, driven by glib's default context as in
 * bastion-dm.  The guest's side is played by hand-made frames through the
 * link ops; the host's side by sockets on this machine's loopback.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <glib.h>
#include <netinet/in.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "net_slirp.h"
#include "pv_check.h"

static const uint8_t guest_mac[6] = { 0x00, 0x16, 0x3e, 0x01, 0x02, 0x03 };

struct slirp_t {
	struct net_slirp *ns;
	unsigned readies;
	uint8_t frame[2048];
};

static void on_ready(void *arg)
{
	struct slirp_t *t = arg;

	t->readies++;
}

/* An ARP request from the guest (10.0.2.15) for ip. */
static size_t arp_request(uint8_t *f, const char *ip)
{
	memset(f, 0, 42);
	memset(f, 0xff, 6);
	memcpy(f + 6, guest_mac, 6);
	f[12] = 0x08, f[13] = 0x06;                   /* ARP */
	f[14] = 0, f[15] = 1, f[16] = 0x08, f[17] = 0; /* Ethernet, IPv4 */
	f[18] = 6, f[19] = 4, f[20] = 0, f[21] = 1;   /* request */
	memcpy(f + 22, guest_mac, 6);
	inet_pton(AF_INET, "10.0.2.15", f + 28);
	inet_pton(AF_INET, ip, f + 38);
	return 42;
}

/* Turns of the default context until the link said ready (at most 100). */
static void run_until_ready(struct slirp_t *t)
{
	for (int i = 0; i < 100 && !t->readies; i++)
		g_main_context_iteration(NULL, FALSE);
}

static void test_arp(void)
{
	struct slirp_t t = { 0 };
	uint8_t req[64];
	struct iovec out = { req, arp_request(req, "10.0.2.2") };
	struct iovec in = { t.frame, sizeof(t.frame) };
	uint8_t host_ip[4];

	t.ns = net_slirp_new("test/0", NULL);
	if (!CHECK(t.ns, "slirp: a stack with no hostfwd starts"))
		return;
	errno = 0;
	CHECK(net_slirp_link_ops.recv(t.ns, &in, 1) == -1 && errno == EAGAIN,
	      "slirp: nothing for the guest before it sent anything (EAGAIN)");
	CHECK(net_slirp_link_ops.watch(t.ns, on_ready, &t) > 0, "slirp: the link is watched");
	CHECK(net_slirp_link_ops.send(t.ns, &out, 1) == 42, "slirp: the guest's ARP request is taken");
	run_until_ready(&t);
	CHECK(t.readies >= 1, "slirp: the engine is told from the main loop that a frame waits");
	ssize_t n = net_slirp_link_ops.recv(t.ns, &in, 1);
	inet_pton(AF_INET, "10.0.2.2", host_ip);
	CHECK(n >= 42 && t.frame[12] == 0x08 && t.frame[13] == 0x06 && t.frame[21] == 2 &&
	      !memcmp(t.frame + 28, host_ip, 4) && !memcmp(t.frame, guest_mac, 6),
	      "slirp: 10.0.2.2 answers the guest's ARP (a %zd-byte reply to its MAC)", n);
	net_slirp_link_ops.unwatch(t.ns, 1);
	t.readies = 0;
	net_slirp_link_ops.send(t.ns, &out, 1);
	for (int i = 0; i < 10; i++)
		g_main_context_iteration(NULL, FALSE);
	CHECK(t.readies == 0, "slirp: an unwatched link tells no one");
	net_slirp_free(t.ns);
}

/* A loopback TCP port nothing listens on now. */
static int free_port(void)
{
	struct sockaddr_in a = { .sin_family = AF_INET, .sin_addr.s_addr = htonl(INADDR_LOOPBACK) };
	socklen_t len = sizeof(a);
	int s = socket(AF_INET, SOCK_STREAM, 0), port = -1;

	if (s >= 0 && bind(s, (struct sockaddr *)&a, sizeof(a)) == 0 &&
	    getsockname(s, (struct sockaddr *)&a, &len) == 0)
		port = ntohs(a.sin_port);
	if (s >= 0)
		close(s);
	return port;
}

static bool can_connect(int port)
{
	struct sockaddr_in a = { .sin_family = AF_INET, .sin_port = htons((uint16_t)port),
				 .sin_addr.s_addr = htonl(INADDR_LOOPBACK) };
	int s = socket(AF_INET, SOCK_STREAM, 0);
	bool ok = s >= 0 && connect(s, (struct sockaddr *)&a, sizeof(a)) == 0;

	if (s >= 0)
		close(s);
	return ok;
}

static void test_hostfwd(void)
{
	char rules[96];
	int port = free_port();
	struct net_slirp *a, *b;

	CHECK(!net_slirp_new("test/1", "tcp:127.0.0.1:8080-:80 tcp:nonsense"),
	      "slirp: a bad hostfwd rule refuses the device");
	snprintf(rules, sizeof(rules), " tcp:127.0.0.1:%d-:80  udp::%d-10.0.2.15:53 ", port, port);
	a = net_slirp_new("test/2", rules);
	CHECK(a && can_connect(port), "slirp: hostfwd %s listens on the host's loopback", rules);
	b = net_slirp_new("test/3", rules);
	CHECK(!b, "slirp: a host port already forwarded refuses the second device");
	net_slirp_free(b);
	net_slirp_free(a);
	CHECK(!can_connect(port), "slirp: the forwarded port closes with the device");
}

void test_net_slirp(void)
{
	test_arp();
	test_hostfwd();
}
