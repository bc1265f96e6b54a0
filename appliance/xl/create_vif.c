/*
 * create_vif.c - a guest's vif= entries as PV network devices.  Each vif
 * gets the frontend and backend nodes Xen 4.17's libxl writes for a NIC
 * (libxl__set_xenstore_nic, libxl__device_generic_add) and its defaults
 * (libxl__device_nic_setdefault: bridge xenbr0, a random 00:16:3e MAC,
 * devids from 0), but under backend/qnic: bastion-dm (dm/pv) serves it
 * with a tap on the bridge, where Xen's kernel netback would serve
 * backend/vif with the vif-bridge script.  A driver domain (backend=)
 * and hotplug scripts other than vif-bridge are refused.  net=user (ours)
 * puts `net` = `user` and the hostfwd rules in the backend dir instead
 * of a bridge and script: bastion-dm serves it with libslirp.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/random.h>

#include "create.h"

#define XS_MAX_TRIES 16
#define VIF_SCRIPT "/etc/xen/scripts/vif-bridge"
#define VIF_MAX_DEVID 65535

/* What stops us serving vif, or NULL. */
static const char *unservable(const struct xl_vif *vif)
{
	if (vif->backend_domname && strcmp(vif->backend_domname, "0") &&
	    strcmp(vif->backend_domname, "Domain-0"))
		return "backend= (a driver domain) is not supported yet";
	if (vif->script) {
		const char *base = strrchr(vif->script, '/');
		if (strcmp(base ? base + 1 : vif->script, "vif-bridge"))
			return "only the vif-bridge script's behaviour is served (script=)";
	}
	if (vif->type == XL_VIF_TYPE_IOEMU)
		return "type=ioemu needs an HVM guest";
	return NULL;
}

int xl_vif_check(const struct xl_vif *vif)
{
	const char *why = unservable(vif);
	if (why)
		fprintf(stderr, "xl: vif%s%ld: %s\n", vif->devid >= 0 ? " devid " : "",
			vif->devid >= 0 ? vif->devid : 0, why);
	return why ? -1 : 0;
}

int xl_vifs_check(const struct xl_domain_cfg *dom)
{
	for (size_t i = 0; i < dom->nr_vifs; i++)
		if (xl_vif_check(&dom->vifs[i]))
			return -1;
	return 0;
}

struct vif_args {
	uint32_t domid;
	const struct xl_vif *vifs;
	size_t nr_vifs;
	long taken; /* a devid already in use, or -1 */
};

/* The vif's MAC as text: its own, or libxl's random 00:16:3e:xx:xx:xx. */
static void mac_text(const struct xl_vif *vif, char out[18])
{
	uint8_t mac[6] = { 0x00, 0x16, 0x3e, 0, 0, 0 };

	if (vif->has_mac) {
		memcpy(mac, vif->mac, sizeof(mac));
	} else if (getrandom(mac + 3, 3, 0) != 3) {
		mac[3] = (uint8_t)rand(); /* no entropy yet: still unlikely to clash */
		mac[4] = (uint8_t)rand();
		mac[5] = (uint8_t)rand();
	}
	if (!vif->has_mac)
		mac[3] &= 0x7f;
	snprintf(out, 18, "%02x:%02x:%02x:%02x:%02x:%02x", mac[0], mac[1], mac[2], mac[3],
		 mac[4], mac[5]);
}

/* The backend's keys, in the backend dir and copied to libxl's. */
static void backend_keys(struct xs_writer *w, const char *path, const struct xl_vif *vif,
			 uint32_t domid, long devid, const char *mac)
{
	char v[64];

	snprintf(v, sizeof(v), "%u", domid);
	xl_xs_put(w, v, "%s/frontend-id", path);
	xl_xs_put(w, "1", "%s/online", path);
	xl_xs_put(w, "1", "%s/state", path);
	if (vif->net == XL_VIF_NET_USER) {
		xl_xs_put(w, "user", "%s/net", path);
		if (vif->hostfwd)
			xl_xs_put(w, vif->hostfwd, "%s/hostfwd", path);
	} else {
		xl_xs_put(w, vif->script ? vif->script : VIF_SCRIPT, "%s/script", path);
		xl_xs_put(w, vif->bridge ? vif->bridge : "xenbr0", "%s/bridge", path);
	}
	xl_xs_put(w, mac, "%s/mac", path);
	if (vif->ip)
		xl_xs_put(w, vif->ip, "%s/ip", path);
	if (vif->gatewaydev)
		xl_xs_put(w, vif->gatewaydev, "%s/gatewaydev", path);
	if (vif->vifname)
		xl_xs_put(w, vif->vifname, "%s/vifname", path);
	if (vif->has_rate) {
		snprintf(v, sizeof(v), "%llu,%u", (unsigned long long)vif->rate_bytes_per_interval,
			 (unsigned)vif->rate_interval_usecs);
		xl_xs_put(w, v, "%s/rate", path);
	}
	snprintf(v, sizeof(v), "%lu", vif->mtu ? vif->mtu : 1500);
	xl_xs_put(w, v, "%s/mtu", path);
	snprintf(v, sizeof(v), "%ld", devid);
	xl_xs_put(w, v, "%s/handle", path);
	xl_xs_put(w, "vif", "%s/type", path);
}

