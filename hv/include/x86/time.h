/* Time: the TSC as the hv's clock, calibrated at boot; the per-CPU tick. */
#ifndef BASTION_X86_TIME_H
#define BASTION_X86_TIME_H

#include "lib.h"
#include "acpi.h"

#define HV_TICK_HZ 100

extern uint64_t tsc_khz;

/* Measures the TSC against the HPET if there is one, else PIT channel 2.
 * Returns the name of the reference used. */
const char *tsc_calibrate(const struct acpi_info *ai);
void udelay(uint64_t us);
uint64_t tsc_to_us(uint64_t tsc);
/* Calibrates the local APIC timer against the TSC (boot CPU, once). */
void lapic_timer_calibrate(void);
/* Starts this CPU's periodic tick at HV_TICK_HZ. */
void lapic_timer_start(void);
/* Switches this CPU's APIC timer to one shot, due in delta_ns. */
void hv_timer_arm_ns(uint64_t delta_ns);

#endif
