/* hv/common/memmap.c: overlapping, unsorted and degenerate firmware maps. */
#include "check.h"
#include "boot_info.h"

int main(void)
{
	struct mem_range m[BOOT_MAX_MEM] = {
		{ 0x100000, 0x7ff00000, MEM_USABLE },   /* 1 MiB .. 2 GiB */
		{ 0x0, 0x9fc00, MEM_USABLE },
		{ 0x9fc00, 0x400, MEM_RESERVED },
		{ 0x7fe00000, 0x200000, MEM_ACPI },      /* overlaps the top of RAM */
		{ 0x500000, 0x100000, MEM_RESERVED },    /* hole punched in RAM */
		{ 0x200000, 0, MEM_USABLE },             /* empty */
		{ 0x100000000ULL, 0x40000000, MEM_USABLE },
		{ 0x100000000ULL + 0x40000000, 0x40000000, MEM_USABLE }, /* adjacent: merge */
	};
	unsigned n = memmap_sanitize(m, 8, BOOT_MAX_MEM);
	int sorted = 1, overlap = 0;
	for (unsigned i = 1; i < n; i++) {
		sorted &= m[i - 1].base < m[i].base;
		overlap |= m[i - 1].base + m[i - 1].len > m[i].base;
	}
	CHECK(sorted && !overlap, "memmap: result sorted and disjoint (%u ranges)", n);
	CHECK(n == 7, "memmap: expected 7 ranges, got %u", n);
	CHECK(m[2].base == 0x100000 && m[2].len == 0x400000 && m[2].type == MEM_USABLE,
	      "memmap: RAM below the hole kept");
	CHECK(m[3].base == 0x500000 && m[3].type == MEM_RESERVED, "memmap: reserved wins over usable");
	CHECK(m[5].base == 0x7fe00000 && m[5].type == MEM_ACPI && m[5].len == 0x200000,
	      "memmap: ACPI tables carved out of the top of RAM");
	CHECK(m[6].base == 0x100000000ULL && m[6].len == 0x80000000ULL, "memmap: adjacent RAM merged");
	CHECK(memmap_total(m, n, MEM_USABLE) == 0x9fc00ULL + 0x400000 + 0x7fe00000 - 0x600000 + 0x80000000ULL,
	      "memmap: usable total is exact");
	struct mem_range w[2] = { { 0xfffffffffffff000ULL, 0x2000, MEM_USABLE }, { 0, 0, 0 } };
	n = memmap_sanitize(w, 1, BOOT_MAX_MEM);
	CHECK(n == 1 && w[0].base + w[0].len == 0xffffffffffffffffULL, "memmap: a wrapping range is clipped");
	return check_exit();
}
