/* Follows Xen's public header xen/include/public/domctl.h (interface version 0x15, Xen 4.17). */
/*
 * domctl(arg): the toolstack's per-domain control call, dom0 only.  arg
 * points at one 144-byte struct xen_domctl, copied in and back whole:
 * cmd, the interface version (anything but XEN_DOMCTL_INTERFACE_VERSION
 * is refused with -EACCES before cmd is looked at), the target domain and
 * a 128-byte union of per-command payloads.  Every 4.17 command number is
 * named here; payloads are spelt out only for the commands libxl/xl 4.17
 * issue for PVH guests and for the device-access ones Bastion refuses.
 */
#ifndef BASTION_PUBLIC_DOMCTL_H
#define BASTION_PUBLIC_DOMCTL_H

#include <stddef.h>
#include <stdint.h>

#include "xen.h"

#define XEN_DOMCTL_INTERFACE_VERSION 0x00000015

/* xen_domctl.cmd (gaps are numbers 4.17 retired) */
#define XEN_DOMCTL_createdomain                   1
#define XEN_DOMCTL_destroydomain                  2   /* no payload */
#define XEN_DOMCTL_pausedomain                    3   /* no payload */
#define XEN_DOMCTL_unpausedomain                  4   /* no payload */
#define XEN_DOMCTL_getdomaininfo                  5
#define XEN_DOMCTL_setvcpuaffinity                9
#define XEN_DOMCTL_shadow_op                     10
#define XEN_DOMCTL_max_mem                       11
#define XEN_DOMCTL_setvcpucontext                12
#define XEN_DOMCTL_getvcpucontext                13
#define XEN_DOMCTL_getvcpuinfo                   14
#define XEN_DOMCTL_max_vcpus                     15
#define XEN_DOMCTL_scheduler_op                  16
#define XEN_DOMCTL_setdomainhandle               17
#define XEN_DOMCTL_setdebugging                  18
#define XEN_DOMCTL_irq_permission                19
#define XEN_DOMCTL_iomem_permission              20
#define XEN_DOMCTL_ioport_permission             21
#define XEN_DOMCTL_hypercall_init                22
#define XEN_DOMCTL_soft_reset_cont               23   /* hypervisor-internal continuation */
#define XEN_DOMCTL_settimeoffset                 24
#define XEN_DOMCTL_getvcpuaffinity               25
#define XEN_DOMCTL_real_mode_area                26   /* obsolete (PPC) */
#define XEN_DOMCTL_resumedomain                  27
#define XEN_DOMCTL_sendtrigger                   28
#define XEN_DOMCTL_subscribe                     29
#define XEN_DOMCTL_gethvmcontext                 33
#define XEN_DOMCTL_sethvmcontext                 34
#define XEN_DOMCTL_set_address_size              35
#define XEN_DOMCTL_get_address_size              36
#define XEN_DOMCTL_assign_device                 37
#define XEN_DOMCTL_bind_pt_irq                   38
#define XEN_DOMCTL_memory_mapping                39
#define XEN_DOMCTL_ioport_mapping                40
#define XEN_DOMCTL_set_ext_vcpucontext           42
#define XEN_DOMCTL_get_ext_vcpucontext           43
#define XEN_DOMCTL_set_opt_feature               44   /* obsolete (IA64) */
#define XEN_DOMCTL_test_assign_device            45
#define XEN_DOMCTL_set_target                    46
#define XEN_DOMCTL_deassign_device               47
#define XEN_DOMCTL_unbind_pt_irq                 48
#define XEN_DOMCTL_get_device_group              50
#define XEN_DOMCTL_debug_op                      54
#define XEN_DOMCTL_gethvmcontext_partial         55
#define XEN_DOMCTL_vm_event_op                   56
#define XEN_DOMCTL_mem_sharing_op                57
#define XEN_DOMCTL_gettscinfo                    59
#define XEN_DOMCTL_settscinfo                    60
#define XEN_DOMCTL_getpageframeinfo3             61
#define XEN_DOMCTL_setvcpuextstate               62
#define XEN_DOMCTL_getvcpuextstate               63
#define XEN_DOMCTL_set_access_required           64
#define XEN_DOMCTL_audit_p2m                     65
#define XEN_DOMCTL_set_virq_handler              66
#define XEN_DOMCTL_set_broken_page_p2m           67
#define XEN_DOMCTL_setnodeaffinity               68
#define XEN_DOMCTL_getnodeaffinity               69
#define XEN_DOMCTL_cacheflush                    71
#define XEN_DOMCTL_get_vcpu_msrs                 72
#define XEN_DOMCTL_set_vcpu_msrs                 73
#define XEN_DOMCTL_setvnumainfo                  74
#define XEN_DOMCTL_psr_cmt_op                    75
#define XEN_DOMCTL_monitor_op                    77
#define XEN_DOMCTL_psr_alloc                     78
#define XEN_DOMCTL_soft_reset                    79
#define XEN_DOMCTL_vuart_op                      81
#define XEN_DOMCTL_get_cpu_policy                82
#define XEN_DOMCTL_set_cpu_policy                83
#define XEN_DOMCTL_vmtrace_op                    84
#define XEN_DOMCTL_get_paging_mempool_size       85
#define XEN_DOMCTL_set_paging_mempool_size       86
#define XEN_DOMCTL_gdbsx_guestmemio            1000
#define XEN_DOMCTL_gdbsx_pausevcpu             1001
#define XEN_DOMCTL_gdbsx_unpausevcpu           1002
#define XEN_DOMCTL_gdbsx_domstatus             1003

