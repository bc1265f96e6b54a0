/*
 * xscli.c - the xenstore-read and xenstore-ls of the appliance's dom0, a
 * small static client over libbx's xenstore code (appliance/lib/bx_xs*.c)
 * for a dom0 that carries no Xen tools.  One binary; the command is the
 * name it runs under (xenstore-read, xenstore-ls) or its first argument
 * (bastion-xenstore read|ls).  The output follows Xen 4.17's xenstore-read
 * (one value a line) and xenstore-ls (`name = "value"`, children indented
 * one space a level; -f prints full paths instead).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "bx.h"

#define XSCLI_MAX_PATH 3072

static int xs_read_cmd(struct bx_xs *xs, int argc, char **argv)
{
	if (argc < 1) {
		fprintf(stderr, "usage: xenstore-read PATH...\n");
		return 2;
	}
	for (int i = 0; i < argc; i++) {
		char *value = bx_xs_read(xs, 0, argv[i], NULL);

		if (!value) { /* (Xen's stops at the first, without the reason) */
			fprintf(stderr, "xenstore-read: couldn't read path %s\n", argv[i]);
			return 1;
		}
		printf("%s\n", value);
		free(value);
	}
	return 0;
}

/* Prints path's value and then its children's, depth levels in. */
static int xs_ls_node(struct bx_xs *xs, const char *path, const char *name, int depth, int full)
{
	char **names = NULL;
	char *value = bx_xs_read(xs, 0, path, NULL);
	int n, rc = 0;

	if (depth >= 0) {
		if (full)
			printf("%s = \"%s\"\n", path, value ? value : "");
		else
			printf("%*s%s = \"%s\"\n", depth, "", name, value ? value : "");
	}
	free(value);
	n = bx_xs_directory(xs, 0, path, &names);
	if (n < 0)
		return depth < 0 ? n : 0; /* (gone while we looked: not an error) */
	for (int i = 0; i < n && rc == 0; i++) {
		char child[XSCLI_MAX_PATH];
		int len = snprintf(child, sizeof(child), "%s/%s", strcmp(path, "/") ? path : "",
				   names[i]);

		if (len < 0 || (size_t)len >= sizeof(child))
			continue;
		rc = xs_ls_node(xs, child, names[i], depth + 1, full);
	}
	free(names);
	return rc;
}

static int xs_ls_cmd(struct bx_xs *xs, int argc, char **argv)
{
	int full = 0, rc;

	if (argc > 0 && !strcmp(argv[0], "-f")) {
		full = 1;
		argc--, argv++;
	}
	if (argc > 1) {
		fprintf(stderr, "usage: xenstore-ls [-f] [PATH]\n");
		return 2;
	}
	rc = xs_ls_node(xs, argc ? argv[0] : "/", "", -1, full);
	if (rc < 0) {
		fprintf(stderr, "xenstore-ls: xs_directory (%s): %s\n", argc ? argv[0] : "/",
			strerror(-rc));
		return 1;
	}
	return 0;
}

int main(int argc, char **argv)
{
	const char *me = strrchr(argv[0], '/') ? strrchr(argv[0], '/') + 1 : argv[0];
	struct bx_xs xs;
	int rc;

	if (!strcmp(me, "bastion-xenstore") && argc > 1) {
		me = !strcmp(argv[1], "read") ? "xenstore-read" : !strcmp(argv[1], "ls") ? "xenstore-ls" : "";
		argc--, argv++;
	}
	if (strcmp(me, "xenstore-read") && strcmp(me, "xenstore-ls")) {
		fprintf(stderr, "usage: bastion-xenstore read PATH... | ls [-f] [PATH]\n");
		return 2;
	}
	rc = bx_xs_open(&xs, NULL);
	if (rc < 0) {
		fprintf(stderr, "%s: cannot reach xenstored: %s\n", me, strerror(-rc));
		return 1;
	}
	if (!strcmp(me, "xenstore-read"))
		rc = xs_read_cmd(&xs, argc - 1, argv + 1);
	else
		rc = xs_ls_cmd(&xs, argc - 1, argv + 1);
	bx_xs_close(&xs);
	return rc;
}
