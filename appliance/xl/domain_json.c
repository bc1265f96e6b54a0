/*
 * domain_json.c - a domain's configuration as libxl stores it beside the
 * domain (/var/lib/xen/userdata-d.<domid>.<uuid>.libxl-json) for `xl list
 * -l` and later toolstack runs: libxl_domain_config's JSON (Xen 4.17's
 * libxl_types.idl), members in the IDL's order, a member at its default
 * value left out, after xl's parse and libxl's defaults (the stored file
 * of a PVH guest Debian's xl created on Bastion is the reference).
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "domain_json.h"

#define USERDATA_DIR "/var/lib/xen"
#define MIN(a, b) ((a) < (b) ? (a) : (b))

/* libxl_action_on_shutdown's names (not xl.cfg's: "restart_rename"). */
static const char *action_json(enum xl_action action)
{
	static const char *const names[] = {
		[XL_ACTION_DESTROY] = "destroy", [XL_ACTION_RESTART] = "restart",
		[XL_ACTION_RENAME_RESTART] = "restart_rename", [XL_ACTION_PRESERVE] = "preserve",
		[XL_ACTION_COREDUMP_DESTROY] = "coredump_destroy",
		[XL_ACTION_COREDUMP_RESTART] = "coredump_restart",
		[XL_ACTION_SOFT_RESET] = "soft_reset",
	};
	return (size_t)action < sizeof(names) / sizeof(names[0]) ? names[action] : "destroy";
}

static const char *defbool(bool value)
{
	return value ? "True" : "False";
}

static struct xj *cpu_list(const struct xl_cpumap *map)
{
	struct xj *list = xj_new(XJ_ARRAY);

	for (unsigned cpu = 0; list && cpu < XL_CFG_MAX_CPUS; cpu++)
		if (xl_cpumap_test(map, cpu) && xj_add(list, NULL, xj_unsigned(cpu)) < 0)
			return NULL;
	return list;
}

/* vcpu_hard_affinity / vcpu_soft_affinity: one CPU list per vCPU. */
static int add_affinity(struct xj *b_info, const char *key, const struct xl_affinity *aff,
			unsigned max_vcpus)
{
	size_t n = aff->for_all_vcpus ? max_vcpus : MIN(aff->nr_maps, (size_t)max_vcpus);
	struct xj *list;

	if (!aff->nr_maps || !n)
		return 0;
	list = xj_new(XJ_ARRAY);
	for (size_t i = 0; list && i < n; i++)
		if (xj_add(list, NULL, cpu_list(&aff->maps[aff->for_all_vcpus ? 0 : i])) < 0)
			return -1;
	return xj_add(b_info, key, list);
}

static struct xj *avail_vcpus(unsigned nr)
{
	struct xj *list = xj_new(XJ_ARRAY);

	for (unsigned i = 0; list && i < nr; i++)
		if (xj_add(list, NULL, xj_unsigned(i)) < 0)
			return NULL;
	return list;
}

static struct xj *c_info(const struct xl_domain_cfg *dom)
{
	struct xj *c = xj_new(XJ_OBJECT);
	char uuid[37];

	xl_uuid_string(dom->uuid, uuid);
	if (!c || xj_add(c, "type", xj_string("pvh")) || xj_add(c, "name", xj_string(dom->name)) ||
	    xj_add(c, "domid", xj_unsigned(0xFFFFFFFFu)) || xj_add(c, "uuid", xj_string(uuid)) ||
	    xj_add(c, "run_hotplug_scripts", xj_string(defbool(true)))) {
		xj_free(c);
		return NULL;
	}
	return c;
}

static struct xj *sched_params(const struct xl_domain_cfg *dom)
{
	struct xj *s = xj_new(XJ_OBJECT);

	if (s && dom->weight >= 0 && xj_add(s, "weight", xj_number(dom->weight)) < 0)
		return NULL;
	if (s && dom->cap >= 0 && xj_add(s, "cap", xj_number(dom->cap)) < 0)
		return NULL;
	return s;
}

static int add_string(struct xj *obj, const char *key, const char *value)
{
	return value ? xj_add(obj, key, xj_string(value)) : 0;
}

static struct xj *b_info(const struct xl_domain_cfg *dom)
{
	struct xj *b = xj_new(XJ_OBJECT), *x86 = xj_new(XJ_OBJECT);
	bool numa_off = dom->cpus_soft.nr_maps || (dom->cpus.nr_maps && !dom->cpus.for_all_vcpus);

