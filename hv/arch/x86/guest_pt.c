/*
 * Guest page-table walks in every x86 paging mode (x86/guest_pt.h).  A
 * walk reads one entry per level, stopping at the first one that is not
 * present or sets a reserved bit; the rights of all levels combine (user
 * and writable if every level says so, no-execute if any does) and are
 * checked against the access once the leaf is found.  Only a walk that
 * succeeds sets accessed bits on the entries it used, and the dirty bit
 * on the leaf of a write, as Xen does.
 */
#include "x86/guest_pt.h"
#include "x86/paging.h"

#define RFLAGS_AC (1ULL << 18)
#define MAX_LEVELS 5

/* The tables of one paging mode, below CR3 (PAE: below the PDPTE). */
struct pt_format {
	unsigned top_shift;   /* the va bit the top table's index starts at */
	unsigned index_bits;  /* 10 for 32-bit entries, else 9 */
	unsigned entry_size;  /* 4 or 8 */
};

struct walk {
	const struct gpt_mode *m;
	const struct gpt_mem *mem;
	uint64_t rsvd;        /* bits an 8-byte entry must not set */
	uint64_t entry_gpa[MAX_LEVELS], entry[MAX_LEVELS];
	unsigned used, entry_size;
	bool user, writable, nx;
};

/* Bits [hi:lo] set. */
static uint64_t bits(unsigned hi, unsigned lo)
{
	return (hi >= 63 ? ~0ULL : (1ULL << (hi + 1)) - 1) & ~((1ULL << lo) - 1);
}

static enum gpt_status fault(struct gpt_result *r, uint32_t pfec)
{
	r->pfec = pfec;
	return GPT_PAGE_FAULT;
}

/* The error-code bits of the access: the fetch bit only where the CPU
 * reports it, with SMEP or with no-execute (which needs PAE-format
 * entries: 2-level paging has no NX bit). */
static uint32_t access_pfec(const struct gpt_mode *m, uint32_t access)
{
	uint32_t pfec = access & (PFEC_WRITE | PFEC_USER | PFEC_FETCH);
	bool nx = (m->efer & EFER_NXE) && (m->cr4 & CR4_PAE);
	if (!nx && !(m->cr4 & CR4_SMEP))
		pfec &= ~PFEC_FETCH;
	return pfec;
}

static enum gpt_status read_entry(struct walk *w, uint64_t gpa, unsigned size, uint64_t *e,
				  struct gpt_result *r)
{
	if (w->mem->read(w->mem->ctx, gpa, size, e)) {
		r->bad_gpa = gpa;
		return GPT_NOT_RAM;
	}
	return GPT_OK;
}

/* The reserved bits of an entry of 2^shift bytes' level other than the
 * format-wide ones: PS at the top levels of long mode, the low address
 * bits of a large page (bit 12 is its PAT bit). */
static uint64_t level_rsvd(uint64_t e, unsigned shift)
{
	if (shift >= 39)
		return PTE_PS;
	if (shift > 12 && (e & PTE_PS))
		return bits(shift - 1, 13);
	return 0;
}

/* The 4 MiB page of a 32-bit PDE: address bits 39:32 come from PDE bits
 * 20:13 (PSE-36), as many as the CPU has; the rest up to bit 21 are
 * reserved. */
static uint64_t pse36_rsvd(unsigned maxphyaddr)
{
	unsigned high = MIN(maxphyaddr, 40u) - 32;
	return bits(21, 13 + high);
}

static uint64_t pse36_addr(uint64_t e)
{
	return (e & 0xffc00000ULL) | ((e >> 13) & 0xff) << 32;
}

static enum gpt_status walk_tables(struct walk *w, const struct pt_format *f, uint64_t table,
				   uint64_t va, uint32_t pfec, struct gpt_result *r)
{
	uint64_t index_mask = (1ULL << f->index_bits) - 1;
	for (unsigned shift = f->top_shift;; shift -= f->index_bits) {
		uint64_t gpa = table + ((va >> shift) & index_mask) * f->entry_size, e;
		enum gpt_status st = read_entry(w, gpa, f->entry_size, &e, r);
		if (st != GPT_OK)
			return st;
		if (!(e & PTE_P))
			return fault(r, pfec);
		bool pse32 = f->entry_size == 4 && shift == 22 && (e & PTE_PS) && (w->m->cr4 & CR4_PSE);
		uint64_t rsvd = f->entry_size == 4 ? (pse32 ? pse36_rsvd(w->m->maxphyaddr) : 0)
						   : w->rsvd | level_rsvd(e, shift);
		if (e & rsvd)
			return fault(r, pfec | PFEC_PRESENT | PFEC_RSVD);
		w->entry_gpa[w->used] = gpa, w->entry[w->used++] = e;
		w->user &= !!(e & PTE_U), w->writable &= !!(e & PTE_W);
		w->nx |= f->entry_size == 8 && (e & PTE_NX);
		bool leaf = shift == 12 || pse32 || (f->entry_size == 8 && (e & PTE_PS));
		if (leaf) {
			uint64_t size = 1ULL << shift;
			uint64_t base = pse32 ? pse36_addr(e) : e & PTE_ADDR_MASK;
			r->gpa = (base & ~(size - 1)) | (va & (size - 1));
			r->shift = shift;
			return GPT_OK;
		}
		table = e & (f->entry_size == 4 ? 0xfffff000ULL : PTE_ADDR_MASK);
	}
}

