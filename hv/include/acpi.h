/*
 * What the hv takes from the firmware's ACPI tables (ACPI 6.4: RSDP 5.2.5,
 * RSDT/XSDT 5.2.7-8, FADT 5.2.9, MADT 5.2.12; HPET: IA-PC HPET spec 1.0a
 * section 3.2.4): processors, I/O APICs, interrupt overrides, the HPET,
 * and the FADT's power-management and reset registers.
 */
#ifndef BASTION_ACPI_H
#define BASTION_ACPI_H

#include "lib.h"
#include "boot_info.h"

#define ACPI_MAX_CPUS 256
#define ACPI_MAX_IOAPICS 8
#define ACPI_MAX_OVERRIDES 16

/* Generic Address Structure (ACPI 5.2.3.2). */
struct acpi_gas {
	uint8_t space_id; /* 0 memory, 1 system I/O */
	uint8_t bit_width, bit_offset, access_size;
	uint64_t address;
};

struct acpi_info {
	uint64_t rsdp_pa;
	uint8_t revision; /* of the RSDP */
	uint64_t lapic_pa;
	unsigned nr_cpus; /* enabled processors */
	uint32_t cpu_apic_id[ACPI_MAX_CPUS];
	unsigned nr_ioapics;
	struct { uint8_t id; uint32_t pa, gsi_base; } ioapic[ACPI_MAX_IOAPICS];
	unsigned nr_overrides;
	struct { uint8_t isa_irq; uint32_t gsi; uint16_t flags; } override[ACPI_MAX_OVERRIDES];
	bool has_8259; /* MADT PCAT_COMPAT */
	uint64_t hpet_pa;
	bool has_fadt;
	uint16_t sci_irq;
	struct acpi_gas pm1a_cnt, pm1b_cnt, pm_timer, reset_reg;
	uint8_t reset_value;
	uint32_t fadt_flags;
	uint64_t dsdt_pa;
	int s5_typ_a, s5_typ_b; /* SLP_TYP for soft-off from \_S5, -1 if unknown */
};

/* Finds the RSDP in the EBDA and the BIOS area (ACPI 5.2.5.1); 0 if absent. */
uint64_t acpi_find_rsdp(phys_map_fn map);
/* Parses the tables reached from the RSDP at rsdp_pa (or from the copy a
 * loader gave, rsdp_copy, when not NULL).  Returns 0, or -1 with *why. */
int acpi_parse(phys_map_fn map, uint64_t rsdp_pa, const void *rsdp_copy, struct acpi_info *ai,
	       const char **why);

#endif
