/*
 * Creating domains and their vCPUs, and shutting them down.  When dom0
 * shuts down the machine goes with it: powered off, or reset (after a
 * reboot or crash, unless "noreboot" is given, as with Xen).
 */
#include "domain.h"
#include "public/errno.h"
#include "x86/percpu.h"
#include "x86/cpu.h"
#include "cpu_loop.h"
#include "console.h"
#include "public/sched.h"
#include "heap.h"
#include "gnttab.h"
#include "page_alloc.h"
#include "param.h"
#include "vcpu_sched.h"
#include "vlapic.h"
#include "vtime.h"
#include "power.h"
#include "x86/hvm.h"
#include "x86/vcpu_switch.h"

struct domain *hardware_domain;
static bool opt_noreboot;
HV_PARAM_BOOL("noreboot", opt_noreboot);

extern const struct domain_hook *const __start_hv_domain_hooks[], *const __stop_hv_domain_hooks[];
#define NR_HOOKS ((unsigned)(__stop_hv_domain_hooks - __start_hv_domain_hooks))

struct vcpu *domain_vcpu(const struct domain *d, unsigned vcpu_id)
{
	if (vcpu_id >= d->nr_vcpus)
		return NULL;
	return d->vcpu[array_index_nospec(vcpu_id, d->nr_vcpus)]; /* guests name vCPUs */
}

static struct domain *domain_of(struct domain_entry *e)
{
	return e ? (struct domain *)((char *)e - offsetof(struct domain, entry)) : NULL;
}

struct domain *domain_lookup(unsigned domid)
{
	return domain_of(domain_table_get(domid));
}

struct domain *domain_lookup_next(unsigned domid)
{
	return domain_of(domain_table_get_next(domid));
}

void domain_hold(struct domain *d)
{
	domain_table_hold(&d->entry);
}

void domain_put(struct domain *d)
{
	domain_table_put(&d->entry);
}

static void set_vcpu_flags(struct domain *d, uint32_t set, uint32_t clear);

/* Undoes hooks [0, n): release, then destroy, last first. */
static void unwind_hooks(struct domain *d, unsigned n, bool release)
{
	for (unsigned i = n; i-- > 0;) {
		const struct domain_hook *h = __start_hv_domain_hooks[i];
		if (release && h->release)
			h->release(d);
		if (!release && h->destroy)
			h->destroy(d);
	}
}

/* The last reference is gone: the domain is unlinked from the table. */
static void domain_free(struct domain_entry *e)
{
	struct domain *d = domain_of(e);
	if (d->state == DOMAIN_ALIVE) /* a failed creation: nothing released yet */
		unwind_hooks(d, NR_HOOKS, true);
	unwind_hooks(d, NR_HOOKS, false);
	unsigned domid = d->domid;
	bool was_live = d->state != DOMAIN_ALIVE, was_controller = d == hardware_domain;
	xfree(d);
	if (!was_live)
		return;
	/* The count lets tests see that nothing leaks; the controller hears
	 * that the domain is gone, as from Xen's complete_domain_destroy. */
	printk("d%u: destroyed, %lu pages free\n", domid, __atomic_load_n(&hv_page_pool.free_pages, __ATOMIC_RELAXED));
	if (!was_controller)
		domain_notify_controller();
}

/* A creation that failed has unwound its hooks already: only d is left. */
static void domain_free_unwound(struct domain_entry *e)
{
	xfree(domain_of(e));
}

