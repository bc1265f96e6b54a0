/*
 * The part of a vCPU's state that lives only in the CPU's registers and
 * that VMRUN does not switch: FPU/SSE/AVX state and XCR0 (XSAVE, Intel
 * SDM vol. 1 chapter 13), DR0-DR3, TSC_AUX.  It is saved when the
 * scheduler takes a vCPU off a CPU (under the scheduler lock, before
 * another CPU may pick it up) and loaded when a vCPU goes on one.  The
 * load is lazy: a vCPU that comes back to the CPU it left, with nothing
 * else run there in between (only idle), finds its registers as it left
 * them.  Between two domains the branch predictors are flushed (IBPB)
 * where the CPU offers it.
 *
 * The save image is XSAVE's, taken with XCR0 at every component offered
 * to guests, so a component a guest has switched off in its own XCR0 is
 * kept, never inherited from another vCPU.  Offered: x87, SSE, AVX,
 * AVX-512 and PKRU where the CPU has them (not MPX, not AMX).
 */
#include "domain.h"
#include "console.h"
#include "page_alloc.h"
#include "x86/cpu.h"
#include "x86/guest_cpu.h"
#include "x86/percpu.h"
#include "x86/vcpu_switch.h"

#define XSTATE_X87 (1ULL << 0)
#define XSTATE_SSE (1ULL << 1)
#define XSTATE_AVX (1ULL << 2)
#define XSTATE_AVX512 (7ULL << 5)
#define XSTATE_OFFERED (XSTATE_X87 | XSTATE_SSE | XSTATE_AVX | XSTATE_AVX512 | (1ULL << 9))
#define MSR_PRED_CMD 0x49
#define MSR_TSC_AUX 0xc0000103
#define FXSAVE_MXCSR 24
#define FXSAVE_MXCSR_MASK 28
#define MXCSR_MASK_DEFAULT 0xffbf /* when FXSAVE reports 0 (SDM vol. 1 11.6.6) */
#define MXCSR_DEFAULT 0x1f80
#define FCW_DEFAULT 0x37f

static bool has_xsave, has_ibpb, has_tsc_aux;
uint64_t xcr0_offered; /* what guests may set in XCR0 (0: no XSAVE) */
static uint32_t xsave_size;
static uint32_t mxcsr_mask; /* MXCSR bits this CPU accepts */

static void probe_mxcsr_mask(void)
{
	static uint8_t fx[512] __attribute__((aligned(16)));
	__asm__ volatile("fxsave64 %0" : "=m"(fx));
	memcpy(&mxcsr_mask, fx + FXSAVE_MXCSR_MASK, sizeof(mxcsr_mask));
	if (!mxcsr_mask)
		mxcsr_mask = MXCSR_MASK_DEFAULT;
}

static inline void xsetbv(uint64_t val)
{
	__asm__ volatile("xsetbv" ::"c"(0), "a"((uint32_t)val), "d"((uint32_t)(val >> 32)));
}

/* Sets XCR0 unless this CPU already has that value. */
static void set_xcr0(struct percpu *pc, uint64_t val)
{
	if (pc->xcr0 != val) {
		xsetbv(val);
		pc->xcr0 = val;
	}
}

void fpu_init_cpu(void)
{
	__asm__ volatile("mov %%cr0, %%rax; and %0, %%rax; or %1, %%rax; mov %%rax, %%cr0"
			 ::"i"(~(uint64_t)(CR0_EM | CR0_TS)), "i"((uint64_t)(CR0_MP | CR0_NE)) : "rax");
	has_xsave = (cpuid(1).ecx >> 26) & 1;
	has_tsc_aux = ((cpuid(0x80000001).edx >> 27) & 1) || ((cpuid(7).ecx >> 22) & 1);
	has_ibpb = ((cpuid(0x80000008).ebx >> 12) & 1) || ((cpuid(7).edx >> 26) & 1);
	write_cr4(read_cr4() | CR4_OSFXSR | CR4_OSXMMEXCPT | (has_xsave ? CR4_OSXSAVE : 0));
	if (this_cpu()->cpu_id == 0)
		probe_mxcsr_mask();
	if (!has_xsave)
		return;
	struct cpuid_regs r = cpuid(0xd);
	xcr0_offered = ((uint64_t)r.edx << 32 | r.eax) & XSTATE_OFFERED;
	if ((xcr0_offered & XSTATE_AVX512) != XSTATE_AVX512 || !(xcr0_offered & XSTATE_AVX))
		xcr0_offered &= ~XSTATE_AVX512;
	this_cpu()->xcr0 = 0;
	set_xcr0(this_cpu(), xcr0_offered);
	xsave_size = cpuid(0xd).ebx; /* for the XCR0 just set */
}

void vcpu_switch_report(void)
{
	printk("cpu: vCPU switch: %s, XCR0 offered %#lx (%u-byte image), TSC_AUX %s, IBPB %s\n",
	       has_xsave ? "XSAVE" : "FXSAVE", xcr0_offered, has_xsave ? xsave_size : 512,
	       has_tsc_aux ? "switched" : "absent", has_ibpb ? "between domains" : "not offered by this CPU");
}

bool cpu_has_tsc_aux(void) { return has_tsc_aux; }
bool cpu_has_ibpb(void) { return has_ibpb; }

int vcpu_fpu_init(struct vcpu *v)
{
	if (xsave_size > PAGE_SIZE)
		return -1;
	uint8_t *img = alloc_zeroed_page(); /* XSAVE wants 64-byte alignment */
	if (!img)
		return -1;
	*(uint16_t *)img = FCW_DEFAULT;  /* x87 and SSE as after reset; with */
	*(uint32_t *)(img + FXSAVE_MXCSR) = MXCSR_DEFAULT; /* XSTATE_BV 0, */
	v->fpu = img;                    /* XRSTOR starts every component clean */
	v->xcr0 = XSTATE_X87;
	v->fpu_cpu = -1;
	return 0;
}

