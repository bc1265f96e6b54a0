/*
 * Reads the multiboot1 information structure (Multiboot Specification
 * 0.6.96, section 3.3) or the multiboot2 tag list (Multiboot2
 * Specification 1.0, section 3.6) into a struct boot_info.  Pure code:
 * the caller supplies how physical memory is reached, so host tests can
 * hand it synthetic structures.
 */
#include "boot_info.h"
#include "x86/asm_defs.h"

/* Multiboot1 information flags and offsets. */
#define MB1_INFO_MEM 0x001
#define MB1_INFO_CMDLINE 0x004
#define MB1_INFO_MODS 0x008
#define MB1_INFO_MMAP 0x040
#define MB1_INFO_LOADER 0x200
#define MB1_INFO_SIZE 116

/* Multiboot2 tag types. */
#define MB2_TAG_END 0
#define MB2_TAG_CMDLINE 1
#define MB2_TAG_LOADER 2
#define MB2_TAG_MODULE 3
#define MB2_TAG_MMAP 6
#define MB2_TAG_ACPI_OLD 14
#define MB2_TAG_ACPI_NEW 15

static uint32_t rd32(const void *p, size_t off)
{
	uint32_t v;
	memcpy(&v, (const char *)p + off, 4);
	return v;
}

static uint64_t rd64(const void *p, size_t off)
{
	uint64_t v;
	memcpy(&v, (const char *)p + off, 8);
	return v;
}

static void keep(struct boot_info *bi, uint64_t base, uint64_t len)
{
	if (bi->nr_keep < BOOT_MAX_KEEP && len)
		bi->keep[bi->nr_keep++] = (struct mem_range){ base, len, MEM_RESERVED };
}

static const char *map_string(phys_map_fn map, struct boot_info *bi, uint64_t pa)
{
	const char *s = map(pa, 1);
	if (s)
		keep(bi, pa, strlen(s) + 1);
	return s;
}

static void add_mem(struct boot_info *bi, uint64_t base, uint64_t len, uint32_t type)
{
	if (bi->nr_mem < BOOT_MAX_MEM && len)
		bi->mem[bi->nr_mem++] = (struct mem_range){ base, len, type ? type : MEM_RESERVED };
}

static void add_module(struct boot_info *bi, uint64_t start, uint64_t end, const char *cmdline)
{
	if (bi->nr_mods >= BOOT_MAX_MODS || end < start)
		return;
	bi->mods[bi->nr_mods++] = (struct boot_module){ start, end, cmdline ? cmdline : "" };
	keep(bi, start, end - start);
}

static int parse_mb1_mmap(const void *info, phys_map_fn map, struct boot_info *bi)
{
	uint32_t len = rd32(info, 44), addr = rd32(info, 48);
	const uint8_t *p = map(addr, len);
	if (!p)
		return -1;
	keep(bi, addr, len);
	for (uint32_t off = 0; off + 24 <= len;) {
		uint32_t size = rd32(p, off); /* excludes the size field itself */
		if (size < 20)
			return -1;
		add_mem(bi, rd64(p, off + 4), rd64(p, off + 12), rd32(p, off + 20));
		off += size + 4;
	}
	return 0;
}

