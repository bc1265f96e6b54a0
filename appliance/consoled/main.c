/*
 * main.c - bastion-consoled's command line, which takes xenconsoled's
 * options (Xen 4.17 tools/console/daemon): -i stays in the foreground,
 * --log=none|guest|hv|all, --log-dir=DIR, --pid-file=PATH,
 * -t/--timestamp=none|guest|hv|all, -o/--overflow-data=discard|keep,
 * --replace-escape, -v, -V, -h.  Then it opens the hypervisor, gntdev and
 * xenstore handles, watches @introduceDomain and @releaseDomain, and
 * runs the loop.  The hypervisor log (--log=hv) is not implemented.
 */
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <syslog.h>
#include <unistd.h>

#include "consoled.h"

#define DEFAULT_LOG_DIR "/var/log/xen/console"
#define DEFAULT_PID_FILE "/run/xen/bastion-consoled.pid"

static void usage(FILE *out, const char *prog)
{
	fprintf(out, "Usage: %s [-h] [-V] [-v] [-i] [--log=none|guest|hv|all] [--log-dir=DIR]"
		" [--pid-file=PATH] [-t, --timestamp=none|guest|hv|all]"
		" [-o, --overflow-data=discard|keep] [--replace-escape]\n", prog);
}

/* "none|guest|hv|all" into two flags; false for another word. */
static bool parse_which(const char *word, bool *guest, bool *hv)
{
	if (strcmp(word, "none") && strcmp(word, "guest") && strcmp(word, "hv") &&
	    strcmp(word, "all"))
		return false;
	*guest = !strcmp(word, "guest") || !strcmp(word, "all");
	*hv = !strcmp(word, "hv") || !strcmp(word, "all");
	return true;
}

/* Returns -1 to go on, else the exit status. */
static int parse_options(int argc, char **argv, struct cons_opts *opts)
{
	static const struct option longs[] = {
		{ "help", no_argument, NULL, 'h' }, { "version", no_argument, NULL, 'V' },
		{ "verbose", no_argument, NULL, 'v' }, { "interactive", no_argument, NULL, 'i' },
		{ "log", required_argument, NULL, 'l' }, { "log-dir", required_argument, NULL, 'r' },
		{ "pid-file", required_argument, NULL, 'p' },
		{ "timestamp", required_argument, NULL, 't' },
		{ "overflow-data", required_argument, NULL, 'o' },
		{ "replace-escape", no_argument, NULL, 'e' }, { NULL, 0, NULL, 0 },
	};
	bool stamp_hv, ok = true;
	int ch;

	while (ok && (ch = getopt_long(argc, argv, "hVvit:o:", longs, NULL)) != -1) {
		switch (ch) {
		case 'h': usage(stdout, argv[0]); return 0;
		case 'V': printf("bastion-consoled (xenconsoled 3.0 compatible)\n"); return 0;
		case 'v': opts->verbose = true; break;
		case 'i': opts->foreground = true; break;
		case 'l': ok = parse_which(optarg, &opts->log_guest, &opts->log_hv); break;
		case 'r': opts->log_dir = optarg; break;
		case 'p': opts->pid_file = optarg; break;
		case 't': ok = parse_which(optarg, &opts->stamp_guest, &stamp_hv); break;
		case 'o':
			ok = !strcmp(optarg, "keep") || !strcmp(optarg, "discard");
			opts->keep_overflow = !strcmp(optarg, "keep");
			break;
		case 'e': opts->replace_escape = true; break;
		default: ok = false; optarg = NULL; break;
		}
	}
	if (!ok || optind != argc) {
		if (optarg)
			fprintf(stderr, "%s: bad value '%s' for option %s\n", argv[0], optarg,
				argv[optind - 1]);
		usage(stderr, argv[0]);
		return 2;
	}
	return -1;
}

static int write_pid_file(const char *path)
{
	char text[24];
	int fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
	int len = snprintf(text, sizeof(text), "%ld\n", (long)getpid());

	if (fd < 0 || write(fd, text, (size_t)len) != len) {
		fprintf(stderr, "bastion-consoled: cannot write pid file %s: %s\n", path,
			strerror(errno));
		if (fd >= 0)
			close(fd);
		return -1;
	}
	return close(fd);
}

/* Detaches from the terminal as a daemon: two forks, a new session. */
static int daemonize(void)
{
	pid_t pid = fork();
	int null;

	if (pid < 0)
		return -1;
	if (pid > 0)
		_exit(0);
	setsid();
	pid = fork();
	if (pid < 0)
		return -1;
	if (pid > 0)
		_exit(0);
	if (chdir("/") < 0)
		return -1;
	umask(022);
	null = open("/dev/null", O_RDWR);
	if (null >= 0) {
		dup2(null, 0);
		dup2(null, 1);
		dup2(null, 2);
		if (null > 2)
			close(null);
	}
	return 0;
}

static int open_handles(struct consoled *cd)
{
	int rc = bx_open(&cd->bx);

	if (rc < 0) {
		fprintf(stderr, "bastion-consoled: cannot open %s: %s\n", BX_DEV_PRIVCMD,
			strerror(-rc));
		return -1;
	}
	cd->gntdev_fd = bx_gntdev_open();
	if (cd->gntdev_fd < 0)
		cd->gntdev_fd = -1; /* rings are then mapped as foreign frames */
	rc = bx_xs_open(&cd->xs, NULL);
	if (rc < 0) {
		fprintf(stderr, "bastion-consoled: cannot reach xenstored: %s\n", strerror(-rc));
		return -1;
	}
	if (bx_xs_watch(&cd->xs, "@introduceDomain", "domlist") < 0 ||
	    bx_xs_watch(&cd->xs, "@releaseDomain", "domlist") < 0) {
		fprintf(stderr, "bastion-consoled: cannot watch @introduceDomain and "
			"@releaseDomain\n");
		return -1;
	}
	return 0;
}

int main(int argc, char **argv)
{
	struct consoled cd = { .bx = BX_INIT, .xs = { .fd = -1 }, .gntdev_fd = -1 };
	int rc;

	cd.opts.log_dir = DEFAULT_LOG_DIR;
	rc = parse_options(argc, argv, &cd.opts);
	if (rc >= 0)
		return rc;
	signal(SIGPIPE, SIG_IGN);
	if (open_handles(&cd) < 0)
		return 1;
	if (cd.opts.log_hv)
		fprintf(stderr, "bastion-consoled: --log=hv: the hypervisor log is not "
			"implemented; guest logs only\n");
	if (!cd.opts.foreground && daemonize() < 0)
		return 1;
	if ((cd.opts.pid_file || !cd.opts.foreground) &&
	    write_pid_file(cd.opts.pid_file ? cd.opts.pid_file : DEFAULT_PID_FILE) < 0)
		return 1;
	cons_log_init(cd.opts.foreground, cd.opts.verbose);
	cons_enumerate(&cd);
	cons_run(&cd);
	bx_xs_close(&cd.xs);
	bx_close(&cd.bx);
	return 1;
}
