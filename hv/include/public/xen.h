/* Follows Xen's public header xen/include/public/xen.h. */
/*
 * The core of the Xen guest ABI: hypercall numbers (the value a guest puts
 * in RAX before VMCALL/VMMCALL), virtual IRQ numbers, reserved domain ids,
 * vm_assist and console_io sub-ops, start-info flags, and the page a guest
 * maps with XENMAPSPACE_shared_info: per-vCPU event and time state
 * (vcpu_info, vcpu_time_info), the 2-level event-channel bitmaps and the
 * wall clock; also the domain handle (UUID) and bitmap that domctl and
 * sysctl share.  Layouts are Xen's x86-64 ones, checked below.
 */
#ifndef BASTION_PUBLIC_XEN_H
#define BASTION_PUBLIC_XEN_H

#include <stddef.h>
#include <stdint.h>

#include "arch-x86/xen.h"

/* Hypercall numbers (RAX). */
#define __HYPERVISOR_set_trap_table                 0
#define __HYPERVISOR_mmu_update                     1
#define __HYPERVISOR_set_gdt                        2
#define __HYPERVISOR_stack_switch                   3
#define __HYPERVISOR_set_callbacks                  4
#define __HYPERVISOR_fpu_taskswitch                 5
#define __HYPERVISOR_sched_op_compat                6
#define __HYPERVISOR_platform_op                    7
#define __HYPERVISOR_set_debugreg                   8
#define __HYPERVISOR_get_debugreg                   9
#define __HYPERVISOR_update_descriptor             10
#define __HYPERVISOR_memory_op                     12
#define __HYPERVISOR_multicall                     13
#define __HYPERVISOR_update_va_mapping             14
#define __HYPERVISOR_set_timer_op                  15
#define __HYPERVISOR_event_channel_op_compat       16
#define __HYPERVISOR_xen_version                   17
#define __HYPERVISOR_console_io                    18
#define __HYPERVISOR_physdev_op_compat             19
#define __HYPERVISOR_grant_table_op                20
#define __HYPERVISOR_vm_assist                     21
#define __HYPERVISOR_update_va_mapping_otherdomain 22
#define __HYPERVISOR_iret                          23
#define __HYPERVISOR_vcpu_op                       24
#define __HYPERVISOR_set_segment_base              25
#define __HYPERVISOR_mmuext_op                     26
#define __HYPERVISOR_xsm_op                        27
#define __HYPERVISOR_nmi_op                        28
#define __HYPERVISOR_sched_op                      29
#define __HYPERVISOR_callback_op                   30
#define __HYPERVISOR_xenoprof_op                   31
#define __HYPERVISOR_event_channel_op              32
#define __HYPERVISOR_physdev_op                    33
#define __HYPERVISOR_hvm_op                        34
#define __HYPERVISOR_sysctl                        35
#define __HYPERVISOR_domctl                        36
#define __HYPERVISOR_kexec_op                      37
#define __HYPERVISOR_tmem_op                       38
#define __HYPERVISOR_argo_op                       39
#define __HYPERVISOR_xenpmu_op                     40
#define __HYPERVISOR_dm_op                         41
#define __HYPERVISOR_hypfs_op                      42
#define __HYPERVISOR_arch_0                        48
#define __HYPERVISOR_arch_1                        49
#define __HYPERVISOR_arch_2                        50
#define __HYPERVISOR_arch_3                        51
#define __HYPERVISOR_arch_4                        52
#define __HYPERVISOR_arch_5                        53
#define __HYPERVISOR_arch_6                        54
#define __HYPERVISOR_arch_7                        55
/* x86 name for the first architecture slot (arch-x86/xen-mca.h). */
#define __HYPERVISOR_mca                           __HYPERVISOR_arch_0

/* Virtual IRQs, bound with EVTCHNOP_bind_virq.  V = per vCPU, G = global. */
#define VIRQ_TIMER       0  /* V: single-shot or periodic timer fired */
#define VIRQ_DEBUG       1  /* V: dump debug state */
#define VIRQ_CONSOLE     2  /* G: input on the hypervisor console (dom0) */
#define VIRQ_DOM_EXC     3  /* G: some domain changed state (toolstack) */
#define VIRQ_TBUF        4  /* G: trace records available */
#define VIRQ_DEBUGGER    6  /* G: a domain paused for debugging */
#define VIRQ_XENOPROF    7  /* V: profiling sample */
#define VIRQ_CON_RING    8  /* G: console ring has data */
#define VIRQ_PCPU_STATE  9  /* G: physical CPU state changed */
#define VIRQ_MEM_EVENT  10  /* G: memory event */
#define VIRQ_ARGO       11  /* Argo message */
#define VIRQ_ENOMEM     12  /* G: hypervisor low on memory */
#define VIRQ_XENPMU     13  /* V: PMU interrupt */
#define VIRQ_ARCH_0     16
#define VIRQ_ARCH_1     17
#define VIRQ_ARCH_2     18
#define VIRQ_ARCH_3     19
#define VIRQ_ARCH_4     20
#define VIRQ_ARCH_5     21
#define VIRQ_ARCH_6     22
#define VIRQ_ARCH_7     23
#define NR_VIRQS        24
/* x86 name for the first architecture VIRQ (arch-x86/xen-mca.h). */
#define VIRQ_MCA        VIRQ_ARCH_0

