/*
 * The generic scheduler (sched.h): cpupools, a vCPU's runnability and
 * runstate, its lock, and the per-CPU decision around a policy's
 * do_schedule().  The rules are Xen's (common/sched/core.c as its
 * behaviour is documented): a vCPU runs when no pause flag is set; it is
 * guarded by the lock of the CPU in v->processor, taken and re-checked
 * until it holds still; runstates follow public/vcpu.h and Xen's
 * vcpu_runstate_change() (RUNNING while current, else BLOCKED, RUNNABLE
 * or OFFLINE from the flags), each interval charged to exactly one state.
 * A vCPU that finds itself on a CPU outside its hard affinity is moved
 * here, for every policy: v->processor changes under the old lock, then
 * the vCPU is woken under the new one.
 */
#include "sched.h"

struct cpupool cpupool0;
struct cpupool *sched_cpu_pool[SCHED_MAX_CPUS];
spinlock_t *sched_cpu_lock[SCHED_MAX_CPUS];
struct sched_vcpu *sched_cpu_curr[SCHED_MAX_CPUS];

extern const struct sched_ops *const __start_hv_schedulers[];
extern const struct sched_ops *const __stop_hv_schedulers[];

/* The latest time a caller gave us, for the calls that take none. */
static uint64_t sched_last_now;

static void note_time(uint64_t now)
{
	__atomic_store_n(&sched_last_now, now, __ATOMIC_RELAXED);
}

const struct sched_ops *sched_find(const char *name)
{
	if (!name || !*name)
		name = "credit2";
	for (const struct sched_ops *const *o = __start_hv_schedulers; o < __stop_hv_schedulers; o++)
		if (!strcmp((*o)->name, name))
			return *o;
	return NULL;
}

int cpupool_init(struct cpupool *pool, int id, const struct sched_ops *ops)
{
	if (!ops)
		return -1;
	pool->id = id;
	pool->cpus = 0;
	pool->ops = ops;
	pool->priv = NULL;
	pool->nr_domains = 0;
	return ops->init(pool);
}

int cpupool_add_cpu(struct cpupool *pool, unsigned cpu)
{
	if (cpu >= SCHED_MAX_CPUS || sched_cpu_pool[cpu])
		return -1;
	sched_cpu_curr[cpu] = NULL;
	__atomic_fetch_or(&pool->cpus, CPUMASK_CPU(cpu), __ATOMIC_RELEASE);
	sched_cpu_pool[cpu] = pool;
	if (pool->ops->add_cpu(pool, cpu)) {
		sched_cpu_pool[cpu] = NULL;
		__atomic_fetch_and(&pool->cpus, ~CPUMASK_CPU(cpu), __ATOMIC_RELEASE);
		return -1;
	}
	return 0;
}

/* The CPU must run nothing, and no vCPU may still name it as its
 * processor (move them first with sched_set_affinity). */
int cpupool_remove_cpu(struct cpupool *pool, unsigned cpu)
{
	if (cpu >= SCHED_MAX_CPUS || sched_cpu_pool[cpu] != pool || sched_cpu_curr[cpu])
		return -1;
	__atomic_fetch_and(&pool->cpus, ~CPUMASK_CPU(cpu), __ATOMIC_RELEASE);
	pool->ops->remove_cpu(pool, cpu);
	sched_cpu_pool[cpu] = NULL;
	sched_cpu_lock[cpu] = NULL;
	return 0;
}

int sched_dom_init(struct sched_dom *d, uint16_t domid, struct cpupool *pool)
{
	d->domid = domid;
	d->weight = SCHED_DEFAULT_WEIGHT;
	d->cap = 0;
	d->pool = pool;
	d->priv = NULL;
	if (pool->ops->dom_init && pool->ops->dom_init(pool, d))
		return -1;
	pool->nr_domains++;
	return 0;
}

void sched_dom_destroy(struct sched_dom *d)
{
	if (d->pool->ops->dom_destroy)
		d->pool->ops->dom_destroy(d->pool, d);
	d->pool->nr_domains--;
}

int sched_vcpu_init(struct sched_vcpu *v, struct sched_dom *d, unsigned vcpu_id, unsigned cpu,
		    uint64_t now)
{
	struct cpupool *pool = d->pool;
	cpumask_t cpus = __atomic_load_n(&pool->cpus, __ATOMIC_ACQUIRE);
	if (!cpus)
		return -1;
	memset(v, 0, sizeof(*v));
	v->dom = d;
	v->vcpu_id = vcpu_id;
	v->processor = cpu < SCHED_MAX_CPUS && (cpus & CPUMASK_CPU(cpu)) ? cpu : cpumask_cycle(cpus, 0);
	v->hard_affinity = v->soft_affinity = CPUMASK_ALL;
	v->pause_flags = SVF_DOWN;
	v->runstate = RS_OFFLINE;
	v->runstate_entry = now;
	note_time(now);
	return pool->ops->vcpu_init(pool, v);
}

