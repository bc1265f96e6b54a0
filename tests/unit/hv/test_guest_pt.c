/* hv/arch/x86/guest_pt.c: guest page walks in every paging mode, over
 * page tables built in a buffer that stands for the guest's RAM. */
#include <string.h>
#include "check.h"
#include "x86/asm_defs.h"
#include "x86/guest_pt.h"

#define RAM_SIZE (1u << 20)
#define PG(n) ((uint64_t)(n) << 12)
#define AC (1ULL << 18)
#define NX (1ULL << 63)
#define PWU (PTE_P | PTE_W | PTE_U)

static uint8_t ram[RAM_SIZE];
static int races; /* cmpxchg calls that find the entry changed by "the guest" */

static int ram_read(void *ctx, uint64_t gpa, unsigned size, uint64_t *val)
{
	(void)ctx;
	if (gpa + size > RAM_SIZE)
		return -1;
	*val = 0;
	memcpy(val, ram + gpa, size);
	return 0;
}

static int ram_cmpxchg(void *ctx, uint64_t gpa, unsigned size, uint64_t old, uint64_t new)
{
	(void)ctx;
	uint64_t cur;
	if (ram_read(NULL, gpa, size, &cur))
		return -1;
	if (races) {
		races--;
		cur |= PTE_PWT; /* the guest wrote the entry since the walk read it */
		memcpy(ram + gpa, &cur, size);
	}
	if (cur != old)
		return 0;
	memcpy(ram + gpa, &new, size);
	return 1;
}

static const struct gpt_mem mem = { NULL, ram_read, ram_cmpxchg };

static void put(uint64_t gpa, unsigned size, uint64_t v) { memcpy(ram + gpa, &v, size); }
static uint64_t get(uint64_t gpa, unsigned size)
{
	uint64_t v = 0;
	memcpy(&v, ram + gpa, size);
	return v;
}

static struct gpt_result res;
static enum gpt_status walk(const struct gpt_mode *m, uint64_t va, uint32_t access)
{
	memset(&res, 0, sizeof(res));
	return gpt_walk(m, va, access, &mem, &res);
}
#define WALKS_TO(m, va, acc, want) (walk(m, va, acc) == GPT_OK && res.gpa == (want))
#define FAULTS(m, va, acc, code) (walk(m, va, acc) == GPT_PAGE_FAULT && res.pfec == (code))

static void unpaged(void)
{
	struct gpt_mode m = { .cr0 = CR0_PE, .maxphyaddr = 40 };
	CHECK(WALKS_TO(&m, 0x12345678, PFEC_WRITE, 0x12345678), "protected mode without paging: linear is physical");
	m.cr0 = 0;
	CHECK(WALKS_TO(&m, 0xb8000, 0, 0xb8000), "real mode: linear is physical");
}

/* 2-level: CR3 = page 1, PD at page 1, PT at page 2. */
static void two_level(void)
{
	memset(ram, 0, sizeof(ram));
	struct gpt_mode m = { .cr0 = CR0_PE | CR0_PG, .cr3 = PG(1), .maxphyaddr = 40 };
	put(PG(1) + 1 * 4, 4, PG(2) | PWU);                 /* va 0x00400000.. */
	put(PG(2) + 5 * 4, 4, PG(7) | PTE_P | PTE_U);        /* va 0x00405000: read-only */
	put(PG(2) + 6 * 4, 4, PG(8) | PTE_P | PTE_W);        /* va 0x00406000: supervisor */
	CHECK(WALKS_TO(&m, 0x00405abc, 0, PG(7) + 0xabc) && res.shift == 12, "2-level: a 4 KiB page");
	CHECK(get(PG(1) + 4, 4) & PTE_A && get(PG(2) + 20, 4) & PTE_A && !(get(PG(2) + 20, 4) & PTE_D),
	      "2-level: a read sets accessed on the PDE and the PTE, not dirty");
	CHECK(WALKS_TO(&m, 0x00405abc, PFEC_WRITE, PG(7) + 0xabc), "CR0.WP clear: the supervisor writes a read-only page");
	CHECK(get(PG(2) + 20, 4) & PTE_D, "the write sets dirty on the leaf");
	m.cr0 |= CR0_WP;
	put(PG(2) + 20, 4, PG(7) | PTE_P | PTE_U);
	CHECK(FAULTS(&m, 0x00405abc, PFEC_WRITE, PFEC_PRESENT | PFEC_WRITE), "CR0.WP set: #PF(P|W)");
	CHECK(!(get(PG(2) + 20, 4) & PTE_A), "a failed walk sets no accessed bit");
	CHECK(FAULTS(&m, 0x00405000, PFEC_USER | PFEC_WRITE, PFEC_PRESENT | PFEC_WRITE | PFEC_USER),
	      "a user write to a read-only page: #PF(P|W|U)");
	CHECK(FAULTS(&m, 0x00406000, PFEC_USER, PFEC_PRESENT | PFEC_USER), "a user read of a supervisor page: #PF(P|U)");
	CHECK(FAULTS(&m, 0x00407000, PFEC_WRITE, PFEC_WRITE), "a missing PTE: #PF(W)");
	CHECK(FAULTS(&m, 0x00800000, PFEC_USER, PFEC_USER), "a missing PDE: #PF(U)");
	m.efer = EFER_NXE;
	CHECK(FAULTS(&m, 0x00407000, PFEC_FETCH, 0), "2-level with EFER.NXE: no NX bit, so no fetch bit in the code");
	m.cr4 = CR4_SMEP;
	CHECK(FAULTS(&m, 0x00405000, PFEC_FETCH, PFEC_PRESENT | PFEC_FETCH),
	      "2-level with SMEP: the supervisor fetching from a user page: #PF(P|I)");
}

