/*
 * Timers (see timer.h): a binary min-heap of timer pointers per CPU,
 * ordered by deadline, under that CPU's lock.  A timer records its heap
 * and slot, so stopping or re-arming it touches only its own path in
 * one heap.  The hardware is told through timer_plat_program(), which
 * the platform implements (the local APIC timer on x86).
 */
#include "timer.h"
#include "heap.h"
#include "spinlock.h"
#include "sched.h"
#include "x86/cpu.h"
#include "x86/percpu.h"

#define TIMER_HEAP_SLOTS 1024

struct timer_heap {
	spinlock_t lock;
	unsigned nr;
	struct timer **slot;
	struct timer *running; /* whose function this CPU is in, for timer_kill */
};

static struct timer_heap heaps[SCHED_MAX_CPUS];

/* Provided by the platform: the earliest deadline of cpu's heap changed
 * to `deadline` (raised on another CPU: it must look again). */
void timer_plat_program(unsigned cpu, uint64_t deadline);

void timer_init(struct timer *t, void (*fn)(void *data), void *data)
{
	*t = (struct timer){ 0, fn, data, -1, 0 };
}

int timer_init_cpu(unsigned cpu)
{
	if (cpu >= SCHED_MAX_CPUS)
		return -1;
	if (!heaps[cpu].slot)
		heaps[cpu].slot = xzalloc(TIMER_HEAP_SLOTS * sizeof(struct timer *));
	return heaps[cpu].slot ? 0 : -1;
}

static void place(struct timer_heap *h, unsigned i, struct timer *t)
{
	h->slot[i] = t;
	t->slot = i;
}

static void sift_up(struct timer_heap *h, unsigned i)
{
	struct timer *t = h->slot[i];
	while (i && h->slot[(i - 1) / 2]->deadline > t->deadline) {
		place(h, i, h->slot[(i - 1) / 2]);
		i = (i - 1) / 2;
	}
	place(h, i, t);
}

static void sift_down(struct timer_heap *h, unsigned i)
{
	struct timer *t = h->slot[i];
	for (;;) {
		unsigned c = 2 * i + 1;
		if (c >= h->nr)
			break;
		if (c + 1 < h->nr && h->slot[c + 1]->deadline < h->slot[c]->deadline)
			c++;
		if (h->slot[c]->deadline >= t->deadline)
			break;
		place(h, i, h->slot[c]);
		i = c;
	}
	place(h, i, t);
}

/* Takes t out of heap h; call with h locked. */
static void heap_remove(struct timer_heap *h, struct timer *t)
{
	unsigned i = t->slot;
	struct timer *last = h->slot[--h->nr];
	t->cpu = -1;
	if (last == t)
		return;
	place(h, i, last);
	sift_down(h, i);
	sift_up(h, last->slot);
}

/* Locks the heap t is on (or none: returns NULL with t unarmed). */
static struct timer_heap *lock_heap_of(struct timer *t, uint64_t *flags)
{
	for (;;) {
		int cpu = __atomic_load_n(&t->cpu, __ATOMIC_ACQUIRE);
		if (cpu < 0)
			return NULL;
		struct timer_heap *h = &heaps[cpu];
		*flags = spin_lock_irqsave(&h->lock);
		if (t->cpu == cpu)
			return h;
		spin_unlock_irqrestore(&h->lock, *flags);
	}
}

void timer_stop(struct timer *t)
{
	uint64_t flags;
	struct timer_heap *h = lock_heap_of(t, &flags);
	if (!h)
		return;
	heap_remove(h, t);
	spin_unlock_irqrestore(&h->lock, flags);
}

/* Waits while another CPU is in t's function; true if one was. */
static bool wait_not_running(struct timer *t, unsigned self)
{
	bool waited = false;
	for (unsigned cpu = 0; cpu < SCHED_MAX_CPUS; cpu++)
		while (cpu != self && __atomic_load_n(&heaps[cpu].running, __ATOMIC_ACQUIRE) == t)
			cpu_relax(), waited = true;
	return waited;
}

void timer_kill(struct timer *t)
{
	unsigned self = this_cpu()->cpu_id;
	do
		timer_stop(t);
	while (wait_not_running(t, self) || __atomic_load_n(&t->cpu, __ATOMIC_ACQUIRE) >= 0);
}

int timer_set(struct timer *t, uint64_t deadline, unsigned cpu)
{
	timer_stop(t);
	struct timer_heap *h = &heaps[cpu];
	uint64_t flags = spin_lock_irqsave(&h->lock);
	if (h->nr >= TIMER_HEAP_SLOTS || !h->slot) {
		spin_unlock_irqrestore(&h->lock, flags);
		return -1;
	}
	t->deadline = deadline;
	t->cpu = (int)cpu;
	place(h, h->nr++, t);
	sift_up(h, t->slot);
	bool earliest = h->slot[0] == t;
	spin_unlock_irqrestore(&h->lock, flags);
	if (earliest)
		timer_plat_program(cpu, deadline);
	return 0;
}

uint64_t timer_run_due(unsigned cpu, uint64_t now)
{
	struct timer_heap *h = &heaps[cpu];
	uint64_t flags = spin_lock_irqsave(&h->lock);
	while (h->nr && h->slot[0]->deadline <= now) {
		struct timer *t = h->slot[0];
		/* running first: a timer_kill that finds t unarmed must see it */
		__atomic_store_n(&h->running, t, __ATOMIC_SEQ_CST);
		heap_remove(h, t);
		spin_unlock_irqrestore(&h->lock, flags);
		t->fn(t->data); /* may re-arm t, or any timer; t may be gone after */
		flags = spin_lock_irqsave(&h->lock);
		__atomic_store_n(&h->running, NULL, __ATOMIC_RELEASE);
	}
	uint64_t next = h->nr ? h->slot[0]->deadline : 0;
	spin_unlock_irqrestore(&h->lock, flags);
	return next;
}
