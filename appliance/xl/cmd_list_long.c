/*
 * cmd_list_long.c - `xl list -l`: each domain's stored libxl JSON with
 * what libxl_retrieve_domain_configuration (Xen 4.17) takes from the live
 * domain folded in - name, UUID, online vCPUs, memory target and maximum,
 * scheduler parameters - as an array of {"domid", "config"} objects.  A
 * domain without a stored configuration is left out with a message, as
 * Debian's xl does.
 */
#include <stdlib.h>
#include <string.h>

#include "domain_json.h"

/* libxl_types.idl's member orders, for members added here. */
static const char *const c_info_order[] = {
	"type", "hap", "oos", "ssidref", "ssid_label", "name", "domid", "uuid", NULL
};
static const char *const b_info_order[] = {
	"max_vcpus", "avail_vcpus", "cpumap", "nodemap", "vcpu_hard_affinity",
	"vcpu_soft_affinity", "numa_placement", "tsc_mode", "max_memkb", "target_memkb",
	"video_memkb", "shadow_memkb", "iommu_memkb", "rtc_timeoffset", "exec_ssidref",
	"exec_ssid_label", "localtime", "disable_migrate", "cpuid", "blkdev_start",
	"vnuma_nodes", "max_grant_frames", "max_maptrack_frames", "max_grant_version",
	"device_model_version", "device_model_stubdomain", "stubdomain_memkb",
	"stubdomain_kernel", "stubdomain_cmdline", "stubdomain_ramdisk", "device_model",
	"device_model_ssidref", "device_model_ssid_label", "device_model_user", "extra",
	"extra_pv", "extra_hvm", "sched_params", NULL
};
static const char *const config_order[] = { "c_info", "b_info", NULL };

static struct xj *member_object(struct xj *obj, const char *key, const char *const *order)
{
	struct xj *member = xj_get(obj, key);

	if (member && member->kind == XJ_OBJECT)
		return member;
	if (xj_put_in_order(obj, key, xj_new(XJ_OBJECT), order) < 0)
		return NULL;
	return xj_get(obj, key);
}

static unsigned long long number_of(const struct xj *node)
{
	return node && node->kind == XJ_NUMBER ? strtoull(node->text, NULL, 10) : 0;
}

static char *xs_domain_value(uint32_t domid, const char *rel)
{
	char path[96];

	snprintf(path, sizeof(path), "/local/domain/%u/%s", domid, rel);
	return bx_xs_read(&xl_xs, 0, path, NULL);
}

/* The vCPUs below max_vcpus whose cpu/N/availability says online. */
static struct xj *online_vcpus(uint32_t domid, unsigned long long max_vcpus)
{
	struct xj *list = xj_new(XJ_ARRAY);

	for (unsigned long long i = 0; list && i < max_vcpus; i++) {
		char rel[48], *state;

		snprintf(rel, sizeof(rel), "cpu/%llu/availability", i);
		state = xs_domain_value(domid, rel);
		if (state && !strcmp(state, "online") && xj_add(list, NULL, xj_unsigned(i)) < 0)
			list = NULL;
		free(state);
	}
	return list;
}

/* memory/target and static-max; for dom0 without them, what it holds and
 * may hold, written there as libxl does. */
static int memory_of(const struct xen_domctl_getdomaininfo *info, unsigned long long *target,
		     unsigned long long *max)
{
	char *t = xs_domain_value(info->domain, "memory/target");
	char *m = xs_domain_value(info->domain, "memory/static-max");
	char value[24];
	int rc = 0;

	if (info->domain == 0 && !t) {
		snprintf(value, sizeof(value), "%llu", (unsigned long long)info->tot_pages * 4);
		bx_xs_write_str(&xl_xs, 0, "/local/domain/0/memory/target", value);
		t = strdup(value);
	}
	if (info->domain == 0 && !m) {
		snprintf(value, sizeof(value), "%llu", (unsigned long long)info->max_pages * 4);
		bx_xs_write_str(&xl_xs, 0, "/local/domain/0/memory/static-max", value);
		m = strdup(value);
	}
	if (t && m) {
		*target = strtoull(t, NULL, 10);
		*max = strtoull(m, NULL, 10);
	} else {
		rc = -1;
	}
	free(t);
	free(m);
	return rc;
}

