/*
 * xl_ctx.c - what every command shares: the privcmd and xenstore handles,
 * option parsing with xl's messages, and turning domain names into ids
 * and back the way libxl does (a name is /local/domain/N/name; a
 * qualifier of digits only is an id).
 */
#include <ctype.h>
#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "xl.h"

struct bx xl_bx = BX_INIT;
struct bx_xs xl_xs = { .fd = -1 };

void xl_open(void)
{
	int rc = bx_open(&xl_bx);

	if (rc < 0) {
		fprintf(stderr, "cannot open %s: %s\n", BX_DEV_PRIVCMD, strerror(-rc));
		exit(EXIT_FAILURE);
	}
	rc = bx_xs_open(&xl_xs, NULL);
	if (rc < 0) {
		fprintf(stderr, "cannot connect to xenstore: %s\n", strerror(-rc));
		exit(EXIT_FAILURE);
	}
}

int xl_getopt(int argc, char **argv, const char *optstring,
	      const char *cmd, int min_args)
{
	static const struct option help_only[] = { { "help", 0, NULL, 'h' }, { 0 } };
	int opt;

	opterr = 0;
	opt = getopt_long(argc, argv, optstring, help_only, NULL);
	if (opt == 'h' || (opt == '?' && optopt == 'h')) {
		xl_help(cmd);
		exit(0);
	}
	if (opt == '?') {
		fprintf(stderr, "option `%c' not supported.\n", optopt);
		exit(2);
	}
	if (opt != -1)
		return opt;
	if (argc - optind < min_args) {
		fprintf(stderr, "'xl %s' requires at least %d argument%s.\n\n",
			cmd, min_args, min_args > 1 ? "s" : "");
		xl_help(cmd);
		exit(2);
	}
	return -1;
}

char *xl_domid_to_name(uint32_t domid)
{
	char path[40];

	snprintf(path, sizeof(path), "/local/domain/%u/name", domid);
	return bx_xs_read(&xl_xs, 0, path, NULL);
}

int xl_list_domains(struct xen_domctl_getdomaininfo **infos)
{
	int n = bx_list_domains(&xl_bx, infos);

	if (n < 0)
		fprintf(stderr, "libxl_list_domain failed.\n");
	return n;
}

int xl_name_to_domid(const char *name, uint32_t *domid)
{
	struct xen_domctl_getdomaininfo *infos;
	int n = bx_list_domains(&xl_bx, &infos), found = -1;

	for (int i = 0; i < n && found < 0; i++) {
		char *got = xl_domid_to_name(infos[i].domain);
		if (got && strcmp(got, name) == 0) {
			*domid = infos[i].domain;
			found = 0;
		}
		free(got);
	}
	if (n >= 0)
		free(infos);
	return found;
}

uint32_t xl_find_domain(const char *qualifier)
{
	uint32_t domid;
	const char *p = qualifier;

	while (*p && isdigit((unsigned char)*p))
		p++;
	if (*qualifier && !*p)
		return (uint32_t)strtoul(qualifier, NULL, 10);
	if (xl_name_to_domid(qualifier, &domid) < 0) {
		/* libxl's ERROR_INVAL is -6 */
		fprintf(stderr, "%s is an invalid domain identifier (rc=-6)\n", qualifier);
		exit(EXIT_FAILURE);
	}
	return domid;
}

