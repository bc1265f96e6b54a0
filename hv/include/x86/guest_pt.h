/*
 * A walk of a guest's own page tables in the paging mode its CR0, CR4 and
 * EFER select (AMD APM vol. 2 ch. 5, Intel SDM vol. 3A ch. 4): none,
 * 2-level 32-bit with PSE and PSE-36, PAE, 4-level and 5-level long mode;
 * with the CPU's permission checks (WP, NX, SMEP, SMAP) and its accessed
 * and dirty bit updates.  Protection keys are not checked.  Pure logic
 * over two memory callbacks, so host tests walk tables built in a buffer.
 */
#ifndef BASTION_X86_GUEST_PT_H
#define BASTION_X86_GUEST_PT_H

#include "lib.h"

/* The access, in the bit positions of the #PF error code it would raise. */
#define PFEC_PRESENT (1u << 0)
#define PFEC_WRITE (1u << 1)
#define PFEC_USER (1u << 2)
#define PFEC_RSVD (1u << 3)
#define PFEC_FETCH (1u << 4)
/* Not an error-code bit: a supervisor access the CPU makes on its own
 * (descriptor tables, the TSS), which SMAP checks whatever EFLAGS.AC. */
#define GPT_IMPLICIT (1u << 31)

struct gpt_mode {
	uint64_t cr0, cr3, cr4, efer, rflags;
	unsigned maxphyaddr;  /* physical address bits (CPUID 0x80000008) */
};

struct gpt_mem {
	void *ctx;
	/* Reads a 4- or 8-byte entry at gpa: 0, or -1 if gpa is not RAM. */
	int (*read)(void *ctx, uint64_t gpa, unsigned size, uint64_t *val);
	/* Writes new at gpa if it still holds old: 1 if written, 0 if it
	 * changed meanwhile, -1 if it cannot be written. */
	int (*cmpxchg)(void *ctx, uint64_t gpa, unsigned size, uint64_t old, uint64_t new);
};

enum gpt_status {
	GPT_OK,       /* gpa and shift hold the translation */
	GPT_PAGE_FAULT,  /* inject #PF with error code pfec */
	GPT_GP,       /* a non-canonical address: the CPU raises #GP */
	GPT_NOT_RAM,  /* a table at bad_gpa is not the guest's RAM */
};

struct gpt_result {
	uint64_t gpa;
	unsigned shift;    /* the page's size: 12, 21, 22 or 30 */
	uint32_t pfec;
	uint64_t bad_gpa;
};

enum gpt_status gpt_walk(const struct gpt_mode *m, uint64_t va, uint32_t access,
			 const struct gpt_mem *mem, struct gpt_result *r);

struct vcpu;
/* The walk with v's control registers, over v's domain's p2m. */
enum gpt_status guest_walk(struct vcpu *v, uint64_t gva, uint32_t access, struct gpt_result *r);

#endif
