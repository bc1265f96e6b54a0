/* Follows Xen's public header xen/include/public/vcpu.h. */
/*
 * vcpu_op(cmd, vcpuid, arg): per-vCPU control.  Bringing vCPUs up and
 * down, the runstate accounting area, the periodic and single-shot
 * timers (which raise VIRQ_TIMER), and moving vcpu_info or the time
 * record out of shared_info into a guest page.  In the *_memory_area
 * calls addr is a guest virtual address; in the *_phys_area calls
 * (14, 15) the same structure carries a guest physical address in addr.p.
 */
#ifndef BASTION_PUBLIC_VCPU_H
#define BASTION_PUBLIC_VCPU_H

#include <stddef.h>
#include <stdint.h>

#include "xen.h"

#define VCPUOP_initialise                      0
#define VCPUOP_up                              1
#define VCPUOP_down                            2
#define VCPUOP_is_up                           3
#define VCPUOP_get_runstate_info               4
#define VCPUOP_register_runstate_memory_area   5
#define VCPUOP_set_periodic_timer              6
#define VCPUOP_stop_periodic_timer             7   /* arg NULL */
#define VCPUOP_set_singleshot_timer            8
#define VCPUOP_stop_singleshot_timer           9   /* arg NULL */
#define VCPUOP_register_vcpu_info             10
#define VCPUOP_send_nmi                       11   /* arg NULL */
#define VCPUOP_get_physid                     12
#define VCPUOP_register_vcpu_time_memory_area 13
#define VCPUOP_register_runstate_phys_area    14
#define VCPUOP_register_vcpu_time_phys_area   15

/* vcpu_runstate_info.state */
#define RUNSTATE_running   0
#define RUNSTATE_runnable  1
#define RUNSTATE_blocked   2
#define RUNSTATE_offline   3

/* Set in state_entry_time while the record is being rewritten
 * (with VMASST_TYPE_runstate_update_flag enabled). */
#define XEN_RUNSTATE_UPDATE (1ULL << 63)

struct vcpu_runstate_info {
    int32_t state;              /* RUNSTATE_* */
    uint64_t state_entry_time;  /* system time of the last state change */
    uint64_t time[4];           /* ns spent in each RUNSTATE_* */
};
typedef struct vcpu_runstate_info vcpu_runstate_info_t;

struct vcpu_register_runstate_memory_area {
    union {
        XEN_GUEST_HANDLE(vcpu_runstate_info_t) h;  /* GVA */
        uint64_t p;                                /* GPA (phys_area op) */
    } addr;
};
typedef struct vcpu_register_runstate_memory_area vcpu_register_runstate_memory_area_t;

struct vcpu_set_periodic_timer {
    uint64_t period_ns;
};
typedef struct vcpu_set_periodic_timer vcpu_set_periodic_timer_t;

/* Fail with -ETIME if the deadline is already in the past. */
#define _VCPU_SSHOTTMR_future 0
#define VCPU_SSHOTTMR_future  (1U << _VCPU_SSHOTTMR_future)

struct vcpu_set_singleshot_timer {
    uint64_t timeout_abs_ns;   /* absolute system time */
    uint32_t flags;            /* VCPU_SSHOTTMR_* */
};
typedef struct vcpu_set_singleshot_timer vcpu_set_singleshot_timer_t;

/* vcpu_info moves to GFN mfn, byte offset; the 64 bytes must fit the page. */
struct vcpu_register_vcpu_info {
    uint64_t mfn;
    uint32_t offset;
    uint32_t rsvd;
};
typedef struct vcpu_register_vcpu_info vcpu_register_vcpu_info_t;

/* APIC id in bits 0-31, ACPI id in bits 32-63. */
struct vcpu_get_physid {
    uint64_t phys_id;
};
typedef struct vcpu_get_physid vcpu_get_physid_t;
#define xen_vcpu_physid_to_x86_apicid(physid) ((uint32_t)(physid))
#define xen_vcpu_physid_to_x86_acpiid(physid) ((uint32_t)((physid) >> 32))

struct vcpu_register_time_memory_area {
    union {
        XEN_GUEST_HANDLE(vcpu_time_info_t) h;  /* GVA */
        uint64_t p;                            /* GPA (phys_area op) */
    } addr;
};
typedef struct vcpu_register_time_memory_area vcpu_register_time_memory_area_t;

_Static_assert(sizeof(struct vcpu_runstate_info) == 48, "vcpu_runstate_info size");
_Static_assert(offsetof(struct vcpu_runstate_info, state_entry_time) == 8,
               "vcpu_runstate_info.state_entry_time");
_Static_assert(offsetof(struct vcpu_runstate_info, time) == 16, "vcpu_runstate_info.time");
_Static_assert(sizeof(struct vcpu_register_runstate_memory_area) == 8,
               "vcpu_register_runstate_memory_area size");
_Static_assert(sizeof(struct vcpu_set_periodic_timer) == 8, "vcpu_set_periodic_timer size");
_Static_assert(sizeof(struct vcpu_set_singleshot_timer) == 16, "vcpu_set_singleshot_timer size");
_Static_assert(offsetof(struct vcpu_set_singleshot_timer, flags) == 8,
               "vcpu_set_singleshot_timer.flags");
_Static_assert(sizeof(struct vcpu_register_vcpu_info) == 16, "vcpu_register_vcpu_info size");
_Static_assert(offsetof(struct vcpu_register_vcpu_info, offset) == 8,
               "vcpu_register_vcpu_info.offset");
_Static_assert(offsetof(struct vcpu_register_vcpu_info, rsvd) == 12,
               "vcpu_register_vcpu_info.rsvd");
_Static_assert(sizeof(struct vcpu_get_physid) == 8, "vcpu_get_physid size");
_Static_assert(sizeof(struct vcpu_register_time_memory_area) == 8,
               "vcpu_register_time_memory_area size");

#endif /* BASTION_PUBLIC_VCPU_H */