/*
 * createdomain: xen_domctl.domain is in/out; 0 or >= DOMID_FIRST_RESERVED
 * asks for a fresh id, which comes back in xen_domctl.domain.
 */
#define XEN_DOMCTL_CDF_hvm           (1U << 0)  /* HVM/PVH container, not PV */
#define XEN_DOMCTL_CDF_hap           (1U << 1)  /* use EPT/NPT, not shadow paging */
#define XEN_DOMCTL_CDF_s3_integrity  (1U << 2)  /* tboot verifies memory across S3 */
#define XEN_DOMCTL_CDF_oos_off       (1U << 3)  /* no out-of-sync shadow page tables */
#define XEN_DOMCTL_CDF_xs_domain     (1U << 4)  /* the xenstore stub domain */
#define XEN_DOMCTL_CDF_iommu         (1U << 5)  /* may have devices behind the IOMMU */
#define XEN_DOMCTL_CDF_nested_virt   (1U << 6)  /* may run its own hypervisor */
#define XEN_DOMCTL_CDF_vpmu          (1U << 7)  /* virtual PMU exposed */
#define XEN_DOMCTL_CDF_MAX           XEN_DOMCTL_CDF_vpmu

#define XEN_DOMCTL_IOMMU_no_sharept  (1U << 0)  /* IOMMU keeps its own page tables */
#define XEN_DOMCTL_IOMMU_MAX         XEN_DOMCTL_IOMMU_no_sharept

/* grant_opts: highest grant-table version the domain may pick (low 4 bits) */
#define XEN_DOMCTL_GRANT_version_mask 0xfU
#define XEN_DOMCTL_GRANT_version(v)   ((v) & XEN_DOMCTL_GRANT_version_mask)

struct xen_domctl_createdomain {
    uint32_t ssidref;               /* XSM label (12 = SECINITSID_DOMU) */
    xen_domain_handle_t handle;     /* UUID */
    uint32_t flags;                 /* XEN_DOMCTL_CDF_* */
    uint32_t iommu_opts;            /* XEN_DOMCTL_IOMMU_* */
    uint32_t max_vcpus;
    uint32_t max_evtchn_port;       /* highest port the domain may bind */
    int32_t max_grant_frames;       /* < 0: hypervisor default */
    int32_t max_maptrack_frames;    /* < 0: hypervisor default */
    uint32_t grant_opts;            /* XEN_DOMCTL_GRANT_version(v) */
    uint32_t vmtrace_size;          /* per-vCPU trace buffer bytes, 0 = none */
    uint32_t cpupool_id;            /* 0 or an existing pool */
    struct xen_arch_domainconfig arch;
};
typedef struct xen_domctl_createdomain xen_domctl_createdomain_t;

/*
 * getdomaininfo: reports the first domain whose id is >= xen_domctl.domain
 * and echoes its id there.  Also the element of sysctl getdomaininfolist.
 */
