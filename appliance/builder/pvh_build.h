/*
 * The PVH domain builder's pure part: from a kernel image, an optional
 * ramdisk, a command line and a domain shape, compute exactly what must
 * be written into the new domain's memory and vCPU state -- a plan.  No
 * hypercall is made here; a later `apply` step walks the plan.
 *
 * The plan follows what Xen 4.17's libxl/libxenguest do for a PVH domU
 * (shared/notes/xl-pvh-4.17.md section 2d, steps 20-29; Xen's
 * tools/libs/guest/xg_dom_x86.c and tools/libs/light/libxl_x86_acpi.c):
 *
 *   ram[]      guest RAM to populate: XENMEM_populate_physmap, in 2 MiB
 *              (order 9) extents where aligned, after XENMEM_claim_pages
 *              of plan.total_pages.
 *   regions[]  bytes to write into guest memory (foreign-map the gfns and
 *              copy; the tail past `len` up to `size` is zero).  A region
 *              with `own_pages` lies outside ram[] and is populated first
 *              with one order-0 populate_physmap per page (libxenguest
 *              falls back to XENMEM_add_to_physmap, space gmfn).  By name:
 *                kernel      in RAM at the ELF paddrs; bytes are the
 *                            pvh_kernel's image (not owned by the plan)
 *                ramdisk     in RAM on the next page (gunzipped if gzip)
 *                start_info  in RAM after the ramdisk: hvm_start_info,
 *                            cmdline, modlist, memmap (gpa = cpu.rbx)
 *                acpi_info   own page 0xFC000000 (libacpi's acpi_info)
 *                acpi_tables own pages from 0xFC001000 (acpi_pages)
 *                rsdp        64 bytes after the tables (own page), or at
 *                            0xFFFC0 inside RAM for older Linux
 *                special     own pages 0xFEFF8-0xFEFFF, zero but the
 *                            identity-map page directory at 0xFEFFE
 *   e820[]     XENMEM_set_memory_map (packed 20-byte entries, this order).
 *   params[]   HVMOP_set_param, in order.  CONSOLE_EVTCHN and STORE_EVTCHN
 *              are not in the plan: the apply step allocates those event
 *              channels and sets them itself.
 *   cpu        the BSP's HVM CPU record: domctl sethvmcontext with
 *              HEADER (copied from gethvmcontext) + CPU(0) + END, see
 *              pvh_plan_cpu_context(); before it, one HEADER + MTRR(i) +
 *              END per vCPU with MTRR def_type = mtrr_def_type.
 *   grants[]   grant table v1 entries 0 (console) and 1 (xenstore):
 *              XENMEM_acquire_resource of grant frame 0, write entries.
 *
 * Errors: every function returns 0 or -1 and, on -1, leaves a message
 * naming the input at fault in err[errlen].
 */
#ifndef BASTION_PVH_BUILD_H
#define BASTION_PVH_BUILD_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "public/hvm/save.h"
#include "public/grant_table.h"

#define PVH_PAGE_SIZE 4096u
#define PVH_MMIO_HOLE_START 0xFC000000ull   /* libxl's default for PVH */
#define PVH_ACPI_INFO_GPA 0xFC000000ull     /* ACPI_INFO_PHYSICAL_ADDRESS */
#define PVH_ACPI_TABLES_GPA 0xFC001000ull
#define PVH_ACPI_MAX_PAGES 16u              /* NUM_ACPI_PAGES */
#define PVH_SPECIAL_END_GFN 0xFF000ull      /* X86_HVM_END_SPECIAL_REGION */
#define PVH_SPECIAL_PAGES 8u
#define PVH_DECOMPRESS_MAX (1024ull * 1024 * 1024)  /* XC_DOM_DECOMPRESS_MAX */

/* A loaded kernel: the bytes of [pstart, pend) as the ELF loader lays them. */
struct pvh_kernel {
	uint8_t *image;          /* pend - pstart bytes, BSS zeroed */
	uint64_t pstart, pend;   /* guest-physical, from PT_LOAD p_paddr */
	uint32_t phys_entry;     /* XEN_ELFNOTE_PHYS32_ENTRY */
	uint32_t features;       /* XEN_ELFNOTE_SUPPORTED_FEATURES word 0 */
	bool is_linux;           /* XEN_ELFNOTE_GUEST_OS is "linux" */
	int elf_class;           /* 32 or 64 */
	char format[32];         /* "ELF64", "bzImage/XZ", ... */
	uint8_t *vmlinux;        /* the ELF file itself (decompressed payload) */
	size_t vmlinux_len;
};

