/*
 * Running a vCPU on AMD-V: its VMCB (intercepts, nested paging, the
 * architectural start states), the copy of the guest's registers that
 * common code works on (struct vcpu_regs), event injection, and one
 * guest entry with its exit.  Interrupts are offered as a virtual
 * interrupt (V_IRQ), which the CPU delivers as soon as the guest's IF
 * and interrupt shadow allow, not injected through EVENTINJ: QEMU's TCG
 * delivers an injected interrupt at VMRUN but leaves its vector as a
 * pending exception, which it may deliver a second time later, whatever
 * IF then says (a Linux dom0 then deadlocks on a lock its interrupted
 * code holds).  Bochs takes a V_IRQ only when the guest changes IF, so
 * when a V_IRQ the guest could have taken was left pending while it ran,
 * the next one is injected instead.  An exception or NMI whose delivery
 * an exit cut short (EXITINTINFO) is re-injected; an interrupt is offered
 * again.
 */
#include "svm_vcpu.h"
#include "console.h"
#include "heap.h"
#include "page_alloc.h"
#include "vcpu_sched.h"
#include "vlapic.h"
#include "domain.h"
#include "public/sched.h"
#include "x86/cpu.h"
#include "x86/hvm.h"
#include "x86/percpu.h"
#include "svm_exit.h"
#include "svm.h"

#define SEG_CODE32 0xc9b /* G, D, P, S, execute/read, accessed */
#define SEG_DATA32 0xc93
#define SEG_TSS32_BUSY 0x8b
#define SEG_ATTR_L (1u << 9)
#define SEG_ATTR_DB (1u << 10)

static void *svm_iopm, *svm_msrpm; /* one interception policy for all vCPUs */

static int svm_policy_init(void)
{
	if (svm_iopm)
		return 0;
	svm_iopm = (void *)(uintptr_t)alloc_pages(2);
	svm_msrpm = (void *)(uintptr_t)alloc_pages(1);
	if (!svm_iopm || !svm_msrpm)
		return -1;
	memset(svm_iopm, 0xff, 4 * PAGE_SIZE); /* a PVH guest owns no ports */
	svm_msr_policy(svm_msrpm);
	return 0;
}

/* What every vCPU intercepts.  #AC and #DB are intercepted so a guest
 * can never hold a CPU in an endless chain of them (XSA-156); WBINVD
 * because nothing of a guest's needs it; XSETBV so XCR0 is checked and
 * switched with the vCPU; CR4 writes so that they are checked. */
static void set_intercepts(struct vmcb *vm)
{
	vm->intercepts1 = SVM_INTERCEPT_INTR | SVM_INTERCEPT_NMI | SVM_INTERCEPT_CPUID |
			  SVM_INTERCEPT_INVD | SVM_INTERCEPT_HLT | SVM_INTERCEPT_INVLPGA | SVM_INTERCEPT_IOIO |
			  SVM_INTERCEPT_MSR | SVM_INTERCEPT_SHUTDOWN;
	vm->intercepts2 = SVM_INTERCEPT_VMRUN | SVM_INTERCEPT_VMMCALL | SVM_INTERCEPT_VMLOAD |
			  SVM_INTERCEPT_VMSAVE | SVM_INTERCEPT_STGI | SVM_INTERCEPT_CLGI |
			  SVM_INTERCEPT_SKINIT | SVM_INTERCEPT_MONITOR | SVM_INTERCEPT_MWAIT |
			  SVM_INTERCEPT_ICEBP | SVM_INTERCEPT_WBINVD | SVM_INTERCEPT_XSETBV;
	/* #UD: VMCALL, Intel's hypercall instruction, is turned into one */
	vm->cr_intercepts = SVM_INTERCEPT_CR4_WRITE;
	vm->exception_intercepts = 1u << VEC_UD | 1u << VEC_AC | 1u << VEC_DB | 1u << VEC_DF |
				   (opt_trace_pf ? 1u << VEC_PF : 0);
}

