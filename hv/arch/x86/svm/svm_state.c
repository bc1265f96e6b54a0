/*
 * A vCPU's architectural state as Xen's HVM context CPU record
 * (public/hvm/save.h) to and from the VMCB: what XEN_DOMCTL_gethvmcontext
 * reports and sethvmcontext loads (libxenguest starts a PVH vCPU this
 * way).  The vCPU is not running: its domain is paused.
 */
#include "domain.h"
#include "svm.h"
#include "svm_vcpu.h"
#include "public/errno.h"
#include "public/hvm/save.h"
#include "x86/asm_defs.h"
#include "x86/cpu.h"
#include "x86/vcpu_switch.h"
#include "x86/guest_cpu.h"
#include "x86/guest_cr.h"

#define CR0_VALID (CR0_PE | CR0_MP | CR0_EM | CR0_TS | CR0_ET | CR0_NE | CR0_WP | (1u << 18) | \
		   CR0_NW | CR0_CD | CR0_PG)
#define CR4_VALID 0x770fffULL /* VME..OSXMMEXCPT, UMIP, FSGSBASE, PCIDE, OSXSAVE, SMEP, SMAP, PKE */
#define EFER_VALID (EFER_SCE | EFER_LME | EFER_LMA | EFER_NXE | (1u << 14) /* FFXSR */)

/* The record's access rights are Xen's packed form, the one the VMCB
 * uses: type, S, DPL, P in bits 0-7, AVL, L, D/B, G in bits 8-11.  On
 * load, the unpacked form older savers wrote (flags in bits 12-15) is
 * folded, as Xen does. */
static uint32_t ar_of(uint16_t attrib)
{
	return attrib & 0xfffu;
}

static uint16_t attrib_of(uint32_t ar)
{
	if ((ar & 0xf000) && !(ar & 0x0f00))
		ar = (ar & 0xff) | ((ar >> 4) & 0xf00);
	return (uint16_t)(ar & 0xfff);
}

#define SEGMENTS(X) X(cs) X(ds) X(es) X(fs) X(gs) X(ss) X(tr) X(ldtr)

void svm_vcpu_get_state(struct vcpu *v, struct hvm_hw_cpu *c)
{
	const struct vmcb *vm = vmcb_of(v);
	const uint64_t *g = v->regs.gpr;
	memset(c, 0, sizeof(*c));
	vcpu_fpu_get(v, c->fpu_regs);
	c->flags = XEN_X86_FPU_INITIALISED;
	c->rax = vm->rax, c->rbx = g[GPR_RBX], c->rcx = g[GPR_RCX], c->rdx = g[GPR_RDX];
	c->rbp = g[GPR_RBP], c->rsi = g[GPR_RSI], c->rdi = g[GPR_RDI], c->rsp = vm->rsp;
	c->r8 = g[GPR_R8], c->r9 = g[GPR_R9], c->r10 = g[GPR_R10], c->r11 = g[GPR_R11];
	c->r12 = g[GPR_R12], c->r13 = g[GPR_R13], c->r14 = g[GPR_R14], c->r15 = g[GPR_R15];
	c->rip = vm->rip, c->rflags = vm->rflags;
	c->cr0 = vm->cr0, c->cr2 = vm->cr2, c->cr3 = vm->cr3, c->cr4 = vm->cr4;
	c->dr0 = v->dr[0], c->dr1 = v->dr[1], c->dr2 = v->dr[2], c->dr3 = v->dr[3];
	c->dr6 = vm->dr6, c->dr7 = vm->dr7;
#define GET(s) c->s##_sel = vm->s.selector, c->s##_limit = vm->s.limit, c->s##_base = vm->s.base, \
		c->s##_arbytes = ar_of(vm->s.attrib);
	SEGMENTS(GET)
#undef GET
	c->idtr_limit = vm->idtr.limit, c->idtr_base = vm->idtr.base;
	c->gdtr_limit = vm->gdtr.limit, c->gdtr_base = vm->gdtr.base;
	c->sysenter_cs = vm->sysenter_cs, c->sysenter_esp = vm->sysenter_esp;
	c->sysenter_eip = vm->sysenter_eip, c->shadow_gs = vm->kernel_gs_base;
	c->msr_lstar = vm->lstar, c->msr_star = vm->star, c->msr_cstar = vm->cstar;
	c->msr_syscall_mask = vm->sfmask;
	c->msr_efer = vm->efer & ~(uint64_t)EFER_SVME;
	c->msr_tsc_aux = v->tsc_aux;
	c->tsc = rdtsc() + v->tsc_offset;
	if (vm->eventinj & SVM_EVTINJ_VALID) {
		c->pending_event = (uint32_t)vm->eventinj;
		c->error_code = (uint32_t)(vm->eventinj >> 32);
	}
}

