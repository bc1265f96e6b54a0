/*
 * cmd_dom.c - a domain's life: xl pause, unpause, destroy, shutdown,
 * reboot and rename, doing in xenstore what libxl 4.17 does (control/
 * shutdown written and acknowledged by the guest; on destroy the
 * domain's trees /local/domain/N, its /vm/<uuid> and /libxl/N removed,
 * then the hypervisor's destroydomain).  Messages as Xen 4.17's
 * tools/xl/xl_vmcontrol.c and xl_misc.c print them.
 */
#include <errno.h>
#include <glob.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "xl.h"

#define ERROR_FAIL (-3)  /* libxl's error code, as xl prints it */

int main_pause(int argc, char **argv)
{
	while (xl_getopt(argc, argv, "", "pause", 1) != -1)
		;
	xl_open();
	bx_pausedomain(&xl_bx, xl_find_domain(argv[optind]));
	return EXIT_SUCCESS;
}

int main_unpause(int argc, char **argv)
{
	while (xl_getopt(argc, argv, "", "unpause", 1) != -1)
		;
	xl_open();
	bx_unpausedomain(&xl_bx, xl_find_domain(argv[optind]));
	return EXIT_SUCCESS;
}

/* Removes a xenstore tree; a tree already gone is no failure. */
static void xs_rm_tree(const char *path)
{
	int rc = bx_xs_rm(&xl_xs, 0, path);

	if (rc < 0 && rc != -ENOENT)
		fprintf(stderr, "xl: removing xenstore %s: %s\n", path, strerror(-rc));
}

/* The toolstack's files for the domain: /var/lib/xen/userdata-d.N.UUID.* */
static void remove_userdata(uint32_t domid)
{
	struct xen_domctl_getdomaininfo info;
	char uuid[37], *pattern;
	glob_t found;

	if (bx_getdomaininfo(&xl_bx, domid, &info) < 0)
		return;
	xl_uuid_string(info.handle, uuid);
	if (asprintf(&pattern, "/var/lib/xen/userdata-d.%u.%s.*", domid, uuid) < 0)
		return;
	if (glob(pattern, 0, NULL, &found) == 0) {
		for (size_t i = 0; i < found.gl_pathc; i++)
			unlink(found.gl_pathv[i]);
		globfree(&found);
	}
	free(pattern);
}

/* A device's backend directory, then its parent backend/KIND/N once no
 * device is left in it (libxl__xs_path_cleanup removes empty parents). */
static void remove_backend(const char *backend)
{
	char parent[256], **left = NULL;
	char *slash;
	int n;

	xs_rm_tree(backend);
	snprintf(parent, sizeof(parent), "%s", backend);
	slash = strrchr(parent, '/');
	if (!slash)
		return;
	*slash = '\0';
	n = bx_xs_directory(&xl_xs, 0, parent, &left);
	if (n > 0)
		free(left);
	else if (n == 0)
		xs_rm_tree(parent);
}

/* Every device's backend directory, as /libxl/N/device/KIND/ID/backend
 * names it (libxl__devices_destroy), and the device model's node: the
 * backends see their directories go and let go of the guest's pages. */
static void remove_backends(uint32_t domid)
{
	char path[96], **kinds = NULL, **ids = NULL;
	snprintf(path, sizeof(path), "/libxl/%u/device", domid);
	int nr_kinds = bx_xs_directory(&xl_xs, 0, path, &kinds);

	for (int k = 0; k < nr_kinds; k++) {
		snprintf(path, sizeof(path), "/libxl/%u/device/%s", domid, kinds[k]);
		int nr_ids = bx_xs_directory(&xl_xs, 0, path, &ids);
		for (int i = 0; i < nr_ids; i++) {
			snprintf(path, sizeof(path), "/libxl/%u/device/%s/%s/backend", domid, kinds[k], ids[i]);
			char *backend = bx_xs_read(&xl_xs, 0, path, NULL);
			if (backend && !strncmp(backend, "/local/domain/", 14))
				remove_backend(backend);
			free(backend);
		}
		if (nr_ids > 0)
			free(ids);
	}
	if (nr_kinds > 0)
		free(kinds);
	snprintf(path, sizeof(path), "/local/domain/0/device-model/%u", domid);
	xs_rm_tree(path);
}

