/*
 * hv/common/sched: the generic scheduler, credit2 and null, driven by a
 * discrete-event simulation (simulated CPUs, a ns clock, vCPUs that are
 * CPU hogs or run X us then block for about Y us), then by real threads,
 * one per simulated CPU, on real spinlocks (C11 threads, pthreads
 * underneath: <pthread.h> would pull in <sched.h>, which -Ihv/include
 * resolves to ours).
 */
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <threads.h>
#include <time.h>
#include <unistd.h>
#include "check.h"
#include "heap.h"
#include "param.h"
#include "sched.h"

#define US 1000ULL
#define MS 1000000ULL
#define SIM_CPUS 8
#define SIM_VCPUS 16

void *xmalloc(size_t size) { return malloc(size); }
void *xzalloc(size_t size) { return calloc(1, size); }
void xfree(void *p) { free(p); }

extern const struct hv_param __start_hv_params[], __stop_hv_params[];

static void set_opt(const char *name, const char *val)
{
	for (const struct hv_param *p = __start_hv_params; p < __stop_hv_params; p++)
		if (!strcmp(p->name, name)) {
			if (p->type == PARAM_STRING)
				snprintf(p->var, p->var_size, "%s", val);
			else
				*(uint32_t *)p->var = (uint32_t)strtoul(val, NULL, 0);
			return;
		}
	CHECK(0, "sched: option %s is declared", name);
}

static uint64_t rng = 88172645463325252ULL;
static uint32_t rnd(void)
{
	rng ^= rng << 13, rng ^= rng >> 7, rng ^= rng << 17;
	return (uint32_t)(rng >> 16);
}

/* ---- the simulation ---- */

struct svcpu {
	struct sched_vcpu sv;  /* first: the scheduler's vCPU is ours */
	uint64_t run, sleep;   /* runs run ns then blocks ~sleep ns; run 0: a hog */
	uint64_t left;         /* of the current burst */
	uint64_t wake_at;      /* blocked by the simulation until then (0: not) */
	uint64_t created, ran, ran_on[SIM_CPUS];
	uint64_t woke, max_lat; /* woken at (0: runs or sleeps); worst wait */
};

static struct {
	unsigned ncpu, nv;
	uint64_t now;
	int self; /* the CPU in sched_schedule */
	struct {
		struct sched_vcpu *curr;
		uint64_t until;
		bool raised;
	} cpu[SIM_CPUS];
	struct svcpu *v[SIM_VCPUS];
	void (*hook)(void);
	uint64_t hook_every, hook_next;
	unsigned decisions, switches, bad_affinity, bad_runnable, twice, livelock;
} S;

static struct cpupool pool;
static struct sched_dom dom[3];

static struct {
	bool on;
	unsigned errors, switches;
	int owner[8];
	int raised[SIM_CPUS];
	struct sched_vcpu *v;
} M;
static __thread int mt_self;

void sched_plat_raise(unsigned cpu)
{
	if (M.on)
		__atomic_store_n(&M.raised[cpu], 1, __ATOMIC_SEQ_CST);
	else
		S.cpu[cpu].raised = true;
}

void sched_plat_save(struct sched_vcpu *prev)
{
	if (M.on) {
		int *owner = &M.owner[prev - M.v];
		if (__atomic_load_n(owner, __ATOMIC_ACQUIRE) != mt_self)
			__atomic_fetch_add(&M.errors, 1, __ATOMIC_RELAXED);
		__atomic_store_n(owner, -1, __ATOMIC_RELEASE);
		__atomic_fetch_add(&M.switches, 1, __ATOMIC_RELAXED);
		return;
	}
	for (unsigned c = 0; c < S.ncpu; c++)
		S.twice += (int)c != S.self && S.cpu[c].curr == prev;
	S.switches++;
}

