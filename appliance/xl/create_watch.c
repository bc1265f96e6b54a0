/*
 * create_watch.c - what `xl create` leaves behind: a process, detached
 * from the terminal, that watches @releaseDomain and, when its domain
 * stops, does what on_poweroff / on_reboot / on_watchdog / on_crash /
 * on_soft_reset say (Xen 4.17's xl daemon does the same; its log lines
 * are kept, in /var/log/xen/xl-NAME.log).  A restarted guest is built
 * again from the same configuration, with the same name and UUID.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "create.h"
#include "public/sched.h"

#define LOG_DIR "/var/log/xen"

/* Points stdin at /dev/null and stdout/stderr at the domain's log. */
static void detach(const char *name)
{
	char path[300];
	snprintf(path, sizeof(path), LOG_DIR "/xl-%s.log", name);
	int in = open("/dev/null", O_RDONLY), out = open(path, O_WRONLY | O_CREAT | O_APPEND, 0644);
	if (out < 0)
		out = open("/dev/null", O_WRONLY);
	if (in >= 0)
		dup2(in, STDIN_FILENO);
	if (out >= 0) {
		dup2(out, STDOUT_FILENO);
		dup2(out, STDERR_FILENO);
	}
	if (in > STDERR_FILENO)
		close(in);
	if (out > STDERR_FILENO)
		close(out);
	setvbuf(stdout, NULL, _IOLBF, 0);
	setsid();
}

/* The configured action for a shutdown reason. */
static enum xl_action action_for(const struct xl_domain_cfg *dom, unsigned reason)
{
	switch (reason) {
	case SHUTDOWN_poweroff:
		return dom->on_poweroff;
	case SHUTDOWN_reboot:
		return dom->on_reboot;
	case SHUTDOWN_watchdog:
		return dom->on_watchdog;
	case SHUTDOWN_soft_reset:
		return dom->on_soft_reset;
	default:
		return dom->on_crash;
	}
}

enum watch_result { KEEP_WATCHING, DOMAIN_GONE, DOMAIN_RESTARTED };

/* Acts on domain domid if it has stopped; *domid changes on a restart. */
static enum watch_result check_domain(uint32_t *domid, const struct xl_domain_cfg *dom)
{
	struct xen_domctl_getdomaininfo info;
	if (bx_getdomaininfo(&xl_bx, *domid, &info) || info.domain != *domid || (info.flags & XEN_DOMINF_dying))
		return DOMAIN_GONE;
	if (!(info.flags & XEN_DOMINF_shutdown))
		return KEEP_WATCHING;
	unsigned reason = (info.flags >> XEN_DOMINF_shutdownshift) & XEN_DOMINF_shutdownmask;
	if (reason == SHUTDOWN_suspend)
		return KEEP_WATCHING;
	enum xl_action act = action_for(dom, reason);
	printf("Domain %u has shut down, reason code %u 0x%x\n", *domid, reason, info.flags);
	printf("Action for shutdown reason code %u is %s\n", reason, xl_action_name(act));
	if (act == XL_ACTION_PRESERVE)
		return DOMAIN_GONE;
	if (act == XL_ACTION_COREDUMP_DESTROY || act == XL_ACTION_COREDUMP_RESTART ||
	    act == XL_ACTION_SOFT_RESET)
		printf("%s is not supported here; the domain is destroyed%s\n", xl_action_name(act),
		       act == XL_ACTION_COREDUMP_RESTART ? " and restarted" : "");
	printf("Domain %u needs to be cleaned up: destroying the domain\n", *domid);
	xl_destroy_domain(*domid);
	if (act != XL_ACTION_RESTART && act != XL_ACTION_RENAME_RESTART && act != XL_ACTION_COREDUMP_RESTART)
		return DOMAIN_GONE;
	printf("Done. Rebooting now\n");
	return xl_create_domain(dom, false, domid) ? DOMAIN_GONE : DOMAIN_RESTARTED;
}

/* The child's life: reconnect, watch, act; never returns. */
static void watch_loop(uint32_t domid, const struct xl_domain_cfg *dom)
{
	bx_close(&xl_bx);
	xl_xs.fd = -1; /* the parent's connection stays the parent's */
	xl_open();
	if (bx_xs_watch(&xl_xs, "@releaseDomain", "xl-create") < 0) {
		printf("cannot watch @releaseDomain: %s\n", strerror(errno));
		exit(EXIT_FAILURE);
	}
	printf("Waiting for domain %s (domid %u) to die [pid %ld]\n", dom->name, domid, (long)getpid());
	for (;;) {
		char *path, *token;
		int rc = bx_xs_read_watch(&xl_xs, -1, &path, &token);
		if (rc < 0) {
			printf("xenstore connection lost: %s\n", strerror(-rc));
			exit(EXIT_FAILURE);
		}
		free(path);
		enum watch_result r = check_domain(&domid, dom);
		if (r == DOMAIN_GONE)
			break;
		if (r == DOMAIN_RESTARTED)
			printf("Waiting for domain %s (domid %u) to die [pid %ld]\n", dom->name, domid,
			       (long)getpid());
	}
	printf("Done. Exiting now\n");
	exit(EXIT_SUCCESS);
}

int xl_watch_domain(uint32_t domid, const struct xl_domain_cfg *dom)
{
	fflush(NULL);
	pid_t pid = fork();
	if (pid < 0) {
		fprintf(stderr, "xl create: cannot start the domain's watcher: %s\n", strerror(errno));
		return -1;
	}
	if (pid > 0)
		return 0;
	detach(dom->name);
	watch_loop(domid, dom);
	return 0;
}
