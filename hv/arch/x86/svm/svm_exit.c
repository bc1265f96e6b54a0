/*
 * What happens on each #VMEXIT, one small handler per exit code in a
 * table (AMD APM vol. 2 appendix C).  Without next-RIP (QEMU's TCG has
 * none) the length of each intercepted instruction is known here:
 * CPUID, RDMSR, WRMSR, INVD 2 bytes, VMMCALL 3, HLT 1; IOIO exits give
 * the next RIP in EXITINFO2.  Whatever a guest does wrong hurts only its
 * own domain: an exception the CPU would raise, or a crash of that domain.
 */
#include "svm_vcpu.h"
#include "console.h"
#include "public/sched.h"
#include "hypercall.h"
#include "guest_acpi.h"
#include "vcpu_sched.h"
#include "vlapic.h"
#include "mmio.h"
#include "x86/guest_cr.h"
#include "vtime.h"
#include "x86/triple_fault.h"
#include "x86/cpu.h"
#include "x86/percpu.h"
#include "p2m.h"
#include "x86/guest_cpu.h"
#include "svm.h"
#include "svm_exit.h"
#include "param.h"


typedef void (*svm_exit_fn)(struct vcpu *v, struct vmcb *vm);

/* Steps over the intercepted instruction (len bytes without next-RIP). */
static void advance(struct vcpu *v, struct vmcb *vm, unsigned len)
{
	v->regs.rip = (svm_features & SVM_FEATURE_NRIP) && vm->next_rip ? vm->next_rip :
		      v->regs.rip + len;
	vm->int_shadow = 0;
}

static void exit_nothing(struct vcpu *v, struct vmcb *vm)
{
	(void)v, (void)vm; /* the host took its interrupt at STGI */
}

static void exit_cpuid(struct vcpu *v, struct vmcb *vm)
{
	uint64_t *gpr = v->regs.gpr;
	struct cpuid_regs r;
	guest_cpuid(v, (uint32_t)gpr[GPR_RAX], (uint32_t)gpr[GPR_RCX], &r);
	gpr[GPR_RAX] = r.eax;
	gpr[GPR_RBX] = r.ebx;
	gpr[GPR_RCX] = r.ecx;
	gpr[GPR_RDX] = r.edx;
	advance(v, vm, 2);
}

static void exit_msr(struct vcpu *v, struct vmcb *vm)
{
	uint64_t *gpr = v->regs.gpr;
	uint32_t msr = (uint32_t)gpr[GPR_RCX];
	if (vm->exitinfo1 & 1) {
		uint64_t val = (gpr[GPR_RAX] & 0xffffffff) | (gpr[GPR_RDX] << 32);
		if (guest_wrmsr(v, msr, val)) {
			svm_inject_exception(v, VEC_GP, 0);
			return;
		}
	} else {
		uint64_t val;
		if (guest_rdmsr(v, msr, &val)) {
			svm_inject_exception(v, VEC_GP, 0);
			return;
		}
		gpr[GPR_RAX] = (uint32_t)val;
		gpr[GPR_RDX] = val >> 32;
	}
	advance(v, vm, 2);
}

static void exit_vmmcall(struct vcpu *v, struct vmcb *vm)
{
	uint64_t at = v->regs.rip;
	advance(v, vm, 3);
	if (hypercall_dispatch(v))
		v->regs.rip = at; /* a continuation: the same call again */
}

/* #UD: a guest that chose VMCALL (0f 01 c1) gets a hypercall, as on
 * Xen; anything else really is undefined and goes back to the guest. */
static void exit_ud(struct vcpu *v, struct vmcb *vm)
{
	static const uint8_t vmcall[3] = { 0x0f, 0x01, 0xc1 };
	uint8_t insn[3];
	(void)vm;
	if (!fetch_guest_insn(v, insn, sizeof(insn)) && !memcmp(insn, vmcall, sizeof(insn))) {
		uint64_t at = v->regs.rip;
		v->regs.rip += 3;
		if (hypercall_dispatch(v))
			v->regs.rip = at; /* a continuation: the same call again */
		return;
	}
	svm_inject_exception(v, VEC_UD, -1);
}

/* MOV to CR4, decoded here (TCG gives no decode assist): the source is
 * the ModRM r/m register, 32 bits of it outside 64-bit mode. */
