/*
 * main.c - xenstored's command line and event loop.  Options follow Xen
 * 4.17's C xenstored where they apply (-D/--no-domain-init, -F/--pid-file,
 * -K/--keep-orphans, -N/--no-fork, -P/--output-pid, -T/--trace-file,
 * -V/--verbose, the quota options -E -S -W -t -A -M -Q); options of Xen's
 * daemon that have no meaning here (-R, -I, -q, -w, -e, -m, -p) are
 * accepted and ignored.  Without -D the daemon serves real domains in a
 * Linux dom0 (xs_ring_xen.c): the local domain's ring first, then every
 * domain INTRODUCE names, and it watches VIRQ_DOM_EXC for deaths.  Ours:
 * --ring-dir DIR serves introduced domains through the host shared-memory
 * ring backend (xs_ring_shm.c) instead; --domain-socket DOMID:PATH is an
 * extra socket whose clients act as that (unprivileged) domain;
 * --log-file FILE appends the daemon's log there; --foreign-map maps
 * every domU ring as foreign memory, never through its grant.
 */
#include <errno.h>
#include <getopt.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "xs_ring.h"
#include "xs_ring_xen.h"
#include "xs_loop.h"
#include "xs_socket.h"

#define MAX_DOMAIN_SOCKETS 8

struct options {
	bool no_domain_init, fork, output_pid, foreign_map;
	const char *pid_file, *trace_file, *ring_dir, *log_file;
	uint32_t local_port; /* the local domain's xenstore channel */
	struct {
		uint32_t domid;
		const char *path;
	} dom_socks[MAX_DOMAIN_SOCKETS];
	size_t ndom_socks;
};

static volatile sig_atomic_t quit_signal;

static void on_signal(int sig)
{
	quit_signal = sig;
}

static void usage(FILE *f)
{
	fprintf(f,
		"Usage: xenstored [options]\n"
		"  -D, --no-domain-init      run without a hypervisor (no dom0 ring)\n"
		"  -F, --pid-file <file>     write the daemon's pid to <file>\n"
		"  -N, --no-fork             stay in the foreground\n"
		"  -P, --output-pid          print the daemon's pid\n"
		"  -T, --trace-file <file>   trace every message to <file>\n"
		"  -V, --verbose             log to stderr\n"
		"  -K, --keep-orphans        give a released domain's nodes to dom0\n"
		"  -E, --entry-nb <n>        nodes a domain may own\n"
		"  -S, --entry-size <n>      bytes of one node\n"
		"  -W, --watch-nb <n>        watches per domain\n"
		"  -t, --transaction <n>     open transactions per connection\n"
		"  -A, --perm-nb <n>         entries in a permission list\n"
		"  -M, --path-max <n>        path characters below a domain's home\n"
		"  -Q, --quota <name>=<n>    any quota by name (see XS_CONTROL quota)\n"
		"      --ring-dir <dir>      serve domains' rings from files in <dir>\n"
		"      --domain-socket <domid>:<path>\n"
		"                            extra socket whose clients act as <domid>\n"
		"      --log-file <file>     append the daemon's log to <file>\n"
		"      --foreign-map         map domains' rings by frame, not grant\n"
		"  -H, --help                this text\n");
}

static int set_quota(struct xs_daemon *d, const char *name, const char *v)
{
	if (xs_quota_set(&d->quota, name, v)) {
		fprintf(stderr, "xenstored: bad value \"%s\" for quota %s\n", v,
			name);
		return -1;
	}
	return 0;
}

static int quota_assignment(struct xs_daemon *d, char *arg)
{
	char *eq = strchr(arg, '=');

	if (!eq) {
		fprintf(stderr, "xenstored: -Q wants <name>=<value>, got \"%s\"\n",
			arg);
		return -1;
	}
	*eq = '\0';
	return set_quota(d, arg, eq + 1);
}

static const struct option long_opts[] = {
	{ "no-domain-init", 0, NULL, 'D' }, { "pid-file", 1, NULL, 'F' },
	{ "help", 0, NULL, 'H' },           { "no-fork", 0, NULL, 'N' },
	{ "output-pid", 0, NULL, 'P' },     { "trace-file", 1, NULL, 'T' },
	{ "verbose", 0, NULL, 'V' },        { "entry-nb", 1, NULL, 'E' },
	{ "entry-size", 1, NULL, 'S' },     { "watch-nb", 1, NULL, 'W' },
	{ "transaction", 1, NULL, 't' },    { "perm-nb", 1, NULL, 'A' },
	{ "path-max", 1, NULL, 'M' },       { "quota", 1, NULL, 'Q' },
	{ "quota-soft", 1, NULL, 'q' },     { "timeout", 1, NULL, 'w' },
	{ "no-recovery", 0, NULL, 'R' },    { "internal-db", 2, NULL, 'I' },
	{ "keep-orphans", 0, NULL, 'K' },   { "event", 1, NULL, 'e' },
	{ "master-domid", 1, NULL, 'm' },   { "priv-domid", 1, NULL, 'p' },
	{ "ring-dir", 1, NULL, 0x100 },     { "domain-socket", 1, NULL, 0x101 },
	{ "log-file", 1, NULL, 0x102 },     { "foreign-map", 0, NULL, 0x103 },
	{ NULL, 0, NULL, 0 }
};