/* 4 MiB pages: with CR4.PSE, and PSE-36 address bits 39:32. */
static void pse(void)
{
	memset(ram, 0, sizeof(ram));
	struct gpt_mode m = { .cr0 = CR0_PE | CR0_PG, .cr3 = PG(1), .cr4 = CR4_PSE, .maxphyaddr = 40 };
	put(PG(1) + 2 * 4, 4, 0x00c00000 | PTE_PS | PWU);
	put(PG(1) + 3 * 4, 4, 0x01000000 | 0x12ULL << 13 | PTE_PS | PWU);
	put(PG(1) + 4 * 4, 4, 0x01400000 | 1ULL << 21 | PTE_PS | PWU);
	CHECK(WALKS_TO(&m, 0x00812345, 0, 0x00c12345) && res.shift == 22, "PSE: a 4 MiB page");
	CHECK(WALKS_TO(&m, 0x00c00010, 0, 0x1201000010ULL), "PSE-36: PDE bits 20:13 are address bits 39:32");
	CHECK(FAULTS(&m, 0x01000000, 0, PFEC_PRESENT | PFEC_RSVD), "PSE-36: PDE bit 21 is reserved");
	m.maxphyaddr = 36;
	CHECK(FAULTS(&m, 0x00c00010, 0, PFEC_PRESENT | PFEC_RSVD), "36 address bits: PDE bit 17 is reserved");
	m.cr4 = 0;
	CHECK(walk(&m, 0x00812345, 0) == GPT_NOT_RAM && res.bad_gpa == 0x00c00000 + 0x12 * 4,
	      "CR4.PSE clear: PS is ignored and the PDE points at a page table");
}

