/* ACPI tables for a PVH guest (see guest_acpi.c). */
#ifndef BASTION_GUEST_ACPI_H
#define BASTION_GUEST_ACPI_H

#include "lib.h"

#define GUEST_ACPI_GPA 0xe0000
#define GUEST_ACPI_SIZE 0x1000

/* I/O ports of the guest's ACPI registers (HW-reduced: FADT sleep
 * control/status and reset registers), which the hv traps. */
#define GUEST_ACPI_SLEEP_CONTROL 0x0b04
#define GUEST_ACPI_SLEEP_STATUS 0x0b05
#define GUEST_ACPI_RESET 0x0b06
#define GUEST_ACPI_RESET_VALUE 0x01
#define GUEST_ACPI_S5_TYPE 5

struct vcpu;
/* Handles a guest's access to those ports; false if the port is not one. */
bool guest_acpi_io(struct vcpu *v, uint16_t port, bool in, uint32_t *val);

/* Builds RSDP, XSDT, FADT, DSDT and MADT for nr_vcpus into buf (which
 * will live at GUEST_ACPI_GPA); returns the RSDP's guest address. */
uint64_t guest_acpi_build(uint8_t *buf, unsigned nr_vcpus);

#endif
