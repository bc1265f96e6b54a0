/*
 * cmd_shutdown.c - xl shutdown and reboot [-w]: libxl 4.17's PV control
 * protocol.  The request word ("poweroff", "reboot") goes to the guest's
 * control/shutdown; the guest acknowledges by emptying it (60 s allowed).
 * An HVM guest without PV drivers (no HVM_PARAM_CALLBACK_IRQ) cannot be
 * asked.  With -w, xl waits on @releaseDomain until the hypervisor says
 * the domain has shut down or is gone.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "public/hvm/params.h"
#include "xl.h"

#define ERROR_FAIL (-3)
#define ERROR_TIMEDOUT (-9)
#define ERROR_NOPARAVIRT (-10)
#define ACK_TIMEOUT_S 60

static int pv_control_available(uint32_t domid)
{
	char path[40], *type;
	uint64_t callback = 0;
	bool hvm;

	snprintf(path, sizeof(path), "/libxl/%u/type", domid);
	type = bx_xs_read(&xl_xs, 0, path, NULL);
	hvm = type && strcmp(type, "hvm") == 0;
	free(type);
	if (!hvm)
		return 1;
	if (bx_hvm_get_param(&xl_bx, domid, HVM_PARAM_CALLBACK_IRQ, &callback) < 0)
		return ERROR_FAIL;
	return callback != 0;
}

/* Waits for the guest to empty control/shutdown, watching the path. */
static int wait_for_ack(const char *path)
{
	time_t deadline = time(NULL) + ACK_TIMEOUT_S;
	char *value, *ev_path, *token;
	int rc = bx_xs_watch(&xl_xs, path, "xl-ack");

	while (rc >= 0 && time(NULL) < deadline) {
		value = bx_xs_read(&xl_xs, 0, path, NULL);
		if (!value || !*value) {
			free(value);
			bx_xs_unwatch(&xl_xs, path, "xl-ack");
			return 0;
		}
		free(value);
		rc = bx_xs_read_watch(&xl_xs, 1000, &ev_path, &token);
		if (rc > 0)
			free(ev_path);
	}
	return rc < 0 ? ERROR_FAIL : ERROR_TIMEDOUT;
}

static int send_control(uint32_t domid, const char *word)
{
	char path[56];
	int rc = pv_control_available(domid);

	if (rc <= 0)
		return rc < 0 ? rc : ERROR_NOPARAVIRT;
	snprintf(path, sizeof(path), "/local/domain/%u/control/shutdown", domid);
	rc = bx_xs_write_str(&xl_xs, 0, path, word);
	if (rc < 0) {
		fprintf(stderr, "xl: writing %s: %s\n", path, strerror(-rc));
		return ERROR_FAIL;
	}
	return wait_for_ack(path);
}

/* 1 once the domain has shut down (or is dying or gone), else 0. */
static int domain_stopped(uint32_t domid, bool say)
{
	struct xen_domctl_getdomaininfo info;
	int rc = bx_getdomaininfo(&xl_bx, domid, &info);

	if (rc < 0 || (info.flags & XEN_DOMINF_dying)) {
		if (say)
			fprintf(stderr, "Domain %u has been destroyed\n", domid);
		return 1;
	}
	if (info.flags & XEN_DOMINF_shutdown) {
		if (say)
			fprintf(stderr, "Domain %u has been shut down, reason code %u\n", domid,
				(info.flags >> XEN_DOMINF_shutdownshift) & XEN_DOMINF_shutdownmask);
		return 1;
	}
	return 0;
}

static void wait_for_stop(uint32_t domid)
{
	char *path, *token;

	fprintf(stderr, "Waiting for 1 domains\n");
	bx_xs_watch(&xl_xs, "@releaseDomain", "xl-death");
	while (!domain_stopped(domid, true))
		if (bx_xs_read_watch(&xl_xs, 1000, &path, &token) > 0)
			free(path);
}

static int shutdown_or_reboot(int argc, char **argv, bool reboot)
{
	const char *what = reboot ? "reboot" : "shutdown";
	int opt, rc, wait = 0;
	uint32_t domid;

	while ((opt = xl_getopt(argc, argv, "awF", what, 0)) != -1) {
		if (opt == 'w')
			wait++;
		else {
			fprintf(stderr, "xl %s -%c is not supported by this xl yet.\n", what, opt);
			return EXIT_FAILURE;
		}
	}
	if (optind >= argc) {
		fprintf(stderr, "You must specify -a or a domain id.\n\n");
		return EXIT_FAILURE;
	}
	xl_open();
	domid = xl_find_domain(argv[optind]);
	fprintf(stderr, "%s domain %u\n", reboot ? "Rebooting" : "Shutting down", domid);
	rc = send_control(domid, reboot ? "reboot" : "poweroff");
	if (rc == ERROR_NOPARAVIRT)
		fprintf(stderr, "PV control interface not available: external graceful %s "
			"not possible.\nUse \"-F\" to fallback to ACPI %s event.\n",
			what, reboot ? "reset" : "power");
	if (rc) {
		fprintf(stderr, "%s failed (rc=%d)\n", what, rc);
		return EXIT_FAILURE;
	}
	if (wait)
		wait_for_stop(domid);
	return EXIT_SUCCESS;
}

int main_shutdown(int argc, char **argv)
{
	return shutdown_or_reboot(argc, argv, false);
}

int main_reboot(int argc, char **argv)
{
	return shutdown_or_reboot(argc, argv, true);
}
