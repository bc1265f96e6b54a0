/*
 * "credit2": the default policy, after Xen's credit2 as its
 * documentation describes it (docs/features/sched_credit2.pandoc, the
 * credit2_* and sched_ratelimit_us options of xen-command-line.pandoc).
 * Every vCPU holds credit, in ns of run time at the pool's largest
 * weight; running burns it at max_weight / weight times real time, so
 * shares follow weights.  The runnable vCPU with most credit runs, for a
 * slice of the credit gap to the next one, within [500 us, 10 ms], and
 * is not preempted within sched_ratelimit_us of starting.  When the best
 * candidate has no credit left, everyone in its runqueue gets 10 ms more
 * (an epoch).  A woken vCPU prompts an idle CPU (soft, then hard
 * affinity) or else the CPU of its runqueue whose vCPU it beats by most.
 * A capped domain draws on a budget of cap% of 10 ms, replenished every
 * 10 ms, debts carried; without budget its vCPUs stay queued but are
 * passed over ("parked") and the CPU asks, through *until, to be called
 * at the replenishment.  Runqueues: one per pool (credit2_runqueue=all,
 * the default) or one per CPU (=cpu; other Xen values mean all); a CPU
 * with nothing to run, or whose runqueue is 2 vCPUs lighter than
 * another's, pulls a queued vCPU its hard affinity allows, taking the
 * other runqueue's lock only by trylock.
 */
#include "heap.h"
#include "param.h"
#include "sched.h"
#include "public/errno.h"
#include "public/sysctl.h"

#define US 1000LL
#define MS 1000000LL
#define CREDIT_INIT (10 * MS)
#define CREDIT_MIN (-CREDIT_INIT)
#define MIN_TIMER (500 * US)
#define MAX_TIMER CREDIT_INIT
#define CARRYOVER_MAX MIN_TIMER
#define MIGRATE_RESIST (500 * US)
#define CAP_PERIOD (10 * MS)
#define STEAL_RETRY (50 * US) /* another runqueue's lock was busy */
#define BURN_MAX (1000000 * MS) /* bounds time * weight below 2^63 */

static uint32_t opt_ratelimit_us = 1000;
HV_PARAM_UINT("sched_ratelimit_us", opt_ratelimit_us);

/* XEN_SYSCTL_scheduler_op for credit2 (one ratelimit for every pool, as
 * there is one pool): put checks and sets it, both read it back. */
long credit2_ratelimit_op(bool put, uint32_t *ratelimit_us)
{
	if (put) {
		uint32_t r = *ratelimit_us;
		if (r && (r > XEN_SYSCTL_SCHED_RATELIMIT_MAX || r < XEN_SYSCTL_SCHED_RATELIMIT_MIN))
			return -XEN_EINVAL;
		__atomic_store_n(&opt_ratelimit_us, r, __ATOMIC_RELAXED);
	}
	*ratelimit_us = __atomic_load_n(&opt_ratelimit_us, __ATOMIC_RELAXED);
	return 0;
}
static char opt_runqueue[8] = "all";
HV_PARAM_STRING("credit2_runqueue", opt_runqueue);

struct c2_rq;

struct c2_vcpu {
	struct sched_vcpu *v;
	struct c2_vcpu *next;  /* in the queue of `queued` */
	struct c2_rq *queued;  /* the runqueue it waits on, or NULL */
	struct c2_rq *home;    /* the runqueue whose epochs its credit follows */
	uint64_t epoch;        /* home's epoch when it last got its credit */
	int64_t credit;
	uint64_t residual;     /* remainder of the last time-to-credit division */
	uint64_t start;        /* credit burnt up to this time */
	bool yield;
};

struct c2_rq {
	spinlock_t lock;       /* sched_cpu_lock[] of its CPUs */
	cpumask_t cpus;
	struct c2_vcpu *head;  /* queued vCPUs, most credit first */
	unsigned nr_queued;    /* read by other runqueues without the lock */
	uint64_t epoch;        /* credit resets so far */
};

