/* Follows Xen's public header xen/include/public/sysctl.h (interface version 0x15, Xen 4.17). */
/*
 * sysctl(arg): the toolstack's host-wide control call, dom0 only.  arg
 * points at one 136-byte struct xen_sysctl, copied in and back whole:
 * cmd, the interface version (anything but XEN_SYSCTL_INTERFACE_VERSION
 * is refused with -EACCES) and a 128-byte union of payloads.  Every 4.17
 * command number is named; payloads are spelt out for the ones libxl/xl
 * 4.17 issue.  For the "NULL handle" queries (numainfo, cputopoinfo,
 * cpu_featureset, cpu_policy) a zero handle asks only for the count.
 */
#ifndef BASTION_PUBLIC_SYSCTL_H
#define BASTION_PUBLIC_SYSCTL_H

#include <stddef.h>
#include <stdint.h>

#include "domctl.h"
#include "xen.h"

#define XEN_SYSCTL_INTERFACE_VERSION 0x00000015

/* xen_sysctl.cmd (13, 24 and 28 are retired) */
#define XEN_SYSCTL_readconsole                    1
#define XEN_SYSCTL_tbuf_op                        2
#define XEN_SYSCTL_physinfo                       3
#define XEN_SYSCTL_sched_id                       4
#define XEN_SYSCTL_perfc_op                       5
#define XEN_SYSCTL_getdomaininfolist              6
#define XEN_SYSCTL_debug_keys                     7
#define XEN_SYSCTL_getcpuinfo                     8
#define XEN_SYSCTL_availheap                      9
#define XEN_SYSCTL_get_pmstat                    10
#define XEN_SYSCTL_cpu_hotplug                   11
#define XEN_SYSCTL_pm_op                         12
#define XEN_SYSCTL_page_offline_op               14
#define XEN_SYSCTL_lockprof_op                   15
#define XEN_SYSCTL_cputopoinfo                   16
#define XEN_SYSCTL_numainfo                      17
#define XEN_SYSCTL_cpupool_op                    18
#define XEN_SYSCTL_scheduler_op                  19
#define XEN_SYSCTL_coverage_op                   20
#define XEN_SYSCTL_psr_cmt_op                    21
#define XEN_SYSCTL_pcitopoinfo                   22
#define XEN_SYSCTL_psr_alloc                     23
#define XEN_SYSCTL_get_cpu_levelling_caps        25
#define XEN_SYSCTL_get_cpu_featureset            26
#define XEN_SYSCTL_livepatch_op                  27
#define XEN_SYSCTL_get_cpu_policy                29

/* readconsole: copy out of the hypervisor's console ring */
struct xen_sysctl_readconsole {
    uint8_t clear;                  /* in: empty the ring after reading */
    uint8_t incremental;            /* in: start at index, not the oldest byte */
    uint8_t pad0, pad1;
    uint32_t index;                 /* in: start (if incremental); out: next */
    XEN_GUEST_HANDLE_64(char) buffer;
    uint32_t count;                 /* in: buffer bytes; out: bytes written */
};

/* physinfo */
#define XEN_SYSCTL_PHYSCAP_hvm                (1U << 0)
#define XEN_SYSCTL_PHYSCAP_pv                 (1U << 1)
#define XEN_SYSCTL_PHYSCAP_directio           (1U << 2)  /* device passthrough */
#define XEN_SYSCTL_PHYSCAP_hap                (1U << 3)  /* EPT/NPT */
#define XEN_SYSCTL_PHYSCAP_shadow             (1U << 4)  /* shadow paging */
#define XEN_SYSCTL_PHYSCAP_iommu_hap_pt_share (1U << 5)  /* IOMMU uses the P2M */
#define XEN_SYSCTL_PHYSCAP_vmtrace            (1U << 6)
#define XEN_SYSCTL_PHYSCAP_vpmu               (1U << 7)
#define XEN_SYSCTL_PHYSCAP_gnttab_v1          (1U << 8)
#define XEN_SYSCTL_PHYSCAP_gnttab_v2          (1U << 9)
#define XEN_SYSCTL_PHYSCAP_MAX                XEN_SYSCTL_PHYSCAP_gnttab_v2

