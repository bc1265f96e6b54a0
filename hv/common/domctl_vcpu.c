/*
 * The domctls about vCPUs and scheduling (public/domctl.h): vCPU state,
 * hard/soft affinity, node affinity and the scheduler's weight and cap,
 * with Xen 4.17's error rules.
 */
#include "ctl.h"
#include "sched.h"
#include "vtime.h"

/* The vCPU a request names: -EINVAL past max_vcpus, as Xen. */
static struct vcpu *named_vcpu(struct domctl_call *c, uint32_t id, long *rc)
{
	struct vcpu *v = id < c->d->max_vcpus ? domain_vcpu(c->d, id) : NULL;
	*rc = id < c->d->max_vcpus ? (v ? 0 : -XEN_ESRCH) : -XEN_EINVAL;
	return v;
}

long domctl_getvcpuinfo(struct domctl_call *c)
{
	struct xen_domctl_getvcpuinfo *info = &c->op->u.getvcpuinfo;
	long rc;
	struct vcpu *v = named_vcpu(c, info->vcpu, &rc);
	if (!v)
		return rc;
	int state;
	uint64_t entry, time[4];
	sched_runstate_get(&v->sched, now_ns(), &state, &entry, time);
	uint32_t pf = __atomic_load_n(&v->sched.pause_flags, __ATOMIC_ACQUIRE);
	info->online = !(pf & SVF_DOWN);
	info->blocked = (pf & SVF_BLOCKED) != 0;
	info->running = __atomic_load_n(&v->sched.is_running, __ATOMIC_ACQUIRE);
	info->cpu_time = time[RS_RUNNING];
	info->cpu = v->sched.processor;
	c->copyback = true;
	return 0;
}

/* set: applies the maps flagged, then writes back the effective ones
 * (hard within the pool; soft within that too).  get: the maps as set. */
long domctl_vcpuaffinity(struct domctl_call *c)
{
	struct xen_domctl_vcpuaffinity *a = &c->op->u.vcpuaffinity;
	long rc;
	struct vcpu *v = named_vcpu(c, a->vcpu, &rc);
	if (!v)
		return rc;
	bool hard = a->flags & XEN_VCPUAFFINITY_HARD, soft = a->flags & XEN_VCPUAFFINITY_SOFT;
	if (!hard && !soft)
		return -XEN_EINVAL;
	struct sched_vcpu *sv = &v->sched;
	cpumask_t pool = sv->dom->pool->cpus;
	if (c->op->cmd == XEN_DOMCTL_setvcpuaffinity) {
		cpumask_t new_hard = sv->hard_affinity, new_soft = sv->soft_affinity;
		if ((hard && (rc = bitmap_read(c->v, &a->cpumap_hard, &new_hard))) ||
		    (soft && (rc = bitmap_read(c->v, &a->cpumap_soft, &new_soft))))
			return rc;
		if (sched_set_affinity(sv, new_hard, new_soft))
			return -XEN_EINVAL; /* no CPU of the pool left */
		if (hard && (rc = bitmap_write(c->v, &a->cpumap_hard, sv->hard_affinity & pool)))
			return rc;
		if (soft && (rc = bitmap_write(c->v, &a->cpumap_soft,
					       sv->soft_affinity & sv->hard_affinity & pool)))
			return rc;
		c->copyback = true;
		return 0;
	}
	if (hard && (rc = bitmap_write(c->v, &a->cpumap_hard, sv->hard_affinity)))
		return rc;
	return soft ? bitmap_write(c->v, &a->cpumap_soft, sv->soft_affinity) : 0;
}

/* One NUMA node (0): a map must include it. */
long domctl_nodeaffinity(struct domctl_call *c)
{
	struct xenctl_bitmap *map = &c->op->u.nodeaffinity.nodemap;
	if (c->op->cmd == XEN_DOMCTL_getnodeaffinity)
		return bitmap_write(c->v, map, 1);
	uint64_t nodes;
	long rc = bitmap_read(c->v, map, &nodes);
	if (rc)
		return rc;
	return nodes & 1 ? 0 : -XEN_EINVAL;
}

long domctl_scheduler_op(struct domctl_call *c)
{
	struct xen_domctl_scheduler_op *s = &c->op->u.scheduler_op;
	const struct sched_ops *ops = c->d->sched.pool->ops;
	if (s->sched_id != ops->xen_id || s->cmd > XEN_DOMCTL_SCHEDOP_getvcpuinfo)
		return -XEN_EINVAL;
	if (ops->xen_id != XEN_SCHEDULER_CREDIT2)
		return 0; /* null: nothing to adjust, as Xen */
	if (s->cmd == XEN_DOMCTL_SCHEDOP_getinfo) {
		s->u.credit2.weight = c->d->sched.weight;
		s->u.credit2.cap = c->d->sched.cap;
		c->copyback = true;
		return 0;
	}
	if (s->cmd != XEN_DOMCTL_SCHEDOP_putinfo)
		return -XEN_EINVAL; /* credit2 has no per-vCPU parameters */
	unsigned weight = s->u.credit2.weight ? s->u.credit2.weight : c->d->sched.weight;
	if (s->u.credit2.cap > 100 * c->d->max_vcpus)
		return -XEN_EINVAL;
	return sched_dom_adjust(&c->d->sched, weight, s->u.credit2.cap) ? -XEN_EINVAL : 0;
}
