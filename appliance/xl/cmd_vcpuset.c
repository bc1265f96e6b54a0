/*
 * cmd_vcpuset.c - `xl vcpu-set <Domain> <vCPUs>`: how many of a PVH
 * guest's vCPUs are online, through xenstore's cpu/N/availability as
 * libxl does for PV and PVH guests (the guest's own xenbus CPU hotplug
 * acts on it).  vCPUs past the domain's maximum cannot be added.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "xl.h"

int main_vcpuset(int argc, char **argv)
{
	while (xl_getopt(argc, argv, "", "vcpu-set", 2) != -1)
		;
	xl_open();
	uint32_t domid = xl_find_domain(argv[optind]);
	char *end;
	long want = strtol(argv[optind + 1], &end, 10);
	struct xen_domctl_getdomaininfo info;
	if (*end || want < 1) {
		fprintf(stderr, "Error: Invalid argument %s as number of vcpus.\n", argv[optind + 1]);
		return EXIT_FAILURE;
	}
	if (bx_getdomaininfo(&xl_bx, domid, &info) || info.domain != domid) {
		fprintf(stderr, "xl: domain %u does not exist\n", domid);
		return EXIT_FAILURE;
	}
	uint32_t max = info.max_vcpu_id + 1;
	if ((unsigned long)want > max) {
		fprintf(stderr, "You are overcommmitting! You have %u VCPUs in the domain and requested %ld\n", max,
			want);
		return EXIT_FAILURE;
	}
	for (uint32_t i = 0; i < max; i++) {
		char path[64];
		snprintf(path, sizeof(path), "/local/domain/%u/cpu/%u/availability", domid, i);
		int rc = bx_xs_write_str(&xl_xs, 0, path, i < (unsigned long)want ? "online" : "offline");
		if (rc) {
			fprintf(stderr, "xl: writing %s: %s\n", path, strerror(-rc));
			return EXIT_FAILURE;
		}
	}
	return EXIT_SUCCESS;
}