struct xen_sysctl_physinfo {
    uint32_t threads_per_core;
    uint32_t cores_per_socket;
    uint32_t nr_cpus;               /* online CPUs */
    uint32_t max_cpu_id;            /* highest possible CPU id */
    uint32_t nr_nodes;              /* online NUMA nodes */
    uint32_t max_node_id;           /* highest possible node id */
    uint32_t cpu_khz;
    uint32_t capabilities;          /* XEN_SYSCTL_PHYSCAP_* */
    uint32_t arch_capabilities;     /* none defined for x86 in 4.17 */
    uint32_t pad;
    uint64_t total_pages;
    uint64_t free_pages;
    uint64_t scrub_pages;           /* freed, not yet scrubbed */
    uint64_t outstanding_pages;     /* claimed by domains */
    uint64_t max_mfn;               /* highest possible MFN */
    uint32_t hw_cap[8];             /* CPUID feature words */
};

/* sched_id */
struct xen_sysctl_sched_id {
    uint32_t sched_id;              /* out: XEN_SCHEDULER_* (domctl.h) */
};

/* getdomaininfolist: domains with id >= first_domain, ascending */
struct xen_sysctl_getdomaininfolist {
    domid_t first_domain;
    uint32_t max_domains;           /* in: buffer entries */
    XEN_GUEST_HANDLE_64(xen_domctl_getdomaininfo_t) buffer;
    uint32_t num_domains;           /* out: entries written */
};

/* cputopoinfo */
#define XEN_INVALID_CORE_ID     (~0U)
#define XEN_INVALID_SOCKET_ID   (~0U)
#define XEN_INVALID_NODE_ID     (~0U)

struct xen_sysctl_cputopo {
    uint32_t core;
    uint32_t socket;
    uint32_t node;
};
typedef struct xen_sysctl_cputopo xen_sysctl_cputopo_t;

struct xen_sysctl_cputopoinfo {
    uint32_t num_cpus;              /* in: entries (count if cputopo is 0); out: CPUs */
    XEN_GUEST_HANDLE_64(xen_sysctl_cputopo_t) cputopo;  /* indexed by CPU id */
};

/* numainfo */
#define XEN_INVALID_MEM_SZ     (~0U)
#define XEN_INVALID_NODE_DIST  (~0U)

struct xen_sysctl_meminfo {
    uint64_t memsize;               /* bytes on the node */
    uint64_t memfree;
};
typedef struct xen_sysctl_meminfo xen_sysctl_meminfo_t;

struct xen_sysctl_numainfo {
    uint32_t num_nodes;             /* in: entries (count if both handles 0); out: nodes */
    XEN_GUEST_HANDLE_64(xen_sysctl_meminfo_t) meminfo;
    XEN_GUEST_HANDLE_64(uint32) distance;   /* [i * num_nodes + j] */
};

/* cpupool_op */
#define XEN_SYSCTL_CPUPOOL_OP_CREATE      1
#define XEN_SYSCTL_CPUPOOL_OP_DESTROY     2
#define XEN_SYSCTL_CPUPOOL_OP_INFO        3  /* first pool with id >= cpupool_id */
#define XEN_SYSCTL_CPUPOOL_OP_ADDCPU      4
#define XEN_SYSCTL_CPUPOOL_OP_RMCPU       5
#define XEN_SYSCTL_CPUPOOL_OP_MOVEDOMAIN  6
#define XEN_SYSCTL_CPUPOOL_OP_FREEINFO    7  /* CPUs in no pool */
#define XEN_SYSCTL_CPUPOOL_PAR_ANY        0xFFFFFFFFU  /* create: pick an id */