static int svm_vcpu_init(struct vcpu *v)
{
	struct svm_vcpu *s = xzalloc(sizeof(*s));
	struct vmcb *vm = alloc_zeroed_page();
	if (!s || !vm || svm_policy_init()) {
		xfree(s);
		if (vm)
			free_pages((uintptr_t)vm, 0);
		return -1;
	}
	s->vmcb = vm;
	v->hvm = s;
	set_intercepts(vm);
	vm->iopm_base_pa = (uintptr_t)svm_iopm;
	vm->msrpm_base_pa = (uintptr_t)svm_msrpm;
	vm->int_control = SVM_V_INTR_MASKING;
	vm->np_control = 1;
	vm->n_cr3 = (uintptr_t)v->d->p2m;
	vm->efer = EFER_SVME;
	return 0;
}

static void svm_vcpu_destroy(struct vcpu *v)
{
	struct svm_vcpu *s = svm(v);
	if (!s)
		return;
	free_pages((uintptr_t)s->vmcb, 0);
	xfree(s);
	v->hvm = NULL;
}

/* The VMCB's state save area into v->regs, after every exit. */
static void sync_from_vmcb(struct vcpu *v, const struct vmcb *vm)
{
	struct vcpu_regs *r = &v->regs;
	r->gpr[GPR_RAX] = vm->rax;
	r->gpr[GPR_RSP] = vm->rsp;
	r->rip = vm->rip;
	r->rflags = vm->rflags;
	r->cr0 = vm->cr0, r->cr2 = vm->cr2, r->cr3 = vm->cr3, r->cr4 = vm->cr4;
	r->efer = vm->efer & ~(uint64_t)EFER_SVME;
	r->cpl = vm->cpl;
	r->cs_base = vm->cs.base;
	r->cs_long = (vm->efer & EFER_LMA) && (vm->cs.attrib & SEG_ATTR_L);
	r->cs_db = (vm->cs.attrib & SEG_ATTR_DB) != 0;
}

void svm_sync_from_vmcb(struct vcpu *v)
{
	sync_from_vmcb(v, vmcb_of(v));
}

/* What common code may have changed, back into the VMCB before entry. */
static void sync_to_vmcb(const struct vcpu *v, struct vmcb *vm)
{
	vm->rax = v->regs.gpr[GPR_RAX];
	vm->rsp = v->regs.gpr[GPR_RSP];
	vm->rip = v->regs.rip;
	vm->rflags = v->regs.rflags;
	vm->cr2 = v->regs.cr2;
	vm->tsc_offset = v->tsc_offset;
	vm->g_pat = v->pat;
}

static void set_flat_segments(struct vmcb *vm)
{
	struct vmcb_seg data = { 0x10, SEG_DATA32, 0xffffffff, 0 };
	vm->cs = (struct vmcb_seg){ 0x08, SEG_CODE32, 0xffffffff, 0 };
	vm->ds = vm->es = vm->ss = vm->fs = vm->gs = data;
	vm->tr = (struct vmcb_seg){ 0, SEG_TSS32_BUSY, 0x67, 0 };
	vm->ldtr = (struct vmcb_seg){ 0, 0x82, 0, 0 };
	vm->gdtr = vm->idtr = (struct vmcb_seg){ 0, 0, 0, 0 };
}

static void reset_common(struct vcpu *v, struct vmcb *vm)
{
	memset(v->regs.gpr, 0, sizeof(v->regs.gpr));
	vm->rax = vm->rsp = 0;
	vm->cr2 = vm->cr3 = vm->cr4 = 0;
	vm->efer = EFER_SVME;
	vm->rflags = 0x2;
	vm->dr6 = 0xffff0ff0;
	vm->dr7 = 0x400;
	vm->eventinj = 0;
	vm->int_control = SVM_V_INTR_MASKING;
}