/* PAE: CR3 at page 1 (32-byte aligned PDPT), PD at 2, PT at 3. */
static void pae(void)
{
	memset(ram, 0, sizeof(ram));
	struct gpt_mode m = { .cr0 = CR0_PE | CR0_PG | CR0_WP, .cr3 = PG(1) + 0x20, .cr4 = CR4_PAE,
			      .efer = EFER_NXE, .maxphyaddr = 40 };
	put(PG(1) + 0x20 + 1 * 8, 8, PG(2) | PTE_P);             /* va 0x40000000.. */
	put(PG(1) + 0x20 + 2 * 8, 8, PG(2) | PTE_P | PTE_W);     /* reserved bit 1 */
	put(PG(2) + 0 * 8, 8, PG(3) | PWU);
	put(PG(2) + 1 * 8, 8, 0x7fe00000ULL | PTE_PS | PWU | NX); /* va 0x40200000: 2 MiB, no-execute */
	put(PG(3) + 9 * 8, 8, 0x12345000ULL | PWU);
	CHECK(WALKS_TO(&m, 0x40009123, PFEC_WRITE | PFEC_USER, 0x12345123), "PAE: a 4 KiB page via the PDPTE of CR3+0x20");
	CHECK(get(PG(3) + 72, 8) & PTE_D && get(PG(2), 8) & PTE_A && !(get(PG(1) + 0x28, 8) & PTE_A),
	      "PAE: A and D set on the PDE and PTE, the PDPTE untouched");
	CHECK(WALKS_TO(&m, 0x40212345, 0, 0x7fe12345) && res.shift == 21, "PAE: a 2 MiB page");
	CHECK(FAULTS(&m, 0x40212345, PFEC_FETCH, PFEC_PRESENT | PFEC_FETCH), "PAE: fetching from a no-execute page: #PF(P|I)");
	CHECK(FAULTS(&m, 0x80000000, 0, PFEC_PRESENT | PFEC_RSVD), "PAE: a PDPTE with R/W set: #PF(P|RSVD)");
	CHECK(FAULTS(&m, 0xc0000000, PFEC_FETCH, PFEC_FETCH), "PAE: a missing PDPTE, fetch with NXE: #PF(I)");
	put(PG(1) + 0x20 + 1 * 8, 8, PG(2) | PTE_P | PTE_A);
	CHECK(WALKS_TO(&m, 0x40009123, 0, 0x12345123), "PAE: a PDPTE with A set (as QEMU's walker leaves it) is walked");
	put(PG(1) + 0x20 + 1 * 8, 8, PG(2) | PTE_P | PTE_D);
	CHECK(FAULTS(&m, 0x40009123, 0, PFEC_PRESENT | PFEC_RSVD), "PAE: a PDPTE with bit 6 set: #PF(P|RSVD)");
	put(PG(1) + 0x20 + 1 * 8, 8, PG(2) | PTE_P);
	m.efer = 0;
	CHECK(FAULTS(&m, 0x40212345, 0, PFEC_PRESENT | PFEC_RSVD), "EFER.NXE clear: the NX bit is reserved");
	CHECK(FAULTS(&m, 0xc0000000, PFEC_FETCH, 0), "EFER.NXE and SMEP clear: the fetch bit is not reported");
	put(PG(3) + 9 * 8, 8, 0x12345000ULL | 1ULL << 52 | PWU);
	CHECK(FAULTS(&m, 0x40009000, 0, PFEC_PRESENT | PFEC_RSVD), "PAE: bits 62:52 are reserved");
	CHECK(walk(&m, 0x100000000ULL, 0) == GPT_GP, "PAE: an address above 4 GiB is refused");
}

