/*
 * create_build.c - makes a PVH domain from a builder plan (appliance/
 * builder/pvh_build.h), in the order Xen 4.17's libxl and libxenguest
 * issue the hypercalls (shared/notes/xl-pvh-4.17.md, steps 7-29): the
 * domain and its limits, event channels for xenstore and the console,
 * RAM, the plan's regions, the memory map, HVM params, the vCPU state
 * and the two grant entries the console daemon and xenstored map.  On
 * any failure the half-built domain is destroyed.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>

#include "create.h"
#include "public/hvm/params.h"

#define POPULATE_BATCH 512 /* extents per populate_physmap call */

static int fail(const char *what, int rc)
{
	fprintf(stderr, "xl create: %s: %s\n", what, strerror(-rc));
	return rc;
}

static int make_domain(const struct xl_domain_cfg *dom, uint32_t *domid)
{
	struct xen_domctl_createdomain c = {
		.flags = XEN_DOMCTL_CDF_hvm | XEN_DOMCTL_CDF_hap,
		.max_vcpus = dom->maxvcpus,
		.max_evtchn_port = 1023,
		.max_grant_frames = -1,
		.max_maptrack_frames = -1,
		.grant_opts = XEN_DOMCTL_GRANT_version(1),
		.arch.emulation_flags = XEN_X86_EMU_LAPIC,
	};
	memcpy(c.handle, dom->uuid, sizeof(c.handle));
	*domid = 0;
	int rc = bx_createdomain(&xl_bx, domid, &c);
	return rc ? fail("creating the domain", rc) : 0;
}

/* cpus= / cpus_soft= as vCPU affinities; a map set for all vCPUs is map 0. */
static int set_affinity(uint32_t domid, const struct xl_domain_cfg *dom, uint32_t nr_cpus)
{
	uint32_t bytes = (nr_cpus + 7) / 8;
	uint8_t hard[XL_CFG_MAX_CPUS / 8], soft[XL_CFG_MAX_CPUS / 8];
	for (unsigned v = 0; v < dom->maxvcpus; v++) {
		const struct xl_affinity *a[2] = { &dom->cpus, &dom->cpus_soft };
		uint8_t *maps[2] = { hard, soft }, *use[2] = { NULL, NULL };
		for (int k = 0; k < 2; k++) {
			size_t i = a[k]->for_all_vcpus ? 0 : v;
			if (i >= a[k]->nr_maps)
				continue;
			memset(maps[k], 0, bytes);
			for (uint32_t cpu = 0; cpu < nr_cpus; cpu++)
				if (xl_cpumap_test(&a[k]->maps[i], cpu))
					maps[k][cpu / 8] |= 1u << (cpu % 8);
			use[k] = maps[k];
		}
		if (!use[0] && !use[1])
			continue;
		int rc = bx_setvcpuaffinity(&xl_bx, domid, v, use[0], use[1], nr_cpus);
		if (rc)
			return fail("setting vCPU affinity (cpus=, cpus_soft=)", rc);
	}
	return 0;
}

/* The domain's limits and the knobs libxl sets before the build. */
static int prepare(uint32_t domid, const struct xl_domain_cfg *dom, const struct pvh_plan *plan,
		   struct xl_new_domain *nd)
{
	struct xen_sysctl_physinfo pi;
	struct xen_domctl_tsc_info tsc = { 0 };
	int rc = bx_max_vcpus(&xl_bx, domid, dom->maxvcpus);
	if (rc)
		return fail("setting the vCPU count", rc);
	rc = bx_physinfo(&xl_bx, &pi);
	if (rc)
		return fail("reading physinfo", rc);
	rc = set_affinity(domid, dom, MIN(pi.max_cpu_id + 1, XL_CFG_MAX_CPUS));
	if (rc)
		return rc;
	rc = bx_max_mem(&xl_bx, domid, plan->max_mem_kib);
	if (rc)
		return fail("setting the memory limit", rc);
	long port = bx_evtchn_alloc_unbound(&xl_bx, domid, 0);
	if (port < 0)
		return fail("allocating the xenstore event channel", (int)port);
	nd->store_port = (uint32_t)port;
	port = bx_evtchn_alloc_unbound(&xl_bx, domid, 0);
	if (port < 0)
		return fail("allocating the console event channel", (int)port);
	nd->console_port = (uint32_t)port;
	rc = bx_hvm_set_param(&xl_bx, domid, HVM_PARAM_TIMER_MODE, HVMPTM_no_delay_for_missed_ticks);
	if (!rc)
		rc = bx_hvm_set_param(&xl_bx, domid, HVM_PARAM_ALTP2M, 0);
	if (rc)
		return fail("setting HVM params", rc);
	rc = bx_settscinfo(&xl_bx, domid, &tsc);
	if (rc)
		return fail("setting the TSC mode", rc);
	rc = bx_set_paging_mempool_size(&xl_bx, domid, plan->paging_mempool_bytes);
	return rc ? fail("sizing the paging pool", rc) : 0;
}

