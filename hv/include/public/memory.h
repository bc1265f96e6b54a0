/* Follows Xen's public header xen/include/public/memory.h. */
/*
 * memory_op(cmd, arg): changing a domain's reservation (balloon,
 * populate), placing hypervisor pages into the guest-physical map
 * (XENMEM_add_to_physmap: shared_info, grant frames), removing them, and
 * reading the guest's E820 map (XENMEM_memory_map, whose buffer holds
 * 20-byte packed entries: u64 addr, u64 size, u32 type).  Frame numbers
 * here are GFNs for an auto-translated (HVM/PVH) guest; handles are guest
 * virtual addresses.
 */
#ifndef BASTION_PUBLIC_MEMORY_H
#define BASTION_PUBLIC_MEMORY_H

#include <stddef.h>
#include <stdint.h>

#include "xen.h"

#define XENMEM_increase_reservation       0
#define XENMEM_decrease_reservation       1
#define XENMEM_maximum_ram_page           2
#define XENMEM_current_reservation        3
#define XENMEM_maximum_reservation        4
#define XENMEM_machphys_mfn_list          5
#define XENMEM_populate_physmap           6
#define XENMEM_add_to_physmap             7
#define XENMEM_memory_map                 9
#define XENMEM_machine_memory_map        10
#define XENMEM_exchange                  11
#define XENMEM_machphys_mapping          12
#define XENMEM_set_memory_map            13
#define XENMEM_maximum_gpfn              14
#define XENMEM_remove_from_physmap       15
#define XENMEM_set_pod_target            16
#define XENMEM_get_pod_target            17
#define XENMEM_get_sharing_freed_pages   18
#define XENMEM_get_sharing_shared_pages  19
#define XENMEM_paging_op                 20
#define XENMEM_access_op                 21
#define XENMEM_sharing_op                22
#define XENMEM_add_to_physmap_batch      23
#define XENMEM_claim_pages               24
#define XENMEM_machphys_compat_mfn_list  25
#define XENMEM_get_vnumainfo             26
#define XENMEM_reserved_device_memory_map 27
#define XENMEM_acquire_resource          28

/* xen_memory_reservation.mem_flags */
#define XENMEMF_address_bits(x)     (x)
#define XENMEMF_get_address_bits(x) ((x) & 0xffu)
#define XENMEMF_node(x)             (((x) + 1) << 8)
#define XENMEMF_get_node(x)         ((((x) >> 8) - 1) & 0xffu)
#define XENMEMF_populate_on_demand  (1 << 16)
#define XENMEMF_exact_node_request  (1 << 17)
#define XENMEMF_vnode               (1 << 18)

/* Address spaces for add_to_physmap (xen_add_to_physmap.space). */
#define XENMAPSPACE_shared_info   0  /* idx 0: the shared_info page */
#define XENMAPSPACE_grant_table   1  /* idx: grant frame (| status bit) */
#define XENMAPSPACE_gmfn          2  /* move one of the guest's own frames */
#define XENMAPSPACE_gmfn_range    3  /* as gmfn, `size` frames */
#define XENMAPSPACE_gmfn_foreign  4  /* batch only: another domain's frame */
#define XENMAPSPACE_dev_mmio      5  /* device MMIO (Arm) */

/* Set in idx with XENMAPSPACE_grant_table: map a v2 status frame. */
#define XENMAPIDX_grant_table_status 0x80000000U

/* Resource types and ids for XENMEM_acquire_resource. */
#define XENMEM_resource_ioreq_server            0
#define XENMEM_resource_grant_table             1
#define XENMEM_resource_vmtrace_buf             2
#define XENMEM_resource_grant_table_id_shared   0
#define XENMEM_resource_grant_table_id_status   1
#define XENMEM_resource_ioreq_server_frame_bufioreq 0
#define XENMEM_resource_ioreq_server_frame_ioreq(n) (1 + (n))

struct xen_memory_reservation {
    XEN_GUEST_HANDLE(xen_pfn_t) extent_start;  /* GVA of the frame list */
    xen_ulong_t nr_extents;
    uint32_t extent_order;
    uint32_t mem_flags;                        /* XENMEMF_* */
    domid_t domid;
};
typedef struct xen_memory_reservation xen_memory_reservation_t;

struct xen_add_to_physmap {
    domid_t domid;
    uint16_t size;        /* frames, for XENMAPSPACE_gmfn_range */
    uint32_t space;       /* XENMAPSPACE_* */
    xen_ulong_t idx;      /* index within the space */
    xen_pfn_t gpfn;       /* where it goes in the guest-physical map */
};
typedef struct xen_add_to_physmap xen_add_to_physmap_t;