static void sim_decide(unsigned c)
{
	uint64_t until;
	S.cpu[c].raised = false;
	S.self = (int)c;
	struct sched_vcpu *next = sched_schedule(c, S.now, &until);
	S.self = -1;
	S.decisions++;
	if (next) {
		struct svcpu *s = (struct svcpu *)next;
		S.bad_affinity += !(next->hard_affinity & CPUMASK_CPU(c));
		S.bad_runnable += !sched_vcpu_runnable(next);
		for (unsigned o = 0; o < S.ncpu; o++)
			S.twice += o != c && S.cpu[o].curr == next;
		if (s->woke && next != S.cpu[c].curr) {
			s->max_lat = MAX(s->max_lat, S.now - s->woke);
			s->woke = 0;
		}
	}
	S.cpu[c].curr = next;
	S.cpu[c].until = until;
}

/* Every decision due now, until none is. */
static void sim_settle(void)
{
	for (unsigned round = 0;; round++) {
		bool any = false;
		for (unsigned c = 0; c < S.ncpu; c++)
			if (S.cpu[c].raised || (S.cpu[c].until && S.cpu[c].until <= S.now)) {
				sim_decide(c);
				any = true;
			}
		if (!any)
			return;
		if (round > 1000) {
			S.livelock++;
			return;
		}
	}
}

static uint64_t sim_next_event(uint64_t end)
{
	uint64_t t = end;
	for (unsigned c = 0; c < S.ncpu; c++) {
		struct svcpu *s = (struct svcpu *)S.cpu[c].curr;
		if (S.cpu[c].until && S.cpu[c].until < t)
			t = S.cpu[c].until;
		if (s && s->run && S.now + s->left < t)
			t = S.now + s->left;
	}
	for (unsigned i = 0; i < S.nv; i++)
		if (S.v[i] && S.v[i]->wake_at && S.v[i]->wake_at < t)
			t = S.v[i]->wake_at;
	if (S.hook && S.hook_next < t)
		t = S.hook_next;
	return t;
}

/* vCPUs at the end of a burst block; those whose sleep is over wake. */
static void sim_events(void)
{
	for (unsigned c = 0; c < S.ncpu; c++) {
		struct svcpu *s = (struct svcpu *)S.cpu[c].curr;
		if (s && s->run && !s->left && !(s->sv.pause_flags & SVF_BLOCKED)) {
			s->left = s->run;
			s->wake_at = S.now + s->sleep / 2 + rnd() % s->sleep;
			sched_vcpu_flags(&s->sv, SVF_BLOCKED, 0, S.now);
		}
	}
	for (unsigned i = 0; i < S.nv; i++) {
		struct svcpu *s = S.v[i];
		if (s && s->wake_at && s->wake_at <= S.now) {
			s->wake_at = 0;
			s->woke = S.now;
			sched_vcpu_flags(&s->sv, 0, SVF_BLOCKED, S.now);
		}
	}
	if (S.hook && S.hook_next <= S.now) {
		S.hook_next += S.hook_every;
		S.hook();
	}
}

static void sim_run(uint64_t duration)
{
	uint64_t end = S.now + duration;
	for (;;) {
		sim_settle();
		if (S.now >= end)
			return;
		uint64_t t = sim_next_event(end), dt = t - S.now;
		for (unsigned c = 0; c < S.ncpu; c++) {
			struct svcpu *s = (struct svcpu *)S.cpu[c].curr;
			if (!s)
				continue;
			s->ran += dt;
			s->ran_on[c] += dt;
			if (s->run)
				s->left -= dt;
		}
		S.now = t;
		sim_events();
	}
}

static void sim_start(const char *policy, unsigned ncpu)
{
	memset(&S, 0, sizeof(S));
	S.self = -1;
	S.ncpu = ncpu;
	if (cpupool_init(&pool, 1, sched_find(policy)))
		CHECK(0, "sched: pool with policy %s", policy);
	for (unsigned c = 0; c < ncpu; c++)
		cpupool_add_cpu(&pool, c);
	for (unsigned i = 0; i < ARRAY_SIZE(dom); i++)
		sched_dom_init(&dom[i], (uint16_t)i, &pool);
}

