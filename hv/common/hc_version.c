/*
 * xen_version (public/version.h) and vm_assist.  We present ourselves as
 * Xen 4.17, the version whose interfaces we follow; the feature bits are
 * those of an HVM/PVH guest on Xen (common/kernel.c there), minus what we
 * do not implement, plus XENFEAT_dom0 for the hardware domain.
 */
#include "hypercall.h"
#include "compat.h"
#include "public/version.h"
#include "public/features.h"
#include "param.h"

#define VERSION_MAJOR 4
#define VERSION_MINOR 17

static uint32_t feature_submap0(const struct domain *d)
{
	uint32_t f = 1u << XENFEAT_writable_page_tables | 1u << XENFEAT_auto_translated_physmap |
		     1u << XENFEAT_hvm_callback_vector | 1u << XENFEAT_hvm_safe_pvclock;
	if (d->is_privileged)
		f |= 1u << XENFEAT_dom0;
	return f;
}

static long copy_string(struct vcpu *v, uint64_t gva, const char *s, size_t field)
{
	char buf[1024] = { 0 };
	memcpy(buf, s, MIN(strlen(s), field - 1));
	return copy_to_guest(v, gva, buf, field) ? -XEN_EFAULT : 0;
}

long do_xen_version(struct vcpu *v, const uint64_t arg[5])
{
	uint64_t gva = arg[1];
	switch (arg[0]) {
	case XENVER_version:
		return VERSION_MAJOR << 16 | VERSION_MINOR;
	case XENVER_extraversion:
		return copy_string(v, gva, ".0-bastion", 16);
	case XENVER_compile_info: {
		/* the compiler as it names itself; no builder, host or date, so
		 * that two builds of one tree are the same bytes */
		struct xen_compile_info ci = { 0 };
		memcpy(ci.compiler, "gcc " __VERSION__, MIN(sizeof("gcc " __VERSION__), sizeof(ci.compiler) - 1));
		memcpy(ci.compile_by, "bastion", sizeof("bastion"));
		return GUEST_OUT(v, gva, &ci) ? -XEN_EFAULT : 0;
	}
	case XENVER_capabilities:
		return copy_string(v, gva, "hvm-3.0-x86_64 hvm-3.0-x86_32 hvm-3.0-x86_32p", 1024);
	case XENVER_changeset:
		return copy_string(v, gva, "bastion", 64);
	case XENVER_pagesize:
		return PAGE_SIZE;
	case XENVER_platform_parameters: {
		/* where Xen would sit in a 64-bit PV guest; 0 for a 32-bit HVM one */
		uint64_t virt_start = hc_compat(v) ? 0 : 0xffff800000000000ULL;
		return ulong_out(v, gva, 0, virt_start) ? -XEN_EFAULT : 0;
	}
	case XENVER_commandline: /* privileged, as Xen's default policy */
		if (!v->d->is_privileged)
			return -XEN_EPERM;
		return copy_string(v, gva, hv_cmdline ? hv_cmdline : "", 1024);
	case XENVER_get_features: {
		struct xen_feature_info fi;
		if (GUEST_IN(v, &fi, gva))
			return -XEN_EFAULT;
		if (fi.submap_idx >= XENFEAT_NR_SUBMAPS)
			return -XEN_EINVAL;
		fi.submap = feature_submap0(v->d);
		return GUEST_OUT(v, gva, &fi) ? -XEN_EFAULT : 0;
	}
	case XENVER_guest_handle: /* the handle the toolstack gave it (its UUID) */
		return copy_to_guest(v, gva, v->d->handle, sizeof(v->d->handle)) ? -XEN_EFAULT : 0;
	case XENVER_build_id:
		return v->d->is_privileged ? -XEN_ENODATA : -XEN_EPERM;
	default:
		return -XEN_ENOSYS;
	}
}

long do_vm_assist(struct vcpu *v, const uint64_t arg[5])
{
	if ((arg[0] != VMASST_CMD_enable && arg[0] != VMASST_CMD_disable) ||
	    arg[1] != VMASST_TYPE_runstate_update_flag)
		return -XEN_EINVAL;
	uint32_t bit = 1u << VMASST_TYPE_runstate_update_flag;
	if (arg[0] == VMASST_CMD_enable)
		__atomic_fetch_or(&v->d->vm_assist, bit, __ATOMIC_SEQ_CST);
	else
		__atomic_fetch_and(&v->d->vm_assist, ~bit, __ATOMIC_SEQ_CST);
	return 0;
}
