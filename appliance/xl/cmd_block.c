/*
 * cmd_block.c - `xl block-attach`, `block-list` and `block-detach`, as
 * Xen 4.17's xl (tools/xl/xl_block.c) and libxl (libxl_disk.c,
 * libxl__initiate_device_generic_remove) do them for qdisk disks: attach
 * writes the device's nodes and makes sure the domain's device model
 * runs; detach asks the backend to close (online 0, state Closing), waits
 * for it to reach Closed, then removes the nodes; -f removes them at once.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "create.h"

static int add_disk(uint32_t domid, const char *spec, char *why, size_t why_len)
{
	struct xl_disk disk;
	if (xl_disk_parse(spec, &disk, why, why_len))
		return 1;
	int rc = xl_disk_check(&disk) || xl_disks_write(domid, &disk, 1) ? -1 : 0;
	xl_disk_dispose(&disk);
	return rc;
}

static const struct xl_devkind vbd = {
	.kind = "vbd",
	.attach_cmd = "block-attach",
	.attach_args = 2,
	.add_failed = "libxl_device_disk_add failed.",
	.del_failed = "libxl_device_disk_safe_remove failed.",
	.add = add_disk,
};

int main_blockattach(int argc, char **argv)
{
	return xl_device_attach(&vbd, argc, argv);
}

/* One line of block-list for device devid of domid; nothing if it has no
 * backend on record (libxl_device_disk_getinfo). */
static void list_one(uint32_t domid, const char *devid)
{
	char lp[96], fp[96];
	snprintf(lp, sizeof(lp), "/libxl/%u/device/vbd/%s/backend", domid, devid);
	snprintf(fp, sizeof(fp), "/local/domain/%u/device/vbd/%s", domid, devid);
	char *backend = bx_xs_read(&xl_xs, 0, lp, NULL);
	unsigned backend_id;
	if (!backend || sscanf(backend, "/local/domain/%u/", &backend_id) != 1) {
		free(backend);
		return;
	}
	printf("%-5d %-3d %-6d %-5d %-6d %-8d %-30s\n", (int)strtol(devid, NULL, 10), (int)backend_id,
	       (int)domid, (int)xl_dev_number(fp, "state"), (int)xl_dev_number(fp, "event-channel"),
	       (int)xl_dev_number(fp, "ring-ref"), backend);
	free(backend);
}

int main_blocklist(int argc, char **argv)
{
	while (xl_getopt(argc, argv, "", "block-list", 1) != -1)
		;
	xl_open();
	printf("%-5s %-3s %-6s %-5s %-6s %-8s %-30s\n", "Vdev", "BE", "handle", "state", "evt-ch", "ring-ref",
	       "BE-path");
	xl_device_each(&vbd, argc, argv, list_one);
	return EXIT_SUCCESS;
}

int main_blockdetach(int argc, char **argv)
{
	bool force = false;
	int opt;
	while ((opt = xl_getopt(argc, argv, "f", "block-detach", 2)) != -1)
		force = force || opt == 'f';
	xl_open();
	uint32_t domid = xl_find_domain(argv[optind]);
	const char *vdev = argv[optind + 1];
	long devid = xl_disk_devid(vdev);
	char path[128];
	snprintf(path, sizeof(path), "/libxl/%u/device/vbd/%ld/backend", domid, devid);
	char *backend = devid < 0 ? NULL : bx_xs_read(&xl_xs, 0, path, NULL);
	if (!backend || strncmp(backend, "/local/domain/", 14)) {
		fprintf(stderr, "Error: Device %s not connected.\n", vdev);
		free(backend);
		return EXIT_FAILURE;
	}
	int rc = xl_device_remove(&vbd, "block-detach", domid, devid, backend, force);
	free(backend);
	return rc;
}