static struct svcpu *sim_vcpu(unsigned d, unsigned cpu, uint64_t run_us, uint64_t sleep_us, bool up)
{
	struct svcpu *s = calloc(1, sizeof(*s));
	sched_vcpu_init(&s->sv, &dom[d], S.nv, cpu, S.now);
	s->run = s->left = run_us * US;
	s->sleep = sleep_us * US;
	s->created = S.now;
	S.v[S.nv++] = s;
	if (up)
		sched_vcpu_flags(&s->sv, 0, SVF_DOWN, S.now);
	return s;
}

static void sim_destroy(struct svcpu *s)
{
	sched_vcpu_flags(&s->sv, SVF_PAUSED, 0, S.now);
	sim_settle();
	sched_vcpu_destroy(&s->sv);
	for (unsigned i = 0; i < S.nv; i++)
		if (S.v[i] == s)
			S.v[i] = NULL;
	free(s);
}

static void sim_end(void)
{
	int rc = 0;
	for (unsigned i = 0; i < S.nv; i++)
		if (S.v[i])
			sim_destroy(S.v[i]);
	for (unsigned i = 0; i < ARRAY_SIZE(dom); i++)
		sched_dom_destroy(&dom[i]);
	for (unsigned c = 0; c < S.ncpu; c++)
		rc |= cpupool_remove_cpu(&pool, c);
	pool.ops->deinit(&pool);
	if (rc || S.livelock)
		CHECK(0, "sched: the simulation ends cleanly (rc %d, livelocks %u)", rc, S.livelock);
}

/* Runstate times add up to the vCPU's life, and RUNNING to what the
 * simulation saw it run. */
static bool runstate_exact(struct svcpu *s, uint64_t t[4])
{
	int state;
	uint64_t entry;
	sched_runstate_get(&s->sv, S.now, &state, &entry, t);
	return t[0] + t[1] + t[2] + t[3] == S.now - s->created && t[RS_RUNNING] == s->ran;
}

static bool all_runstates_exact(void)
{
	uint64_t t[4];
	for (unsigned i = 0; i < S.nv; i++)
		if (S.v[i] && !runstate_exact(S.v[i], t))
			return false;
	return true;
}

/* ---- credit2 ---- */

static void weights(void)
{
	sim_start("credit2", 1);
	sched_dom_adjust(&dom[1], 512, 0);
	struct svcpu *a = sim_vcpu(0, 0, 0, 0, true), *b = sim_vcpu(1, 0, 0, 0, true);
	sim_run(2000 * MS);
	double ratio = (double)b->ran / (double)a->ran;
	CHECK(fabs(ratio - 2.0) <= 0.1, "credit2: hogs of weight 256 and 512 on one CPU share it 1:%.3f (want 1:2 within 5%%)",
	      ratio);
	CHECK(all_runstates_exact() && S.twice == 0, "credit2: weights run: runstates exact, no vCPU on two CPUs");
	sim_end();
}

static void cap(void)
{
	sim_start("credit2", 2);
	sched_dom_adjust(&dom[0], SCHED_DEFAULT_WEIGHT, 25);
	struct svcpu *a = sim_vcpu(0, 0, 0, 0, true), *b = sim_vcpu(0, 1, 0, 0, true);
	struct svcpu *e = sim_vcpu(1, 0, 0, 0, true);
	sim_run(2000 * MS);
	double share = (double)(a->ran + b->ran) / (double)S.now;
	double other = (double)e->ran / (double)S.now;
	CHECK(fabs(share - 0.25) <= 0.005 && other >= 0.75,
	      "credit2: a domain capped at 25%% with 2 hogs on 2 CPUs gets %.2f%% of a CPU (want 25 +- 0.5); an uncapped hog beside it %.2f%% (want >= 75)",
	      share * 100, other * 100);
	sim_end();

	sim_start("credit2", 1);
	sched_dom_adjust(&dom[0], SCHED_DEFAULT_WEIGHT, 25);
	a = sim_vcpu(0, 0, 0, 0, true);
	sim_run(1000 * MS);
	share = (double)a->ran / (double)S.now;
	CHECK(fabs(share - 0.25) <= 0.005, "credit2: a lone hog capped at 25%% runs %.2f%% of its otherwise idle CPU", share * 100);
	sim_end();
}

