/*
 * event_channel_op (public/event_channel.h): copies each request in,
 * runs it on the domain's port table (evtchn.c) and copies results out.
 * Only the 2-level ABI is offered: FIFO set-up fails with -ENOSYS and
 * guests fall back, as they do on Xen builds without it.
 */
#include "ctl.h"
#include "evtchn.h"

static struct evtchn_table *peer_get(uint16_t domid)
{
	struct domain *d = domain_lookup(domid);
	return d ? &d->evtchn : NULL;
}

static void peer_put(struct evtchn_table *t)
{
	domain_put((struct domain *)((char *)t - offsetof(struct domain, evtchn)));
}

const struct evtchn_peers evtchn_domain_peers = { peer_get, peer_put };

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
	long rc;
	struct domain *d = domain_get_checked(v, op->dom, ACCESS_TARGET, &rc);
	if (!d)
		return rc;
	rc = evtchn_get_status(&d->evtchn, op->port, op);
	domain_put(d);
	return rc;
}

/* A port of d (the caller, or a domain it controls) that remote_dom may
 * bind; DOMID_SELF there names the caller, as in Xen. */
static long alloc_unbound(struct vcpu *v, struct evtchn_alloc_unbound *op)
{
	long rc;
	struct domain *d = domain_get_checked(v, op->dom, ACCESS_TARGET, &rc);
	if (!d)
		return rc;
	domid_t remote = op->remote_dom == DOMID_SELF ? v->d->domid : op->remote_dom;
	rc = evtchn_alloc_unbound(&d->evtchn, remote, &op->port);
	domain_put(d);
	return rc;
}

static long bind_interdomain(struct vcpu *v, struct evtchn_bind_interdomain *op)
{
	struct domain *rd = domain_lookup(op->remote_dom == DOMID_SELF ? v->d->domid : op->remote_dom);
	if (!rd)
		return -XEN_ESRCH;
	long rc = rd->state == DOMAIN_ALIVE ?
			  evtchn_bind_interdomain(&v->d->evtchn, &rd->evtchn, op->remote_port, &op->local_port) :
			  -XEN_EINVAL;
	domain_put(rd);
	return rc;
}

long do_event_channel_op(struct vcpu *v, const uint64_t arg[5])
{
	struct evtchn_table *t = &v->d->evtchn;
	uint64_t gva = arg[1];
	switch (arg[0]) {
	case EVTCHNOP_alloc_unbound:
		EVTCHN_CALL(evtchn_alloc_unbound, alloc_unbound(v, &op));
	case EVTCHNOP_bind_interdomain:
		EVTCHN_CALL(evtchn_bind_interdomain, bind_interdomain(v, &op));
	case EVTCHNOP_bind_virq:
		EVTCHN_CALL(evtchn_bind_virq, evtchn_bind_virq(t, op.virq, op.vcpu, &op.port));
	case EVTCHNOP_bind_ipi:
		EVTCHN_CALL(evtchn_bind_ipi, evtchn_bind_ipi(t, op.vcpu, &op.port));
	case EVTCHNOP_close:
		EVTCHN_CALL(evtchn_close, evtchn_close(t, op.port, &evtchn_domain_peers));
	case EVTCHNOP_send:
		EVTCHN_CALL(evtchn_send, evtchn_send(t, op.port, &evtchn_domain_peers));
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
