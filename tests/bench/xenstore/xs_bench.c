/*
 * xs_bench.c - xenstore throughput through the Unix socket: one client
 * issues a fixed mix of requests (4 READs to 1 WRITE, over 256 keys of 64
 * bytes) one at a time, as libxenstore does, and prints requests per
 * second.  The same binary drives any daemon speaking xs_wire.h.
 * Usage: xs-bench <socket> <requests>
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <time.h>
#include <unistd.h>

#include "public/io/xs_wire.h"

#define NKEYS 256

static int xfer(int fd, void *buf, size_t len, int sending)
{
	char *p = buf;

	while (len) {
		ssize_t n = sending ? write(fd, p, len) : read(fd, p, len);
		if (n <= 0)
			return -1;
		p += n;
		len -= (size_t)n;
	}
	return 0;
}

/* One request/reply round trip; -1 on a broken connection or an error. */
static int call(int fd, uint32_t type, uint32_t id, const char *payload,
		uint32_t len)
{
	char buf[sizeof(struct xsd_sockmsg) + XENSTORE_PAYLOAD_MAX];
	struct xsd_sockmsg h = { type, id, 0, len };

	memcpy(buf, &h, sizeof(h));
	memcpy(buf + sizeof(h), payload, len);
	if (xfer(fd, buf, sizeof(h) + len, 1) || xfer(fd, &h, sizeof(h), 0) ||
	    h.len > XENSTORE_PAYLOAD_MAX || xfer(fd, buf, h.len, 0))
		return -1;
	return h.type == XS_ERROR || h.req_id != id ? -1 : 0;
}

static uint32_t write_req(char *buf, int key, int round)
{
	int n = snprintf(buf, 64, "/bench/key%03d", key) + 1;

	n += snprintf(buf + n, 65, "%064d", round);
	return (uint32_t)n; /* the value has no NUL */
}

int main(int argc, char **argv)
{
	struct sockaddr_un a = { .sun_family = AF_UNIX };
	struct timespec t0, t1;
	long requests;
	char buf[256];
	int fd;

	if (argc != 3 || (requests = atol(argv[2])) <= 0) {
		fprintf(stderr, "usage: xs-bench <socket> <requests>\n");
		return 2;
	}
	snprintf(a.sun_path, sizeof(a.sun_path), "%s", argv[1]);
	fd = socket(AF_UNIX, SOCK_STREAM, 0);
	if (fd < 0 || connect(fd, (struct sockaddr *)&a, sizeof(a))) {
		perror(argv[1]);
		return 1;
	}
	for (int k = 0; k < NKEYS; k++)
		if (call(fd, XS_WRITE, 1, buf, write_req(buf, k, 0))) {
			fprintf(stderr, "xs-bench: setup write failed\n");
			return 1;
		}
	clock_gettime(CLOCK_MONOTONIC, &t0);
	for (long i = 0; i < requests; i++) {
		int key = (int)(i * 7 % NKEYS);
		uint32_t len;
		if (i % 5 == 4) {
			len = write_req(buf, key, (int)i);
			if (call(fd, XS_WRITE, (uint32_t)i, buf, len))
				goto broken;
		} else {
			len = (uint32_t)snprintf(buf, 64, "/bench/key%03d", key) + 1;
			if (call(fd, XS_READ, (uint32_t)i, buf, len))
				goto broken;
		}
	}
	clock_gettime(CLOCK_MONOTONIC, &t1);
	printf("%.0f\n", requests / ((t1.tv_sec - t0.tv_sec) +
				     (t1.tv_nsec - t0.tv_nsec) / 1e9));
	return 0;
broken:
	fprintf(stderr, "xs-bench: request failed or connection lost\n");
	return 1;
}
