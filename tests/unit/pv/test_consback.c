/*
 * Host tests of the "console" backend type (dm/pv/consback.c) through
 * the xenbus state machine: which devices it claims (libxl's layout, type
 * "ioemu" only), the unix socket and the pty it gives a channel, a
 * frontend connecting as Linux's hvc_xen does (ring-ref, port,
 * Initialised) and bytes both ways through the socket, and the hostile
 * cases: impossible ring indexes and a bad grant ref close that device
 * with every mapping released.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <unistd.h>

#include "fake_frontend.h"
#include "fake_xs.h"
#include "pv_backend.h"
#include "pv_check.h"
#include "public/io/console.h"

#define CBE "/local/domain/0/backend/console/7/1"
#define CFE "/local/domain/7/device/console/1"
#define RING_REF (FAKE_REF_BASE + 5u)

struct cbctx {
	struct fake_xs fx;
	struct fake_fe fe;
	struct pv_ctx ctx;
	char sock_path[108];
};

static void put(struct cbctx *x, const char *dir, const char *key, const char *value)
{
	char path[2 * PV_PATH_MAX];

	snprintf(path, sizeof(path), "%s/%s", dir, key);
	fake_xs_set(&x->fx, path, value);
}

static const char *got(struct cbctx *x, const char *dir, const char *key)
{
	char path[2 * PV_PATH_MAX];
	const char *v;

	snprintf(path, sizeof(path), "%s/%s", dir, key);
	v = fake_xs_get(&x->fx, path);
	return v ? v : "";
}

/* libxl__device_console_add's nodes for a channel (connection, path). */
static void cb_init(struct cbctx *x, const char *tmpdir, const char *connection, const char *type)
{
	fake_xs_init(&x->fx);
	fake_fe_init(&x->fe, 1, 0);
	x->ctx = (struct pv_ctx){ .xs = &x->fx.xs, .host = &x->fe.host };
	snprintf(x->ctx.be_root, sizeof(x->ctx.be_root), "/local/domain/0/backend");
	snprintf(x->sock_path, sizeof(x->sock_path), "%s/chan.sock", tmpdir);
	put(x, CBE, "frontend", CFE);
	put(x, CBE, "frontend-id", "7");
	put(x, CBE, "online", "1");
	put(x, CBE, "state", "1");
	put(x, CBE, "protocol", "vt100");
	put(x, CBE, "name", "org.example.x");
	put(x, CBE, "connection", connection);
	put(x, CBE, "path", x->sock_path);
	put(x, CFE, "type", type);
	put(x, CFE, "name", "org.example.x");
	put(x, CFE, "limit", "1048576");
	put(x, CFE, "output", "chardev:libxl-channel1");
	put(x, CFE, "tty", "");
	put(x, CFE, "state", "1");
}

static void cb_fini(struct cbctx *x)
{
	fake_fe_fini(&x->fe);
	fake_xs_fini(&x->fx);
}

/* hvc_xen's xencons_connect_backend: page granted, port, Initialised. */
static void frontend_connects(struct cbctx *x, struct pv_device *dev)
{
	char ref[16];

	memset(fake_page(&x->fe, RING_REF), 0, 4096);
	snprintf(ref, sizeof(ref), "%u", RING_REF);
	put(x, CFE, "ring-ref", ref);
	put(x, CFE, "port", "3");
	put(x, CFE, "state", "3");
	xenbus_device_update(dev);
}

static int client_connect(const char *path)
{
	struct sockaddr_un sa = { .sun_family = AF_UNIX };
	int fd = socket(AF_UNIX, SOCK_STREAM, 0);

	snprintf(sa.sun_path, sizeof(sa.sun_path), "%s", path);
	if (fd >= 0 && connect(fd, (struct sockaddr *)&sa, sizeof(sa)) < 0) {
		close(fd);
		return -1;
	}
	return fd;
}

static void test_claims(const char *tmpdir)
{
	struct cbctx x;

	cb_init(&x, tmpdir, "socket", "xenconsoled");
	CHECK(xenbus_device_new(&x.ctx, &pv_console_backend, 1) == NULL,
	      "consback: a console of type xenconsoled is not ours");
	put(&x, CFE, "type", "ioemu");
	struct pv_device *dev = xenbus_device_new(&x.ctx, &pv_console_backend, 1);
	CHECK(dev != NULL, "consback: a console of type ioemu (a channel) is ours");
	xenbus_device_free(dev);
	cb_fini(&x);
}

