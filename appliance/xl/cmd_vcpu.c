/*
 * cmd_vcpu.c - xl vcpu-list and vcpu-pin: each vCPU's CPU, state, time
 * and hard/soft affinity, and setting the affinity, in the formats of Xen
 * 4.17's tools/xl/xl_vcpu.c.  Maps cover max_cpu_id + 1 CPUs, sent as
 * whole bytes as libxl sizes them.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "xl.h"

#define MAP_BYTES(nr_cpus) (((nr_cpus) + 7) / 8)

static int host_cpus(void)
{
	struct xen_sysctl_physinfo p;

	if (bx_physinfo(&xl_bx, &p) < 0) {
		fprintf(stderr, "libxl_physinfo failed.\n");
		return -1;
	}
	return (int)p.max_cpu_id + 1;
}

static void print_vcpu(uint32_t domid, const char *name, uint32_t vcpu, int nr_cpus)
{
	struct xen_domctl_getvcpuinfo info;
	uint8_t hard[64] = { 0 }, soft[64] = { 0 };
	char hard_text[256], soft_text[256];
	uint32_t bits = MAP_BYTES(nr_cpus) * 8;

	if (bx_getvcpuinfo(&xl_bx, domid, vcpu, &info) < 0 ||
	    bx_getvcpuaffinity(&xl_bx, domid, vcpu, hard, soft, bits) < 0) {
		fprintf(stderr, "xl: domain %u vcpu %u: cannot read its state\n", domid, vcpu);
		return;
	}
	printf("%-32s %5u %5u", name ? name : "(null)", domid, vcpu);
	if (!info.online)
		printf("%5c %3c%cp ", '-', '-', '-');
	else
		printf("%5u %3c%c- ", info.cpu, info.running ? 'r' : '-', info.blocked ? 'b' : '-');
	xl_format_bitmap(hard, nr_cpus, hard_text, sizeof(hard_text));
	xl_format_bitmap(soft, nr_cpus, soft_text, sizeof(soft_text));
	printf("%9.1f  %s / %s\n", (double)(float)info.cpu_time / 1e9, hard_text, soft_text);
}

static void print_domain_vcpus(uint32_t domid, int nr_cpus)
{
	struct xen_domctl_getdomaininfo info;
	char *name;

	if (bx_getdomaininfolist(&xl_bx, domid, 1, &info) != 1 || info.domain != domid ||
	    info.max_vcpu_id == XEN_INVALID_MAX_VCPU_ID)
		return;
	name = xl_domid_to_name(domid);
	for (uint32_t v = 0; v <= info.max_vcpu_id; v++)
		print_vcpu(domid, name, v, nr_cpus);
	free(name);
}

int main_vcpulist(int argc, char **argv)
{
	struct xen_domctl_getdomaininfo *infos;
	int nr_cpus, n;

	while (xl_getopt(argc, argv, "", "vcpu-list", 0) != -1)
		;
	xl_open();
	if ((nr_cpus = host_cpus()) < 0)
		return EXIT_SUCCESS;
	if (nr_cpus > 64 * 8)
		nr_cpus = 64 * 8;
	printf("%-32s %5s %5s %5s %5s %9s %s\n", "Name", "ID", "VCPU", "CPU", "State",
	       "Time(s)", "Affinity (Hard / Soft)");
	if (optind < argc) {
		for (int i = optind; i < argc; i++)
			print_domain_vcpus(xl_find_domain(argv[i]), nr_cpus);
		return EXIT_SUCCESS;
	}
	if ((n = xl_list_domains(&infos)) < 0)
		return EXIT_SUCCESS;
	for (int i = 0; i < n; i++)
		print_domain_vcpus(infos[i].domain, nr_cpus);
	free(infos);
	return EXIT_SUCCESS;
}

/* "-" leaves a map alone (NULL); otherwise a CPU range. */
static int parse_map(const char *text, uint8_t *map, int nr_cpus, uint8_t **out)
{
	*out = NULL;
	if (!text || strcmp(text, "-") == 0)
		return 0;
	if (xl_parse_cpurange(text, map, nr_cpus) < 0) {
		fprintf(stderr, "Invalid CPU range '%s' (this host has CPUs 0-%d).\n",
			text, nr_cpus - 1);
		return -1;
	}
	*out = map;
	return 0;
}

static int pin(uint32_t domid, long vcpu, uint8_t *hard, uint8_t *soft, int nr_cpus)
{
	struct xen_domctl_getdomaininfo info;
	uint32_t bits = MAP_BYTES(nr_cpus) * 8;
	uint8_t h[64], s[64];
	long first = vcpu, last = vcpu;
	int rc = 0;

	if (vcpu < 0) {
		if (bx_getdomaininfo(&xl_bx, domid, &info) < 0) {
			fprintf(stderr, "libxl_list_vcpu failed.\n");
			return -1;
		}
		first = 0;
		last = (long)info.max_vcpu_id;
	}
	for (long v = first; v <= last; v++) {
		if (hard)
			memcpy(h, hard, sizeof(h));
		if (soft)
			memcpy(s, soft, sizeof(s));
		if (bx_setvcpuaffinity(&xl_bx, domid, (uint32_t)v, hard ? h : NULL,
				       soft ? s : NULL, bits) < 0)
			rc = -1;
	}
	return rc;
}

int main_vcpupin(int argc, char **argv)
{
	uint8_t hard_map[64], soft_map[64], *hard, *soft;
	int opt, nr_cpus;
	uint32_t domid;
	char *end;
	long vcpu;

	while ((opt = xl_getopt(argc, argv, "fi", "vcpu-pin", 3)) != -1) {
		fprintf(stderr, "xl vcpu-pin -%c is not supported by this xl yet.\n", opt);
		return EXIT_FAILURE;
	}
	xl_open();
	domid = xl_find_domain(argv[optind]);
	vcpu = strtol(argv[optind + 1], &end, 10);
	if (end == argv[optind + 1] || vcpu < 0) {
		if (strcmp(argv[optind + 1], "all") != 0) {
			fprintf(stderr, "Error: Invalid argument %s as VCPU.\n", argv[optind + 1]);
			return EXIT_FAILURE;
		}
		vcpu = -1;
	}
	if ((nr_cpus = host_cpus()) < 0 || nr_cpus > 64 * 8 ||
	    parse_map(argv[optind + 2], hard_map, nr_cpus, &hard) < 0 ||
	    parse_map(optind + 3 < argc ? argv[optind + 3] : NULL, soft_map, nr_cpus, &soft) < 0)
		return EXIT_FAILURE;
	if (pin(domid, vcpu, hard, soft, nr_cpus) < 0) {
		if (vcpu >= 0)
			fprintf(stderr, "Could not set affinity for vcpu `%ld'.\n", vcpu);
		else
			fprintf(stderr, "Could not set affinity.\n");
		return vcpu >= 0 ? EXIT_FAILURE : EXIT_SUCCESS;
	}
	return EXIT_SUCCESS;
}
