/*
 * create.h - `xl create` in pieces: building the PVH domain from the
 * builder's plan (create_build.c, create_vcpu.c), its xenstore layout as
 * libxl writes it (create_xs.c), and the process that stays behind to
 * act on the guest's poweroff, reboot or crash (create_watch.c).
 */
#ifndef XL_CREATE_H
#define XL_CREATE_H

#include "cfg.h"
#include "pvh_build.h"
#include "xl.h"

#ifndef MIN
#define MIN(a, b) ((a) < (b) ? (a) : (b))
#define MAX(a, b) ((a) > (b) ? (a) : (b))
#endif

/* What the build made that xenstore and the daemons need to know. */
struct xl_new_domain {
	uint32_t domid;
	uint32_t store_port, console_port;
	uint64_t store_gfn, console_gfn;
};

/* The domain, its memory and vCPU 0, paused; destroyed again on failure.
 * Returns 0 or -errno (the message is printed). */
int xl_build_pvh(const struct xl_domain_cfg *dom, const struct pvh_plan *plan, struct xl_new_domain *nd);

/* MTRRs for every vCPU, then vCPU 0's registers (sethvmcontext). */
int xl_load_vcpu_state(uint32_t domid, unsigned nr_vcpus, const struct pvh_plan *plan);

/* libxl__domain_make's nodes (before the build) and libxl__build_post's
 * plus the console's (after it), then the introduction to xenstored. */
int xl_xs_make_domain(uint32_t domid, const struct xl_domain_cfg *dom);
int xl_xs_finish_domain(const struct xl_new_domain *nd, const struct xl_domain_cfg *dom);

/* Writes inside one transaction (create_xs.c); rc keeps the first failure. */
struct xs_writer {
	uint32_t tx;
	int rc;
};
void xl_xs_put(struct xs_writer *w, const char *value, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));
/* An empty node with permissions owner/others ("n0"), plus reader or NULL. */
void xl_xs_node(struct xs_writer *w, const char *path, const char *owner, const char *reader);

/* disk= (create_disk.c): whether a disk (every disk) can be served, an
 * error naming it; the disks' frontend and backend nodes (refused if a
 * frontend is there already); the device model serving the domain,
 * started unless it runs, and ready.  0 or -1. */
int xl_disk_check(const struct xl_disk *disk);
int xl_disks_check(const struct xl_domain_cfg *dom);
int xl_disks_write(uint32_t domid, const struct xl_disk *disks, size_t nr_disks);
int xl_dm_start(uint32_t domid, const char *name);

/* vif= (create_vif.c), the same for network devices: checks, the nodes
 * (devids allocated as libxl does, refused if taken); then every disk,
 * vif and channel of a new domain, and its device model if it has any.
 * 0 or -1. */
int xl_vif_check(const struct xl_vif *vif);
int xl_vifs_check(const struct xl_domain_cfg *dom);
int xl_vifs_write(uint32_t domid, const struct xl_vif *vifs, size_t nr_vifs);
int xl_devices_add(uint32_t domid, const struct xl_domain_cfg *dom);

/* channel= (create_channel.c): whether every channel can be served (a
 * message naming it if not); their console nodes, devids 1, 2...  0 or -1. */
int xl_channels_check(const struct xl_domain_cfg *dom);
int xl_channels_write(uint32_t domid, const struct xl_channel *channels, size_t nr_channels);

/* The device commands' shared parts (cmd_device.c).  The arguments after
 * the domain joined by commas, one DISKSPEC or VIFSPEC (malloc'ed; NULL
 * when out of memory). */
char *xl_join_args(int argc, char **argv);
/* A key under dir: its value (malloc'ed) or NULL; as a number, -1 when
 * absent. */
char *xl_dev_key(const char *dir, const char *key);
long xl_dev_number(const char *dir, const char *key);
/* Asks a device's backend to close (online 0, state Closing) and waits
 * up to 10 s for Closed; 0, or -1 with cmd's message. */
int xl_close_backend(const char *backend, const char *cmd);

/* What an attach, list and detach command of one device kind needs. */
struct xl_devkind {
	const char *kind;       /* the frontend's device type: "vbd", "vif" */
	const char *attach_cmd; /* "block-attach" */
	int attach_args;        /* arguments it needs: the domain, a spec? */
	const char *add_failed; /* Debian's xl's message when adding fails */
	const char *del_failed; /* the same when removing fails */
	/* Parses spec and writes the device's nodes: 0; 1 when spec is bad
	 * (why says so); -1 when the device cannot be added (told). */
	int (*add)(uint32_t domid, const char *spec, char *why, size_t why_len);
};
/* xl <attach_cmd> DOMAIN SPEC...: adds the device, then makes sure the
 * domain's device model serves it.  An exit status. */
int xl_device_attach(const struct xl_devkind *k, int argc, char **argv);
/* Calls one(domid, devid) for each device of the kind on record for
 * each domain named from argv[optind] on. */
void xl_device_each(const struct xl_devkind *k, int argc, char **argv,
		    void (*one)(uint32_t domid, const char *devid));
/* Closes the backend of device devid of domid (unless force), then
 * removes its frontend, backend and libxl nodes.  An exit status;
 * "Unknown"-style messages for a device not found are the caller's. */
int xl_device_remove(const struct xl_devkind *k, const char *cmd, uint32_t domid,
		     long devid, const char *backend, bool force);

/* Forks the process that waits for the domain to stop and applies
 * on_poweroff / on_reboot / on_crash; the caller goes on. */
int xl_watch_domain(uint32_t domid, const struct xl_domain_cfg *dom);

/* The config file plus key=value overrides as a typed domain config;
 * 0, or -1 with the message (file, line, key) printed. */
int xl_read_domain_cfg(const char *path, char *const *overrides, int nr, struct xl_domain_cfg *dom);

/* The whole file, malloc'ed and NUL-terminated, or NULL with a message. */
char *xl_read_file(const char *what, const char *path, size_t *len);

/* The kernel at path, unpacked (from the unpacked-kernel cache when it
 * holds this file: create_kcache.c); 0, or -1 with err filled in. */
int xl_kernel_load(const char *path, struct pvh_kernel *k, char *err, size_t errlen);

/* Builds and starts (unless paused) a domain from dom; its id in *domid. */
int xl_create_domain(const struct xl_domain_cfg *dom, bool paused, uint32_t *domid);

#endif
