/*
 * sysctl (public/sysctl.h): what the control domain asks of the machine:
 * CPUs and memory, the domain list, the scheduler and its pools, NUMA and
 * CPU topology, the hv's console log.  Privileged callers only; the
 * interface version is checked first (-EACCES), unknown sub-ops get
 * -ENOSYS, as Xen 4.17.
 */
#include "ctl.h"
#include "console.h"
#include "memory_op.h"
#include "page_alloc.h"
#include "sched.h"
#include "x86/cpu.h"
#include "x86/percpu.h"
#include "x86/time.h"

static unsigned cpus_online(void)
{
	unsigned n = 0;
	for (unsigned c = 0; c < MAX_CPUS; c++)
		n += percpu[c].online;
	return n;
}

static long physinfo(struct vcpu *v, struct xen_sysctl *op)
{
	(void)v;
	struct xen_sysctl_physinfo *pi = &op->u.physinfo;
	memset(pi, 0, sizeof(*pi));
	unsigned cpus = cpus_online();
	pi->threads_per_core = 1;
	pi->cores_per_socket = cpus;
	pi->nr_cpus = cpus;
	pi->max_cpu_id = nr_cpus_present ? nr_cpus_present - 1 : 0;
	pi->nr_nodes = 1;
	pi->max_node_id = 0;
	pi->cpu_khz = (uint32_t)tsc_khz;
	pi->capabilities = XEN_SYSCTL_PHYSCAP_hvm | XEN_SYSCTL_PHYSCAP_hap | XEN_SYSCTL_PHYSCAP_gnttab_v1;
	pi->total_pages = hv_total_pages;
	pi->free_pages = __atomic_load_n(&hv_page_pool.free_pages, __ATOMIC_RELAXED);
	pi->outstanding_pages = memory_claims_total();
	pi->max_mfn = hv_page_pool.base_pfn + hv_page_pool.nr_pfns - 1;
	struct cpuid_regs l1 = cpuid(1), e1 = cpuid(0x80000001), l7, d1;
	cpuid_count(7, 0, &l7);
	cpuid_count(0xd, 1, &d1);
	uint32_t words[8] = { l1.edx, l1.ecx, e1.edx, e1.ecx, d1.eax, l7.ebx, l7.ecx, cpuid(0x80000007).edx };
	memcpy(pi->hw_cap, words, sizeof(words)); /* Xen's featureset word order */
	return 0;
}

static long sched_id(struct vcpu *v, struct xen_sysctl *op)
{
	(void)v;
	op->u.sched_id.sched_id = cpupool0.ops->xen_id;
	return 0;
}

static long getdomaininfolist(struct vcpu *v, struct xen_sysctl *op)
{
	struct xen_sysctl_getdomaininfolist *l = &op->u.getdomaininfolist;
	uint32_t n = 0;
	long rc = 0;
	struct domain *d = domain_lookup_next(l->first_domain);
	while (d && n < l->max_domains) {
		struct xen_domctl_getdomaininfo info;
		domain_info(d, &info);
		if (copy_to_guest(v, l->buffer + (uint64_t)n * sizeof(info), &info, sizeof(info))) {
			rc = -XEN_EFAULT;
			break;
		}
		n++;
		unsigned next = d->domid + 1u;
		domain_put(d);
		d = domain_lookup_next(next);
	}
	if (d)
		domain_put(d);
	l->num_domains = n;
	return rc;
}

/* A pool's scheduler-wide parameters, as Xen's sched_adjust_global:
 * credit2 has its rate limit; the null scheduler has none. */
static long scheduler_op(struct vcpu *v, struct xen_sysctl *op)
{
	struct xen_sysctl_scheduler_op *s = &op->u.scheduler_op;
	(void)v;
	if (s->cmd != XEN_SYSCTL_SCHEDOP_putinfo && s->cmd != XEN_SYSCTL_SCHEDOP_getinfo)
		return -XEN_EINVAL;
	if (s->cpupool_id != (uint32_t)cpupool0.id)
		return -XEN_ESRCH;
	if (s->sched_id != cpupool0.ops->xen_id)
		return -XEN_EINVAL;
	if (s->sched_id != XEN_SCHEDULER_CREDIT2)
		return -XEN_EOPNOTSUPP;
	return credit2_ratelimit_op(s->cmd == XEN_SYSCTL_SCHEDOP_putinfo, &s->u.sched_credit2.ratelimit_us);
}

/* Pool-0 is the only pool; every CPU is in it. */
static long cpupool_op(struct vcpu *v, struct xen_sysctl *op)
{
	struct xen_sysctl_cpupool_op *p = &op->u.cpupool_op;
	switch (p->op) {
	case XEN_SYSCTL_CPUPOOL_OP_INFO: {
		uint32_t first = p->cpupool_id == XEN_SYSCTL_CPUPOOL_PAR_ANY ? 0 : p->cpupool_id;
		if (first > (uint32_t)cpupool0.id)
			return -XEN_ENOENT; /* the first pool at or above: none */
		p->cpupool_id = (uint32_t)cpupool0.id;
		p->sched_id = cpupool0.ops->xen_id;
		p->n_dom = cpupool0.nr_domains;
		return bitmap_write(v, &p->cpumap, cpupool0.cpus);
	}
	case XEN_SYSCTL_CPUPOOL_OP_FREEINFO:
		return bitmap_write(v, &p->cpumap, 0);
	default: /* creating pools and moving CPUs or domains between them */
		return -XEN_EOPNOTSUPP;
	}
}