struct c2_dom {
	struct c2_dom *next;   /* the pool's domains */
	struct sched_dom *d;
	spinlock_t lock;       /* budget and next_repl; inside runqueue locks */
	int64_t budget;        /* ns left this period; negative: debt */
	uint64_t next_repl;    /* end of the period; 0: starts at the next look */
};

struct c2_pool {
	bool rq_per_cpu;
	uint32_t max_weight;
	cpumask_t idle;        /* CPUs that run nothing; atomic */
	cpumask_t tickled;     /* raised, not yet rescheduled; atomic */
	spinlock_t dom_lock;   /* doms, max_weight */
	struct c2_dom *doms;
	struct c2_rq rq[SCHED_MAX_CPUS];
};

static struct c2_rq *c2_rq(struct c2_pool *p, unsigned cpu)
{
	return &p->rq[p->rq_per_cpu ? cpu : 0];
}

static uint64_t until_min(uint64_t until, uint64_t t)
{
	return until && until < t ? until : t;
}

/* Ns the domain may still run (INT64_MAX: no cap), replenished first;
 * with none left, *until (if given) is pulled in to the replenishment. */
static int64_t c2_budget(struct sched_dom *d, uint64_t now, uint64_t *until)
{
	struct c2_dom *sd = d->priv;
	int64_t quota = (int64_t)__atomic_load_n(&d->cap, __ATOMIC_RELAXED) * CAP_PERIOD / 100, left;
	if (!quota)
		return INT64_MAX;
	spin_lock(&sd->lock);
	if (!sd->next_repl) {
		sd->budget = quota;
		sd->next_repl = now + CAP_PERIOD;
	} else if (now >= sd->next_repl) {
		uint64_t n = (now - sd->next_repl) / CAP_PERIOD + 1;
		sd->budget = MIN(sd->budget + (int64_t)MIN(n, 1000) * quota, quota);
		sd->next_repl += n * CAP_PERIOD;
	}
	left = sd->budget;
	if (left <= 0 && until)
		*until = until_min(*until, sd->next_repl);
	spin_unlock(&sd->lock);
	return left;
}

/* Charges svc, running, for the time since its last charge. */
static void c2_burn(struct c2_pool *p, struct c2_vcpu *svc, uint64_t now)
{
	struct sched_dom *d = svc->v->dom;
	uint64_t dt, val, w = __atomic_load_n(&d->weight, __ATOMIC_RELAXED);
	if (now <= svc->start)
		return;
	dt = now - svc->start;
	svc->start = now;
	val = MIN(dt, (uint64_t)BURN_MAX) * __atomic_load_n(&p->max_weight, __ATOMIC_RELAXED) +
	      svc->residual;
	svc->credit = MAX(svc->credit - (int64_t)(val / w), CREDIT_MIN);
	svc->residual = val % w;
	if (__atomic_load_n(&d->cap, __ATOMIC_RELAXED)) {
		struct c2_dom *sd = d->priv;
		spin_lock(&sd->lock);
		sd->budget -= (int64_t)MIN(dt, (uint64_t)BURN_MAX);
		spin_unlock(&sd->lock);
	}
}

static void runq_insert(struct c2_rq *rq, struct c2_vcpu *svc)
{
	struct c2_vcpu **pp = &rq->head;
	while (*pp && (*pp)->credit >= svc->credit)
		pp = &(*pp)->next;
	svc->next = *pp;
	*pp = svc;
	svc->queued = rq;
	__atomic_store_n(&rq->nr_queued, rq->nr_queued + 1, __ATOMIC_RELAXED);
}

static void runq_remove(struct c2_vcpu *svc)
{
	struct c2_rq *rq = svc->queued;
	struct c2_vcpu **pp;
	if (!rq)
		return;
	for (pp = &rq->head; *pp != svc; pp = &(*pp)->next)
		;
	*pp = svc->next;
	svc->queued = NULL;
	__atomic_store_n(&rq->nr_queued, rq->nr_queued - 1, __ATOMIC_RELAXED);
}

/* svc joins rq: credit it for the epochs of rq it slept through (at
 * most two), or adopt rq's epoch if it comes from elsewhere. */