/* 4-level: PML4 at page 1, PDPT 2, PD 3, PT 4. */
static void long_mode(void)
{
	memset(ram, 0, sizeof(ram));
	struct gpt_mode m = { .cr0 = CR0_PE | CR0_PG | CR0_WP, .cr3 = PG(1), .cr4 = CR4_PAE,
			      .efer = EFER_LME | EFER_LMA | EFER_NXE, .maxphyaddr = 40 };
	put(PG(1) + 511 * 8, 8, PG(2) | PTE_P | PTE_W);      /* va 0xffffff8000000000: supervisor */
	put(PG(1) + 0 * 8, 8, PG(2) | PWU);                  /* va 0: user */
	put(PG(1) + 1 * 8, 8, PG(2) | PWU | PTE_PS);         /* PS in a PML4E */
	put(PG(2) + 0 * 8, 8, PG(3) | PWU);
	put(PG(2) + 1 * 8, 8, 0x80000000ULL | PTE_PS | PWU); /* 1 GiB */
	put(PG(2) + 2 * 8, 8, 0x80000000ULL | 1ULL << 13 | PTE_PS | PWU);
	put(PG(3) + 0 * 8, 8, PG(4) | PWU);
	put(PG(4) + 3 * 8, 8, 0x5000ULL | PWU);
	put(PG(4) + 4 * 8, 8, 1ULL << 40 | PWU);             /* above 40 address bits */
	CHECK(WALKS_TO(&m, 0x3456, 0, 0x5456), "4-level: a 4 KiB page");
	CHECK(WALKS_TO(&m, 0xffffff8000003456ULL, 0, 0x5456), "4-level: the top half through PML4E 511");
	CHECK(WALKS_TO(&m, 0x40000000ULL + 0x1234567, 0, 0x81234567ULL) && res.shift == 30, "4-level: a 1 GiB page");
	CHECK(FAULTS(&m, 0x80000000ULL, 0, PFEC_PRESENT | PFEC_RSVD), "a 1 GiB page with address bit 13 set: reserved");
	CHECK(FAULTS(&m, 0x8000000000ULL, 0, PFEC_PRESENT | PFEC_RSVD), "PS in a PML4E is reserved");
	CHECK(FAULTS(&m, 0x4000, 0, PFEC_PRESENT | PFEC_RSVD), "an address bit above MAXPHYADDR is reserved");
	CHECK(walk(&m, 0x0000800000000000ULL, 0) == GPT_GP, "a non-canonical address: #GP");
	CHECK(FAULTS(&m, 0xffffff8000003000ULL, PFEC_USER, PFEC_PRESENT | PFEC_USER),
	      "a user read through a supervisor PML4E: #PF(P|U)");
	m.cr4 |= CR4_SMEP | CR4_SMAP;
	CHECK(FAULTS(&m, 0x3000, PFEC_FETCH, PFEC_PRESENT | PFEC_FETCH), "SMEP: the supervisor fetching from a user page");
	CHECK(WALKS_TO(&m, 0xffffff8000003000ULL, PFEC_FETCH, 0x5000), "SMEP: the same page through a supervisor PML4E runs");
	CHECK(FAULTS(&m, 0x3000, 0, PFEC_PRESENT), "SMAP: a supervisor read of a user page with EFLAGS.AC clear");
	m.rflags = AC;
	CHECK(WALKS_TO(&m, 0x3000, PFEC_WRITE, 0x5000), "SMAP: allowed with EFLAGS.AC set (stac)");
	CHECK(FAULTS(&m, 0x3000, GPT_IMPLICIT, PFEC_PRESENT), "SMAP: an implicit access faults whatever EFLAGS.AC");
	CHECK(walk(&m, 0x3000, PFEC_USER | PFEC_FETCH) == GPT_OK, "a user fetch from a user page runs");
	put(PG(4) + 3 * 8, 8, 0x5000ULL | PWU | NX);
	CHECK(FAULTS(&m, 0x3000, PFEC_USER | PFEC_FETCH, PFEC_PRESENT | PFEC_USER | PFEC_FETCH),
	      "a user fetch from a no-execute page: #PF(P|U|I)");
	m.cr3 = PG(300);
	CHECK(walk(&m, 0x3000, 0) == GPT_NOT_RAM && res.bad_gpa == PG(300), "CR3 outside RAM: the walk says where");
}

/* 5-level: PML5 at page 1, then PML4 2, PDPT 3, PD 4 with a 2 MiB page. */
static void five_level(void)
{
	memset(ram, 0, sizeof(ram));
	struct gpt_mode m = { .cr0 = CR0_PE | CR0_PG, .cr3 = PG(1), .cr4 = CR4_PAE | CR4_LA57,
			      .efer = EFER_LME | EFER_LMA, .maxphyaddr = 40 };
	uint64_t va = 1ULL << 50 | 3ULL << 21 | 0x1234;
	put(PG(1) + 4 * 8, 8, PG(2) | PWU);
	put(PG(2) + 0 * 8, 8, PG(3) | PWU);
	put(PG(3) + 0 * 8, 8, PG(4) | PWU);
	put(PG(4) + 3 * 8, 8, 0x40000000ULL | PTE_PS | PWU);
	CHECK(WALKS_TO(&m, va, 0, 0x40001234ULL), "5-level: va bit 50 indexes the PML5");
	CHECK(walk(&m, 1ULL << 56, 0) == GPT_GP, "5-level: canonical means 57 bits");
	m.cr4 &= ~CR4_LA57;
	CHECK(walk(&m, va, 0) == GPT_GP, "4-level: the same address is not canonical");
}

static void racing_guest(void)
{
	memset(ram, 0, sizeof(ram));
	struct gpt_mode m = { .cr0 = CR0_PE | CR0_PG, .cr3 = PG(1), .maxphyaddr = 40 };
	put(PG(1), 4, PG(2) | PWU);
	put(PG(2), 4, PG(5) | PWU);
	races = 1;
	CHECK(WALKS_TO(&m, 0x10, 0, PG(5) + 0x10), "an entry changed during the walk: the walk still translates");
	CHECK(get(PG(1), 4) == (PG(2) | PWU | PTE_PWT) && get(PG(2), 4) & PTE_A,
	      "the changed entry keeps the guest's value, the next gets its accessed bit");
}

int main(void)
{
	unpaged();
	two_level();
	pse();
	pae();
	long_mode();
	five_level();
	racing_guest();
	return check_exit();
}