static long numainfo(struct vcpu *v, struct xen_sysctl *op)
{
	struct xen_sysctl_numainfo *ni = &op->u.numainfo;
	long rc = 0;
	if (ni->meminfo || ni->distance) {
		if (ni->num_nodes < 1)
			return ni->num_nodes = 1, -XEN_ENOBUFS;
		struct xen_sysctl_meminfo mi = { hv_total_pages << PAGE_SHIFT,
						 __atomic_load_n(&hv_page_pool.free_pages, __ATOMIC_RELAXED)
							 << PAGE_SHIFT };
		uint32_t local = 10; /* ACPI SLIT: a node's distance to itself */
		if ((ni->meminfo && copy_to_guest(v, ni->meminfo, &mi, sizeof(mi))) ||
		    (ni->distance && copy_to_guest(v, ni->distance, &local, sizeof(local))))
			rc = -XEN_EFAULT;
	}
	ni->num_nodes = 1;
	return rc;
}

static long cputopoinfo(struct vcpu *v, struct xen_sysctl *op)
{
	struct xen_sysctl_cputopoinfo *ti = &op->u.cputopoinfo;
	uint32_t n = nr_cpus_present;
	if (ti->cputopo) {
		if (ti->num_cpus < n)
			return ti->num_cpus = n, -XEN_ENOBUFS;
		for (uint32_t c = 0; c < n; c++) {
			struct xen_sysctl_cputopo t = { c, 0, 0 };
			if (!percpu[c].online)
				t = (struct xen_sysctl_cputopo){ XEN_INVALID_CORE_ID, XEN_INVALID_SOCKET_ID,
								 XEN_INVALID_NODE_ID };
			if (copy_to_guest(v, ti->cputopo + c * sizeof(t), &t, sizeof(t)))
				return -XEN_EFAULT;
		}
	}
	ti->num_cpus = n;
	return 0;
}

/* The console log from index (incremental) or from the last clear. */
static long readconsole(struct vcpu *v, struct xen_sysctl *op)
{
	static uint64_t cleared_at;
	struct xen_sysctl_readconsole *rc = &op->u.readconsole;
	uint64_t end = console_log_end();
	uint64_t pos = rc->incremental ? end - (uint32_t)((uint32_t)end - rc->index) : cleared_at;
	uint32_t room = rc->count ? rc->count - 1 : 0; /* callers end the text with a NUL */
	uint32_t done = 0;
	char chunk[256];
	while (done < room) {
		size_t n = console_log_read(&pos, chunk, MIN(sizeof(chunk), (size_t)(room - done)));
		if (!n)
			break;
		if (copy_to_guest(v, rc->buffer + done, chunk, n))
			return -XEN_EFAULT;
		done += (uint32_t)n;
	}
	if (rc->clear)
		cleared_at = console_log_end();
	rc->index = (uint32_t)pos;
	rc->count = done;
	return 0;
}

typedef long (*sysctl_fn)(struct vcpu *v, struct xen_sysctl *op);

static const sysctl_fn sysctls[] = {
	[XEN_SYSCTL_readconsole] = readconsole,
	[XEN_SYSCTL_physinfo] = physinfo,
	[XEN_SYSCTL_sched_id] = sched_id,
	[XEN_SYSCTL_getdomaininfolist] = getdomaininfolist,
	[XEN_SYSCTL_cputopoinfo] = cputopoinfo,
	[XEN_SYSCTL_numainfo] = numainfo,
	[XEN_SYSCTL_cpupool_op] = cpupool_op,
	[XEN_SYSCTL_scheduler_op] = scheduler_op,
	[XEN_SYSCTL_get_cpu_featureset] = sysctl_get_cpu_featureset,
	[XEN_SYSCTL_get_cpu_policy] = sysctl_get_cpu_policy,
	[XEN_SYSCTL_debug_keys] = sysctl_debug_keys,
};

long do_sysctl(struct vcpu *v, const uint64_t arg[5])
{
	struct xen_sysctl op;
	if (GUEST_IN(v, &op, arg[0]))
		return -XEN_EFAULT;
	if (op.interface_version != XEN_SYSCTL_INTERFACE_VERSION)
		return -XEN_EACCES;
	struct access_subject caller = domain_subject(v->d);
	long rc = access_check(&caller, NULL, ACCESS_PRIV);
	if (rc)
		return rc;
	sysctl_fn fn = NULL;
	if (op.cmd < ARRAY_SIZE(sysctls))
		fn = sysctls[array_index_nospec(op.cmd, ARRAY_SIZE(sysctls))];
	if (!fn)
		return -XEN_ENOSYS;
	if (!spin_trylock(&ctl_lock))
		return HC_RESTART; /* busy: tried again from the guest (do_domctl) */
	rc = fn(v, &op);
	spin_unlock(&ctl_lock);
	if ((rc == 0 || rc == -XEN_ENOBUFS) && GUEST_OUT(v, arg[0], &op))
		return -XEN_EFAULT;
	return rc;
}
