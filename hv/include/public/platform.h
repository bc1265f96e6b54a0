/* Follows Xen's public header xen/include/public/platform.h. */
/*
 * platform_op(op): dom0's control of the physical platform (wall-clock
 * setting, firmware information, physical CPU list, the boot console).
 * One structure, xen_platform_op, carries every sub-op: cmd, the
 * interface version the caller was built against (Xen refuses any other
 * with -EACCES) and a union Xen sizes to 128 bytes, so the whole is
 * 136 bytes.  Only the members a PVH dom0 on this hypervisor touches are
 * spelt out; the pad keeps the size of the rest.
 */
#ifndef BASTION_PUBLIC_PLATFORM_H
#define BASTION_PUBLIC_PLATFORM_H

#include <stddef.h>
#include <stdint.h>

#include "xen.h"

#define XENPF_INTERFACE_VERSION 0x03000001

#define XENPF_settime32            17
#define XENPF_add_memtype          31
#define XENPF_del_memtype          32
#define XENPF_read_memtype         33
#define XENPF_microcode_update     35
#define XENPF_platform_quirk       39
#define XENPF_get_cpu_version      48
#define XENPF_efi_runtime_call     49
#define XENPF_firmware_info        50
#define XENPF_enter_acpi_sleep     51
#define XENPF_change_freq          52
#define XENPF_getidletime          53
#define XENPF_set_processor_pminfo 54
#define XENPF_get_cpuinfo          55
#define XENPF_cpu_online           56
#define XENPF_cpu_offline          57
#define XENPF_cpu_hotadd           58
#define XENPF_mem_hotadd           59
#define XENPF_core_parking         60
#define XENPF_resource_op          61
#define XENPF_settime64            62
#define XENPF_get_symbol           63
#define XENPF_get_dom0_console     64
#define XENPF_get_ucode_revision   65
#define XENPF_microcode_update2    66

struct xenpf_settime32 {
    uint32_t secs;
    uint32_t nsecs;
    uint64_t system_time;   /* the system time the wall clock refers to */
};
typedef struct xenpf_settime32 xenpf_settime32_t;

struct xenpf_settime64 {
    uint64_t secs;
    uint32_t nsecs;
    uint32_t mbz;           /* must be zero */
    uint64_t system_time;
};
typedef struct xenpf_settime64 xenpf_settime64_t;

/* xenpf_firmware_info.type */
#define XEN_FW_DISK_INFO           1
#define XEN_FW_DISK_MBR_SIGNATURE  2
#define XEN_FW_VBEDDC_INFO         3
#define XEN_FW_EFI_INFO            4
#define XEN_FW_KBD_SHIFT_FLAGS     5
/* xenpf_firmware_info.index with XEN_FW_EFI_INFO */
#define XEN_FW_EFI_VERSION          0
#define XEN_FW_EFI_CONFIG_TABLE     1
#define XEN_FW_EFI_VENDOR           2
#define XEN_FW_EFI_MEM_INFO         3
#define XEN_FW_EFI_RT_VERSION       4
#define XEN_FW_EFI_PCI_ROM          5
#define XEN_FW_EFI_APPLE_PROPERTIES 6

struct xenpf_firmware_info {
    uint32_t type;          /* XEN_FW_* */
    uint32_t index;
    union {
        struct {
            uint8_t device;
            uint8_t version;
            uint16_t interface_support;
            uint16_t legacy_max_cylinder;
            uint8_t legacy_max_head;
            uint8_t legacy_sectors_per_track;
            XEN_GUEST_HANDLE(void) edd_params;
        } disk_info;
        struct {
            uint8_t device;
            uint32_t mbr_signature;
        } disk_mbr_signature;
        struct {
            uint8_t capabilities;
            uint8_t edid_transfer_time;
            XEN_GUEST_HANDLE(uint8) edid;
        } vbeddc_info;
        union xenpf_efi_info {
            uint32_t version;
            struct {
                uint64_t addr;
                uint32_t nent;
            } cfg;
            struct {
                uint32_t revision;
                uint32_t bufsz;
                XEN_GUEST_HANDLE(void) name;
            } vendor;
            struct {
                uint64_t addr;
                uint64_t size;
                uint64_t attr;
                uint32_t type;
            } mem;
            struct {
                uint16_t segment;
                uint8_t bus;
                uint8_t devfn;
                uint16_t vendor;
                uint16_t devid;
                uint64_t address;
                xen_ulong_t size;
            } pci_rom;
            struct {
                uint64_t address;
                xen_ulong_t size;
            } apple_properties;
        } efi_info;
        uint8_t kbd_shift_flags;
    } u;
};
typedef struct xenpf_firmware_info xenpf_firmware_info_t;

