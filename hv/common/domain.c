/*
 * Creating domains and their vCPUs, and shutting them down.  When dom0
 * shuts down the machine goes with it: powered off, or reset (after a
 * reboot or crash, unless "noreboot" is given, as with Xen).
 */
#include "domain.h"
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

struct domain *dom0;
static bool opt_noreboot;
HV_PARAM_BOOL("noreboot", opt_noreboot);

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

struct vcpu *domain_vcpu(const struct domain *d, unsigned vcpu_id)
{
	if (vcpu_id >= d->nr_vcpus)
		return NULL;
	return d->vcpu[array_index_nospec(vcpu_id, d->nr_vcpus)]; /* guests name vCPUs */
}

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

static struct vcpu *vcpu_create(struct domain *d, unsigned id)
{
	struct vcpu *v = xzalloc(sizeof(*v));
	if (!v)
		return NULL;
	v->d = d;
	v->vcpu_id = id;
	v->sipi_vector = -1;
	v->pat = DEFAULT_PAT;
	v->vcpu_info = &d->shared_info->vcpu_info[id];
	vlapic_init(v);
	vcpu_alarm_init(v);
	if (vcpu_fpu_init(v) || hvm->vcpu_init(v) ||
	    sched_vcpu_init(&v->sched, &d->sched, id, initial_cpu(d->sched.pool, id), now_ns())) {
		if (v->hvm)
			hvm->vcpu_destroy(v);
		vcpu_fpu_destroy(v);
		xfree(v);
		return NULL;
	}
	vtime_update_vcpu(v);
	return v;
}

struct domain *domain_create(uint16_t domid, unsigned nr_vcpus, bool privileged)
{
	if (!nr_vcpus || nr_vcpus > MAX_VCPUS)
		return NULL;
	struct domain *d = xzalloc(sizeof(*d));
	if (!d)
		return NULL;
	d->domid = domid;
	d->is_privileged = privileged;
	d->shared_info = alloc_zeroed_page();
	d->p2m = alloc_zeroed_page();
	if (!d->shared_info || !d->p2m || gnttab_init(d) || sched_dom_init(&d->sched, domid, &cpupool0))
		return NULL; /* boot-time only for now: nothing to unwind to */
	evtchn_table_init(&d->evtchn, domid, nr_vcpus, d->shared_info, &domain_evtchn_ops, d);
	vtime_update_wallclock(d);
	for (unsigned i = 0; i < nr_vcpus; i++) {
		d->vcpu[i] = vcpu_create(d, i);
		if (!d->vcpu[i])
			return NULL;
		d->nr_vcpus = i + 1;
	}
	return d;
}

static const char *shutdown_reason_name(unsigned reason)
{
	static const char *const names[] = { "poweroff", "reboot", "suspend", "crash", "watchdog",
					     "soft_reset" };
	if (reason >= ARRAY_SIZE(names))
		return "unknown";
	return names[array_index_nospec(reason, ARRAY_SIZE(names))]; /* the guest's number */
}

void domain_shutdown(struct domain *d, unsigned reason)
{
	if (__atomic_exchange_n(&d->is_shutting_down, true, __ATOMIC_SEQ_CST))
		return;
	d->shutdown_reason = reason;
	printk("d%u: shut down, reason %u (%s)\n", d->domid, reason, shutdown_reason_name(reason));
	for (unsigned i = 0; i < d->nr_vcpus; i++)
		sched_vcpu_flags(&d->vcpu[i]->sched, SVF_PAUSED, 0, now_ns());
	if (d != dom0)
		return;
	cpu_loop_report();
	if (reason == SHUTDOWN_poweroff) {
		machine_power_off();
	} else if (!opt_noreboot || reason == SHUTDOWN_reboot) {
		machine_restart();
	}
	printk("dom0 is gone; 'noreboot' given: the hv halts here\n");
}
