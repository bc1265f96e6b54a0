/*
 * multicall (public/xen.h): a batch of hypercalls, each entry's result
 * written back into the entry.  libxenctrl sends every memory_op this way.
 * A nested multicall is refused in the entry (-EINVAL); a batch stops at
 * the first entry that cannot be read or written back (-EFAULT).
 */
#include "hypercall.h"

#define MULTICALL_MAX 512 /* entries per batch: bounds the time one call takes */

long do_multicall(struct vcpu *v, const uint64_t arg[5])
{
	uint64_t list = arg[0], nr = (uint32_t)arg[1];
	if (nr > MULTICALL_MAX)
		return -XEN_EINVAL;
	for (uint64_t i = 0; i < nr; i++) {
		struct multicall_entry e;
		uint64_t gva = list + i * sizeof(e);
		if (GUEST_IN(v, &e, gva))
			return -XEN_EFAULT;
		uint64_t args[5] = { e.args[0], e.args[1], e.args[2], e.args[3], e.args[4] };
		long rc = e.op == __HYPERVISOR_multicall ? -XEN_EINVAL : hypercall_call(v, e.op, args);
		e.result = (uint64_t)rc;
		if (copy_to_guest(v, gva + offsetof(struct multicall_entry, result), &e.result,
				  sizeof(e.result)))
			return -XEN_EFAULT;
	}
	return 0;
}