/* Whether the combined rights allow the access; the CPU's rules for
 * supervisor writes (CR0.WP), fetches (NX, SMEP) and data (SMAP). */
static bool access_allowed(const struct walk *w, uint32_t access)
{
	const struct gpt_mode *m = w->m;
	bool user = access & PFEC_USER;
	if ((access & PFEC_WRITE) && !w->writable && (user || (m->cr0 & CR0_WP)))
		return false;
	if ((access & PFEC_FETCH) && w->nx)
		return false;
	if (user)
		return w->user;
	if (access & PFEC_FETCH)
		return !(w->user && (m->cr4 & CR4_SMEP));
	bool smap = (m->cr4 & CR4_SMAP) && ((access & GPT_IMPLICIT) || !(m->rflags & RFLAGS_AC));
	return !(w->user && smap);
}

/* Accessed on every entry used, dirty on the leaf of a write.  An entry
 * the guest changed since it was read keeps its bits: the guest raced
 * its own walk, and the translation was valid when it was made. */
static void set_ad_bits(struct walk *w, bool write)
{
	for (unsigned i = 0; i < w->used; i++) {
		uint64_t e = w->entry[i], want = e | PTE_A;
		if (write && i == w->used - 1)
			want |= PTE_D;
		if (want != e)
			w->mem->cmpxchg(w->mem->ctx, w->entry_gpa[i], w->entry_size, e, want);
	}
}

/* PAE: CR3 points at four PDPTEs, which carry no rights of their own.
 * Their accessed bit (5) is not held reserved, though both vendors'
 * manuals list it so: the CPU we run on may set it itself (QEMU's TCG
 * does on each walk, and Linux's 686-pae kernel then runs with it set),
 * and a software walk must not refuse what the hardware walk accepts. */
static enum gpt_status pae_pdpte(struct walk *w, uint64_t va, uint32_t pfec, uint64_t *table,
				 struct gpt_result *r)
{
	uint64_t e, gpa = (w->m->cr3 & 0xffffffe0ULL) + ((va >> 30) & 3) * 8;
	enum gpt_status st = read_entry(w, gpa, 8, &e, r);
	if (st != GPT_OK)
		return st;
	if (!(e & PTE_P))
		return fault(r, pfec);
	if (e & (bits(62, w->m->maxphyaddr) | PTE_NX | bits(8, 6) | PTE_W | PTE_U))
		return fault(r, pfec | PFEC_PRESENT | PFEC_RSVD);
	*table = e & PTE_ADDR_MASK;
	return GPT_OK;
}

static enum gpt_status walk_mode(struct walk *w, uint64_t va, uint32_t pfec, struct gpt_result *r)
{
	const struct gpt_mode *m = w->m;
	uint64_t nx_rsvd = (m->efer & EFER_NXE) ? 0 : PTE_NX;
	if (m->efer & EFER_LMA) {
		unsigned va_bits = (m->cr4 & CR4_LA57) ? 57 : 48;
		if ((uint64_t)((int64_t)(va << (64 - va_bits)) >> (64 - va_bits)) != va)
			return GPT_GP;
		const struct pt_format f = { va_bits - 9, 9, 8 };
		w->rsvd = bits(51, m->maxphyaddr) | nx_rsvd;
		return walk_tables(w, &f, m->cr3 & PTE_ADDR_MASK, va, pfec, r);
	}
	if (va >> 32)
		return GPT_GP;
	if (m->cr4 & CR4_PAE) {
		const struct pt_format f = { 21, 9, 8 };
		uint64_t table;
		enum gpt_status st = pae_pdpte(w, va, pfec, &table, r);
		w->rsvd = bits(62, m->maxphyaddr) | nx_rsvd;
		return st != GPT_OK ? st : walk_tables(w, &f, table, va, pfec, r);
	}
	const struct pt_format f = { 22, 10, 4 };
	return walk_tables(w, &f, m->cr3 & 0xfffff000ULL, va, pfec, r);
}

enum gpt_status gpt_walk(const struct gpt_mode *m, uint64_t va, uint32_t access,
			 const struct gpt_mem *mem, struct gpt_result *r)
{
	if (!(m->cr0 & CR0_PG)) {
		r->gpa = va, r->shift = 12;
		return GPT_OK;
	}
	struct walk w = { .m = m, .mem = mem, .user = true, .writable = true };
	w.entry_size = (m->efer & EFER_LMA) || (m->cr4 & CR4_PAE) ? 8 : 4;
	uint32_t pfec = access_pfec(m, access);
	enum gpt_status st = walk_mode(&w, va, pfec, r);
	if (st != GPT_OK)
		return st;
	if (!access_allowed(&w, access))
		return fault(r, pfec | PFEC_PRESENT);
	set_ad_bits(&w, access & PFEC_WRITE);
	return GPT_OK;
}