#define XEN_DOMINF_dying      (1U << 0)  /* being destroyed */
#define XEN_DOMINF_hvm_guest  (1U << 1)  /* HVM or PVH */
#define XEN_DOMINF_shutdown   (1U << 2)  /* guest shut down; reason below */
#define XEN_DOMINF_paused     (1U << 3)  /* paused by the toolstack */
#define XEN_DOMINF_blocked    (1U << 4)  /* all vCPUs waiting for events */
#define XEN_DOMINF_running    (1U << 5)  /* a vCPU is on a CPU */
#define XEN_DOMINF_debugged   (1U << 6)
#define XEN_DOMINF_xs_domain  (1U << 7)  /* the xenstore stub domain */
#define XEN_DOMINF_hap        (1U << 8)  /* uses EPT/NPT */
/* SHUTDOWN_* reason in flags bits 23:16 */
#define XEN_DOMINF_shutdownshift 16
#define XEN_DOMINF_shutdownmask  255

#define XEN_INVALID_MAX_VCPU_ID (~0U)    /* max_vcpu_id of a domain with no vCPUs */

struct xen_domctl_getdomaininfo {
    domid_t domain;
    uint16_t pad1;
    uint32_t flags;                 /* XEN_DOMINF_* | reason << shutdownshift */
    uint64_t tot_pages;             /* pages the domain owns */
    uint64_t max_pages;             /* max_mem limit in pages */
    uint64_t outstanding_pages;     /* claimed but not yet allocated */
    uint64_t shr_pages;             /* shared (mem_sharing) pages */
    uint64_t paged_pages;           /* paged-out pages */
    uint64_t shared_info_frame;     /* GFN of shared_info */
    uint64_t cpu_time;              /* ns run, summed over vCPUs */
    uint32_t nr_online_vcpus;
    uint32_t max_vcpu_id;           /* highest vCPU id, or XEN_INVALID_MAX_VCPU_ID */
    uint32_t ssidref;
    xen_domain_handle_t handle;
    uint32_t cpupool;
    uint8_t gpaddr_bits;            /* guest-physical address width */
    uint8_t pad2[7];
    struct xen_arch_domainconfig arch_config;
};
typedef struct xen_domctl_getdomaininfo xen_domctl_getdomaininfo_t;

/* max_mem */
struct xen_domctl_max_mem {
    uint64_t max_memkb;
};

/* getvcpuinfo */
struct xen_domctl_getvcpuinfo {
    uint32_t vcpu;                  /* in */
    uint8_t online;                 /* out: up (not hot-unplugged) */
    uint8_t blocked;                /* out: waiting for an event */
    uint8_t running;                /* out: on a CPU now */
    uint64_t cpu_time;              /* out: ns run */
    uint32_t cpu;                   /* out: physical CPU it last ran on */
};

/* setnodeaffinity / getnodeaffinity */
struct xen_domctl_nodeaffinity {
    struct xenctl_bitmap nodemap;
};

/*
 * setvcpuaffinity / getvcpuaffinity.  set writes back the effective maps
 * (soft and hard and the pool's CPUs; hard and the pool's CPUs); get
 * returns the maps as they were set.
 */
#define XEN_VCPUAFFINITY_HARD   (1U << 0)
#define XEN_VCPUAFFINITY_SOFT   (1U << 1)
#define XEN_VCPUAFFINITY_FORCE  (1U << 2)  /* drop a SCHEDOP_pin_override */

struct xen_domctl_vcpuaffinity {
    uint32_t vcpu;
    uint32_t flags;                 /* XEN_VCPUAFFINITY_* */
    struct xenctl_bitmap cpumap_hard;
    struct xenctl_bitmap cpumap_soft;
};

/* max_vcpus: creates the vCPUs; must equal createdomain.max_vcpus */
struct xen_domctl_max_vcpus {
    uint32_t max;
};

/* scheduler_op */
#define XEN_SCHEDULER_CREDIT   5
#define XEN_SCHEDULER_CREDIT2  6
#define XEN_SCHEDULER_ARINC653 7
#define XEN_SCHEDULER_RTDS     8
#define XEN_SCHEDULER_NULL     9

