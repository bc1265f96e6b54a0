/*
 * Running a vCPU on AMD-V: its VMCB (intercepts, nested paging, the
 * architectural start states), register access by number, event
 * injection, and the loop that enters the guest and dispatches exits.
 * Interrupts reach the guest as virtual interrupts (V_IRQ), which the
 * CPU delivers itself once the guest can take them; an event that was
 * being delivered when an exit cut in (EXITINTINFO) is re-injected.
 */
#include "domain.h"
#include "console.h"
#include "page_alloc.h"
#include "vcpu_sched.h"
#include "vlapic.h"
#include "x86/cpu.h"
#include "x86/percpu.h"
#include "svm_exit.h"
#include "svm.h"

#define DEFAULT_PAT 0x0007040600070406ULL
#define SEG_CODE32 0xc9b /* G, D, P, S, execute/read, accessed */
#define SEG_DATA32 0xc93
#define SEG_TSS32_BUSY 0x8b

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

int svm_vcpu_init(struct vcpu *v)
{
	struct vmcb *vm = alloc_zeroed_page();
	if (!vm || svm_policy_init())
		return -1;
	v->arch.vmcb = vm;
	vm->intercepts1 = SVM_INTERCEPT_INTR | SVM_INTERCEPT_NMI | SVM_INTERCEPT_CPUID |
			  SVM_INTERCEPT_INVD | SVM_INTERCEPT_HLT | SVM_INTERCEPT_INVLPGA | SVM_INTERCEPT_IOIO |
			  SVM_INTERCEPT_MSR | SVM_INTERCEPT_SHUTDOWN;
	vm->intercepts2 = SVM_INTERCEPT_VMRUN | SVM_INTERCEPT_VMMCALL | SVM_INTERCEPT_VMLOAD |
			  SVM_INTERCEPT_VMSAVE | SVM_INTERCEPT_STGI | SVM_INTERCEPT_CLGI |
			  SVM_INTERCEPT_SKINIT | SVM_INTERCEPT_MONITOR | SVM_INTERCEPT_MWAIT;
	vm->exception_intercepts = 1u << 6; /* #UD: VMCALL, Intel's hypercall instruction */
	vm->iopm_base_pa = (uintptr_t)svm_iopm;
	vm->msrpm_base_pa = (uintptr_t)svm_msrpm;
	/* One vCPU per CPU: an ASID per domain suffices; the TLB is flushed
	 * whenever a domain's p2m changes, so sharing one is safe. */
	vm->asid = svm_nr_asids > 1 ? 1 + v->d->domid % (svm_nr_asids - 1) : 1;
	vm->tlb_control = SVM_TLB_FLUSH_ALL;
	vm->int_control = SVM_V_INTR_MASKING;
	vm->np_control = 1;
	vm->n_cr3 = (uintptr_t)v->d->p2m;
	vm->g_pat = DEFAULT_PAT;
	vm->efer = EFER_SVME;
	vlapic_init(v);
	return 0;
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

static void reset_common(struct vcpu *v)
{
	struct vmcb *vm = v->arch.vmcb;
	memset(&v->arch.gprs, 0, sizeof(v->arch.gprs));
	vm->rax = vm->rsp = 0;
	vm->cr2 = vm->cr3 = vm->cr4 = 0;
	vm->efer = EFER_SVME;
	v->arch.guest_efer = 0;
	vm->rflags = 0x2;
	vm->dr6 = 0xffff0ff0;
	vm->dr7 = 0x400;
	vm->eventinj = 0;
	vm->int_control = SVM_V_INTR_MASKING;
	vm->tlb_control = SVM_TLB_FLUSH_ALL;
}

void svm_vcpu_pvh_entry(struct vcpu *v, uint32_t entry, uint32_t start_info)
{
	struct vmcb *vm = v->arch.vmcb;
	reset_common(v);
	set_flat_segments(vm);
	vm->cr0 = CR0_PE | CR0_ET;
	vm->rip = entry;
	v->arch.gprs.rbx = start_info;
}

void svm_vcpu_sipi_entry(struct vcpu *v, uint8_t vector)
{
	struct vmcb *vm = v->arch.vmcb;
	reset_common(v);
	struct vmcb_seg data = { 0, 0x93, 0xffff, 0 };
	vm->cs = (struct vmcb_seg){ (uint16_t)(vector << 8), 0x9b, 0xffff, (uint64_t)vector << 12 };
	vm->ds = vm->es = vm->ss = vm->fs = vm->gs = data;
	vm->tr = (struct vmcb_seg){ 0, SEG_TSS32_BUSY, 0xffff, 0 };
	vm->ldtr = (struct vmcb_seg){ 0, 0x82, 0xffff, 0 };
	vm->gdtr = vm->idtr = (struct vmcb_seg){ 0, 0, 0xffff, 0 };
	vm->cr0 = CR0_ET;
	vm->rip = 0;
	v->arch.gprs.rdx = cpuid(1).eax; /* processor signature, as after reset */
}

static uint64_t *gpr_slot(struct vcpu *v, unsigned reg)
{
	struct svm_gprs *g = &v->arch.gprs;
	uint64_t *slots[16] = { &v->arch.vmcb->rax, &g->rcx, &g->rdx, &g->rbx,
				&v->arch.vmcb->rsp, &g->rbp, &g->rsi, &g->rdi,
				&g->r8, &g->r9, &g->r10, &g->r11, &g->r12, &g->r13, &g->r14, &g->r15 };
	return slots[reg & 15];
}

uint64_t svm_get_gpr(struct vcpu *v, unsigned reg) { return *gpr_slot(v, reg); }
void svm_set_gpr(struct vcpu *v, unsigned reg, uint64_t val) { *gpr_slot(v, reg) = val; }

void svm_inject_exception(struct vcpu *v, uint8_t vector, int64_t error_code)
{
	uint64_t ev = SVM_EVTINJ_VALID | SVM_EVTINJ_TYPE_EXCEPTION | vector;
	if (error_code >= 0)
		ev |= SVM_EVTINJ_ERROR_VALID | ((uint64_t)error_code << 32);
	v->arch.vmcb->eventinj = ev;
}

/* Picks what to offer the guest as its next virtual interrupt. */
static void prepare_injection(struct vcpu *v)
{
	struct vmcb *vm = v->arch.vmcb;
	if (vm->eventinj & SVM_EVTINJ_VALID)
		return; /* an exception or a re-injected event goes first */
	/* An NMI IPI.  NMI blocking until IRET is not tracked (that needs the
	 * IRET intercept); guests send these for backtraces, one at a time. */
	if (__atomic_exchange_n(&v->nmi_pending, false, __ATOMIC_SEQ_CST)) {
		vm->eventinj = SVM_EVTINJ_VALID | SVM_EVTINJ_TYPE_NMI | 2;
		return;
	}
	int vector = vcpu_pending_vector(v);
	vm->int_control &= ~(SVM_V_IRQ | SVM_V_INTR_VECTOR(0xff) | SVM_V_INTR_PRIO(0xf));
	if (vector >= 0)
		vm->int_control |= SVM_V_IRQ | SVM_V_IGN_TPR | SVM_V_INTR_PRIO(0xf) |
				   SVM_V_INTR_VECTOR(vector);
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
static void after_exit(struct vcpu *v, int offered)
{
	struct vmcb *vm = v->arch.vmcb;
	if (offered >= 0 && !(vm->int_control & SVM_V_IRQ))
		vcpu_vector_taken(v, offered);
	/* Whatever EVENTINJ held was delivered, or is in EXITINTINFO now: do
	 * not rely on the CPU to have cleared it. */
	vm->eventinj = 0;
	if (needs_reinjection(vm->exitintinfo))
		vm->eventinj = vm->exitintinfo; /* taken, not yet delivered: finish it */
}

void svm_vcpu_run(struct vcpu *v)
{
	struct percpu *pc = this_cpu();
	pc->current_vcpu = v;
	for (;;) {
		vcpu_wait_runnable(v);
		__asm__ volatile("clgi" ::: "memory");
		irq_enable();
		__atomic_store_n(&v->in_guest, true, __ATOMIC_SEQ_CST);
		if (!vcpu_ready_to_enter(v)) {
			__atomic_store_n(&v->in_guest, false, __ATOMIC_SEQ_CST);
			__asm__ volatile("stgi" ::: "memory");
			continue;
		}
		/* A p2m change after this point kicks us out again: GIF is clear,
		 * so its IPI makes the VMRUN below exit at once. */
		if (__atomic_exchange_n(&v->flush_tlb, false, __ATOMIC_SEQ_CST))
			v->arch.vmcb->tlb_control = SVM_TLB_FLUSH_ALL;
		prepare_injection(v);
		int offered = (v->arch.vmcb->int_control & SVM_V_IRQ) ?
			(int)((v->arch.vmcb->int_control >> 32) & 0xff) : -1;
		svm_vmrun((uintptr_t)v->arch.vmcb, &v->arch.gprs, pc->hvm_host_vmcb);
		__atomic_store_n(&v->in_guest, false, __ATOMIC_SEQ_CST);
		v->arch.vmcb->tlb_control = 0;
		after_exit(v, offered);
		svm_handle_exit(v);
	}
}