struct xen_sysctl_cpupool_op {
    uint32_t op;                    /* XEN_SYSCTL_CPUPOOL_OP_* */
    uint32_t cpupool_id;            /* in: most ops; out: CREATE, INFO */
    uint32_t sched_id;              /* in: CREATE; out: INFO */
    uint32_t domid;                 /* in: MOVEDOMAIN */
    uint32_t cpu;                   /* in: ADDCPU, RMCPU */
    uint32_t n_dom;                 /* out: INFO, domains in the pool */
    struct xenctl_bitmap cpumap;    /* out: INFO, FREEINFO */
};

/* scheduler_op: a pool's scheduler-wide parameters */
#define XEN_SYSCTL_SCHEDOP_putinfo 0
#define XEN_SYSCTL_SCHEDOP_getinfo 1
#define XEN_SYSCTL_SCHED_RATELIMIT_MAX 500000
#define XEN_SYSCTL_SCHED_RATELIMIT_MIN 100

struct xen_sysctl_credit_schedule {
    uint32_t tslice_ms;
    uint32_t ratelimit_us;
    uint32_t vcpu_migr_delay_us;
};

struct xen_sysctl_credit2_schedule {
    uint32_t ratelimit_us;          /* 0: no rate limiting */
};

struct xen_sysctl_scheduler_op {
    uint32_t cpupool_id;            /* in */
    uint32_t sched_id;              /* in: XEN_SCHEDULER_* of that pool */
    uint32_t cmd;                   /* in: XEN_SYSCTL_SCHEDOP_* */
    union {                         /* 8-byte aligned: u is at 16 */
        struct {
            XEN_GUEST_HANDLE_64(void) schedule;
        } sched_arinc653;           /* not built here */
        struct xen_sysctl_credit_schedule sched_credit;
        struct xen_sysctl_credit2_schedule sched_credit2;
    } u;
};

/* get_cpu_featureset (x86) */
#define XEN_SYSCTL_cpu_featureset_raw      0
#define XEN_SYSCTL_cpu_featureset_host     1
#define XEN_SYSCTL_cpu_featureset_pv       2
#define XEN_SYSCTL_cpu_featureset_hvm      3
#define XEN_SYSCTL_cpu_featureset_pv_max   4  /* added in 4.17 point releases */
#define XEN_SYSCTL_cpu_featureset_hvm_max  5  /* added in 4.17 point releases */

struct xen_sysctl_cpu_featureset {
    uint32_t index;                 /* XEN_SYSCTL_cpu_featureset_* */
    uint32_t nr_features;           /* in: words in features; out: written (or max) */
    XEN_GUEST_HANDLE_64(uint32) features;
};

/* get_cpu_policy (x86) */
#define XEN_SYSCTL_cpu_policy_raw          0
#define XEN_SYSCTL_cpu_policy_host         1
#define XEN_SYSCTL_cpu_policy_pv_max       2
#define XEN_SYSCTL_cpu_policy_hvm_max      3
#define XEN_SYSCTL_cpu_policy_pv_default   4
#define XEN_SYSCTL_cpu_policy_hvm_default  5

struct xen_sysctl_cpu_policy {
    uint32_t index;                 /* XEN_SYSCTL_cpu_policy_* */
    uint32_t nr_leaves;             /* in: entries in leaves; out: written (or max) */
    uint32_t nr_msrs;               /* in: entries in msrs; out: written (or max) */
    uint32_t _rsvd;                 /* must be zero */
    XEN_GUEST_HANDLE_64(xen_cpuid_leaf_t) leaves;
    XEN_GUEST_HANDLE_64(xen_msr_entry_t) msrs;
};
typedef struct xen_sysctl_cpu_policy xen_sysctl_cpu_policy_t;

/* debug_keys: the hv prints what each key asks for on its console */
struct xen_sysctl_debug_keys {
    XEN_GUEST_HANDLE_64(const_char) keys;
    uint32_t nr_keys;
};