#define XEN_DOMCTL_SCHEDOP_putinfo     0
#define XEN_DOMCTL_SCHEDOP_getinfo     1
#define XEN_DOMCTL_SCHEDOP_putvcpuinfo 2
#define XEN_DOMCTL_SCHEDOP_getvcpuinfo 3

struct xen_domctl_sched_credit {
    uint16_t weight;
    uint16_t cap;                   /* % of one CPU, 0 = uncapped */
};

struct xen_domctl_sched_credit2 {
    uint16_t weight;
    uint16_t cap;
};

#define XEN_DOMCTL_SCHEDRT_extra (1U << 0)  /* may run past its budget */
struct xen_domctl_sched_rtds {
    uint32_t period;                /* us */
    uint32_t budget;                /* us */
    uint32_t flags;                 /* XEN_DOMCTL_SCHEDRT_* */
};

struct xen_domctl_scheduler_op {
    uint32_t sched_id;              /* XEN_SCHEDULER_*; must match the pool's */
    uint32_t cmd;                   /* XEN_DOMCTL_SCHEDOP_* */
    union {
        struct xen_domctl_sched_credit credit;
        struct xen_domctl_sched_credit2 credit2;
        struct xen_domctl_sched_rtds rtds;
        struct {
            XEN_GUEST_HANDLE_64(xen_domctl_schedparam_vcpu_t) vcpus;
            uint32_t nr_vcpus;      /* in: entries; out: entries done */
            uint32_t padding;
        } v;                        /* per-vCPU put/get */
    } u;
};

/* setdomainhandle */
struct xen_domctl_setdomainhandle {
    xen_domain_handle_t handle;
};

/* irq_permission, iomem_permission, ioport_permission (refused: no passthrough) */
struct xen_domctl_irq_permission {
    uint32_t pirq;
    uint8_t allow_access;           /* 1 grant, 0 revoke */
    uint8_t pad[3];
};

struct xen_domctl_iomem_permission {
    uint64_t first_mfn;
    uint64_t nr_mfns;
    uint8_t allow_access;
};

struct xen_domctl_ioport_permission {
    uint32_t first_port;
    uint32_t nr_ports;
    uint8_t allow_access;
};

/* settimeoffset */
struct xen_domctl_settimeoffset {
    int64_t time_offset_seconds;    /* added to the domain's wall clock */
};

/* gethvmcontext / sethvmcontext: a stream of hvm/save.h records */
struct xen_domctl_hvmcontext {
    uint32_t size;                  /* in: buffer bytes; out: bytes used/needed */
    XEN_GUEST_HANDLE_64(uint8) buffer;  /* 0 on get: just report the size */
};

/* sendtrigger */
#define XEN_DOMCTL_SENDTRIGGER_NMI    0
#define XEN_DOMCTL_SENDTRIGGER_RESET  1
#define XEN_DOMCTL_SENDTRIGGER_INIT   2
#define XEN_DOMCTL_SENDTRIGGER_POWER  3   /* ACPI power button */
#define XEN_DOMCTL_SENDTRIGGER_SLEEP  4   /* ACPI sleep button */
struct xen_domctl_sendtrigger {
    uint32_t trigger;               /* XEN_DOMCTL_SENDTRIGGER_* */
    uint32_t vcpu;
};

/* set_target: xen_domctl.domain may control `target` (device-model stubdoms) */
struct xen_domctl_set_target {
    domid_t target;
};

/* get_cpu_policy / set_cpu_policy (x86) */
#define XEN_CPUID_INPUT_UNUSED 0xFFFFFFFFU
struct xen_domctl_cpu_policy {
    uint32_t nr_leaves;             /* in: entries in leaves; out: written */
    uint32_t nr_msrs;               /* in: entries in msrs; out: written */
    XEN_GUEST_HANDLE_64(xen_cpuid_leaf_t) leaves;
    XEN_GUEST_HANDLE_64(xen_msr_entry_t) msrs;
    uint32_t err_leaf, err_subleaf; /* out (set): offending leaf, or ~0 */
    uint32_t err_msr;               /* out (set): offending MSR, or ~0 */
};
typedef struct xen_domctl_cpu_policy xen_domctl_cpu_policy_t;