static void latency(unsigned ncpu, unsigned hogs, unsigned ios, const char *runqueue)
{
	uint64_t worst = 0, runs = 0;
	set_opt("credit2_runqueue", runqueue);
	sim_start("credit2", ncpu);
	for (unsigned i = 0; i < hogs; i++)
		sim_vcpu(0, i % ncpu, 0, 0, true);
	for (unsigned i = 0; i < ios; i++)
		sim_vcpu(1, i % ncpu, 200, 2000, true);
	sim_run(2000 * MS);
	for (unsigned i = hogs; i < hogs + ios; i++) {
		worst = MAX(worst, S.v[i]->max_lat);
		runs += S.v[i]->ran / (200 * US);
	}
	CHECK(worst <= 1000 * US && runs > 500 * ios,
	      "credit2 (runqueue=%s): %u vCPUs running 200 us per ~2 ms, among %u hogs on %u CPUs, wait at most %.1f us after waking (ratelimit 1000 us; %llu bursts)",
	      runqueue, ios, hogs, ncpu, (double)worst / US, (unsigned long long)runs);
	CHECK(all_runstates_exact() && S.twice == 0 && S.bad_runnable == 0,
	      "credit2 (runqueue=%s): latency run: runstates exact, only runnable vCPUs picked, none on two CPUs", runqueue);
	sim_end();
	set_opt("credit2_runqueue", "all");
}

static void random_affinity(void)
{
	struct svcpu *s = S.v[rnd() % S.nv];
	cpumask_t all = CPUMASK_CPU(S.ncpu) - 1, hard = 0;
	while (!hard)
		hard = rnd() & all;
	sched_set_affinity(&s->sv, hard, rnd() & all);
}

static void affinity(const char *policy, const char *runqueue)
{
	set_opt("credit2_runqueue", runqueue);
	sim_start(policy, 4);
	for (unsigned i = 0; i < 10; i++)
		sim_vcpu(i % 2, i % 4, i < 6 ? 0 : 300, i < 6 ? 0 : 1500, true);
	for (unsigned i = 0; i < 10; i++)
		random_affinity();
	S.hook = random_affinity;
	S.hook_every = 3 * MS;
	S.hook_next = S.now + S.hook_every;
	sim_run(1000 * MS);
	CHECK(S.bad_affinity == 0 && S.twice == 0 && S.bad_runnable == 0 && all_runstates_exact(),
	      "%s (runqueue=%s): random hard affinities, changed every 3 ms for 1 s: %u decisions, %u outside the hard affinity, %u on two CPUs",
	      policy, runqueue, S.decisions, S.bad_affinity, S.twice);
	sim_end();
	set_opt("credit2_runqueue", "all");
}

static uint64_t ran_on(unsigned cpu)
{
	uint64_t sum = 0;
	for (unsigned i = 0; i < S.nv; i++)
		sum += S.v[i] ? S.v[i]->ran_on[cpu] : 0;
	return sum;
}

