/*
 * "null": every vCPU owns a CPU of its hard affinity (its soft affinity,
 * and the CPU it was created on, preferred) from creation until it is
 * destroyed or its affinity excludes that CPU, as in Xen's null
 * scheduler (docs/misc/xen-command-line.pandoc, sched=null).  vCPUs that
 * find no free CPU wait in FIFO order; a CPU given back goes to the
 * first waiter allowed on it.  A CPU whose vCPU blocks idles: nothing
 * else runs there.  No time slices (*until stays 0).  With n vCPUs
 * created on CPUs 0..n-1 this is plain pinning.  One lock per pool:
 * decisions are rare, and a vCPU changing CPU never crosses locks.
 */
#include "heap.h"
#include "sched.h"

struct null_vcpu {
	struct sched_vcpu *v;
	struct null_vcpu *next; /* in the wait queue */
	int cpu;                /* the CPU it owns, or -1 */
};

struct null_pool {
	spinlock_t lock;
	struct sched_vcpu *owner[SCHED_MAX_CPUS];
	struct null_vcpu *waiting; /* first come, first served */
};

static void null_assign(struct null_pool *np, struct null_vcpu *nv, unsigned cpu)
{
	np->owner[cpu] = nv->v;
	nv->cpu = (int)cpu;
	if (!nv->v->is_running)
		__atomic_store_n(&nv->v->processor, cpu, __ATOMIC_RELEASE);
	sched_plat_raise(cpu);
}

static void wait_remove(struct null_pool *np, struct null_vcpu *nv)
{
	for (struct null_vcpu **pp = &np->waiting; *pp; pp = &(*pp)->next)
		if (*pp == nv) {
			*pp = nv->next;
			return;
		}
}

/* Gives nv a free CPU (its processor, then soft, then hard affinity) or
 * queues it.  Lock held. */
static void null_place(struct cpupool *pool, struct null_vcpu *nv)
{
	struct null_pool *np = pool->priv;
	struct sched_vcpu *v = nv->v;
	cpumask_t free = 0, hard = v->hard_affinity & pool->cpus, soft = v->soft_affinity & hard;
	struct null_vcpu **pp;
	for (cpumask_t m = hard; m; m &= m - 1)
		if (!np->owner[__builtin_ctzll(m)])
			free |= m & -m;
	if (free & CPUMASK_CPU(v->processor))
		null_assign(np, nv, v->processor);
	else if (free)
		null_assign(np, nv, cpumask_cycle(free & soft ? free & soft : free, v->processor));
	if (free)
		return;
	for (pp = &np->waiting; *pp; pp = &(*pp)->next)
		;
	nv->next = NULL;
	*pp = nv;
}

/* cpu has no owner: the first waiter allowed there gets it.  Lock held. */
static void null_give(struct cpupool *pool, unsigned cpu)
{
	struct null_pool *np = pool->priv;
	for (struct null_vcpu *nv = np->waiting; nv; nv = nv->next)
		if (nv->v->hard_affinity & CPUMASK_CPU(cpu)) {
			wait_remove(np, nv);
			null_assign(np, nv, cpu);
			return;
		}
}

static void null_release(struct cpupool *pool, struct null_vcpu *nv)
{
	struct null_pool *np = pool->priv;
	if (nv->cpu < 0) {
		wait_remove(np, nv);
		return;
	}
	np->owner[nv->cpu] = NULL;
	sched_plat_raise((unsigned)nv->cpu);
	null_give(pool, (unsigned)nv->cpu);
	nv->cpu = -1;
}

static int null_init(struct cpupool *pool)
{
	pool->priv = xzalloc(sizeof(struct null_pool));
	return pool->priv ? 0 : -1;
}

static void null_deinit(struct cpupool *pool)
{
	xfree(pool->priv);
	pool->priv = NULL;
}

static int null_add_cpu(struct cpupool *pool, unsigned cpu)
{
	struct null_pool *np = pool->priv;
	uint64_t fl = spin_lock_irqsave(&np->lock);
	sched_cpu_lock[cpu] = &np->lock;
	null_give(pool, cpu);
	spin_unlock_irqrestore(&np->lock, fl);
	return 0;
}

static void null_remove_cpu(struct cpupool *pool, unsigned cpu)
{
	struct null_pool *np = pool->priv;
	uint64_t fl = spin_lock_irqsave(&np->lock);
	struct sched_vcpu *v = np->owner[cpu];
	if (v) {
		struct null_vcpu *nv = v->priv;
		np->owner[cpu] = NULL;
		nv->cpu = -1;
		null_place(pool, nv);
	}
	spin_unlock_irqrestore(&np->lock, fl);
}

static int null_vcpu_init(struct cpupool *pool, struct sched_vcpu *v)
{
	struct null_pool *np = pool->priv;
	struct null_vcpu *nv = xzalloc(sizeof(*nv));
	if (!nv)
		return -1;
	nv->v = v;
	nv->cpu = -1;
	v->priv = nv;
	uint64_t fl = spin_lock_irqsave(&np->lock);
	null_place(pool, nv);
	spin_unlock_irqrestore(&np->lock, fl);
	return 0;
}

static void null_vcpu_destroy(struct cpupool *pool, struct sched_vcpu *v)
{
	struct null_pool *np = pool->priv;
	uint64_t fl = spin_lock_irqsave(&np->lock);
	null_release(pool, v->priv);
	spin_unlock_irqrestore(&np->lock, fl);
	xfree(v->priv);
	v->priv = NULL;
}

static void null_wake(struct cpupool *pool, struct sched_vcpu *v, uint64_t now)
{
	struct null_vcpu *nv = v->priv;
	(void)pool, (void)now;
	if (nv->cpu >= 0)
		sched_plat_raise((unsigned)nv->cpu);
}

static void null_sleep(struct cpupool *pool, struct sched_vcpu *v)
{
	(void)pool, (void)v; /* it keeps its CPU */
}

static struct sched_vcpu *null_do_schedule(struct cpupool *pool, unsigned cpu, uint64_t now,
					   struct sched_vcpu *prev, bool prev_runnable,
					   uint64_t *until)
{
	struct null_pool *np = pool->priv;
	struct sched_vcpu *o = np->owner[cpu];
	(void)now, (void)prev_runnable, (void)until;
	if (!o) {
		null_give(pool, cpu);
		o = np->owner[cpu];
	}
	/* o may still be leaving the CPU it owned before */
	return o && sched_vcpu_runnable(o) && (o == prev || !o->is_running) ? o : NULL;
}

/* Gives up a CPU now outside the hard affinity, or retries a waiter. */
static void null_affinity_changed(struct cpupool *pool, struct sched_vcpu *v)
{
	struct null_vcpu *nv = v->priv;
	if (nv->cpu >= 0 && (v->hard_affinity & pool->cpus & CPUMASK_CPU(nv->cpu)))
		return;
	null_release(pool, nv);
	null_place(pool, nv);
}

static const struct sched_ops null_ops = {
	.name = "null",
	.xen_id = 9,
	.init = null_init,
	.deinit = null_deinit,
	.add_cpu = null_add_cpu,
	.remove_cpu = null_remove_cpu,
	.vcpu_init = null_vcpu_init,
	.vcpu_destroy = null_vcpu_destroy,
	.wake = null_wake,
	.sleep = null_sleep,
	.do_schedule = null_do_schedule,
	.affinity_changed = null_affinity_changed,
};
SCHEDULER_REGISTER(null_ops);