struct xen_sysctl {
    uint32_t cmd;                   /* XEN_SYSCTL_* */
    uint32_t interface_version;     /* XEN_SYSCTL_INTERFACE_VERSION */
    union {
        struct xen_sysctl_readconsole readconsole;
        struct xen_sysctl_physinfo physinfo;
        struct xen_sysctl_sched_id sched_id;
        struct xen_sysctl_getdomaininfolist getdomaininfolist;
        struct xen_sysctl_cputopoinfo cputopoinfo;
        struct xen_sysctl_numainfo numainfo;
        struct xen_sysctl_scheduler_op scheduler_op;
        struct xen_sysctl_cpupool_op cpupool_op;
        struct xen_sysctl_cpu_featureset cpu_featureset;
        struct xen_sysctl_cpu_policy cpu_policy;
        struct xen_sysctl_debug_keys debug_keys;
        uint8_t pad[128];
    } u;
};
typedef struct xen_sysctl xen_sysctl_t;

_Static_assert(sizeof(struct xen_sysctl_readconsole) == 24, "xen_sysctl_readconsole size");
_Static_assert(offsetof(struct xen_sysctl_readconsole, incremental) == 1, "readconsole.incremental");
_Static_assert(offsetof(struct xen_sysctl_readconsole, index) == 4, "readconsole.index");
_Static_assert(offsetof(struct xen_sysctl_readconsole, buffer) == 8, "readconsole.buffer");
_Static_assert(offsetof(struct xen_sysctl_readconsole, count) == 16, "readconsole.count");

_Static_assert(sizeof(struct xen_sysctl_debug_keys) == 16, "xen_sysctl_debug_keys size");
_Static_assert(offsetof(struct xen_sysctl_debug_keys, nr_keys) == 8, "debug_keys.nr_keys");

_Static_assert(sizeof(struct xen_sysctl_physinfo) == 112, "xen_sysctl_physinfo size");
_Static_assert(offsetof(struct xen_sysctl_physinfo, cores_per_socket) == 4, "physinfo.cores_per_socket");
_Static_assert(offsetof(struct xen_sysctl_physinfo, nr_cpus) == 8, "physinfo.nr_cpus");
_Static_assert(offsetof(struct xen_sysctl_physinfo, max_cpu_id) == 12, "physinfo.max_cpu_id");
_Static_assert(offsetof(struct xen_sysctl_physinfo, nr_nodes) == 16, "physinfo.nr_nodes");
_Static_assert(offsetof(struct xen_sysctl_physinfo, max_node_id) == 20, "physinfo.max_node_id");
_Static_assert(offsetof(struct xen_sysctl_physinfo, cpu_khz) == 24, "physinfo.cpu_khz");
_Static_assert(offsetof(struct xen_sysctl_physinfo, capabilities) == 28, "physinfo.capabilities");
_Static_assert(offsetof(struct xen_sysctl_physinfo, arch_capabilities) == 32,
               "physinfo.arch_capabilities");
_Static_assert(offsetof(struct xen_sysctl_physinfo, total_pages) == 40, "physinfo.total_pages");
_Static_assert(offsetof(struct xen_sysctl_physinfo, free_pages) == 48, "physinfo.free_pages");
_Static_assert(offsetof(struct xen_sysctl_physinfo, scrub_pages) == 56, "physinfo.scrub_pages");
_Static_assert(offsetof(struct xen_sysctl_physinfo, outstanding_pages) == 64,
               "physinfo.outstanding_pages");
_Static_assert(offsetof(struct xen_sysctl_physinfo, max_mfn) == 72, "physinfo.max_mfn");
_Static_assert(offsetof(struct xen_sysctl_physinfo, hw_cap) == 80, "physinfo.hw_cap");

_Static_assert(sizeof(struct xen_sysctl_sched_id) == 4, "xen_sysctl_sched_id size");
_Static_assert(sizeof(struct xen_sysctl_getdomaininfolist) == 24, "xen_sysctl_getdomaininfolist size");
_Static_assert(offsetof(struct xen_sysctl_getdomaininfolist, max_domains) == 4,
               "getdomaininfolist.max_domains");
_Static_assert(offsetof(struct xen_sysctl_getdomaininfolist, buffer) == 8, "getdomaininfolist.buffer");
_Static_assert(offsetof(struct xen_sysctl_getdomaininfolist, num_domains) == 16,
               "getdomaininfolist.num_domains");

