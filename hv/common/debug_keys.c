/*
 * XEN_SYSCTL_debug_keys (public/sysctl.h): `xl debug-keys KEYS` has the
 * hv print diagnostics on its console, which `xl dmesg` reads back.
 * 'h' lists the keys; 'q' every domain and the scheduling and event
 * state of each vCPU (what to look at when a vCPU stops making progress);
 * 'r' what each CPU runs.  Other keys are ignored, as Xen ignores keys it
 * has no handler for.
 */
#include "ctl.h"
#include "console.h"
#include "domain.h"
#include "hypercall.h"
#include "sched.h"
#include "vcpu_sched.h"
#include "vtime.h"

#define KEYS_CHUNK 16 /* keys copied in at a time */

static void keys_help(void)
{
	printk("'h' pressed -> showing installed handlers\n");
	printk(" key 'h': show this list\n");
	printk(" key 'q': dump domain and vCPU state\n");
	printk(" key 'r': dump what each CPU runs\n");
}

static const char *runstate_name(int state)
{
	static const char *const names[] = { "running", "runnable", "blocked", "offline" };
	return state >= 0 && state < 4 ? names[state] : "?";
}

/* Milliseconds from now to a deadline (negative: past), 0 if unset. */
static long ms_until(uint64_t deadline, uint64_t now)
{
	return deadline ? (long)((int64_t)(deadline - now) / 1000000) : 0;
}

static void dump_vcpu(struct vcpu *v)
{
	int state;
	uint64_t entry, times[4], now = now_ns();
	sched_runstate_get(&v->sched, now, &state, &entry, times);
	entry = MIN(entry, now);
	const struct vcpu_info *vi = v->vcpu_info;
	printk("  d%uv%u: %s for %lu ms on CPU %u, pause flags %#x%s%s, pending vector %d, nmi %d\n",
	       v->d->domid, v->vcpu_id, runstate_name(state), (unsigned long)((now - entry) / 1000000),
	       __atomic_load_n(&v->sched.processor, __ATOMIC_RELAXED),
	       __atomic_load_n(&v->sched.pause_flags, __ATOMIC_RELAXED),
	       v->in_guest ? ", in the guest" : "", v->polling ? ", polling" : "",
	       vcpu_pending_vector(v), v->nmi_pending);
	printk("    upcall pending %u mask %u sel %#lx; timer %ld ms, periodic %lu ns, poll timeout %ld ms, "
	       "alarm %ld ms (%s)\n",
	       vi ? vi->evtchn_upcall_pending : 0, vi ? vi->evtchn_upcall_mask : 0,
	       vi ? (unsigned long)vi->evtchn_pending_sel : 0UL, ms_until(v->timer_deadline, now),
	       (unsigned long)v->periodic_ns, ms_until(v->poll_deadline, now), ms_until(v->alarm_at, now),
	       __atomic_load_n(&v->alarm.cpu, __ATOMIC_RELAXED) >= 0 ? "armed" : "not armed");
}

/* In hypercall context: the domains are held while they are printed. */
static void dump_domains(void)
{
	printk("'q' pressed -> dumping domain info (now = %lu ms)\n", (unsigned long)(now_ns() / 1000000));
	for (struct domain *d = domain_lookup_next(0); d;) {
		printk(" d%u: state %d%s, %lu pages, %u vCPUs, pause count %d\n", d->domid, (int)d->state,
		       d->is_shutting_down ? " (shutting down)" : "", (unsigned long)d->tot_pages,
		       d->nr_vcpus, d->pause_count);
		if (d->state == DOMAIN_ALIVE)
			for (unsigned i = 0; i < d->nr_vcpus; i++)
				dump_vcpu(d->vcpu[i]);
		unsigned next = d->domid + 1u;
		domain_put(d);
		d = next < DOMID_FIRST_RESERVED ? domain_lookup_next(next) : NULL;
	}
}

/* Each running vCPU and its CPU; CPUs not named are idle.  Through the
 * domains, held, so no vCPU goes away while it is looked at. */
static void dump_cpus(void)
{
	printk("'r' pressed -> dumping what each CPU runs\n");
	for (struct domain *d = domain_lookup_next(0); d;) {
		for (unsigned i = 0; d->state == DOMAIN_ALIVE && i < d->nr_vcpus; i++)
			if (__atomic_load_n(&d->vcpu[i]->sched.is_running, __ATOMIC_ACQUIRE))
				printk(" CPU %u: d%uv%u\n", __atomic_load_n(&d->vcpu[i]->sched.processor,
									     __ATOMIC_RELAXED),
				       d->domid, i);
		unsigned next = d->domid + 1u;
		domain_put(d);
		d = next < DOMID_FIRST_RESERVED ? domain_lookup_next(next) : NULL;
	}
}

long sysctl_debug_keys(struct vcpu *v, struct xen_sysctl *op)
{
	char keys[KEYS_CHUNK];
	uint64_t gva = op->u.debug_keys.keys;
	for (uint32_t left = op->u.debug_keys.nr_keys; left;) {
		uint32_t n = MIN(left, (uint32_t)KEYS_CHUNK);
		if (copy_from_guest(v, keys, gva, n))
			return -XEN_EFAULT;
		for (uint32_t i = 0; i < n; i++) {
			if (keys[i] == 'h')
				keys_help();
			else if (keys[i] == 'q')
				dump_domains();
			else if (keys[i] == 'r')
				dump_cpus();
		}
		gva += n;
		left -= n;
	}
	return 0;
}
