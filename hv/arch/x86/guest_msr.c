/*
 * The MSRs a guest may use.  The syscall and segment-base MSRs are not
 * intercepted (VMLOAD/VMSAVE switch them); here are the rest: EFER (the
 * VMCB copy must keep SVME, which the guest never sees), PAT (the VMCB's
 * G_PAT), TSC, the APIC base and x2APIC registers, Xen's hypercall-page
 * MSR, DEBUGCTL, and a few model-specific registers Linux reads on AMD CPUs.  Any
 * other MSR raises #GP, as on a CPU that lacks it; each is logged once.
 */
#include "domain.h"
#include "console.h"
#include "p2m.h"
#include "vlapic.h"
#include "vtime.h"
#include "x86/guest_cpu.h"
#include "x86/hvm.h"
#include "x86/vcpu_switch.h"

#define MSR_TSC 0x10
#define MSR_TSC_AUX 0xc0000103
#define MSR_HYPERCALL_PAGE 0x40000000
#define MSR_DEBUGCTL 0x1d9
/* LBR, BTF and PB0-PB3 (AMD APM vol. 2, "Debug-Control MSR"); the rest is
 * reserved and raises #GP.  Kept and read back, not applied: as Xen does
 * on a CPU without LBR virtualisation, the guest runs with the host's. */
#define DEBUGCTL_BITS 0x3full
#define HYPERCALL_IRET 23 /* __HYPERVISOR_iret */
#define EFER_GUEST_BITS (EFER_SCE | EFER_LME | EFER_LMA | EFER_NXE | (1u << 14) /* FFXSR */)

/* Model-specific registers Linux reads on AMD CPUs: they read as zero
 * and writes are ignored (reading the host's could fault in the hv on a
 * model that lacks one).  Patch level, HWCR, NB_CFG, LS_CFG, DE_CFG. */
static bool amd_fixed_zero(uint32_t msr)
{
	static const uint32_t list[] = { 0x8b, 0xc0010015, 0xc001001f, 0xc0011020, 0xc0011029 };
	for (unsigned i = 0; i < ARRAY_SIZE(list); i++)
		if (msr == list[i])
			return true;
	return false;
}


static void log_once(struct vcpu *v, const char *what, uint32_t msr)
{
	static uint32_t seen[64];
	static unsigned nr_seen;
	for (unsigned i = 0; i < nr_seen; i++)
		if (seen[i] == msr)
			return;
	if (nr_seen < ARRAY_SIZE(seen))
		seen[nr_seen++] = msr;
	printk_guest("d%uv%u: %s of MSR %#x refused with #GP (logged once)\n", v->d->domid, v->vcpu_id, what,
	       msr);
}

int guest_rdmsr(struct vcpu *v, uint32_t msr, uint64_t *val)
{
	if (msr >= 0x800 && msr <= 0x8ff)
		return vlapic_rdmsr(v, msr, val);
	switch (msr) {
	case MSR_EFER: *val = v->regs.efer; return 0;
	case MSR_PAT: *val = v->pat; return 0;
	case MSR_TSC: *val = rdtsc() + v->tsc_offset; return 0; /* see vtime_update_vcpu */
	case MSR_TSC_AUX:
		if (!cpu_has_tsc_aux())
			break;
		*val = v->tsc_aux;
		return 0;
	case MSR_APIC_BASE: *val = v->vlapic.apic_base; return 0;
	case MSR_DEBUGCTL: *val = v->debugctl; return 0;
	}
	if (amd_fixed_zero(msr)) {
		*val = 0;
		return 0;
	}
	log_once(v, "read", msr);
	return -1;
}

/* Writes Xen's hypercall page: entry i is "mov $i, %eax; vmmcall; ret". */
static int write_hypercall_page(struct vcpu *v, uint64_t gpa)
{
	uint8_t page[PAGE_SIZE];
	memset(page, 0xcc, sizeof(page));
	for (uint32_t i = 0; i < PAGE_SIZE / 32; i++) {
		uint8_t *stub = page + i * 32;
		stub[0] = 0xb8;
		memcpy(stub + 1, &i, 4);
		stub[5] = 0x0f, stub[6] = 0x01, stub[7] = 0xd9, stub[8] = 0xc3;
	}
	page[HYPERCALL_IRET * 32] = 0x0f, page[HYPERCALL_IRET * 32 + 1] = 0x0b; /* ud2: PV only */
	if (copy_to_gpa(v->d, gpa & ~(PAGE_SIZE - 1), page, PAGE_SIZE))
		return -1;
	domain_latch_shinfo_layout(v);
	return 0;
}

bool pat_valid(uint64_t pat)
{
	for (unsigned i = 0; i < 8; i++) {
		uint8_t t = (uint8_t)(pat >> (8 * i));
		if (t == 2 || t == 3 || t > 7)
			return false;
	}
	return true;
}

int guest_wrmsr(struct vcpu *v, uint32_t msr, uint64_t val)
{
	if (msr >= 0x800 && msr <= 0x8ff)
		return vlapic_wrmsr(v, msr, val);
	switch (msr) {
	case MSR_EFER:
		if (val & ~(uint64_t)EFER_GUEST_BITS)
			break;
		hvm->set_efer(v, val);
		return 0;
	case MSR_PAT:
		if (!pat_valid(val))
			break;
		v->pat = val;
		return 0;
	case MSR_TSC:
		v->tsc_offset = val - rdtsc();
		vtime_update_vcpu(v); /* pvclock follows the guest's TSC */
		return 0;
	case MSR_TSC_AUX:
		if (!cpu_has_tsc_aux() || val >> 32)
			break;
		v->tsc_aux = (uint32_t)val;
		wrmsr(MSR_TSC_AUX, val); /* the vCPU runs here now; vcpu_switch.c moves it */
		return 0;
	case MSR_APIC_BASE: return vlapic_set_base(v, val);
	case MSR_DEBUGCTL:
		if (val & ~DEBUGCTL_BITS)
			break;
		v->debugctl = val;
		return 0;
	case MSR_HYPERCALL_PAGE:
		if (val & (PAGE_SIZE - 1)) /* Xen: the low bits must be zero */
			break;
		return write_hypercall_page(v, val) ? -1 : 0;
	}
	if (amd_fixed_zero(msr))
		return 0; /* accepted and ignored */
	log_once(v, "write", msr);
	return -1;
}

void guest_port_first_use(struct vcpu *v, uint16_t port, bool in)
{
	static uint64_t seen[65536 / 64];
	uint64_t bit = 1ULL << (port % 64);
	if (__atomic_fetch_or(&seen[port / 64], bit, __ATOMIC_RELAXED) & bit)
		return;
	printk_guest("d%uv%u: %s port %#x: nothing there (reads all ones, writes dropped; logged once)\n",
	       v->d->domid, v->vcpu_id, in ? "read from" : "write to", port);
}
