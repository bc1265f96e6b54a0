/*
 * Memory, vCPUs and vCPU affinity of the typed domain config, with xl
 * 4.17's rules (tools/xl/xl_parse.c parse_config_data, parse_vcpu_affinity)
 * and libxl's defaults (libxl_create.c): memory= and maxmem= in MiB,
 * maxmem defaults to memory and memory to maxmem, both to 32 MiB; vcpus
 * defaults to maxvcpus or 1, maxvcpus to vcpus; maxvcpus < vcpus and
 * maxmem < memory are errors.  cpus= as a string pins every vCPU alike;
 * as a list, entry i pins vCPU i and entries past maxvcpus are ignored.
 */
#include <stdlib.h>
#include <string.h>

#include "cfg_domain.h"

#define XL_DEFAULT_MEMORY_MB 32
/* 16 TiB in MiB: far above any guest, low enough that KiB fit in a long. */
#define XL_MAX_MEMORY_MB (16L * 1024 * 1024)

int xl_cfg_read_memory(const struct xl_cfg *cfg, struct xl_domain_cfg *dom,
		       struct xl_cfg_err *err)
{
	int has_memory, has_maxmem;

	dom->memory_mb = dom->maxmem_mb = 0;
	has_memory = xl_cfg_get_bounded(cfg, "memory", 1, XL_MAX_MEMORY_MB, &dom->memory_mb, err);
	has_maxmem = xl_cfg_get_bounded(cfg, "maxmem", 1, XL_MAX_MEMORY_MB, &dom->maxmem_mb, err);
	if (has_memory < 0 || has_maxmem < 0)
		return -1;
	if (!has_memory && !has_maxmem)
		dom->memory_mb = dom->maxmem_mb = XL_DEFAULT_MEMORY_MB;
	else if (!has_maxmem)
		dom->maxmem_mb = dom->memory_mb;
	else if (!has_memory)
		dom->memory_mb = dom->maxmem_mb;
	if (dom->maxmem_mb < dom->memory_mb) {
		xl_cfg_err_key(err, xl_cfg_find(cfg, "maxmem"), "maxmem (%ld) is less than memory (%ld)",
			       dom->maxmem_mb, dom->memory_mb);
		return -1;
	}
	return 0;
}

static int affinity_item(const struct xl_cfg_setting *set, const struct xl_cfg_value *item,
			 struct xl_cpumap *map, size_t index, struct xl_cfg_err *err)
{
	char why[160];

	if (item->kind != XL_CFG_STRING) {
		xl_cfg_err_set(err, "%s:%u: key \"%s\": entry %zu is a list, expected a CPULIST string",
			       set->source, item->line, set->key, index + 1);
		return -1;
	}
	if (xl_cpulist_parse(item->string, map, why, sizeof(why)) < 0) {
		if (set->value->kind == XL_CFG_LIST)
			xl_cfg_err_set(err, "%s:%u: key \"%s\": entry %zu: %s", set->source,
				       item->line, set->key, index + 1, why);
		else
			xl_cfg_err_key(err, set, "%s", why);
		return -1;
	}
	return 0;
}

static int read_affinity(const struct xl_cfg *cfg, const char *key, unsigned maxvcpus,
			 struct xl_affinity *aff, struct xl_cfg_err *err)
{
	const struct xl_cfg_setting *set = xl_cfg_find(cfg, key);
	const struct xl_cfg_value *value;
	size_t i, nr;

	if (!set)
		return 0;
	value = set->value;
	aff->for_all_vcpus = value->kind == XL_CFG_STRING;
	nr = aff->for_all_vcpus ? 1 : value->nr_items < maxvcpus ? value->nr_items : maxvcpus;
	aff->maps = calloc(nr ? nr : 1, sizeof(*aff->maps));
	if (!aff->maps) {
		xl_cfg_err_key(err, set, "out of memory");
		return -1;
	}
	aff->nr_maps = nr;
	for (i = 0; i < nr; i++)
		if (affinity_item(set, aff->for_all_vcpus ? value : value->items[i], &aff->maps[i],
				  i, err) < 0)
			return -1;
	return 0;
}

int xl_cfg_read_vcpus(const struct xl_cfg *cfg, struct xl_domain_cfg *dom,
		      struct xl_cfg_err *err)
{
	long vcpus = 0, maxvcpus = 0;
	int has_vcpus = xl_cfg_get_bounded(cfg, "vcpus", 1, XL_CFG_MAX_VCPUS, &vcpus, err);
	int has_max = xl_cfg_get_bounded(cfg, "maxvcpus", 1, XL_CFG_MAX_VCPUS, &maxvcpus, err);

	if (has_vcpus < 0 || has_max < 0)
		return -1;
	if (!has_vcpus)
		vcpus = has_max ? maxvcpus : 1;
	if (!has_max)
		maxvcpus = vcpus;
	if (maxvcpus < vcpus) {
		xl_cfg_err_key(err, xl_cfg_find(cfg, "maxvcpus"),
			       "maxvcpus (%ld) is less than vcpus (%ld)", maxvcpus, vcpus);
		return -1;
	}
	dom->vcpus = (unsigned)vcpus;
	dom->maxvcpus = (unsigned)maxvcpus;
	if (read_affinity(cfg, "cpus", dom->maxvcpus, &dom->cpus, err) < 0 ||
	    read_affinity(cfg, "cpus_soft", dom->maxvcpus, &dom->cpus_soft, err) < 0)
		return -1;
	return 0;
}
