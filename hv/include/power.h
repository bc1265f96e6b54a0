/* Turning the machine off or resetting it. */
#ifndef BASTION_POWER_H
#define BASTION_POWER_H

#include "acpi.h"

void power_init(const struct acpi_info *ai);
/* Each returns only if the machine ignored every way we know. */
void machine_power_off(void);
void machine_restart(void);

#endif
