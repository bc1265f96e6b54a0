/* Follows Xen's public header xen/include/public/grant_table.h. */
/*
 * Grant tables: a domain grants another access to one of its frames by
 * filling an entry of its grant table (v1: 8-byte grant_entry_v1; v2:
 * 16-byte grant_entry_v2 plus a separate status array), and the other
 * domain maps or copies through grant_table_op(cmd, uop, count), where uop
 * is a guest virtual address of `count` structures of the sub-op's type.
 * An auto-translated guest places the table's frames itself with
 * XENMEM_add_to_physmap(XENMAPSPACE_grant_table).  Per-op results are
 * GNTST_* codes in each structure's status field.
 */
#ifndef BASTION_PUBLIC_GRANT_TABLE_H
#define BASTION_PUBLIC_GRANT_TABLE_H

#include <stddef.h>
#include <stdint.h>

#include "xen.h"

typedef uint32_t grant_ref_t;
typedef uint32_t grant_handle_t;
typedef uint16_t grant_status_t;

/* Entries the toolstack reserves in every table. */
#define GNTTAB_NR_RESERVED_ENTRIES 8
#define GNTTAB_RESERVED_CONSOLE    0
#define GNTTAB_RESERVED_XENSTORE   1

struct grant_entry_v1 {
    uint16_t flags;     /* GTF_* */
    domid_t domid;      /* who may use the grant */
    uint32_t frame;     /* the granted frame (GFN) */
};
typedef struct grant_entry_v1 grant_entry_v1_t;

/* grant_entry flags: type in bits 0-1, then modifiers. */
#define GTF_invalid          (0U << 0)
#define GTF_permit_access    (1U << 0)
#define GTF_accept_transfer  (2U << 0)
#define GTF_transitive       (3U << 0)
#define GTF_type_mask        (3U << 0)
#define _GTF_readonly        (2)
#define GTF_readonly         (1U << _GTF_readonly)
#define _GTF_reading         (3)
#define GTF_reading          (1U << _GTF_reading)
#define _GTF_writing         (4)
#define GTF_writing          (1U << _GTF_writing)
#define _GTF_PWT             (5)
#define GTF_PWT              (1U << _GTF_PWT)
#define _GTF_PCD             (6)
#define GTF_PCD              (1U << _GTF_PCD)
#define _GTF_PAT             (7)
#define GTF_PAT              (1U << _GTF_PAT)
#define _GTF_sub_page        (8)
#define GTF_sub_page         (1U << _GTF_sub_page)
#define _GTF_transfer_committed (2)
#define GTF_transfer_committed  (1U << _GTF_transfer_committed)
#define _GTF_transfer_completed (3)
#define GTF_transfer_completed  (1U << _GTF_transfer_completed)

struct grant_entry_header {
    uint16_t flags;
    domid_t domid;
};
typedef struct grant_entry_header grant_entry_header_t;

union grant_entry_v2 {
    grant_entry_header_t hdr;
    struct {
        grant_entry_header_t hdr;
        uint32_t pad0;
        uint64_t frame;
    } full_page;
    struct {
        grant_entry_header_t hdr;
        uint16_t page_off;
        uint16_t length;
        uint64_t frame;
    } sub_page;
    struct {
        grant_entry_header_t hdr;
        domid_t trans_domid;
        uint16_t pad0;
        grant_ref_t gref;
    } transitive;
    uint32_t __spacer[4];
};
typedef union grant_entry_v2 grant_entry_v2_t;

#define GNTTABOP_map_grant_ref       0
#define GNTTABOP_unmap_grant_ref     1
#define GNTTABOP_setup_table         2
#define GNTTABOP_dump_table          3
#define GNTTABOP_transfer            4
#define GNTTABOP_copy                5
#define GNTTABOP_query_size          6
#define GNTTABOP_unmap_and_replace   7
#define GNTTABOP_set_version         8
#define GNTTABOP_get_status_frames   9
#define GNTTABOP_get_version        10
#define GNTTABOP_swap_grant_ref     11
#define GNTTABOP_cache_flush        12

