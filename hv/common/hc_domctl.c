/*
 * domctl (public/domctl.h): the control domain's operations on domains.
 * As in Xen 4.17: the request is copied in whole, its interface version
 * checked (-EACCES), the domain it names looked up (-ESRCH) and the
 * caller checked against the sub-op's access rule (-EPERM); the request
 * goes back to the caller when the sub-op says so.  Sub-ops this hv does
 * not offer get -ENOSYS, as Xen's default.
 */
#include "ctl.h"
#include "p2m.h"
#include "console.h"
#include "gnttab.h"

/* The domain must exist (looked up), may be absent, or is not named. */
enum domctl_target { DOMCTL_NAMED, DOMCTL_NEXT, DOMCTL_NONE };

struct domctl_desc {
	domctl_fn fn;
	enum access_rule rule;
	enum domctl_target target;
};

static bool is_caller(const struct domctl_call *c)
{
	return c->d == c->v->d;
}

#define CDF_KNOWN (XEN_DOMCTL_CDF_hvm | XEN_DOMCTL_CDF_hap | XEN_DOMCTL_CDF_s3_integrity | \
		   XEN_DOMCTL_CDF_oos_off | XEN_DOMCTL_CDF_xs_domain | XEN_DOMCTL_CDF_iommu | \
		   XEN_DOMCTL_CDF_nested_virt | XEN_DOMCTL_CDF_vpmu)

/* What Xen 4.17 on this machine would accept: PVH (hvm, hap, LAPIC only
 * or nothing emulated), no PV, no shadow, no IOMMU, no nested HVM. */
static long check_config(const struct xen_domctl_createdomain *cd)
{
	if (cd->flags & ~CDF_KNOWN)
		return -XEN_EINVAL;
	if (!(cd->flags & XEN_DOMCTL_CDF_hvm) || !(cd->flags & XEN_DOMCTL_CDF_hap))
		return -XEN_EINVAL; /* PV and shadow paging are not built in */
	if (cd->flags & (XEN_DOMCTL_CDF_iommu | XEN_DOMCTL_CDF_nested_virt | XEN_DOMCTL_CDF_vpmu |
			 XEN_DOMCTL_CDF_s3_integrity))
		return -XEN_EINVAL;
	if (cd->iommu_opts || cd->vmtrace_size)
		return -XEN_EINVAL;
	if (cd->max_vcpus == 0 || cd->max_vcpus > MAX_VCPUS)
		return -XEN_EINVAL;
	unsigned version = XEN_DOMCTL_GRANT_version(cd->grant_opts);
	if (version != 1 || (cd->grant_opts & ~XEN_DOMCTL_GRANT_version_mask))
		return -XEN_EINVAL; /* only grant tables v1 (physinfo says so) */
	if (cd->max_grant_frames == 0 || cd->max_grant_frames > GNTTAB_MAX_FRAMES ||
	    cd->max_maptrack_frames > 1024)
		return -XEN_EINVAL; /* beyond the hv's limits (Xen's defaults: 64 and 1024) */
	if (cd->arch.misc_flags & ~XEN_X86_MISC_FLAGS_MAX)
		return -XEN_EINVAL;
	if (cd->arch.emulation_flags & ~XEN_X86_EMU_LAPIC)
		return -XEN_EOPNOTSUPP; /* HVM guests (emulated platform) are not offered yet */
	return 0;
}

static long createdomain(struct domctl_call *c)
{
	const struct xen_domctl_createdomain *cd = &c->op->u.createdomain;
	long rc = check_config(cd);
	if (rc)
		return rc;
	struct domain_config cfg = {
		.domid = c->op->domain, .max_vcpus = cd->max_vcpus, .flags = cd->flags,
		.ssidref = cd->ssidref, .max_evtchn_port = cd->max_evtchn_port,
		.max_grant_frames = cd->max_grant_frames < 0 ? GNTTAB_MAX_FRAMES : (unsigned)cd->max_grant_frames,
		.max_maptrack_frames = cd->max_maptrack_frames < 0 ? 1024 : (unsigned)cd->max_maptrack_frames,
		.cpupool_id = cd->cpupool_id,
	};
	memcpy(cfg.handle, cd->handle, sizeof(cfg.handle));
	int err;
	struct domain *d = domain_create(&cfg, &err);
	if (!d)
		return err;
	printk("d%u: created by d%u (%u vCPUs)\n", d->domid, c->v->d->domid, d->max_vcpus);
	c->op->domain = d->domid;
	c->copyback = true;
	return 0;
}

