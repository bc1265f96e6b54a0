/*
 * The CPUID a guest sees: the host's own leaves (real vendor: Linux picks
 * VMMCALL or VMCALL from it) with what we do not virtualise removed
 * (SVM/VMX, MONITOR, MCE/MCA, MTRR, TSC-deadline, perf counters, SME/SEV,
 * XSAVES; x2APIC set because the virtual APIC speaks it), the hypervisor
 * bit, and Xen's leaves at 0x40000000 (public/arch-x86/cpuid.h): the
 * domain's policy (cpu_policy.c serialises it for the toolstack, which
 * may narrow it), then what depends on the vCPU: its APIC ID and the
 * OSXSAVE/OSPKE bits that mirror its CR4.
 */
#include "domain.h"
#include "x86/guest_cpu.h"
#include "x86/cpu_policy.h"
#include "x86/vcpu_switch.h"
#include "public/arch-x86/cpuid.h"

#define XEN_LEAF_BASE 0x40000000
#define XEN_VERSION_MAJOR 4
#define XEN_VERSION_MINOR 17
#define MSR_HYPERCALL_PAGE 0x40000000

/* Xen's leaves; the vCPU id (leaf 4) is filled in per vCPU. */
static void xen_leaves(unsigned domid, uint32_t leaf, struct cpuid_regs *r)
{
	*r = (struct cpuid_regs){ 0 };
	switch (leaf - XEN_LEAF_BASE) {
	case 0:
		r->eax = XEN_LEAF_BASE + 5;
		r->ebx = XEN_CPUID_SIGNATURE_EBX;
		r->ecx = XEN_CPUID_SIGNATURE_ECX;
		r->edx = XEN_CPUID_SIGNATURE_EDX;
		break;
	case 1:
		r->eax = XEN_VERSION_MAJOR << 16 | XEN_VERSION_MINOR;
		break;
	case 2:
		r->eax = 1; /* hypercall pages */
		r->ebx = MSR_HYPERCALL_PAGE;
		break;
	case 4:
		r->eax = XEN_HVM_CPUID_VCPU_ID_PRESENT | XEN_HVM_CPUID_DOMID_PRESENT |
			 XEN_HVM_CPUID_IOMMU_MAPPINGS;
		r->ecx = domid;
		break;
	}
}

/* XSAVE: the components guests may enable (vcpu_switch.c); XSAVES needs
 * the IA32_XSS MSR, which is not offered. */
static void xsave_leaf(uint32_t subleaf, struct cpuid_regs *r)
{
	if (subleaf == 0) {
		r->eax &= (uint32_t)xcr0_offered;
		r->edx &= (uint32_t)(xcr0_offered >> 32);
	} else if (subleaf == 1) {
		r->eax &= ~(1u << 3);
	} else if (subleaf >= 64 || !((xcr0_offered >> subleaf) & 1)) {
		*r = (struct cpuid_regs){ 0 };
	}
}

static void adjust_leaf1(unsigned nr_vcpus, struct cpuid_regs *r)
{
	r->ebx = (r->ebx & 0x0000ffff) | (MIN(2 * nr_vcpus, 255u) << 16); /* APIC IDs are 2 x vCPU id */
	r->ecx &= ~((1u << 3) | (1u << 5) | (1u << 24) | (1u << 27)); /* MONITOR, VMX, TSC-deadline, OSXSAVE */
	r->ecx |= (1u << 21) | (1u << 31);               /* x2APIC, hypervisor */
	r->edx &= ~((1u << 7) | (1u << 12) | (1u << 14)); /* MCE, MTRR, MCA */
	r->edx |= (1u << 9) | (1u << 28);                /* APIC, HTT (logical count) */
}

void cpuid_policy_leaf(const struct domain *d, uint32_t leaf, uint32_t subleaf, struct cpuid_regs *r)
{
	unsigned nr_vcpus = d ? d->max_vcpus : 1;
	if (leaf >= XEN_LEAF_BASE && leaf < XEN_LEAF_BASE + 0x10000) {
		xen_leaves(d ? d->domid : 0, leaf, r);
		return;
	}
	cpuid_count(leaf, subleaf, r);
	switch (leaf) {
	case 1:
		adjust_leaf1(nr_vcpus, r);
		break;
	case 5: /* MONITOR/MWAIT: not offered */
	case 6: /* thermal and power: ours, not the guest's */
		*r = (struct cpuid_regs){ 0 };
		break;
	case 0xb: /* x2APIC topology: one thread per core (APIC ID bit 0), every vCPU a core */
		r->eax = subleaf == 0 ? 1 : subleaf == 1 ? 6 : 0;
		r->ebx = subleaf == 0 ? 1 : subleaf == 1 ? nr_vcpus : 0;
		r->ecx = (subleaf & 0xff) | (subleaf == 0 ? 1u << 8 : subleaf == 1 ? 2u << 8 : 0);
		r->edx = 0;
		break;
	case 7:
		if (subleaf == 0) { /* OSPKE mirrors the guest's CR4.PKE; bus-lock
				     * detect would let DEBUGCTL bit 2 be set, which
				     * guest_msr.c does not offer; CET (shadow stacks,
				     * IBT) is not offered, as on Xen 4.17 */
			r->ecx &= ~((1u << 4) | (1u << 24) | (1u << 7));
			r->edx &= ~(1u << 20);
		}
		break;
	case 0xd:
		xsave_leaf(subleaf, r);
		break;
	case 0x8000001f: /* memory encryption (SME/SEV): not offered; Linux would
			  * otherwise read its status MSR before it has an IDT */
	case 0x80000021: /* newer AMD features (AutoIBRS, ...) need EFER bits we refuse */
		*r = (struct cpuid_regs){ 0 };
		break;
	case 0x80000001:
		r->ecx &= ~((1u << 2) | (1u << 23) | (1u << 29)); /* SVM, perfctr_core, MWAITX */
		break;
	case 0x8000000a: /* no nested virtualization */
		*r = (struct cpuid_regs){ 0 };
		break;
	}
}

void guest_cpuid(struct vcpu *v, uint32_t leaf, uint32_t subleaf, struct cpuid_regs *r)
{
	if (!cpuid_set_leaf(v->d, leaf, subleaf, r))
		cpuid_policy_leaf(v->d, leaf, subleaf, r);
	/* What depends on the vCPU and the state the guest put it in. */
	switch (leaf) {
	case 1:
		r->ebx = (r->ebx & 0x00ffffff) | (v->vlapic.apic_id << 24);
		r->ecx &= ~(1u << 27);
		if (v->regs.cr4 & (1u << 18))
			r->ecx |= 1u << 27; /* OSXSAVE */
		break;
	case 7:
		if (subleaf == 0)
			r->ecx = (r->ecx & ~(1u << 4)) | ((v->regs.cr4 >> 22 & 1) << 4); /* OSPKE */
		break;
	case 0xb:
		r->edx = v->vlapic.apic_id;
		break;
	case XEN_LEAF_BASE + 4:
		r->ebx = v->vcpu_id;
		break;
	}
}