void vcpu_fpu_get(const struct vcpu *v, uint8_t fx[512])
{
	memcpy(fx, v->fpu, 512); /* the legacy region of the XSAVE image */
}

int vcpu_fpu_set(struct vcpu *v, const uint8_t fx[512])
{
	uint32_t mxcsr;
	memcpy(&mxcsr, fx + FXSAVE_MXCSR, sizeof(mxcsr));
	if (mxcsr & ~mxcsr_mask)
		return -1; /* FXRSTOR/XRSTOR would fault on it */
	memcpy(v->fpu, fx, 512);
	if (has_xsave) /* XSTATE_BV: x87 and SSE now come from the image */
		*(uint64_t *)((uint8_t *)v->fpu + 512) |= XSTATE_X87 | XSTATE_SSE;
	v->fpu_cpu = -1; /* no CPU's registers hold it any more */
	return 0;
}

void vcpu_fpu_destroy(struct vcpu *v)
{
	if (v->fpu)
		free_pages((uintptr_t)v->fpu, 0);
	v->fpu = NULL;
}

static inline uint64_t xgetbv0(void)
{
	uint32_t lo, hi;
	__asm__ volatile("xgetbv" : "=a"(lo), "=d"(hi) : "c"(0));
	return (uint64_t)hi << 32 | lo;
}

static void fpu_save(struct percpu *pc, struct vcpu *v)
{
	if (has_xsave) {
		/* What XCR0 holds is the guest's: an emulator that ignores the
		 * XSETBV intercept (QEMU's TCG) lets the guest write it itself. */
		uint64_t xcr0 = pc->xcr0 = xgetbv0();
		if (!(xcr0 & ~xcr0_offered)) /* else keep the last value we checked */
			v->xcr0 = xcr0;
		set_xcr0(pc, xcr0_offered);
		__asm__ volatile("xsave64 (%0)" ::"r"(v->fpu), "a"(~0u), "d"(~0u) : "memory");
	} else {
		__asm__ volatile("fxsave64 (%0)" ::"r"(v->fpu) : "memory");
	}
}

static void fpu_load(struct percpu *pc, struct vcpu *v)
{
	if (has_xsave) {
		set_xcr0(pc, xcr0_offered);
		__asm__ volatile("xrstor64 (%0)" ::"r"(v->fpu), "a"(~0u), "d"(~0u) : "memory");
	} else {
		__asm__ volatile("fxrstor64 (%0)" ::"r"(v->fpu) : "memory");
	}
}

#define READ_DR(n, var) __asm__ volatile("mov %%db" #n ", %0" : "=r"(var))
#define WRITE_DR(n, val) __asm__ volatile("mov %0, %%db" #n ::"r"(val))

void vcpu_state_save(struct vcpu *v)
{
	struct percpu *pc = this_cpu();
	if (pc->fpu_owner == v && v->fpu_cpu == (int)pc->cpu_id)
		fpu_save(pc, v);
	READ_DR(0, v->dr[0]);
	READ_DR(1, v->dr[1]);
	READ_DR(2, v->dr[2]);
	READ_DR(3, v->dr[3]);
}

void vcpu_state_load(struct vcpu *v)
{
	struct percpu *pc = this_cpu();
	if (pc->fpu_owner != v || v->fpu_cpu != (int)pc->cpu_id) {
		fpu_load(pc, v); /* else: registers still hold what v left there */
		pc->fpu_owner = v;
		v->fpu_cpu = (int)pc->cpu_id;
	}
	if (has_xsave)
		set_xcr0(pc, v->xcr0);
	WRITE_DR(0, v->dr[0]);
	WRITE_DR(1, v->dr[1]);
	WRITE_DR(2, v->dr[2]);
	WRITE_DR(3, v->dr[3]);
	if (has_tsc_aux)
		wrmsr(MSR_TSC_AUX, v->tsc_aux);
	if (pc->last_guest_serial != v->d->serial) { /* a serial is never reused, unlike an address */
		if (has_ibpb && pc->last_guest_serial)
			wrmsr(MSR_PRED_CMD, 1);
		pc->last_guest_serial = v->d->serial;
	}
}

/* XSETBV from the guest (index, value).  The rules are the CPU's (SDM
 * vol. 1 13.3, vol. 2 XSETBV) against what CPUID offers the guest. */
int guest_xsetbv(struct vcpu *v, uint32_t index, uint64_t val)
{
	if (!has_xsave || !(v->regs.cr4 & CR4_OSXSAVE))
		return VEC_UD;
	if (v->regs.cpl != 0 || index != 0)
		return VEC_GP;
	struct cpuid_regs xs; /* what the domain's CPUID policy offers, itself within xcr0_offered */
	guest_cpuid(v, 0xd, 0, &xs);
	if (!(val & XSTATE_X87) || (val & ~xcr0_offered) || (val & ~((uint64_t)xs.edx << 32 | xs.eax)))
		return VEC_GP;
	if ((val & XSTATE_AVX) && !(val & XSTATE_SSE))
		return VEC_GP;
	if ((val & XSTATE_AVX512) && ((val & XSTATE_AVX512) != XSTATE_AVX512 || !(val & XSTATE_AVX)))
		return VEC_GP;
	v->xcr0 = val;
	set_xcr0(this_cpu(), val);
	return 0;
}