static long destroydomain(struct domctl_call *c)
{
	return is_caller(c) ? -XEN_EINVAL : domain_kill(c->d);
}

static long pausedomain(struct domctl_call *c)
{
	return is_caller(c) ? -XEN_EINVAL : domain_pause(c->d);
}

static long unpausedomain(struct domctl_call *c)
{
	return domain_unpause(c->d);
}

/* The domain named, or the first after it (Xen's rule for this sub-op). */
static long getdomaininfo(struct domctl_call *c)
{
	if (!c->d) /* none at or above: a reserved id is a bad request */
		return c->op->domain >= DOMID_FIRST_RESERVED ? -XEN_EINVAL : -XEN_ESRCH;
	domain_info(c->d, &c->op->u.getdomaininfo);
	c->op->domain = c->d->domid;
	c->copyback = true;
	return 0;
}

static long max_vcpus(struct domctl_call *c)
{
	/* The vCPUs exist since createdomain; Xen asks for the same count. */
	if (is_caller(c) || c->op->u.max_vcpus.max != c->d->max_vcpus)
		return -XEN_EINVAL;
	return 0;
}

static long max_mem(struct domctl_call *c)
{
	uint64_t pages = c->op->u.max_mem.max_memkb >> (PAGE_SHIFT - 10);
	c->d->max_pages = pages; /* below tot_pages: no more allocations until it falls */
	return 0;
}

static long setdomainhandle(struct domctl_call *c)
{
	memcpy(c->d->handle, c->op->u.setdomainhandle.handle, sizeof(c->d->handle));
	return 0;
}

static long settimeoffset(struct domctl_call *c)
{
	c->d->time_offset_s = c->op->u.settimeoffset.time_offset_seconds;
	return 0;
}

/* The device-model domain holds a reference on its target until it is
 * killed, so the target's domid cannot be reused meanwhile; once set,
 * the target does not change (Xen's rules). */
static long set_target(struct domctl_call *c)
{
	struct domain *t = domain_lookup(c->op->u.set_target.target);
	if (!t)
		return -XEN_ESRCH;
	if (t == c->d || c->d->target_dom || c->d->state != DOMAIN_ALIVE) {
		domain_put(t);
		return -XEN_EINVAL;
	}
	c->d->target_dom = t;
	__atomic_store_n(&c->d->target, t->domid, __ATOMIC_RELEASE);
	return 0;
}

static long paging_mempool(struct domctl_call *c)
{
	if (c->op->cmd == XEN_DOMCTL_get_paging_mempool_size) {
		/* The pool's size: what libxl set, else the default (dom0: what
		 * its tables use, as its pool grows with it). */
		uint64_t pages = c->d->p2m_table_limit == UINT64_MAX ? c->d->p2m_tables : c->d->p2m_table_limit;
		c->op->u.paging_mempool.size = pages << PAGE_SHIFT;
		c->copyback = true;
		return 0;
	}
	uint64_t size = c->op->u.paging_mempool.size;
	if (size & (PAGE_SIZE - 1))
		return -XEN_EINVAL;
	if (p2m_set_table_limit(c->d, size >> PAGE_SHIFT))
		return -XEN_EBUSY; /* more table pages in use already */
	return 0;
}

