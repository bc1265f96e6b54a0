/*
 * cmd_device.c - what the device commands (cmd_block.c, cmd_network.c)
 * share: the spec on the command line, keys of a device's xenstore
 * directories, and closing a backend before its nodes go.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "create.h"

#define DETACH_TRIES 100 /* of 100 ms: libxl's LIBXL_DESTROY_TIMEOUT, 10 s */
#define XS_MAX_TRIES 16
#define XENBUS_CLOSING "5"
#define XENBUS_CLOSED 6

char *xl_join_args(int argc, char **argv)
{
	size_t len = 1;
	for (int i = 0; i < argc; i++)
		len += strlen(argv[i]) + 1;
	char *spec = calloc(1, len);
	for (int i = 0; spec && i < argc; i++) {
		if (i)
			strcat(spec, ",");
		strcat(spec, argv[i]);
	}
	return spec;
}

char *xl_dev_key(const char *dir, const char *key)
{
	char path[160];
	snprintf(path, sizeof(path), "%s/%s", dir, key);
	return bx_xs_read(&xl_xs, 0, path, NULL);
}

long xl_dev_number(const char *dir, const char *key)
{
	char *value = xl_dev_key(dir, key);
	long n = value ? strtol(value, NULL, 10) : -1;
	free(value);
	return n;
}

struct close_args {
	const char *backend;
};

static int close_body(struct bx_xs *xs, uint32_t tx, void *arg)
{
	const struct close_args *a = arg;
	char path[160];
	(void)xs;
	snprintf(path, sizeof(path), "%s/online", a->backend);
	int rc = bx_xs_write_str(&xl_xs, tx, path, "0");
	snprintf(path, sizeof(path), "%s/state", a->backend);
	return rc ? rc : bx_xs_write_str(&xl_xs, tx, path, XENBUS_CLOSING);
}

int xl_close_backend(const char *backend, const char *cmd)
{
	struct close_args a = { backend };
	if (bx_xs_transaction(&xl_xs, close_body, &a, XS_MAX_TRIES))
		return -1;
	for (int i = 0; i < DETACH_TRIES; i++) {
		if (xl_dev_number(backend, "state") == XENBUS_CLOSED)
			return 0;
		nanosleep(&(struct timespec){ 0, 100 * 1000 * 1000 }, NULL);
	}
	fprintf(stderr, "xl %s: the backend %s did not close in 10 s\n", cmd, backend);
	return -1;
}