struct domain *domain_create(const struct domain_config *cfg, int *err)
{
	static uint64_t serials;
	*err = -XEN_EINVAL;
	if (!cfg->max_vcpus || cfg->max_vcpus > MAX_VCPUS)
		return NULL;
	struct domain *d = xzalloc(sizeof(*d));
	*err = -XEN_ENOMEM;
	if (!d)
		return NULL;
	d->is_privileged = cfg->privileged;
	d->create_flags = cfg->flags;
	d->ssidref = cfg->ssidref;
	memcpy(d->handle, cfg->handle, sizeof(d->handle));
	d->max_vcpus = cfg->max_vcpus;
	d->pause_count = 1;
	d->target = -1;
	d->shutdown_code = -1;
	d->cpupool_id = cfg->cpupool_id;
	d->serial = __atomic_add_fetch(&serials, 1, __ATOMIC_RELAXED);
	d->tsc_base = -rdtsc();
	int id = cfg->exact_domid ? domain_table_insert_at(&d->entry, (uint16_t)cfg->domid, NULL)
				  : domain_table_insert(&d->entry, cfg->domid, NULL);
	if (id < 0) {
		xfree(d);
		*err = id;
		return NULL;
	}
	d->domid = (uint16_t)id;
	d->entry.release = domain_free; /* from here on, the last put frees */
	for (unsigned i = 0; i < NR_HOOKS; i++) {
		const struct domain_hook *h = __start_hv_domain_hooks[i];
		int rc = h->init ? h->init(d, cfg) : 0;
		if (rc) {
			unwind_hooks(d, i, true);
			unwind_hooks(d, i, false);
			d->entry.release = domain_free_unwound;
			domain_table_put(&d->entry); /* unlinks; the last holder frees d */
			*err = rc;
			return NULL;
		}
	}
	set_vcpu_flags(d, SVF_PAUSED, 0); /* born paused: pause_count 1 */
	domain_table_publish(&d->entry);
	*err = 0;
	return d;
}

/* Waits until no vCPU of d is on a CPU, but the caller's own, nor being
 * moved off one. */
static void wait_not_running(struct domain *d)
{
	struct vcpu *self = this_cpu()->current_vcpu;
	for (unsigned i = 0; i < d->nr_vcpus; i++)
		while (d->vcpu[i] != self && (__atomic_load_n(&d->vcpu[i]->sched.is_running, __ATOMIC_ACQUIRE) ||
					      __atomic_load_n(&d->vcpu[i]->sched.moving, __ATOMIC_ACQUIRE)))
			cpu_relax();
}

static void set_vcpu_flags(struct domain *d, uint32_t set, uint32_t clear)
{
	for (unsigned i = 0; i < d->nr_vcpus; i++)
		sched_vcpu_flags(&d->vcpu[i]->sched, set, clear, now_ns());
}

int domain_pause(struct domain *d)
{
	int rc = 0;
	spin_lock(&d->lock);
	if (d->pause_count >= 255)
		rc = -XEN_EOVERFLOW;
	else if (d->pause_count++ == 0)
		set_vcpu_flags(d, SVF_PAUSED, 0);
	spin_unlock(&d->lock);
	if (!rc)
		wait_not_running(d);
	return rc;
}

int domain_unpause(struct domain *d)
{
	int rc = 0;
	spin_lock(&d->lock);
	if (d->pause_count <= 0)
		rc = -XEN_EINVAL;
	else if (--d->pause_count == 0) {
		d->creation_finished = true;
		set_vcpu_flags(d, 0, SVF_PAUSED);
	}
	spin_unlock(&d->lock);
	return rc;
}

void domain_notify_controller(void)
{
	if (hardware_domain)
		evtchn_raise_virq(&hardware_domain->evtchn, VIRQ_DOM_EXC, 0);
}

/* A dying device-model domain lets go of its target (set_target). */
static void drop_target(struct domain *d)
{
	struct domain *t = d->target_dom;
	__atomic_store_n(&d->target, -1, __ATOMIC_RELEASE);
	d->target_dom = NULL;
	if (t)
		domain_put(t);
}

int domain_kill(struct domain *d)
{
	spin_lock(&d->lock);
	bool first = d->state == DOMAIN_ALIVE;
	if (first)
		d->state = DOMAIN_DYING;
	spin_unlock(&d->lock);
	if (!first)
		return 0; /* dying or dead already: nothing left to release */
	d->is_shutting_down = true;
	set_vcpu_flags(d, SVF_SHUTDOWN, 0);
	wait_not_running(d);
	unwind_hooks(d, NR_HOOKS, true);
	drop_target(d);
	d->state = DOMAIN_DEAD;
	domain_put(d); /* the table's reference */
	domain_notify_controller();
	return 0;
}