#define XEN_PCPU_FLAGS_ONLINE  1
#define XEN_PCPU_FLAGS_INVALID 2
struct xenpf_pcpuinfo {
    uint32_t xen_cpuid;     /* in */
    uint32_t max_present;   /* out */
    uint32_t flags;         /* out: XEN_PCPU_FLAGS_* */
    uint32_t apic_id;
    uint32_t acpi_id;
};
typedef struct xenpf_pcpuinfo xenpf_pcpuinfo_t;

typedef struct dom0_vga_console_info xenpf_dom0_console_t;

struct xen_platform_op {
    uint32_t cmd;                 /* XENPF_* */
    uint32_t interface_version;   /* XENPF_INTERFACE_VERSION */
    union {
        xenpf_settime32_t settime32;
        xenpf_settime64_t settime64;
        xenpf_firmware_info_t firmware_info;
        xenpf_pcpuinfo_t pcpu_info;
        xenpf_dom0_console_t dom0_console;
        uint8_t pad[128];
    } u;
};
typedef struct xen_platform_op xen_platform_op_t;

_Static_assert(sizeof(struct xenpf_settime32) == 16, "xenpf_settime32 size");
_Static_assert(offsetof(struct xenpf_settime32, system_time) == 8, "xenpf_settime32.system_time");
_Static_assert(sizeof(struct xenpf_settime64) == 24, "xenpf_settime64 size");
_Static_assert(offsetof(struct xenpf_settime64, nsecs) == 8, "xenpf_settime64.nsecs");
_Static_assert(offsetof(struct xenpf_settime64, mbz) == 12, "xenpf_settime64.mbz");
_Static_assert(offsetof(struct xenpf_settime64, system_time) == 16, "xenpf_settime64.system_time");
_Static_assert(sizeof(struct xenpf_firmware_info) == 40, "xenpf_firmware_info size");
_Static_assert(offsetof(struct xenpf_firmware_info, u) == 8, "xenpf_firmware_info.u");
_Static_assert(offsetof(struct xenpf_firmware_info, u.disk_info.edd_params) == 16,
               "xenpf_firmware_info.u.disk_info.edd_params");
_Static_assert(offsetof(struct xenpf_firmware_info, u.disk_mbr_signature.mbr_signature) == 12,
               "xenpf_firmware_info.u.disk_mbr_signature.mbr_signature");
_Static_assert(offsetof(struct xenpf_firmware_info, u.efi_info.mem.type) == 32,
               "xenpf_firmware_info.u.efi_info.mem.type");
_Static_assert(sizeof(struct xenpf_pcpuinfo) == 20, "xenpf_pcpuinfo size");
_Static_assert(offsetof(struct xenpf_pcpuinfo, acpi_id) == 16, "xenpf_pcpuinfo.acpi_id");
_Static_assert(sizeof(struct xen_platform_op) == 136, "xen_platform_op size");
_Static_assert(offsetof(struct xen_platform_op, interface_version) == 4,
               "xen_platform_op.interface_version");
_Static_assert(offsetof(struct xen_platform_op, u) == 8, "xen_platform_op.u");
_Static_assert(sizeof(((struct xen_platform_op *)0)->u) == 128, "xen_platform_op.u size");

#endif /* BASTION_PUBLIC_PLATFORM_H */
