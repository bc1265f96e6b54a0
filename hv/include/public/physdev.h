/* Follows Xen's public header xen/include/public/physdev.h. */
/*
 * physdev_op(cmd, arg): dom0's dealings with physical devices: PIRQ
 * mapping and EOI (PV and HVM-with-PIRQs), telling the hypervisor about
 * PCI devices and MMCONFIG areas, and the USB debug port.  A PVH dom0
 * issues the PCI notifications (pci_mmcfg_reserved, pci_device_add,
 * manage_pci_add*) and dbgp_op; the rest is listed for completeness.
 */
#ifndef BASTION_PUBLIC_PHYSDEV_H
#define BASTION_PUBLIC_PHYSDEV_H

#include <stddef.h>
#include <stdint.h>

#include "xen.h"

#define PHYSDEVOP_IRQ_UNMASK_NOTIFY   4
#define PHYSDEVOP_irq_status_query    5
#define PHYSDEVOP_set_iopl            6
#define PHYSDEVOP_set_iobitmap        7
#define PHYSDEVOP_apic_read           8
#define PHYSDEVOP_apic_write          9
#define PHYSDEVOP_alloc_irq_vector   10
#define PHYSDEVOP_free_irq_vector    11
#define PHYSDEVOP_eoi                12
#define PHYSDEVOP_map_pirq           13
#define PHYSDEVOP_unmap_pirq         14
#define PHYSDEVOP_manage_pci_add     15
#define PHYSDEVOP_manage_pci_remove  16
#define PHYSDEVOP_pirq_eoi_gmfn_v1   17
#define PHYSDEVOP_restore_msi        19
#define PHYSDEVOP_manage_pci_add_ext 20
#define PHYSDEVOP_setup_gsi          21
#define PHYSDEVOP_get_free_pirq      23
#define PHYSDEVOP_pci_mmcfg_reserved 24
#define PHYSDEVOP_pci_device_add     25
#define PHYSDEVOP_pci_device_remove  26
#define PHYSDEVOP_restore_msi_ext    27
#define PHYSDEVOP_pirq_eoi_gmfn_v2   28
#define PHYSDEVOP_dbgp_op            29
#define PHYSDEVOP_prepare_msix       30
#define PHYSDEVOP_release_msix       31
#define PHYSDEVOP_pci_device_reset   32
#define PHYSDEVOP_pirq_eoi_gmfn      PHYSDEVOP_pirq_eoi_gmfn_v2

struct physdev_eoi {
    uint32_t irq;
};
typedef struct physdev_eoi physdev_eoi_t;

struct physdev_pirq_eoi_gmfn {
    xen_pfn_t gmfn;
};
typedef struct physdev_pirq_eoi_gmfn physdev_pirq_eoi_gmfn_t;

#define _XENIRQSTAT_needs_eoi (0)
#define XENIRQSTAT_needs_eoi  (1U << _XENIRQSTAT_needs_eoi)
#define _XENIRQSTAT_shared    (1)
#define XENIRQSTAT_shared     (1U << _XENIRQSTAT_shared)
struct physdev_irq_status_query {
    uint32_t irq;
    uint32_t flags;   /* out: XENIRQSTAT_* */
};
typedef struct physdev_irq_status_query physdev_irq_status_query_t;

struct physdev_set_iopl {
    uint32_t iopl;
};
typedef struct physdev_set_iopl physdev_set_iopl_t;

struct physdev_set_iobitmap {
    XEN_GUEST_HANDLE(uint8) bitmap;
    uint32_t nr_ports;
};
typedef struct physdev_set_iobitmap physdev_set_iobitmap_t;

struct physdev_apic {
    uint64_t apic_physbase;
    uint32_t reg;
    uint32_t value;
};
typedef struct physdev_apic physdev_apic_t;

struct physdev_irq {
    uint32_t irq;
    uint32_t vector;
};
typedef struct physdev_irq physdev_irq_t;

