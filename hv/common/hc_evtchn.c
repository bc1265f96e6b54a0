/*
 * event_channel_op (public/event_channel.h): copies each request in,
 * runs it on the domain's port table (evtchn.c) and copies results out.
 * Only the 2-level ABI is offered: FIFO set-up fails with -ENOSYS and
 * guests fall back, as they do on Xen builds without it.
 */
#include "hypercall.h"
#include "evtchn.h"

static struct evtchn_table *lookup_table(uint16_t domid)
{
	struct domain *hw = hardware_domain; /* interdomain channels: dom0 only, for now */
	return hw && domid == hw->domid ? &hw->evtchn : NULL;
}

/* Copies the struct in, calls body, copies it back out on success. */
#define EVTCHN_CALL(type, body)                          \
	do {                                             \
		struct type op;                          \
		if (GUEST_IN(v, &op, gva))               \
			return -XEN_EFAULT;              \
		long rc = (body);                        \
		if (!rc && GUEST_OUT(v, gva, &op))       \
			return -XEN_EFAULT;              \
		return rc;                               \
	} while (0)

static long status(struct vcpu *v, struct evtchn_status *op)
{
	struct domain *d = self_domain(v, op->dom);
	if (!d)
		return -XEN_ESRCH;
	return evtchn_get_status(&d->evtchn, op->port, op);
}

static long alloc_unbound(struct vcpu *v, struct evtchn_alloc_unbound *op)
{
	struct domain *d = self_domain(v, op->dom);
	if (!d)
		return -XEN_ESRCH;
	return evtchn_alloc_unbound(&d->evtchn, op->remote_dom, &op->port);
}

long do_event_channel_op(struct vcpu *v, const uint64_t arg[5])
{
	struct evtchn_table *t = &v->d->evtchn;
	uint64_t gva = arg[1];
	switch (arg[0]) {
	case EVTCHNOP_alloc_unbound:
		EVTCHN_CALL(evtchn_alloc_unbound, alloc_unbound(v, &op));
	case EVTCHNOP_bind_interdomain:
		EVTCHN_CALL(evtchn_bind_interdomain,
			    evtchn_bind_interdomain(t, lookup_table(op.remote_dom == DOMID_SELF ?
								    v->d->domid : op.remote_dom),
						    op.remote_port, &op.local_port));
	case EVTCHNOP_bind_virq:
		EVTCHN_CALL(evtchn_bind_virq, evtchn_bind_virq(t, op.virq, op.vcpu, &op.port));
	case EVTCHNOP_bind_ipi:
		EVTCHN_CALL(evtchn_bind_ipi, evtchn_bind_ipi(t, op.vcpu, &op.port));
	case EVTCHNOP_close:
		EVTCHN_CALL(evtchn_close, evtchn_close(t, op.port, lookup_table));
	case EVTCHNOP_send:
		EVTCHN_CALL(evtchn_send, evtchn_send(t, op.port, lookup_table));
	case EVTCHNOP_status:
		EVTCHN_CALL(evtchn_status, status(v, &op));
	case EVTCHNOP_bind_vcpu:
		EVTCHN_CALL(evtchn_bind_vcpu, evtchn_bind_vcpu(t, op.port, op.vcpu));
	case EVTCHNOP_unmask:
		EVTCHN_CALL(evtchn_unmask, evtchn_unmask(t, op.port));
	default: /* FIFO (init_control, expand_array, set_priority), reset, pirqs */
		return -XEN_ENOSYS;
	}
}
