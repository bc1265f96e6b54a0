/* ACPI tables for a PVH guest (see guest_acpi.c). */
#ifndef BASTION_GUEST_ACPI_H
#define BASTION_GUEST_ACPI_H

#include "lib.h"

#define GUEST_ACPI_GPA 0xe0000
#define GUEST_ACPI_SIZE 0x1000

/* Builds RSDP, XSDT, FADT, DSDT and MADT for nr_vcpus into buf (which
 * will live at GUEST_ACPI_GPA); returns the RSDP's guest address. */
uint64_t guest_acpi_build(uint8_t *buf, unsigned nr_vcpus);

#endif
