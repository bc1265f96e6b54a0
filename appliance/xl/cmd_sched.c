/*
 * cmd_sched.c - xl sched-credit2: a domain's credit2 weight and cap, read
 * or changed (XEN_DOMCTL_scheduler_op), and the per-pool table, in the
 * format of Xen 4.17's tools/xl/xl_sched.c.  Options not given keep the
 * domain's current values, as libxl does.
 */
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "xl.h"

static void print_header(void)
{
	printf("%-33s %4s %6s %4s\n", "Name", "ID", "Weight", "Cap");
}

static int print_domain(uint32_t domid)
{
	struct xen_domctl_sched_credit2 p;
	char *name;

	if (bx_sched_credit2_get(&xl_bx, domid, &p) < 0) {
		fprintf(stderr, "xl: domain %u: getting credit2 parameters failed\n", domid);
		return 1;
	}
	name = xl_domid_to_name(domid);
	printf("%-33s %4d %6d %4d\n", name ? name : "(null)", (int)domid, p.weight, p.cap);
	free(name);
	return 0;
}

/* Every credit2 pool: its name line, then its domains. */
static int print_pools(void)
{
	struct xen_domctl_getdomaininfo *infos;
	uint32_t pool = 0, sched, ratelimit;
	char path[48], *name;
	int n = xl_list_domains(&infos);

	if (n < 0)
		return EXIT_FAILURE;
	while (bx_cpupool_info(&xl_bx, &pool, &sched, NULL, NULL, 0) >= 0) {
		if (sched == XEN_SCHEDULER_CREDIT2) {
			snprintf(path, sizeof(path), "/local/pool/%u/name", pool);
			name = bx_xs_read(&xl_xs, 0, path, NULL);
			if (bx_credit2_ratelimit(&xl_bx, pool, &ratelimit) < 0)
				printf("Cpupool %s: [sched params unavailable]\n", name ? name : "(null)");
			else
				printf("Cpupool %s: ratelimit=%uus\n", name ? name : "(null)", ratelimit);
			free(name);
			print_header();
			for (int i = 0; i < n; i++)
				if (infos[i].cpupool == pool && print_domain(infos[i].domain))
					break;
		}
		pool++;
	}
	free(infos);
	return EXIT_SUCCESS;
}

int main_sched_credit2(int argc, char **argv)
{
	struct xen_domctl_sched_credit2 p;
	const char *dom = NULL;
	long weight = -1, cap = -1;
	uint32_t domid;
	int opt;

	while ((opt = xl_getopt(argc, argv, "d:w:c:p:r:s", "sched-credit2", 0)) != -1) {
		if (opt == 'd')
			dom = optarg;
		else if (opt == 'w')
			weight = strtol(optarg, NULL, 10);
		else if (opt == 'c')
			cap = strtol(optarg, NULL, 10);
		else {
			fprintf(stderr, "xl sched-credit2 -%c is not supported by this xl yet.\n", opt);
			return EXIT_FAILURE;
		}
	}
	xl_open();
	if (!dom)
		return print_pools();
	domid = xl_find_domain(dom);
	if (weight < 0 && cap < 0) {
		print_header();
		return print_domain(domid) ? EXIT_FAILURE : EXIT_SUCCESS;
	}
	if (bx_sched_credit2_get(&xl_bx, domid, &p) < 0)
		return EXIT_FAILURE;
	if (weight >= 0)
		p.weight = (uint16_t)weight;
	if (cap >= 0)
		p.cap = (uint16_t)cap;
	if (bx_sched_credit2_set(&xl_bx, domid, &p) < 0) {
		fprintf(stderr, "xl: domain %u: setting credit2 parameters failed\n", domid);
		return EXIT_FAILURE;
	}
	return EXIT_SUCCESS;
}
