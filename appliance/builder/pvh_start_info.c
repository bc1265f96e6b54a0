/*
 * The PVH start-info page(s) as libxenguest's bootlate_hvm lays them out
 * (xg_dom_x86.c, 4.17): struct hvm_start_info (public/hvm/start_info.h,
 * version 1), then the kernel command line padded to 8 bytes, then a
 * module list of HVMLOADER_MODULE_MAX_COUNT (2) entries followed by two
 * 1 KiB module command-line slots, then the memory map.  Module 0 is the
 * ramdisk, without a command line; its size is exact (stable-4.17; 4.17.0
 * gave the page-rounded segment size).  Addresses are guest-physical.
 */
#include "pvh_internal.h"
#include "public/hvm/start_info.h"

#define SI_MODULE_SLOTS 2
#define SI_MODULE_CMDLINE 1024

static size_t cmdline_span(const char *cmdline)
{
	return cmdline ? pvh_round_up(strlen(cmdline) + 1, 8) : 0;
}

size_t pvh_start_info_size(const char *cmdline, unsigned nr_e820)
{
	return sizeof(struct hvm_start_info) + cmdline_span(cmdline) +
	       SI_MODULE_SLOTS * (sizeof(struct hvm_modlist_entry) + SI_MODULE_CMDLINE) +
	       nr_e820 * sizeof(struct hvm_memmap_table_entry);
}

/* page must hold pvh_start_info_size() zeroed bytes. */
void pvh_start_info_write(uint8_t *page, uint64_t gpa, const char *cmdline, uint64_t rd_gpa,
			  uint64_t rd_len, uint64_t rsdp_gpa, const struct pvh_e820 *e820,
			  unsigned nr_e820)
{
	struct hvm_start_info si = { 0 };
	size_t modlist_off = sizeof(si) + cmdline_span(cmdline);
	size_t memmap_off = modlist_off +
			    SI_MODULE_SLOTS * (sizeof(struct hvm_modlist_entry) + SI_MODULE_CMDLINE);

	si.magic = XEN_HVM_START_MAGIC_VALUE;
	si.version = 1;
	si.rsdp_paddr = rsdp_gpa;
	if (cmdline) {
		memcpy(page + sizeof(si), cmdline, strlen(cmdline));
		si.cmdline_paddr = gpa + sizeof(si);
	}
	if (rd_len) {
		struct hvm_modlist_entry mod = { .paddr = rd_gpa, .size = rd_len };
		memcpy(page + modlist_off, &mod, sizeof(mod));
		si.nr_modules = 1;
		si.modlist_paddr = gpa + modlist_off;
	}
	si.memmap_paddr = gpa + memmap_off;
	si.memmap_entries = nr_e820;
	for (unsigned i = 0; i < nr_e820; i++) {
		struct hvm_memmap_table_entry m = { e820[i].addr, e820[i].size, e820[i].type, 0 };
		memcpy(page + memmap_off + i * sizeof(m), &m, sizeof(m));
	}
	memcpy(page, &si, sizeof(si));
}
