/*
 * create_disk.c - a guest's disk= entries as PV block devices.  Each disk
 * gets the vbd frontend and qdisk backend nodes Xen 4.17's libxl writes
 * for a disk QEMU serves (device_disk_add, libxl__device_generic_add), and
 * the guest gets one device model, bastion-dm (dm/pv), that serves them
 * from dm/block: raw, qcow2 or vhd images.  Linux's kernel blkback owns
 * backend/vbd in dom0, so "phy" disks and script= are refused here until
 * the hotplug side exists; qdisk (the default) is what we serve.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "create.h"

#define DM_PATH "/usr/lib/bastion/bastion-dm"
#define DM_LOG_DIR "/var/log/xen"
#define DM_READY_TRIES 100 /* of 100 ms: what libxl waits for QEMU, 10 s */
#define XS_MAX_TRIES 16

static const char *format_name(enum xl_disk_format format)
{
	switch (format) {
	case XL_DISK_FORMAT_RAW:
		return "raw";
	case XL_DISK_FORMAT_QCOW2:
		return "qcow2";
	case XL_DISK_FORMAT_VHD:
		return "vhd";
	default:
		return NULL;
	}
}

/* What stops us serving disk, or NULL; its device number in *devid. */
static const char *unservable(const struct xl_disk *disk, long *devid)
{
	struct stat st;

	*devid = xl_disk_devid(disk->vdev);
	if (*devid < 0)
		return "invalid or unsupported virtual disk identifier";
	if (disk->cdrom)
		return "cdrom devices need an HVM guest";
	if (disk->virtio)
		return "specification=virtio is not supported";
	if (disk->backend_domname && strcmp(disk->backend_domname, "0") &&
	    strcmp(disk->backend_domname, "Domain-0"))
		return "backend= (a driver domain) is not supported yet";
	if (disk->backendtype != XL_DISK_BACKEND_UNKNOWN && disk->backendtype != XL_DISK_BACKEND_QDISK)
		return "only backendtype=qdisk is served (dom0's kernel blkback needs hotplug scripts)";
	if (disk->script)
		return "script= is not supported with backendtype=qdisk";
	if (!format_name(disk->format))
		return "format must be raw, qcow2 or vhd";
	if (stat(disk->target, &st) < 0)
		return strerror(errno);
	return NULL;
}

int xl_disk_check(const struct xl_disk *disk)
{
	long devid;
	const char *why = unservable(disk, &devid);
	if (why)
		fprintf(stderr, "xl: disk %s (%s): %s\n", disk->vdev ? disk->vdev : "without vdev",
			disk->target ? disk->target : "no target", why);
	return why ? -1 : 0;
}

int xl_disks_check(const struct xl_domain_cfg *dom)
{
	for (size_t i = 0; i < dom->nr_disks; i++)
		if (xl_disk_check(&dom->disks[i]))
			return -1;
	return 0;
}

struct disk_args {
	uint32_t domid;
	const struct xl_disk *disks;
	size_t nr_disks;
	bool exists; /* a disk's frontend was there already */
};

/* A fresh directory at path owned by domain owner, readable by reader. */
static void dir(struct xs_writer *w, const char *path, uint32_t owner, uint32_t reader)
{
	char o[16], r[16];
	snprintf(o, sizeof(o), "n%u", owner);
	snprintf(r, sizeof(r), "r%u", reader);
	bx_xs_rm(&xl_xs, w->tx, path);
	xl_xs_node(w, path, o, r);
}

/* The backend's keys, in the backend dir and copied to libxl's. */
static void backend_keys(struct xs_writer *w, const char *path, const struct xl_disk *disk,
			 uint32_t domid)
{
	char v[64];
	char *params = NULL;
	if (asprintf(&params, "%s:%s", format_name(disk->format), disk->target) < 0) {
		w->rc = w->rc ? w->rc : -ENOMEM;
		return;
	}
	xl_xs_put(w, params, "%s/params", path);
	free(params);
	snprintf(v, sizeof(v), "%u", domid);
	xl_xs_put(w, v, "%s/frontend-id", path);
	xl_xs_put(w, "1", "%s/online", path);
	xl_xs_put(w, "0", "%s/removable", path);
	xl_xs_put(w, "1", "%s/bootable", path);
	xl_xs_put(w, "1", "%s/state", path);
	xl_xs_put(w, disk->vdev, "%s/dev", path);
	xl_xs_put(w, "qdisk", "%s/type", path);
	xl_xs_put(w, disk->readwrite ? "w" : "r", "%s/mode", path);
	xl_xs_put(w, "disk", "%s/device-type", path);
	xl_xs_put(w, disk->discard == XL_FALSE ? "0" : "1", "%s/discard-enable", path);
	xl_xs_put(w, "xen", "%s/specification", path);
}