	if (!b || !x86 || xj_add(b, "max_vcpus", xj_unsigned(dom->maxvcpus)) ||
	    xj_add(b, "avail_vcpus", avail_vcpus(dom->vcpus)) ||
	    add_affinity(b, "vcpu_hard_affinity", &dom->cpus, dom->maxvcpus) ||
	    add_affinity(b, "vcpu_soft_affinity", &dom->cpus_soft, dom->maxvcpus) ||
	    (numa_off && xj_add(b, "numa_placement", xj_string(defbool(false)))) ||
	    xj_add(b, "max_memkb", xj_unsigned((unsigned long long)dom->maxmem_mb * 1024)) ||
	    xj_add(b, "target_memkb", xj_unsigned((unsigned long long)dom->memory_mb * 1024)) ||
	    xj_add(b, "video_memkb", xj_number(0)) || xj_add(b, "sched_params", sched_params(dom)) ||
	    xj_add(b, "claim_mode", xj_string(defbool(true))) || add_string(b, "kernel", dom->kernel) ||
	    add_string(b, "cmdline", dom->cmdline) || add_string(b, "ramdisk", dom->ramdisk) ||
	    xj_add(b, "type.pvh", xj_new(XJ_OBJECT)) || xj_add(b, "arch_arm", xj_new(XJ_OBJECT)) ||
	    xj_add(x86, "msr_relaxed", xj_string(defbool(false))) || xj_add(b, "arch_x86", x86)) {
		xj_free(b);
		return NULL;
	}
	return b;
}

static struct xj *disk_json(const struct xl_disk *d)
{
	static const char *const formats[] = { "unknown", "qcow", "qcow2", "vhd", "raw", "empty", "qed" };
	struct xj *j = xj_new(XJ_OBJECT);

	if (!j || add_string(j, "backend_domname", d->backend_domname) ||
	    (d->target && d->target[0] && xj_add(j, "pdev_path", xj_string(d->target))) ||
	    add_string(j, "vdev", d->vdev) ||
	    (d->format && xj_add(j, "format", xj_string(formats[d->format]))) ||
	    add_string(j, "script", d->script) || (d->readwrite && xj_add(j, "readwrite", xj_number(1))) ||
	    (d->cdrom && xj_add(j, "is_cdrom", xj_number(1))) ||
	    (d->direct_io_safe && xj_add(j, "direct_io_safe", xj_bool(true))) ||
	    (d->discard != XL_DEFAULT && xj_add(j, "discard_enable", xj_string(defbool(d->discard)))) ||
	    xj_add(j, "colo_restore_enable", xj_string(defbool(false))) ||
	    (d->trusted != XL_DEFAULT && xj_add(j, "trusted", xj_string(defbool(d->trusted))))) {
		xj_free(j);
		return NULL;
	}
	return j;
}

static struct xj *nic_json(const struct xl_vif *v, size_t index)
{
	struct xj *j = xj_new(XJ_OBJECT);
	char mac[18];

	snprintf(mac, sizeof(mac), "%02x:%02x:%02x:%02x:%02x:%02x", v->mac[0], v->mac[1], v->mac[2],
		 v->mac[3], v->mac[4], v->mac[5]);
	if (!j || add_string(j, "backend_domname", v->backend_domname) ||
	    xj_add(j, "devid", xj_number(v->devid >= 0 ? v->devid : (long)index)) ||
	    (v->mtu && xj_add(j, "mtu", xj_unsigned(v->mtu))) || add_string(j, "model", v->model) ||
	    (v->has_mac && xj_add(j, "mac", xj_string(mac))) || add_string(j, "ip", v->ip) ||
	    add_string(j, "bridge", v->bridge) || add_string(j, "ifname", v->vifname) ||
	    add_string(j, "script", v->script) ||
	    (v->type != XL_VIF_TYPE_DEFAULT &&
	     xj_add(j, "nictype", xj_string(v->type == XL_VIF_TYPE_VIF ? "vif" : "vif_ioemu"))) ||
	    (v->has_rate && (xj_add(j, "rate_bytes_per_interval", xj_unsigned(v->rate_bytes_per_interval)) ||
			     xj_add(j, "rate_interval_usecs", xj_unsigned(v->rate_interval_usecs)))) ||
	    add_string(j, "gatewaydev", v->gatewaydev) ||
	    (v->trusted != XL_DEFAULT && xj_add(j, "trusted", xj_string(defbool(v->trusted))))) {
		xj_free(j);
		return NULL;
	}
	return j;
}