#define MAP_PIRQ_TYPE_MSI        0x0
#define MAP_PIRQ_TYPE_GSI        0x1
#define MAP_PIRQ_TYPE_UNKNOWN    0x2
#define MAP_PIRQ_TYPE_MSI_SEG    0x3
#define MAP_PIRQ_TYPE_MULTI_MSI  0x4
struct physdev_map_pirq {
    domid_t domid;
    int32_t type;       /* MAP_PIRQ_TYPE_* */
    int32_t index;
    int32_t pirq;
    int32_t bus;
    int32_t devfn;
    int32_t entry_nr;
    uint64_t table_base;
};
typedef struct physdev_map_pirq physdev_map_pirq_t;

struct physdev_unmap_pirq {
    domid_t domid;
    int32_t pirq;
};
typedef struct physdev_unmap_pirq physdev_unmap_pirq_t;

struct physdev_manage_pci {
    uint8_t bus;
    uint8_t devfn;
};
typedef struct physdev_manage_pci physdev_manage_pci_t;

struct physdev_restore_msi {
    uint8_t bus;
    uint8_t devfn;
};
typedef struct physdev_restore_msi physdev_restore_msi_t;

struct physdev_manage_pci_ext {
    uint8_t bus;
    uint8_t devfn;
    uint32_t is_extfn;
    uint32_t is_virtfn;
    struct {
        uint8_t bus;
        uint8_t devfn;
    } physfn;
};
typedef struct physdev_manage_pci_ext physdev_manage_pci_ext_t;

struct physdev_setup_gsi {
    int32_t gsi;
    uint8_t triggering;
    uint8_t polarity;
};
typedef struct physdev_setup_gsi physdev_setup_gsi_t;

struct physdev_get_free_pirq {
    int32_t type;
    uint32_t pirq;      /* out */
};
typedef struct physdev_get_free_pirq physdev_get_free_pirq_t;

#define XEN_PCI_MMCFG_RESERVED 0x1
struct physdev_pci_mmcfg_reserved {
    uint64_t address;
    uint16_t segment;
    uint8_t start_bus;
    uint8_t end_bus;
    uint32_t flags;     /* XEN_PCI_MMCFG_* */
};
typedef struct physdev_pci_mmcfg_reserved physdev_pci_mmcfg_reserved_t;

#define XEN_PCI_DEV_EXTFN  0x1
#define XEN_PCI_DEV_VIRTFN 0x2
#define XEN_PCI_DEV_PXM    0x4
struct physdev_pci_device_add {
    uint16_t seg;
    uint8_t bus;
    uint8_t devfn;
    uint32_t flags;     /* XEN_PCI_DEV_* */
    struct {
        uint8_t bus;
        uint8_t devfn;
    } physfn;
    uint32_t optarr[];  /* with XEN_PCI_DEV_PXM: the proximity domain */
};
typedef struct physdev_pci_device_add physdev_pci_device_add_t;

struct physdev_pci_device {
    uint16_t seg;
    uint8_t bus;
    uint8_t devfn;
};
typedef struct physdev_pci_device physdev_pci_device_t;

#define PCI_DEVICE_RESET_COLD 0x0
#define PCI_DEVICE_RESET_WARM 0x1
#define PCI_DEVICE_RESET_HOT  0x2
#define PCI_DEVICE_RESET_FLR  0x3
#define PCI_DEVICE_RESET_MASK 0x3
struct pci_device_reset {
    physdev_pci_device_t dev;
    uint32_t flags;     /* PCI_DEVICE_RESET_* */
};
typedef struct pci_device_reset pci_device_reset_t;

