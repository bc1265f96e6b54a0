/*
 * A guest's writes of CR4, checked as Xen 4.17 checks them (hvm_set_cr4):
 * #GP for a bit whose feature the guest's CPUID does not offer (VMXE and
 * LA57 never: no nested virtualization, no 5-level paging for guests),
 * for clearing PAE in long mode, CET without CR0.WP, or setting PCIDE
 * outside long mode or with CR3[11:0] not zero.  A write that changes
 * how translations are cached (PSE, PGE, PAE, SMEP, or PCIDE cleared)
 * flushes the vCPU's TLB, as the CPU's own MOV to CR4 would have.
 */
#include "x86/guest_cr.h"
#include "domain.h"
#include "x86/guest_cpu.h"
#include "x86/hvm.h"

#define BIT_IF(reg, bit, cr4) (((reg) >> (bit) & 1) ? (cr4) : 0)

uint64_t cr4_valid_bits(const struct cpuid_regs *l1, const struct cpuid_regs *l7)
{
	return BIT_IF(l1->edx, 1, CR4_VME | CR4_PVI) | BIT_IF(l1->edx, 4, CR4_TSD) |
	       BIT_IF(l1->edx, 2, CR4_DE) | BIT_IF(l1->edx, 3, CR4_PSE) | BIT_IF(l1->edx, 6, CR4_PAE) |
	       BIT_IF(l1->edx, 7, CR4_MCE) | BIT_IF(l1->edx, 14, CR4_MCE) | BIT_IF(l1->edx, 13, CR4_PGE) |
	       CR4_PCE | BIT_IF(l1->edx, 24, CR4_OSFXSR) | BIT_IF(l1->edx, 25, CR4_OSXMMEXCPT) |
	       BIT_IF(l7->ecx, 2, CR4_UMIP) | BIT_IF(l7->ebx, 0, CR4_FSGSBASE) |
	       BIT_IF(l1->ecx, 17, CR4_PCIDE) | BIT_IF(l1->ecx, 26, CR4_OSXSAVE) |
	       BIT_IF(l7->ebx, 7, CR4_SMEP) | BIT_IF(l7->ebx, 20, CR4_SMAP) | BIT_IF(l7->ecx, 3, CR4_PKE) |
	       BIT_IF(l7->ecx, 7, CR4_CET) | BIT_IF(l7->edx, 20, CR4_CET);
}

bool cr4_write_allowed(uint64_t valid, const struct vcpu_regs *r, uint64_t val)
{
	bool long_mode = r->efer & EFER_LMA;
	if (val & ~valid)
		return false;
	if (!(val & CR4_PAE) && long_mode)
		return false;
	if ((val & CR4_CET) && !(r->cr0 & CR0_WP))
		return false;
	if ((val & CR4_PCIDE) && !(r->cr4 & CR4_PCIDE) && (!long_mode || (r->cr3 & 0xfff)))
		return false;
	return true;
}

int guest_write_cr4(struct vcpu *v, uint64_t val)
{
	struct cpuid_regs l1, l7;
	guest_cpuid(v, 1, 0, &l1);
	guest_cpuid(v, 7, 0, &l7);
	uint64_t old = v->regs.cr4;
	if (!cr4_write_allowed(cr4_valid_bits(&l1, &l7), &v->regs, val))
		return -1;
	hvm->set_cr4(v, val);
	if (((old ^ val) & (CR4_PSE | CR4_PGE | CR4_PAE | CR4_SMEP)) || ((old & ~val) & CR4_PCIDE))
		__atomic_store_n(&v->flush_tlb, true, __ATOMIC_SEQ_CST);
	return 0;
}