static void steal(void)
{
	set_opt("credit2_runqueue", "cpu");
	sim_start("credit2", 2);
	struct svcpu *a = sim_vcpu(0, 0, 0, 0, false), *b = sim_vcpu(0, 0, 0, 0, false);
	sched_set_affinity(&a->sv, 1, CPUMASK_ALL);
	sched_set_affinity(&b->sv, 1, CPUMASK_ALL);
	sched_vcpu_flags(&a->sv, 0, SVF_DOWN, S.now);
	sched_vcpu_flags(&b->sv, 0, SVF_DOWN, S.now);
	sim_run(20 * MS);
	bool before = ran_on(1) == 0;
	sched_set_affinity(&a->sv, CPUMASK_ALL, CPUMASK_ALL);
	sched_set_affinity(&b->sv, CPUMASK_ALL, CPUMASK_ALL);
	sim_run(100 * MS);
	CHECK(before && ran_on(1) >= 99 * MS,
	      "credit2 (runqueue=cpu): two hogs queued on CPU 0's runqueue; once allowed, idle CPU 1 pulls one and runs it %.1f of 100 ms",
	      (double)ran_on(1) / MS);
	sim_end();

	/* CPU 1 busy with its own hog, CPU 0's runqueue 2 heavier */
	sim_start("credit2", 2);
	for (unsigned i = 0; i < 4; i++)
		sim_vcpu(0, i < 3 ? 0 : 1, 0, 0, false);
	for (unsigned i = 0; i < 4; i++) {
		sched_set_affinity(&S.v[i]->sv, i < 3 ? 1 : 2, CPUMASK_ALL);
		sched_vcpu_flags(&S.v[i]->sv, 0, SVF_DOWN, S.now);
	}
	sim_run(20 * MS);
	for (unsigned i = 0; i < 3; i++)
		sched_set_affinity(&S.v[i]->sv, CPUMASK_ALL, CPUMASK_ALL);
	uint64_t mine = S.v[3]->ran_on[1], t0 = S.now;
	sim_run(400 * MS);
	double pulled = (double)(ran_on(1) - S.v[3]->ran_on[1]) / (double)(S.now - t0);
	CHECK(pulled > 0.4 && S.v[3]->ran_on[1] - mine < 300 * MS,
	      "credit2 (runqueue=cpu): 3 hogs on CPU 0's runqueue, 1 on CPU 1's: CPU 1 pulls one and gives it %.1f%% of its time",
	      pulled * 100);
	sim_end();
	set_opt("credit2_runqueue", "all");
}

static void paused_while_queued(void)
{
	sim_start("credit2", 2);
	for (unsigned i = 0; i < 3; i++)
		sim_vcpu(0, 0, 0, 0, true);
	sim_run(5 * MS);
	struct svcpu *q = NULL;
	for (unsigned i = 0; i < 3; i++)
		if (!S.v[i]->sv.is_running)
			q = S.v[i];
	sched_vcpu_flags(&q->sv, SVF_PAUSED, 0, S.now);
	uint64_t before = q->ran, t[4];
	sim_run(200 * MS);
	bool idle = q->ran == before && runstate_exact(q, t) && q->sv.runstate == RS_OFFLINE;
	sched_vcpu_flags(&q->sv, 0, SVF_PAUSED, S.now);
	sim_run(200 * MS);
	CHECK(q && idle && S.bad_runnable == 0 && q->ran > before + 50 * MS,
	      "credit2: a vCPU paused while queued is never picked (%u decisions), and runs again once unpaused",
	      S.decisions);
	sim_end();
}

static void runstates(void)
{
	uint64_t t[4];
	sim_start("credit2", 1);
	sim_run(1000);
	struct svcpu *a = sim_vcpu(0, 0, 300, 700, false);
	sim_vcpu(1, 0, 0, 0, true);
	sim_run(4000);
	sched_vcpu_flags(&a->sv, 0, SVF_DOWN, S.now);
	sim_run(50 * MS + 17);
	sched_vcpu_flags(&a->sv, SVF_PAUSED, 0, S.now);
	sim_run(10 * MS + 3);
	sched_vcpu_flags(&a->sv, 0, SVF_PAUSED, S.now);
	sim_run(30 * MS + 1);
	bool exact = runstate_exact(a, t) && all_runstates_exact();
	CHECK(exact && t[0] && t[1] && t[2] && t[3],
	      "sched: runstates add up to the %llu ns since creation exactly (running %llu, runnable %llu, blocked %llu, offline %llu)",
	      (unsigned long long)(S.now - a->created), (unsigned long long)t[0], (unsigned long long)t[1],
	      (unsigned long long)t[2], (unsigned long long)t[3]);
	sim_end();
}

/* ---- null ---- */

