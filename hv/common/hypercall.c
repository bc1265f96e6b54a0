/*
 * Hypercall dispatch: one table, indexed by number, saying which handler
 * runs and whether only a privileged domain may call it.  Unknown numbers
 * get -ENOSYS, logged once each; calls from guest user mode get -EPERM,
 * as Xen does for HVM guests.
 */
#include "hypercall.h"
#include "console.h"
#include "softirq.h"
#include "x86/asm_defs.h"
#include "x86/percpu.h"

struct hypercall_desc {
	hypercall_fn fn;
	const char *name;
	bool privileged;
};

static const struct hypercall_desc hypercalls[] = {
	[__HYPERVISOR_platform_op] = { do_platform_op, "platform_op", true },
	[__HYPERVISOR_memory_op] = { do_memory_op, "memory_op", false },
	[__HYPERVISOR_multicall] = { do_multicall, "multicall", false },
	[__HYPERVISOR_set_timer_op] = { do_set_timer_op, "set_timer_op", false },
	[__HYPERVISOR_xen_version] = { do_xen_version, "xen_version", false },
	[__HYPERVISOR_console_io] = { do_console_io, "console_io", true },
	[__HYPERVISOR_grant_table_op] = { do_grant_table_op, "grant_table_op", false },
	[__HYPERVISOR_vm_assist] = { do_vm_assist, "vm_assist", false },
	[__HYPERVISOR_vcpu_op] = { do_vcpu_op, "vcpu_op", false },
	[__HYPERVISOR_sched_op] = { do_sched_op, "sched_op", false },
	[__HYPERVISOR_event_channel_op] = { do_event_channel_op, "event_channel_op", false },
	[__HYPERVISOR_physdev_op] = { do_physdev_op, "physdev_op", false },
	[__HYPERVISOR_hvm_op] = { do_hvm_op, "hvm_op", false },
	[__HYPERVISOR_sysctl] = { do_sysctl, "sysctl", false },
	[__HYPERVISOR_domctl] = { do_domctl, "domctl", false },
};

/* Logs each unknown number below 63 once, and all larger ones once. */
static void log_unknown(struct vcpu *v, uint64_t nr)
{
	static uint64_t seen;
	unsigned bit = nr < 63 ? (unsigned)nr : 63;
	if ((__atomic_fetch_or(&seen, 1ULL << bit, __ATOMIC_RELAXED) >> bit) & 1)
		return;
	printk_guest("d%uv%u: hypercall %lu%s not implemented: -ENOSYS (logged once)\n", v->d->domid,
	       v->vcpu_id, nr, bit == 63 ? " (and any above 62)" : "");
}

long hypercall_call(struct vcpu *v, uint64_t nr, const uint64_t arg[5])
{
	const struct hypercall_desc *h = NULL;
	if (nr < ARRAY_SIZE(hypercalls))
		h = &hypercalls[array_index_nospec(nr, ARRAY_SIZE(hypercalls))];
	if (!h || !h->fn) {
		log_unknown(v, nr);
		return -XEN_ENOSYS;
	}
	if (h->privileged && !v->d->is_privileged)
		return -XEN_EPERM;
	return h->fn(v, arg);
}

bool hypercall_preempt_check(void)
{
	return softirq_pending(this_cpu()->cpu_id);
}

void hypercall_continue(struct vcpu *v, unsigned idx, uint64_t value)
{
	v->hc_cont_mask |= (uint8_t)(1u << idx);
	v->hc_cont_arg[idx] = value;
}

void hypercall_continue_args(struct vcpu *v, uint64_t arg[5])
{
	for (unsigned i = 0; i < 5; i++)
		if (v->hc_cont_mask & (1u << i))
			arg[i] = v->hc_cont_arg[i];
	v->hc_cont_mask = 0;
}

/* The registers holding the arguments: RDI RSI RDX R10 R8, or for a
 * 32-bit caller EBX ECX EDX ESI EDI. */
static const unsigned arg_reg64[5] = { GPR_RDI, GPR_RSI, GPR_RDX, GPR_R10, GPR_R8 };
static const unsigned arg_reg32[5] = { GPR_RBX, GPR_RCX, GPR_RDX, GPR_RSI, GPR_RDI };

/* The arguments of a call to execute again. */
static void restart(struct vcpu *v, bool long_mode)
{
	uint64_t arg[5] = { 0 };
	uint8_t mask = v->hc_cont_mask;
	hypercall_continue_args(v, arg);
	for (unsigned i = 0; i < 5; i++)
		if (mask & (1u << i))
			v->regs.gpr[long_mode ? arg_reg64[i] : arg_reg32[i]] = long_mode ? arg[i] : (uint32_t)arg[i];
}

bool hypercall_dispatch(struct vcpu *v)
{
	uint64_t *gpr = v->regs.gpr;
	bool long_mode = v->regs.cs_long;
	uint64_t nr = long_mode ? gpr[GPR_RAX] : (uint32_t)gpr[GPR_RAX];
	uint64_t arg[5];
	for (unsigned i = 0; i < 5; i++)
		arg[i] = long_mode ? gpr[arg_reg64[i]] : (uint32_t)gpr[arg_reg32[i]];
	v->hc_cont_mask = 0;
	v->hc_compat = !long_mode;
	long rc = v->regs.cpl != 0 && v->regs.cr0 & CR0_PE ? -XEN_EPERM : hypercall_call(v, nr, arg);
	if (rc == HC_RESTART) {
		restart(v, long_mode);
		return true;
	}
	gpr[GPR_RAX] = long_mode ? (uint64_t)rc : (uint32_t)rc;
	return false;
}
