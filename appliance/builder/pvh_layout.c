/*
 * pvh_plan: the guest-physical layout of a PVH domU and everything to
 * write into it, following libxl + libxenguest 4.17 (notes/xl-pvh-4.17.md
 * 2d; xg_dom_x86.c meminit_hvm, alloc_magic_pages_hvm, bootlate_hvm,
 * vcpu_hvm; libxl_x86.c domain_construct_memmap).  RAM runs from 0 up to
 * the MMIO hole at 0xFC000000 and continues at 4 GiB; the kernel sits at
 * its ELF physical addresses, the ramdisk on the next page after it, the
 * start-info page(s) after that; ACPI lives at 0xFC000000 and the eight
 * special pages end at gfn 0xFF000.
 */
#include <stdlib.h>

#include "pvh_layout.h"
#include "public/hvm/params.h"
#include "public/hvm/start_info.h"

#define MAX_VCPUS 128                    /* HVM_MAX_VCPUS */
#define GZIP_SEGMENT_SLACK 16            /* xc_dom_check_gzip's unziplen + 16 */

/* Special page indices below PVH_SPECIAL_END_GFN (SPECIALPAGE_* in xg_dom_x86.c). */
enum { SP_PAGING, SP_ACCESS, SP_SHARING, SP_BUFIOREQ, SP_XENSTORE, SP_IOREQ, SP_IDENT_PT, SP_CONSOLE };

static uint64_t special_gfn(unsigned index)
{
	return PVH_SPECIAL_END_GFN - PVH_SPECIAL_PAGES + index;
}


int layout_check_shape(const struct pvh_shape *s, char *err, size_t errlen)
{
	if (s->vcpus == 0 || s->max_vcpus < s->vcpus || s->max_vcpus > MAX_VCPUS)
		return pvh_fail(err, errlen, "domain shape: vcpus=%u maxvcpus=%u (need 1 <= vcpus <= "
				"maxvcpus <= %d)", s->vcpus, s->max_vcpus, MAX_VCPUS);
	if (s->memory_mib == 0 || s->memory_mib > (1ull << 30))
		return pvh_fail(err, errlen, "domain shape: memory=%llu MiB is out of range",
				(unsigned long long)s->memory_mib);
	return 0;
}

void layout_add_region(struct pvh_plan *p, const char *what, uint64_t gpa, uint64_t size,
		       uint8_t *bytes, size_t len, bool own)
{
	p->regions[p->nr_regions++] = (struct pvh_region){ what, gpa, pvh_round_up(size, PVH_PAGE_SIZE),
							   bytes, len, own, true };
}

static void layout_add_e820(struct pvh_plan *p, uint64_t addr, uint64_t size, uint32_t type)
{
	p->e820[p->nr_e820++] = (struct pvh_e820){ addr, size, type };
}

static void layout_add_param(struct pvh_plan *p, uint32_t index, uint64_t value)
{
	p->params[p->nr_params++] = (struct pvh_param){ index, value };
}

/* libxl's e820: low RAM, special pages, the three ACPI modules, high RAM. */
void layout_build_e820(struct pvh_plan *p, const struct layout *l)
{
	uint64_t rsdp_page = p->rsdp_gpa & ~(uint64_t)(PVH_PAGE_SIZE - 1);

	layout_add_e820(p, 0, l->lowmem_end, XEN_HVM_MEMMAP_TYPE_RAM);
	layout_add_e820(p, special_gfn(0) * PVH_PAGE_SIZE, PVH_SPECIAL_PAGES * PVH_PAGE_SIZE,
		 XEN_HVM_MEMMAP_TYPE_RESERVED);
	layout_add_e820(p, rsdp_page, 64 + (p->rsdp_gpa - rsdp_page), XEN_HVM_MEMMAP_TYPE_ACPI);
	layout_add_e820(p, PVH_ACPI_INFO_GPA, PVH_PAGE_SIZE, XEN_HVM_MEMMAP_TYPE_ACPI);
	layout_add_e820(p, PVH_ACPI_TABLES_GPA, (uint64_t)l->acpi.pages * PVH_PAGE_SIZE,
		 XEN_HVM_MEMMAP_TYPE_ACPI);
	if (l->highmem_bytes)
		layout_add_e820(p, FOUR_GIB, l->highmem_bytes, XEN_HVM_MEMMAP_TYPE_RAM);
}

int layout_place_kernel(const struct pvh_kernel *k, const struct layout *l, char *err,
			size_t errlen)
{
	if (k->pend > PVH_MMIO_HOLE_START)
		return pvh_fail(err, errlen, "kernel: segments [%#llx, %#llx) overlap the MMIO hole at %#llx",
				(unsigned long long)k->pstart, (unsigned long long)k->pend,
				PVH_MMIO_HOLE_START);
	if (k->pend > l->lowmem_end)
		return pvh_fail(err, errlen, "kernel: ends at %#llx, past the domain's %llu MiB of RAM",
				(unsigned long long)k->pend, (unsigned long long)(l->lowmem_end / MIB));
	return 0;
}

int layout_place_ramdisk(const struct pvh_kernel *k, const uint8_t *rd, size_t rd_len,
			 struct layout *l, char *err, size_t errlen)
{
	uint8_t *unpacked;
	size_t len;

