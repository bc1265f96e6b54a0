/*
 * disk= and vif= of the typed domain config: lists of DISKSPEC and
 * VIFSPEC strings (cfg_disk.c, cfg_vif.c).  An error names the entry (from
 * 1) and the line it sits on; two disks with one vdev are refused, as
 * libxl refuses them when it adds the second device.
 */
#include <stdlib.h>
#include <string.h>

#include "cfg_domain.h"

static const struct xl_cfg_value *entry_string(const struct xl_cfg_setting *set, size_t index,
						struct xl_cfg_err *err)
{
	const struct xl_cfg_value *item = set->value->items[index];

	if (item->kind == XL_CFG_STRING)
		return item;
	xl_cfg_err_set(err, "%s:%u: key \"%s\": entry %zu is a list, expected a string",
		       set->source, item->line, set->key, index + 1);
	return NULL;
}

static int check_vdev_unique(const struct xl_cfg_setting *set, const struct xl_domain_cfg *dom,
			     unsigned line, struct xl_cfg_err *err)
{
	const struct xl_disk *added = &dom->disks[dom->nr_disks - 1];
	size_t i;

	for (i = 0; i + 1 < dom->nr_disks; i++) {
		if (strcmp(dom->disks[i].vdev, added->vdev))
			continue;
		xl_cfg_err_set(err, "%s:%u: key \"%s\": entry %zu: vdev \"%s\" is already used by "
			       "entry %zu", set->source, line, set->key, dom->nr_disks, added->vdev,
			       i + 1);
		return -1;
	}
	return 0;
}

static int read_disks(const struct xl_cfg *cfg, struct xl_domain_cfg *dom, struct xl_cfg_err *err)
{
	const struct xl_cfg_value *list;
	const struct xl_cfg_setting *set = xl_cfg_find(cfg, "disk");
	int rc = xl_cfg_get_list(cfg, "disk", &list, err);
	size_t i;
	char why[200];

	if (rc <= 0)
		return rc;
	dom->disks = calloc(list->nr_items ? list->nr_items : 1, sizeof(*dom->disks));
	if (!dom->disks) {
		xl_cfg_err_key(err, set, "out of memory");
		return -1;
	}
	for (i = 0; i < list->nr_items; i++) {
		const struct xl_cfg_value *item = entry_string(set, i, err);

		if (!item)
			return -1;
		if (xl_disk_parse(item->string, &dom->disks[i], why, sizeof(why)) < 0) {
			xl_cfg_err_set(err, "%s:%u: key \"disk\": entry %zu (\"%s\"): %s", set->source,
				       item->line, i + 1, item->string, why);
			return -1;
		}
		dom->nr_disks++;
		if (check_vdev_unique(set, dom, item->line, err) < 0)
			return -1;
	}
	return 0;
}

static int read_vifs(const struct xl_cfg *cfg, struct xl_domain_cfg *dom, struct xl_cfg_err *err)
{
	const struct xl_cfg_value *list;
	const struct xl_cfg_setting *set = xl_cfg_find(cfg, "vif");
	int rc = xl_cfg_get_list(cfg, "vif", &list, err);
	size_t i;
	char why[200];

	if (rc <= 0)
		return rc;
	dom->vifs = calloc(list->nr_items ? list->nr_items : 1, sizeof(*dom->vifs));
	if (!dom->vifs) {
		xl_cfg_err_key(err, set, "out of memory");
		return -1;
	}
	for (i = 0; i < list->nr_items; i++) {
		const struct xl_cfg_value *item = entry_string(set, i, err);

		if (!item)
			return -1;
		if (xl_vif_parse(item->string, &dom->vifs[i], why, sizeof(why)) < 0) {
			xl_cfg_err_set(err, "%s:%u: key \"vif\": entry %zu (\"%s\"): %s", set->source,
				       item->line, i + 1, item->string, why);
			return -1;
		}
		dom->nr_vifs++;
	}
	return 0;
}

int xl_cfg_read_devices(const struct xl_cfg *cfg, struct xl_domain_cfg *dom,
			struct xl_cfg_err *err)
{
	if (read_disks(cfg, dom, err) < 0 || read_vifs(cfg, dom, err) < 0)
		return -1;
	return 0;
}
