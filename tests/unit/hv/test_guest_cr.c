/* hv/arch/x86/guest_cr.c: which CR4 writes a guest may make (Xen 4.17's
 * hvm_set_cr4 rules), and the TLB flush a change of paging bits needs. */
#include <string.h>
#include "check.h"
#include "domain.h"
#include "x86/asm_defs.h"
#include "x86/guest_cr.h"
#include "x86/hvm.h"

/* An EPYC-like guest: leaf 1 with VME..SSE, PCID, XSAVE; leaf 7 with
 * FSGSBASE, SMEP, SMAP, no PKU, no CET, no UMIP. */
static struct cpuid_regs leaf1 = { .edx = 0x078bfbff, .ecx = 1u << 17 | 1u << 26 };
static struct cpuid_regs leaf7 = { .ebx = 1u << 0 | 1u << 7 | 1u << 20 };

void guest_cpuid(struct vcpu *v, uint32_t leaf, uint32_t subleaf, struct cpuid_regs *r)
{
	(void)v, (void)subleaf;
	*r = leaf == 1 ? leaf1 : leaf == 7 ? leaf7 : (struct cpuid_regs){ 0 };
}

static uint64_t written;
static void fake_set_cr4(struct vcpu *v, uint64_t cr4) { written = v->regs.cr4 = cr4; }
static const struct hvm_ops fake_ops = { .name = "fake", .set_cr4 = fake_set_cr4 };
const struct hvm_ops *hvm = &fake_ops;

int main(void)
{
	uint64_t valid = cr4_valid_bits(&leaf1, &leaf7);
	CHECK(valid == (0x7ffULL | CR4_FSGSBASE | CR4_PCIDE | CR4_OSXSAVE | CR4_SMEP | CR4_SMAP),
	      "valid bits: VME..OSXMMEXCPT, FSGSBASE, PCIDE, OSXSAVE, SMEP, SMAP (%#lx)", (unsigned long)valid);
	CHECK(!(valid & (CR4_VMXE | CR4_LA57 | CR4_PKE | CR4_CET)), "never VMXE or LA57; PKE and CET not offered");
	struct cpuid_regs more7 = { .ebx = leaf7.ebx, .ecx = 1u << 3 | 1u << 7 | 1u << 2 };
	CHECK((cr4_valid_bits(&leaf1, &more7) & (CR4_PKE | CR4_CET | (1ULL << 11))) == (CR4_PKE | CR4_CET | (1ULL << 11)),
	      "PKU, CET_SS and UMIP in leaf 7 allow PKE, CET and UMIP");

	struct vcpu_regs lm = { .cr0 = CR0_PE | CR0_PG | CR0_WP, .cr3 = 0x1000, .cr4 = CR4_PAE,
				.efer = EFER_LME | EFER_LMA };
	CHECK(cr4_write_allowed(valid, &lm, CR4_PAE | CR4_PGE | CR4_SMEP | CR4_SMAP | CR4_OSXSAVE),
	      "long mode: a Linux-like CR4 is allowed");
	CHECK(!cr4_write_allowed(valid, &lm, CR4_PAE | CR4_VMXE), "VMXE: #GP");
	CHECK(!cr4_write_allowed(valid, &lm, CR4_PAE | CR4_PKE), "PKE without PKU in CPUID: #GP");
	CHECK(!cr4_write_allowed(valid, &lm, CR4_PGE), "clearing PAE in long mode: #GP");
	CHECK(cr4_write_allowed(valid, &lm, CR4_PAE | CR4_PCIDE), "PCIDE in long mode with CR3[11:0] = 0");
	lm.cr3 = 0x1005;
	CHECK(!cr4_write_allowed(valid, &lm, CR4_PAE | CR4_PCIDE), "PCIDE with CR3[11:0] != 0: #GP");
	lm.cr4 |= CR4_PCIDE;
	CHECK(cr4_write_allowed(valid, &lm, CR4_PAE | CR4_PCIDE), "PCIDE already set: kept whatever CR3 holds");
	struct vcpu_regs pm = { .cr0 = CR0_PE, .cr4 = 0 };
	CHECK(!cr4_write_allowed(valid, &pm, CR4_PCIDE), "PCIDE outside long mode: #GP");
	CHECK(cr4_write_allowed(valid, &pm, CR4_PSE), "PSE in protected mode");
	CHECK(!cr4_write_allowed(cr4_valid_bits(&leaf1, &more7), &pm, CR4_CET), "CET without CR0.WP: #GP");

	static struct domain d;
	static struct vcpu v = { .d = &d };
	v.regs = (struct vcpu_regs){ .cr0 = CR0_PE | CR0_PG, .cr4 = CR4_PAE | CR4_PGE, .efer = EFER_LMA };
	CHECK(guest_write_cr4(&v, CR4_PAE) == 0 && written == CR4_PAE && v.flush_tlb,
	      "clearing PGE is made and flushes the vCPU's TLB");
	v.flush_tlb = false;
	CHECK(guest_write_cr4(&v, CR4_PAE | CR4_OSXSAVE) == 0 && !v.flush_tlb, "setting OSXSAVE needs no flush");
	written = 0;
	CHECK(guest_write_cr4(&v, CR4_PAE | CR4_VMXE) == -1 && written == 0 && v.regs.cr4 == (CR4_PAE | CR4_OSXSAVE),
	      "a refused write changes nothing");
	return check_exit();
}