static const struct domctl_desc domctls[] = {
	[XEN_DOMCTL_createdomain] = { createdomain, ACCESS_PRIV, DOMCTL_NONE },
	[XEN_DOMCTL_destroydomain] = { destroydomain, ACCESS_PRIV, DOMCTL_NAMED },
	[XEN_DOMCTL_pausedomain] = { pausedomain, ACCESS_PRIV, DOMCTL_NAMED },
	[XEN_DOMCTL_unpausedomain] = { unpausedomain, ACCESS_PRIV, DOMCTL_NAMED },
	[XEN_DOMCTL_getdomaininfo] = { getdomaininfo, ACCESS_XS_PRIV, DOMCTL_NEXT },
	[XEN_DOMCTL_setvcpuaffinity] = { domctl_vcpuaffinity, ACCESS_PRIV, DOMCTL_NAMED },
	[XEN_DOMCTL_getvcpuaffinity] = { domctl_vcpuaffinity, ACCESS_PRIV, DOMCTL_NAMED },
	[XEN_DOMCTL_max_mem] = { max_mem, ACCESS_PRIV, DOMCTL_NAMED },
	[XEN_DOMCTL_getvcpuinfo] = { domctl_getvcpuinfo, ACCESS_PRIV, DOMCTL_NAMED },
	[XEN_DOMCTL_max_vcpus] = { max_vcpus, ACCESS_PRIV, DOMCTL_NAMED },
	[XEN_DOMCTL_scheduler_op] = { domctl_scheduler_op, ACCESS_PRIV, DOMCTL_NAMED },
	[XEN_DOMCTL_setdomainhandle] = { setdomainhandle, ACCESS_PRIV, DOMCTL_NAMED },
	[XEN_DOMCTL_settimeoffset] = { settimeoffset, ACCESS_PRIV, DOMCTL_NAMED },
	[XEN_DOMCTL_set_target] = { set_target, ACCESS_PRIV, DOMCTL_NAMED },
	[XEN_DOMCTL_setnodeaffinity] = { domctl_nodeaffinity, ACCESS_PRIV, DOMCTL_NAMED },
	[XEN_DOMCTL_getnodeaffinity] = { domctl_nodeaffinity, ACCESS_PRIV, DOMCTL_NAMED },
	[XEN_DOMCTL_gethvmcontext] = { domctl_gethvmcontext, ACCESS_PRIV, DOMCTL_NAMED },
	[XEN_DOMCTL_sethvmcontext] = { domctl_sethvmcontext, ACCESS_PRIV, DOMCTL_NAMED },
	[XEN_DOMCTL_gettscinfo] = { domctl_tscinfo, ACCESS_PRIV, DOMCTL_NAMED },
	[XEN_DOMCTL_settscinfo] = { domctl_tscinfo, ACCESS_PRIV, DOMCTL_NAMED },
	[XEN_DOMCTL_get_cpu_policy] = { domctl_get_cpu_policy, ACCESS_PRIV, DOMCTL_NAMED },
	[XEN_DOMCTL_set_cpu_policy] = { domctl_set_cpu_policy, ACCESS_PRIV, DOMCTL_NAMED },
	[XEN_DOMCTL_get_paging_mempool_size] = { paging_mempool, ACCESS_PRIV, DOMCTL_NAMED },
	[XEN_DOMCTL_set_paging_mempool_size] = { paging_mempool, ACCESS_PRIV, DOMCTL_NAMED },
};

/* Looks up the domain the request names, per the sub-op's rule. */
static long find_target(struct domctl_call *c, enum domctl_target target)
{
	if (target == DOMCTL_NONE)
		return 0;
	if (target == DOMCTL_NEXT) {
		c->d = domain_lookup(c->op->domain);
		if (!c->d && c->op->domain < DOMID_FIRST_RESERVED)
			c->d = domain_lookup_next(c->op->domain);
		return 0;
	}
	c->d = domain_lookup(c->op->domain);
	return c->d ? 0 : -XEN_ESRCH;
}

long do_domctl(struct vcpu *v, const uint64_t arg[5])
{
	struct xen_domctl op;
	if (GUEST_IN(v, &op, arg[0]))
		return -XEN_EFAULT;
	if (op.interface_version != XEN_DOMCTL_INTERFACE_VERSION)
		return -XEN_EACCES;
	const struct domctl_desc *desc = NULL;
	if (op.cmd < ARRAY_SIZE(domctls))
		desc = &domctls[array_index_nospec(op.cmd, ARRAY_SIZE(domctls))];
	struct domctl_call c = { v, NULL, &op, false };
	long rc = find_target(&c, desc && desc->fn ? desc->target : DOMCTL_NAMED);
	if (rc)
		return rc;
	struct access_subject caller = domain_subject(v->d), target;
	if (c.d)
		target = domain_subject(c.d);
	rc = access_check(&caller, c.d ? &target : NULL, desc && desc->fn ? desc->rule : ACCESS_PRIV);
	if (!rc && desc && desc->fn) {
		/* One control operation at a time, as Xen's domctl lock; a busy
		 * lock is tried again from the guest, never waited for here, so
		 * an operation that waits for this vCPU to stop cannot deadlock. */
		rc = HC_RESTART;
		if (spin_trylock(&ctl_lock)) {
			rc = desc->fn(&c);
			spin_unlock(&ctl_lock);
		}
	} else if (!rc) {
		rc = -XEN_ENOSYS;
	}
	if (c.d)
		domain_put(c.d);
	if (rc != HC_RESTART && c.copyback && GUEST_OUT(v, arg[0], &op))
		return -XEN_EFAULT;
	return rc;
}
