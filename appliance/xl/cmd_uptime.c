/*
 * cmd_uptime.c - xl uptime [-s]: dom0's uptime from /proc/uptime, a
 * guest's from the start_time libxl keeps under its /vm/<uuid> path, in
 * the table or the short uptime(1)-like form of Xen 4.17's xl_info.c.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "xl.h"

/* Seconds since the domain started, or -1 if unknown. */
static long domain_uptime(uint32_t domid, time_t now)
{
	char path[64], *vm, *start, *full;
	FILE *f;
	double secs = -1;
	long up = -1;

	if (domid == 0) {
		f = fopen("/proc/uptime", "r");
		if (f && fscanf(f, "%lf", &secs) == 1)
			up = (long)secs;
		if (f)
			fclose(f);
		return up;
	}
	snprintf(path, sizeof(path), "/local/domain/%u/vm", domid);
	vm = bx_xs_read(&xl_xs, 0, path, NULL);
	if (vm && asprintf(&full, "%s/start_time", vm) >= 0) {
		start = bx_xs_read(&xl_xs, 0, full, NULL);
		if (start)
			up = (long)(now - (time_t)strtoul(start, NULL, 10));
		free(start);
		free(full);
	}
	free(vm);
	return up;
}

static void print_uptime_row(uint32_t domid, bool short_mode, time_t now)
{
	long up = domain_uptime(domid, now);
	char *name, text[64], clock[16];

	if (up < 0) {
		if (domid == 0) {
			fprintf(stderr, "Can not get Dom0 uptime.\n");
			exit(-1);
		}
		return;
	}
	name = xl_domid_to_name(domid);
	xl_format_uptime((unsigned long)(uint32_t)up, short_mode, text, sizeof(text));
	if (short_mode) {
		strftime(clock, sizeof(clock), "%H:%M:%S", localtime(&now));
		printf(" %s up %s, %s (%d)\n", clock, text, name ? name : "(null)", (int)domid);
	} else {
		printf("%-33s %4d %s\n", name ? name : "(null)", (int)domid, text);
	}
	free(name);
}

/* A stub domain (one with a target) is part of its guest, not a VM. */
static bool is_stubdom(uint32_t domid)
{
	char path[48], *target;

	snprintf(path, sizeof(path), "/local/domain/%u/target", domid);
	target = bx_xs_read(&xl_xs, 0, path, NULL);
	free(target);
	return target != NULL;
}

int main_uptime(int argc, char **argv)
{
	struct xen_domctl_getdomaininfo *infos;
	bool short_mode = false;
	time_t now;
	int opt, n;

	while ((opt = xl_getopt(argc, argv, "s", "uptime", 0)) != -1)
		short_mode = true;
	xl_open();
	now = time(NULL);
	if (!short_mode)
		printf("%-33s %4s %s\n", "Name", "ID", "Uptime");
	if (optind < argc) {
		for (int i = optind; i < argc; i++)
			print_uptime_row(xl_find_domain(argv[i]), short_mode, now);
		return 0;
	}
	print_uptime_row(0, short_mode, now);
	n = bx_list_domains(&xl_bx, &infos);
	if (n < 0) {
		fprintf(stderr, "Could not list vms.\n");
		return 0;
	}
	for (int i = 0; i < n; i++)
		if (infos[i].domain != 0 && !is_stubdom(infos[i].domain))
			print_uptime_row(infos[i].domain, short_mode, now);
	free(infos);
	return 0;
}