/* console_io(cmd, count, buffer). */
#define CONSOLEIO_write 0
#define CONSOLEIO_read  1

/* vm_assist(cmd, type). */
#define VMASST_CMD_enable                0
#define VMASST_CMD_disable               1
#define VMASST_TYPE_4gb_segments         0
#define VMASST_TYPE_4gb_segments_notify  1
#define VMASST_TYPE_writable_pagetables  2
#define VMASST_TYPE_pae_extended_cr3     3
#define VMASST_TYPE_architectural_iopl   4
#define VMASST_TYPE_runstate_update_flag 5
#define VMASST_TYPE_m2p_strict          32

/* Domain ids: real domains are below DOMID_FIRST_RESERVED. */
typedef uint16_t domid_t;
#define DOMID_FIRST_RESERVED 0x7FF0U
#define DOMID_SELF           0x7FF0U
#define DOMID_IO             0x7FF1U
#define DOMID_XEN            0x7FF2U
#define DOMID_COW            0x7FF3U
#define DOMID_INVALID        0x7FF4U
#define DOMID_ANY            0x7FF5U
#define DOMID_IDLE           0x7FFFU
#define DOMID_MASK           0x7FFFU

/* A domain's UUID (XENVER_guest_handle, domctl createdomain/getdomaininfo). */
typedef uint8_t xen_domain_handle_t[16];

/* A bitmap in caller memory (CPU or node masks of domctl/sysctl). */
struct xenctl_bitmap {
    XEN_GUEST_HANDLE_64(uint8) bitmap;  /* GVA of (nr_bits + 7) / 8 bytes */
    uint32_t nr_bits;
};
typedef struct xenctl_bitmap xenctl_bitmap_t;

/* start_info / hvm_start_info flags. */
#define SIF_PRIVILEGED      (1 << 0)  /* domain may touch hardware */
#define SIF_INITDOMAIN      (1 << 1)  /* the initial domain (dom0) */
#define SIF_MULTIBOOT_MOD   (1 << 2)  /* PV: mod_start is a multiboot module */
#define SIF_MOD_START_PFN   (1 << 3)  /* PV: mod_start is a PFN */
#define SIF_VIRT_P2M_4TOOLS (1 << 4)  /* PV: tools understand a virtual p2m */
#define SIF_PM_MASK         (0xFF << 8)

/* One entry of a multicall batch (hypercall 13). */
struct multicall_entry {
    xen_ulong_t op;
    xen_ulong_t result;
    xen_ulong_t args[6];
};
typedef struct multicall_entry multicall_entry_t;

/* The boot console dom0 should use (XENPF_get_dom0_console, PV start_info). */
#define XEN_VGATYPE_TEXT_MODE_3 0x03
#define XEN_VGATYPE_VESA_LFB    0x23
#define XEN_VGATYPE_EFI_LFB     0x70

struct dom0_vga_console_info {
    uint8_t video_type;   /* XEN_VGATYPE_* */
    union {
        struct {
            uint16_t font_height;
            uint16_t cursor_x, cursor_y;
            uint16_t rows, columns;
        } text_mode_3;
        struct {
            uint16_t width, height;       /* pixels */
            uint16_t bytes_per_line;
            uint16_t bits_per_pixel;
            uint32_t lfb_base;            /* low 32 bits of the frame buffer */
            uint32_t lfb_size;            /* in 64 KiB units */
            uint8_t red_pos, red_size;
            uint8_t green_pos, green_size;
            uint8_t blue_pos, blue_size;
            uint8_t rsvd_pos, rsvd_size;
            uint32_t gbl_caps;            /* VBE capabilities */
            uint16_t mode_attrs;          /* VBE mode attributes */
            uint16_t pad;
            uint32_t ext_lfb_base;        /* high 32 bits of lfb_base */
        } vesa_lfb;
    } u;
};
typedef struct dom0_vga_console_info dom0_vga_console_info_t;

/* vcpu_time_info.flags */
#define XEN_PVCLOCK_TSC_STABLE_BIT (1 << 0)
#define XEN_PVCLOCK_GUEST_STOPPED  (1 << 1)

/*
 * pvclock: system time (ns since boot) = system_time + scaled
 * (TSC - tsc_timestamp), where scaling shifts by tsc_shift (left if
 * positive) and multiplies by tsc_to_system_mul / 2^32.  version is odd
 * while the hypervisor updates the record.
 */
