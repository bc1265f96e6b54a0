/*
 * One-shot timers on per-CPU heaps (timer.c).  A timer is armed on a
 * CPU and its function runs there, from that CPU's timer softirq with
 * interrupts off, once the system time (now_ns) reaches its deadline.
 * Arming and stopping cost O(log n) in the timers of that CPU; the
 * hardware timer is programmed for the earliest deadline only.
 */
#ifndef BASTION_TIMER_H
#define BASTION_TIMER_H

#include "lib.h"

struct timer {
	uint64_t deadline;
	void (*fn)(void *data);
	void *data;
	int cpu;            /* the heap it is on, -1: not armed */
	unsigned slot;      /* its index in that heap */
};

void timer_init(struct timer *t, void (*fn)(void *data), void *data);
/* (Re)arms t to fire at deadline on cpu.  Returns -1 if that CPU's heap
 * is full (not armed then). */
int timer_set(struct timer *t, uint64_t deadline, unsigned cpu);
void timer_stop(struct timer *t);
/* timer_stop, then waits until no other CPU is in t's function (it may
 * re-arm t: stopped again): after it, t may be freed. */
void timer_kill(struct timer *t);
/* Per CPU: the heap's storage; once, before its first timer. */
int timer_init_cpu(unsigned cpu);
/* Runs the due timers of this CPU and returns the next deadline (0:
 * none).  Called by the timer softirq. */
uint64_t timer_run_due(unsigned cpu, uint64_t now);

#endif
