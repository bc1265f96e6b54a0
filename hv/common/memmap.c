/*
 * Memory-map clean-up.  Firmware maps can be unsorted, overlap and
 * disagree with themselves; we cut the address space at every boundary
 * and give each piece the most restrictive type any entry claims for it
 * (usable loses to everything), then merge neighbours of equal type.
 */
#include "boot_info.h"

/* Rank of a type when entries overlap: higher wins. */
static unsigned rank(uint32_t type)
{
	return type == MEM_USABLE ? 0 : type == MEM_ACPI ? 1 : type == MEM_NVS ? 2 : type == MEM_BAD ? 4 : 3;
}

static void sort_u64(uint64_t *v, unsigned n)
{
	for (unsigned i = 1; i < n; i++)
		for (unsigned j = i; j > 0 && v[j - 1] > v[j]; j--) {
			uint64_t t = v[j];
			v[j] = v[j - 1];
			v[j - 1] = t;
		}
}

static uint32_t type_at(const struct mem_range *mem, unsigned nr, uint64_t lo, uint64_t hi)
{
	uint32_t type = 0;
	for (unsigned i = 0; i < nr; i++) {
		uint64_t end = mem[i].base + mem[i].len;
		if (mem[i].base < hi && end > lo && (!type || rank(mem[i].type) > rank(type)))
			type = mem[i].type;
	}
	return type;
}

unsigned memmap_sanitize(struct mem_range *mem, unsigned nr, unsigned nr_max)
{
	uint64_t cuts[2 * BOOT_MAX_MEM];
	struct mem_range out[BOOT_MAX_MEM];
	unsigned nc = 0, no = 0;
	nr = MIN(nr, (unsigned)BOOT_MAX_MEM);
	for (unsigned i = 0; i < nr; i++) {
		if (!mem[i].len)
			continue;
		if (mem[i].base + mem[i].len < mem[i].base) /* wraps: clip at the top */
			mem[i].len = UINT64_MAX - mem[i].base;
		cuts[nc++] = mem[i].base;
		cuts[nc++] = mem[i].base + mem[i].len;
	}
	sort_u64(cuts, nc);
	for (unsigned i = 0; i + 1 < nc; i++) {
		if (cuts[i] == cuts[i + 1])
			continue;
		uint32_t type = type_at(mem, nr, cuts[i], cuts[i + 1]);
		if (!type)
			continue;
		if (no && out[no - 1].type == type && out[no - 1].base + out[no - 1].len == cuts[i])
			out[no - 1].len += cuts[i + 1] - cuts[i];
		else if (no < BOOT_MAX_MEM)
			out[no++] = (struct mem_range){ cuts[i], cuts[i + 1] - cuts[i], type };
	}
	no = MIN(no, nr_max);
	memcpy(mem, out, no * sizeof(out[0]));
	return no;
}

uint64_t memmap_total(const struct mem_range *mem, unsigned nr, uint32_t type)
{
	uint64_t total = 0;
	for (unsigned i = 0; i < nr; i++)
		if (mem[i].type == type)
			total += mem[i].len;
	return total;
}
