/*
 * x86-64 4-level page tables, for the hv's own identity map and for the
 * nested page tables of guests (same format; NPT leaves need the U bit,
 * AMD APM vol. 2 section 15.25.5).
 */
#ifndef BASTION_X86_PAGING_H
#define BASTION_X86_PAGING_H

#include "lib.h"
#include "x86/asm_defs.h"

#define PTE_ADDR_MASK 0x000ffffffffff000ULL
#define PTE_NX (1ULL << 63)

/* Maps one page of 4 KiB (shift 12), 2 MiB (21) or 1 GiB (30) at va,
 * creating intermediate tables with table_flags.  Returns 0, or -1 when
 * out of memory or a larger page is in the way. */
int pt_map(uint64_t *pml4, uint64_t va, uint64_t pa, unsigned shift, uint64_t flags,
	   uint64_t table_flags);
/* Frees the tables below pml4 (not the mapped pages) and pml4 itself. */
void pt_free(uint64_t *pml4);

/* The hv's own address space: physical memory identity-mapped. */
void paging_map_ram(uint64_t start, uint64_t end);
void paging_map_mmio(uint64_t pa, uint64_t len);

#endif
