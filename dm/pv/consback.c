/*
 * consback.c - the "console" backend type: Xen's secondary PV consoles
 * (xl's channel=, libxl's extra consoles), the ones QEMU's xen console
 * serves.  Layout as libxl 4.17 writes it (libxl__device_console_add):
 * backend/console/<domid>/<devid> with `connection` (socket or pty),
 * `path` (the socket's), `name`; the frontend device/console/<devid>
 * with `type` (we serve "ioemu" only: "xenconsoled" is the primary
 * console, devid 0, bastion-consoled's), `output`, `limit`, `tty`, and
 * what Linux's hvc_xen (drivers/tty/hvc/hvc_xen.c, xencons_probe; any
 * domU, PVH included, devids 1 to 9) writes: `ring-ref` (a grant of the
 * xencons page, io/console.h) and `port`, then Initialised.
 *
 * connection=socket: a unix socket listening at `path` (a stale socket
 * there is replaced; anything else there fails setup); one client at a
 * time, the next accepted when it hangs up.  connection=pty (or `output`
 * pty): a raw pty whose slave path goes to `tty` in both directories,
 * as xenconsoled and QEMU publish it; we keep the slave open so the
 * master never hangs up.  Both live from setup to teardown, across
 * frontend reconnections; the ring engine (consif.c) from connect to
 * disconnect.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <termios.h>
#include <unistd.h>

#include "consif.h"
#include "pv_backend.h"
#include "pv_log.h"

#define LOG_CON(dev, fmt, ...) \
	pv_log("console dom%u/%u: " fmt, (unsigned)(dev)->ctx->host->domid, \
	       (unsigned)(dev)->devid, __VA_ARGS__)

#define CONS_LIMIT_DEFAULT 65536u   /* output held for a slow peer */
#define CONS_LIMIT_MAX 1048576u     /* LIBXL_XENCONSOLE_LIMIT */

struct qcons {
	struct pv_device *dev;
	bool pty;
	char path[sizeof(((struct sockaddr_un *)0)->sun_path)];
	int listen_fd, client_fd;  /* socket: -1 unset */
	long listen_watch;         /* 0 none */
	int master_fd, slave_fd;   /* pty: -1 unset */
	size_t limit;
	struct xencons_interface *intf;
	uint64_t handle;
	struct consif *engine;
};

static void on_listen(void *arg);

/* ---- the peer ---------------------------------------------------------- */

/* The fd the engine talks to: the socket's client or the pty master. */
static int peer_fd(const struct qcons *q)
{
	return q->pty ? q->master_fd : q->client_fd;
}

static void listen_again(struct qcons *q)
{
	struct pv_host *host = q->dev->ctx->host;

	if (q->listen_fd >= 0 && q->listen_watch <= 0)
		q->listen_watch = host->ops->watch_fd(host, q->listen_fd, on_listen, q);
}

static void on_listen(void *arg)
{
	struct qcons *q = arg;
	struct pv_host *host = q->dev->ctx->host;
	int fd = accept4(q->listen_fd, NULL, NULL, SOCK_NONBLOCK | SOCK_CLOEXEC);

	if (fd < 0)
		return;
	host->ops->unwatch_fd(host, q->listen_watch); /* one client at a time */
	q->listen_watch = 0;
	q->client_fd = fd;
	LOG_CON(q->dev, "client connected to %s", q->path);
	if (q->engine)
		consif_set_peer(q->engine, fd, true);
}

static void client_gone(struct qcons *q)
{
	LOG_CON(q->dev, "client of %s hung up", q->path);
	close(q->client_fd);
	q->client_fd = -1;
	listen_again(q);
}

