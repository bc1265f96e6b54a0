/*
 * test_client.c - console_attach (appliance/consoled/console_client.c)
 * against our xenstored on a private socket and a pty made here in the
 * console daemon's place: it waits for console/tty, copies both ways,
 * and Ctrl-] detaches; a tty that never appears is an error naming the key.
 */
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <termios.h>
#include <unistd.h>

#include "check.h"
#include "console_client.h"
#include "consoled_tests.h"

/* Reads from fd until want appears (2 s at most); true when it did. */
static bool read_until(int fd, const char *want)
{
	char got[512];
	size_t len = 0;
	struct pollfd pfd = { .fd = fd, .events = POLLIN };

	while (len < sizeof(got) - 1 && poll(&pfd, 1, 2000) > 0) {
		ssize_t n = read(fd, got + len, sizeof(got) - 1 - len);

		if (n <= 0)
			return false;
		len += (size_t)n;
		got[len] = '\0';
		if (strstr(got, want))
			return true;
	}
	return false;
}

/* The client in a child: stdin from in[0], stdout to out[1]. */
static pid_t start_client(const char *socket, uint32_t domid, int in[2], int out[2])
{
	pid_t pid = fork();
	struct bx_xs xs = { .fd = -1 };

	if (pid != 0)
		return pid;
	dup2(in[0], STDIN_FILENO);
	dup2(out[1], STDOUT_FILENO);
	alarm(20);
	if (bx_xs_open(&xs, socket) < 0)
		_exit(3);
	_exit(console_attach(&xs, domid, 0, stderr) == 0 ? 0 : 4);
}

/* A pty master; *slave stays open, as the daemon keeps it, so the
 * master never sees a hang-up while no client has the pty open. */
static int open_master(char **name, int *slave)
{
	int master = posix_openpt(O_RDWR | O_NOCTTY);
	struct termios term;

	if (master < 0 || grantpt(master) || unlockpt(master))
		return -1;
	*name = ptsname(master);
	/* Raw, so the checks see exactly what went through. */
	*slave = open(*name, O_RDWR | O_NOCTTY);
	if (*slave >= 0 && tcgetattr(*slave, &term) == 0) {
		cfmakeraw(&term);
		tcsetattr(*slave, TCSANOW, &term);
	}
	return *slave >= 0 ? master : -1;
}

static int wait_status(pid_t pid)
{
	int status;

	if (waitpid(pid, &status, 0) != pid)
		return -1;
	return WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
}

static void test_roundtrip(const char *socket, struct bx_xs *xs)
{
	int in[2], out[2], master, slave = -1, status;
	char *name;
	pid_t pid;

	master = open_master(&name, &slave);
	if (!CHECK(master >= 0 && pipe(in) == 0 && pipe(out) == 0, "a pty and pipes for the client"))
		return;
	bx_xs_rm(xs, 0, "/local/domain/7");
	pid = start_client(socket, 7, in, out);
	usleep(300 * 1000); /* the client is waiting for the key now */
	CHECK(bx_xs_write_str(xs, 0, "/local/domain/7/console/tty", name) == 0,
	      "the daemon's part: console/tty written after the client started");
	CHECK(write(in[1], "typed\n", 6) == 6 && read_until(master, "typed"),
	      "what is typed reaches the console pty");
	CHECK(write(master, "guest says hi\r\n", 15) == 15 && read_until(out[0], "guest says hi"),
	      "what the guest prints reaches stdout");
	CHECK(write(in[1], "last\x1d" "after", 10) == 10 && read_until(master, "last"),
	      "the bytes before Ctrl-] still go through");
	status = wait_status(pid);
	CHECK(status == 0, "Ctrl-] detaches and console_attach returns 0 (status %d)", status);
	close(in[0]), close(in[1]), close(out[0]), close(out[1]), close(master), close(slave);
}

static void test_no_tty(const char *socket, struct bx_xs *xs)
{
	int in[2], out[2], status;
	pid_t pid;

	if (!CHECK(pipe(in) == 0 && pipe(out) == 0, "pipes for the client"))
		return;
	bx_xs_rm(xs, 0, "/local/domain/8");
	pid = start_client(socket, 8, in, out);
	status = wait_status(pid);
	CHECK(status == 4, "no console/tty within %d s: console_attach fails (status %d)",
	      CONSOLE_TTY_WAIT_MS / 1000, status);
	close(in[0]), close(in[1]), close(out[0]), close(out[1]);
}

static void test_keys(struct bx_xs *xs)
{
	char *k0 = console_tty_key(xs, 3, 0), *k2 = console_tty_key(xs, 3, 2);

	CHECK(k0 && strcmp(k0, "/local/domain/3/console/tty") == 0, "console 0's key (%s)", k0);
	CHECK(k2 && strcmp(k2, "/local/domain/3/device/console/2/tty") == 0,
	      "console 2's key (%s)", k2);
	free(k0);
	free(k2);
}

int test_client(const char *socket)
{
	struct bx_xs xs = { .fd = -1 };

	signal(SIGPIPE, SIG_IGN);
	if (!CHECK(bx_xs_open(&xs, socket) == 0, "the test reaches xenstored at %s", socket))
		return check_failures;
	test_keys(&xs);
	test_roundtrip(socket, &xs);
	test_no_tty(socket, &xs);
	bx_xs_close(&xs);
	return check_failures;
}
