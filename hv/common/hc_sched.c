/*
 * sched_op (public/sched.h).  Yield gives way to the other vCPUs of the
 * CPU once; block and poll wait as HLT does, until an event (or the
 * poll's timeout); shutdown ends the domain with the guest's reason.
 */
#include "hypercall.h"
#include "compat.h"
#include "evtchn.h"
#include "vcpu_sched.h"
#include "vtime.h"
#include "public/sched.h"

#define POLL_MAX_PORTS 128
#define POLL_BLOCKING_PORTS 4 /* polls on more ports return at once */

/* Copies the guest's port list in, once: everything below works on this
 * copy, so the guest cannot change a port between its check and its use. */
static long copy_ports(struct vcpu *v, uint64_t gva, uint32_t nr, uint32_t *ports)
{
	if (nr > POLL_MAX_PORTS)
		return -XEN_EINVAL;
	if (copy_from_guest(v, ports, gva, nr * sizeof(ports[0])))
		return -XEN_EFAULT;
	for (uint32_t i = 0; i < nr; i++)
		if (ports[i] >= EVTCHN_MAX_PORTS)
			return -XEN_EINVAL;
	return 0;
}

/* True if any of the (already checked) ports is pending. */
static bool any_pending(struct vcpu *v, const uint32_t *ports, uint32_t nr)
{
	bool pending = false;
	for (uint32_t i = 0; i < nr; i++)
		pending |= evtchn_port_pending(&v->d->evtchn, ports[i]);
	return pending;
}

static long poll(struct vcpu *v, uint64_t gva)
{
	struct sched_poll p;
	uint32_t ports[POLL_MAX_PORTS];
	if (ARG_IN(v, sched_poll, &p, gva))
		return -XEN_EFAULT;
	long rc = copy_ports(v, p.ports, p.nr_ports, ports);
	if (rc || any_pending(v, ports, p.nr_ports) || p.nr_ports > POLL_BLOCKING_PORTS ||
	    vcpu_has_work(v))
		return rc; /* many ports: return at once, a wake-up the guest allows */
	if (p.timeout && p.timeout <= now_ns())
		return 0;
	_Static_assert(sizeof(v->poll_ports) >= POLL_BLOCKING_PORTS * sizeof(uint32_t),
		       "a blocking poll's ports fit in the vCPU");
	memcpy(v->poll_ports, ports, p.nr_ports * sizeof(uint32_t));
	v->nr_poll_ports = p.nr_ports;
	v->poll_deadline = p.timeout;
	v->polling = true; /* until a polled port is pending, any event, or the timeout */
	vcpu_block(v);
	return 0;
}

long do_sched_op(struct vcpu *v, const uint64_t arg[5])
{
	switch (arg[0]) {
	case SCHEDOP_yield:
		sched_yield(&v->sched);
		return 0;
	case SCHEDOP_block:
		vcpu_block(v);
		return 0;
	case SCHEDOP_poll:
		return poll(v, arg[1]);
	case SCHEDOP_shutdown:
	case SCHEDOP_shutdown_code: {
		struct sched_shutdown s;
		if (GUEST_IN(v, &s, arg[1]))
			return -XEN_EFAULT;
		if (s.reason > SHUTDOWN_MAX)
			return -XEN_EINVAL;
		if (arg[0] == SCHEDOP_shutdown)
			domain_shutdown(v->d, s.reason);
		else
			domain_set_shutdown_code(v->d, s.reason);
		return 0;
	}
	case SCHEDOP_watchdog: {
		struct sched_watchdog w;
		if (GUEST_IN(v, &w, arg[1]))
			return -XEN_EFAULT;
		return domain_watchdog(v->d, w.id, w.timeout);
	}
	default:
		return -XEN_ENOSYS;
	}
}
