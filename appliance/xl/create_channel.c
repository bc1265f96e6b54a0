/*
 * create_channel.c - a guest's channel= entries as secondary PV consoles:
 * the frontend device/console/<devid> and backend
 * backend/console/<domid>/<devid> nodes Xen 4.17's libxl writes for a
 * channel (libxl__init_console_from_channel, libxl__device_console_add:
 * devid is the entry's index + 1, console 0 being the primary; type
 * "ioemu", the device model's), served by bastion-dm (dm/pv/consback.c)
 * where Xen would have QEMU serve them.  The keys the guest must not
 * change (name, type, limit, output, tty) are dom0's, readable by the
 * guest, as libxl's ro_front; a driver domain (backend=) is refused.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "create.h"

#define XS_MAX_TRIES 16
#define CHANNEL_LIMIT "1048576" /* LIBXL_XENCONSOLE_LIMIT */

int xl_channels_check(const struct xl_domain_cfg *dom)
{
	for (size_t i = 0; i < dom->nr_channels; i++) {
		const char *be = dom->channels[i].backend_domname;
		if (be && strcmp(be, "0") && strcmp(be, "Domain-0")) {
			fprintf(stderr, "xl: channel %zu (%s): backend= (a driver domain) is not "
				"supported yet\n", i + 1, dom->channels[i].name);
			return -1;
		}
	}
	return 0;
}

/* A key of the frontend the guest may read but not write. */
static void ro_key(struct xs_writer *w, const char *fp, const char *key, const char *value,
		   const char *reader)
{
	char path[128];

	snprintf(path, sizeof(path), "%s/%s", fp, key);
	xl_xs_node(w, path, "n0", reader);
	xl_xs_put(w, value, "%s", path);
}

static void frontend_keys(struct xs_writer *w, const char *fp, const char *bp, uint32_t domid,
			  const struct xl_channel *chn, long devid)
{
	char o[16], r[16], output[48];

	snprintf(o, sizeof(o), "n%u", domid);
	snprintf(r, sizeof(r), "r%u", domid);
	snprintf(output, sizeof(output), "chardev:libxl-channel%ld", devid);
	bx_xs_rm(&xl_xs, w->tx, fp);
	xl_xs_node(w, fp, o, "r0");
	xl_xs_put(w, bp, "%s/backend", fp);
	xl_xs_put(w, "0", "%s/backend-id", fp);
	xl_xs_put(w, "1", "%s/state", fp);
	xl_xs_put(w, "vt100", "%s/protocol", fp);
	ro_key(w, fp, "name", chn->name, r);
	ro_key(w, fp, "limit", CHANNEL_LIMIT, r);
	ro_key(w, fp, "type", "ioemu", r);
	ro_key(w, fp, "output", chn->connection == XL_CHANNEL_PTY ? "pty" : output, r);
	ro_key(w, fp, "tty", "", r);
}

static void backend_keys(struct xs_writer *w, const char *bp, const char *fp, uint32_t domid,
			 const struct xl_channel *chn)
{
	char r[16], v[16];

	snprintf(r, sizeof(r), "r%u", domid);
	bx_xs_rm(&xl_xs, w->tx, bp);
	xl_xs_node(w, bp, "n0", r);
	xl_xs_put(w, fp, "%s/frontend", bp);
	snprintf(v, sizeof(v), "%u", domid);
	xl_xs_put(w, v, "%s/frontend-id", bp);
	xl_xs_put(w, "1", "%s/online", bp);
	xl_xs_put(w, "1", "%s/state", bp);
	xl_xs_put(w, "vt100", "%s/protocol", bp);
	xl_xs_put(w, chn->name, "%s/name", bp);
	xl_xs_put(w, chn->connection == XL_CHANNEL_PTY ? "pty" : "socket", "%s/connection", bp);
	if (chn->path)
		xl_xs_put(w, chn->path, "%s/path", bp);
}

static void channel_nodes(struct xs_writer *w, uint32_t domid, const struct xl_channel *chn,
			  long devid)
{
	char fp[64], bp[80], lp[64];

	snprintf(fp, sizeof(fp), "/local/domain/%u/device/console/%ld", domid, devid);
	snprintf(bp, sizeof(bp), "/local/domain/0/backend/console/%u/%ld", domid, devid);
	snprintf(lp, sizeof(lp), "/libxl/%u/device/console/%ld", domid, devid);
	bx_xs_rm(&xl_xs, w->tx, lp);
	xl_xs_put(w, fp, "%s/frontend", lp);
	xl_xs_put(w, bp, "%s/backend", lp);
	frontend_keys(w, fp, bp, domid, chn, devid);
	backend_keys(w, bp, fp, domid, chn);
}

struct channel_args {
	uint32_t domid;
	const struct xl_channel *channels;
	size_t nr_channels;
};

static int channels_body(struct bx_xs *xs, uint32_t tx, void *arg)
{
	const struct channel_args *a = arg;
	struct xs_writer w = { tx, 0 };

	(void)xs;
	for (size_t i = 0; i < a->nr_channels && !w.rc; i++)
		channel_nodes(&w, a->domid, &a->channels[i], (long)i + 1);
	return w.rc;
}

int xl_channels_write(uint32_t domid, const struct xl_channel *channels, size_t nr_channels)
{
	struct channel_args a = { domid, channels, nr_channels };
	int rc = bx_xs_transaction(&xl_xs, channels_body, &a, XS_MAX_TRIES);

	if (rc)
		fprintf(stderr, "xl: writing the channels' xenstore nodes: %s\n", strerror(-rc));
	return rc ? -1 : 0;
}
