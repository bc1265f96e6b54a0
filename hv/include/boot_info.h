/*
 * What the boot loader told us, whichever multiboot version it spoke:
 * command line, memory map, modules, the ACPI RSDP if it passed one, and
 * the physical ranges its own structures occupy (kept out of the page
 * allocator until we are done with them).
 */
#ifndef BASTION_BOOT_INFO_H
#define BASTION_BOOT_INFO_H

#include "lib.h"

#define BOOT_MAX_MEM 128
#define BOOT_MAX_MODS 16
#define BOOT_MAX_KEEP (8 + 2 * BOOT_MAX_MODS)

/* E820 / multiboot memory types. */
enum mem_type { MEM_USABLE = 1, MEM_RESERVED = 2, MEM_ACPI = 3, MEM_NVS = 4, MEM_BAD = 5 };

struct mem_range {
	uint64_t base, len;
	uint32_t type;
};

struct boot_module {
	uint64_t start, end; /* physical, end exclusive */
	const char *cmdline;
};

struct boot_info {
	int mb_version; /* 1 or 2 */
	const char *loader_name;
	const char *cmdline;
	struct mem_range mem[BOOT_MAX_MEM];
	unsigned nr_mem;
	struct boot_module mods[BOOT_MAX_MODS];
	unsigned nr_mods;
	const void *rsdp; /* the loader's copy of the RSDP, or NULL */
	struct mem_range keep[BOOT_MAX_KEEP]; /* loader data to keep */
	unsigned nr_keep;
};

/* Maps len bytes at physical address pa for reading; NULL if it cannot. */
typedef const void *(*phys_map_fn)(uint64_t pa, uint64_t len);

/* Fills bi from the loader's information.  Returns 0, or -1 with *why
 * set when the magic or the structures are not usable. */
int multiboot_parse(uint32_t magic, uint64_t info_pa, phys_map_fn map, struct boot_info *bi,
		    const char **why);

/* Sorts the map, drops empty entries, and resolves overlaps in favour of
 * the more restrictive type (anything beats usable); merges neighbours
 * of one type.  Returns the new count (never more than nr_max). */
unsigned memmap_sanitize(struct mem_range *mem, unsigned nr, unsigned nr_max);
uint64_t memmap_total(const struct mem_range *mem, unsigned nr, uint32_t type);

#endif