static int domain_socket_opt(struct options *o, char *arg)
{
	char *colon = strchr(arg, ':');
	uint64_t domid;

	if (!colon || o->ndom_socks == MAX_DOMAIN_SOCKETS) {
		fprintf(stderr, "xenstored: --domain-socket wants <domid>:<path>"
				" (at most %d), got \"%s\"\n",
			MAX_DOMAIN_SOCKETS, arg);
		return -1;
	}
	*colon = '\0';
	if (xs_parse_u64(arg, XS_DOMID_LIMIT - 1, &domid) || domid == 0) {
		fprintf(stderr, "xenstored: --domain-socket: bad domain id "
				"\"%s\" (1..%u)\n", arg, XS_DOMID_LIMIT - 1);
		return -1;
	}
	o->dom_socks[o->ndom_socks].domid = (uint32_t)domid;
	o->dom_socks[o->ndom_socks++].path = colon + 1;
	return 0;
}

/* Returns 0 to run, 1 to exit successfully, -1 on a usage error. */
static int parse_options(int argc, char **argv, struct xs_daemon *d,
			 struct options *o)
{
	static const char quota_of[] = "ESWtAM";
	static const char *const quota_name[] = { "nodes", "node-size",
		"watches", "transactions", "permissions", "path-length" };
	int opt;

	while ((opt = getopt_long(argc, argv, "DF:HNPT:VE:S:W:t:A:M:Q:q:w:RI::Ke:m:p:",
				  long_opts, NULL)) != -1) {
		const char *q = opt > 0 && opt < 0x100 ? strchr(quota_of, opt) : NULL;
		if (q) {
			if (set_quota(d, quota_name[q - quota_of], optarg))
				return -1;
			continue;
		}
		switch (opt) {
		case 'D': o->no_domain_init = true; break;
		case 'F': o->pid_file = optarg; break;
		case 'H': usage(stdout); return 1;
		case 'N': o->fork = false; break;
		case 'P': o->output_pid = true; break;
		case 'T': o->trace_file = optarg; break;
		case 'V': d->verbose = true; break;
		case 'Q': if (quota_assignment(d, optarg)) return -1; break;
		case 0x100: o->ring_dir = optarg; break;
		case 0x101: if (domain_socket_opt(o, optarg)) return -1; break;
		case 0x102: o->log_file = optarg; break;
		case 0x103: o->foreign_map = true; break;
		case 'K': d->keep_orphans = true; break;
		case 'q': case 'w': case 'R': case 'I':
		case 'e': case 'm': case 'p':
			break; /* Xen options with no effect here */
		default: usage(stderr); return -1;
		}
	}
	if (optind != argc) {
		fprintf(stderr, "xenstored: unexpected argument \"%s\"\n",
			argv[optind]);
		return -1;
	}
	return 0;
}

static int write_pid_file(const char *file)
{
	FILE *f = fopen(file, "w");

	if (!f || fprintf(f, "%ld\n", (long)getpid()) < 0 || fclose(f)) {
		fprintf(stderr, "xenstored: cannot write pid file %s: %s\n",
			file, strerror(errno));
		return -1;
	}
	return 0;
}

static int daemonize(const struct options *o)
{
	pid_t pid;

	if (!o->fork) {
		if (o->output_pid)
			printf("%ld\n", (long)getpid());
		fflush(stdout);
		return 0;
	}
	pid = fork();
	if (pid < 0)
		return -1;
	if (pid > 0) {
		if (o->output_pid)
			printf("%ld\n", (long)pid);
		exit(0);
	}
	setsid();
	if (!freopen("/dev/null", "r", stdin) ||
	    !freopen("/dev/null", "w", stdout))
		return -1;
	return 0;
}