static void c2_settle(struct c2_rq *rq, struct c2_vcpu *svc)
{
	if (svc->home == rq && svc->epoch != rq->epoch) {
		int64_t missed = (int64_t)MIN(rq->epoch - svc->epoch, 2);
		svc->credit = MIN(svc->credit + missed * CREDIT_INIT, CREDIT_INIT + CARRYOVER_MAX);
	}
	svc->home = rq;
	svc->epoch = rq->epoch;
}

static void c2_refill(struct c2_pool *p, struct c2_rq *rq, struct c2_vcpu *svc, int64_t add,
		      uint64_t now)
{
	if (svc->home == rq && svc->epoch == rq->epoch)
		return;
	if (svc->v->is_running)
		c2_burn(p, svc, now);
	svc->credit = MIN(svc->credit + add, CREDIT_INIT + CARRYOVER_MAX);
	svc->home = rq;
	svc->epoch = rq->epoch;
}

/* The best candidate sn has no credit left: a new epoch, in which every
 * vCPU queued or running in rq gets CREDIT_INIT more (twice that if sn
 * sits at the floor), up to CREDIT_INIT + CARRYOVER_MAX.  Sleepers
 * catch up when they wake (c2_settle). */
static void c2_reset(struct c2_pool *p, struct c2_rq *rq, struct c2_vcpu *sn, uint64_t now)
{
	int64_t add = sn->credit <= CREDIT_MIN ? 2 * CREDIT_INIT : CREDIT_INIT;
	rq->epoch++;
	c2_refill(p, rq, sn, add, now);
	for (struct c2_vcpu *svc = rq->head; svc; svc = svc->next)
		c2_refill(p, rq, svc, add, now);
	for (cpumask_t m = rq->cpus; m; m &= m - 1) {
		struct sched_vcpu *cv = sched_cpu_curr[__builtin_ctzll(m)];
		if (cv)
			c2_refill(p, rq, cv->priv, add, now);
	}
}

static void c2_raise(struct c2_pool *p, unsigned cpu)
{
	__atomic_fetch_or(&p->tickled, CPUMASK_CPU(cpu), __ATOMIC_RELAXED);
	sched_plat_raise(cpu);
}

/* svc was just queued on rq: prompt an idle CPU of its soft, then hard
 * affinity (its own CPU first, then rq's; one elsewhere pulls it); else
 * the CPU of rq whose vCPU it beats by the most credit, counting the
 * cost of a migration and soft affinities as Xen's tickle_score().  A
 * CPU inside its ratelimit is prompted too: it reschedules when that
 * ends, so a deserving vCPU waits at most the ratelimit. */
static void c2_tickle(struct cpupool *pool, struct c2_rq *rq, struct c2_vcpu *svc, uint64_t now)
{
	struct c2_pool *p = pool->priv;
	struct sched_vcpu *v = svc->v;
	cpumask_t tickled = __atomic_load_n(&p->tickled, __ATOMIC_RELAXED);
	cpumask_t hard = v->hard_affinity & pool->cpus, soft = v->soft_affinity & hard;
	cpumask_t free = __atomic_load_n(&p->idle, __ATOMIC_RELAXED) & ~tickled;
	cpumask_t steps[2] = { soft & free, hard & free };
	int64_t best = 0;
	int target = -1;

	for (int i = 0; i < 2; i++) {
		cpumask_t m = steps[i];
		if (m & CPUMASK_CPU(v->processor)) {
			c2_raise(p, v->processor);
			return;
		}
		if (m) {
			c2_raise(p, cpumask_cycle(m & rq->cpus ? m & rq->cpus : m, v->processor));
			return;
		}
	}
	for (cpumask_t m = rq->cpus & hard & ~tickled; m; m &= m - 1) {
		unsigned c = (unsigned)__builtin_ctzll(m);
		struct sched_vcpu *cv = sched_cpu_curr[c];
		if (!cv || cv == v)
			continue;
		struct c2_vcpu *cur = cv->priv;
		c2_burn(p, cur, now);
		int64_t score = svc->credit - cur->credit - (c == v->processor ? 0 : MIGRATE_RESIST);
		if (score > 0)
			score += ((soft >> c) & 1) * CREDIT_INIT + !((cv->soft_affinity >> c) & 1) * CREDIT_INIT;
		if (score > best) {
			best = score;
			target = (int)c;
		}
	}
	if (target >= 0)
		c2_raise(p, (unsigned)target);
}