static void exit_cr4_write(struct vcpu *v, struct vmcb *vm)
{
	uint8_t bytes[X86_MAX_INSN_LEN];
	struct x86_insn insn;
	enum x86_mode mode = guest_insn_mode(&v->regs);
	uint64_t rip = v->regs.cs_long ? v->regs.rip : (uint32_t)(v->regs.rip + v->regs.cs_base);
	unsigned avail = MIN(X86_MAX_INSN_LEN, PAGE_SIZE - (unsigned)(rip & (PAGE_SIZE - 1)));
	enum x86_decode_rc rc = fetch_guest_insn(v, bytes, avail) ? X86_DEC_INVALID :
				x86_decode(bytes, avail, mode, &insn);
	if (rc == X86_DEC_SHORT) /* it goes on into the next page */
		rc = fetch_guest_insn(v, bytes, X86_MAX_INSN_LEN) ? X86_DEC_INVALID :
		     x86_decode(bytes, X86_MAX_INSN_LEN, mode, &insn);
	if (rc != X86_DEC_OK ||
	    insn.map != X86_MAP_0F || insn.opcode != 0x22 || insn.reg != 4 || insn.mod != 3) {
		printk_guest("d%uv%u: CR4 write at RIP %#lx not decoded; crashing it\n", v->d->domid,
			     v->vcpu_id, v->regs.rip);
		domain_shutdown(v->d, SHUTDOWN_crash);
		return;
	}
	uint64_t val = v->regs.gpr[insn.rm & 15];
	if (mode != X86_MODE_LONG64)
		val = (uint32_t)val;
	if (guest_write_cr4(v, val))
		svm_inject_exception(v, VEC_GP, 0);
	else
		advance(v, vm, insn.len);
}

static void exit_hlt(struct vcpu *v, struct vmcb *vm)
{
	advance(v, vm, 1);
	vcpu_halt(v, v->regs.rflags & RFLAGS_IF);
}

static void exit_invd(struct vcpu *v, struct vmcb *vm)
{
	advance(v, vm, 2); /* nothing of ours is cached: a no-op */
}

/* WBINVD, or WBNOINVD (F3 0F 09): a guest owns no device that would need
 * its caches written back, so both are no-ops, as on Xen without
 * passed-through devices. */
static bool is_prefix(uint8_t b, bool long_mode)
{
	switch (b) {
	case 0x26: case 0x2e: case 0x36: case 0x3e: case 0x64: case 0x65:
	case 0x66: case 0x67: case 0xf2: case 0xf3:
		return true;
	default:
		return long_mode && (b & 0xf0) == 0x40; /* REX */
	}
}

static void exit_wbinvd(struct vcpu *v, struct vmcb *vm)
{
	uint8_t insn[15] = { 0 };
	unsigned len = 0;
	(void)fetch_guest_insn(v, insn, sizeof(insn));
	while (len < sizeof(insn) - 2 && is_prefix(insn[len], v->regs.cs_long))
		len++;
	advance(v, vm, len + 2); /* the prefixes, then 0F 09 */
}

/* #AC and #DB go straight back to the guest (intercepted only so that
 * the hv regains the CPU between them). */
static void exit_ac(struct vcpu *v, struct vmcb *vm)
{
	(void)vm;
	svm_inject_exception(v, VEC_AC, 0);
}

static void exit_db(struct vcpu *v, struct vmcb *vm)
{
	(void)vm;
	svm_inject_exception(v, VEC_DB, -1);
}

/* ICEBP (F1): a #DB as the instruction raises it, with RIP after it. */
static void exit_icebp(struct vcpu *v, struct vmcb *vm)
{
	advance(v, vm, 1);
	svm_inject_exception(v, VEC_DB, -1);
}

static void exit_xsetbv(struct vcpu *v, struct vmcb *vm)
{
	uint64_t *gpr = v->regs.gpr;
	uint64_t val = (gpr[GPR_RAX] & 0xffffffff) | (gpr[GPR_RDX] << 32);
	int vector = guest_xsetbv(v, (uint32_t)gpr[GPR_RCX], val);
	if (vector) {
		svm_inject_exception(v, (uint8_t)vector, vector == VEC_GP ? 0 : -1);
		return;
	}
	advance(v, vm, 3);
}