/* gettscinfo / settscinfo */
struct xen_domctl_tsc_info {
    uint32_t tsc_mode;              /* XEN_CPUID_TSC_MODE_* (arch-x86/cpuid.h) */
    uint32_t gtsc_khz;              /* guest TSC kHz, 0 = host's */
    uint32_t incarnation;           /* migrations so far */
    uint32_t pad;
    uint64_t elapsed_nsec;          /* TSC offset carried over a migration */
};

/* get_paging_mempool_size / set_paging_mempool_size */
struct xen_domctl_paging_mempool {
    uint64_t size;                  /* bytes of P2M/shadow pool */
};

struct xen_domctl {
    uint32_t cmd;                   /* XEN_DOMCTL_* */
    uint32_t interface_version;     /* XEN_DOMCTL_INTERFACE_VERSION */
    domid_t domain;                 /* target (in/out for createdomain, getdomaininfo) */
    uint16_t _pad[3];
    union {
        struct xen_domctl_createdomain createdomain;
        struct xen_domctl_getdomaininfo getdomaininfo;
        struct xen_domctl_max_mem max_mem;
        struct xen_domctl_getvcpuinfo getvcpuinfo;
        struct xen_domctl_nodeaffinity nodeaffinity;
        struct xen_domctl_vcpuaffinity vcpuaffinity;
        struct xen_domctl_max_vcpus max_vcpus;
        struct xen_domctl_scheduler_op scheduler_op;
        struct xen_domctl_setdomainhandle setdomainhandle;
        struct xen_domctl_irq_permission irq_permission;
        struct xen_domctl_iomem_permission iomem_permission;
        struct xen_domctl_ioport_permission ioport_permission;
        struct xen_domctl_settimeoffset settimeoffset;
        struct xen_domctl_hvmcontext hvmcontext;
        struct xen_domctl_sendtrigger sendtrigger;
        struct xen_domctl_set_target set_target;
        struct xen_domctl_cpu_policy cpu_policy;
        struct xen_domctl_tsc_info tsc_info;
        struct xen_domctl_paging_mempool paging_mempool;
        uint8_t pad[128];
    } u;
};
typedef struct xen_domctl xen_domctl_t;

_Static_assert(sizeof(struct xen_domctl_createdomain) == 64, "xen_domctl_createdomain size");
_Static_assert(offsetof(struct xen_domctl_createdomain, handle) == 4, "createdomain.handle");
_Static_assert(offsetof(struct xen_domctl_createdomain, flags) == 20, "createdomain.flags");
_Static_assert(offsetof(struct xen_domctl_createdomain, iommu_opts) == 24, "createdomain.iommu_opts");
_Static_assert(offsetof(struct xen_domctl_createdomain, max_vcpus) == 28, "createdomain.max_vcpus");
_Static_assert(offsetof(struct xen_domctl_createdomain, max_evtchn_port) == 32,
               "createdomain.max_evtchn_port");
_Static_assert(offsetof(struct xen_domctl_createdomain, max_grant_frames) == 36,
               "createdomain.max_grant_frames");
_Static_assert(offsetof(struct xen_domctl_createdomain, max_maptrack_frames) == 40,
               "createdomain.max_maptrack_frames");
_Static_assert(offsetof(struct xen_domctl_createdomain, grant_opts) == 44, "createdomain.grant_opts");
_Static_assert(offsetof(struct xen_domctl_createdomain, vmtrace_size) == 48,
               "createdomain.vmtrace_size");
_Static_assert(offsetof(struct xen_domctl_createdomain, cpupool_id) == 52, "createdomain.cpupool_id");
_Static_assert(offsetof(struct xen_domctl_createdomain, arch) == 56, "createdomain.arch");

_Static_assert(sizeof(struct xen_domctl_getdomaininfo) == 112, "xen_domctl_getdomaininfo size");
_Static_assert(offsetof(struct xen_domctl_getdomaininfo, flags) == 4, "getdomaininfo.flags");
_Static_assert(offsetof(struct xen_domctl_getdomaininfo, tot_pages) == 8, "getdomaininfo.tot_pages");
_Static_assert(offsetof(struct xen_domctl_getdomaininfo, max_pages) == 16, "getdomaininfo.max_pages");
_Static_assert(offsetof(struct xen_domctl_getdomaininfo, outstanding_pages) == 24,
               "getdomaininfo.outstanding_pages");