static int add_devices(struct xj *cfg, const struct xl_domain_cfg *dom)
{
	struct xj *disks = dom->nr_disks ? xj_new(XJ_ARRAY) : NULL;
	struct xj *nics = dom->nr_vifs ? xj_new(XJ_ARRAY) : NULL;

	for (size_t i = 0; disks && i < dom->nr_disks; i++)
		if (xj_add(disks, NULL, disk_json(&dom->disks[i])) < 0)
			disks = NULL;
	for (size_t i = 0; nics && i < dom->nr_vifs; i++)
		if (xj_add(nics, NULL, nic_json(&dom->vifs[i], i)) < 0)
			nics = NULL;
	if ((dom->nr_disks && xj_add(cfg, "disks", disks) < 0) ||
	    (dom->nr_vifs && xj_add(cfg, "nics", nics) < 0))
		return -1;
	return 0;
}

/* on_poweroff .. on_soft_reset, each left out when it is "destroy". */
static int add_actions(struct xj *cfg, const struct xl_domain_cfg *dom)
{
	const struct { const char *key; enum xl_action action; } acts[] = {
		{ "on_poweroff", dom->on_poweroff }, { "on_reboot", dom->on_reboot },
		{ "on_watchdog", dom->on_watchdog }, { "on_crash", dom->on_crash },
		{ "on_soft_reset", dom->on_soft_reset },
	};

	for (size_t i = 0; i < sizeof(acts) / sizeof(acts[0]); i++)
		if (acts[i].action != XL_ACTION_DESTROY &&
		    xj_add(cfg, acts[i].key, xj_string(action_json(acts[i].action))) < 0)
			return -1;
	return 0;
}

struct xj *xl_domain_json(const struct xl_domain_cfg *dom)
{
	struct xj *cfg = xj_new(XJ_OBJECT);

	if (!cfg || xj_add(cfg, "c_info", c_info(dom)) || xj_add(cfg, "b_info", b_info(dom)) ||
	    add_devices(cfg, dom) || add_actions(cfg, dom)) {
		xj_free(cfg);
		return NULL;
	}
	return cfg;
}

static char *userdata_path(uint32_t domid, const uint8_t uuid[16])
{
	char text[37], *path;

	xl_uuid_string(uuid, text);
	if (asprintf(&path, USERDATA_DIR "/userdata-d.%u.%s.libxl-json", domid, text) < 0)
		return NULL;
	return path;
}

/* Written whole to a temporary file then renamed, as libxl does; the text
 * ends with a NUL, which libxl's reader expects. */
int xl_store_domain_json(uint32_t domid, const uint8_t uuid[16], const struct xj *cfg)
{
	char *path = userdata_path(domid, uuid), *tmp = NULL;
	FILE *out = NULL;
	int rc = -1;

	if (!path || asprintf(&tmp, "%s.tmp", path) < 0)
		goto done;
	mkdir(USERDATA_DIR, 0755);
	out = fopen(tmp, "w");
	if (!out)
		goto done;
	xj_print(out, cfg, 0);
	fputc('\0', out);
	if (fflush(out) == 0 && fsync(fileno(out)) == 0 && fclose(out) == 0) {
		out = NULL;
		rc = rename(tmp, path);
	}
done:
	if (rc < 0)
		fprintf(stderr, "xl: cannot store the domain's configuration in %s: %s\n",
			path ? path : USERDATA_DIR, strerror(errno));
	if (out)
		fclose(out);
	if (rc < 0 && tmp)
		unlink(tmp);
	free(tmp);
	free(path);
	return rc;
}

struct xj *xl_load_domain_json(uint32_t domid, const uint8_t uuid[16], char *why, size_t why_len)
{
	char *path = userdata_path(domid, uuid), *text = NULL;
	size_t len = 0;
	FILE *in = path ? fopen(path, "r") : NULL;
	struct xj *cfg = NULL;

	if (!in) {
		snprintf(why, why_len, "%s: %s", path ? path : USERDATA_DIR, strerror(errno));
	} else if (getdelim(&text, &len, '\0', in) < 0) {
		snprintf(why, why_len, "%s: empty", path);
	} else if (!(cfg = xj_parse(text, why, why_len))) {
		size_t used = strlen(why);

		snprintf(why + used, why_len - used, " in %s", path);
	}
	if (in)
		fclose(in);
	free(text);
	free(path);
	return cfg;
}