static void exit_ioio(struct vcpu *v, struct vmcb *vm)
{
	uint64_t info = vm->exitinfo1;
	unsigned size = SVM_IOIO_SIZE(info);
	uint64_t next = vm->exitinfo2;
	uint64_t mask = size == 1 ? 0xff : size == 2 ? 0xffff : 0xffffffff;
	uint64_t *rax = &v->regs.gpr[GPR_RAX];
	uint32_t val = (uint32_t)(*rax & mask);
	v->regs.rip = next;
	if (!(info & SVM_IOIO_STR) && guest_acpi_io(v, SVM_IOIO_PORT(info), info & SVM_IOIO_IN, &val)) {
		if (info & SVM_IOIO_IN)
			*rax = size == 4 ? val : (*rax & ~mask) | (val & mask);
		return;
	}
	if (info & SVM_IOIO_STR) {
		/* INS/OUTS on a port nothing claims: no data moves; a REP
		 * prefix would repeat that, so the count is consumed. */
		if (info & SVM_IOIO_REP)
			v->regs.gpr[GPR_RCX] = 0;
	} else if (info & SVM_IOIO_IN) {
		/* unclaimed port: all ones; a 32-bit IN zero-extends into RAX */
		*rax = size == 4 ? mask : (*rax & ~mask) | mask;
	} else if (SVM_IOIO_PORT(info) == 0xe9 && v->d->is_privileged) {
		char c = (char)*rax;
		console_write(&c, 1); /* Xen's debug port for the hardware domain */
	}
	guest_port_first_use(v, SVM_IOIO_PORT(info), (info & SVM_IOIO_IN) != 0);
}

static void exit_npf(struct vcpu *v, struct vmcb *vm)
{
	/* Emulation redoes the instruction at RIP: not when the access was
	 * the guest's own page walk or an event's delivery. */
	bool insn_access = !(vm->exitinfo1 & NPF_IN_GUEST_WALK) && !(vm->exitintinfo & SVM_EVTINJ_VALID);
	switch (insn_access ? mmio_emulate(v, vm->exitinfo2) : MMIO_NOT_EMULATED) {
	case MMIO_DONE:
		vm->int_shadow = 0;
		if (v->regs.rflags & RFLAGS_TF) {
			vm->dr6 |= DR6_BS; /* single-stepped over it, as the CPU would report */
			svm_inject_exception(v, VEC_DB, -1);
		}
		return;
	case MMIO_FAULTED:
		return;
	case MMIO_NOT_EMULATED:
		break;
	}
	if ((vm->exitinfo1 & 2) && p2m_write_protected(v->d, vm->exitinfo2)) {
		svm_inject_exception(v, VEC_GP, 0); /* a read-only grant mapping, as Xen */
		return;
	}
	printk_guest("d%uv%u: access to unmapped guest-physical %#lx (info %#lx) at RIP %#lx; crashing it\n",
	       v->d->domid, v->vcpu_id, vm->exitinfo2, vm->exitinfo1, vm->rip);
	domain_shutdown(v->d, SHUTDOWN_crash);
}

/* #DF is intercepted only to name the fault whose delivery failed (the
 * event in EXITINTINFO, re-queued by after_exit), then delivered as the
 * CPU would have; a guest that cannot take it triple-faults next. */
static void exit_df(struct vcpu *v, struct vmcb *vm)
{
	printk_guest("d%uv%u: double fault at RIP %#lx RSP %#lx while delivering %#lx "
		     "(CR2 %#lx CR3 %#lx)\n", v->d->domid, v->vcpu_id, vm->rip, vm->rsp,
		     vm->exitintinfo, vm->cr2, vm->cr3);
	svm_inject_exception(v, VEC_DF, 0);
}

/*
 * "trace_pf" on the hv's command line intercepts #PF (a debugging aid:
 * every guest page fault then costs an exit).  A fault the guest's kernel
 * takes on a kernel address, or one raised while an event was being
 * delivered, is reported with the walk of its address done here at
 * once; one raised during delivery is first retried (the event is
 * offered again, nothing injected) up to twice, which tells a page
 * table that was briefly wrong from one that is.  Everything else, and
 * then that too, is delivered to the guest as the CPU would have.
 * Reports share the guests' console rate limit: a guest that faults on
 * purpose can crowd out other domains' lines while this is on.
 */
bool opt_trace_pf;
HV_PARAM_BOOL("trace_pf", opt_trace_pf);

