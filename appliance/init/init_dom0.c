/*
 * bastion-init-dom0 - dom0's own xenstore entries, written once after
 * xenstored starts, as Xen 4.17's xen-init-dom0 writes them: its id and
 * name, and a name for every cpupool (libxl refuses to create domains in
 * a pool without one).  Running it again changes nothing.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "bx.h"

static int write_or_say(struct bx_xs *xs, const char *path, const char *value)
{
	int rc = bx_xs_write_str(xs, 0, path, value);
	if (rc)
		fprintf(stderr, "bastion-init-dom0: cannot write %s: %s\n", path, strerror(-rc));
	return rc;
}

/* /local/pool/<id>/name = Pool-<id> for each pool the hypervisor has. */
static int name_pools(struct bx *bx, struct bx_xs *xs)
{
	uint32_t id = 0, sched, n_dom;
	while (bx_cpupool_info(bx, &id, &sched, &n_dom, NULL, 0) == 0) {
		char path[48], name[24];
		snprintf(path, sizeof(path), "/local/pool/%u/name", id);
		snprintf(name, sizeof(name), "Pool-%u", id);
		if (write_or_say(xs, path, name))
			return -1;
		id++;
	}
	return 0;
}

int main(void)
{
	struct bx bx = BX_INIT;
	struct bx_xs xs = { .fd = -1 };
	int rc = bx_open(&bx);
	if (rc) {
		fprintf(stderr, "bastion-init-dom0: cannot open %s: %s\n", BX_DEV_PRIVCMD, strerror(-rc));
		return 1;
	}
	rc = bx_xs_open(&xs, NULL);
	if (rc) {
		fprintf(stderr, "bastion-init-dom0: cannot connect to xenstore: %s\n", strerror(-rc));
		return 1;
	}
	char *id = bx_xs_read(&xs, 0, "/local/domain/0/domid", NULL);
	char *name = bx_xs_read(&xs, 0, "/local/domain/0/name", NULL);
	bool done = id && name;
	free(id);
	free(name);
	if (done) {
		fprintf(stderr, "Dom0 is already set up\n");
		return 0;
	}
	rc = write_or_say(&xs, "/local/domain/0/domid", "0");
	if (!rc)
		rc = write_or_say(&xs, "/local/domain/0/name", "Domain-0");
	if (!rc)
		rc = name_pools(&bx, &xs);
	bx_xs_close(&xs);
	bx_close(&bx);
	return rc ? 1 : 0;
}