static void svm_vcpu_pvh_entry(struct vcpu *v, uint32_t entry, uint32_t start_info)
{
	struct vmcb *vm = vmcb_of(v);
	reset_common(v, vm);
	set_flat_segments(vm);
	vm->cr0 = CR0_PE | CR0_ET;
	vm->rip = entry;
	sync_from_vmcb(v, vm);
	v->regs.gpr[GPR_RBX] = start_info;
}

static void svm_vcpu_sipi_entry(struct vcpu *v, uint8_t vector)
{
	struct vmcb *vm = vmcb_of(v);
	reset_common(v, vm);
	struct vmcb_seg data = { 0, 0x93, 0xffff, 0 };
	vm->cs = (struct vmcb_seg){ (uint16_t)(vector << 8), 0x9b, 0xffff, (uint64_t)vector << 12 };
	vm->ds = vm->es = vm->ss = vm->fs = vm->gs = data;
	vm->tr = (struct vmcb_seg){ 0, SEG_TSS32_BUSY, 0xffff, 0 };
	vm->ldtr = (struct vmcb_seg){ 0, 0x82, 0xffff, 0 };
	vm->gdtr = vm->idtr = (struct vmcb_seg){ 0, 0, 0xffff, 0 };
	vm->cr0 = CR0_ET;
	vm->rip = 0;
	sync_from_vmcb(v, vm);
	v->regs.gpr[GPR_RDX] = cpuid(1).eax; /* processor signature, as after reset */
}

/* A second exception while the first is being delivered: SDM vol. 3
 * table 6-5 (benign pairs deliver the second; contributory or page-fault
 * pairs make a #DF; a contributory fault or #PF delivering #DF is a
 * triple fault, -1). */
static int combine_exceptions(uint8_t first, uint8_t second)
{
	const uint32_t contributory = 1u << 0 | 1u << 10 | 1u << 11 | 1u << 12 | 1u << 13 | 1u << 21;
	bool c1 = first < 32 && (contributory >> first & 1);
	bool c2 = second < 32 && (contributory >> second & 1);
	if (first == VEC_DF)
		return c2 || second == VEC_PF ? -1 : second;
	if ((c1 && c2) || (first == VEC_PF && (c2 || second == VEC_PF)))
		return VEC_DF;
	return second;
}

/* An exception displaces an event EVENTINJ already holds (re-injected
 * from EXITINTINFO): an interrupt or NMI goes back to wait its turn, an
 * exception combines with the new one.  False: the guest triple-faults. */
static bool displace_pending(struct vcpu *v, struct vmcb *vm, uint8_t *vector,
			     int64_t *error_code)
{
	uint64_t old = vm->eventinj;
	vm->eventinj = 0;
	if (!(old & SVM_EVTINJ_VALID))
		return true;
	uint64_t type = old & (7ULL << 8);
	if (type == SVM_EVTINJ_TYPE_INTR)
		vlapic_requeue(v, (uint8_t)old);
	else if (type == SVM_EVTINJ_TYPE_NMI)
		__atomic_store_n(&v->nmi_pending, true, __ATOMIC_SEQ_CST);
	else if (type == SVM_EVTINJ_TYPE_EXCEPTION) {
		int combined = combine_exceptions((uint8_t)old, *vector);
		if (combined < 0)
			return false;
		if (combined == VEC_DF)
			*vector = VEC_DF, *error_code = 0;
	}
	return true;
}

void svm_inject_exception(struct vcpu *v, uint8_t vector, int64_t error_code)
{
	if (!displace_pending(v, vmcb_of(v), &vector, &error_code)) {
		printk_guest("d%uv%u: fault while delivering #DF at RIP %#lx; crashing it\n",
			     v->d->domid, v->vcpu_id, v->regs.rip);
		domain_shutdown(v->d, SHUTDOWN_crash);
		return;
	}
	uint64_t ev = SVM_EVTINJ_VALID | SVM_EVTINJ_TYPE_EXCEPTION | vector;
	if (error_code >= 0)
		ev |= SVM_EVTINJ_ERROR_VALID | ((uint64_t)error_code << 32);
	vmcb_of(v)->eventinj = ev;
}

