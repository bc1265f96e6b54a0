/*
 * multicall (public/xen.h): a batch of hypercalls, each entry's result
 * written back into the entry.  libxenctrl sends every memory_op this way.
 * A nested multicall is refused in the entry (-EINVAL); a batch stops at
 * the first entry that cannot be read or written back (-EFAULT).  A long
 * batch, or an entry that is itself preempted, continues as Xen's does:
 * the entry's new arguments are written back into it and the multicall
 * restarts at that entry.
 */
#include "hypercall.h"
#include "compat.h"

/* The multicall restarts at entry gva, nr entries left; an entry that
 * was preempted first gets its new arguments. */
static long restart_at(struct vcpu *v, uint64_t gva, uint64_t nr, uint64_t args[5])
{
	if (args) {
		hypercall_continue_args(v, args);
		for (unsigned i = 0; i < 5; i++) /* args[i] is the entry's word 2 + i */
			if (ulong_out(v, gva, 2 + i, args[i]))
				return -XEN_EFAULT;
	}
	hypercall_continue(v, 0, gva);
	hypercall_continue(v, 1, nr);
	return HC_RESTART;
}

long do_multicall(struct vcpu *v, const uint64_t arg[5])
{
	uint64_t list = arg[0], nr = (uint32_t)arg[1];
	size_t entry_size = arg_size(v, &xlat_multicall_entry);
	for (uint64_t i = 0; i < nr; i++) {
		struct multicall_entry e;
		uint64_t gva = list + i * entry_size;
		if (i && hypercall_preempt_check())
			return restart_at(v, gva, nr - i, NULL);
		if (ARG_IN(v, multicall_entry, &e, gva))
			return -XEN_EFAULT;
		uint64_t args[5] = { e.args[0], e.args[1], e.args[2], e.args[3], e.args[4] };
		long rc = e.op == __HYPERVISOR_multicall ? -XEN_EINVAL : hypercall_call(v, e.op, args);
		if (rc == HC_RESTART)
			return restart_at(v, gva, nr - i, args);
		if (ulong_out(v, gva, 1, (uint64_t)rc)) /* word 1 */
			return -XEN_EFAULT;
	}
	return 0;
}
