/*
 * cmd_network.c - `xl network-attach`, `network-list` and
 * `network-detach`, as Xen 4.17's xl (tools/xl/xl_nic.c) and libxl
 * (libxl_nic.c, libxl_device_nic_getinfo) do them, for the vifs our
 * device model serves (backend/qnic): attach writes the vif's nodes and
 * makes sure the domain's device model runs; detach (by devid or MAC)
 * asks the backend to close, waits for Closed, then removes the nodes.
 * Output and messages are Debian's xl's.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "create.h"

static int add_vif(uint32_t domid, const char *spec, char *why, size_t why_len)
{
	struct xl_vif vif;
	if (xl_vif_parse(spec, &vif, why, why_len))
		return 1;
	int rc = xl_vif_check(&vif) || xl_vifs_write(domid, &vif, 1) ? -1 : 0;
	xl_vif_dispose(&vif);
	return rc;
}

static const struct xl_devkind vif = {
	.kind = "vif",
	.attach_cmd = "network-attach",
	.attach_args = 1, /* (no spec: a vif with every default) */
	.add_failed = "libxl_device_nic_add failed.",
	.del_failed = "libxl_device_nic_del failed.",
	.add = add_vif,
};

int main_networkattach(int argc, char **argv)
{
	return xl_device_attach(&vif, argc, argv);
}

/* One line of network-list; nothing if the vif has no backend on record. */
static void list_one(uint32_t domid, const char *devid)
{
	char lp[96], fp[96];
	snprintf(lp, sizeof(lp), "/libxl/%u/device/vif/%s", domid, devid);
	snprintf(fp, sizeof(fp), "/local/domain/%u/device/vif/%s", domid, devid);
	char *backend = xl_dev_key(lp, "backend"), *mac = xl_dev_key(lp, "mac");
	unsigned backend_id;
	if (backend && mac && sscanf(backend, "/local/domain/%u/", &backend_id) == 1) {
		int id = (int)strtol(devid, NULL, 10);
		printf("%-3d %-2d %-17s%6d %5d %6d %5d/%-11d %-30s\n", id, (int)backend_id, mac, id,
		       (int)xl_dev_number(fp, "state"), (int)xl_dev_number(fp, "event-channel"),
		       (int)xl_dev_number(fp, "tx-ring-ref"), (int)xl_dev_number(fp, "rx-ring-ref"), backend);
	}
	free(backend);
	free(mac);
}

int main_networklist(int argc, char **argv)
{
	while (xl_getopt(argc, argv, "", "network-list", 1) != -1)
		;
	xl_open();
	printf("%-3s %-2s %-17s %-6s %-5s %-6s %5s/%-5s %-30s\n", "Idx", "BE", "Mac Addr.", "handle",
	       "state", "evt-ch", "tx-", "rx-ring-ref", "BE-path");
	xl_device_each(&vif, argc, argv, list_one);
	return EXIT_SUCCESS;
}

/* The devid of the vif named by a devid or a MAC; -1 if none matches. */
static long find_vif(uint32_t domid, const char *which)
{
	char path[96], **ids = NULL;
	long found = -1;
	snprintf(path, sizeof(path), "/libxl/%u/device/vif", domid);
	int nr = bx_xs_directory(&xl_xs, 0, path, &ids);
	for (int k = 0; k < nr && found < 0; k++) {
		snprintf(path, sizeof(path), "/libxl/%u/device/vif/%s", domid, ids[k]);
		char *mac = xl_dev_key(path, "mac");
		bool match = strchr(which, ':') ? mac && !strcasecmp(mac, which)
						: strtol(which, NULL, 10) == strtol(ids[k], NULL, 10);
		if (match && xl_dev_number(path, "handle") >= 0)
			found = strtol(ids[k], NULL, 10);
		free(mac);
	}
	if (nr > 0)
		free(ids);
	return found;
}

int main_networkdetach(int argc, char **argv)
{
	while (xl_getopt(argc, argv, "", "network-detach", 2) != -1)
		;
	xl_open();
	uint32_t domid = xl_find_domain(argv[optind]);
	long devid = find_vif(domid, argv[optind + 1]);
	char lp[96];
	snprintf(lp, sizeof(lp), "/libxl/%u/device/vif/%ld", domid, devid);
	char *backend = devid < 0 ? NULL : xl_dev_key(lp, "backend");
	if (!backend || strncmp(backend, "/local/domain/", 14)) {
		fprintf(stderr, "Unknown device %s.\n", argv[optind + 1]);
		free(backend);
		return EXIT_FAILURE;
	}
	int rc = xl_device_remove(&vif, "network-detach", domid, devid, backend, false);
	free(backend);
	return rc;
}