struct vcpu_time_info {
    uint32_t version;
    uint32_t pad0;
    uint64_t tsc_timestamp;
    uint64_t system_time;
    uint32_t tsc_to_system_mul;
    int8_t tsc_shift;
    uint8_t flags;
    uint8_t pad1[2];
};
typedef struct vcpu_time_info vcpu_time_info_t;

/* Per-vCPU event and time state (64 bytes). */
struct vcpu_info {
    uint8_t evtchn_upcall_pending;  /* an upcall is due */
    uint8_t evtchn_upcall_mask;     /* PV only: upcalls masked */
    xen_ulong_t evtchn_pending_sel; /* words of evtchn_pending with work */
    struct arch_vcpu_info arch;
    struct vcpu_time_info time;
};
typedef struct vcpu_info vcpu_info_t;

/* The shared_info page (3136 of its 4096 bytes used). */
struct shared_info {
    struct vcpu_info vcpu_info[XEN_LEGACY_MAX_VCPUS];
    xen_ulong_t evtchn_pending[sizeof(xen_ulong_t) * 8];
    xen_ulong_t evtchn_mask[sizeof(xen_ulong_t) * 8];
    uint32_t wc_version;  /* odd while wc_* is updated */
    uint32_t wc_sec;      /* wall clock at system time 0 */
    uint32_t wc_nsec;
    uint32_t wc_sec_hi;   /* upper 32 bits of wc_sec */
    struct arch_shared_info arch;
};
typedef struct shared_info shared_info_t;
#define xen_wc_sec_hi wc_sec_hi

_Static_assert(sizeof(xen_domain_handle_t) == 16, "xen_domain_handle_t size");
_Static_assert(sizeof(struct xenctl_bitmap) == 16, "xenctl_bitmap size");
_Static_assert(offsetof(struct xenctl_bitmap, nr_bits) == 8, "xenctl_bitmap.nr_bits");

_Static_assert(sizeof(struct multicall_entry) == 64, "multicall_entry size");
_Static_assert(offsetof(struct multicall_entry, args) == 16, "multicall_entry.args");

_Static_assert(sizeof(struct dom0_vga_console_info) == 40, "dom0_vga_console_info size");
_Static_assert(offsetof(struct dom0_vga_console_info, u) == 4, "dom0_vga_console_info.u");
_Static_assert(offsetof(struct dom0_vga_console_info, u.vesa_lfb.lfb_base) == 12,
               "dom0_vga_console_info.u.vesa_lfb.lfb_base");
_Static_assert(offsetof(struct dom0_vga_console_info, u.vesa_lfb.gbl_caps) == 28,
               "dom0_vga_console_info.u.vesa_lfb.gbl_caps");
_Static_assert(offsetof(struct dom0_vga_console_info, u.vesa_lfb.ext_lfb_base) == 36,
               "dom0_vga_console_info.u.vesa_lfb.ext_lfb_base");

_Static_assert(sizeof(struct vcpu_time_info) == 32, "vcpu_time_info size");
_Static_assert(offsetof(struct vcpu_time_info, tsc_timestamp) == 8, "vcpu_time_info.tsc_timestamp");
_Static_assert(offsetof(struct vcpu_time_info, system_time) == 16, "vcpu_time_info.system_time");
_Static_assert(offsetof(struct vcpu_time_info, tsc_to_system_mul) == 24,
               "vcpu_time_info.tsc_to_system_mul");
_Static_assert(offsetof(struct vcpu_time_info, tsc_shift) == 28, "vcpu_time_info.tsc_shift");
_Static_assert(offsetof(struct vcpu_time_info, flags) == 29, "vcpu_time_info.flags");

_Static_assert(sizeof(struct vcpu_info) == 64, "vcpu_info size");
_Static_assert(offsetof(struct vcpu_info, evtchn_upcall_mask) == 1, "vcpu_info.evtchn_upcall_mask");
_Static_assert(offsetof(struct vcpu_info, evtchn_pending_sel) == 8, "vcpu_info.evtchn_pending_sel");
_Static_assert(offsetof(struct vcpu_info, arch) == 16, "vcpu_info.arch");
_Static_assert(offsetof(struct vcpu_info, time) == 32, "vcpu_info.time");

_Static_assert(sizeof(struct shared_info) == 3136, "shared_info size");
_Static_assert(offsetof(struct shared_info, evtchn_pending) == 2048, "shared_info.evtchn_pending");
_Static_assert(offsetof(struct shared_info, evtchn_mask) == 2560, "shared_info.evtchn_mask");
_Static_assert(offsetof(struct shared_info, wc_version) == 3072, "shared_info.wc_version");
_Static_assert(offsetof(struct shared_info, wc_sec) == 3076, "shared_info.wc_sec");
_Static_assert(offsetof(struct shared_info, wc_nsec) == 3080, "shared_info.wc_nsec");
_Static_assert(offsetof(struct shared_info, wc_sec_hi) == 3084, "shared_info.wc_sec_hi");
_Static_assert(offsetof(struct shared_info, arch) == 3088, "shared_info.arch");

#endif /* BASTION_PUBLIC_XEN_H */