/* gnttab_map_grant_ref.flags */
#define _GNTMAP_device_map       (0)
#define GNTMAP_device_map        (1 << _GNTMAP_device_map)
#define _GNTMAP_host_map         (1)
#define GNTMAP_host_map          (1 << _GNTMAP_host_map)
#define _GNTMAP_readonly         (2)
#define GNTMAP_readonly          (1 << _GNTMAP_readonly)
#define _GNTMAP_application_map  (3)
#define GNTMAP_application_map   (1 << _GNTMAP_application_map)
#define _GNTMAP_contains_pte     (4)
#define GNTMAP_contains_pte      (1 << _GNTMAP_contains_pte)
#define _GNTMAP_guest_avail0     (16)
#define GNTMAP_guest_avail_mask  ((uint32_t)~0 << _GNTMAP_guest_avail0)

/* gnttab_copy.flags */
#define _GNTCOPY_source_gref (0)
#define GNTCOPY_source_gref  (1 << _GNTCOPY_source_gref)
#define _GNTCOPY_dest_gref   (1)
#define GNTCOPY_dest_gref    (1 << _GNTCOPY_dest_gref)

/* Per-operation status codes. */
#define GNTST_okay               (0)
#define GNTST_general_error      (-1)
#define GNTST_bad_domain         (-2)
#define GNTST_bad_gntref         (-3)
#define GNTST_bad_handle         (-4)
#define GNTST_bad_virt_addr      (-5)
#define GNTST_bad_dev_addr       (-6)
#define GNTST_no_device_space    (-7)
#define GNTST_permission_denied  (-8)
#define GNTST_bad_page           (-9)
#define GNTST_bad_copy_arg      (-10)
#define GNTST_address_too_big   (-11)
#define GNTST_eagain            (-12)
#define GNTST_no_space          (-13)

struct gnttab_map_grant_ref {
    uint64_t host_addr;      /* in: GPA (HVM) where to map */
    uint32_t flags;          /* in: GNTMAP_* */
    grant_ref_t ref;         /* in */
    domid_t dom;             /* in: granting domain */
    int16_t status;          /* out: GNTST_* */
    grant_handle_t handle;   /* out */
    uint64_t dev_bus_addr;   /* out */
};
typedef struct gnttab_map_grant_ref gnttab_map_grant_ref_t;

struct gnttab_unmap_grant_ref {
    uint64_t host_addr;
    uint64_t dev_bus_addr;
    grant_handle_t handle;
    int16_t status;          /* out */
};
typedef struct gnttab_unmap_grant_ref gnttab_unmap_grant_ref_t;

struct gnttab_setup_table {
    domid_t dom;
    uint32_t nr_frames;
    int16_t status;                          /* out */
    XEN_GUEST_HANDLE(xen_pfn_t) frame_list;  /* out: the frames */
};
typedef struct gnttab_setup_table gnttab_setup_table_t;

struct gnttab_copy {
    struct gnttab_copy_ptr {
        union {
            grant_ref_t ref;   /* with GNTCOPY_*_gref */
            xen_pfn_t gmfn;    /* otherwise: the caller's own frame */
        } u;
        domid_t domid;
        uint16_t offset;
    } source, dest;
    uint16_t len;
    uint16_t flags;          /* GNTCOPY_* */
    int16_t status;          /* out */
};
typedef struct gnttab_copy gnttab_copy_t;

struct gnttab_query_size {
    domid_t dom;
    uint32_t nr_frames;      /* out */
    uint32_t max_nr_frames;  /* out */
    int16_t status;          /* out */
};
typedef struct gnttab_query_size gnttab_query_size_t;

struct gnttab_set_version {
    uint32_t version;        /* in: 1 or 2; out: the version in force */
};
typedef struct gnttab_set_version gnttab_set_version_t;

struct gnttab_get_status_frames {
    uint32_t nr_frames;
    domid_t dom;
    int16_t status;                          /* out */
    XEN_GUEST_HANDLE(uint64_t) frame_list;
};
typedef struct gnttab_get_status_frames gnttab_get_status_frames_t;

struct gnttab_get_version {
    domid_t dom;
    uint16_t pad;
    uint32_t version;        /* out */
};
typedef struct gnttab_get_version gnttab_get_version_t;