static void null_policy(void)
{
	sim_start("null", 4);
	for (unsigned i = 0; i < 6; i++)
		sim_vcpu(0, i % 4, 0, 0, true);
	sim_run(10 * MS);
	bool pinned = true;
	for (unsigned i = 0; i < 4; i++)
		pinned &= S.v[i]->ran_on[i] == 10 * MS;
	CHECK(pinned && S.v[4]->ran == 0 && S.v[5]->ran == 0,
	      "null: 6 vCPUs on 4 CPUs: vCPU n runs on CPU n all the time, vCPUs 4 and 5 wait");
	sched_vcpu_flags(&S.v[2]->sv, SVF_BLOCKED, 0, S.now);
	sim_run(10 * MS);
	CHECK(!S.cpu[2].curr && S.v[4]->ran == 0 && S.v[5]->ran == 0,
	      "null: a CPU whose vCPU blocks idles; waiting vCPUs do not take it");
	sim_destroy(S.v[1]);
	sim_run(10 * MS);
	CHECK(S.v[4]->ran_on[1] == 10 * MS && S.v[5]->ran == 0,
	      "null: a destroyed vCPU's CPU goes to the first waiter");
	CHECK(S.twice == 0 && all_runstates_exact(), "null: no vCPU on two CPUs; runstates exact");
	sim_end();
}

/* ---- real threads ---- */

#define MT_CPUS 4
#define MT_VCPUS 8

static uint64_t clock_ns(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000000ULL + (uint64_t)ts.tv_nsec;
}

static struct sched_vcpu mt_v[MT_VCPUS];
static int mt_stop;
static unsigned mt_decisions;

static void mt_act(struct sched_vcpu *curr, unsigned *seed, uint64_t now)
{
	unsigned r = (unsigned)rand_r(seed) % 1000;
	struct sched_vcpu *v = &mt_v[(unsigned)rand_r(seed) % MT_VCPUS];
	cpumask_t hard = (cpumask_t)(rand_r(seed) % 15 + 1);
	if (curr && r < 50)
		sched_vcpu_flags(curr, SVF_BLOCKED, 0, now);
	else if (r < 300 && (v->pause_flags & SVF_BLOCKED))
		sched_vcpu_flags(v, 0, SVF_BLOCKED, now);
	else if (r >= 300 && r < 310)
		sched_vcpu_flags(v, SVF_PAUSED, 0, now);
	else if (r >= 310 && r < 340)
		sched_vcpu_flags(v, 0, SVF_PAUSED, now);
	else if (r >= 340 && r < 350)
		sched_set_affinity(v, hard, (cpumask_t)rand_r(seed) & 15);
	else if (r >= 350 && r < 355 && curr)
		sched_yield(curr);
	else if (r >= 355 && r < 357)
		sched_dom_adjust(v->dom, (unsigned)rand_r(seed) % 1000 + 1, r & 1 ? 150 : 0);
	for (volatile int i = 0; i < 200; i++)
		;
}

static int mt_cpu(void *arg)
{
	unsigned cpu = (unsigned)(uintptr_t)arg, seed = cpu * 7919 + 1;
	uint64_t until = 0;
	struct sched_vcpu *curr = NULL;
	mt_self = (int)cpu;
	while (!__atomic_load_n(&mt_stop, __ATOMIC_ACQUIRE)) {
		uint64_t now = clock_ns();
		if (__atomic_exchange_n(&M.raised[cpu], 0, __ATOMIC_SEQ_CST) || (until && now >= until)) {
			struct sched_vcpu *next = sched_schedule(cpu, now, &until);
			__atomic_fetch_add(&mt_decisions, 1, __ATOMIC_RELAXED);
			if (next && next != curr) {
				int none = -1;
				if (!__atomic_compare_exchange_n(&M.owner[next - mt_v], &none, (int)cpu, false,
								 __ATOMIC_ACQ_REL, __ATOMIC_ACQUIRE))
					__atomic_fetch_add(&M.errors, 1, __ATOMIC_RELAXED);
			}
			if (next && (!next->is_running || next->processor != cpu))
				__atomic_fetch_add(&M.errors, 1, __ATOMIC_RELAXED);
			curr = next;
		}
		mt_act(curr, &seed, now);
	}
	return 0;
}

