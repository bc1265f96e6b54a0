/*
 * platform_op (public/platform.h) and physdev_op (public/physdev.h) for
 * the hardware domain.  Dom0 owns no physical devices yet, so the device
 * and firmware queries fail cleanly (Linux tolerates each of them); it
 * may set the wallclock, which every domain then sees.
 */
#include "hypercall.h"
#include "vtime.h"
#include "public/platform.h"

long do_platform_op(struct vcpu *v, const uint64_t arg[5])
{
	struct xen_platform_op op;
	if (GUEST_IN(v, &op, arg[0]))
		return -XEN_EFAULT;
	if (op.interface_version != XENPF_INTERFACE_VERSION)
		return -XEN_EACCES;
	switch (op.cmd) {
	case XENPF_settime64:
		if (op.u.settime64.mbz)
			return -XEN_EINVAL;
		vtime_set_wallclock(op.u.settime64.secs, op.u.settime64.nsecs,
				    op.u.settime64.system_time);
		return 0;
	case XENPF_settime32:
		vtime_set_wallclock(op.u.settime32.secs, op.u.settime32.nsecs,
				    op.u.settime32.system_time);
		return 0;
	default: /* firmware_info, get_cpuinfo, dom0 console, ... */
		return -XEN_ENOSYS;
	}
}

long do_physdev_op(struct vcpu *v, const uint64_t arg[5])
{
	(void)v, (void)arg;
	return -XEN_ENOSYS; /* no physical devices, no PIRQs */
}
