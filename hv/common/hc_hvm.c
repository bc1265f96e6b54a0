/*
 * hvm_op (public/hvm/hvm_op.h): the HVM parameters, of the caller's own
 * domain or, for the control domain or a device model, of another, with
 * Xen 4.17's rules on which a guest may set or read itself.  Events are
 * delivered by vector only (HVM_PARAM_CALLBACK_IRQ type 2, as PVH uses).
 */
#include "ctl.h"
#include "vcpu_sched.h"
#include "public/hvm/hvm_op.h"
#include "public/hvm/params.h"

#define BIT(i) (1ULL << (i))
/* Xen 4.17's rules per parameter: what a guest may set or read of its
 * own (the control domain and a device model may do anything else),
 * what is deprecated (-EINVAL for all), what is set only once. */
static const uint64_t guest_may_set = BIT(HVM_PARAM_CALLBACK_IRQ) | BIT(HVM_PARAM_VM86_TSS) |
	BIT(HVM_PARAM_VM86_TSS_SIZED) | BIT(HVM_PARAM_ACPI_IOPORTS_LOCATION) |
	BIT(HVM_PARAM_VM_GENERATION_ID_ADDR) | BIT(HVM_PARAM_STORE_EVTCHN) |
	BIT(HVM_PARAM_CONSOLE_EVTCHN) | BIT(HVM_PARAM_X87_FIP_WIDTH);
static const uint64_t guest_may_get = BIT(HVM_PARAM_CALLBACK_IRQ) | BIT(HVM_PARAM_VM86_TSS) |
	BIT(HVM_PARAM_VM86_TSS_SIZED) | BIT(HVM_PARAM_ACPI_IOPORTS_LOCATION) |
	BIT(HVM_PARAM_VM_GENERATION_ID_ADDR) | BIT(HVM_PARAM_STORE_PFN) | BIT(HVM_PARAM_STORE_EVTCHN) |
	BIT(HVM_PARAM_CONSOLE_PFN) | BIT(HVM_PARAM_CONSOLE_EVTCHN) | BIT(HVM_PARAM_ALTP2M) |
	BIT(HVM_PARAM_X87_FIP_WIDTH);
static const uint64_t deprecated = BIT(HVM_PARAM_PAE_ENABLED) | BIT(HVM_PARAM_DM_DOMAIN) |
	BIT(HVM_PARAM_MEMORY_EVENT_CR0) | BIT(HVM_PARAM_MEMORY_EVENT_CR3) |
	BIT(HVM_PARAM_MEMORY_EVENT_CR4) | BIT(HVM_PARAM_MEMORY_EVENT_INT3) | BIT(HVM_PARAM_NESTEDHVM) |
	BIT(HVM_PARAM_MEMORY_EVENT_SINGLE_STEP) | BIT(HVM_PARAM_BUFIOREQ_EVTCHN) |
	BIT(HVM_PARAM_MEMORY_EVENT_MSR);
static const uint64_t set_once = BIT(HVM_PARAM_VIRIDIAN) | BIT(HVM_PARAM_IOREQ_PFN) |
	BIT(HVM_PARAM_BUFIOREQ_PFN) | BIT(HVM_PARAM_IOREQ_SERVER_PFN) |
	BIT(HVM_PARAM_NR_IOREQ_SERVER_PAGES) | BIT(HVM_PARAM_ALTP2M) | BIT(HVM_PARAM_MCA_CAP);

#define TIMER_MODE_MAX 3 /* HVMPTM_one_missed_tick_pending */

static long set_param(struct vcpu *v, struct domain *d, uint32_t index, uint64_t value)
{
	uint64_t bit = BIT(index);
	if (bit & deprecated)
		return -XEN_EINVAL;
	if (d == v->d && !(bit & guest_may_set))
		return -XEN_EPERM;
	uint64_t old = d->hvm_param[index];
	if ((bit & set_once) && old && value != old)
		return -XEN_EEXIST;
	switch (index) {
	case HVM_PARAM_CALLBACK_IRQ:
		if (value && (value >> 56 != HVM_PARAM_CALLBACK_TYPE_VECTOR || (value & 0xff) < 16))
			return -XEN_EINVAL; /* no emulated interrupt controller to route a GSI to */
		break;
	case HVM_PARAM_TIMER_MODE:
		if (value > TIMER_MODE_MAX)
			return -XEN_EINVAL;
		break;
	case HVM_PARAM_ALTP2M:
	case HVM_PARAM_NR_IOREQ_SERVER_PAGES:
		if (value)
			return -XEN_EINVAL; /* no alternate p2m, no IOREQ servers yet */
		break;
	}
	d->hvm_param[index] = value;
	if (index == HVM_PARAM_CALLBACK_IRQ && d == v->d)
		domain_latch_shinfo_layout(v);
	if (index == HVM_PARAM_CALLBACK_IRQ)
		for (unsigned i = 0; i < d->nr_vcpus; i++)
			vcpu_kick(d->vcpu[i]); /* events may already be waiting */
	return 0;
}

static long param_op(struct vcpu *v, bool set, uint64_t gva)
{
	struct xen_hvm_param p;
	if (GUEST_IN(v, &p, gva))
		return -XEN_EFAULT;
	if (p.index >= HVM_NR_PARAMS)
		return -XEN_EINVAL;
	uint32_t index = (uint32_t)array_index_nospec(p.index, HVM_NR_PARAMS);
	long rc;
	struct domain *d = domain_get_checked(v, p.domid, ACCESS_TARGET, &rc);
	if (!d)
		return rc;
	if (set) {
		rc = set_param(v, d, index, p.value);
	} else if (BIT(index) & deprecated) {
		rc = -XEN_EINVAL;
	} else if (d == v->d && !(BIT(index) & guest_may_get)) {
		rc = -XEN_EPERM;
	} else {
		p.value = d->hvm_param[index];
		rc = GUEST_OUT(v, gva, &p) ? -XEN_EFAULT : 0;
	}
	domain_put(d);
	return rc;
}

long do_hvm_op(struct vcpu *v, const uint64_t arg[5])
{
	switch (arg[0]) {
	case HVMOP_set_param:
		return param_op(v, true, arg[1]);
	case HVMOP_get_param:
		return param_op(v, false, arg[1]);
	case HVMOP_pagetable_dying:
		return 0; /* a hint for shadow paging; nested paging needs nothing */
	default:
		return -XEN_ENOSYS;
	}
}