/* An event to re-inject: an external interrupt, NMI, exception or
 * software interrupt (type 1 is reserved), no reserved bits, and a
 * 16-bit error code if one is given. */
static bool pending_event_valid(const struct hvm_hw_cpu *c)
{
	uint32_t ev = c->pending_event, type = ev >> 8 & 7;
	if (!(ev & SVM_EVTINJ_VALID))
		return true;
	if (type == 1 || type > 4 || (ev & 0x7ffff000))
		return false;
	return !(ev & (1u << 11)) || c->error_code == (uint16_t)c->error_code;
}

/* The checks a CPU makes on VMRUN, as Xen makes them on load. */
static bool state_valid(const struct hvm_hw_cpu *c)
{
	bool pg = c->cr0 & CR0_PG, lme = c->msr_efer & EFER_LME, lma = c->msr_efer & EFER_LMA;
	if (c->pad0 || (c->cr0 & ~(uint64_t)CR0_VALID) || (c->cr4 & ~CR4_VALID) ||
	    (c->msr_efer & ~(uint64_t)EFER_VALID))
		return false;
	if ((c->flags & ~XEN_X86_FPU_INITIALISED) || c->msr_tsc_aux != (uint32_t)c->msr_tsc_aux)
		return false;
	if ((pg && !(c->cr0 & CR0_PE)) || ((c->cr0 & CR0_NW) && !(c->cr0 & CR0_CD)))
		return false;
	if (lma != (lme && pg) || (lma && !(c->cr4 & CR4_PAE)))
		return false;
	return pending_event_valid(c);
}

int svm_vcpu_set_state(struct vcpu *v, const struct hvm_hw_cpu *c)
{
	struct cpuid_regs l1, l7;
	guest_cpuid(v, 1, 0, &l1);
	guest_cpuid(v, 7, 0, &l7);
	if (!state_valid(c) || (c->cr4 & ~cr4_valid_bits(&l1, &l7))) /* as Xen: CR4 its CPUID allows */
		return -XEN_EINVAL;
	struct vmcb *vm = vmcb_of(v);
	uint64_t *g = v->regs.gpr;
	if ((c->flags & XEN_X86_FPU_INITIALISED) && vcpu_fpu_set(v, c->fpu_regs))
		return -XEN_EINVAL;
	vm->rax = c->rax, g[GPR_RBX] = c->rbx, g[GPR_RCX] = c->rcx, g[GPR_RDX] = c->rdx;
	g[GPR_RBP] = c->rbp, g[GPR_RSI] = c->rsi, g[GPR_RDI] = c->rdi, vm->rsp = c->rsp;
	g[GPR_R8] = c->r8, g[GPR_R9] = c->r9, g[GPR_R10] = c->r10, g[GPR_R11] = c->r11;
	g[GPR_R12] = c->r12, g[GPR_R13] = c->r13, g[GPR_R14] = c->r14, g[GPR_R15] = c->r15;
	vm->rip = c->rip, vm->rflags = (c->rflags & 0x3f7fd5) | 2; /* reserved bits as the CPU has them */
	vm->cr0 = c->cr0, vm->cr2 = c->cr2, vm->cr3 = c->cr3, vm->cr4 = c->cr4;
	v->dr[0] = c->dr0, v->dr[1] = c->dr1, v->dr[2] = c->dr2, v->dr[3] = c->dr3;
	vm->dr6 = c->dr6, vm->dr7 = c->dr7;
#define SET(s) vm->s = (struct vmcb_seg){ (uint16_t)c->s##_sel, attrib_of(c->s##_arbytes), \
					  c->s##_limit, c->s##_base };
	SEGMENTS(SET)
#undef SET
	vm->idtr = (struct vmcb_seg){ 0, 0, c->idtr_limit, c->idtr_base };
	vm->gdtr = (struct vmcb_seg){ 0, 0, c->gdtr_limit, c->gdtr_base };
	vm->cpl = (uint8_t)(vm->ss.attrib >> 5 & 3);
	vm->sysenter_cs = c->sysenter_cs, vm->sysenter_esp = c->sysenter_esp;
	vm->sysenter_eip = c->sysenter_eip, vm->kernel_gs_base = c->shadow_gs;
	vm->lstar = c->msr_lstar, vm->star = c->msr_star, vm->cstar = c->msr_cstar;
	vm->sfmask = c->msr_syscall_mask;
	vm->efer = c->msr_efer | EFER_SVME;
	v->tsc_aux = (uint32_t)c->msr_tsc_aux;
	if (c->tsc) /* a restored TSC; a new vCPU keeps its domain's */
		v->tsc_offset = c->tsc - rdtsc();
	vm->eventinj = c->pending_event & SVM_EVTINJ_VALID ?
			       c->pending_event | (uint64_t)c->error_code << 32 : 0;
	svm_sync_from_vmcb(v);
	return 0;
}
