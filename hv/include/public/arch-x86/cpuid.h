/* Follows Xen's public header xen/include/public/arch-x86/cpuid.h. */
/*
 * Xen's CPUID leaves.  They start at the first 0x100-aligned base from
 * 0x40000000 not taken by another interface (0x40000000 unless Viridian
 * is offered).  Leaf base+0: max leaf in EAX, "XenVMMXenVMM" in EBX:ECX:EDX;
 * base+1: version (major << 16 | minor); base+2: hypercall pages and the
 * MSR that installs one, PV feature bits; base+3: TSC mode and scaling
 * (sub-leaves 0-2); base+4: HVM feature bits in EAX, vCPU id in EBX,
 * domain id in ECX; base+5: PV machine address width.
 */
#ifndef BASTION_PUBLIC_ARCH_X86_CPUID_H
#define BASTION_PUBLIC_ARCH_X86_CPUID_H

#define XEN_CPUID_FIRST_LEAF 0x40000000
#define XEN_CPUID_LEAF(i)    (XEN_CPUID_FIRST_LEAF + (i))

/* Leaf base+0 */
#define XEN_CPUID_SIGNATURE_EBX 0x566e6558  /* "XenV" */
#define XEN_CPUID_SIGNATURE_ECX 0x65584d4d  /* "MMXe" */
#define XEN_CPUID_SIGNATURE_EDX 0x4d4d566e  /* "nVMM" */

/* Leaf base+2, ECX */
#define _XEN_CPUID_FEAT1_MMU_PT_UPDATE_PRESERVE_AD 0
#define XEN_CPUID_FEAT1_MMU_PT_UPDATE_PRESERVE_AD  (1u << 0)

/* Leaf base+3, sub-leaf 0, EAX */
#define XEN_CPUID_TSC_EMULATED       (1u << 0)
#define XEN_CPUID_HOST_TSC_RELIABLE  (1u << 1)
#define XEN_CPUID_RDTSCP_INSTR_AVAIL (1u << 2)
/* Leaf base+3, sub-leaf 0, EBX: TSC mode */
#define XEN_CPUID_TSC_MODE_DEFAULT        (0)
#define XEN_CPUID_TSC_MODE_ALWAYS_EMULATE (1u)
#define XEN_CPUID_TSC_MODE_NEVER_EMULATE  (2u)
#define XEN_CPUID_TSC_MODE_PVRDTSCP       (3u)

/* Leaf base+4, EAX */
#define XEN_HVM_CPUID_APIC_ACCESS_VIRT (1u << 0)  /* APIC register access virtualised */
#define XEN_HVM_CPUID_X2APIC_VIRT      (1u << 1)  /* x2APIC access virtualised */
#define XEN_HVM_CPUID_IOMMU_MAPPINGS   (1u << 2)  /* foreign maps have IOMMU entries */
#define XEN_HVM_CPUID_VCPU_ID_PRESENT  (1u << 3)  /* EBX holds the vCPU id */
#define XEN_HVM_CPUID_DOMID_PRESENT    (1u << 4)  /* ECX holds the domain id */
#define XEN_HVM_CPUID_EXT_DEST_ID      (1u << 5)  /* MSI address bits 11:5 extend the dest id */
#define XEN_HVM_CPUID_UPCALL_VECTOR    (1u << 6)  /* HVMOP_set_evtchn_upcall_vector works */

/* Leaf base+5, EBX */
#define XEN_CPUID_MACHINE_ADDRESS_WIDTH_MASK (0xffu << 0)

#define XEN_CPUID_MAX_NUM_LEAVES 5

#endif /* BASTION_PUBLIC_ARCH_X86_CPUID_H */