_Static_assert(sizeof(struct grant_entry_v1) == 8, "grant_entry_v1 size");
_Static_assert(offsetof(struct grant_entry_v1, domid) == 2, "grant_entry_v1.domid");
_Static_assert(offsetof(struct grant_entry_v1, frame) == 4, "grant_entry_v1.frame");
_Static_assert(sizeof(union grant_entry_v2) == 16, "grant_entry_v2 size");
_Static_assert(offsetof(union grant_entry_v2, full_page.frame) == 8, "grant_entry_v2.full_page.frame");
_Static_assert(offsetof(union grant_entry_v2, sub_page.length) == 6, "grant_entry_v2.sub_page.length");
_Static_assert(offsetof(union grant_entry_v2, transitive.gref) == 8, "grant_entry_v2.transitive.gref");
_Static_assert(sizeof(struct gnttab_map_grant_ref) == 32, "gnttab_map_grant_ref size");
_Static_assert(offsetof(struct gnttab_map_grant_ref, flags) == 8, "gnttab_map_grant_ref.flags");
_Static_assert(offsetof(struct gnttab_map_grant_ref, ref) == 12, "gnttab_map_grant_ref.ref");
_Static_assert(offsetof(struct gnttab_map_grant_ref, dom) == 16, "gnttab_map_grant_ref.dom");
_Static_assert(offsetof(struct gnttab_map_grant_ref, status) == 18, "gnttab_map_grant_ref.status");
_Static_assert(offsetof(struct gnttab_map_grant_ref, handle) == 20, "gnttab_map_grant_ref.handle");
_Static_assert(offsetof(struct gnttab_map_grant_ref, dev_bus_addr) == 24,
               "gnttab_map_grant_ref.dev_bus_addr");
_Static_assert(sizeof(struct gnttab_unmap_grant_ref) == 24, "gnttab_unmap_grant_ref size");
_Static_assert(offsetof(struct gnttab_unmap_grant_ref, handle) == 16, "gnttab_unmap_grant_ref.handle");
_Static_assert(offsetof(struct gnttab_unmap_grant_ref, status) == 20, "gnttab_unmap_grant_ref.status");
_Static_assert(sizeof(struct gnttab_setup_table) == 24, "gnttab_setup_table size");
_Static_assert(offsetof(struct gnttab_setup_table, nr_frames) == 4, "gnttab_setup_table.nr_frames");
_Static_assert(offsetof(struct gnttab_setup_table, status) == 8, "gnttab_setup_table.status");
_Static_assert(offsetof(struct gnttab_setup_table, frame_list) == 16, "gnttab_setup_table.frame_list");
_Static_assert(sizeof(struct gnttab_copy) == 40, "gnttab_copy size");
_Static_assert(offsetof(struct gnttab_copy, dest) == 16, "gnttab_copy.dest");
_Static_assert(offsetof(struct gnttab_copy, source.domid) == 8, "gnttab_copy.source.domid");
_Static_assert(offsetof(struct gnttab_copy, source.offset) == 10, "gnttab_copy.source.offset");
_Static_assert(offsetof(struct gnttab_copy, len) == 32, "gnttab_copy.len");
_Static_assert(offsetof(struct gnttab_copy, flags) == 34, "gnttab_copy.flags");
_Static_assert(offsetof(struct gnttab_copy, status) == 36, "gnttab_copy.status");
_Static_assert(sizeof(struct gnttab_query_size) == 16, "gnttab_query_size size");
_Static_assert(offsetof(struct gnttab_query_size, nr_frames) == 4, "gnttab_query_size.nr_frames");
_Static_assert(offsetof(struct gnttab_query_size, max_nr_frames) == 8,
               "gnttab_query_size.max_nr_frames");
_Static_assert(offsetof(struct gnttab_query_size, status) == 12, "gnttab_query_size.status");
_Static_assert(sizeof(struct gnttab_set_version) == 4, "gnttab_set_version size");
_Static_assert(sizeof(struct gnttab_get_status_frames) == 16, "gnttab_get_status_frames size");
_Static_assert(offsetof(struct gnttab_get_status_frames, frame_list) == 8,
               "gnttab_get_status_frames.frame_list");
_Static_assert(sizeof(struct gnttab_get_version) == 8, "gnttab_get_version size");
_Static_assert(offsetof(struct gnttab_get_version, version) == 4, "gnttab_get_version.version");

#endif /* BASTION_PUBLIC_GRANT_TABLE_H */