#define PHYSDEVOP_DBGP_RESET_PREPARE 1
#define PHYSDEVOP_DBGP_RESET_DONE    2
#define PHYSDEVOP_DBGP_BUS_UNKNOWN   0
#define PHYSDEVOP_DBGP_BUS_PCI       1
struct physdev_dbgp_op {
    uint8_t op;         /* PHYSDEVOP_DBGP_RESET_* */
    uint8_t bus;        /* PHYSDEVOP_DBGP_BUS_* */
    union {
        physdev_pci_device_t pci;
    } u;
};
typedef struct physdev_dbgp_op physdev_dbgp_op_t;

_Static_assert(sizeof(struct physdev_eoi) == 4, "physdev_eoi size");
_Static_assert(sizeof(struct physdev_pirq_eoi_gmfn) == 8, "physdev_pirq_eoi_gmfn size");
_Static_assert(sizeof(struct physdev_irq_status_query) == 8, "physdev_irq_status_query size");
_Static_assert(sizeof(struct physdev_set_iobitmap) == 16, "physdev_set_iobitmap size");
_Static_assert(offsetof(struct physdev_set_iobitmap, nr_ports) == 8, "physdev_set_iobitmap.nr_ports");
_Static_assert(sizeof(struct physdev_apic) == 16, "physdev_apic size");
_Static_assert(sizeof(struct physdev_irq) == 8, "physdev_irq size");
_Static_assert(sizeof(struct physdev_map_pirq) == 40, "physdev_map_pirq size");
_Static_assert(offsetof(struct physdev_map_pirq, type) == 4, "physdev_map_pirq.type");
_Static_assert(offsetof(struct physdev_map_pirq, entry_nr) == 24, "physdev_map_pirq.entry_nr");
_Static_assert(offsetof(struct physdev_map_pirq, table_base) == 32, "physdev_map_pirq.table_base");
_Static_assert(sizeof(struct physdev_unmap_pirq) == 8, "physdev_unmap_pirq size");
_Static_assert(sizeof(struct physdev_manage_pci) == 2, "physdev_manage_pci size");
_Static_assert(sizeof(struct physdev_manage_pci_ext) == 16, "physdev_manage_pci_ext size");
_Static_assert(offsetof(struct physdev_manage_pci_ext, is_extfn) == 4, "physdev_manage_pci_ext.is_extfn");
_Static_assert(offsetof(struct physdev_manage_pci_ext, physfn) == 12, "physdev_manage_pci_ext.physfn");
_Static_assert(sizeof(struct physdev_setup_gsi) == 8, "physdev_setup_gsi size");
_Static_assert(sizeof(struct physdev_get_free_pirq) == 8, "physdev_get_free_pirq size");
_Static_assert(sizeof(struct physdev_pci_mmcfg_reserved) == 16, "physdev_pci_mmcfg_reserved size");
_Static_assert(offsetof(struct physdev_pci_mmcfg_reserved, segment) == 8,
               "physdev_pci_mmcfg_reserved.segment");
_Static_assert(offsetof(struct physdev_pci_mmcfg_reserved, flags) == 12,
               "physdev_pci_mmcfg_reserved.flags");
_Static_assert(sizeof(struct physdev_pci_device_add) == 12, "physdev_pci_device_add size");
_Static_assert(offsetof(struct physdev_pci_device_add, flags) == 4, "physdev_pci_device_add.flags");
_Static_assert(offsetof(struct physdev_pci_device_add, physfn) == 8, "physdev_pci_device_add.physfn");
_Static_assert(offsetof(struct physdev_pci_device_add, optarr) == 12, "physdev_pci_device_add.optarr");
_Static_assert(sizeof(struct physdev_pci_device) == 4, "physdev_pci_device size");
_Static_assert(sizeof(struct pci_device_reset) == 8, "pci_device_reset size");
_Static_assert(sizeof(struct physdev_dbgp_op) == 6, "physdev_dbgp_op size");
_Static_assert(offsetof(struct physdev_dbgp_op, u) == 2, "physdev_dbgp_op.u");

#endif /* BASTION_PUBLIC_PHYSDEV_H */