/* Parse an ELF vmlinux or a bzImage (any compression Linux builds with). */
int pvh_image_load(const void *file, size_t len, struct pvh_kernel *out, char *err,
		   size_t errlen);
void pvh_kernel_free(struct pvh_kernel *k);

/* The domain's shape, as xl.cfg gives it. */
struct pvh_shape {
	uint64_t memory_mib;     /* memory= (also maxmem: no PoD) */
	unsigned vcpus;          /* vcpus=: online at boot */
	unsigned max_vcpus;      /* maxvcpus=: LAPICs in the MADT */
};

struct pvh_ram {
	uint64_t gfn, nr_pages;
};

struct pvh_region {
	const char *what;        /* "kernel", "ramdisk", "start_info", ... */
	uint64_t gpa;            /* page aligned, except the RSDP's */
	uint64_t size;           /* bytes covered: a page multiple (the RSDP: 64);
				    populate/map the pages holding [gpa, gpa+size) */
	uint8_t *bytes;          /* len bytes at gpa; NULL means all zero */
	size_t len;
	bool own_pages;          /* outside ram[]: populate these gfns first */
	bool owned;              /* bytes belong to the plan (pvh_plan_free) */
};

struct pvh_e820 {
	uint64_t addr, size;
	uint32_t type;           /* XEN_HVM_MEMMAP_TYPE_* (= E820 types) */
};

struct pvh_param {
	uint32_t index;          /* HVM_PARAM_* */
	uint64_t value;
};

#define PVH_MAX_RAM 2
#define PVH_MAX_REGIONS 10
#define PVH_MAX_E820 8
#define PVH_MAX_PARAMS 8

struct pvh_plan {
	uint64_t total_pages;    /* claim_pages / tot_pages target */
	uint64_t max_mem_kib;    /* domctl max_mem: memory + 1 MiB */
	uint64_t paging_mempool_bytes; /* domctl set_paging_mempool_size (HAP) */
	struct pvh_ram ram[PVH_MAX_RAM];
	unsigned nr_ram;
	struct pvh_region regions[PVH_MAX_REGIONS];
	unsigned nr_regions;
	struct pvh_e820 e820[PVH_MAX_E820];
	unsigned nr_e820;
	struct pvh_param params[PVH_MAX_PARAMS];
	unsigned nr_params;
	struct hvm_hw_cpu cpu;   /* CPU record for vCPU 0 */
	uint64_t mtrr_def_type;  /* per-vCPU MTRR record's def_type */
	struct grant_entry_v1 grants[2];
	uint64_t start_info_gpa; /* also cpu.rbx */
	uint64_t rsdp_gpa;
	uint64_t console_gfn, store_gfn;
	unsigned acpi_pages;     /* pages of ACPI tables at PVH_ACPI_TABLES_GPA */
};

int pvh_plan(const struct pvh_kernel *k, const void *ramdisk, size_t ramdisk_len,
	     const char *cmdline, const struct pvh_shape *shape, struct pvh_plan *out,
	     char *err, size_t errlen);
void pvh_plan_free(struct pvh_plan *plan);

/* The region named `what`, or NULL. */
const struct pvh_region *pvh_plan_region(const struct pvh_plan *plan, const char *what);

/*
 * HEADER + CPU(0) + END, the last sethvmcontext, into buf (at least
 * PVH_CPU_CONTEXT_SIZE bytes); `header` is the HEADER record copied from
 * the domain's gethvmcontext.  Returns the byte count.
 */
#define PVH_CPU_CONTEXT_SIZE (3 * sizeof(struct hvm_save_descriptor) + \
			      sizeof(struct hvm_save_header) + sizeof(struct hvm_hw_cpu))
size_t pvh_plan_cpu_context(const struct pvh_plan *plan, const struct hvm_save_header *header,
			    uint8_t *buf);

#endif /* BASTION_PVH_BUILD_H */