static struct xj *live_sched_params(const struct xen_domctl_getdomaininfo *info)
{
	uint32_t pool = info->cpupool, sched_id = 0;
	const char *name;
	struct xj *s = xj_new(XJ_OBJECT);
	struct xen_domctl_sched_credit2 c2;

	if (bx_cpupool_info(&xl_bx, &pool, &sched_id, NULL, NULL, 0) < 0 || pool != info->cpupool ||
	    !(name = xl_scheduler_name(sched_id)) || !s || xj_add(s, "sched", xj_string(name)) < 0) {
		xj_free(s);
		return NULL;
	}
	if (!strcmp(name, "credit2") && bx_sched_credit2_get(&xl_bx, info->domain, &c2) == 0 &&
	    (xj_add(s, "weight", xj_number(c2.weight)) < 0 || xj_add(s, "cap", xj_number(c2.cap)) < 0))
		return NULL;
	return s;
}

static int fold_in_live(struct xj *cfg, const struct xen_domctl_getdomaininfo *info)
{
	struct xj *c = member_object(cfg, "c_info", config_order);
	struct xj *b = member_object(cfg, "b_info", config_order);
	char *name = xl_domid_to_name(info->domain), uuid[37];
	unsigned long long max_vcpus, target, max;
	static const uint8_t nil[16];
	int rc = -1;

	if (!c || !b || !name || memory_of(info, &target, &max) < 0)
		goto out;
	max_vcpus = number_of(xj_get(b, "max_vcpus"));
	/* libxl adds video_memkb, whose default is ~0: a missing one takes 1 */
	target += xj_get(b, "video_memkb") ? number_of(xj_get(b, "video_memkb")) : ~0ULL;
	xl_uuid_string(info->handle, uuid);
	if (memcmp(info->handle, nil, sizeof(nil)) == 0)
		xj_remove(c, "uuid");
	else if (xj_put_in_order(c, "uuid", xj_string(uuid), c_info_order) < 0)
		goto out;
	if (max_vcpus == 0)
		xj_remove(b, "avail_vcpus");
	if (xj_put_in_order(c, "name", xj_string(name), c_info_order) < 0 ||
	    (max_vcpus && xj_put_in_order(b, "avail_vcpus", online_vcpus(info->domain, max_vcpus),
					  b_info_order) < 0) ||
	    xj_put_in_order(b, "max_memkb", xj_unsigned(max), b_info_order) < 0 ||
	    xj_put_in_order(b, "target_memkb", xj_unsigned(target), b_info_order) < 0 ||
	    xj_put_in_order(b, "sched_params", live_sched_params(info), b_info_order) < 0)
		goto out;
	rc = 0;
out:
	free(name);
	return rc;
}

static int print_one(const struct xen_domctl_getdomaininfo *info, bool first)
{
	char why[256];
	struct xj *cfg = xl_load_domain_json(info->domain, info->handle, why, sizeof(why));

	if (!cfg || fold_in_live(cfg, info) < 0) {
		fprintf(stderr, "xl: Domain %u: Fail to get domain configuration%s%s\n", info->domain,
			cfg ? "" : ": ", cfg ? "" : why);
		xj_free(cfg);
		return 0;
	}
	printf("%s    {\n        \"domid\": %u,\n        \"config\": ", first ? "" : ",\n",
	       info->domain);
	xj_print(stdout, cfg, 2);
	printf("\n    }");
	xj_free(cfg);
	return 1;
}

int xl_list_long(const struct xen_domctl_getdomaininfo *infos, int n)
{
	int printed = 0;

	printf("[\n");
	for (int i = 0; i < n; i++)
		printed += print_one(&infos[i], printed == 0);
	printf("\n]\n\n");
	return EXIT_SUCCESS;
}
