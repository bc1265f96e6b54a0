/*
 * The typed domain configuration, with the rules of Xen 4.17's
 * tools/xl/xl_parse.c parse_config_data and libxl's defaults: the guest
 * type (Bastion builds PVH guests; PV is refused, HVM not there yet),
 * name, uuid, kernel, ramdisk and command line, shutdown actions and
 * scheduler parameters.  Memory, vCPUs and affinity are in
 * cfg_resources.c, disks, vifs and channels in cfg_devices.c.
 */
#include <ctype.h>
#include <stdlib.h>
#include <string.h>

#include "cfg_domain.h"

static const char *const action_names[] = {
	[XL_ACTION_DESTROY] = "destroy",
	[XL_ACTION_RESTART] = "restart",
	[XL_ACTION_RENAME_RESTART] = "rename-restart",
	[XL_ACTION_PRESERVE] = "preserve",
	[XL_ACTION_COREDUMP_DESTROY] = "coredump-destroy",
	[XL_ACTION_COREDUMP_RESTART] = "coredump-restart",
	[XL_ACTION_SOFT_RESET] = "soft-reset",
};
#define NR_ACTIONS (sizeof(action_names) / sizeof(action_names[0]))

const char *xl_action_name(enum xl_action action)
{
	return (size_t)action < NR_ACTIONS ? action_names[action] : "?";
}

/* xl matches type= and builder= as abbreviations, in this order. */
static int type_is(const char *text, const char *name)
{
	return !strncmp(text, name, strlen(text));
}

static int read_type(const struct xl_cfg *cfg, struct xl_domain_cfg *dom, struct xl_cfg_err *err)
{
	const struct xl_cfg_setting *set = xl_cfg_find(cfg, "type");
	const char *text;
	int rc = xl_cfg_get_string(cfg, "type", &text, err);

	if (rc == 0) {
		set = xl_cfg_find(cfg, "builder");
		rc = xl_cfg_get_string(cfg, "builder", &text, err);
		if (rc > 0 && !type_is(text, "hvm") && !type_is(text, "generic"))
			rc = -2;
		else if (rc > 0)
			text = type_is(text, "hvm") ? "hvm" : "pv";
	} else if (rc > 0 && !type_is(text, "hvm") && !type_is(text, "pv") && !type_is(text, "pvh")) {
		rc = -2;
	}
	if (rc == -2)
		xl_cfg_err_key(err, set, "invalid domain type \"%s\" (expected \"pvh\")", text);
	if (rc < 0)
		return -1;
	if (rc == 0) {
		xl_cfg_err_set(err, "%s: no \"type\" given, which xl takes as a PV guest; Bastion "
			       "does not support PV guests: set type=\"pvh\"", cfg->name);
		return -1;
	}
	if (type_is(text, "hvm")) {
		xl_cfg_err_key(err, set, "HVM guests are not supported yet: use type=\"pvh\"");
		return -1;
	}
	if (type_is(text, "pv")) {
		xl_cfg_err_key(err, set, "PV guests are not supported by Bastion: use type=\"pvh\"");
		return -1;
	}
	dom->type = XL_DOMAIN_PVH;
	return 0;
}

/* A string setting copied into *out (left NULL when absent). */
static int read_string(const struct xl_cfg *cfg, const char *key, char **out,
		       struct xl_cfg_err *err)
{
	const char *text;
	int rc = xl_cfg_get_string(cfg, key, &text, err);

	if (rc <= 0)
		return rc;
	*out = strdup(text);
	if (!*out) {
		xl_cfg_err_key(err, xl_cfg_find(cfg, key), "out of memory");
		return -1;
	}
	return 0;
}

static int read_name(const struct xl_cfg *cfg, struct xl_domain_cfg *dom, struct xl_cfg_err *err)
{
	if (read_string(cfg, "name", &dom->name, err) < 0)
		return -1;
	if (!dom->name || !*dom->name) {
		xl_cfg_err_set(err, "%s: key \"name\": the domain name must be specified", cfg->name);
		return -1;
	}
	return 0;
}

/* "xxxxxxxx-xxxx-xxxx-xxxx-xxxxxxxxxxxx", hex digits of either case. */
static int parse_uuid(const char *text, uint8_t uuid[16])
{
	size_t i, n = 0;

	if (strlen(text) != 36)
		return -1;
	for (i = 0; i < 36; i += 2) {
		char pair[3] = { text[i], text[i + 1], 0 };

		if (i == 8 || i == 13 || i == 18 || i == 23) {
			if (text[i] != '-')
				return -1;
			i--;
			continue;
		}
		if (!isxdigit((unsigned char)pair[0]) || !isxdigit((unsigned char)pair[1]))
			return -1;
		uuid[n++] = (uint8_t)strtoul(pair, NULL, 16);
	}
	return n == 16 ? 0 : -1;
}

static int read_uuid(const struct xl_cfg *cfg, struct xl_domain_cfg *dom, struct xl_cfg_err *err)
{
	const char *text;
	int rc = xl_cfg_get_string(cfg, "uuid", &text, err);

	if (rc <= 0)
		return rc;
	if (parse_uuid(text, dom->uuid) < 0) {
		xl_cfg_err_key(err, xl_cfg_find(cfg, "uuid"), "invalid UUID \"%s\" (expected "
			       "xxxxxxxx-xxxx-xxxx-xxxx-xxxxxxxxxxxx)", text);
		return -1;
	}
	dom->has_uuid = true;
	return 0;
}

