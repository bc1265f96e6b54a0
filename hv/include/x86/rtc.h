/* The PC's CMOS real-time clock, read once at boot for the wallclock. */
#ifndef BASTION_X86_RTC_H
#define BASTION_X86_RTC_H

#include "lib.h"

/* Seconds since 1970-01-01 UTC as the RTC holds them (assumed UTC). */
uint64_t rtc_read_unix_seconds(void);
/* Days from 1970-01-01 to the given date (proleptic Gregorian). */
uint64_t days_from_civil(unsigned year, unsigned month, unsigned day);

#endif