int xl_destroy_domain(uint32_t domid)
{
	char path[48], *vm;
	int rc;

	bx_pausedomain(&xl_bx, domid);
	remove_backends(domid);
	snprintf(path, sizeof(path), "/local/domain/%u/vm", domid);
	vm = bx_xs_read(&xl_xs, 0, path, NULL);
	snprintf(path, sizeof(path), "/local/domain/%u", domid);
	xs_rm_tree(path);
	if (vm && strncmp(vm, "/vm/", 4) == 0)
		xs_rm_tree(vm);
	free(vm);
	snprintf(path, sizeof(path), "/libxl/%u", domid);
	xs_rm_tree(path);
	remove_userdata(domid);
	rc = bx_destroydomain(&xl_bx, domid);
	if (rc < 0) {
		fprintf(stderr, "xl: destroying domain %u: %s\n", domid, strerror(-rc));
		return ERROR_FAIL;
	}
	return 0;
}

int main_destroy(int argc, char **argv)
{
	bool force = false;
	uint32_t domid;
	int rc;

	while (xl_getopt(argc, argv, "f", "destroy", 1) != -1)
		force = true;
	xl_open();
	domid = xl_find_domain(argv[optind]);
	if (domid == 0 && !force) {
		fprintf(stderr, "Not destroying domain 0; use -f to force.\n"
			"This can only be done when using a disaggregated "
			"hardware domain and toolstack.\n\n");
		return EXIT_FAILURE;
	}
	rc = xl_destroy_domain(domid);
	if (rc) {
		fprintf(stderr, "destroy failed (rc=%d)\n", rc);
		return EXIT_FAILURE;
	}
	return EXIT_SUCCESS;
}

/* The name lives in /local/domain/N/name and in the VM's /vm/<uuid>/name. */
static int rename_in(uint32_t domid, const char *new_name, uint32_t tx)
{
	char path[48], *vm, *vm_name;
	int rc;

	snprintf(path, sizeof(path), "/local/domain/%u/name", domid);
	rc = bx_xs_write_str(&xl_xs, tx, path, new_name);
	snprintf(path, sizeof(path), "/local/domain/%u/vm", domid);
	vm = rc < 0 ? NULL : bx_xs_read(&xl_xs, tx, path, NULL);
	if (vm && asprintf(&vm_name, "%s/name", vm) >= 0) {
		rc = bx_xs_write_str(&xl_xs, tx, vm_name, new_name);
		free(vm_name);
	}
	free(vm);
	return rc;
}

struct rename_args {
	uint32_t domid;
	const char *new_name;
};

static int rename_body(struct bx_xs *xs, uint32_t tx, void *arg)
{
	struct rename_args *r = arg;

	(void)xs;
	return rename_in(r->domid, r->new_name, tx);
}

int main_rename(int argc, char **argv)
{
	struct rename_args r;
	uint32_t other;
	int rc;

	while (xl_getopt(argc, argv, "", "rename", 2) != -1)
		;
	xl_open();
	r.domid = xl_find_domain(argv[optind]);
	r.new_name = argv[optind + 1];
	if (r.new_name[0] && xl_name_to_domid(r.new_name, &other) == 0 && other != r.domid) {
		fprintf(stderr, "xl: domain %u: domain with name \"%s\" already exists.\n",
			r.domid, r.new_name);
		fprintf(stderr, "Can't rename domain '%s'.\n", argv[optind]);
		return 1;
	}
	rc = bx_xs_transaction(&xl_xs, rename_body, &r, 10);
	if (rc < 0) {
		fprintf(stderr, "xl: domain %u: renaming: %s\n", r.domid, strerror(-rc));
		fprintf(stderr, "Can't rename domain '%s'.\n", argv[optind]);
		return 1;
	}
	return 0;
}
