/*
 * cmd_device.c - what the device commands (cmd_block.c, cmd_network.c)
 * share: the spec on the command line, attaching, walking a domain's
 * devices of a kind, keys of a device's xenstore directories, and
 * closing a backend before its nodes go.
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

int xl_device_attach(const struct xl_devkind *k, int argc, char **argv)
{
	char why[256];
	while (xl_getopt(argc, argv, "", k->attach_cmd, k->attach_args) != -1)
		;
	xl_open();
	uint32_t domid = xl_find_domain(argv[optind]);
	char *spec = xl_join_args(argc - optind - 1, argv + optind + 1);
	int rc = spec ? k->add(domid, spec, why, sizeof(why)) : 1;
	if (rc == 1) {
		fprintf(stderr, "xl %s: %s: %s\n", k->attach_cmd, spec ? spec : "",
			spec ? why : "out of memory");
		free(spec);
		return EXIT_FAILURE;
	}
	free(spec);
	char *name = xl_domid_to_name(domid);
	rc = rc || xl_dm_start(domid, name ? name : "unnamed");
	free(name);
	if (rc)
		fprintf(stderr, "%s\n", k->add_failed);
	return rc ? EXIT_FAILURE : EXIT_SUCCESS;
}

void xl_device_each(const struct xl_devkind *k, int argc, char **argv,
		    void (*one)(uint32_t domid, const char *devid))
{
	for (int i = optind; i < argc; i++) {
		uint32_t domid = xl_find_domain(argv[i]);
		char path[48], **ids = NULL;
		snprintf(path, sizeof(path), "/libxl/%u/device/%s", domid, k->kind);
		int nr = bx_xs_directory(&xl_xs, 0, path, &ids);
		for (int n = 0; n < nr; n++)
			one(domid, ids[n]);
		if (nr > 0)
			free(ids);
	}
}

int xl_device_remove(const struct xl_devkind *k, const char *cmd, uint32_t domid,
		     long devid, const char *backend, bool force)
{
	char lp[96], fp[96];
	snprintf(lp, sizeof(lp), "/libxl/%u/device/%s/%ld", domid, k->kind, devid);
	snprintf(fp, sizeof(fp), "/local/domain/%u/device/%s/%ld", domid, k->kind, devid);
	int rc = force ? 0 : xl_close_backend(backend, cmd);
	if (rc) {
		fprintf(stderr, "%s\n", k->del_failed);
		return EXIT_FAILURE;
	}
	bx_xs_rm(&xl_xs, 0, fp);
	bx_xs_rm(&xl_xs, 0, backend);
	bx_xs_rm(&xl_xs, 0, lp);
	return EXIT_SUCCESS;
}
