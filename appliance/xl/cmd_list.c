/*
 * cmd_list.c - xl list, domid and domname: the domain table and the
 * name/id look-ups, as Xen 4.17's tools/xl/xl_info.c prints them (memory
 * is current plus outstanding pages in MiB, time is CPU seconds).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "domain_json.h"
#include "xl.h"

static void print_domain_row(const struct xen_domctl_getdomaininfo *info)
{
	char *name = xl_domid_to_name(info->domain);
	char state[7];

	xl_format_state(info->flags, state);
	printf("%-40s %5d %5lu %5d     %s  %8.1f\n", name ? name : "(null)",
	       info->domain,
	       (unsigned long)((info->tot_pages + info->outstanding_pages) * 4 / 1024),
	       (int)info->nr_online_vcpus, state, (double)(float)info->cpu_time / 1e9);
	free(name);
}

int main_list(int argc, char **argv)
{
	struct xen_domctl_getdomaininfo one, *infos = &one;
	int opt, n = 1;
	bool details = false;

	while ((opt = xl_getopt(argc, argv, "lvhZcn", "list", 0)) != -1) {
		if (opt == 'l') {
			details = true;
			continue;
		}
		fprintf(stderr, "xl list -%c is not supported by this xl yet.\n", opt);
		return EXIT_FAILURE;
	}
	xl_open();
	if (optind < argc - 1) {
		xl_help("list");
		return EXIT_FAILURE;
	}
	if (optind == argc - 1) {
		uint32_t domid = xl_find_domain(argv[optind]);
		if (bx_getdomaininfolist(&xl_bx, domid, 1, &one) != 1 || one.domain != domid) {
			fprintf(stderr, "Error: Domain '%s' does not exist.\n", argv[optind]);
			return EXIT_FAILURE;
		}
	} else if ((n = xl_list_domains(&infos)) < 0) {
		return EXIT_FAILURE;
	}
	if (details) {
		xl_list_long(infos, n);
		if (infos != &one)
			free(infos);
		return EXIT_SUCCESS;
	}
	printf("Name                                        ID   Mem VCPUs\tState\tTime(s)\n");
	for (int i = 0; i < n; i++)
		print_domain_row(&infos[i]);
	if (infos != &one)
		free(infos);
	return EXIT_SUCCESS;
}

int main_domid(int argc, char **argv)
{
	uint32_t domid;

	while (xl_getopt(argc, argv, "", "domid", 1) != -1)
		;
	xl_open();
	if (xl_name_to_domid(argv[optind], &domid) < 0) {
		fprintf(stderr, "Can't get domid of domain name '%s', maybe this domain "
			"does not exist.\n", argv[optind]);
		return EXIT_FAILURE;
	}
	printf("%u\n", domid);
	return EXIT_SUCCESS;
}

int main_domname(int argc, char **argv)
{
	char *end, *name;
	uint32_t domid;

	while (xl_getopt(argc, argv, "", "domname", 1) != -1)
		;
	domid = (uint32_t)strtol(argv[optind], &end, 10);
	if (domid == 0 && strcmp(end, argv[optind]) == 0) {
		fprintf(stderr, "Invalid domain id.\n\n");
		return EXIT_FAILURE;
	}
	xl_open();
	name = xl_domid_to_name(domid);
	if (!name) {
		fprintf(stderr, "Can't get domain name of domain id '%u', maybe this "
			"domain does not exist.\n", domid);
		return EXIT_FAILURE;
	}
	printf("%s\n", name);
	free(name);
	return EXIT_SUCCESS;
}