/* A unix socket listening at path; a socket already there is replaced. */
static int socket_setup(struct qcons *q, const char *path)
{
	struct sockaddr_un sa = { .sun_family = AF_UNIX };
	struct stat st;

	if (!path || !path[0] || strlen(path) >= sizeof(sa.sun_path)) {
		LOG_CON(q->dev, "%s/path missing or too long", q->dev->be_path);
		return -EINVAL;
	}
	if (lstat(path, &st) == 0 && !S_ISSOCK(st.st_mode)) {
		LOG_CON(q->dev, "%s exists and is not a socket", path);
		return -EEXIST;
	}
	unlink(path);
	strcpy(sa.sun_path, path);
	q->listen_fd = socket(AF_UNIX, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
	if (q->listen_fd < 0 || bind(q->listen_fd, (struct sockaddr *)&sa, sizeof(sa)) < 0 ||
	    listen(q->listen_fd, 1) < 0) {
		int rc = -errno;
		LOG_CON(q->dev, "cannot listen at %s: %s", path, strerror(-rc));
		return rc;
	}
	strcpy(q->path, path);
	listen_again(q);
	LOG_CON(q->dev, "listening at %s", path);
	return q->listen_watch > 0 ? 0 : (int)q->listen_watch;
}

/* A raw pty; its slave's path in `tty`, where `xl console -n` looks. */
static int pty_setup(struct qcons *q)
{
	struct pv_device *dev = q->dev;
	struct termios t;
	const char *name = NULL;
	int rc;

	q->pty = true;
	q->master_fd = posix_openpt(O_RDWR | O_NOCTTY | O_NONBLOCK | O_CLOEXEC);
	if (q->master_fd < 0 || grantpt(q->master_fd) < 0 || unlockpt(q->master_fd) < 0 ||
	    !(name = ptsname(q->master_fd)) ||
	    (q->slave_fd = open(name, O_RDWR | O_NOCTTY | O_CLOEXEC)) < 0 ||
	    tcgetattr(q->slave_fd, &t) < 0) {
		rc = -errno;
		LOG_CON(dev, "cannot open a pty (%s): %s", name ? name : "master", strerror(-rc));
		return rc;
	}
	cfmakeraw(&t);
	tcsetattr(q->slave_fd, TCSANOW, &t);
	pv_xs_write_key(dev->ctx->xs, dev->fe_path, "tty", name);
	pv_xs_write_key(dev->ctx->xs, dev->be_path, "tty", name);
	LOG_CON(dev, "pty %s", name);
	return 0;
}

/* ---- setup and teardown ------------------------------------------------ */

/* Only consoles the toolstack gave a device model ("ioemu"). */
static bool cons_claims(const struct pv_device *dev)
{
	char *type = pv_xs_read_key(dev->ctx->xs, dev->fe_path, "type");
	bool ours = type && !strcmp(type, "ioemu") && dev->devid != 0;

	free(type);
	return ours;
}

static void qcons_free(struct qcons *q)
{
	struct pv_host *host = q->dev->ctx->host;

	if (q->listen_watch > 0)
		host->ops->unwatch_fd(host, q->listen_watch);
	if (q->listen_fd >= 0) {
		close(q->listen_fd);
		unlink(q->path);
	}
	if (q->client_fd >= 0)
		close(q->client_fd);
	if (q->master_fd >= 0)
		close(q->master_fd);
	if (q->slave_fd >= 0)
		close(q->slave_fd);
	free(q);
}

/* connection socket or pty (or, without one, output pty as xenconsoled). */
static int peer_setup(struct qcons *q)
{
	struct pv_device *dev = q->dev;
	char *conn = pv_xs_read_key(dev->ctx->xs, dev->be_path, "connection");
	char *output = pv_xs_read_key(dev->ctx->xs, dev->fe_path, "output");
	char *path = pv_xs_read_key(dev->ctx->xs, dev->be_path, "path");
	int rc;

	if (conn && !strcmp(conn, "socket"))
		rc = socket_setup(q, path);
	else if ((conn && !strcmp(conn, "pty")) || (!conn && output && !strcmp(output, "pty")))
		rc = pty_setup(q);
	else {
		LOG_CON(dev, "%s/connection is \"%s\"; only socket or pty is served", dev->be_path,
			conn ? conn : "");
		rc = -EINVAL;
	}
	free(conn);
	free(output);
	free(path);
	return rc;
}

static int cons_setup(struct pv_device *dev)
{
	struct qcons *q = calloc(1, sizeof(*q));
	uint64_t limit = pv_xs_read_uint(dev->ctx->xs, dev->fe_path, "limit", CONS_LIMIT_DEFAULT);
	int rc;

	if (!q)
		return -ENOMEM;
	*q = (struct qcons){ .dev = dev, .listen_fd = -1, .client_fd = -1, .master_fd = -1,
			     .slave_fd = -1 };
	q->limit = limit == 0 || limit > CONS_LIMIT_MAX ? CONS_LIMIT_MAX : (size_t)limit;
	rc = peer_setup(q);
	if (rc < 0) {
		qcons_free(q);
		return rc;
	}
	dev->priv = q;
	return 0;
}

static void cons_teardown(struct pv_device *dev)
{
	struct qcons *q = dev->priv;

	if (!q)
		return;
	dev->type->disconnect(dev);
	qcons_free(q);
	dev->priv = NULL;
}

/* ---- connecting -------------------------------------------------------- */

static int read_u32(struct pv_device *dev, const char *key, uint32_t *value)
{
	uint64_t v = pv_xs_read_uint(dev->ctx->xs, dev->fe_path, key, UINT64_MAX);

	if (v > UINT32_MAX) {
		LOG_CON(dev, "frontend key %s/%s missing or bad", dev->fe_path, key);
		return -EINVAL;
	}
	*value = (uint32_t)v;
	return 0;
}

/* After the engine acted on its own: a broken ring, a client gone. */
static void after_io(void *arg)
{
	struct pv_device *dev = arg;
	struct qcons *q = dev->priv;

	if (!q || !q->engine)
		return;
	if (consif_peer_lost(q->engine)) {
		if (!q->pty && q->client_fd >= 0)
			client_gone(q);
		else if (q->pty)
			LOG_CON(dev, "pty %s failed; its output is discarded from now on",
				ptsname(q->master_fd));
	}
	if (consif_broken(q->engine))
		xenbus_device_fail(dev, consif_why(q->engine));
}

static int cons_connect(struct pv_device *dev)
{
	struct qcons *q = dev->priv;
	struct pv_host *host = dev->ctx->host;
	uint32_t ref, remote;

	if (read_u32(dev, "ring-ref", &ref) < 0 || read_u32(dev, "port", &remote) < 0)
		return -EINVAL;
	q->intf = host->ops->map_grants(host, &ref, 1, true, &q->handle);
	if (!q->intf) {
		LOG_CON(dev, "mapping ring-ref %u failed", (unsigned)ref);
		return -EFAULT;
	}
	long port = pv_device_bind(dev, 0, remote);
	if (port < 0) {
		LOG_CON(dev, "binding event channel %u failed (%ld)", (unsigned)remote, port);
		return (int)port;
	}
	struct consif_config cfg = { .host = host, .intf = q->intf,
				     .port = (uint32_t)port, .limit = q->limit,
				     .after_io = after_io, .arg = dev };
	q->engine = consif_new(&cfg);
	if (!q->engine)
		return -ENOMEM;
	consif_set_peer(q->engine, peer_fd(q), !q->pty); /* takes what waits */
	if (consif_peer_lost(q->engine) && !q->pty && q->client_fd >= 0)
		client_gone(q); /* hung up while the frontend was away */
	if (consif_broken(q->engine)) {
		LOG_CON(dev, "%s", consif_why(q->engine));
		return -EPROTO;
	}
	return 0;
}

static void cons_disconnect(struct pv_device *dev)
{
	struct qcons *q = dev->priv;
	struct pv_host *host = dev->ctx->host;

	if (!q)
		return;
	if (q->engine) {
		const struct consif_stats *s = consif_stats(q->engine);
		LOG_CON(dev, "out %llu bytes (%llu discarded), in %llu bytes",
			(unsigned long long)s->out_bytes, (unsigned long long)s->dropped,
			(unsigned long long)s->in_bytes);
	}
	consif_free(q->engine);
	q->engine = NULL;
	pv_device_unbind(dev, 0);
	if (q->intf)
		host->ops->unmap_grants(host, q->intf, 1, q->handle);
	q->intf = NULL;
}

static void cons_event(struct pv_device *dev, unsigned slot)
{
	struct qcons *q = dev->priv;

	(void)slot; /* one ring, one port: slot 0 */
	if (q && q->engine) {
		consif_kick(q->engine);
		after_io(dev);
	}
}

const struct pv_backend_type pv_console_backend = {
	.name = "console",
	.claims = cons_claims,
	.setup = cons_setup,
	.connect = cons_connect,
	.disconnect = cons_disconnect,
	.teardown = cons_teardown,
	.event = cons_event,
};