/* Guest output "ping" to the client, client input "pong" to the guest. */
static void exchange(struct cbctx *x, struct pv_device *dev, int client)
{
	struct xencons_interface *intf = (void *)fake_page(&x->fe, RING_REF);
	char buf[16] = { 0 };

	memcpy(intf->out, "ping\n", 5);
	intf->out_prod = 5;
	dev->type->event(dev, 0);
	CHECK(read(client, buf, sizeof(buf)) == 5 && !memcmp(buf, "ping\n", 5) && intf->out_cons == 5,
	      "consback: the guest's line reaches the socket's client");
	CHECK(write(client, "pong\n", 5) == 5, "consback: the client answers");
	x->fe.fd_ready(x->fe.fd_ready_arg);
	CHECK(intf->in_prod == 5 && !memcmp(intf->in, "pong\n", 5),
	      "consback: the client's line reaches the guest's input ring");
}

static void test_socket(const char *tmpdir)
{
	struct cbctx x;
	struct stat st;

	cb_init(&x, tmpdir, "socket", "ioemu");
	struct pv_device *dev = xenbus_device_new(&x.ctx, &pv_console_backend, 1);
	if (!CHECK(dev, "consback socket: device made"))
		return cb_fini(&x);
	xenbus_device_update(dev);
	CHECK(!strcmp(got(&x, CBE, "state"), "2") && !strcmp(got(&x, CBE, "hotplug-status"), "connected") &&
	      stat(x.sock_path, &st) == 0 && S_ISSOCK(st.st_mode) && x.fe.fd_watch,
	      "consback socket: set up, InitWait, listening at path");
	int client = client_connect(x.sock_path);
	x.fe.fd_ready(x.fe.fd_ready_arg); /* the listener's watch: accept */
	frontend_connects(&x, dev);
	CHECK(client >= 0 && !strcmp(got(&x, CBE, "state"), "4") && x.fe.maps_live == 1 &&
	      dev->port[0] == 103, "consback socket: frontend Initialised -> Connected, ring mapped");
	exchange(&x, dev, client);
	struct xencons_interface *intf = (void *)fake_page(&x.fe, RING_REF);
	intf->out_prod = intf->out_cons + 3000;
	dev->type->event(dev, 0);
	CHECK(!strcmp(got(&x, CBE, "state"), "5") && x.fe.maps_live == 0 && !dev->connected &&
	      dev->port[0] == -1, "consback socket: output indexes 3000 apart -> disconnected, Closing");
	close(client);
	xenbus_device_free(dev);
	CHECK(stat(x.sock_path, &st) < 0, "consback socket: teardown removes the socket");
	cb_fini(&x);
}

static void test_bad_grant(const char *tmpdir)
{
	struct cbctx x;

	cb_init(&x, tmpdir, "socket", "ioemu");
	struct pv_device *dev = xenbus_device_new(&x.ctx, &pv_console_backend, 1);
	if (!CHECK(dev, "consback bad grant: device made"))
		return cb_fini(&x);
	xenbus_device_update(dev);
	x.fe.bad_ref = RING_REF;
	frontend_connects(&x, dev);
	CHECK(!strcmp(got(&x, CBE, "state"), "5") && x.fe.maps_live == 0 && dev->port[0] == -1,
	      "consback bad grant: the ring does not map -> Closing, nothing held");
	xenbus_device_free(dev);
	cb_fini(&x);
}

static void test_pty_and_refusal(const char *tmpdir)
{
	struct cbctx x;

	cb_init(&x, tmpdir, "pty", "ioemu");
	struct pv_device *dev = xenbus_device_new(&x.ctx, &pv_console_backend, 1);
	if (dev)
		xenbus_device_update(dev);
	CHECK(dev && !strncmp(got(&x, CFE, "tty"), "/dev/pts/", 9) &&
	      !strcmp(got(&x, CFE, "tty"), got(&x, CBE, "tty")) && !strcmp(got(&x, CBE, "state"), "2"),
	      "consback pty: a pty, its path in tty of both directories (\"%s\")", got(&x, CFE, "tty"));
	xenbus_device_free(dev);
	cb_fini(&x);
	cb_init(&x, tmpdir, "telnet", "ioemu");
	dev = xenbus_device_new(&x.ctx, &pv_console_backend, 1);
	if (dev)
		xenbus_device_update(dev);
	CHECK(dev && !strcmp(got(&x, CBE, "state"), "6") && !strcmp(got(&x, CBE, "hotplug-status"), "error"),
	      "consback: connection telnet (unknown) -> Closed, hotplug-status \"error\"");
	xenbus_device_free(dev);
	cb_fini(&x);
}

void test_consback(const char *tmpdir)
{
	test_claims(tmpdir);
	test_socket(tmpdir);
	test_bad_grant(tmpdir);
	test_pty_and_refusal(tmpdir);
}