static void svm_set_efer(struct vcpu *v, uint64_t efer)
{
	struct vmcb *vm = vmcb_of(v);
	vm->efer = (efer & ~(uint64_t)EFER_LMA) | (vm->efer & EFER_LMA) | EFER_SVME;
	v->regs.efer = vm->efer & ~(uint64_t)EFER_SVME;
}

static void svm_set_cr4(struct vcpu *v, uint64_t cr4)
{
	vmcb_of(v)->cr4 = v->regs.cr4 = cr4;
}

/* Picks what to offer the guest as its next virtual interrupt; returns
 * the vector offered, or -1. */
static int prepare_injection(struct vcpu *v, struct vmcb *vm)
{
	vm->int_control &= ~(SVM_V_IRQ | SVM_V_INTR_VECTOR(0xff) | SVM_V_INTR_PRIO(0xf));
	if (vm->eventinj & SVM_EVTINJ_VALID)
		return -1; /* an exception or a re-injected event goes first */
	/* An NMI IPI.  NMI blocking until IRET is not tracked (that needs the
	 * IRET intercept); guests send these for backtraces, one at a time. */
	if (__atomic_exchange_n(&v->nmi_pending, false, __ATOMIC_SEQ_CST)) {
		vm->eventinj = SVM_EVTINJ_VALID | SVM_EVTINJ_TYPE_NMI | 2;
		return -1;
	}
	int vector = vcpu_pending_vector(v);
	if (vector < 0)
		return -1;
	bool open = (v->regs.rflags & RFLAGS_IF) && !(vm->int_shadow & 1);
	if (open && svm(v)->vintr_ignored) {
		svm(v)->vintr_ignored = false;
		vm->eventinj = SVM_EVTINJ_VALID | SVM_EVTINJ_TYPE_INTR | (uint64_t)vector;
		vcpu_vector_taken(v, vector);
		return -1;
	}
	svm(v)->vintr_open_rip = open ? v->regs.rip : ~0ULL;
	vm->int_control |= SVM_V_IRQ | SVM_V_IGN_TPR | SVM_V_INTR_PRIO(0xf) | SVM_V_INTR_VECTOR(vector);
	return vector;
}

/* An interrupt in EXITINTINFO: QEMU reports one it was delivering as an
 * exception (type 3), but exceptions have vectors below 32. */
static bool is_interrupt(uint64_t info)
{
	uint64_t type = info & (7ULL << 8);
	return type == SVM_EVTINJ_TYPE_INTR || (type == SVM_EVTINJ_TYPE_EXCEPTION && (uint8_t)info >= 32);
}

/* An event whose delivery an exit cut short is delivered again, except
 * those the instruction itself raises (INT n, INT3, INTO): without
 * next-RIP the guest's RIP still points at it, so it simply runs again. */
static bool needs_reinjection(uint64_t info)
{
	if (!(info & SVM_EVTINJ_VALID))
		return false;
	uint64_t type = info & (7ULL << 8);
	uint8_t vector = (uint8_t)info;
	if (type == SVM_EVTINJ_TYPE_INTR || type == SVM_EVTINJ_TYPE_NMI)
		return true;
	return type == SVM_EVTINJ_TYPE_EXCEPTION && vector != 3 && vector != 4;
}

/* After an exit: note a virtual interrupt the guest took; re-queue an
 * event whose delivery the exit interrupted (APM vol. 2 15.7.2). */
