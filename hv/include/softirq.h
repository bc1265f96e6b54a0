/*
 * Work a CPU does on its way back to its run loop, raised from anywhere
 * (interrupt handlers, other CPUs): run due timers, pick what to run.
 * Raising one on another CPU sends it an IPI, so a CPU in a guest exits
 * and an idle one wakes.
 */
#ifndef BASTION_SOFTIRQ_H
#define BASTION_SOFTIRQ_H

#include "lib.h"

enum softirq { SOFTIRQ_TIMER, SOFTIRQ_SCHEDULE, NR_SOFTIRQS };

void softirq_set_handler(enum softirq nr, void (*fn)(unsigned cpu));
void softirq_raise(unsigned cpu, enum softirq nr);
bool softirq_pending(unsigned cpu);
/* Runs this CPU's pending softirqs until none is left; interrupts off. */
void softirq_run(unsigned cpu);

#endif