/* libxl__device_generic_add for one qdisk disk. */
static void disk_nodes(struct xs_writer *w, uint32_t domid, const struct xl_disk *disk, long devid)
{
	char fp[64], bp[80], lp[64], v[32];
	snprintf(fp, sizeof(fp), "/local/domain/%u/device/vbd/%ld", domid, devid);
	snprintf(bp, sizeof(bp), "/local/domain/0/backend/qdisk/%u/%ld", domid, devid);
	snprintf(lp, sizeof(lp), "/libxl/%u/device/vbd/%ld", domid, devid);
	bx_xs_rm(&xl_xs, w->tx, lp);
	xl_xs_put(w, fp, "%s/frontend", lp);
	xl_xs_put(w, bp, "%s/backend", lp);
	dir(w, fp, domid, 0);
	xl_xs_put(w, bp, "%s/backend", fp);
	xl_xs_put(w, "0", "%s/backend-id", fp);
	xl_xs_put(w, "1", "%s/state", fp);
	snprintf(v, sizeof(v), "%ld", devid);
	xl_xs_put(w, v, "%s/virtual-device", fp);
	xl_xs_put(w, "disk", "%s/device-type", fp);
	xl_xs_put(w, disk->trusted == XL_FALSE ? "0" : "1", "%s/trusted", fp);
	dir(w, bp, 0, domid);
	xl_xs_put(w, fp, "%s/frontend", bp);
	backend_keys(w, bp, disk, domid);
	backend_keys(w, lp, disk, domid);
}

/* Whether device devid exists: its record under /libxl, which only dom0
 * writes (libxl__device_exists; the guest owns its frontend directory). */
static bool frontend_exists(uint32_t tx, uint32_t domid, long devid)
{
	char path[64];
	snprintf(path, sizeof(path), "/libxl/%u/device/vbd/%ld/backend", domid, devid);
	char *backend = bx_xs_read(&xl_xs, tx, path, NULL);
	free(backend);
	return backend != NULL;
}

static int disks_body(struct bx_xs *xs, uint32_t tx, void *arg)
{
	struct disk_args *a = arg;
	struct xs_writer w = { tx, 0 };
	(void)xs;
	for (size_t i = 0; i < a->nr_disks && !w.rc; i++) {
		long devid = xl_disk_devid(a->disks[i].vdev);
		if ((a->exists = frontend_exists(tx, a->domid, devid)))
			return -EEXIST;
		disk_nodes(&w, a->domid, &a->disks[i], devid);
	}
	return w.rc;
}

/* The device model's state node, as libxl reads QEMU's. */
static bool dm_running(uint32_t domid)
{
	char path[64];
	snprintf(path, sizeof(path), "/local/domain/0/device-model/%u/state", domid);
	char *state = bx_xs_read(&xl_xs, 0, path, NULL);
	bool running = state && !strcmp(state, "running");
	free(state);
	return running;
}

/* bastion-dm for domid, detached, its output to a log of the guest's. */
static pid_t spawn_dm(uint32_t domid, const char *name, char *log, size_t log_len)
{
	char id[16];
	snprintf(id, sizeof(id), "%u", domid);
	snprintf(log, log_len, DM_LOG_DIR "/bastion-dm-%s.log", name);
	pid_t pid = fork();
	if (pid != 0)
		return pid;
	setsid();
	int fd = open(log, O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0644);
	int null = open("/dev/null", O_RDONLY);
	if (fd >= 0 && null >= 0) {
		dup2(null, 0);
		dup2(fd, 1);
		dup2(fd, 2);
	}
	execl(DM_PATH, "bastion-dm", "--domid", id, (char *)NULL);
	fprintf(stderr, "bastion-dm: cannot run %s: %s\n", DM_PATH, strerror(errno));
	_exit(127);
}

int xl_dm_start(uint32_t domid, const char *name)
{
	char log[256];
	int status;
	if (dm_running(domid))
		return 0;
	pid_t pid = spawn_dm(domid, name, log, sizeof(log));
	if (pid < 0) {
		fprintf(stderr, "xl create: starting the device model: %s\n", strerror(errno));
		return -1;
	}
	for (int i = 0; i < DM_READY_TRIES; i++) {
		if (dm_running(domid))
			return 0;
		if (waitpid(pid, &status, WNOHANG) == pid) {
			fprintf(stderr, "xl create: the device model (%s) exited before serving; see %s\n",
				DM_PATH, log);
			return -1;
		}
		nanosleep(&(struct timespec){ 0, 100 * 1000 * 1000 }, NULL);
	}
	fprintf(stderr, "xl create: the device model did not start in 10 s; see %s\n", log);
	return -1;
}

int xl_disks_write(uint32_t domid, const struct xl_disk *disks, size_t nr_disks)
{
	struct disk_args a = { domid, disks, nr_disks, false };
	int rc = bx_xs_transaction(&xl_xs, disks_body, &a, XS_MAX_TRIES);
	if (a.exists)
		fprintf(stderr, "xl: domain %u already has a disk %s\n", domid, disks[0].vdev);
	else if (rc)
		fprintf(stderr, "xl: writing the disks' xenstore nodes: %s\n", strerror(-rc));
	return rc ? -1 : 0;
}
