/* Shared pieces of domctl and sysctl (ctl.h). */
#include "ctl.h"
#include "sched.h"
#include "vtime.h"

spinlock_t ctl_lock = SPINLOCK_INIT;

struct access_subject domain_subject(const struct domain *d)
{
	struct access_subject s = { d->domid, d->is_privileged,
				    (d->create_flags & XEN_DOMCTL_CDF_xs_domain) != 0, d->target };
	return s;
}

struct domain *domain_get_checked(struct vcpu *v, unsigned domid, enum access_rule rule, long *rc)
{
	struct domain *d = NULL;
	if (domid == DOMID_SELF) {
		d = v->d;
		domain_hold(d);
	} else {
		d = domain_lookup(domid);
	}
	if (!d) {
		*rc = -XEN_ESRCH;
		return NULL;
	}
	struct access_subject caller = domain_subject(v->d), target = domain_subject(d);
	*rc = access_check(&caller, &target, rule);
	if (*rc) {
		domain_put(d);
		return NULL;
	}
	return d;
}

/* Running, blocked and online vCPUs, and the time they ran. */
static uint32_t vcpu_flags(struct domain *d, uint32_t *online, uint64_t *cpu_time)
{
	bool any_running = false, all_blocked = true;
	uint64_t now = now_ns();
	for (unsigned i = 0; i < d->nr_vcpus; i++) {
		struct sched_vcpu *sv = &d->vcpu[i]->sched;
		uint64_t t[4];
		int state;
		uint64_t entry;
		sched_runstate_get(sv, now, &state, &entry, t);
		*cpu_time += t[RS_RUNNING];
		uint32_t pf = __atomic_load_n(&sv->pause_flags, __ATOMIC_ACQUIRE);
		if (!(pf & SVF_DOWN))
			(*online)++;
		if (__atomic_load_n(&sv->is_running, __ATOMIC_ACQUIRE))
			any_running = true;
		if (!(pf & (SVF_BLOCKED | SVF_DOWN)))
			all_blocked = false;
	}
	return (any_running ? XEN_DOMINF_running : 0) | (all_blocked ? XEN_DOMINF_blocked : 0);
}

void domain_info(struct domain *d, struct xen_domctl_getdomaininfo *info)
{
	memset(info, 0, sizeof(*info));
	info->domain = d->domid;
	info->flags = vcpu_flags(d, &info->nr_online_vcpus, &info->cpu_time);
	if (d->state != DOMAIN_ALIVE)
		info->flags |= XEN_DOMINF_dying;
	if (d->create_flags & XEN_DOMCTL_CDF_hvm)
		info->flags |= XEN_DOMINF_hvm_guest;
	if (d->create_flags & XEN_DOMCTL_CDF_hap)
		info->flags |= XEN_DOMINF_hap;
	if (d->create_flags & XEN_DOMCTL_CDF_xs_domain)
		info->flags |= XEN_DOMINF_xs_domain;
	if (__atomic_load_n(&d->is_shut_down, __ATOMIC_ACQUIRE)) /* kept while dying, as Xen */
		info->flags |= XEN_DOMINF_shutdown |
			       (d->shutdown_reason & XEN_DOMINF_shutdownmask) << XEN_DOMINF_shutdownshift;
	if (d->pause_count > 0)
		info->flags |= XEN_DOMINF_paused;
	info->tot_pages = __atomic_load_n(&d->tot_pages, __ATOMIC_RELAXED);
	info->max_pages = d->max_pages;
	info->shared_info_frame = d->shared_info_gpa >> PAGE_SHIFT;
	info->max_vcpu_id = d->nr_vcpus ? d->nr_vcpus - 1 : XEN_INVALID_MAX_VCPU_ID;
	info->ssidref = d->ssidref;
	memcpy(info->handle, d->handle, sizeof(info->handle));
	info->cpupool = d->cpupool_id;
	info->gpaddr_bits = 48; /* what the nested page tables map */
	info->arch_config.emulation_flags = XEN_X86_EMU_LAPIC;
}

int bitmap_read(struct vcpu *v, const struct xenctl_bitmap *b, uint64_t *mask)
{
	uint8_t bytes[sizeof(*mask)] = { 0 };
	size_t n = MIN((b->nr_bits + 7u) / 8u, sizeof(bytes));
	if (n && copy_from_guest(v, bytes, b->bitmap, n))
		return -XEN_EFAULT;
	uint64_t m = 0;
	for (size_t i = 0; i < n; i++)
		m |= (uint64_t)bytes[i] << (8 * i);
	if (b->nr_bits < 64)
		m &= (1ULL << b->nr_bits) - 1;
	*mask = m;
	return 0;
}

int bitmap_write(struct vcpu *v, const struct xenctl_bitmap *b, uint64_t mask)
{
	uint8_t bytes[64] = { 0 };
	size_t guest_bytes = (b->nr_bits + 7u) / 8u;
	if (b->nr_bits < 64)
		mask &= (1ULL << b->nr_bits) - 1;
	for (size_t i = 0; i < sizeof(mask); i++)
		bytes[i] = (uint8_t)(mask >> (8 * i));
	for (size_t off = 0; off < guest_bytes; off += sizeof(bytes)) {
		size_t n = MIN(guest_bytes - off, sizeof(bytes));
		if (copy_to_guest(v, b->bitmap + off, bytes, n))
			return -XEN_EFAULT;
		memset(bytes, 0, sizeof(mask)); /* past the first chunk: zeros */
	}
	return 0;
}
