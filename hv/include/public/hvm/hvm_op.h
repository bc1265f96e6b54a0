/* Follows Xen's public header xen/include/public/hvm/hvm_op.h. */
/*
 * hvm_op(op, arg): operations for HVM and PVH guests.  The ones a PVH
 * kernel uses are reading and writing HVM parameters (hvm/params.h: the
 * event-delivery callback, xenstore and console pages), announcing that a
 * page table is going away, and choosing a per-vCPU upcall vector.
 */
#ifndef BASTION_PUBLIC_HVM_HVM_OP_H
#define BASTION_PUBLIC_HVM_HVM_OP_H

#include <stddef.h>
#include <stdint.h>

#include "../xen.h"

#define HVMOP_set_param                 0
#define HVMOP_get_param                 1
#define HVMOP_set_pci_intx_level        2
#define HVMOP_set_isa_irq_level         3
#define HVMOP_set_pci_link_route        4
#define HVMOP_flush_tlbs                5
#define HVMOP_pagetable_dying           9
#define HVMOP_get_time                 10
#define HVMOP_xentrace                 11
#define HVMOP_set_mem_access           12
#define HVMOP_get_mem_access           13
#define HVMOP_get_mem_type             15
#define HVMOP_set_evtchn_upcall_vector 23
#define HVMOP_guest_request_vm_event   24
#define HVMOP_altp2m                   25

struct xen_hvm_param {
    domid_t domid;      /* in */
    uint16_t pad;
    uint32_t index;     /* in: HVM_PARAM_* */
    uint64_t value;     /* in (set) / out (get) */
};
typedef struct xen_hvm_param xen_hvm_param_t;

struct xen_hvm_pagetable_dying {
    domid_t domid;
    uint16_t pad[3];
    uint64_t gpa;       /* the top-level page table being torn down */
};
typedef struct xen_hvm_pagetable_dying xen_hvm_pagetable_dying_t;

struct xen_hvm_get_time {
    uint64_t now;       /* out: system time in ns */
};
typedef struct xen_hvm_get_time xen_hvm_get_time_t;

/* xen_hvm_get_mem_type.mem_type */
#define HVMMEM_ram_rw        0
#define HVMMEM_ram_ro        1
#define HVMMEM_mmio_dm       2
#define HVMMEM_unused        3   /* was mmio_write_dm before 4.7 */
#define HVMMEM_ioreq_server  4

struct xen_hvm_get_mem_type {
    domid_t domid;
    uint16_t mem_type;  /* out: HVMMEM_* */
    uint16_t pad[2];
    uint64_t pfn;       /* in */
};
typedef struct xen_hvm_get_mem_type xen_hvm_get_mem_type_t;

/* Deliver this vCPU's event upcalls on `vector` (the guest EOIs its LAPIC). */
struct xen_hvm_evtchn_upcall_vector {
    uint32_t vcpu;
    uint8_t vector;
};
typedef struct xen_hvm_evtchn_upcall_vector xen_hvm_evtchn_upcall_vector_t;

_Static_assert(sizeof(struct xen_hvm_param) == 16, "xen_hvm_param size");
_Static_assert(offsetof(struct xen_hvm_param, index) == 4, "xen_hvm_param.index");
_Static_assert(offsetof(struct xen_hvm_param, value) == 8, "xen_hvm_param.value");
_Static_assert(sizeof(struct xen_hvm_pagetable_dying) == 16, "xen_hvm_pagetable_dying size");
_Static_assert(offsetof(struct xen_hvm_pagetable_dying, gpa) == 8, "xen_hvm_pagetable_dying.gpa");
_Static_assert(sizeof(struct xen_hvm_get_time) == 8, "xen_hvm_get_time size");
_Static_assert(sizeof(struct xen_hvm_get_mem_type) == 16, "xen_hvm_get_mem_type size");
_Static_assert(offsetof(struct xen_hvm_get_mem_type, mem_type) == 2, "xen_hvm_get_mem_type.mem_type");
_Static_assert(offsetof(struct xen_hvm_get_mem_type, pfn) == 8, "xen_hvm_get_mem_type.pfn");
_Static_assert(sizeof(struct xen_hvm_evtchn_upcall_vector) == 8, "xen_hvm_evtchn_upcall_vector size");
_Static_assert(offsetof(struct xen_hvm_evtchn_upcall_vector, vector) == 4,
               "xen_hvm_evtchn_upcall_vector.vector");

#endif /* BASTION_PUBLIC_HVM_HVM_OP_H */
