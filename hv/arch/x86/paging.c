/*
 * Page-table construction (see paging.h).  The hv runs on the 4 GiB
 * identity map head.S built from 2 MiB pages; RAM above 4 GiB is added
 * here, and device registers get uncached mappings (PCD|PWT selects UC
 * under the default PAT).
 */
#include "x86/paging.h"
#include "x86/cpu.h"
#include "page_alloc.h"

extern uint64_t boot_pml4[512];

static uint64_t *next_table(uint64_t *table, unsigned idx, uint64_t table_flags)
{
	if (!(table[idx] & PTE_P)) {
		void *t = alloc_zeroed_page();
		if (!t)
			return NULL;
		table[idx] = (uintptr_t)t | table_flags;
	}
	if (table[idx] & PTE_PS)
		return NULL;
	return (uint64_t *)(uintptr_t)(table[idx] & PTE_ADDR_MASK);
}

int pt_map(uint64_t *pml4, uint64_t va, uint64_t pa, unsigned shift, uint64_t flags,
	   uint64_t table_flags)
{
	uint64_t *table = pml4;
	for (unsigned level_shift = 39; level_shift > shift; level_shift -= 9) {
		table = next_table(table, (va >> level_shift) & 511, table_flags);
		if (!table)
			return -1;
	}
	table[(va >> shift) & 511] = (pa & PTE_ADDR_MASK) | flags | (shift > 12 ? PTE_PS : 0);
	return 0;
}

static void free_level(uint64_t *table, unsigned level_shift)
{
	for (unsigned i = 0; level_shift > 12 && i < 512; i++)
		if ((table[i] & PTE_P) && !(table[i] & PTE_PS))
			free_level((uint64_t *)(uintptr_t)(table[i] & PTE_ADDR_MASK), level_shift - 9);
	free_pages((uintptr_t)table, 0);
}

void pt_free(uint64_t *pml4)
{
	free_level(pml4, 39);
}

static void map_range(uint64_t start, uint64_t end, uint64_t flags)
{
	for (uint64_t pa = ALIGN_DOWN(start, MiB(2)); pa < end; pa += MiB(2))
		if (pt_map(boot_pml4, pa, pa, 21, flags, PTE_P | PTE_W))
			break;
	write_cr3(read_cr3());
}

void paging_map_ram(uint64_t start, uint64_t end)
{
	if (end > GiB(4))
		map_range(MAX(start, GiB(4)), end, PTE_P | PTE_W);
}

void paging_map_mmio(uint64_t pa, uint64_t len)
{
	map_range(pa, pa + len, PTE_P | PTE_W | PTE_PCD | PTE_PWT);
}