/* ---- the parts of a domain this file owns: shared_info and vCPUs ---- */

static int shared_info_init(struct domain *d, const struct domain_config *cfg)
{
	(void)cfg;
	d->shared_info = alloc_zeroed_page();
	return d->shared_info ? 0 : -XEN_ENOMEM;
}

static void shared_info_destroy(struct domain *d)
{
	if (d->shared_info)
		free_pages((uintptr_t)d->shared_info, 0);
}

static const struct domain_hook shared_info_hook = { "shared_info", shared_info_init, NULL,
						     shared_info_destroy };
DOMAIN_HOOK(10, shared_info_hook);

static int sched_hook_init(struct domain *d, const struct domain_config *cfg)
{
	if (cfg->cpupool_id != (unsigned)cpupool0.id)
		return -XEN_ENOENT; /* Pool-0 is the only pool so far */
	return sched_dom_init(&d->sched, d->domid, &cpupool0) ? -XEN_ENOMEM : 0;
}

static void sched_hook_destroy(struct domain *d)
{
	if (d->sched.pool)
		sched_dom_destroy(&d->sched);
}

static const struct domain_hook sched_hook = { "sched", sched_hook_init, NULL, sched_hook_destroy };
DOMAIN_HOOK(35, sched_hook);

static struct vcpu_info *owner_vcpu_info(void *owner, unsigned vcpu)
{
	struct vcpu *v = domain_vcpu(owner, vcpu);
	return v ? v->vcpu_info : NULL;
}

static void owner_kick(void *owner, unsigned vcpu)
{
	struct vcpu *v = domain_vcpu(owner, vcpu);
	if (v)
		vcpu_kick(v);
}

static void owner_wake_pollers(void *owner)
{
	struct domain *d = owner;
	for (unsigned i = 0; i < d->nr_vcpus; i++)
		if (__atomic_load_n(&d->vcpu[i]->polling, __ATOMIC_SEQ_CST))
			vcpu_kick(d->vcpu[i]);
}

static const struct evtchn_owner_ops domain_evtchn_ops = {
	owner_vcpu_info, owner_kick, owner_wake_pollers
};

static int evtchn_hook_init(struct domain *d, const struct domain_config *cfg)
{
	evtchn_table_init(&d->evtchn, d->domid, cfg->max_vcpus, cfg->max_evtchn_port, d->shared_info,
			  &domain_evtchn_ops, d);
	vtime_update_wallclock(d);
	return 0;
}

void domain_latch_shinfo_layout(struct vcpu *v)
{
	struct domain *d = v->d;
	bool compat = !v->regs.cs_long;
	spin_lock(&d->lock); /* vCPUs latching from different modes: one wins whole */
	__atomic_store_n(&d->shinfo_compat, compat, __ATOMIC_RELEASE);
	evtchn_set_compat(&d->evtchn, compat);
	spin_unlock(&d->lock);
	vtime_update_wallclock(d); /* its fields moved */
}

static void evtchn_hook_release(struct domain *d)
{
	evtchn_close_all(&d->evtchn, &evtchn_domain_peers);
}

static const struct domain_hook evtchn_hook = { "evtchn", evtchn_hook_init, evtchn_hook_release, NULL };
DOMAIN_HOOK(40, evtchn_hook);

/* The n-th CPU of the pool, counting round: where vCPU n starts. */
static unsigned initial_cpu(const struct cpupool *pool, unsigned n)
{
	unsigned count = cpumask_weight(pool->cpus);
	cpumask_t m = pool->cpus;
	for (unsigned skip = count ? n % count : 0; skip; skip--)
		m &= m - 1; /* drop the lowest CPU */
	return m ? (unsigned)__builtin_ctzll(m) : 0;
}

#define DEFAULT_PAT 0x0007040600070406ULL

