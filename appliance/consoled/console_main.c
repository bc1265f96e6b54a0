/*
 * console_main.c - bastion-console, the standalone console client (Xen's
 * xenconsole): `bastion-console [-n NUM] DOMID` attaches the terminal to
 * that guest's console until Ctrl-].
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "console_client.h"

static int usage(const char *prog)
{
	fprintf(stderr, "Usage: %s [-n NUM] DOMID\n"
		"Attaches to a guest's console; Ctrl-] detaches.\n", prog);
	return 2;
}

/* A decimal number in [0, max], or -1. */
static long parse_id(const char *text, long max)
{
	char *end;
	long value;

	errno = 0;
	value = strtol(text, &end, 10);
	if (errno || end == text || *end || value < 0 || value > max)
		return -1;
	return value;
}

int main(int argc, char **argv)
{
	struct bx_xs xs = { .fd = -1 };
	long domid, num = 0;
	int ch, rc;

	while ((ch = getopt(argc, argv, "hn:")) != -1) {
		if (ch == 'n' && (num = parse_id(optarg, 1023)) >= 0)
			continue;
		if (ch == 'n')
			fprintf(stderr, "%s: bad console number '%s'\n", argv[0], optarg);
		return usage(argv[0]);
	}
	if (optind + 1 != argc)
		return usage(argv[0]);
	domid = parse_id(argv[optind], 0x7fef);
	if (domid < 0) {
		fprintf(stderr, "%s: bad domain id '%s'\n", argv[0], argv[optind]);
		return 2;
	}
	rc = bx_xs_open(&xs, NULL);
	if (rc < 0) {
		fprintf(stderr, "%s: cannot reach xenstored: %s\n", argv[0], strerror(-rc));
		return 1;
	}
	rc = console_attach(&xs, (uint32_t)domid, (int)num, stderr);
	bx_xs_close(&xs);
	return rc < 0 ? 1 : 0;
}
