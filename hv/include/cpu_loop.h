/* What every CPU does once booted: run vCPUs and idle (cpu_loop.c). */
#ifndef BASTION_CPU_LOOP_H
#define BASTION_CPU_LOOP_H

#include "lib.h"

struct vcpu;

#define VEC_KICK 0xf1 /* IPI that makes a CPU look at its softirqs again */

/* Sets up this CPU's scheduling (timers, kick vector); each CPU, once. */
int cpu_loop_init_cpu(void);
/* Prints how many vCPU switches there were and what each cost. */
void cpu_loop_report(void);
/* Runs softirqs, the current vCPU, or halts, for ever. */
__attribute__((noreturn)) void cpu_loop(void);

#endif
