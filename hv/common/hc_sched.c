/*
 * sched_op (public/sched.h).  Yield gives way to the other vCPUs of the
 * CPU once; block and poll wait as HLT does, until an event (or the
 * poll's timeout); shutdown ends the domain with the guest's reason.
 */
#include "hypercall.h"
#include "evtchn.h"
#include "vcpu_sched.h"
#include "vtime.h"
#include "public/sched.h"

#define POLL_MAX_PORTS 128
#define POLL_BLOCKING_PORTS 4 /* polls on more ports return at once */

/* True if any of the ports named at gva is pending. */
static long any_pending(struct vcpu *v, uint64_t gva, uint32_t nr, bool *pending)
{
	uint32_t ports[POLL_MAX_PORTS];
	if (nr > POLL_MAX_PORTS)
		return -XEN_EINVAL;
	if (copy_from_guest(v, ports, gva, nr * sizeof(ports[0])))
		return -XEN_EFAULT;
	*pending = false;
	for (uint32_t i = 0; i < nr; i++) {
		if (ports[i] >= EVTCHN_MAX_PORTS)
			return -XEN_EINVAL;
		*pending |= evtchn_port_pending(&v->d->evtchn, ports[i]);
	}
	return 0;
}

static long poll(struct vcpu *v, uint64_t gva)
{
	struct sched_poll p;
	bool pending;
	if (GUEST_IN(v, &p, gva))
		return -XEN_EFAULT;
	long rc = any_pending(v, p.ports, p.nr_ports, &pending);
	if (rc || pending || p.nr_ports > POLL_BLOCKING_PORTS || vcpu_has_work(v))
		return rc; /* many ports: return at once, a wake-up the guest allows */
	if (p.timeout && p.timeout <= now_ns())
		return 0;
	if (copy_from_guest(v, v->poll_ports, p.ports, p.nr_ports * sizeof(uint32_t)))
		return -XEN_EFAULT;
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
			v->d->shutdown_reason = s.reason;
		return 0;
	}
	default:
		return -XEN_ENOSYS;
	}
}