static void exit_pf(struct vcpu *v, struct vmcb *vm)
{
	struct svm_vcpu *s = svm(v);
	uint64_t cr2 = vm->exitinfo2, err = vm->exitinfo1;
	bool in_delivery = vm->exitintinfo & SVM_EVTINJ_VALID;
	bool long_mode = (vm->efer & EFER_LMA) && (vm->cr0 & CR0_PG) && !(vm->cr4 & (1ULL << 12));
	if (s->pf_retried_info != vm->exitintinfo || s->pf_retried_cr2 != cr2)
		s->pf_retries = 0; /* a different fault: its own two retries */
	if (in_delivery || (long_mode && vm->cpl == 0 && (cr2 >> 63)) || (err & 8)) {
		printk_guest("d%uv%u: #PF %#lx at %#lx, RIP %#lx CPL %u, delivering %#lx; CR3 %#lx CR0 %#lx "
			     "CR4 %#lx EFER %#lx; on CPU %u, entry before on CPU %u after exit %#x, retry %u\n",
			     v->d->domid, v->vcpu_id, err, cr2, vm->rip, vm->cpl, vm->exitintinfo, vm->cr3,
			     vm->cr0, vm->cr4, vm->efer, this_cpu()->cpu_id, s->prev_cpu, s->prev_exitcode,
			     s->pf_retries);
		if (long_mode) /* the walk knows 4-level paging only */
			p2m_dump_walk(v->d, vm->cr3, cr2);
		if (in_delivery && s->pf_retries < 2) {
			s->pf_retries++;
			s->pf_retried_info = vm->exitintinfo;
			s->pf_retried_cr2 = cr2;
			return; /* after_exit queued the event again */
		}
	}
	s->pf_retries = 0;
	vm->cr2 = v->regs.cr2 = cr2;
	svm_inject_exception(v, VEC_PF, (int64_t)(uint32_t)err);
}

/* A triple fault while an event was being delivered whose IDT gate is
 * mapped is retried once (x86/triple_fault.h says why).  An interrupt
 * went back to its queue in after_exit; an exception is dropped, and the
 * instruction raises it again if it is real. */
static bool shutdown_retry(struct vcpu *v, struct vmcb *vm)
{
	uint64_t info = vm->exitintinfo, gpa, gate[2];
	uint64_t gate_va = vm->idtr.base + 16 * (info & 0xff);
	struct triple_fault tf = { info, (vm->efer & EFER_LMA) != 0, false, now_ns() };
	tf.gate_mapped = 16 * (info & 0xff) + 15 <= vm->idtr.limit &&
			 !guest_va_to_gpa(v, gate_va, false, &gpa) && !copy_from_gpa(v->d, gate, gpa, sizeof(gate));
	if (!triple_fault_retry(&tf, &svm(v)->shutdown_retried_at))
		return false;
	if (triple_fault_event_refaults(info))
		vm->eventinj = 0; /* after_exit would have delivered it again */
	printk_guest("d%uv%u: triple fault at RIP %#lx delivering %#lx, whose IDT gate is mapped: "
		     "retried once (an emulator's lapse?)\n", v->d->domid, v->vcpu_id, vm->rip, info);
	return true;
}

static void exit_shutdown(struct vcpu *v, struct vmcb *vm)
{
	struct svm_vcpu *s = svm(v);
	if (shutdown_retry(v, vm))
		return;
	printk_guest("d%uv%u: triple fault at RIP %#lx (CR0 %#lx CR3 %#lx CR4 %#lx); crashing it\n",
	       v->d->domid, v->vcpu_id, vm->rip, vm->cr0, vm->cr3, vm->cr4);
	printk_guest("d%uv%u: RSP %#lx RFLAGS %#lx IDT %#lx+%#x TR %#x@%#lx GS %#lx/%#lx; "
		     "entry injected %#lx after exit %#x\n", v->d->domid, v->vcpu_id, vm->rsp,
		     vm->rflags, vm->idtr.base, vm->idtr.limit, vm->tr.selector, vm->tr.base,
		     vm->gs.base, vm->kernel_gs_base, s->entry_eventinj, s->prev_exitcode);
	printk_guest("d%uv%u: CR2 %#lx EFER %#lx, event in delivery %#lx, on CPU %u (the entry before on CPU %u); "
		     "NP %#lx nCR3 %#lx (p2m %#lx)\n", v->d->domid, v->vcpu_id, vm->cr2, vm->efer, vm->exitintinfo,
		     this_cpu()->cpu_id, s->prev_cpu, vm->np_control, vm->n_cr3, (uintptr_t)v->d->p2m);
	if ((vm->efer & EFER_LMA) && (vm->cr0 & CR0_PG)) {
		p2m_dump_walk(v->d, vm->cr3, vm->rip);
		p2m_dump_walk(v->d, vm->cr3, vm->idtr.base + 16 * (vm->exitintinfo & 0xff)); /* its gate */
		p2m_dump_walk(v->d, vm->cr3, vm->cr2);
	}
	domain_shutdown(v->d, SHUTDOWN_crash);
}