/* cmdline= wins over root= and extra=, which give "root=R E" together. */
static int read_cmdline(const struct xl_cfg *cfg, struct xl_domain_cfg *dom, FILE *warn,
			struct xl_cfg_err *err)
{
	const char *cmdline = NULL, *root = NULL, *extra = NULL;
	int asked = xl_cfg_get_string(cfg, "cmdline", &cmdline, err);
	int rc = 0;

	if (asked < 0 || xl_cfg_get_string(cfg, "root", &root, err) < 0 ||
	    xl_cfg_get_string(cfg, "extra", &extra, err) < 0)
		return -1;
	if (cmdline && (root || extra) && warn)
		fprintf(warn, "%s: WARNING: ignoring root= and extra= in favour of cmdline=\n",
			cfg->name);
	if (cmdline)
		dom->cmdline = strdup(cmdline);
	else if (root)
		rc = asprintf(&dom->cmdline, "root=%s%s%s", root, extra ? " " : "", extra ? extra : "");
	else if (extra)
		dom->cmdline = strdup(extra);
	if ((cmdline || root || extra) && (!dom->cmdline || rc < 0)) {
		dom->cmdline = NULL;
		xl_cfg_err_set(err, "%s: out of memory", cfg->name);
		return -1;
	}
	return 0;
}

static int read_action(const struct xl_cfg *cfg, const char *key, enum xl_action fallback,
		       enum xl_action *out, struct xl_cfg_err *err)
{
	const char *text;
	int rc = xl_cfg_get_string(cfg, key, &text, err);
	size_t i;

	*out = fallback;
	if (rc <= 0)
		return rc;
	for (i = 0; i < NR_ACTIONS; i++) {
		if (!strcmp(text, action_names[i])) {
			*out = (enum xl_action)i;
			return 0;
		}
	}
	xl_cfg_err_key(err, xl_cfg_find(cfg, key), "unknown action \"%s\" (expected destroy, "
		       "restart, rename-restart, preserve, coredump-destroy, coredump-restart "
		       "or soft-reset)", text);
	return -1;
}

static int read_actions(const struct xl_cfg *cfg, struct xl_domain_cfg *dom,
			struct xl_cfg_err *err)
{
	if (read_action(cfg, "on_poweroff", XL_ACTION_DESTROY, &dom->on_poweroff, err) < 0 ||
	    read_action(cfg, "on_reboot", XL_ACTION_RESTART, &dom->on_reboot, err) < 0 ||
	    read_action(cfg, "on_watchdog", XL_ACTION_DESTROY, &dom->on_watchdog, err) < 0 ||
	    read_action(cfg, "on_crash", XL_ACTION_DESTROY, &dom->on_crash, err) < 0 ||
	    read_action(cfg, "on_soft_reset", XL_ACTION_SOFT_RESET, &dom->on_soft_reset, err) < 0)
		return -1;
	return 0;
}

/* cpu_weight= and cap= of the credit schedulers: both uint16_t in
 * public/domctl.h's xen_domctl_sched_credit; a weight of 0 is invalid. */
static int read_sched(const struct xl_cfg *cfg, struct xl_domain_cfg *dom, struct xl_cfg_err *err)
{
	dom->weight = dom->cap = -1;
	if (xl_cfg_get_bounded(cfg, "cpu_weight", 1, 65535, &dom->weight, err) < 0 ||
	    xl_cfg_get_bounded(cfg, "cap", 0, 65535, &dom->cap, err) < 0)
		return -1;
	return 0;
}

static void warn_unknown_keys(const struct xl_cfg *cfg, FILE *warn)
{
	const struct xl_cfg_setting *set;

	for (set = cfg->settings; set && warn; set = set->next)
		if (xl_cfg_find(cfg, set->key) == set && !xl_cfg_key_known(set->key))
			fprintf(warn, "%s:%u: WARNING: ignoring unknown key \"%s\"\n",
				set->source, set->line, set->key);
}

int xl_domain_cfg_from(const struct xl_cfg *cfg, struct xl_domain_cfg *dom, FILE *warn,
		       struct xl_cfg_err *err)
{
	memset(dom, 0, sizeof(*dom));
	warn_unknown_keys(cfg, warn);
	if (read_type(cfg, dom, err) < 0 || read_name(cfg, dom, err) < 0 ||
	    read_uuid(cfg, dom, err) < 0 || read_string(cfg, "kernel", &dom->kernel, err) < 0 ||
	    read_string(cfg, "ramdisk", &dom->ramdisk, err) < 0 ||
	    read_cmdline(cfg, dom, warn, err) < 0 || xl_cfg_read_memory(cfg, dom, err) < 0 ||
	    xl_cfg_read_vcpus(cfg, dom, err) < 0 || read_actions(cfg, dom, err) < 0 ||
	    read_sched(cfg, dom, err) < 0 || xl_cfg_read_devices(cfg, dom, err) < 0) {
		xl_domain_cfg_dispose(dom);
		return -1;
	}
	return 0;
}

void xl_domain_cfg_dispose(struct xl_domain_cfg *dom)
{
	size_t i;

	free(dom->name);
	free(dom->kernel);
	free(dom->ramdisk);
	free(dom->cmdline);
	free(dom->cpus.maps);
	free(dom->cpus_soft.maps);
	for (i = 0; i < dom->nr_disks; i++)
		xl_disk_dispose(&dom->disks[i]);
	free(dom->disks);
	for (i = 0; i < dom->nr_vifs; i++)
		xl_vif_dispose(&dom->vifs[i]);
	free(dom->vifs);
	for (i = 0; i < dom->nr_channels; i++)
		xl_channel_dispose(&dom->channels[i]);
	free(dom->channels);
	memset(dom, 0, sizeof(*dom));
}