/* count extents of 2^order pages from gfn on; -1 if any is refused. */
static int populate(uint32_t domid, uint64_t gfn, uint64_t count, unsigned order)
{
	xen_pfn_t gfns[POPULATE_BATCH];
	while (count) {
		unsigned long n = MIN(count, POPULATE_BATCH);
		for (unsigned long i = 0; i < n; i++)
			gfns[i] = gfn + (i << order);
		long done = bx_populate_physmap(&xl_bx, domid, n, order, 0, gfns);
		if (done != (long)n)
			return fail("populating guest memory", done < 0 ? (int)done : -ENOMEM);
		gfn += n << order;
		count -= n;
	}
	return 0;
}

/* RAM in 2 MiB extents where aligned, 4 KiB pages around them. */
static int populate_ram(uint32_t domid, const struct pvh_ram *r)
{
	uint64_t gfn = r->gfn, end = r->gfn + r->nr_pages;
	uint64_t big_start = MIN((gfn + 511) & ~511ull, end), big_end = MAX(end & ~511ull, big_start);
	int rc = populate(domid, gfn, big_start - gfn, 0);
	if (!rc)
		rc = populate(domid, big_start, (big_end - big_start) >> 9, 9);
	if (!rc)
		rc = populate(domid, big_end, end - big_end, 0);
	return rc;
}

/* The region's bytes into guest memory (the rest of its pages stay zero). */
static int write_region(uint32_t domid, const struct pvh_region *reg)
{
	uint64_t first = reg->gpa >> 12, last = (reg->gpa + MAX(reg->len, 1) - 1) >> 12;
	uint32_t nr = (uint32_t)(last - first + 1);
	xen_pfn_t *gfns = calloc(nr, sizeof(*gfns));
	int *errs = calloc(nr, sizeof(*errs));
	uint8_t *map = NULL;
	int rc = gfns && errs ? 0 : -ENOMEM;
	for (uint32_t i = 0; !rc && i < nr; i++)
		gfns[i] = first + i;
	if (!rc && !(map = bx_map_foreign(&xl_bx, domid, PROT_READ | PROT_WRITE, gfns, errs, nr)))
		rc = -errno;
	for (uint32_t i = 0; map && !rc && i < nr; i++)
		if (errs[i]) {
			rc = errs[i] < 0 ? errs[i] : -errs[i];
			fprintf(stderr, "xl create: the guest's %s: page %#llx cannot be mapped: %s\n", reg->what,
				(unsigned long long)gfns[i], strerror(-rc));
		}
	if (!rc)
		memcpy(map + (reg->gpa & 0xfff), reg->bytes, reg->len);
	else if (!map)
		fprintf(stderr, "xl create: mapping the guest's %s: %s\n", reg->what, strerror(-rc));
	if (map)
		bx_unmap(map, nr);
	free(gfns);
	free(errs);
	return rc;
}

/* Whether gfn lies in one of the first n regions' own pages. */
static bool own_page_before(const struct pvh_plan *plan, unsigned n, uint64_t gfn)
{
	for (unsigned i = 0; i < n; i++) {
		const struct pvh_region *r = &plan->regions[i];
		if (r->own_pages && gfn >= r->gpa >> 12 && gfn <= (r->gpa + MAX(r->size, 1) - 1) >> 12)
			return true;
	}
	return false;
}

/* A region outside RAM gets its own pages (one order-0 extent each, as
 * libxenguest does), those another region already took excepted. */
static int populate_own(uint32_t domid, const struct pvh_plan *plan, unsigned idx)
{
	const struct pvh_region *r = &plan->regions[idx];
	uint64_t last = (r->gpa + MAX(r->size, 1) - 1) >> 12;
	for (uint64_t gfn = r->gpa >> 12; gfn <= last; gfn++) {
		if (own_page_before(plan, idx, gfn))
			continue;
		int rc = populate(domid, gfn, 1, 0);
		if (rc)
			return rc;
	}
	return 0;
}

