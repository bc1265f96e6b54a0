/*
 * bx_hvm.c - what the toolstack sets up for a domain through hvm_op
 * (hypercall 34, public/hvm/hvm_op.h: HVMOP_set/get_param with the
 * HVM_PARAM_* of public/hvm/params.h) and event_channel_op (hypercall 32,
 * public/event_channel.h: EVTCHNOP_alloc_unbound for the store and
 * console ports).
 */
#include "bx.h"

int bx_hvm_set_param(struct bx *bx, uint32_t domid, uint32_t index, uint64_t value)
{
	struct xen_hvm_param p = { .domid = (domid_t)domid, .index = index, .value = value };

	return (int)bx_hypercall_arg(bx, __HYPERVISOR_hvm_op, HVMOP_set_param, &p, sizeof(p));
}

int bx_hvm_get_param(struct bx *bx, uint32_t domid, uint32_t index, uint64_t *value)
{
	struct xen_hvm_param p = { .domid = (domid_t)domid, .index = index };
	int rc = (int)bx_hypercall_arg(bx, __HYPERVISOR_hvm_op, HVMOP_get_param, &p, sizeof(p));

	if (rc >= 0)
		*value = p.value;
	return rc;
}

long bx_evtchn_alloc_unbound(struct bx *bx, uint32_t domid, uint32_t remote)
{
	struct evtchn_alloc_unbound a = { .dom = (domid_t)domid, .remote_dom = (domid_t)remote };
	long rc = bx_hypercall_arg(bx, __HYPERVISOR_event_channel_op,
				   EVTCHNOP_alloc_unbound, &a, sizeof(a));

	return rc < 0 ? rc : (long)a.port;
}