spinlock_t *sched_vcpu_lock(struct sched_vcpu *v, uint64_t *irqflags)
{
	for (;;) {
		spinlock_t *lock = sched_cpu_lock[__atomic_load_n(&v->processor, __ATOMIC_ACQUIRE)];
		*irqflags = spin_lock_irqsave(lock);
		if (lock == sched_cpu_lock[__atomic_load_n(&v->processor, __ATOMIC_ACQUIRE)])
			return lock;
		spin_unlock_irqrestore(lock, *irqflags);
	}
}

void sched_vcpu_unlock(spinlock_t *lock, uint64_t irqflags)
{
	spin_unlock_irqrestore(lock, irqflags);
}

void sched_vcpu_destroy(struct sched_vcpu *v)
{
	struct cpupool *pool = v->dom->pool;
	uint64_t fl;
	spinlock_t *lock = sched_vcpu_lock(v, &fl);
	pool->ops->sleep(pool, v);
	spin_unlock_irqrestore(lock, fl);
	pool->ops->vcpu_destroy(pool, v);
}

/* Under v's lock: charges the time since the last change to the state
 * v was in, if the state it should be in now differs. */
/* The runstate v is in, taking it as running or not. */
static void runstate_sync_as(struct sched_vcpu *v, uint64_t now, bool running)
{
	uint32_t f = v->pause_flags;
	int rs = RS_RUNNABLE;
	if (running)
		rs = RS_RUNNING;
	else if (f)
		rs = f & SVF_BLOCKED ? RS_BLOCKED : RS_OFFLINE;
	if (rs == v->runstate)
		return;
	if (now > v->runstate_entry) {
		v->runstate_time[v->runstate] += now - v->runstate_entry;
		v->runstate_entry = now;
	}
	v->runstate = rs;
}

static void runstate_sync(struct sched_vcpu *v, uint64_t now)
{
	runstate_sync_as(v, now, v->is_running);
}

void sched_runstate_read(const struct sched_vcpu *v, uint64_t now, int *state, uint64_t *entry,
			 uint64_t time[4])
{
	*state = v->runstate;
	*entry = v->runstate_entry;
	for (int i = 0; i < 4; i++)
		time[i] = v->runstate_time[i];
	if (now > v->runstate_entry)
		time[v->runstate] += now - v->runstate_entry;
}

void sched_runstate_get(struct sched_vcpu *v, uint64_t now, int *state, uint64_t *entry,
			uint64_t time[4])
{
	uint64_t fl;
	spinlock_t *lock = sched_vcpu_lock(v, &fl);
	sched_runstate_read(v, now, state, entry, time);
	spin_unlock_irqrestore(lock, fl);
}

void sched_vcpu_flags_locked(struct sched_vcpu *v, uint32_t set, uint32_t clear, uint64_t now)
{
	struct cpupool *pool = v->dom->pool;
	bool was = sched_vcpu_runnable(v), is;
	__atomic_store_n(&v->pause_flags, (v->pause_flags | set) & ~clear, __ATOMIC_RELEASE);
	is = sched_vcpu_runnable(v);
	note_time(now);
	if (v->is_running) {
		if (was && !is)
			sched_plat_raise(v->processor);
	} else if (!was && is) {
		pool->ops->wake(pool, v, now);
	} else if (was && !is) {
		pool->ops->sleep(pool, v);
	}
	runstate_sync(v, now);
}

void sched_vcpu_flags(struct sched_vcpu *v, uint32_t set, uint32_t clear, uint64_t now)
{
	uint64_t fl;
	spinlock_t *lock = sched_vcpu_lock(v, &fl);
	sched_vcpu_flags_locked(v, set, clear, now);
	spin_unlock_irqrestore(lock, fl);
}

/* v, not running, names a CPU outside its hard affinity: gives it one
 * inside (soft affinity first) and requeues it there.  No lock held.
 * From the CPU that descheduled it (counted in v->moving), v may be
 * freed once that count drops. */
