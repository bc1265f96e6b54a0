/*
 * console_client.c - the terminal side of a guest console: find the pty in
 * xenstore (waiting for the console daemon to publish it, through a watch
 * on the key), put the pty and the local terminal in raw mode, and copy
 * both ways; Ctrl-] detaches.  What a key or a device failed on is named.
 */
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>
#include <termios.h>
#include <time.h>
#include <unistd.h>

#include "console_client.h"

char *console_tty_key(struct bx_xs *xs, uint32_t domid, int num)
{
	char *dompath = bx_xs_get_domain_path(xs, domid), *key = NULL;
	int rc;

	if (!dompath)
		return NULL;
	if (num == 0)
		rc = asprintf(&key, "%s/console/tty", dompath);
	else
		rc = asprintf(&key, "%s/device/console/%d/tty", dompath, num);
	free(dompath);
	return rc < 0 ? NULL : key;
}

static long long now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (long long)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

/* The pty's name at key, waiting up to CONSOLE_TTY_WAIT_MS for it. */
static char *wait_for_tty(struct bx_xs *xs, const char *key)
{
	static const char token[] = "bastion-console-tty";
	long long deadline = now_ms() + CONSOLE_TTY_WAIT_MS, left;
	char *tty = bx_xs_read(xs, 0, key, NULL), *path, *tok;
	bool watching;

	if (tty && *tty)
		return tty;
	watching = bx_xs_watch(xs, key, token) == 0;
	while (watching && (left = deadline - now_ms()) > 0) {
		free(tty);
		tty = bx_xs_read(xs, 0, key, NULL);
		if (tty && *tty)
			break;
		if (bx_xs_read_watch(xs, (int)left, &path, &tok) <= 0)
			continue;
		free(path);
	}
	if (watching)
		bx_xs_unwatch(xs, key, token);
	if (tty && !*tty) {
		free(tty);
		tty = NULL;
	}
	return tty;
}

/* stdin to the pty; returns 1 on Ctrl-], -1 at stdin's end. */
static int copy_input(int pty)
{
	char buf[512], *esc;
	ssize_t n = read(STDIN_FILENO, buf, sizeof(buf));

	if (n < 0 && (errno == EINTR || errno == EAGAIN))
		return 0;
	if (n <= 0)
		return -1;
	esc = memchr(buf, CONSOLE_ESCAPE, (size_t)n);
	if (bx_write_all(pty, buf, esc ? (size_t)(esc - buf) : (size_t)n) < 0)
		return -1;
	return esc ? 1 : 0;
}

/* Copies until Ctrl-] or the pty's end. */
static void copy_loop(int pty)
{
	struct pollfd fds[2] = { { .fd = pty, .events = POLLIN },
				 { .fd = STDIN_FILENO, .events = POLLIN } };
	char buf[4096];
	ssize_t n;

	for (;;) {
		if (poll(fds, 2, -1) < 0) {
			if (errno == EINTR)
				continue;
			return;
		}
		if (fds[1].revents) {
			int rc = copy_input(pty);

			if (rc > 0)
				return;
			if (rc < 0)
				fds[1].fd = -1; /* stdin ended: output only */
		}
		if (fds[0].revents) {
			n = read(pty, buf, sizeof(buf));
			if (n < 0 && (errno == EINTR || errno == EAGAIN))
				continue;
			if (n <= 0 || bx_write_all(STDOUT_FILENO, buf, (size_t)n) < 0)
				return;
		}
	}
}

static int open_pty(const char *tty, FILE *err, uint32_t domid)
{
	struct termios term;
	int pty = open(tty, O_RDWR | O_NOCTTY | O_CLOEXEC);

	if (pty < 0) {
		fprintf(err, "console of domain %u: cannot open %s: %s\n", domid, tty,
			strerror(errno));
		return -errno;
	}
	if (tcgetattr(pty, &term) == 0) {
		cfmakeraw(&term);
		tcsetattr(pty, TCSANOW, &term);
	}
	return pty;
}

int console_attach(struct bx_xs *xs, uint32_t domid, int num, FILE *err)
{
	struct termios saved, raw;
	char *key = console_tty_key(xs, domid, num), *tty;
	bool restore = false;
	int pty;

	if (!key) {
		fprintf(err, "console of domain %u: no such domain in xenstore\n", domid);
		return -ENOENT;
	}
	tty = wait_for_tty(xs, key);
	if (!tty) {
		fprintf(err, "console of domain %u: no pty at %s after %d s\n", domid, key,
			CONSOLE_TTY_WAIT_MS / 1000);
		free(key);
		return -ENOENT;
	}
	free(key);
	pty = open_pty(tty, err, domid);
	free(tty);
	if (pty < 0)
		return pty;
	if (isatty(STDIN_FILENO) && tcgetattr(STDIN_FILENO, &saved) == 0) {
		raw = saved;
		cfmakeraw(&raw);
		restore = tcsetattr(STDIN_FILENO, TCSAFLUSH, &raw) == 0;
	}
	copy_loop(pty);
	if (restore)
		tcsetattr(STDIN_FILENO, TCSAFLUSH, &saved);
	close(pty);
	return 0;
}