/* A fresh directory at path owned by domain owner, readable by reader. */
static void dir(struct xs_writer *w, const char *path, uint32_t owner, uint32_t reader)
{
	char o[16], r[16];
	snprintf(o, sizeof(o), "n%u", owner);
	snprintf(r, sizeof(r), "r%u", reader);
	bx_xs_rm(&xl_xs, w->tx, path);
	xl_xs_node(w, path, o, r);
}

static void vif_nodes(struct xs_writer *w, uint32_t domid, const struct xl_vif *vif, long devid)
{
	char fp[64], bp[80], lp[64], v[32], mac[18];

	mac_text(vif, mac);
	snprintf(fp, sizeof(fp), "/local/domain/%u/device/vif/%ld", domid, devid);
	snprintf(bp, sizeof(bp), "/local/domain/0/backend/qnic/%u/%ld", domid, devid);
	snprintf(lp, sizeof(lp), "/libxl/%u/device/vif/%ld", domid, devid);
	bx_xs_rm(&xl_xs, w->tx, lp);
	xl_xs_put(w, fp, "%s/frontend", lp);
	xl_xs_put(w, bp, "%s/backend", lp);
	dir(w, fp, domid, 0);
	xl_xs_put(w, bp, "%s/backend", fp);
	xl_xs_put(w, "0", "%s/backend-id", fp);
	xl_xs_put(w, "1", "%s/state", fp);
	snprintf(v, sizeof(v), "%ld", devid);
	xl_xs_put(w, v, "%s/handle", fp);
	xl_xs_put(w, mac, "%s/mac", fp);
	xl_xs_put(w, vif->trusted == XL_FALSE ? "0" : "1", "%s/trusted", fp);
	dir(w, bp, 0, domid);
	xl_xs_put(w, fp, "%s/frontend", bp);
	backend_keys(w, bp, vif, domid, devid, mac);
	backend_keys(w, lp, vif, domid, devid, mac);
}

/* Whether vif devid exists: its record under /libxl (only dom0 writes it). */
static bool vif_exists(uint32_t tx, uint32_t domid, long devid)
{
	char path[64];
	snprintf(path, sizeof(path), "/libxl/%u/device/vif/%ld/backend", domid, devid);
	char *backend = bx_xs_read(&xl_xs, tx, path, NULL);
	free(backend);
	return backend != NULL;
}

/* libxl__device_nextid: one past the highest vif devid in use. */
static long next_devid(uint32_t tx, uint32_t domid)
{
	char path[48], **ids = NULL;
	long next = 0;

	snprintf(path, sizeof(path), "/libxl/%u/device/vif", domid);
	int nr = bx_xs_directory(&xl_xs, tx, path, &ids);
	for (int i = 0; i < nr; i++) {
		long id = strtol(ids[i], NULL, 10);
		next = id >= next ? id + 1 : next;
	}
	if (nr > 0)
		free(ids);
	return next;
}

static int vifs_body(struct bx_xs *xs, uint32_t tx, void *arg)
{
	struct vif_args *a = arg;
	struct xs_writer w = { tx, 0 };
	(void)xs;
	for (size_t i = 0; i < a->nr_vifs && !w.rc; i++) {
		long devid = a->vifs[i].devid >= 0 ? a->vifs[i].devid : next_devid(tx, a->domid);
		if (devid > VIF_MAX_DEVID || vif_exists(tx, a->domid, devid)) {
			a->taken = devid;
			return -EEXIST;
		}
		vif_nodes(&w, a->domid, &a->vifs[i], devid);
	}
	return w.rc;
}

int xl_vifs_write(uint32_t domid, const struct xl_vif *vifs, size_t nr_vifs)
{
	struct vif_args a = { domid, vifs, nr_vifs, -1 };
	int rc = bx_xs_transaction(&xl_xs, vifs_body, &a, XS_MAX_TRIES);
	if (a.taken >= 0)
		fprintf(stderr, "xl: domain %u already has a vif %ld\n", domid, a.taken);
	else if (rc)
		fprintf(stderr, "xl: writing the vifs' xenstore nodes: %s\n", strerror(-rc));
	return rc ? -1 : 0;
}

int xl_devices_add(uint32_t domid, const struct xl_domain_cfg *dom)
{
	if (dom->nr_disks && xl_disks_write(domid, dom->disks, dom->nr_disks))
		return -1;
	if (dom->nr_vifs && xl_vifs_write(domid, dom->vifs, dom->nr_vifs))
		return -1;
	if (dom->nr_channels && xl_channels_write(domid, dom->channels, dom->nr_channels))
		return -1;
	if (!dom->nr_disks && !dom->nr_vifs && !dom->nr_channels)
		return 0;
	return xl_dm_start(domid, dom->name);
}