_Static_assert(offsetof(struct xen_domctl_getdomaininfo, shr_pages) == 32, "getdomaininfo.shr_pages");
_Static_assert(offsetof(struct xen_domctl_getdomaininfo, paged_pages) == 40,
               "getdomaininfo.paged_pages");
_Static_assert(offsetof(struct xen_domctl_getdomaininfo, shared_info_frame) == 48,
               "getdomaininfo.shared_info_frame");
_Static_assert(offsetof(struct xen_domctl_getdomaininfo, cpu_time) == 56, "getdomaininfo.cpu_time");
_Static_assert(offsetof(struct xen_domctl_getdomaininfo, nr_online_vcpus) == 64,
               "getdomaininfo.nr_online_vcpus");
_Static_assert(offsetof(struct xen_domctl_getdomaininfo, max_vcpu_id) == 68,
               "getdomaininfo.max_vcpu_id");
_Static_assert(offsetof(struct xen_domctl_getdomaininfo, ssidref) == 72, "getdomaininfo.ssidref");
_Static_assert(offsetof(struct xen_domctl_getdomaininfo, handle) == 76, "getdomaininfo.handle");
_Static_assert(offsetof(struct xen_domctl_getdomaininfo, cpupool) == 92, "getdomaininfo.cpupool");
_Static_assert(offsetof(struct xen_domctl_getdomaininfo, gpaddr_bits) == 96,
               "getdomaininfo.gpaddr_bits");
_Static_assert(offsetof(struct xen_domctl_getdomaininfo, arch_config) == 104,
               "getdomaininfo.arch_config");

_Static_assert(sizeof(struct xen_domctl_max_mem) == 8, "xen_domctl_max_mem size");
_Static_assert(sizeof(struct xen_domctl_getvcpuinfo) == 24, "xen_domctl_getvcpuinfo size");
_Static_assert(offsetof(struct xen_domctl_getvcpuinfo, online) == 4, "getvcpuinfo.online");
_Static_assert(offsetof(struct xen_domctl_getvcpuinfo, blocked) == 5, "getvcpuinfo.blocked");
_Static_assert(offsetof(struct xen_domctl_getvcpuinfo, running) == 6, "getvcpuinfo.running");
_Static_assert(offsetof(struct xen_domctl_getvcpuinfo, cpu_time) == 8, "getvcpuinfo.cpu_time");
_Static_assert(offsetof(struct xen_domctl_getvcpuinfo, cpu) == 16, "getvcpuinfo.cpu");
_Static_assert(sizeof(struct xen_domctl_nodeaffinity) == 16, "xen_domctl_nodeaffinity size");
_Static_assert(sizeof(struct xen_domctl_vcpuaffinity) == 40, "xen_domctl_vcpuaffinity size");
_Static_assert(offsetof(struct xen_domctl_vcpuaffinity, flags) == 4, "vcpuaffinity.flags");
_Static_assert(offsetof(struct xen_domctl_vcpuaffinity, cpumap_hard) == 8, "vcpuaffinity.cpumap_hard");
_Static_assert(offsetof(struct xen_domctl_vcpuaffinity, cpumap_soft) == 24, "vcpuaffinity.cpumap_soft");
_Static_assert(sizeof(struct xen_domctl_max_vcpus) == 4, "xen_domctl_max_vcpus size");

_Static_assert(sizeof(struct xen_domctl_sched_credit) == 4, "xen_domctl_sched_credit size");
_Static_assert(offsetof(struct xen_domctl_sched_credit, cap) == 2, "sched_credit.cap");
_Static_assert(sizeof(struct xen_domctl_sched_credit2) == 4, "xen_domctl_sched_credit2 size");
_Static_assert(sizeof(struct xen_domctl_sched_rtds) == 12, "xen_domctl_sched_rtds size");
_Static_assert(sizeof(struct xen_domctl_scheduler_op) == 24, "xen_domctl_scheduler_op size");
_Static_assert(offsetof(struct xen_domctl_scheduler_op, cmd) == 4, "scheduler_op.cmd");
_Static_assert(offsetof(struct xen_domctl_scheduler_op, u) == 8, "scheduler_op.u");
_Static_assert(offsetof(struct xen_domctl_scheduler_op, u.v.nr_vcpus) == 16, "scheduler_op.u.v.nr_vcpus");

