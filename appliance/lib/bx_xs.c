/*
 * bx_xs.c - the xenstore client's connection and one request/reply round
 * (wire format: public/io/xs_wire.h; rules: Xen's docs/misc/xenstore.txt).
 * It connects to xenstored's Unix socket ($XENSTORED_PATH, then
 * /run/xenstored/socket, /var/run/xenstored/socket) or, failing those, to
 * the kernel's /dev/xen/xenbus.  Each message goes out in one write (the
 * xenbus device wants whole messages); watch events that arrive while a
 * reply is awaited are queued for bx_xs_read_watch.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

#include "bx.h"
#include "public/io/xs_wire.h"

static int connect_socket(const char *path)
{
	struct sockaddr_un addr = { .sun_family = AF_UNIX };
	int fd;

	if (strlen(path) >= sizeof(addr.sun_path))
		return -ENAMETOOLONG;
	strcpy(addr.sun_path, path);
	fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
	if (fd < 0)
		return -errno;
	if (connect(fd, (struct sockaddr *)&addr, sizeof(addr)) < 0) {
		int err = errno;
		close(fd);
		return -err;
	}
	return fd;
}

/* A path naming a character device is opened, anything else connected. */
static int connect_path(const char *path)
{
	int fd;

	if (strncmp(path, "/dev/", 5) != 0)
		return connect_socket(path);
	fd = open(path, O_RDWR | O_CLOEXEC);
	return fd < 0 ? -errno : fd;
}

int bx_xs_open(struct bx_xs *xs, const char *path)
{
	static const char *const places[] = { "/run/xenstored/socket",
		"/var/run/xenstored/socket", BX_DEV_XENBUS };
	const char *env = getenv("XENSTORED_PATH");
	int fd = -ENOENT;

	xs->fd = -1;
	xs->req_id = 0;
	xs->events = NULL;
	xs->events_tail = &xs->events;
	if (path || env)
		fd = connect_path(path ? path : env);
	for (size_t i = 0; !path && !env && fd < 0 && i < 3; i++)
		fd = connect_path(places[i]);
	if (fd < 0)
		return fd;
	xs->fd = fd;
	return 0;
}

/* One whole message from xenstored: header, and payload NUL-terminated. */
int bx_xs_read_msg(struct bx_xs *xs, struct xsd_sockmsg *hdr, char **payload)
{
	int rc = bx_read_full(xs->fd, hdr, sizeof(*hdr));

	if (rc < 0)
		return rc;
	if (hdr->len > XENSTORE_PAYLOAD_MAX)
		return -E2BIG;
	if (!(*payload = malloc(hdr->len + 1)))
		return -ENOMEM;
	rc = bx_read_full(xs->fd, *payload, hdr->len);
	if (rc < 0) {
		free(*payload);
		return rc;
	}
	(*payload)[hdr->len] = '\0';
	return 0;
}

static int send_msg(struct bx_xs *xs, struct xsd_sockmsg *hdr,
		    const char *const *parts, int nparts, long last_len)
{
	char buf[sizeof(*hdr) + XENSTORE_PAYLOAD_MAX];
	size_t len = 0, n;

	for (int i = 0; i < nparts; i++) {
		n = (i == nparts - 1 && last_len >= 0) ? (size_t)last_len : strlen(parts[i]) + 1;
		if (len + n > XENSTORE_PAYLOAD_MAX)
			return -E2BIG;
		memcpy(buf + sizeof(*hdr) + len, parts[i], n);
		len += n;
	}
	hdr->len = (uint32_t)len;
	memcpy(buf, hdr, sizeof(*hdr));
	len += sizeof(*hdr);
	return bx_write_all(xs->fd, buf, len);
}

/* The errno an XS_ERROR reply names. */
static int error_from_name(const char *name)
{
	for (size_t i = 0; i < sizeof(xsd_errors) / sizeof(xsd_errors[0]); i++)
		if (strcmp(name, xsd_errors[i].errstring) == 0)
			return -xsd_errors[i].errnum;
	return -EINVAL;
}

int bx_xs_request(struct bx_xs *xs, uint32_t type, uint32_t tx,
		  const char *const *parts, int nparts, long last_len,
		  char **reply, uint32_t *reply_len)
{
	struct xsd_sockmsg hdr = { .type = type, .req_id = ++xs->req_id, .tx_id = tx };
	char *payload;
	int rc = send_msg(xs, &hdr, parts, nparts, last_len);

	while (rc == 0) {
		rc = bx_xs_read_msg(xs, &hdr, &payload);
		if (rc < 0)
			break;
		if (hdr.type == XS_WATCH_EVENT) {
			rc = bx_xs_queue_event(xs, payload, hdr.len);
			continue;
		}
		if (hdr.type == XS_ERROR) {
			rc = error_from_name(payload);
			free(payload);
			break;
		}
		if (hdr.type != type) {
			free(payload);
			return -EBADMSG;
		}
		if (reply_len)
			*reply_len = hdr.len;
		if (reply)
			*reply = payload;
		else
			free(payload);
		return 0;
	}
	return rc;
}