static int load_memory(uint32_t domid, const struct pvh_plan *plan)
{
	int rc = bx_claim_pages(&xl_bx, domid, plan->total_pages);
	if (rc && rc != -ENOSYS)
		return fail("claiming memory", rc);
	rc = 0;
	for (unsigned i = 0; i < plan->nr_ram && !rc; i++)
		rc = populate_ram(domid, &plan->ram[i]);
	for (unsigned i = 0; i < plan->nr_regions && !rc; i++) {
		const struct pvh_region *reg = &plan->regions[i];
		if (reg->own_pages)
			rc = populate_own(domid, plan, i);
		if (!rc && reg->bytes)
			rc = write_region(domid, reg);
	}
	bx_claim_pages(&xl_bx, domid, 0);
	return rc;
}

/* xen_foreign_memory_map's packed 20-byte e820 entries (public/memory.h). */
static int set_memory_map(uint32_t domid, const struct pvh_plan *plan)
{
	uint8_t packed[PVH_MAX_E820 * 20];
	for (unsigned i = 0; i < plan->nr_e820; i++) {
		memcpy(packed + i * 20, &plan->e820[i].addr, 8);
		memcpy(packed + i * 20 + 8, &plan->e820[i].size, 8);
		memcpy(packed + i * 20 + 16, &plan->e820[i].type, 4);
	}
	int rc = bx_set_memory_map(&xl_bx, domid, packed, plan->nr_e820);
	return rc ? fail("setting the memory map", rc) : 0;
}

static int set_params(uint32_t domid, const struct pvh_plan *plan, const struct xl_new_domain *nd)
{
	int rc = 0;
	for (unsigned i = 0; i < plan->nr_params && !rc; i++)
		bx_hvm_set_param(&xl_bx, domid, plan->params[i].index, plan->params[i].value); /* as libxl: not fatal */
	rc = bx_hvm_set_param(&xl_bx, domid, HVM_PARAM_CONSOLE_EVTCHN, nd->console_port);
	if (!rc)
		rc = bx_hvm_set_param(&xl_bx, domid, HVM_PARAM_STORE_EVTCHN, nd->store_port);
	return rc ? fail("setting the event-channel params", rc) : 0;
}

/* Entries 0 (console) and 1 (xenstore) of the new domain's grant table. */
static int seed_grants(uint32_t domid, const struct pvh_plan *plan)
{
	struct grant_entry_v1 *table = bx_map_resource(&xl_bx, domid, XENMEM_resource_grant_table,
						       XENMEM_resource_grant_table_id_shared, 0, 1,
						       PROT_READ | PROT_WRITE);
	if (!table)
		return fail("mapping the grant table", -errno);
	memcpy(table, plan->grants, sizeof(plan->grants));
	bx_unmap(table, 1);
	return 0;
}

/* cpu_weight= and cap= (libxl__build_post sets them after the build). */
static int set_sched_params(uint32_t domid, const struct xl_domain_cfg *dom)
{
	struct xen_domctl_sched_credit2 p;
	if (dom->weight < 0 && dom->cap < 0)
		return 0;
	int rc = bx_sched_credit2_get(&xl_bx, domid, &p);
	if (!rc) {
		if (dom->weight >= 0)
			p.weight = (uint16_t)dom->weight;
		if (dom->cap >= 0)
			p.cap = (uint16_t)dom->cap;
		rc = bx_sched_credit2_set(&xl_bx, domid, &p);
	}
	return rc ? fail("setting the scheduler's weight and cap", rc) : 0;
}

int xl_build_pvh(const struct xl_domain_cfg *dom, const struct pvh_plan *plan, struct xl_new_domain *nd)
{
	int rc = make_domain(dom, &nd->domid);
	if (rc)
		return rc;
	nd->store_gfn = plan->store_gfn;
	nd->console_gfn = plan->console_gfn;
	rc = prepare(nd->domid, dom, plan, nd);
	if (!rc)
		rc = load_memory(nd->domid, plan);
	if (!rc)
		rc = set_memory_map(nd->domid, plan);
	if (!rc)
		rc = set_params(nd->domid, plan, nd);
	if (!rc)
		rc = xl_load_vcpu_state(nd->domid, dom->maxvcpus, plan);
	if (!rc)
		rc = seed_grants(nd->domid, plan);
	if (!rc)
		rc = set_sched_params(nd->domid, dom);
	if (rc)
		bx_destroydomain(&xl_bx, nd->domid);
	return rc;
}
