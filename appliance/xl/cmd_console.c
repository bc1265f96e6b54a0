/*
 * cmd_console.c - `xl console [-t pv|serial] [-n NUM] <Domain>`: the
 * guest's console on this terminal through the console daemon's pty
 * (appliance/consoled/console_client.c); Ctrl-] comes back.  A PVH guest
 * has PV consoles only, as with Xen's xl.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "console_client.h"
#include "xl.h"

int main_console(int argc, char **argv)
{
	int num = 0, opt;
	while ((opt = xl_getopt(argc, argv, "n:t:", "console", 1)) != -1) {
		if (opt == 'n') {
			num = atoi(optarg);
		} else if (opt == 't' && strcmp(optarg, "pv") != 0) {
			fprintf(stderr, "console type %s: a PVH guest has PV consoles only\n", optarg);
			return EXIT_FAILURE;
		}
	}
	xl_open();
	uint32_t domid = xl_find_domain(argv[optind]);
	return console_attach(&xl_xs, domid, num, stderr) ? EXIT_FAILURE : EXIT_SUCCESS;
}