static void vcpu_free(struct vcpu *v)
{
	timer_kill(&v->alarm); /* its function may be running on another CPU */
	if (v->hvm)
		hvm->vcpu_destroy(v);
	vcpu_fpu_destroy(v);
	if (v->vcpu_info_page)
		page_ref_put(v->vcpu_info_page, 0);
	xfree(v);
}

static struct vcpu *vcpu_create(struct domain *d, unsigned id)
{
	struct vcpu *v = xzalloc(sizeof(*v));
	if (!v)
		return NULL;
	v->d = d;
	v->vcpu_id = id;
	v->sipi_vector = -1;
	v->pat = DEFAULT_PAT;
	/* dom0 reads the host's TSC; another domain's starts near 0 when it
	 * is created, the same on every vCPU (Xen's rule). */
	v->tsc_offset = d->is_privileged ? 0 : d->tsc_base;
	v->vcpu_info = &d->shared_info->vcpu_info[id];
	vlapic_init(v);
	vcpu_alarm_init(v);
	if (vcpu_fpu_init(v) || hvm->vcpu_init(v)) {
		vcpu_free(v);
		return NULL;
	}
	if (sched_vcpu_init(&v->sched, &d->sched, id, initial_cpu(d->sched.pool, id), now_ns())) {
		vcpu_free(v);
		return NULL;
	}
	vtime_update_vcpu(v);
	return v;
}

static void vcpus_destroy(struct domain *d)
{
	for (unsigned i = d->nr_vcpus; i-- > 0;) {
		sched_vcpu_destroy(&d->vcpu[i]->sched);
		vcpu_free(d->vcpu[i]);
		d->vcpu[i] = NULL;
	}
	d->nr_vcpus = 0;
}

static int vcpus_init(struct domain *d, const struct domain_config *cfg)
{
	for (unsigned i = 0; i < cfg->max_vcpus; i++) {
		d->vcpu[i] = vcpu_create(d, i);
		if (!d->vcpu[i]) {
			vcpus_destroy(d);
			return -XEN_ENOMEM;
		}
		d->nr_vcpus = i + 1;
	}
	return 0;
}

static void vcpus_release(struct domain *d)
{
	for (unsigned i = 0; i < d->nr_vcpus; i++)
		timer_stop(&d->vcpu[i]->alarm);
}

static const struct domain_hook vcpus_hook = { "vcpus", vcpus_init, vcpus_release, vcpus_destroy };
DOMAIN_HOOK(60, vcpus_hook);

static const char *shutdown_reason_name(unsigned reason)
{
	static const char *const names[] = { "poweroff", "reboot", "suspend", "crash", "watchdog",
					     "soft_reset" };
	if (reason >= ARRAY_SIZE(names))
		return "unknown";
	return names[array_index_nospec(reason, ARRAY_SIZE(names))]; /* the guest's number */
}

void domain_set_shutdown_code(struct domain *d, unsigned code)
{
	int none = -1;
	__atomic_compare_exchange_n(&d->shutdown_code, &none, (int)code, false, __ATOMIC_SEQ_CST,
				    __ATOMIC_SEQ_CST);
}

void domain_shutdown(struct domain *d, unsigned reason)
{
	if (__atomic_exchange_n(&d->is_shutting_down, true, __ATOMIC_SEQ_CST))
		return;
	domain_set_shutdown_code(d, reason); /* a code set before wins, as in Xen */
	reason = (unsigned)d->shutdown_code;
	d->shutdown_reason = reason;
	__atomic_store_n(&d->is_shut_down, true, __ATOMIC_RELEASE);
	printk("d%u: shut down, reason %u (%s)\n", d->domid, reason, shutdown_reason_name(reason));
	set_vcpu_flags(d, SVF_SHUTDOWN, 0);
	if (d != hardware_domain) {
		domain_notify_controller(); /* it reads the reason with getdomaininfo */
		return;
	}
	cpu_loop_report();
	if (reason == SHUTDOWN_poweroff) {
		machine_power_off();
	} else if (!opt_noreboot || reason == SHUTDOWN_reboot) {
		machine_restart();
	}
	printk("dom0 is gone; 'noreboot' given: the hv halts here\n");
}
