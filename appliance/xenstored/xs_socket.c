/*
 * xs_socket.c - the Unix-socket transport: xenstored listens where Xen's
 * libxenstore looks (XENSTORED_PATH if set, else $XENSTORED_RUNDIR/socket,
 * the rundir defaulting to /var/run/xenstored); every client that connects
 * there is a privileged dom0 connection speaking the xs_wire.h framing.
 * Extra sockets may be bound to an unprivileged domain id
 * (--domain-socket): their clients get exactly that domain's rights, so
 * Debian's tools can be run as a guest would (tests, later proxies).
 */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <unistd.h>

#include "xs_socket.h"

const char *xs_socket_path(void)
{
	static char buf[PATH_MAX];
	const char *path = getenv("XENSTORED_PATH");
	const char *rundir = getenv("XENSTORED_RUNDIR");

	if (path)
		return path;
	if (!rundir)
		rundir = "/var/run/xenstored";
	if (snprintf(buf, sizeof(buf), "%s/socket", rundir) >= (int)sizeof(buf))
		return NULL;
	return buf;
}

int xs_socket_listen(const char *path)
{
	struct sockaddr_un addr = { .sun_family = AF_UNIX };
	char dir[PATH_MAX];
	char *slash;
	int fd;

	if (strlen(path) >= sizeof(addr.sun_path)) {
		errno = ENAMETOOLONG;
		return -1;
	}
	snprintf(dir, sizeof(dir), "%s", path);
	slash = strrchr(dir, '/');
	if (slash && slash != dir) {
		*slash = '\0';
		mkdir(dir, 0755); /* the rundir, as Xen's daemon creates it */
	}
	strcpy(addr.sun_path, path);
	fd = socket(AF_UNIX, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
	if (fd < 0)
		return -1;
	unlink(path);
	if (bind(fd, (struct sockaddr *)&addr, sizeof(addr)) ||
	    chmod(path, 0600) || listen(fd, 64)) {
		int err = errno;
		close(fd);
		errno = err;
		return -1;
	}
	return fd;
}

static long sock_read(struct xs_conn *conn, void *buf, size_t len)
{
	ssize_t n = recv(conn->fd, buf, len, MSG_DONTWAIT);

	if (n > 0)
		return n;
	if (n < 0 && (errno == EAGAIN || errno == EINTR))
		return 0;
	return -1; /* end of file or error */
}

static long sock_write(struct xs_conn *conn, const void *buf, size_t len)
{
	ssize_t n = send(conn->fd, buf, len, MSG_DONTWAIT | MSG_NOSIGNAL);

	if (n >= 0)
		return n;
	if (errno == EAGAIN || errno == EINTR)
		return 0;
	return -1;
}

static void sock_release(struct xs_conn *conn)
{
	if (conn->fd >= 0)
		close(conn->fd);
	conn->fd = -1;
}

static const struct xs_conn_ops sock_ops = {
	.name = "socket",
	.read = sock_read,
	.write = sock_write,
	.release = sock_release,
};

void xs_socket_accept(struct xs_daemon *d, int listen_fd, uint32_t domid)
{
	for (;;) {
		int fd = accept4(listen_fd, NULL, NULL,
				 SOCK_NONBLOCK | SOCK_CLOEXEC);
		if (fd < 0) {
			if (errno != EAGAIN && errno != EINTR)
				xs_log(d, "accept: %s", strerror(errno));
			return;
		}
		if (!xs_conn_new(d, &sock_ops, NULL, fd, domid)) {
			xs_log(d, "out of memory: refusing a socket client");
			close(fd);
		}
	}
}

bool xs_socket_is_conn(const struct xs_conn *conn)
{
	return conn->ops == &sock_ops;
}