static void exit_undefined(struct vcpu *v, struct vmcb *vm)
{
	(void)vm; /* SVM instructions and MONITOR/MWAIT: not offered to guests */
	svm_inject_exception(v, VEC_UD, -1);
}

static const svm_exit_fn exit_table[SVM_EXIT_TABLE_SIZE] = {
	[SVM_EXIT_EXCP_BASE + VEC_DB] = exit_db,
	[SVM_EXIT_EXCP_BASE + VEC_UD] = exit_ud,
	[SVM_EXIT_EXCP_BASE + VEC_AC] = exit_ac,
	[SVM_EXIT_EXCP_BASE + VEC_DF] = exit_df,
	[SVM_EXIT_EXCP_BASE + VEC_PF] = exit_pf,
	[SVM_EXIT_INTR] = exit_nothing,
	[SVM_EXIT_NMI] = exit_nothing,
	[SVM_EXIT_CPUID] = exit_cpuid,
	[SVM_EXIT_INVD] = exit_invd,
	[SVM_EXIT_HLT] = exit_hlt,
	[SVM_EXIT_IOIO] = exit_ioio,
	[SVM_EXIT_MSR] = exit_msr,
	[SVM_EXIT_SHUTDOWN] = exit_shutdown,
	[SVM_EXIT_INVLPGA] = exit_undefined,
	[SVM_EXIT_VMRUN] = exit_undefined,
	[SVM_EXIT_VMMCALL] = exit_vmmcall,
	[SVM_EXIT_VMLOAD] = exit_undefined,
	[SVM_EXIT_VMSAVE] = exit_undefined,
	[SVM_EXIT_STGI] = exit_undefined,
	[SVM_EXIT_CLGI] = exit_undefined,
	[SVM_EXIT_SKINIT] = exit_undefined,
	[SVM_EXIT_MONITOR] = exit_undefined,
	[SVM_EXIT_MWAIT] = exit_undefined,
	[SVM_EXIT_ICEBP] = exit_icebp,
	[SVM_EXIT_WBINVD] = exit_wbinvd,
	[SVM_EXIT_XSETBV] = exit_xsetbv,
	[SVM_EXIT_NPF] = exit_npf,
	[SVM_EXIT_CR4_WRITE] = exit_cr4_write,
};

void svm_handle_exit(struct vcpu *v, struct vmcb *vm)
{
	uint32_t code = (uint32_t)vm->exitcode;
	svm_exit_fn fn = NULL;
	if (code < SVM_EXIT_TABLE_SIZE)
		fn = exit_table[array_index_nospec(code, SVM_EXIT_TABLE_SIZE)];
	if (fn) {
		fn(v, vm);
		return;
	}
	printk_guest("d%uv%u: unexpected exit %#x (info %#lx %#lx) at RIP %#lx; crashing it\n", v->d->domid,
	       v->vcpu_id, code, vm->exitinfo1, vm->exitinfo2, vm->rip);
	domain_shutdown(v->d, SHUTDOWN_crash);
}

/* Clears the intercept bits of one MSR in the permission map (APM 15.11). */
static void msr_passthrough(uint8_t *map, uint32_t msr)
{
	uint32_t base = msr < 0x2000 ? 0 : msr >= 0xc0010000 ? 0x1000 : 0x800;
	uint32_t index = msr & 0x1fff;
	map[base + index / 4] &= (uint8_t)~(3u << (2 * (index % 4)));
}

void svm_msr_policy(void *msrpm)
{
	static const uint32_t switched_by_vmload[] = {
		0xc0000081, 0xc0000082, 0xc0000083, 0xc0000084, /* STAR LSTAR CSTAR SFMASK */
		0xc0000100, 0xc0000101, 0xc0000102,             /* FS/GS base, kernel GS base */
		0x174, 0x175, 0x176,                            /* SYSENTER CS/ESP/EIP */
	};
	memset(msrpm, 0xff, 2 * PAGE_SIZE);
	for (unsigned i = 0; i < ARRAY_SIZE(switched_by_vmload); i++)
		msr_passthrough(msrpm, switched_by_vmload[i]);
}
