/*
 * The scheduler: which vCPU each physical CPU runs, and for how long.
 *
 * Generic part (common/sched/schedule.c): a vCPU's runnability (pause
 * flags), waking and putting to sleep, the per-CPU decision
 * sched_schedule(), runstate accounting (public/vcpu.h), affinity,
 * cpupools.  Policies (common/sched/credit2.c, common/sched/null.c)
 * sit behind struct sched_ops and register with SCHEDULER_REGISTER, so
 * a new one is one new file.  The code is pure logic against two
 * platform hooks (sched_plat_*), so host tests drive it with a
 * simulated clock.
 *
 * Locking: every CPU has a scheduler lock (the policy chooses which:
 * credit2 shares one per runqueue).  A vCPU is guarded by the lock of
 * v->processor; sched_vcpu_lock() takes it and copes with v moving
 * meanwhile.  A vCPU is on at most one CPU at a time: is_running is set
 * and cleared only under its lock.
 */
#ifndef BASTION_SCHED_H
#define BASTION_SCHED_H

#include "lib.h"
#include "spinlock.h"

#define SCHED_MAX_CPUS 64
typedef uint64_t cpumask_t; /* bit n: CPU n */
#define CPUMASK_ALL (~(cpumask_t)0)
#define CPUMASK_CPU(c) ((cpumask_t)1 << (c))

/* How many CPUs m has (no popcount builtin: the hv links no libgcc). */
static inline unsigned cpumask_weight(cpumask_t m)
{
	unsigned n = 0;
	for (; m; m &= m - 1)
		n++;
	return n;
}

/* The first CPU of m (not empty) at or after start, wrapping around. */
static inline unsigned cpumask_cycle(cpumask_t m, unsigned start)
{
	cpumask_t from = m & (CPUMASK_ALL << (start % SCHED_MAX_CPUS));
	return (unsigned)__builtin_ctzll(from ? from : m);
}

/* Why a vCPU may not run; it is runnable when none is set. */
#define SVF_DOWN (1u << 0)     /* not brought up yet, or waiting for a STARTUP IPI */
#define SVF_BLOCKED (1u << 1)  /* HLT, SCHEDOP_block/poll: waits for an event */
#define SVF_PAUSED (1u << 2)   /* its domain is paused by the controller */
#define SVF_SHUTDOWN (1u << 3) /* its domain shut down or is dying */

/* Runstates, numbered as in public/vcpu.h. */
enum sched_runstate { RS_RUNNING, RS_RUNNABLE, RS_BLOCKED, RS_OFFLINE };

#define SCHED_DEFAULT_WEIGHT 256

struct cpupool;

struct sched_dom {
	uint16_t domid;
	uint16_t weight;       /* proportional share, 1..65535 */
	uint16_t cap;          /* percent of one CPU; 0: no cap */
	struct cpupool *pool;
	void *priv;            /* the policy's per-domain data */
};

struct sched_vcpu {
	struct sched_dom *dom;
	unsigned vcpu_id;
	unsigned processor;    /* CPU whose lock guards it: where it runs, waits or last ran */
	cpumask_t hard_affinity; /* never runs elsewhere */
	cpumask_t soft_affinity; /* preferred, within the hard affinity */
	uint32_t pause_flags;  /* SVF_*; changed under the lock, read anywhere */
	bool is_running;       /* some CPU's current vCPU */
	unsigned moving;       /* descheduling CPUs still moving it (vcpu_move) */
	/* Runstate accounting, in ns of system time. */
	int runstate;
	uint64_t runstate_entry;
	uint64_t runstate_time[4];
	void *priv;            /* the policy's per-vCPU data */
};

/* A policy.  Every hook is called with the relevant scheduler lock held
 * (interrupts off) unless it says otherwise. */
struct sched_ops {
	const char *name; /* as given in sched= */
	unsigned xen_id;  /* XEN_SCHEDULER_* (public/domctl.h) */
	/* Per pool: set up and tear down pool->priv.  No lock. */
	int (*init)(struct cpupool *pool);
	void (*deinit)(struct cpupool *pool);
	/* A CPU joins or leaves the pool; the policy points
	 * sched_cpu_lock[cpu] at the lock it wants.  No lock held; the CPU
	 * runs nothing of this pool when removed. */
	int (*add_cpu)(struct cpupool *pool, unsigned cpu);
	void (*remove_cpu)(struct cpupool *pool, unsigned cpu);
	/* Per domain and per vCPU data (d->priv, v->priv).  No lock. */
	int (*dom_init)(struct cpupool *pool, struct sched_dom *d);
	void (*dom_destroy)(struct cpupool *pool, struct sched_dom *d);
	int (*vcpu_init)(struct cpupool *pool, struct sched_vcpu *v);
	void (*vcpu_destroy)(struct cpupool *pool, struct sched_vcpu *v);
	/* v is runnable and not running: queue it (idempotent: v may be
	 * queued already) and prompt a CPU with sched_plat_raise(). */
	void (*wake)(struct cpupool *pool, struct sched_vcpu *v, uint64_t now);
	/* v is no longer runnable and not running: take it off any queue.
	 * Also called for a runnable v about to move to another CPU, which
	 * is then woken there (under that CPU's lock). */
	void (*sleep)(struct cpupool *pool, struct sched_vcpu *v);
	/* On cpu, with prev its current vCPU (NULL: idle), which is still
	 * runnable or not (prev_runnable).  Returns what cpu runs next
	 * (NULL: idle; may be prev), the queues updated accordingly (a
	 * runnable prev that is not chosen goes back on a queue), and sets
	 * *until to when it wants to be asked again (0: no limit). */
	struct sched_vcpu *(*do_schedule)(struct cpupool *pool, unsigned cpu, uint64_t now,
					  struct sched_vcpu *prev, bool prev_runnable,
					  uint64_t *until);
	/* v (running) gives way to others of its queue once. */
	void (*yield)(struct cpupool *pool, struct sched_vcpu *v);
	/* The affinity changed (v's lock held); if v->processor is then
	 * outside the hard affinity and v does not run, the generic code
	 * moves v (sleep, new processor, wake). */
	void (*affinity_changed)(struct cpupool *pool, struct sched_vcpu *v);
	/* The weight or cap changed.  No lock. */
	void (*dom_adjusted)(struct cpupool *pool, struct sched_dom *d);
	/* Optional (may be NULL): dom_init, dom_destroy, yield,
	 * affinity_changed, dom_adjusted. */
};