_Static_assert(sizeof(struct xen_sysctl_cputopo) == 12, "xen_sysctl_cputopo size");
_Static_assert(offsetof(struct xen_sysctl_cputopo, node) == 8, "cputopo.node");
_Static_assert(sizeof(struct xen_sysctl_cputopoinfo) == 16, "xen_sysctl_cputopoinfo size");
_Static_assert(offsetof(struct xen_sysctl_cputopoinfo, cputopo) == 8, "cputopoinfo.cputopo");
_Static_assert(sizeof(struct xen_sysctl_meminfo) == 16, "xen_sysctl_meminfo size");
_Static_assert(offsetof(struct xen_sysctl_meminfo, memfree) == 8, "meminfo.memfree");
_Static_assert(sizeof(struct xen_sysctl_numainfo) == 24, "xen_sysctl_numainfo size");
_Static_assert(offsetof(struct xen_sysctl_numainfo, meminfo) == 8, "numainfo.meminfo");
_Static_assert(offsetof(struct xen_sysctl_numainfo, distance) == 16, "numainfo.distance");

_Static_assert(sizeof(struct xen_sysctl_cpupool_op) == 40, "xen_sysctl_cpupool_op size");
_Static_assert(sizeof(struct xen_sysctl_scheduler_op) == 32, "xen_sysctl_scheduler_op size");
_Static_assert(offsetof(struct xen_sysctl_scheduler_op, u) == 16, "scheduler_op.u");
_Static_assert(offsetof(struct xen_sysctl_cpupool_op, cpupool_id) == 4, "cpupool_op.cpupool_id");
_Static_assert(offsetof(struct xen_sysctl_cpupool_op, sched_id) == 8, "cpupool_op.sched_id");
_Static_assert(offsetof(struct xen_sysctl_cpupool_op, domid) == 12, "cpupool_op.domid");
_Static_assert(offsetof(struct xen_sysctl_cpupool_op, cpu) == 16, "cpupool_op.cpu");
_Static_assert(offsetof(struct xen_sysctl_cpupool_op, n_dom) == 20, "cpupool_op.n_dom");
_Static_assert(offsetof(struct xen_sysctl_cpupool_op, cpumap) == 24, "cpupool_op.cpumap");

_Static_assert(sizeof(struct xen_sysctl_cpu_featureset) == 16, "xen_sysctl_cpu_featureset size");
_Static_assert(offsetof(struct xen_sysctl_cpu_featureset, nr_features) == 4,
               "cpu_featureset.nr_features");
_Static_assert(offsetof(struct xen_sysctl_cpu_featureset, features) == 8, "cpu_featureset.features");
_Static_assert(sizeof(struct xen_sysctl_cpu_policy) == 32, "xen_sysctl_cpu_policy size");
_Static_assert(offsetof(struct xen_sysctl_cpu_policy, nr_leaves) == 4, "sysctl cpu_policy.nr_leaves");
_Static_assert(offsetof(struct xen_sysctl_cpu_policy, nr_msrs) == 8, "sysctl cpu_policy.nr_msrs");
_Static_assert(offsetof(struct xen_sysctl_cpu_policy, _rsvd) == 12, "sysctl cpu_policy._rsvd");
_Static_assert(offsetof(struct xen_sysctl_cpu_policy, leaves) == 16, "sysctl cpu_policy.leaves");
_Static_assert(offsetof(struct xen_sysctl_cpu_policy, msrs) == 24, "sysctl cpu_policy.msrs");

_Static_assert(sizeof(struct xen_sysctl) == 136, "xen_sysctl size");
_Static_assert(offsetof(struct xen_sysctl, interface_version) == 4, "xen_sysctl.interface_version");
_Static_assert(offsetof(struct xen_sysctl, u) == 8, "xen_sysctl.u");
_Static_assert(sizeof(((struct xen_sysctl *)0)->u) == 128, "xen_sysctl.u size");

#endif /* BASTION_PUBLIC_SYSCTL_H */
