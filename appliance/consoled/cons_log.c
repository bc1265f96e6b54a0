/*
 * cons_log.c - where bastion-consoled's words go, and the guests' console
 * logs.  Messages (warnings and errors; with -v all) go to stderr in the
 * foreground (-i) and to syslog otherwise.  A guest's output is appended
 * to LOG_DIR/guest-NAME.log, NAME being /local/domain/N/name, as
 * xenconsoled names it; with --timestamp=guest each line starts with
 * "[YYYY-MM-DD HH:MM:SS] ".
 */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <syslog.h>
#include <time.h>
#include <unistd.h>

#include "consoled.h"

static bool to_stderr;
static int max_prio = LOG_WARNING;

void cons_log_init(bool foreground, bool verbose)
{
	to_stderr = foreground;
	max_prio = verbose ? LOG_DEBUG : LOG_WARNING;
	if (!foreground) {
		openlog("bastion-consoled", LOG_CONS | LOG_PID, LOG_DAEMON);
		setlogmask(LOG_UPTO(max_prio));
	}
}

void cons_msg(int prio, const char *fmt, ...)
{
	va_list ap;

	if (prio > max_prio)
		return;
	va_start(ap, fmt);
	if (to_stderr) {
		fputs("bastion-consoled: ", stderr);
		vfprintf(stderr, fmt, ap);
		fputc('\n', stderr);
	} else {
		vsyslog(prio, fmt, ap);
	}
	va_end(ap);
}

int cons_log_open(struct consoled *cd, struct cons_console *con)
{
	char path[64], file[PATH_MAX];
	char *name;
	int fd;

	snprintf(path, sizeof(path), "/local/domain/%u/name", con->domid);
	name = bx_xs_read(&cd->xs, 0, path, NULL);
	if (!name || !*name || strchr(name, '/')) {
		cons_msg(LOG_ERR, "domain %u: no usable %s for its log", con->domid, path);
		free(name);
		return -1;
	}
	snprintf(file, sizeof(file), "%s/guest-%s.log", cd->opts.log_dir, name);
	free(name);
	fd = open(file, O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0644);
	if (fd < 0)
		cons_msg(LOG_ERR, "domain %u: cannot open log %s: %s", con->domid,
			 file, strerror(errno));
	con->log_line_start = true;
	return fd;
}

/* One piece of output up to and including a newline (or the end). */
static int log_piece(struct consoled *cd, struct cons_console *con,
		     const char *data, size_t len)
{
	char copy[256], stamp[32];
	time_t now;
	struct tm tm;

	if (cd->opts.stamp_guest && con->log_line_start) {
		now = time(NULL);
		localtime_r(&now, &tm);
		strftime(stamp, sizeof(stamp), "[%Y-%m-%d %H:%M:%S] ", &tm);
		if (bx_write_all(con->log_fd, stamp, strlen(stamp)) < 0)
			return -1;
	}
	con->log_line_start = data[len - 1] == '\n';
	if (!cd->opts.replace_escape)
		return bx_write_all(con->log_fd, data, len);
	while (len) {
		size_t n = len < sizeof(copy) ? len : sizeof(copy);

		for (size_t i = 0; i < n; i++)
			copy[i] = data[i] == '\033' ? '.' : data[i];
		if (bx_write_all(con->log_fd, copy, n) < 0)
			return -1;
		data += n;
		len -= n;
	}
	return 0;
}

void cons_log_write(struct consoled *cd, struct cons_console *con,
		    const char *data, size_t len)
{
	const char *nl;
	size_t n;

	while (con->log_fd >= 0 && len) {
		nl = memchr(data, '\n', len);
		n = nl ? (size_t)(nl - data) + 1 : len;
		if (log_piece(cd, con, data, n) < 0) {
			cons_msg(LOG_ERR, "domain %u: log write failed: %s", con->domid,
				 strerror(errno));
			return;
		}
		data += n;
		len -= n;
	}
}