#define SCHEDULER_REGISTER(ops_)                                                      \
	static const struct sched_ops *const __sched_##ops_                            \
		__attribute__((used, section("hv_schedulers"), aligned(8))) = &(ops_)

struct cpupool {
	int id;                    /* 0: Pool-0, which has every CPU at boot */
	cpumask_t cpus;
	const struct sched_ops *ops;
	void *priv;
	unsigned nr_domains;
};

/* Per CPU: its pool, its lock (set by the policy), what it runs. */
extern struct cpupool *sched_cpu_pool[SCHED_MAX_CPUS];
extern spinlock_t *sched_cpu_lock[SCHED_MAX_CPUS];
extern struct sched_vcpu *sched_cpu_curr[SCHED_MAX_CPUS];

/* ---- provided by the platform (the hv, or a host test) ---- */

/* Makes cpu call sched_schedule() soon: at once if it is the calling
 * CPU's own (on its way back to the run loop), else by IPI.  May be
 * called with any lock held. */
void sched_plat_raise(unsigned cpu);
/* prev has stopped running on this CPU (is_running clear, runstate
 * updated) and may run elsewhere once the lock is dropped: save the
 * hardware state that lives only in the CPU.  Called under prev's lock,
 * on that CPU; may change prev's flags with sched_vcpu_flags_locked. */
void sched_plat_save(struct sched_vcpu *prev);

/* ---- the generic scheduler ---- */

/* Finds the policy called name (NULL: the default, credit2). */
const struct sched_ops *sched_find(const char *name);
/* Credit2's rate limit, read (put false) or set within Xen's bounds and
 * read back; 0 or -XEN_EINVAL. */
long credit2_ratelimit_op(bool put, uint32_t *ratelimit_us);
/* Creates a pool with the given policy; CPUs are added afterwards. */
int cpupool_init(struct cpupool *pool, int id, const struct sched_ops *ops);
/* Gives a CPU that belongs to no pool to pool / takes it back. */
int cpupool_add_cpu(struct cpupool *pool, unsigned cpu);
int cpupool_remove_cpu(struct cpupool *pool, unsigned cpu);
extern struct cpupool cpupool0;

int sched_dom_init(struct sched_dom *d, uint16_t domid, struct cpupool *pool);
void sched_dom_destroy(struct sched_dom *d);
/* Starts a vCPU with SVF_DOWN set on cpu (its processor), affinity
 * every CPU of the pool. */
int sched_vcpu_init(struct sched_vcpu *v, struct sched_dom *d, unsigned vcpu_id, unsigned cpu,
		    uint64_t now);
/* Call with v not running and SVF_DOWN or SVF_PAUSED set. */
void sched_vcpu_destroy(struct sched_vcpu *v);

/* Takes v's lock whatever CPU it moves to; returns it for unlocking. */
spinlock_t *sched_vcpu_lock(struct sched_vcpu *v, uint64_t *irqflags);
void sched_vcpu_unlock(spinlock_t *lock, uint64_t irqflags);

static inline bool sched_vcpu_runnable(const struct sched_vcpu *v)
{
	return __atomic_load_n(&v->pause_flags, __ATOMIC_ACQUIRE) == 0;
}

/* Sets and clears pause flags under v's lock: a vCPU that becomes
 * runnable is woken, one that stops being runnable is dequeued or, if
 * it runs, its CPU is asked to reschedule. */
void sched_vcpu_flags_locked(struct sched_vcpu *v, uint32_t set, uint32_t clear, uint64_t now);
void sched_vcpu_flags(struct sched_vcpu *v, uint32_t set, uint32_t clear, uint64_t now);

/* On cpu, interrupts off: decides what cpu runs from now on, switching
 * runstates and calling sched_plat_save() for a prev that goes.
 * Returns the new current (NULL: idle); *until as in do_schedule. */
struct sched_vcpu *sched_schedule(unsigned cpu, uint64_t now, uint64_t *until);
/* v, running, gives way once (SCHEDOP_yield). */
#ifdef HOST_TEST /* host tests link libc, whose sched_yield() the sanitizers call */
#define sched_yield sched_vcpu_yield
#endif
void sched_yield(struct sched_vcpu *v);

/* Hard and soft affinity; hard must meet the pool's CPUs (-1 if not). */
int sched_set_affinity(struct sched_vcpu *v, cpumask_t hard, cpumask_t soft);
/* weight 1..65535, cap 0..100 * number of CPUs; -1 if out of range. */
int sched_dom_adjust(struct sched_dom *d, unsigned weight, unsigned cap);

/* The runstate as of now (time[] includes the current state's share).
 * _read: the caller holds v's lock, or v runs on the calling CPU. */
void sched_runstate_read(const struct sched_vcpu *v, uint64_t now, int *state, uint64_t *entry,
			 uint64_t time[4]);
void sched_runstate_get(struct sched_vcpu *v, uint64_t now, int *state, uint64_t *entry,
			uint64_t time[4]);

#endif