/* Before forking: the devices open and the local domain's port known. */
static int setup_xen(struct xs_daemon *d, struct options *o)
{
	int err;

	d->ring_ctx = xs_ring_xen_new(o->foreign_map, d->log);
	if (!d->ring_ctx) {
		fprintf(stderr, "xenstored: cannot open /dev/xen/privcmd: %s "
				"(without a hypervisor, run with "
				"--no-domain-init)\n", strerror(errno));
		return -1;
	}
	d->ring_be = &xs_ring_xen_backend;
	d->dominfo = xs_xen_dominfo;
	d->dominfo_ctx = d->ring_ctx;
	err = xs_xen_local_port(&o->local_port);
	if (err) {
		fprintf(stderr, "xenstored: no xenstore event channel from "
				"/dev/xen/xenbus_backend: %s\n", strerror(err));
		return -1;
	}
	return 0;
}

static int setup_rings(struct xs_daemon *d, struct options *o)
{
	if (o->ring_dir) {
		d->ring_ctx = xs_ring_shm_new(o->ring_dir);
		if (!d->ring_ctx)
			return -1;
		d->ring_be = &xs_ring_shm_backend;
		return 0;
	}
	return o->no_domain_init ? 0 : setup_xen(d, o);
}

/* After forking (mappings of granted and foreign pages are not inherited):
 * the local domain's ring, then the channel that reports domain deaths. */
static int start_xen(struct xs_daemon *d, const struct options *o)
{
	int err;

	if (d->ring_be != &xs_ring_xen_backend)
		return 0;
	err = xs_domain_introduce(d, 0, 0, o->local_port);
	if (err) {
		xs_log(d, "cannot connect the local domain's ring (port %u): %s",
		       o->local_port, strerror(err));
		return -1;
	}
	d->domexc_fd = xs_xen_bind_dom_exc();
	if (d->domexc_fd < 0)
		xs_log(d, "cannot bind VIRQ_DOM_EXC: %s; dead domains are "
			  "released only by RELEASE", strerror(errno));
	return 0;
}

static int listen_on(struct xs_listener *l, const char *path, uint32_t domid)
{
	l->domid = domid;
	l->fd = xs_socket_listen(path);
	if (l->fd < 0) {
		fprintf(stderr, "xenstored: cannot listen on %s: %s\n", path,
			strerror(errno));
		return -1;
	}
	return 0;
}

static int run(struct xs_daemon *d, const struct options *o)
{
	struct xs_listener ls[1 + MAX_DOMAIN_SOCKETS];
	const char *path = xs_socket_path();
	size_t nls = 0;
	int rc = -1;

	if (!path) {
		fprintf(stderr, "xenstored: socket path too long\n");
		return -1;
	}
	if (listen_on(&ls[nls], path, 0))
		return -1;
	for (nls = 1; nls <= o->ndom_socks; nls++)
		if (listen_on(&ls[nls], o->dom_socks[nls - 1].path,
			      o->dom_socks[nls - 1].domid))
			goto out;
	if (daemonize(o) || (o->pid_file && write_pid_file(o->pid_file)) ||
	    start_xen(d, o))
		goto out;
	xs_log(d, "serving on %s", path);
	signal(SIGPIPE, SIG_IGN);
	signal(SIGTERM, on_signal);
	signal(SIGINT, on_signal);
	if (xs_loop_run(d, ls, nls, &quit_signal))
		goto out;
	xs_log(d, "exiting on signal %d", (int)quit_signal);
	rc = 0;
	unlink(path);
	for (size_t i = 0; i < o->ndom_socks; i++)
		unlink(o->dom_socks[i].path);
out:
	while (nls--)
		close(ls[nls].fd);
	return rc;
}

int main(int argc, char **argv)
{
	struct options o = { .fork = true };
	struct xs_daemon d;
	int rc;

	if (xs_daemon_init(&d)) {
		fprintf(stderr, "xenstored: out of memory\n");
		return 1;
	}
	rc = parse_options(argc, argv, &d, &o);
	if (rc)
		return rc > 0 ? 0 : 2;
	if (d.verbose || !o.fork)
		d.log = stderr;
	if (o.log_file && !(d.log = fopen(o.log_file, "a"))) {
		fprintf(stderr, "xenstored: cannot open log file %s: %s\n",
			o.log_file, strerror(errno));
		return 1;
	}
	if (o.trace_file && xs_log_open_trace(&d, o.trace_file)) {
		fprintf(stderr, "xenstored: cannot open trace file %s: %s\n",
			o.trace_file, strerror(errno));
		return 1;
	}
	rc = setup_rings(&d, &o) ? 1 : run(&d, &o) ? 1 : 0;
	xs_daemon_destroy(&d);
	if (d.domexc_fd >= 0)
		close(d.domexc_fd);
	if (d.ring_be == &xs_ring_xen_backend)
		xs_ring_xen_free(d.ring_ctx);
	else
		xs_ring_shm_free(d.ring_ctx);
	return rc;
}
