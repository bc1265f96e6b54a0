/* Follows Xen's public header xen/include/public/version.h. */
/*
 * xen_version(cmd, arg): the version number (XENVER_version returns
 * major << 16 | minor in RAX), fixed-size informational strings, the
 * feature bitmap a guest reads at boot (XENVER_get_features, bits in
 * features.h) and variable-length buffers for the newer *2 commands.
 */
#ifndef BASTION_PUBLIC_VERSION_H
#define BASTION_PUBLIC_VERSION_H

#include <stddef.h>
#include <stdint.h>

#include "xen.h"

#define XENVER_version              0   /* arg NULL; returns major<<16|minor */
#define XENVER_extraversion         1
#define XENVER_compile_info         2
#define XENVER_capabilities         3
#define XENVER_changeset            4
#define XENVER_platform_parameters  5
#define XENVER_get_features         6
#define XENVER_pagesize             7   /* arg NULL; returns the page size */
#define XENVER_guest_handle         8   /* xen_domain_handle_t */
#define XENVER_commandline          9
#define XENVER_build_id            10   /* xen_build_id; NULL asks the length */
#define XENVER_extraversion2       11   /* xen_varbuf */
#define XENVER_capabilities2       12
#define XENVER_changeset2          13
#define XENVER_commandline2        14

typedef char xen_extraversion_t[16];
#define XEN_EXTRAVERSION_LEN (sizeof(xen_extraversion_t))

struct xen_compile_info {
    char compiler[64];
    char compile_by[16];
    char compile_domain[32];
    char compile_date[32];
};
typedef struct xen_compile_info xen_compile_info_t;

typedef char xen_capabilities_info_t[1024];
#define XEN_CAPABILITIES_INFO_LEN (sizeof(xen_capabilities_info_t))

typedef char xen_changeset_info_t[64];
#define XEN_CHANGESET_INFO_LEN (sizeof(xen_changeset_info_t))

struct xen_platform_parameters {
    xen_ulong_t virt_start;  /* PV: start of the hypervisor hole */
};
typedef struct xen_platform_parameters xen_platform_parameters_t;

/* XENVER_get_features: the caller names a 32-bit submap, Xen fills it. */
struct xen_feature_info {
    uint32_t submap_idx;  /* in */
    uint32_t submap;      /* out */
};
typedef struct xen_feature_info xen_feature_info_t;

typedef char xen_commandline_t[1024];

struct xen_build_id {
    uint32_t len;          /* in: size of buf */
    unsigned char buf[];   /* out */
};
typedef struct xen_build_id xen_build_id_t;

struct xen_varbuf {
    uint32_t len;          /* in: size of buf */
    unsigned char buf[];   /* out */
};
typedef struct xen_varbuf xen_varbuf_t;

_Static_assert(sizeof(xen_extraversion_t) == 16, "xen_extraversion_t size");
_Static_assert(sizeof(struct xen_compile_info) == 144, "xen_compile_info size");
_Static_assert(offsetof(struct xen_compile_info, compile_by) == 64, "xen_compile_info.compile_by");
_Static_assert(offsetof(struct xen_compile_info, compile_domain) == 80,
               "xen_compile_info.compile_domain");
_Static_assert(offsetof(struct xen_compile_info, compile_date) == 112,
               "xen_compile_info.compile_date");
_Static_assert(sizeof(xen_capabilities_info_t) == 1024, "xen_capabilities_info_t size");
_Static_assert(sizeof(xen_changeset_info_t) == 64, "xen_changeset_info_t size");
_Static_assert(sizeof(struct xen_platform_parameters) == 8, "xen_platform_parameters size");
_Static_assert(sizeof(struct xen_feature_info) == 8, "xen_feature_info size");
_Static_assert(offsetof(struct xen_feature_info, submap) == 4, "xen_feature_info.submap");
_Static_assert(sizeof(xen_commandline_t) == 1024, "xen_commandline_t size");
_Static_assert(sizeof(struct xen_build_id) == 4, "xen_build_id header size");
_Static_assert(offsetof(struct xen_varbuf, buf) == 4, "xen_varbuf.buf");

#endif /* BASTION_PUBLIC_VERSION_H */
