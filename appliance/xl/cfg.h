/*
 * xl.cfg: the domain configuration language of Xen's xl, read by our own
 * toolstack.  Two layers:
 *
 *  - a generic parser of the grammar (Xen 4.17 tools/libs/util/
 *    libxlu_cfg_l.l and libxlu_cfg_y.y, docs/man/xl.cfg.5.pod.in):
 *    `key = value` or `key += value` settings ended by a newline or `;`,
 *    values that are strings, numbers or (nested) lists, `#` comments;
 *    overrides from the xl command line use the same grammar and win;
 *  - the typed PVH domain configuration built from it (xl_domain_cfg_*),
 *    with xl's defaults and range checks (tools/xl/xl_parse.c).
 *
 * Every error names the source (file name or "command line"), the line and
 * the key or token, e.g. `demo.cfg:7: key "memory": expected a number`.
 */
#ifndef BASTION_XL_CFG_H
#define BASTION_XL_CFG_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#define XL_CFG_ERR_MAX 320

/* The first error met; text is empty while nothing went wrong. */
struct xl_cfg_err {
	char text[XL_CFG_ERR_MAX];
};

void xl_cfg_err_set(struct xl_cfg_err *err, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

enum xl_cfg_kind { XL_CFG_STRING, XL_CFG_LIST };

/* A value: a string (numbers are kept as the text the lexer took) or a list. */
struct xl_cfg_value {
	enum xl_cfg_kind kind;
	unsigned line;
	char *string;                  /* XL_CFG_STRING */
	struct xl_cfg_value **items;   /* XL_CFG_LIST */
	size_t nr_items;
};

/* One `key = value`; the newest setting of a key shadows older ones. */
struct xl_cfg_setting {
	char *key;
	struct xl_cfg_value *value;
	const char *source;            /* owned by the xl_cfg */
	unsigned line;
	bool appended;                 /* written with += */
	struct xl_cfg_setting *next;   /* the next older setting */
};

struct xl_cfg {
	char *name;                    /* the file name, for messages */
	struct xl_cfg_setting *settings; /* newest first */
	char **sources;                /* names settings point at */
	size_t nr_sources;
};

/* Parses text[0..len) named `name` (a file name, used in messages).
 * Returns NULL with err filled on a syntax error or allocation failure. */
struct xl_cfg *xl_cfg_parse(const char *name, const char *text, size_t len,
			    struct xl_cfg_err *err);

/* Parses one command-line override such as "memory=1024" or "vif+=['']"
 * with the same grammar and adds its settings after the file's: later
 * settings win.  Returns 0, or -1 with err filled (cfg is unchanged). */
int xl_cfg_apply_override(struct xl_cfg *cfg, const char *text,
			  struct xl_cfg_err *err);

void xl_cfg_free(struct xl_cfg *cfg);

/* The newest setting of key, or NULL. */
const struct xl_cfg_setting *xl_cfg_find(const struct xl_cfg *cfg, const char *key);

/* Lookups return 1 when the key is set and *out is filled, 0 when the key is
 * absent, -1 with err naming source, line and key when its value is of the
 * wrong kind or (for _long) not a number as Xen's strtol(.., 0) reads it. */
int xl_cfg_get_string(const struct xl_cfg *cfg, const char *key,
		      const char **out, struct xl_cfg_err *err);
int xl_cfg_get_long(const struct xl_cfg *cfg, const char *key, long *out,
		    struct xl_cfg_err *err);
int xl_cfg_get_list(const struct xl_cfg *cfg, const char *key,
		    const struct xl_cfg_value **out, struct xl_cfg_err *err);

/* Writes "source:line: key \"k\": " + message into err. */
void xl_cfg_err_key(struct xl_cfg_err *err, const struct xl_cfg_setting *set,
		    const char *fmt, ...) __attribute__((format(printf, 3, 4)));

/* ---- the typed domain configuration (tools/xl/xl_parse.c rules) ---- */

enum xl_domain_type { XL_DOMAIN_PV, XL_DOMAIN_PVH, XL_DOMAIN_HVM };

/* What to do when the guest stops; names as xl prints them. */
enum xl_action {
	XL_ACTION_DESTROY,
	XL_ACTION_RESTART,
	XL_ACTION_RENAME_RESTART,
	XL_ACTION_PRESERVE,
	XL_ACTION_COREDUMP_DESTROY,
	XL_ACTION_COREDUMP_RESTART,
	XL_ACTION_SOFT_RESET,
};
const char *xl_action_name(enum xl_action action);

#define XL_CFG_MAX_CPUS 1024
/* Xen's HVM_MAX_VCPUS (public/hvm/hvm_info_table.h), the PVH limit too. */
#define XL_CFG_MAX_VCPUS 128

struct xl_cpumap {
	uint64_t bits[XL_CFG_MAX_CPUS / 64];
};

static inline bool xl_cpumap_test(const struct xl_cpumap *map, unsigned cpu)
{
	return cpu < XL_CFG_MAX_CPUS && (map->bits[cpu / 64] >> (cpu % 64)) & 1;
}

/* cpus= / cpus_soft=: none set (nr_maps 0), one string for every vCPU
 * (for_all_vcpus, nr_maps 1) or a list, entry i for vCPU i. */
struct xl_affinity {
	struct xl_cpumap *maps;
	size_t nr_maps;
	bool for_all_vcpus;
};

/* Parses one CPULIST string ("all", "0-3,5,^1"); NUMA node forms are
 * refused.  Returns 0, or -1 with a message in why[0..why_len). */
int xl_cpulist_parse(const char *text, struct xl_cpumap *map, char *why, size_t why_len);

/* Orders follow libxl_types.idl's libxl_disk_format / _backend. */
enum xl_disk_format {
	XL_DISK_FORMAT_UNKNOWN, XL_DISK_FORMAT_QCOW, XL_DISK_FORMAT_QCOW2,
	XL_DISK_FORMAT_VHD, XL_DISK_FORMAT_RAW, XL_DISK_FORMAT_EMPTY,
	XL_DISK_FORMAT_QED,
};
enum xl_disk_backend {
	XL_DISK_BACKEND_UNKNOWN, XL_DISK_BACKEND_PHY, XL_DISK_BACKEND_TAP,
	XL_DISK_BACKEND_QDISK, XL_DISK_BACKEND_STANDALONE,
};
enum xl_tristate { XL_DEFAULT = -1, XL_FALSE = 0, XL_TRUE = 1 };

/* One disk= entry (docs/man/xl-disk-configuration.5.pod.in). */
struct xl_disk {
	char *target;                  /* NULL or "" for an empty cdrom */
	enum xl_disk_format format;
	char *vdev;
	bool readwrite;
	bool cdrom;
	char *backend_domname;
	enum xl_disk_backend backendtype;
	char *script;
	bool virtio;                   /* specification=virtio */
	bool direct_io_safe;
	enum xl_tristate discard;
	enum xl_tristate trusted;
};

/* Parses one DISKSPEC.  Returns 0, or -1 with the reason in why. */
int xl_disk_parse(const char *spec, struct xl_disk *disk, char *why, size_t why_len);
void xl_disk_dispose(struct xl_disk *disk);
/* The device number Xen gives vdev ("xvda" 51712, "hdb" 832, "d3p1",
 * a plain number...), as libxl 4.17 computes it; -1 if vdev is none. */
long xl_disk_devid(const char *vdev);

enum xl_vif_type { XL_VIF_TYPE_DEFAULT, XL_VIF_TYPE_VIF, XL_VIF_TYPE_IOEMU };
/* Bastion's net= (not Xen's): a tap on a bridge, or user networking. */
enum xl_vif_net { XL_VIF_NET_BRIDGE, XL_VIF_NET_USER };

/* One vif= entry (docs/man/xl-network-configuration.5.pod.in); strings
 * left NULL take libxl's defaults (bridge xenbr0, script vif-bridge). */
struct xl_vif {
	bool has_mac;
	uint8_t mac[6];
	enum xl_vif_type type;
	char *bridge, *gatewaydev, *ip, *script, *backend_domname, *vifname, *model;
	bool has_rate;
	uint64_t rate_bytes_per_interval;
	uint32_t rate_interval_usecs;
	long devid;                    /* -1: allocated at creation */
	unsigned long mtu;             /* 0: default */
	enum xl_tristate trusted;
	enum xl_vif_net net;
	char *hostfwd;                 /* net=user's hostfwd= rules, blank-separated, or NULL */
};

int xl_vif_parse(const char *spec, struct xl_vif *vif, char *why, size_t why_len);
void xl_vif_dispose(struct xl_vif *vif);

enum xl_channel_connection { XL_CHANNEL_UNSET, XL_CHANNEL_PTY, XL_CHANNEL_SOCKET };

/* One channel= entry (docs/man/xl.cfg.5.pod.in, CHANNELS; xl_parse.c):
 * a secondary PV console, devid its index + 1, served by bastion-dm. */
struct xl_channel {
	char *name;                    /* required: how the guest finds it */
	enum xl_channel_connection connection; /* required */
	char *path;                    /* socket: required; pty: refused */
	char *backend_domname;         /* NULL: dom0 */
};

int xl_channel_parse(const char *spec, struct xl_channel *chn, char *why, size_t why_len);
void xl_channel_dispose(struct xl_channel *chn);

struct xl_domain_cfg {
	char *name;
	enum xl_domain_type type;
	char *kernel, *ramdisk, *cmdline;
	long memory_mb, maxmem_mb;
	unsigned vcpus, maxvcpus;
	struct xl_affinity cpus, cpus_soft;
	enum xl_action on_poweroff, on_reboot, on_watchdog, on_crash, on_soft_reset;
	bool has_uuid;
	uint8_t uuid[16];
	long weight, cap;              /* -1: scheduler default */
	struct xl_disk *disks;
	size_t nr_disks;
	struct xl_vif *vifs;
	size_t nr_vifs;
	struct xl_channel *channels;
	size_t nr_channels;
};

/* Builds dom from cfg with xl's defaults and checks.  Warnings (unknown
 * keys, root/extra ignored) go to warn when it is not NULL.  Returns 0, or
 * -1 with err naming source, line and key; dom is then disposed. */
int xl_domain_cfg_from(const struct xl_cfg *cfg, struct xl_domain_cfg *dom,
		       FILE *warn, struct xl_cfg_err *err);
void xl_domain_cfg_dispose(struct xl_domain_cfg *dom);

#endif
