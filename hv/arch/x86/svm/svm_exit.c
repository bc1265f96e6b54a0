/*
 * What happens on each #VMEXIT, one small handler per exit code in a
 * table (AMD APM vol. 2 appendix C).  Without next-RIP (QEMU's TCG has
 * none) the length of each intercepted instruction is known here:
 * CPUID, RDMSR, WRMSR, INVD 2 bytes, VMMCALL 3, HLT 1; IOIO exits give
 * the next RIP in EXITINFO2.  Whatever a guest does wrong hurts only its
 * own domain: an exception the CPU would raise, or a crash of that domain.
 */
#include "domain.h"
#include "console.h"
#include "public/sched.h"
#include "hypercall.h"
#include "guest_acpi.h"
#include "vcpu_sched.h"
#include "vlapic.h"
#include "x86/cpu.h"
#include "x86/guest_cpu.h"
#include "svm.h"
#include "svm_exit.h"

#define SVM_FEATURE_NRIP (1u << 3)
#define VEC_UD 6
#define VEC_GP 13

typedef void (*svm_exit_fn)(struct vcpu *v, struct vmcb *vm);

static void advance(struct vmcb *vm, unsigned len)
{
	vm->rip = (svm_features & SVM_FEATURE_NRIP) && vm->next_rip ? vm->next_rip : vm->rip + len;
	vm->int_shadow = 0;
}

static void exit_nothing(struct vcpu *v, struct vmcb *vm)
{
	(void)v, (void)vm; /* the host took its interrupt at STGI */
}

static void exit_cpuid(struct vcpu *v, struct vmcb *vm)
{
	struct cpuid_regs r;
	guest_cpuid(v, (uint32_t)vm->rax, (uint32_t)v->arch.gprs.rcx, &r);
	vm->rax = r.eax;
	v->arch.gprs.rbx = r.ebx;
	v->arch.gprs.rcx = r.ecx;
	v->arch.gprs.rdx = r.edx;
	advance(vm, 2);
}

static void exit_msr(struct vcpu *v, struct vmcb *vm)
{
	uint32_t msr = (uint32_t)v->arch.gprs.rcx;
	if (vm->exitinfo1 & 1) {
		uint64_t val = (vm->rax & 0xffffffff) | (v->arch.gprs.rdx << 32);
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
		vm->rax = (uint32_t)val;
		v->arch.gprs.rdx = val >> 32;
	}
	advance(vm, 2);
}

static void exit_vmmcall(struct vcpu *v, struct vmcb *vm)
{
	advance(vm, 3);
	hypercall_dispatch(v);
}

/* #UD: a guest that chose VMCALL (0f 01 c1) gets a hypercall, as on
 * Xen; anything else really is undefined and goes back to the guest. */
static void exit_ud(struct vcpu *v, struct vmcb *vm)
{
	static const uint8_t vmcall[3] = { 0x0f, 0x01, 0xc1 };
	uint8_t insn[3];
	uint64_t rip = vm->rip + ((vm->efer & EFER_LMA) && (vm->cs.attrib & (1u << 9)) ? 0 : vm->cs.base);
	if (!copy_from_guest(v, insn, rip, sizeof(insn)) && !memcmp(insn, vmcall, sizeof(insn))) {
		vm->rip += 3;
		hypercall_dispatch(v);
		return;
	}
	svm_inject_exception(v, VEC_UD, -1);
}

static void exit_hlt(struct vcpu *v, struct vmcb *vm)
{
	advance(vm, 1);
	vcpu_block(v);
}

static void exit_invd(struct vcpu *v, struct vmcb *vm)
{
	(void)v;
	advance(vm, 2); /* nothing of ours is cached: a no-op */
}

static void exit_ioio(struct vcpu *v, struct vmcb *vm)
{
	uint64_t info = vm->exitinfo1;
	unsigned size = SVM_IOIO_SIZE(info);
	uint64_t next = vm->exitinfo2;
	uint64_t mask = size == 1 ? 0xff : size == 2 ? 0xffff : 0xffffffff;
	uint32_t val = (uint32_t)(vm->rax & mask);
	vm->rip = next;
	if (!(info & SVM_IOIO_STR) && guest_acpi_io(v, SVM_IOIO_PORT(info), info & SVM_IOIO_IN, &val)) {
		if (info & SVM_IOIO_IN)
			vm->rax = size == 4 ? val : (vm->rax & ~mask) | (val & mask);
		return;
	}
	if (info & SVM_IOIO_STR) {
		/* INS/OUTS on a port nothing claims: no data moves; a REP
		 * prefix would repeat that, so the count is consumed. */
		if (info & SVM_IOIO_REP)
			v->arch.gprs.rcx = 0;
	} else if (info & SVM_IOIO_IN) {
		/* unclaimed port: all ones; a 32-bit IN zero-extends into RAX */
		vm->rax = size == 4 ? mask : (vm->rax & ~mask) | mask;
	} else if (SVM_IOIO_PORT(info) == 0xe9 && v->d->is_privileged) {
		char c = (char)vm->rax;
		console_write(&c, 1); /* Xen's debug port for the hardware domain */
	}
	guest_port_first_use(v, SVM_IOIO_PORT(info), (info & SVM_IOIO_IN) != 0);
}

static void exit_npf(struct vcpu *v, struct vmcb *vm)
{
	if (vlapic_mmio_access(v, vm->exitinfo2, vm->exitinfo1))
		return;
	printk("d%uv%u: access to unmapped guest-physical %#lx (info %#lx) at RIP %#lx; crashing it\n",
	       v->d->domid, v->vcpu_id, vm->exitinfo2, vm->exitinfo1, vm->rip);
	domain_shutdown(v->d, SHUTDOWN_crash);
}

static void exit_shutdown(struct vcpu *v, struct vmcb *vm)
{
	printk("d%uv%u: triple fault at RIP %#lx (CR0 %#lx CR3 %#lx CR4 %#lx); crashing it\n",
	       v->d->domid, v->vcpu_id, vm->rip, vm->cr0, vm->cr3, vm->cr4);
	domain_shutdown(v->d, SHUTDOWN_crash);
}

static void exit_undefined(struct vcpu *v, struct vmcb *vm)
{
	(void)vm; /* SVM instructions and MONITOR/MWAIT: not offered to guests */
	svm_inject_exception(v, VEC_UD, -1);
}

static const svm_exit_fn exit_table[SVM_EXIT_TABLE_SIZE] = {
	[SVM_EXIT_EXCP_BASE + VEC_UD] = exit_ud,
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
	[SVM_EXIT_NPF] = exit_npf,
};

void svm_handle_exit(struct vcpu *v)
{
	struct vmcb *vm = v->arch.vmcb;
	uint32_t code = (uint32_t)vm->exitcode;
	svm_exit_fn fn = code < SVM_EXIT_TABLE_SIZE ? exit_table[code] : NULL;
	if (fn) {
		fn(v, vm);
		return;
	}
	printk("d%uv%u: unexpected exit %#x (info %#lx %#lx) at RIP %#lx; crashing it\n", v->d->domid,
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
