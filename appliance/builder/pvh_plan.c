/*
 * pvh_plan's top level: checks the shape, places kernel, ramdisk, ACPI
 * and start info (pvh_layout.c), then fills in RAM ranges, the BSP's CPU
 * record, the MTRR default and the two seeded grant entries.  A plan owns
 * the buffers of its regions except the kernel's (the pvh_kernel keeps
 * those) and an unchanged ramdisk (the caller's).
 */
#include <stdlib.h>

#include "pvh_layout.h"

static void plan_ram(struct pvh_plan *p, const struct layout *l)
{
	p->ram[p->nr_ram++] = (struct pvh_ram){ 0, l->lowmem_end / PVH_PAGE_SIZE };
	if (l->highmem_bytes)
		p->ram[p->nr_ram++] = (struct pvh_ram){ FOUR_GIB / PVH_PAGE_SIZE,
							l->highmem_bytes / PVH_PAGE_SIZE };
}

static void plan_grants(struct pvh_plan *p)
{
	p->grants[0] = (struct grant_entry_v1){ GTF_permit_access, 0, (uint32_t)p->console_gfn };
	p->grants[1] = (struct grant_entry_v1){ GTF_permit_access, 0, (uint32_t)p->store_gfn };
}

static void plan_memory(struct pvh_plan *p, const struct pvh_shape *s, struct layout *l)
{
	uint64_t bytes = s->memory_mib * MIB;

	l->lowmem_end = bytes < PVH_MMIO_HOLE_START ? bytes : PVH_MMIO_HOLE_START;
	l->highmem_bytes = bytes - l->lowmem_end;
	p->total_pages = bytes / PVH_PAGE_SIZE;
	p->max_mem_kib = s->memory_mib * 1024 + 1024;      /* + LIBXL_MAXMEM_CONSTANT */
	p->paging_mempool_bytes = 4096ull * (256ull * s->max_vcpus + s->memory_mib);
	plan_ram(p, l);
}

static int plan_images(const struct pvh_kernel *k, const void *rd, size_t rd_len,
		       struct pvh_plan *p, struct layout *l, char *err, size_t errlen)
{
	if (layout_place_kernel(k, l, err, errlen) || layout_place_ramdisk(k, rd, rd_len, l, err, errlen))
		return -1;
	layout_add_region(p, "kernel", k->pstart, k->pend - k->pstart, k->image, k->pend - k->pstart, false);
	p->regions[p->nr_regions - 1].owned = false;
	if (l->rd_len) {
		layout_add_region(p, "ramdisk", l->rd_gpa, l->rd_span, l->rd_bytes, l->rd_len, false);
		p->regions[p->nr_regions - 1].owned = l->rd_owned;
		l->rd_owned = false;
	}
	return 0;
}

int pvh_plan(const struct pvh_kernel *k, const void *ramdisk, size_t ramdisk_len,
	     const char *cmdline, const struct pvh_shape *shape, struct pvh_plan *out,
	     char *err, size_t errlen)
{
	struct layout l = { 0 };

	memset(out, 0, sizeof(*out));
	if (layout_check_shape(shape, err, errlen))
		return -1;
	plan_memory(out, shape, &l);
	if (plan_images(k, ramdisk, ramdisk_len, out, &l, err, errlen) ||
	    pvh_acpi_build(shape, &l.acpi, err, errlen))
		goto fail;
	out->acpi_pages = l.acpi.pages;
	out->rsdp_gpa = pvh_acpi_rsdp_gpa(k, l.acpi.pages);
	layout_build_e820(out, &l);
	if (layout_add_acpi_regions(out, &l, err, errlen) || layout_add_special_pages(out, err, errlen) ||
	    layout_place_start_info(cmdline, out, &l, err, errlen))
		goto fail;
	pvh_vcpu_init(&out->cpu, k->phys_entry, out->start_info_gpa);
	out->mtrr_def_type = MTRR_DEF_WRBACK_ENABLED;
	plan_grants(out);
	return 0;
fail:
	if (l.rd_owned)
		free(l.rd_bytes);
	pvh_acpi_free(&l.acpi);
	pvh_plan_free(out);
	return -1;
}

void pvh_plan_free(struct pvh_plan *p)
{
	for (unsigned i = 0; i < p->nr_regions; i++)
		if (p->regions[i].owned)
			free(p->regions[i].bytes);
	p->nr_regions = 0;
}

const struct pvh_region *pvh_plan_region(const struct pvh_plan *p, const char *what)
{
	for (unsigned i = 0; i < p->nr_regions; i++)
		if (!strcmp(p->regions[i].what, what))
			return &p->regions[i];
	return NULL;
}