static void vcpu_move(struct sched_vcpu *v, bool descheduled)
{
	struct cpupool *pool = v->dom->pool;
	uint64_t fl;
	spinlock_t *lock = sched_vcpu_lock(v, &fl);
	cpumask_t hard = v->hard_affinity & pool->cpus, soft = v->soft_affinity & hard;
	if (v->is_running || !hard || (hard & CPUMASK_CPU(v->processor))) {
		spin_unlock_irqrestore(lock, fl);
		if (descheduled)
			__atomic_sub_fetch(&v->moving, 1, __ATOMIC_RELEASE); /* v may be freed now */
		return;
	}
	pool->ops->sleep(pool, v);
	__atomic_store_n(&v->processor, cpumask_cycle(soft ? soft : hard, v->vcpu_id + v->dom->domid),
			 __ATOMIC_RELEASE);
	spin_unlock_irqrestore(lock, fl);
	lock = sched_vcpu_lock(v, &fl);
	if (!v->is_running && sched_vcpu_runnable(v))
		pool->ops->wake(pool, v, __atomic_load_n(&sched_last_now, __ATOMIC_RELAXED));
	spin_unlock_irqrestore(lock, fl);
	if (descheduled)
		__atomic_sub_fetch(&v->moving, 1, __ATOMIC_RELEASE); /* v may be freed now */
}

/* prev leaves its CPU (lock held): its state is saved, then it stops
 * running (whoever waits for that, as pause does, finds the state
 * complete), then it is requeued if still (or again) runnable.  Returns
 * true when its hard affinity excludes its CPU: the caller moves it once
 * unlocked. */
static bool deschedule(struct cpupool *pool, struct sched_vcpu *prev, uint64_t now)
{
	runstate_sync_as(prev, now, false);
	sched_plat_save(prev);
	bool move = sched_vcpu_runnable(prev) && !(prev->hard_affinity & pool->cpus & CPUMASK_CPU(prev->processor));
	if (move) /* whoever waits for it to stop waits for the move too */
		__atomic_add_fetch(&prev->moving, 1, __ATOMIC_RELEASE);
	__atomic_store_n(&prev->is_running, false, __ATOMIC_RELEASE);
	if (!sched_vcpu_runnable(prev)) {
		pool->ops->sleep(pool, prev);
		return false;
	}
	if (move)
		return true;
	pool->ops->wake(pool, prev, now);
	return false;
}

struct sched_vcpu *sched_schedule(unsigned cpu, uint64_t now, uint64_t *until)
{
	struct cpupool *pool = sched_cpu_pool[cpu];
	struct sched_vcpu *prev, *next, *move = NULL;
	*until = 0;
	if (!pool)
		return NULL;
	note_time(now);
	spinlock_t *lock = sched_cpu_lock[cpu];
	uint64_t fl = spin_lock_irqsave(lock);
	prev = sched_cpu_curr[cpu];
	next = pool->ops->do_schedule(pool, cpu, now, prev, prev && sched_vcpu_runnable(prev), until);
	if (next != prev) {
		if (prev && deschedule(pool, prev, now))
			move = prev;
		if (next) {
			__atomic_store_n(&next->is_running, true, __ATOMIC_RELEASE);
			__atomic_store_n(&next->processor, cpu, __ATOMIC_RELEASE);
			runstate_sync(next, now);
		}
		sched_cpu_curr[cpu] = next;
	}
	spin_unlock_irqrestore(lock, fl);
	if (move)
		vcpu_move(move, true);
	return next;
}

void sched_yield(struct sched_vcpu *v)
{
	struct cpupool *pool = v->dom->pool;
	uint64_t fl;
	spinlock_t *lock = sched_vcpu_lock(v, &fl);
	if (pool->ops->yield)
		pool->ops->yield(pool, v);
	sched_plat_raise(v->processor);
	spin_unlock_irqrestore(lock, fl);
}

int sched_set_affinity(struct sched_vcpu *v, cpumask_t hard, cpumask_t soft)
{
	struct cpupool *pool = v->dom->pool;
	uint64_t fl;
	bool out;
	if (!(hard & pool->cpus))
		return -1;
	spinlock_t *lock = sched_vcpu_lock(v, &fl);
	v->hard_affinity = hard;
	v->soft_affinity = soft;
	if (v->is_running && !(hard & CPUMASK_CPU(v->processor)))
		sched_plat_raise(v->processor);
	if (pool->ops->affinity_changed)
		pool->ops->affinity_changed(pool, v);
	out = !v->is_running && !(hard & CPUMASK_CPU(v->processor));
	spin_unlock_irqrestore(lock, fl);
	if (out)
		vcpu_move(v, false); /* the caller holds a reference on v's domain */
	return 0;
}

int sched_dom_adjust(struct sched_dom *d, unsigned weight, unsigned cap)
{
	unsigned nr_cpus = cpumask_weight(d->pool->cpus);
	if (weight < 1 || weight > 65535 || cap > 100 * nr_cpus)
		return -1;
	__atomic_store_n(&d->weight, (uint16_t)weight, __ATOMIC_RELAXED);
	__atomic_store_n(&d->cap, (uint16_t)cap, __ATOMIC_RELAXED);
	if (d->pool->ops->dom_adjusted)
		d->pool->ops->dom_adjusted(d->pool, d);
	return 0;
}