static void after_exit(struct vcpu *v, struct vmcb *vm, int offered)
{
	if (offered >= 0 && !(vm->int_control & SVM_V_IRQ))
		vcpu_vector_taken(v, offered);
	else if (offered >= 0 && svm(v)->vintr_open_rip != ~0ULL && vm->rip != svm(v)->vintr_open_rip)
		svm(v)->vintr_ignored = true; /* the guest ran past a V_IRQ it could take */
	/* Whatever EVENTINJ held was delivered, or is in EXITINTINFO now: do
	 * not rely on the CPU to have cleared it. */
	vm->eventinj = 0;
	uint64_t info = vm->exitintinfo;
	if (!needs_reinjection(info))
		return;
	if (is_interrupt(info))
		vlapic_requeue(v, (uint8_t)info); /* offered again as a V_IRQ */
	else
		vm->eventinj = info; /* taken, not yet delivered: finish it */
}

static void svm_vcpu_run(struct vcpu *v)
{
	struct vmcb *vm = vmcb_of(v);
	__asm__ volatile("clgi" ::: "memory");
	/* From here an interrupt or a kick IPI waits for VMRUN and makes the
	 * guest exit at once, so nothing raised after these checks is lost. */
	if (__atomic_exchange_n(&v->in_guest, true, __ATOMIC_SEQ_CST)) {
		/* still in the guest on another CPU: a scheduler bug; its flag
		 * is left as that CPU set it, and this entry is not made */
		__asm__ volatile("stgi" ::: "memory");
		printk_guest("d%uv%u: entry on CPU %u refused: still in the guest elsewhere\n", v->d->domid,
			     v->vcpu_id, this_cpu()->cpu_id);
		return;
	}
	if (!vcpu_may_enter(v)) {
		__atomic_store_n(&v->in_guest, false, __ATOMIC_SEQ_CST);
		__asm__ volatile("stgi" ::: "memory");
		return;
	}
	svm_asid_assign(v, vm);
	int offered = prepare_injection(v, vm);
	sync_to_vmcb(v, vm);
	svm(v)->entry_eventinj = vm->eventinj;
	svm(v)->prev_exitcode = (uint32_t)vm->exitcode;
	svm(v)->prev_cpu = svm(v)->cpu;
	svm(v)->cpu = this_cpu()->cpu_id;
	svm_vmrun((uintptr_t)vm, v->regs.gpr, this_cpu()->hvm_host_vmcb);
	__atomic_store_n(&v->in_guest, false, __ATOMIC_SEQ_CST);
	vm->tlb_control = 0;
	sync_from_vmcb(v, vm);
	after_exit(v, vm, offered);
	svm_handle_exit(v, vm);
}

static void svm_read_segment(struct vcpu *v, unsigned seg, struct hvm_segment *out)
{
	const struct vmcb *vm = vmcb_of(v);
	const struct vmcb_seg *all[] = { &vm->es, &vm->cs, &vm->ss, &vm->ds, &vm->fs, &vm->gs };
	const struct vmcb_seg *s = all[array_index_nospec(seg, ARRAY_SIZE(all))];
	*out = (struct hvm_segment){ s->selector, s->attrib, s->limit, s->base };
}

const struct hvm_ops svm_hvm_ops = {
	.name = "AMD-V",
	.probe = svm_probe,
	.cpu_enable = svm_cpu_enable,
	.report_features = svm_report_features,
	.selftest = svm_selftest,
	.vcpu_init = svm_vcpu_init,
	.vcpu_destroy = svm_vcpu_destroy,
	.vcpu_pvh_entry = svm_vcpu_pvh_entry,
	.vcpu_sipi_entry = svm_vcpu_sipi_entry,
	.vcpu_run = svm_vcpu_run,
	.inject_exception = svm_inject_exception,
	.set_efer = svm_set_efer,
	.set_cr4 = svm_set_cr4,
	.vcpu_get_state = svm_vcpu_get_state,
	.vcpu_set_state = svm_vcpu_set_state,
	.read_segment = svm_read_segment,
};