static unsigned c2_load(struct c2_pool *p, struct c2_rq *rq)
{
	cpumask_t busy = rq->cpus & ~__atomic_load_n(&p->idle, __ATOMIC_RELAXED);
	return __atomic_load_n(&rq->nr_queued, __ATOMIC_RELAXED) + cpumask_weight(busy);
}

/* Pulls into rq a queued vCPU of another runqueue that may run on cpu
 * (most credit first): from any runqueue when cpu has nothing to run
 * (idle), else only from one 2 or more vCPUs heavier.  rq->lock is held,
 * so the other lock is only tried; if busy, *until asks for a retry. */
static bool c2_steal(struct cpupool *pool, struct c2_rq *rq, unsigned cpu, bool idle, uint64_t now,
		     uint64_t *until)
{
	struct c2_pool *p = pool->priv;
	unsigned mine = c2_load(p, rq);
	if (!p->rq_per_cpu)
		return false;
	for (cpumask_t m = pool->cpus & ~rq->cpus; m; m &= m - 1) {
		struct c2_rq *o = c2_rq(p, (unsigned)__builtin_ctzll(m));
		struct c2_vcpu *svc;
		if (!__atomic_load_n(&o->nr_queued, __ATOMIC_RELAXED) || (!idle && c2_load(p, o) < mine + 2))
			continue;
		if (!spin_trylock(&o->lock)) {
			*until = until_min(*until, now + STEAL_RETRY);
			continue;
		}
		for (svc = o->head; svc; svc = svc->next)
			if ((svc->v->hard_affinity & CPUMASK_CPU(cpu)) && c2_budget(svc->v->dom, now, NULL) > 0)
				break;
		if (svc) {
			runq_remove(svc);
			__atomic_store_n(&svc->v->processor, cpu, __ATOMIC_RELEASE);
			c2_settle(rq, svc);
			runq_insert(rq, svc);
		}
		spin_unlock(&o->lock);
		if (svc)
			return true;
	}
	return false;
}

/* The first queued vCPU allowed on cpu, with budget, that beats cur (the
 * running one, if it may go on; any, if it yields), else cur. */
static struct c2_vcpu *c2_candidate(struct c2_rq *rq, unsigned cpu, struct c2_vcpu *cur, bool yield,
				    uint64_t now, uint64_t *until)
{
	for (struct c2_vcpu *svc = rq->head; svc; svc = svc->next) {
		struct sched_vcpu *v = svc->v;
		if (cur && !yield && svc->credit <= cur->credit)
			break;
		if (!(v->hard_affinity & CPUMASK_CPU(cpu)))
			continue;
		if (cur && v->processor != cpu && svc->credit < cur->credit + MIGRATE_RESIST)
			continue;
		if (c2_budget(v->dom, now, until) <= 0)
			continue;
		return svc;
	}
	return cur;
}

/* The slice: until sn's credit falls to that of the best waiter (or to
 * zero), within its budget, no shorter than MIN_TIMER and what is left
 * of its ratelimit, no longer than MAX_TIMER. */
static uint64_t c2_runtime(struct c2_pool *p, struct c2_rq *rq, struct c2_vcpu *sn, uint64_t now)
{
	struct sched_vcpu *v = sn->v;
	int64_t rl = (int64_t)opt_ratelimit_us * US, gap = sn->credit, t = 0, min;
	if (v->is_running)
		rl += (int64_t)(v->runstate_entry - now);
	min = MAX(MIN_TIMER, rl);
	if (rq->head && rq->head->credit > 0)
		gap = sn->credit - rq->head->credit;
	if (gap > 0)
		t = gap * __atomic_load_n(&v->dom->weight, __ATOMIC_RELAXED) /
		    __atomic_load_n(&p->max_weight, __ATOMIC_RELAXED);
	t = MIN(t, c2_budget(v->dom, now, NULL));
	return (uint64_t)(t < min ? min : MIN(t, MAX_TIMER));
}