static int parse_mb1(uint64_t info_pa, phys_map_fn map, struct boot_info *bi, const char **why)
{
	const void *info = map(info_pa, MB1_INFO_SIZE);
	if (!info)
		return *why = "multiboot1 information structure not reachable", -1;
	keep(bi, info_pa, MB1_INFO_SIZE);
	uint32_t flags = rd32(info, 0);
	if (flags & MB1_INFO_CMDLINE)
		bi->cmdline = map_string(map, bi, rd32(info, 16));
	if (flags & MB1_INFO_LOADER)
		bi->loader_name = map_string(map, bi, rd32(info, 64));
	if (flags & MB1_INFO_MODS) {
		uint32_t count = rd32(info, 20), addr = rd32(info, 24);
		const void *mods = map(addr, (uint64_t)count * 16);
		if (!mods)
			return *why = "multiboot1 module list not reachable", -1;
		keep(bi, addr, (uint64_t)count * 16);
		for (uint32_t i = 0; i < count; i++)
			add_module(bi, rd32(mods, i * 16), rd32(mods, i * 16 + 4),
				   map_string(map, bi, rd32(mods, i * 16 + 8)));
	}
	if ((flags & MB1_INFO_MMAP) && parse_mb1_mmap(info, map, bi))
		return *why = "multiboot1 memory map is malformed", -1;
	if (!(flags & MB1_INFO_MMAP) && (flags & MB1_INFO_MEM)) {
		add_mem(bi, 0, (uint64_t)rd32(info, 4) << 10, MEM_USABLE);
		add_mem(bi, MiB(1), (uint64_t)rd32(info, 8) << 10, MEM_USABLE);
	}
	return 0;
}

static void parse_mb2_mmap(const uint8_t *tag, uint32_t size, struct boot_info *bi)
{
	uint32_t entry_size = rd32(tag, 8);
	if (entry_size < 24)
		return;
	for (uint32_t off = 16; off + entry_size <= size; off += entry_size)
		add_mem(bi, rd64(tag, off), rd64(tag, off + 8), rd32(tag, off + 16));
}

static void parse_mb2_tag(const uint8_t *tag, uint32_t type, uint32_t size, struct boot_info *bi)
{
	switch (type) {
	case MB2_TAG_CMDLINE:
		if (size > 8 && tag[size - 1] == '\0')
			bi->cmdline = (const char *)tag + 8;
		break;
	case MB2_TAG_LOADER:
		if (size > 8 && tag[size - 1] == '\0')
			bi->loader_name = (const char *)tag + 8;
		break;
	case MB2_TAG_MODULE:
		if (size > 16 && tag[size - 1] == '\0')
			add_module(bi, rd32(tag, 8), rd32(tag, 12), (const char *)tag + 16);
		break;
	case MB2_TAG_MMAP:
		if (size >= 16)
			parse_mb2_mmap(tag, size, bi);
		break;
	case MB2_TAG_ACPI_NEW: /* preferred over the v1 copy whatever the order */
		if (size >= 8 + 36)
			bi->rsdp = tag + 8;
		break;
	case MB2_TAG_ACPI_OLD:
		if (size >= 8 + 20 && !bi->rsdp)
			bi->rsdp = tag + 8;
		break;
	}
}

static int parse_mb2(uint64_t info_pa, phys_map_fn map, struct boot_info *bi, const char **why)
{
	const uint8_t *head = map(info_pa, 8);
	uint32_t total = head ? rd32(head, 0) : 0;
	const uint8_t *info = total >= 16 ? map(info_pa, total) : NULL;
	if (!info)
		return *why = "multiboot2 information not reachable or too short", -1;
	keep(bi, info_pa, total);
	for (uint32_t off = 8; off + 8 <= total;) {
		uint32_t type = rd32(info, off), size = rd32(info, off + 4);
		if (size < 8 || size > total - off)
			return *why = "multiboot2 tag overruns the information structure", -1;
		if (type == MB2_TAG_END)
			return 0;
		parse_mb2_tag(info + off, type, size, bi);
		off += ALIGN_UP(size, 8u);
	}
	return *why = "multiboot2 information has no end tag", -1;
}

int multiboot_parse(uint32_t magic, uint64_t info_pa, phys_map_fn map, struct boot_info *bi,
		    const char **why)
{
	memset(bi, 0, sizeof(*bi));
	if (magic == MB1_BOOT_MAGIC) {
		bi->mb_version = 1;
		return parse_mb1(info_pa, map, bi, why);
	}
	if (magic == MB2_BOOT_MAGIC) {
		bi->mb_version = 2;
		return parse_mb2(info_pa, map, bi, why);
	}
	*why = "not started by a multiboot loader (bad magic)";
	return -1;
}