struct xen_add_to_physmap_batch {
    domid_t domid;
    uint16_t space;
    uint16_t size;
    union xen_add_to_physmap_batch_extra {
        domid_t foreign_domid;  /* XENMAPSPACE_gmfn_foreign */
        uint16_t res0;          /* other spaces: 0 */
    } u;
    XEN_GUEST_HANDLE(xen_ulong_t) idxs;
    XEN_GUEST_HANDLE(xen_pfn_t) gpfns;
    XEN_GUEST_HANDLE(int) errs;   /* per-entry results */
};
typedef struct xen_add_to_physmap_batch xen_add_to_physmap_batch_t;

struct xen_remove_from_physmap {
    domid_t domid;
    xen_pfn_t gpfn;
};
typedef struct xen_remove_from_physmap xen_remove_from_physmap_t;

struct xen_memory_map {
    uint32_t nr_entries;               /* in: capacity; out: entries written */
    XEN_GUEST_HANDLE(void) buffer;     /* GVA of 20-byte E820 entries */
};
typedef struct xen_memory_map xen_memory_map_t;

struct xen_foreign_memory_map {
    domid_t domid;
    struct xen_memory_map map;
};
typedef struct xen_foreign_memory_map xen_foreign_memory_map_t;

struct xen_mem_acquire_resource {
    domid_t domid;
    uint16_t type;        /* XENMEM_resource_* */
    uint32_t id;
    uint32_t nr_frames;   /* in: frames wanted; out: frames given */
    uint32_t pad;
    uint64_t frame;       /* first frame within the resource */
    XEN_GUEST_HANDLE(xen_pfn_t) frame_list;
};
typedef struct xen_mem_acquire_resource xen_mem_acquire_resource_t;

_Static_assert(sizeof(struct xen_memory_reservation) == 32, "xen_memory_reservation size");
_Static_assert(offsetof(struct xen_memory_reservation, nr_extents) == 8,
               "xen_memory_reservation.nr_extents");
_Static_assert(offsetof(struct xen_memory_reservation, extent_order) == 16,
               "xen_memory_reservation.extent_order");
_Static_assert(offsetof(struct xen_memory_reservation, mem_flags) == 20,
               "xen_memory_reservation.mem_flags");
_Static_assert(offsetof(struct xen_memory_reservation, domid) == 24, "xen_memory_reservation.domid");

_Static_assert(sizeof(struct xen_add_to_physmap) == 24, "xen_add_to_physmap size");
_Static_assert(offsetof(struct xen_add_to_physmap, size) == 2, "xen_add_to_physmap.size");
_Static_assert(offsetof(struct xen_add_to_physmap, space) == 4, "xen_add_to_physmap.space");
_Static_assert(offsetof(struct xen_add_to_physmap, idx) == 8, "xen_add_to_physmap.idx");
_Static_assert(offsetof(struct xen_add_to_physmap, gpfn) == 16, "xen_add_to_physmap.gpfn");

_Static_assert(sizeof(struct xen_add_to_physmap_batch) == 32, "xen_add_to_physmap_batch size");
_Static_assert(offsetof(struct xen_add_to_physmap_batch, u) == 6, "xen_add_to_physmap_batch.u");
_Static_assert(offsetof(struct xen_add_to_physmap_batch, idxs) == 8,
               "xen_add_to_physmap_batch.idxs");
_Static_assert(offsetof(struct xen_add_to_physmap_batch, gpfns) == 16,
               "xen_add_to_physmap_batch.gpfns");
_Static_assert(offsetof(struct xen_add_to_physmap_batch, errs) == 24,
               "xen_add_to_physmap_batch.errs");

_Static_assert(sizeof(struct xen_remove_from_physmap) == 16, "xen_remove_from_physmap size");
_Static_assert(offsetof(struct xen_remove_from_physmap, gpfn) == 8, "xen_remove_from_physmap.gpfn");

_Static_assert(sizeof(struct xen_memory_map) == 16, "xen_memory_map size");
_Static_assert(offsetof(struct xen_memory_map, buffer) == 8, "xen_memory_map.buffer");
_Static_assert(sizeof(struct xen_foreign_memory_map) == 24, "xen_foreign_memory_map size");
_Static_assert(offsetof(struct xen_foreign_memory_map, map) == 8, "xen_foreign_memory_map.map");

_Static_assert(sizeof(struct xen_mem_acquire_resource) == 32, "xen_mem_acquire_resource size");
_Static_assert(offsetof(struct xen_mem_acquire_resource, id) == 4, "xen_mem_acquire_resource.id");
_Static_assert(offsetof(struct xen_mem_acquire_resource, nr_frames) == 8,
               "xen_mem_acquire_resource.nr_frames");
_Static_assert(offsetof(struct xen_mem_acquire_resource, frame) == 16,
               "xen_mem_acquire_resource.frame");
_Static_assert(offsetof(struct xen_mem_acquire_resource, frame_list) == 24,
               "xen_mem_acquire_resource.frame_list");

#endif /* BASTION_PUBLIC_MEMORY_H */