_Static_assert(sizeof(struct xen_domctl_setdomainhandle) == 16, "xen_domctl_setdomainhandle size");
_Static_assert(sizeof(struct xen_domctl_irq_permission) == 8, "xen_domctl_irq_permission size");
_Static_assert(offsetof(struct xen_domctl_irq_permission, allow_access) == 4,
               "irq_permission.allow_access");
_Static_assert(sizeof(struct xen_domctl_iomem_permission) == 24, "xen_domctl_iomem_permission size");
_Static_assert(offsetof(struct xen_domctl_iomem_permission, nr_mfns) == 8, "iomem_permission.nr_mfns");
_Static_assert(offsetof(struct xen_domctl_iomem_permission, allow_access) == 16,
               "iomem_permission.allow_access");
_Static_assert(sizeof(struct xen_domctl_ioport_permission) == 12, "xen_domctl_ioport_permission size");
_Static_assert(offsetof(struct xen_domctl_ioport_permission, nr_ports) == 4,
               "ioport_permission.nr_ports");
_Static_assert(offsetof(struct xen_domctl_ioport_permission, allow_access) == 8,
               "ioport_permission.allow_access");
_Static_assert(sizeof(struct xen_domctl_settimeoffset) == 8, "xen_domctl_settimeoffset size");
_Static_assert(sizeof(struct xen_domctl_hvmcontext) == 16, "xen_domctl_hvmcontext size");
_Static_assert(offsetof(struct xen_domctl_hvmcontext, buffer) == 8, "hvmcontext.buffer");
_Static_assert(sizeof(struct xen_domctl_sendtrigger) == 8, "xen_domctl_sendtrigger size");
_Static_assert(offsetof(struct xen_domctl_sendtrigger, vcpu) == 4, "sendtrigger.vcpu");
_Static_assert(sizeof(struct xen_domctl_set_target) == 2, "xen_domctl_set_target size");

_Static_assert(sizeof(struct xen_domctl_cpu_policy) == 40, "xen_domctl_cpu_policy size");
_Static_assert(offsetof(struct xen_domctl_cpu_policy, nr_msrs) == 4, "cpu_policy.nr_msrs");
_Static_assert(offsetof(struct xen_domctl_cpu_policy, leaves) == 8, "cpu_policy.leaves");
_Static_assert(offsetof(struct xen_domctl_cpu_policy, msrs) == 16, "cpu_policy.msrs");
_Static_assert(offsetof(struct xen_domctl_cpu_policy, err_leaf) == 24, "cpu_policy.err_leaf");
_Static_assert(offsetof(struct xen_domctl_cpu_policy, err_subleaf) == 28, "cpu_policy.err_subleaf");
_Static_assert(offsetof(struct xen_domctl_cpu_policy, err_msr) == 32, "cpu_policy.err_msr");

_Static_assert(sizeof(struct xen_domctl_tsc_info) == 24, "xen_domctl_tsc_info size");
_Static_assert(offsetof(struct xen_domctl_tsc_info, gtsc_khz) == 4, "tsc_info.gtsc_khz");
_Static_assert(offsetof(struct xen_domctl_tsc_info, incarnation) == 8, "tsc_info.incarnation");
_Static_assert(offsetof(struct xen_domctl_tsc_info, elapsed_nsec) == 16, "tsc_info.elapsed_nsec");
_Static_assert(sizeof(struct xen_domctl_paging_mempool) == 8, "xen_domctl_paging_mempool size");

_Static_assert(sizeof(struct xen_domctl) == 144, "xen_domctl size");
_Static_assert(offsetof(struct xen_domctl, interface_version) == 4, "xen_domctl.interface_version");
_Static_assert(offsetof(struct xen_domctl, domain) == 8, "xen_domctl.domain");
_Static_assert(offsetof(struct xen_domctl, _pad) == 10, "xen_domctl._pad");
_Static_assert(offsetof(struct xen_domctl, u) == 16, "xen_domctl.u");
_Static_assert(sizeof(((struct xen_domctl *)0)->u) == 128, "xen_domctl.u size");

#endif /* BASTION_PUBLIC_DOMCTL_H */
