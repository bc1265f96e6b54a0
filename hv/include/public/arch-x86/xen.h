/* Follows Xen's public header xen/include/public/arch-x86/xen.h (with xen-x86_64.h). */
/*
 * The x86-64 pieces of the guest ABI that the generic headers build on:
 * the width of a frame number and of a "machine word", the per-vCPU and
 * per-domain architecture areas embedded in vcpu_info and shared_info,
 * the guest handle, and what domctl/sysctl add for x86 (a domain's arch
 * configuration, serialised CPUID and MSR policy entries).  On x86-64 a
 * guest handle is a 64-bit guest virtual address (the hypervisor
 * translates it through the caller's page tables),
 * so it is kept here as a plain integer: structures copied from a guest
 * hold no host pointers.  Sizes and offsets are pinned to the values Xen's
 * headers give for an LP64 build.
 */
#ifndef BASTION_PUBLIC_ARCH_X86_XEN_H
#define BASTION_PUBLIC_ARCH_X86_XEN_H

#include <stddef.h>
#include <stdint.h>

/* A guest virtual address standing for Xen's XEN_GUEST_HANDLE(type). */
typedef uint64_t xen_guest_handle_t;
#define XEN_GUEST_HANDLE(type) xen_guest_handle_t
#define XEN_GUEST_HANDLE_64(type) xen_guest_handle_t

/* "unsigned long" in Xen's x86-64 headers: always 64 bits here. */
typedef uint64_t xen_pfn_t;
typedef uint64_t xen_ulong_t;

#define PRI_xen_pfn "lx"
#define PRI_xen_ulong "lx"

/* Slots for vcpu_info inside shared_info (vCPUs beyond register their own). */
#define XEN_LEGACY_MAX_VCPUS 32

/* The PV hypervisor hole a 64-bit PV kernel must leave (ELF note HV_START_LOW). */
#define __HYPERVISOR_VIRT_START 0xFFFF800000000000ULL
#define __HYPERVISOR_VIRT_END   0xFFFF880000000000ULL

/* struct arch_vcpu_info: 16 bytes at the end of the event part of vcpu_info. */
struct arch_vcpu_info {
    uint64_t cr2;   /* PV page-fault address; unused by HVM/PVH */
    uint64_t pad;
};
typedef struct arch_vcpu_info arch_vcpu_info_t;

/* struct arch_shared_info: the PV p2m description; all zero for PVH. */
struct arch_shared_info {
    uint64_t max_pfn;
    xen_pfn_t pfn_to_mfn_frame_list_list;
    uint64_t nmi_reason;
    uint64_t p2m_cr3;
    uint64_t p2m_vaddr;
    uint64_t p2m_generation;
};
typedef struct arch_shared_info arch_shared_info_t;

/* xen_arch_domainconfig.emulation_flags: devices Xen emulates for the domain. */
#define XEN_X86_EMU_LAPIC    (1U << 0)
#define XEN_X86_EMU_HPET     (1U << 1)
#define XEN_X86_EMU_PM       (1U << 2)   /* ACPI PM timer and PM1 registers */
#define XEN_X86_EMU_RTC      (1U << 3)
#define XEN_X86_EMU_IOAPIC   (1U << 4)
#define XEN_X86_EMU_PIC      (1U << 5)
#define XEN_X86_EMU_VGA      (1U << 6)
#define XEN_X86_EMU_IOMMU    (1U << 7)
#define XEN_X86_EMU_PIT      (1U << 8)
#define XEN_X86_EMU_USE_PIRQ (1U << 9)   /* HVM guest may route GSIs/MSIs to evtchns */
#define XEN_X86_EMU_VPCI     (1U << 10)
#define XEN_X86_EMU_ALL      0x7FFU     /* every bit above: a full HVM guest */

/* xen_arch_domainconfig.misc_flags */
#define XEN_X86_MSR_RELAXED    (1U << 0)  /* unknown MSR reads give 0, not #GP */
#define XEN_X86_MISC_FLAGS_MAX XEN_X86_MSR_RELAXED

/* The x86 part of domctl createdomain (and of getdomaininfo's output). */
struct xen_arch_domainconfig {
    uint32_t emulation_flags;   /* XEN_X86_EMU_*; PVH: LAPIC only, or none */
    uint32_t misc_flags;        /* XEN_X86_MSR_RELAXED */
};
typedef struct xen_arch_domainconfig xen_arch_domainconfig_t;

/* One CPUID leaf of a serialised policy (domctl/sysctl cpu_policy). */
#define XEN_CPUID_NO_SUBLEAF 0xFFFFFFFFU  /* subleaf of a leaf without subleaves */
struct xen_cpuid_leaf {
    uint32_t leaf, subleaf;
    uint32_t a, b, c, d;        /* EAX, EBX, ECX, EDX */
};
typedef struct xen_cpuid_leaf xen_cpuid_leaf_t;

/* One MSR of a serialised policy. */
struct xen_msr_entry {
    uint32_t idx;               /* MSR index */
    uint32_t flags;             /* must be zero */
    uint64_t val;
};
typedef struct xen_msr_entry xen_msr_entry_t;

_Static_assert(sizeof(xen_guest_handle_t) == 8, "guest handle is 8 bytes");
_Static_assert(sizeof(struct arch_vcpu_info) == 16, "arch_vcpu_info size");
_Static_assert(offsetof(struct arch_vcpu_info, pad) == 8, "arch_vcpu_info.pad");
_Static_assert(sizeof(struct arch_shared_info) == 48, "arch_shared_info size");
_Static_assert(offsetof(struct arch_shared_info, pfn_to_mfn_frame_list_list) == 8,
               "arch_shared_info.pfn_to_mfn_frame_list_list");
_Static_assert(offsetof(struct arch_shared_info, nmi_reason) == 16, "arch_shared_info.nmi_reason");
_Static_assert(offsetof(struct arch_shared_info, p2m_cr3) == 24, "arch_shared_info.p2m_cr3");
_Static_assert(offsetof(struct arch_shared_info, p2m_vaddr) == 32, "arch_shared_info.p2m_vaddr");
_Static_assert(offsetof(struct arch_shared_info, p2m_generation) == 40,
               "arch_shared_info.p2m_generation");
_Static_assert(sizeof(struct xen_arch_domainconfig) == 8, "xen_arch_domainconfig size");
_Static_assert(offsetof(struct xen_arch_domainconfig, misc_flags) == 4,
               "xen_arch_domainconfig.misc_flags");
_Static_assert(sizeof(struct xen_cpuid_leaf) == 24, "xen_cpuid_leaf size");
_Static_assert(offsetof(struct xen_cpuid_leaf, subleaf) == 4, "xen_cpuid_leaf.subleaf");
_Static_assert(offsetof(struct xen_cpuid_leaf, a) == 8, "xen_cpuid_leaf.a");
_Static_assert(offsetof(struct xen_cpuid_leaf, d) == 20, "xen_cpuid_leaf.d");
_Static_assert(sizeof(struct xen_msr_entry) == 16, "xen_msr_entry size");
_Static_assert(offsetof(struct xen_msr_entry, flags) == 4, "xen_msr_entry.flags");
_Static_assert(offsetof(struct xen_msr_entry, val) == 8, "xen_msr_entry.val");

#endif /* BASTION_PUBLIC_ARCH_X86_XEN_H */
