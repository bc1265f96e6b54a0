/*
 * The PVH dom0 builder (docs/misc/pvh.pandoc; public/hvm/start_info.h).
 * Guest-physical layout:
 *   0x00000-0x9efff  RAM; start_info, module list, memory map and command
 *                    line in the page at 0x6000 (Linux copies them early)
 *   0x9f000-0xfffff  reserved; ACPI tables at 0xe0000
 *   1 MiB - dom0_mem RAM; the kernel at its ELF physical addresses
 *                    (16 MiB for Linux), the initramfs at the top
 * The kernel is entered at its XEN_ELFNOTE_PHYS32_ENTRY with EBX
 * pointing at a version 1 hvm_start_info.
 */
#include "dom0_build.h"
#include "domain.h"
#include "console.h"
#include "elf_load.h"
#include "guest_acpi.h"
#include "p2m.h"
#include "page_alloc.h"
#include "param.h"
#include "public/domctl.h"
#include "public/hvm/start_info.h"
#include "vtime.h"
#include "x86/hvm.h"

#define START_INFO_GPA 0x6000
#define LOW_RAM_END 0x9f000
#define CMDLINE_MAX 2048 /* Linux's COMMAND_LINE_SIZE */
#define DOM0_MEM_DEFAULT GiB(1)
#define DOM0_MEM_MAX (GiB(3) + MiB(512)) /* RAM below the 4 GiB hole only, for now */
#define HV_RESERVE MiB(64)

static uint64_t opt_dom0_mem;
static unsigned opt_dom0_max_vcpus;
HV_PARAM_SIZE("dom0_mem", opt_dom0_mem);
HV_PARAM_UINT("dom0_max_vcpus", opt_dom0_max_vcpus);

struct start_page {
	struct hvm_start_info si;                     /* 0x000 */
	uint8_t pad0[0x100 - sizeof(struct hvm_start_info)];
	struct hvm_modlist_entry mod;                 /* 0x100 */
	uint8_t pad1[0x200 - 0x100 - sizeof(struct hvm_modlist_entry)];
	struct hvm_memmap_table_entry memmap[8];      /* 0x200 */
	uint8_t pad2[0x800 - 0x200 - 8 * sizeof(struct hvm_memmap_table_entry)];
	char cmdline[CMDLINE_MAX];                    /* 0x800 */
};
_Static_assert(sizeof(struct start_page) == PAGE_SIZE, "start_info page");

static const char *skip_file_name(const char *s)
{
	while (*s && *s != ' ')
		s++;
	while (*s == ' ')
		s++;
	return s;
}

static uint64_t choose_memory(void)
{
	uint64_t free_bytes = hv_page_pool.free_pages * PAGE_SIZE;
	uint64_t mem = opt_dom0_mem ? opt_dom0_mem : MIN(DOM0_MEM_DEFAULT, free_bytes - HV_RESERVE);
	if (mem > DOM0_MEM_MAX) {
		printk("dom0: dom0_mem=%luM is more than this builder places below 4 GiB; using %luM\n",
		       mem >> 20, DOM0_MEM_MAX >> 20);
		mem = DOM0_MEM_MAX;
	}
	return ALIGN_DOWN(mem, MiB(2));
}

static void set_e820(struct domain *d, uint64_t mem)
{
	d->nr_e820 = 3;
	d->e820[0].addr = 0, d->e820[0].size = LOW_RAM_END, d->e820[0].type = XEN_HVM_MEMMAP_TYPE_RAM;
	d->e820[1].addr = LOW_RAM_END, d->e820[1].size = MiB(1) - LOW_RAM_END;
	d->e820[1].type = XEN_HVM_MEMMAP_TYPE_RESERVED;
	d->e820[2].addr = MiB(1), d->e820[2].size = mem - MiB(1), d->e820[2].type = XEN_HVM_MEMMAP_TYPE_RAM;
}

static int write_start_info(struct domain *d, const char *cmdline, uint64_t initrd_gpa,
			    uint64_t initrd_size, uint64_t rsdp)
{
	static struct start_page sp;
	memset(&sp, 0, sizeof(sp));
	sp.si = (struct hvm_start_info){
		.magic = XEN_HVM_START_MAGIC_VALUE, .version = 1,
		.flags = SIF_PRIVILEGED | SIF_INITDOMAIN, .rsdp_paddr = rsdp,
		.cmdline_paddr = START_INFO_GPA + offsetof(struct start_page, cmdline),
		.memmap_paddr = START_INFO_GPA + offsetof(struct start_page, memmap),
		.memmap_entries = d->nr_e820,
	};
	if (initrd_size) {
		sp.si.nr_modules = 1;
		sp.si.modlist_paddr = START_INFO_GPA + offsetof(struct start_page, mod);
		sp.mod = (struct hvm_modlist_entry){ .paddr = initrd_gpa, .size = initrd_size };
	}
	for (unsigned i = 0; i < d->nr_e820; i++)
		sp.memmap[i] = (struct hvm_memmap_table_entry){ d->e820[i].addr, d->e820[i].size,
								d->e820[i].type, 0 };
	size_t len = strnlen(cmdline, CMDLINE_MAX);
	if (len == CMDLINE_MAX)
		printk("dom0: kernel command line cut to %u bytes\n", CMDLINE_MAX - 1);
	memcpy(sp.cmdline, cmdline, MIN(len, (size_t)CMDLINE_MAX - 1));
	return copy_to_gpa(d, START_INFO_GPA, &sp, sizeof(sp));
}