	l->rd_gpa = pvh_round_up(k->pend, PVH_PAGE_SIZE);
	if (!rd_len)
		return 0;
	if (pvh_ramdisk_unpack(rd, rd_len, &unpacked, &len, err, errlen))
		return -1;
	l->rd_owned = unpacked != NULL;
	l->rd_bytes = unpacked ? unpacked : (uint8_t *)rd;
	l->rd_len = len;
	l->rd_span = pvh_round_up(unpacked ? (len + GZIP_SEGMENT_SLACK > rd_len ?
					      len + GZIP_SEGMENT_SLACK : rd_len) : len, PVH_PAGE_SIZE);
	if (l->rd_gpa + l->rd_span > l->lowmem_end)
		return pvh_fail(err, errlen, "ramdisk: %llu bytes at %#llx do not fit in %llu MiB of RAM",
				(unsigned long long)len, (unsigned long long)l->rd_gpa,
				(unsigned long long)(l->lowmem_end / MIB));
	return 0;
}

/* The start-info page(s) on the page after the ramdisk (or the kernel). */
int layout_place_start_info(const char *cmdline, struct pvh_plan *p, struct layout *l, char *err,
			    size_t errlen)
{
	l->si_gpa = l->rd_gpa + l->rd_span;
	l->si_size = pvh_start_info_size(cmdline, p->nr_e820);
	if (l->si_gpa + l->si_size > l->lowmem_end)
		return pvh_fail(err, errlen, "start info: page at %#llx lies past the domain's %llu MiB "
				"of RAM (kernel and ramdisk leave no room)",
				(unsigned long long)l->si_gpa, (unsigned long long)(l->lowmem_end / MIB));
	uint8_t *page = calloc(1, pvh_round_up(l->si_size, PVH_PAGE_SIZE));
	if (!page)
		return pvh_fail(err, errlen, "start info: out of memory");
	pvh_start_info_write(page, l->si_gpa, cmdline, l->rd_gpa, l->rd_len, p->rsdp_gpa, p->e820,
			     p->nr_e820);
	p->start_info_gpa = l->si_gpa;
	layout_add_region(p, "start_info", l->si_gpa, l->si_size, page, l->si_size, false);
	return 0;
}

/* The eight special pages, zero but for the identity-map page directory. */
int layout_add_special_pages(struct pvh_plan *p, char *err, size_t errlen)
{
	uint8_t *pages = calloc(PVH_SPECIAL_PAGES, PVH_PAGE_SIZE);

	if (!pages)
		return pvh_fail(err, errlen, "special pages: out of memory");
	uint8_t *pd = pages + SP_IDENT_PT * PVH_PAGE_SIZE;
	for (uint32_t i = 0; i < PVH_PAGE_SIZE / 4; i++)   /* 4 MiB PSE pages, P RW US A D */
		pvh_put32(pd + 4 * i, i << 22 | 0xE7);
	layout_add_region(p, "special", special_gfn(0) * PVH_PAGE_SIZE, PVH_SPECIAL_PAGES * PVH_PAGE_SIZE,
		   pages, PVH_SPECIAL_PAGES * PVH_PAGE_SIZE, true);
	layout_add_param(p, HVM_PARAM_STORE_PFN, special_gfn(SP_XENSTORE));
	layout_add_param(p, HVM_PARAM_BUFIOREQ_PFN, special_gfn(SP_BUFIOREQ));
	layout_add_param(p, HVM_PARAM_IOREQ_PFN, special_gfn(SP_IOREQ));
	layout_add_param(p, HVM_PARAM_CONSOLE_PFN, special_gfn(SP_CONSOLE));
	layout_add_param(p, HVM_PARAM_PAGING_RING_PFN, special_gfn(SP_PAGING));
	layout_add_param(p, HVM_PARAM_MONITOR_RING_PFN, special_gfn(SP_ACCESS));
	layout_add_param(p, HVM_PARAM_SHARING_RING_PFN, special_gfn(SP_SHARING));
	layout_add_param(p, HVM_PARAM_IDENT_PT, special_gfn(SP_IDENT_PT) * PVH_PAGE_SIZE);
	p->console_gfn = special_gfn(SP_CONSOLE);
	p->store_gfn = special_gfn(SP_XENSTORE);
	return 0;
}

/* Moves the ACPI blobs into plan regions (the plan then owns them). */
int layout_add_acpi_regions(struct pvh_plan *p, struct layout *l, char *err, size_t errlen)
{
	uint8_t *info = malloc(PVH_PAGE_SIZE), *rsdp = calloc(1, 64);

	if (!info || !rsdp) {
		free(info);
		free(rsdp);
		return pvh_fail(err, errlen, "ACPI: out of memory");
	}
	memcpy(info, l->acpi.info, PVH_PAGE_SIZE);
	memcpy(rsdp, l->acpi.rsdp, 64);
	layout_add_region(p, "acpi_info", PVH_ACPI_INFO_GPA, PVH_PAGE_SIZE, info, PVH_PAGE_SIZE, true);
	layout_add_region(p, "acpi_tables", PVH_ACPI_TABLES_GPA, (uint64_t)l->acpi.pages * PVH_PAGE_SIZE,
		   l->acpi.tables, (size_t)l->acpi.pages * PVH_PAGE_SIZE, true);
	l->acpi.tables = NULL;
	uint64_t page = p->rsdp_gpa & ~(uint64_t)(PVH_PAGE_SIZE - 1);
	p->regions[p->nr_regions] = (struct pvh_region){ "rsdp", p->rsdp_gpa, 64, rsdp, 64,
							 page >= l->lowmem_end, true };
	p->nr_regions++;
	return 0;
}