static struct sched_vcpu *c2_do_schedule(struct cpupool *pool, unsigned cpu, uint64_t now,
					 struct sched_vcpu *prev, bool prev_runnable, uint64_t *until)
{
	struct c2_pool *p = pool->priv;
	struct c2_rq *rq = c2_rq(p, cpu);
	struct c2_vcpu *pc = prev ? prev->priv : NULL, *cur = NULL, *sn;
	bool yield = false;

	__atomic_fetch_and(&p->tickled, ~CPUMASK_CPU(cpu), __ATOMIC_RELAXED);
	if (pc) {
		c2_burn(p, pc, now);
		yield = pc->yield;
		pc->yield = false;
		if (prev_runnable && (prev->hard_affinity & CPUMASK_CPU(cpu)) &&
		    c2_budget(prev->dom, now, until) > 0)
			cur = pc;
	}
	if (cur && !yield && now - prev->runstate_entry < (uint64_t)opt_ratelimit_us * US) {
		sn = cur;
	} else {
		c2_steal(pool, rq, cpu, false, now, until);
		sn = c2_candidate(rq, cpu, cur, yield, now, until);
		if (!sn && c2_steal(pool, rq, cpu, true, now, until))
			sn = c2_candidate(rq, cpu, NULL, false, now, until);
	}
	if (sn != pc) {
		if (sn)
			runq_remove(sn);
		if (prev_runnable)
			runq_insert(rq, pc);
	}
	if (!sn) {
		__atomic_fetch_or(&p->idle, CPUMASK_CPU(cpu), __ATOMIC_RELAXED);
		return NULL;
	}
	__atomic_fetch_and(&p->idle, ~CPUMASK_CPU(cpu), __ATOMIC_RELAXED);
	if ((rq->head ? MAX(sn->credit, rq->head->credit) : sn->credit) <= 0)
		c2_reset(p, rq, sn, now);
	sn->start = now;
	*until = until_min(*until, now + c2_runtime(p, rq, sn, now));
	return sn->v;
}

static void c2_wake(struct cpupool *pool, struct sched_vcpu *v, uint64_t now)
{
	struct c2_rq *rq = c2_rq(pool->priv, v->processor);
	struct c2_vcpu *svc = v->priv;
	if (!svc->queued) {
		c2_settle(rq, svc);
		runq_insert(rq, svc);
	}
	c2_tickle(pool, rq, svc, now);
}

static void c2_sleep(struct cpupool *pool, struct sched_vcpu *v)
{
	(void)pool;
	runq_remove(v->priv);
}

static void c2_yield(struct cpupool *pool, struct sched_vcpu *v)
{
	(void)pool;
	((struct c2_vcpu *)v->priv)->yield = true;
}

/* A queued vCPU may now be allowed on an idle CPU. */
static void c2_affinity_changed(struct cpupool *pool, struct sched_vcpu *v)
{
	struct c2_vcpu *svc = v->priv;
	if (svc->queued)
		c2_tickle(pool, svc->queued, svc, 0);
}

/* dom_lock held. */
static void c2_update_max_weight(struct c2_pool *p)
{
	uint32_t max = 1;
	for (struct c2_dom *sd = p->doms; sd; sd = sd->next)
		max = MAX(max, sd->d->weight);
	__atomic_store_n(&p->max_weight, max, __ATOMIC_RELAXED);
}

static void c2_dom_adjusted(struct cpupool *pool, struct sched_dom *d)
{
	struct c2_pool *p = pool->priv;
	struct c2_dom *sd = d->priv;
	uint64_t fl = spin_lock_irqsave(&p->dom_lock);
	c2_update_max_weight(p);
	spin_unlock_irqrestore(&p->dom_lock, fl);
	fl = spin_lock_irqsave(&sd->lock);
	sd->next_repl = 0; /* a full budget from the next look on */
	spin_unlock_irqrestore(&sd->lock, fl);
}

