/* Follows Xen's public header xen/include/public/arch-x86/xen.h (with xen-x86_64.h). */
/*
 * The x86-64 pieces of the guest ABI that the generic headers build on:
 * the width of a frame number and of a "machine word", the per-vCPU and
 * per-domain architecture areas embedded in vcpu_info and shared_info, and
 * the guest handle.  On x86-64 a guest handle is a 64-bit guest virtual
 * address (the hypervisor translates it through the caller's page tables),
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

#endif /* BASTION_PUBLIC_ARCH_X86_XEN_H */
