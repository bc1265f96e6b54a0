/*
 * disk=, vif= and channel= of the typed domain config: lists of DISKSPEC,
 * VIFSPEC and CHANNELSPEC strings (cfg_disk.c, cfg_vif.c, cfg_channel.c).  An error names the entry (from
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

/* Parses one DISKSPEC, VIFSPEC or CHANNELSPEC string into the entry at @slot. */
typedef int (*entry_parse_fn)(const char *spec, void *slot, char *why, size_t why_len);

struct device_list {
	const char *key;
	size_t entry_size;
	entry_parse_fn parse;
	void **entries;
	size_t *nr_entries;
	/* Checks the entry just added against those before it; may be NULL. */
	int (*check)(const struct xl_cfg_setting *set, const struct xl_domain_cfg *dom,
		     unsigned line, struct xl_cfg_err *err);
};

/* Reads the list under @dl->key; *@dl->nr_entries counts the entries parsed so far. */
static int read_device_list(const struct xl_cfg *cfg, const struct device_list *dl,
			    const struct xl_domain_cfg *dom, struct xl_cfg_err *err)
{
	const struct xl_cfg_value *list;
	const struct xl_cfg_setting *set = xl_cfg_find(cfg, dl->key);
	int rc = xl_cfg_get_list(cfg, dl->key, &list, err);
	size_t i;
	char why[200];

	if (rc <= 0)
		return rc;
	*dl->entries = calloc(list->nr_items ? list->nr_items : 1, dl->entry_size);
	if (!*dl->entries) {
		xl_cfg_err_key(err, set, "out of memory");
		return -1;
	}
	for (i = 0; i < list->nr_items; i++) {
		const struct xl_cfg_value *item = entry_string(set, i, err);
		void *slot = (char *)*dl->entries + i * dl->entry_size;

		if (!item)
			return -1;
		if (dl->parse(item->string, slot, why, sizeof(why)) < 0) {
			xl_cfg_err_set(err, "%s:%u: key \"%s\": entry %zu (\"%s\"): %s", set->source,
				       item->line, dl->key, i + 1, item->string, why);
			return -1;
		}
		(*dl->nr_entries)++;
		if (dl->check && dl->check(set, dom, item->line, err) < 0)
			return -1;
	}
	return 0;
}

static int parse_disk(const char *spec, void *slot, char *why, size_t why_len)
{
	return xl_disk_parse(spec, slot, why, why_len);
}

static int parse_vif(const char *spec, void *slot, char *why, size_t why_len)
{
	return xl_vif_parse(spec, slot, why, why_len);
}

static int parse_channel(const char *spec, void *slot, char *why, size_t why_len)
{
	return xl_channel_parse(spec, slot, why, why_len);
}

int xl_cfg_read_devices(const struct xl_cfg *cfg, struct xl_domain_cfg *dom,
			struct xl_cfg_err *err)
{
	const struct device_list disks = { "disk", sizeof(*dom->disks), parse_disk,
					   (void **)&dom->disks, &dom->nr_disks, check_vdev_unique };
	const struct device_list vifs = { "vif", sizeof(*dom->vifs), parse_vif,
					  (void **)&dom->vifs, &dom->nr_vifs, NULL };

	const struct device_list channels = { "channel", sizeof(*dom->channels), parse_channel,
					      (void **)&dom->channels, &dom->nr_channels, NULL };

	if (read_device_list(cfg, &disks, dom, err) < 0 || read_device_list(cfg, &vifs, dom, err) < 0 ||
	    read_device_list(cfg, &channels, dom, err) < 0)
		return -1;
	return 0;
}