static int load_kernel(struct domain *d, const struct elf_image *img, uint64_t mem, const char **why)
{
	if (img->paddr_lo < MiB(1) || img->paddr_hi > mem)
		return *why = "the kernel's segments do not fit in dom0's RAM (raise dom0_mem)", -1;
	for (unsigned i = 0; i < img->nr_segments; i++) {
		const struct elf_segment *s = &img->seg[i];
		if (copy_to_gpa(d, s->paddr, img->data + s->offset, s->filesz))
			return *why = "could not copy a kernel segment", -1;
	}
	return 0;
}

static unsigned choose_vcpus(unsigned nr_cpus_online)
{
	unsigned n = opt_dom0_max_vcpus ? opt_dom0_max_vcpus : nr_cpus_online;
	if (n > MAX_VCPUS) {
		printk("dom0: dom0_max_vcpus=%u is more than the %u vCPUs a domain may have; using %u\n",
		       opt_dom0_max_vcpus, MAX_VCPUS, MAX_VCPUS);
		n = MAX_VCPUS;
	}
	return n;
}

static int build_from_image(const struct boot_info *bi, const struct elf_image *k_img,
			    unsigned nr_cpus_online, const char **why)
{
	const struct boot_module *k = &bi->mods[0], *initrd = bi->nr_mods > 1 ? &bi->mods[1] : NULL;
	struct elf_image img = *k_img;
	if (!img.phys32_entry)
		return *why = "the kernel has no PVH entry point (XEN_ELFNOTE_PHYS32_ENTRY)", -1;
	uint64_t mem = choose_memory();
	uint64_t initrd_size = initrd ? initrd->end - initrd->start : 0;
	if (img.paddr_hi > mem || initrd_size > mem - img.paddr_hi)
		return *why = "kernel and initramfs do not both fit in dom0's RAM (raise dom0_mem)", -1;
	uint64_t initrd_gpa = ALIGN_DOWN(mem - initrd_size, PAGE_SIZE);
	struct domain_config cfg = { .exact_domid = true, .privileged = true, .flags = XEN_DOMCTL_CDF_hvm | XEN_DOMCTL_CDF_hap,
				     .max_vcpus = choose_vcpus(nr_cpus_online), .max_evtchn_port = 1023,
				     .max_grant_frames = 64, .max_maptrack_frames = 1024 };
	int err;
	struct domain *d = domain_create(&cfg, &err);
	if (d)
		d->max_pages = mem >> PAGE_SHIFT;
	if (!d || p2m_populate(d, 0, mem))
		return *why = "out of memory building dom0", -1;
	d->mem_bytes = mem;
	set_e820(d, mem);
	if (load_kernel(d, &img, mem, why))
		return -1;
	if (initrd && copy_to_gpa(d, initrd_gpa, (const void *)(uintptr_t)initrd->start, initrd_size))
		return *why = "could not copy the initramfs", -1;
	static uint8_t acpi[GUEST_ACPI_SIZE];
	uint64_t rsdp = guest_acpi_build(acpi, d->nr_vcpus);
	if (copy_to_gpa(d, GUEST_ACPI_GPA, acpi, sizeof(acpi)) ||
	    write_start_info(d, skip_file_name(k->cmdline), initrd_gpa, initrd_size, rsdp))
		return *why = "could not write the boot information", -1;
	hvm->vcpu_pvh_entry(d->vcpu[0], (uint32_t)img.phys32_entry, START_INFO_GPA);
	printk("dom0: %lu MiB, %u vCPUs, kernel %#lx-%#lx entry %#lx, initramfs %lu KiB at %#lx\n",
	       mem >> 20, d->nr_vcpus, img.paddr_lo, img.paddr_hi, img.phys32_entry, initrd_size >> 10,
	       initrd_gpa);
	hardware_domain = d; /* keeps the table's reference: dom0 is never destroyed */
	domain_unpause(d);
	return 0;
}

int dom0_build(struct boot_info *bi, unsigned nr_cpus_online, const char **why)
{
	struct elf_image img;

	if (!bi->nr_mods)
		return 1;
	int rc = dom0_kernel_image(&bi->mods[0], &img, why);
	if (!rc)
		rc = build_from_image(bi, &img, nr_cpus_online, why);
	dom0_kernel_image_done(); /* the unpacked kernel is no longer needed, built or not */
	return rc;
}