static int c2_dom_init(struct cpupool *pool, struct sched_dom *d)
{
	struct c2_pool *p = pool->priv;
	struct c2_dom *sd = xzalloc(sizeof(*sd));
	if (!sd)
		return -1;
	sd->d = d;
	d->priv = sd;
	uint64_t fl = spin_lock_irqsave(&p->dom_lock);
	sd->next = p->doms;
	p->doms = sd;
	c2_update_max_weight(p);
	spin_unlock_irqrestore(&p->dom_lock, fl);
	return 0;
}

static void c2_dom_destroy(struct cpupool *pool, struct sched_dom *d)
{
	struct c2_pool *p = pool->priv;
	struct c2_dom **pp;
	uint64_t fl = spin_lock_irqsave(&p->dom_lock);
	for (pp = &p->doms; *pp != d->priv; pp = &(*pp)->next)
		;
	*pp = (*pp)->next;
	c2_update_max_weight(p);
	spin_unlock_irqrestore(&p->dom_lock, fl);
	xfree(d->priv);
	d->priv = NULL;
}

static int c2_vcpu_init(struct cpupool *pool, struct sched_vcpu *v)
{
	struct c2_vcpu *svc = xzalloc(sizeof(*svc));
	(void)pool;
	if (!svc)
		return -1;
	svc->v = v;
	svc->credit = CREDIT_INIT;
	v->priv = svc;
	return 0;
}

static void c2_vcpu_destroy(struct cpupool *pool, struct sched_vcpu *v)
{
	(void)pool;
	xfree(v->priv);
	v->priv = NULL;
}

static int c2_init(struct cpupool *pool)
{
	struct c2_pool *p = xzalloc(sizeof(*p));
	if (!p)
		return -1;
	p->rq_per_cpu = !strcmp(opt_runqueue, "cpu");
	p->max_weight = SCHED_DEFAULT_WEIGHT;
	pool->priv = p;
	return 0;
}

static void c2_deinit(struct cpupool *pool)
{
	xfree(pool->priv);
	pool->priv = NULL;
}

static int c2_add_cpu(struct cpupool *pool, unsigned cpu)
{
	struct c2_pool *p = pool->priv;
	struct c2_rq *rq = c2_rq(p, cpu);
	uint64_t fl = spin_lock_irqsave(&rq->lock);
	rq->cpus |= CPUMASK_CPU(cpu);
	__atomic_fetch_or(&p->idle, CPUMASK_CPU(cpu), __ATOMIC_RELAXED);
	__atomic_fetch_and(&p->tickled, ~CPUMASK_CPU(cpu), __ATOMIC_RELAXED);
	spin_unlock_irqrestore(&rq->lock, fl);
	sched_cpu_lock[cpu] = &rq->lock;
	return 0;
}

static void c2_remove_cpu(struct cpupool *pool, unsigned cpu)
{
	struct c2_pool *p = pool->priv;
	struct c2_rq *rq = c2_rq(p, cpu);
	uint64_t fl = spin_lock_irqsave(&rq->lock);
	rq->cpus &= ~CPUMASK_CPU(cpu);
	__atomic_fetch_and(&p->idle, ~CPUMASK_CPU(cpu), __ATOMIC_RELAXED);
	spin_unlock_irqrestore(&rq->lock, fl);
}

static const struct sched_ops credit2_ops = {
	.name = "credit2",
	.xen_id = 6,
	.init = c2_init,
	.deinit = c2_deinit,
	.add_cpu = c2_add_cpu,
	.remove_cpu = c2_remove_cpu,
	.dom_init = c2_dom_init,
	.dom_destroy = c2_dom_destroy,
	.vcpu_init = c2_vcpu_init,
	.vcpu_destroy = c2_vcpu_destroy,
	.wake = c2_wake,
	.sleep = c2_sleep,
	.do_schedule = c2_do_schedule,
	.yield = c2_yield,
	.affinity_changed = c2_affinity_changed,
	.dom_adjusted = c2_dom_adjusted,
};
SCHEDULER_REGISTER(credit2_ops);
