/* Ticket spinlocks; the irqsave forms also mask interrupts on this CPU. */
#ifndef BASTION_SPINLOCK_H
#define BASTION_SPINLOCK_H

#include <stdint.h>

typedef struct {
	volatile uint32_t next, owner;
} spinlock_t;

#define SPINLOCK_INIT { 0, 0 }

static inline void spin_lock(spinlock_t *l)
{
	uint32_t ticket = __atomic_fetch_add(&l->next, 1, __ATOMIC_ACQUIRE);
	while (__atomic_load_n(&l->owner, __ATOMIC_ACQUIRE) != ticket)
		__asm__ volatile("pause");
}

static inline void spin_unlock(spinlock_t *l)
{
	__atomic_store_n(&l->owner, l->owner + 1, __ATOMIC_RELEASE);
}

/* Takes l only if it is free at once; returns 1 if taken.  For a second
 * lock taken while holding one, which must never wait (deadlock). */
static inline int spin_trylock(spinlock_t *l)
{
	uint32_t owner = __atomic_load_n(&l->owner, __ATOMIC_RELAXED), free = owner;
	return __atomic_compare_exchange_n(&l->next, &free, owner + 1, 0, __ATOMIC_ACQUIRE,
					   __ATOMIC_RELAXED);
}

#ifndef HOST_TEST
static inline uint64_t spin_lock_irqsave(spinlock_t *l)
{
	uint64_t flags;
	__asm__ volatile("pushfq; popq %0; cli" : "=r"(flags)::"memory");
	spin_lock(l);
	return flags;
}

static inline void spin_unlock_irqrestore(spinlock_t *l, uint64_t flags)
{
	spin_unlock(l);
	if (flags & 0x200)
		__asm__ volatile("sti" ::: "memory");
}
#else /* host unit tests run in user mode: no interrupt flag to touch */
static inline uint64_t spin_lock_irqsave(spinlock_t *l) { spin_lock(l); return 0; }
static inline void spin_unlock_irqrestore(spinlock_t *l, uint64_t f) { (void)f; spin_unlock(l); }
#endif

#endif
