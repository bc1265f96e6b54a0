/* Follows Xen's public header xen/include/public/arch-x86/hvm/start_info.h. */
/*
 * The PVH boot information a domain builder leaves in guest memory and
 * passes in EBX at the PVH entry point (ELF note PHYS32_ENTRY): command
 * line, modules (module 0 is the initrd for Linux), ACPI RSDP and, from
 * version 1, an E820-style memory map.  All addresses are guest-physical.
 * Linux copies 56 bytes whatever the version, so a version-0 record still
 * needs 56 readable bytes.  See /work/shared/notes/pvh-abi.md section 1.4.
 */
#ifndef BASTION_PUBLIC_HVM_START_INFO_H
#define BASTION_PUBLIC_HVM_START_INFO_H

#include <stddef.h>
#include <stdint.h>

#include "../xen.h"   /* SIF_* flags */

#define XEN_HVM_START_MAGIC_VALUE 0x336ec578

/* hvm_memmap_table_entry.type: the E820 types. */
#define XEN_HVM_MEMMAP_TYPE_RAM       1
#define XEN_HVM_MEMMAP_TYPE_RESERVED  2
#define XEN_HVM_MEMMAP_TYPE_ACPI      3
#define XEN_HVM_MEMMAP_TYPE_NVS       4
#define XEN_HVM_MEMMAP_TYPE_UNUSABLE  5
#define XEN_HVM_MEMMAP_TYPE_DISABLED  6
#define XEN_HVM_MEMMAP_TYPE_PMEM      7

struct hvm_start_info {
    uint32_t magic;            /* XEN_HVM_START_MAGIC_VALUE */
    uint32_t version;          /* 0 or 1 */
    uint32_t flags;            /* SIF_* */
    uint32_t nr_modules;
    uint64_t modlist_paddr;    /* array of hvm_modlist_entry */
    uint64_t cmdline_paddr;    /* NUL-terminated; 0 = none */
    uint64_t rsdp_paddr;       /* 0 = guest searches for it */
    /* version 1 and later */
    uint64_t memmap_paddr;     /* array of hvm_memmap_table_entry */
    uint32_t memmap_entries;
    uint32_t reserved;         /* zero */
};

struct hvm_modlist_entry {
    uint64_t paddr;
    uint64_t size;             /* bytes */
    uint64_t cmdline_paddr;    /* 0 = none */
    uint64_t reserved;
};

struct hvm_memmap_table_entry {
    uint64_t addr;
    uint64_t size;
    uint32_t type;             /* XEN_HVM_MEMMAP_TYPE_* */
    uint32_t reserved;         /* zero */
};

_Static_assert(sizeof(struct hvm_start_info) == 56, "hvm_start_info size (v1)");
_Static_assert(offsetof(struct hvm_start_info, version) == 4, "hvm_start_info.version");
_Static_assert(offsetof(struct hvm_start_info, flags) == 8, "hvm_start_info.flags");
_Static_assert(offsetof(struct hvm_start_info, nr_modules) == 12, "hvm_start_info.nr_modules");
_Static_assert(offsetof(struct hvm_start_info, modlist_paddr) == 16, "hvm_start_info.modlist_paddr");
_Static_assert(offsetof(struct hvm_start_info, cmdline_paddr) == 24, "hvm_start_info.cmdline_paddr");
_Static_assert(offsetof(struct hvm_start_info, rsdp_paddr) == 32, "hvm_start_info.rsdp_paddr");
_Static_assert(offsetof(struct hvm_start_info, memmap_paddr) == 40,
               "hvm_start_info.memmap_paddr (v0 ends here)");
_Static_assert(offsetof(struct hvm_start_info, memmap_entries) == 48,
               "hvm_start_info.memmap_entries");
_Static_assert(offsetof(struct hvm_start_info, reserved) == 52, "hvm_start_info.reserved");
_Static_assert(sizeof(struct hvm_modlist_entry) == 32, "hvm_modlist_entry size");
_Static_assert(offsetof(struct hvm_modlist_entry, size) == 8, "hvm_modlist_entry.size");
_Static_assert(offsetof(struct hvm_modlist_entry, cmdline_paddr) == 16,
               "hvm_modlist_entry.cmdline_paddr");
_Static_assert(sizeof(struct hvm_memmap_table_entry) == 24, "hvm_memmap_table_entry size");
_Static_assert(offsetof(struct hvm_memmap_table_entry, size) == 8, "hvm_memmap_table_entry.size");
_Static_assert(offsetof(struct hvm_memmap_table_entry, type) == 16, "hvm_memmap_table_entry.type");
_Static_assert(offsetof(struct hvm_memmap_table_entry, reserved) == 20,
               "hvm_memmap_table_entry.reserved");

#endif /* BASTION_PUBLIC_HVM_START_INFO_H */
