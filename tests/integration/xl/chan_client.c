/*
 * chan-client SOCKET EXPECT REPLY: the dom0 end of the channel test
 * (images/xl-dom0/ours.sh, ours-chan-*).  Connects to the unix socket
 * bastion-dm listens on for a guest's channel (retrying while it is not
 * there yet), reads until a line containing EXPECT arrives from the
 * guest's /dev/hvc1, prints it, and answers REPLY and a newline.  Exits
 * 0 once it answered, 1 on any failure (within 240 s).
 */
#include <errno.h>
#include <poll.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <time.h>
#include <unistd.h>

static int connect_retry(const char *path, time_t deadline)
{
	struct sockaddr_un sa = { .sun_family = AF_UNIX };

	snprintf(sa.sun_path, sizeof(sa.sun_path), "%s", path);
	while (time(NULL) < deadline) {
		int fd = socket(AF_UNIX, SOCK_STREAM, 0);
		if (fd >= 0 && connect(fd, (struct sockaddr *)&sa, sizeof(sa)) == 0)
			return fd;
		if (fd >= 0)
			close(fd);
		usleep(200 * 1000);
	}
	fprintf(stderr, "chan-client: cannot connect to %s: %s\n", path, strerror(errno));
	return -1;
}

/* Reads lines until one holds expect; 0 with it in line, -1 otherwise. */
static int wait_line(int fd, const char *expect, char *line, size_t size, time_t deadline)
{
	size_t len = 0;

	while (time(NULL) < deadline) {
		struct pollfd p = { .fd = fd, .events = POLLIN };
		if (poll(&p, 1, 1000) <= 0)
			continue;
		ssize_t n = read(fd, line + len, size - 1 - len);
		if (n <= 0)
			return fprintf(stderr, "chan-client: the socket closed\n"), -1;
		len += (size_t)n;
		line[len] = '\0';
		for (char *nl; (nl = strchr(line, '\n'));) {
			*nl = '\0';
			if (strstr(line, expect))
				return 0;
			len -= (size_t)(nl + 1 - line);
			memmove(line, nl + 1, len + 1);
		}
		if (len == size - 1)
			len = 0; /* a line too long for us: not the one */
	}
	fprintf(stderr, "chan-client: no line with \"%s\" in time\n", expect);
	return -1;
}

int main(int argc, char **argv)
{
	char line[1024], reply[1024];
	time_t deadline = time(NULL) + 240;
	int fd;

	if (argc != 4) {
		fprintf(stderr, "usage: %s SOCKET EXPECT REPLY\n", argv[0]);
		return 2;
	}
	fd = connect_retry(argv[1], deadline);
	if (fd < 0 || wait_line(fd, argv[2], line, sizeof(line), deadline) < 0)
		return 1;
	printf("from the guest: %s\n", line);
	int n = snprintf(reply, sizeof(reply), "%s\n", argv[3]);
	if (write(fd, reply, (size_t)n) != n)
		return perror("chan-client: write"), 1;
	printf("answered: %s\n", argv[3]);
	sleep(2); /* let the guest read it before the socket closes */
	close(fd);
	return 0;
}