static void threads(const char *policy, const char *runqueue, unsigned ms)
{
	static struct cpupool mt_pool;
	static struct sched_dom mt_dom[2];
	thrd_t th[MT_CPUS];
	uint64_t t0 = clock_ns();

	set_opt("credit2_runqueue", runqueue);
	memset(&M, 0, sizeof(M));
	M.on = true;
	M.v = mt_v;
	mt_stop = 0;
	mt_decisions = 0;
	cpupool_init(&mt_pool, 2, sched_find(policy));
	for (unsigned c = 0; c < MT_CPUS; c++)
		cpupool_add_cpu(&mt_pool, c);
	for (unsigned d = 0; d < 2; d++)
		sched_dom_init(&mt_dom[d], (uint16_t)d, &mt_pool);
	for (unsigned i = 0; i < MT_VCPUS; i++) {
		M.owner[i] = -1;
		sched_vcpu_init(&mt_v[i], &mt_dom[i % 2], i, i % MT_CPUS, clock_ns());
		sched_vcpu_flags(&mt_v[i], 0, SVF_DOWN, clock_ns());
	}
	for (unsigned c = 0; c < MT_CPUS; c++)
		thrd_create(&th[c], mt_cpu, (void *)(uintptr_t)c);
	thrd_sleep(&(struct timespec){ .tv_sec = ms / 1000, .tv_nsec = (long)(ms % 1000) * 1000000 }, NULL);
	__atomic_store_n(&mt_stop, 1, __ATOMIC_RELEASE);
	for (unsigned c = 0; c < MT_CPUS; c++)
		thrd_join(th[c], NULL);

	uint64_t elapsed = clock_ns() - t0, now = clock_ns(), until, sum_ok = 1;
	for (unsigned i = 0; i < MT_VCPUS; i++)
		sched_vcpu_flags(&mt_v[i], SVF_PAUSED, 0, now);
	for (unsigned c = 0; c < MT_CPUS; c++) {
		mt_self = (int)c;
		sched_schedule(c, now, &until);
	}
	for (unsigned i = 0; i < MT_VCPUS; i++) {
		int st;
		uint64_t entry, t[4];
		sched_runstate_get(&mt_v[i], now, &st, &entry, t);
		sum_ok &= t[0] + t[1] + t[2] + t[3] > 0 && st != RS_RUNNING;
		sched_vcpu_destroy(&mt_v[i]);
	}
	for (unsigned d = 0; d < 2; d++)
		sched_dom_destroy(&mt_dom[d]);
	for (unsigned c = 0; c < MT_CPUS; c++)
		cpupool_remove_cpu(&mt_pool, c);
	mt_pool.ops->deinit(&mt_pool);
	M.on = false;
	CHECK(M.errors == 0 && sum_ok && M.switches > 100,
	      "%s (runqueue=%s): %u threads waking, blocking, pausing, yielding, re-pinning and scheduling %u vCPUs for %llu ms: %u decisions, %u switches, %u times a vCPU ran on two CPUs",
	      policy, runqueue, MT_CPUS, MT_VCPUS, (unsigned long long)(elapsed / MS), mt_decisions, M.switches, M.errors);
	set_opt("credit2_runqueue", "all");
}

int main(void)
{
	alarm(120); /* a deadlock fails the test rather than hanging it */
	CHECK(sched_find(NULL) && !strcmp(sched_find(NULL)->name, "credit2") && sched_find("null") &&
		      !sched_find("credit"),
	      "sched: the hv_schedulers set holds credit2 (the default) and null");
	weights();
	cap();
	latency(1, 2, 1, "all");
	latency(2, 3, 2, "all");
	latency(2, 3, 2, "cpu");
	affinity("credit2", "all");
	affinity("credit2", "cpu");
	affinity("null", "all");
	steal();
	paused_while_queued();
	runstates();
	null_policy();
	threads("credit2", "cpu", 500);
	threads("credit2", "all", 250);
	threads("null", "all", 250);
	return check_exit();
}
