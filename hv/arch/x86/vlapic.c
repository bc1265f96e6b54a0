/*
 * A vCPU's local APIC (Intel SDM vol. 3 chapter 10), in x2APIC mode (the
 * register MSRs are 0x800 + offset/16) or in xAPIC mode (registers every
 * 16 bytes of the page at 0xfee00000, reached through the instruction
 * emulator, mmio.c).  vCPUs start in xAPIC mode, as on Xen; a guest may
 * switch to x2APIC and back through the disabled state, as the SDM's mode
 * transitions allow.  Implemented: ID, version, TPR/PPR, EOI, LDR
 * (and DFR in xAPIC mode), SVR, ISR/TMR/IRR, ESR, the LVT registers
 * (stored; the APIC timer does not count: PVH Linux uses Xen's timer),
 * ICR with fixed, NMI, INIT and STARTUP delivery, and SELF_IPI.  Reserved
 * and write-only registers fault as on hardware (MSRs) or read as zero
 * (MMIO); a write to the xAPIC ID register is ignored.
 */
#include "vlapic.h"
#include "domain.h"
#include "console.h"
#include "vcpu_sched.h"

#define APIC_BASE_ADDR 0xfee00000ULL
#define APIC_BASE_BSP (1ULL << 8)
#define APIC_BASE_EXTD (1ULL << 10)
#define APIC_BASE_EN (1ULL << 11)
#define R_ID 0x02
#define R_VERSION 0x03
#define R_TPR 0x08
#define R_PPR 0x0a
#define R_EOI 0x0b
#define R_LDR 0x0d
#define R_DFR 0x0e
#define R_SVR 0x0f
#define R_ISR 0x10
#define R_TMR 0x18
#define R_IRR 0x20
#define R_ESR 0x28
#define R_LVT_CMCI 0x2f
#define R_ICR 0x30
#define R_LVT_FIRST 0x32
#define R_LVT_LAST 0x37
#define R_TIMER_INIT 0x38
#define R_TIMER_CUR 0x39
#define R_TIMER_DIV 0x3e
#define R_SELF_IPI 0x3f
#define LVT_MASKED (1u << 16)

/* The registers as after reset (SDM vol. 3 10.4.7.1), which is also
 * what enabling a disabled APIC gives, as on Xen: pending and in-service
 * vectors gone, the LVT masked. */
static void reset_registers(struct vlapic *a)
{
	memset(a->regs, 0, sizeof(a->regs));
	memset((void *)a->irr, 0, sizeof(a->irr));
	memset(a->isr, 0, sizeof(a->isr));
	a->regs[R_VERSION] = 0x00050014; /* version 0x14, 6 LVT entries */
	a->regs[R_DFR] = 0xffffffff;     /* the flat model */
	a->regs[R_SVR] = 0xff;
	a->regs[R_LVT_CMCI] = LVT_MASKED;
	for (unsigned r = R_LVT_FIRST; r <= R_LVT_LAST; r++)
		a->regs[r] = LVT_MASKED;
}

void vlapic_init(struct vcpu *v)
{
	struct vlapic *a = &v->vlapic;
	a->apic_id = 2 * v->vcpu_id; /* Xen's rule: no SMT siblings; libxl's MADT says the same */
	/* xAPIC mode, as Xen's vlapic_reset leaves it: a kernel without x2APIC
	 * support (Debian's 686-pae) drives the page; others switch. */
	a->apic_base = APIC_BASE_ADDR | APIC_BASE_EN | (v->vcpu_id ? 0 : APIC_BASE_BSP);
	reset_registers(a);
}

static int highest_bit(const uint64_t map[4])
{
	for (int w = 3; w >= 0; w--)
		if (map[w])
			return w * 64 + 63 - __builtin_clzll(map[w]);
	return -1;
}

static uint32_t ppr(const struct vlapic *a)
{
	uint32_t tpr = a->regs[R_TPR] & 0xff;
	int isr = highest_bit(a->isr);
	uint32_t isr_class = isr < 0 ? 0 : (uint32_t)isr & 0xf0;
	return (tpr & 0xf0) >= isr_class ? tpr : isr_class;
}

int vlapic_pending_vector(struct vcpu *v)
{
	struct vlapic *a = &v->vlapic;
	int irr = highest_bit((const uint64_t *)a->irr);
	if (irr < 0 || !(a->regs[R_SVR] & 0x100) || !(a->apic_base & APIC_BASE_EN))
		return -1;
	return ((uint32_t)irr & 0xf0) > (ppr(a) & 0xf0) ? irr : -1;
}

void vlapic_accept(struct vcpu *v, uint8_t vector)
{
	uint64_t bit = 1ULL << (vector % 64);
	if (__atomic_fetch_and(&v->vlapic.irr[vector / 64], ~bit, __ATOMIC_SEQ_CST) & bit)
		v->vlapic.isr[vector / 64] |= bit; /* else the event upcall, not the APIC */
}

void vlapic_requeue(struct vcpu *v, uint8_t vector)
{
	uint64_t bit = 1ULL << (vector % 64);
	if (!(v->vlapic.isr[vector / 64] & bit))
		return; /* the event upcall: still flagged in vcpu_info */
	v->vlapic.isr[vector / 64] &= ~bit;
	__atomic_fetch_or(&v->vlapic.irr[vector / 64], bit, __ATOMIC_SEQ_CST);
}

void vlapic_set_irq(struct vcpu *v, uint8_t vector)
{
	if (vector < 16)
		return; /* illegal vector: an APIC would flag it in ESR */
	__atomic_fetch_or(&v->vlapic.irr[vector / 64], 1ULL << (vector % 64), __ATOMIC_SEQ_CST);
	vcpu_kick(v);
}

static uint64_t read_bitmap(const uint64_t map[4], unsigned word32)
{
	return (uint32_t)(map[word32 / 2] >> (32 * (word32 % 2)));
}

static bool x2apic_mode(const struct vlapic *a)
{
	return a->apic_base & APIC_BASE_EXTD;
}

static bool xapic_mode(const struct vlapic *a)
{
	return (a->apic_base & (APIC_BASE_EN | APIC_BASE_EXTD)) == APIC_BASE_EN;
}

/* The x2APIC's logical ID, which its APIC ID implies (SDM vol. 3 10.12.10.2):
 * cluster in bits 31-16, one member bit below. */
static uint32_t x2apic_ldr(uint32_t id)
{
	return ((id >> 4) << 16) | (1u << (id & 0xf));
}

/* Register r (MSR - 0x800, or MMIO offset / 16) as the current mode
 * shows it; -1 if reserved or write-only there. */
static int reg_read(struct vlapic *a, unsigned r, uint64_t *val)
{
	bool x2 = x2apic_mode(a);
	if (r >= R_ISR && r < R_ISR + 8)
		*val = read_bitmap(a->isr, (unsigned)array_index_nospec(r - R_ISR, 8));
	else if (r >= R_TMR && r < R_TMR + 8)
		*val = 0;
	else if (r >= R_IRR && r < R_IRR + 8)
		*val = read_bitmap((const uint64_t *)a->irr, (unsigned)array_index_nospec(r - R_IRR, 8));
	else if (r == R_ID)
		*val = x2 ? a->apic_id : a->apic_id << 24;
	else if (r == R_PPR)
		*val = ppr(a);
	else if (r == R_LDR)
		*val = x2 ? x2apic_ldr(a->apic_id) : a->regs[R_LDR];
	else if (r == R_ICR)
		*val = a->regs[R_ICR] | (x2 ? (uint64_t)a->regs[R_ICR + 1] << 32 : 0);
	else if (r == R_TIMER_CUR)
		*val = 0;
	else if (r == R_VERSION || r == R_TPR || r == R_SVR || r == R_ESR || r == R_LVT_CMCI ||
		 (r >= R_LVT_FIRST && r <= R_LVT_LAST) || r == R_TIMER_INIT || r == R_TIMER_DIV ||
		 (!x2 && (r == R_DFR || r == R_ICR + 1)))
		*val = a->regs[array_index_nospec(r, ARRAY_SIZE(a->regs))];
	else
		return -1;
	return 0;
}

int vlapic_rdmsr(struct vcpu *v, uint32_t msr, uint64_t *val)
{
	if (!x2apic_mode(&v->vlapic))
		return -1;
	return reg_read(&v->vlapic, msr - 0x800, val);
}

static void deliver_ipi(struct vcpu *src, struct vcpu *dst, unsigned mode, uint8_t vector,
			bool deassert)
{
	switch (mode) {
	case 0: /* fixed */
		vlapic_set_irq(dst, vector);
		break;
	case 5: /* INIT; a de-assert (level-triggered, assert clear) does nothing */
		if (dst != src && !deassert)
			vcpu_send_init(dst);
		break;
	case 6: /* STARTUP */
		if (dst != src)
			vcpu_send_sipi(dst, vector);
		break;
	case 4: /* NMI */
		dst->nmi_pending = true;
		vcpu_kick(dst);
		break;
	default:
		printk_guest("d%uv%u: IPI delivery mode %u not supported, dropped\n", src->d->domid,
		       src->vcpu_id, mode);
	}
}

/* Whether t is a destination of dest, the ICR's destination as the
 * sender's mode reads it (32 bits in x2APIC mode; bits 31-24 in xAPIC
 * mode, 0xff meaning all), matched in t's own mode as Xen does: an
 * xAPIC's logical ID in the flat or the cluster model of its DFR (SDM
 * vol. 3 10.6.2). */
static bool is_destination(const struct vcpu *t, uint32_t dest, bool logical)
{
	const struct vlapic *ta = &t->vlapic;
	if (dest == 0xffffffff)
		return true;
	if (!logical)
		return dest == ta->apic_id;
	if (x2apic_mode(ta)) {
		uint32_t ldr = x2apic_ldr(ta->apic_id);
		return (dest >> 16) == (ldr >> 16) && (dest & ldr & 0xffff);
	}
	uint8_t d = (uint8_t)dest, ldr = ta->regs[R_LDR] >> 24;
	if ((ta->regs[R_DFR] >> 28) == 0xf)
		return d & ldr;
	return (d >> 4) == (ldr >> 4) && (d & ldr & 0xf);
}

static void write_icr(struct vcpu *v, uint64_t icr)
{
	unsigned mode = (icr >> 8) & 7, shorthand = (icr >> 18) & 3;
	uint32_t dest = (uint32_t)(icr >> 32);
	uint8_t vector = (uint8_t)icr;
	v->vlapic.regs[R_ICR] = (uint32_t)icr & ~(1u << 12); /* never busy */
	v->vlapic.regs[R_ICR + 1] = dest;
	if (!x2apic_mode(&v->vlapic))
		dest = (dest >> 24) == 0xff ? 0xffffffff : dest >> 24;
	bool logical = icr & (1u << 11);
	bool deassert = (icr & (1u << 15)) && !(icr & (1u << 14)); /* level, not asserted */
	for (unsigned i = 0; i < v->d->nr_vcpus; i++) {
		struct vcpu *t = v->d->vcpu[i];
		bool hit = shorthand == 1 ? t == v : shorthand == 2 ? true : shorthand == 3 ? t != v :
			   is_destination(t, dest, logical);
		if (hit)
			deliver_ipi(v, t, mode, vector, deassert);
	}
}

/* A write of register r in the current mode; -1 if read-only or reserved. */
static int reg_write(struct vcpu *v, unsigned r, uint64_t val)
{
	struct vlapic *a = &v->vlapic;
	bool x2 = x2apic_mode(a);
	if (r == R_EOI) {
		int isr = highest_bit(a->isr);
		if (isr >= 0)
			a->isr[isr / 64] &= ~(1ULL << (isr % 64));
	} else if (r == R_ICR)
		write_icr(v, x2 ? val : (uint32_t)val | (uint64_t)a->regs[R_ICR + 1] << 32);
	else if (r == R_SELF_IPI && x2)
		vlapic_set_irq(v, (uint8_t)val);
	else if (r == R_TPR || r == R_SVR || r == R_LVT_CMCI || (r >= R_LVT_FIRST && r <= R_LVT_LAST) ||
		 r == R_TIMER_INIT || r == R_TIMER_DIV)
		a->regs[array_index_nospec(r, ARRAY_SIZE(a->regs))] = (uint32_t)val;
	else if (r == R_ESR)
		a->regs[R_ESR] = 0;
	else if (!x2 && (r == R_ICR + 1 || r == R_LDR))
		a->regs[r] = (uint32_t)val & 0xff000000;
	else if (!x2 && r == R_DFR)
		a->regs[R_DFR] = (uint32_t)val | 0x0fffffff;
	else if (!x2 && r == R_ID)
		return 0;
	else
		return -1;
	return 0;
}

int vlapic_wrmsr(struct vcpu *v, uint32_t msr, uint64_t val)
{
	if (!x2apic_mode(&v->vlapic))
		return -1;
	return reg_write(v, msr - 0x800, val);
}

/* The SDM's mode transitions (vol. 3 10.12.5): disabled, xAPIC and
 * x2APIC; x2APIC is left only through disabled, entered only from xAPIC,
 * and EXTD without EN is invalid. */
static bool transition_allowed(uint64_t from, uint64_t to)
{
	uint64_t modes = APIC_BASE_EN | APIC_BASE_EXTD;
	from &= modes, to &= modes;
	if (to == from)
		return true;
	if (to == APIC_BASE_EXTD)
		return false;
	if (to == modes)
		return from == APIC_BASE_EN;
	if (to == APIC_BASE_EN)
		return from == 0;
	return true; /* to disabled */
}

int vlapic_set_base(struct vcpu *v, uint64_t val)
{
	struct vlapic *a = &v->vlapic;
	uint64_t keep = APIC_BASE_BSP;
	if ((val & ~(APIC_BASE_ADDR | APIC_BASE_EN | APIC_BASE_EXTD | APIC_BASE_BSP)) ||
	    (val & APIC_BASE_ADDR) != APIC_BASE_ADDR || !transition_allowed(a->apic_base, val))
		return -1;
	if (!(a->apic_base & APIC_BASE_EN) && (val & APIC_BASE_EN))
		reset_registers(a);
	if ((a->apic_base ^ val) & (APIC_BASE_EN | APIC_BASE_EXTD))
		printk_guest("d%uv%u: local APIC %s\n", v->d->domid, v->vcpu_id,
			     !(val & APIC_BASE_EN) ? "disabled" : (val & APIC_BASE_EXTD) ? "in x2APIC mode" : "in xAPIC mode");
	a->apic_base = (val & ~keep) | (a->apic_base & keep);
	return 0;
}

bool vlapic_is_mmio(uint64_t gpa)
{
	return (gpa & ~0xfffULL) == APIC_BASE_ADDR;
}

/* Outside xAPIC mode the page is not the APIC's: reads see all ones and
 * writes go nowhere, as on Xen where no device claims it. */
uint32_t vlapic_mmio_read(struct vcpu *v, uint32_t offset, unsigned bytes)
{
	uint64_t val = 0;
	unsigned within = offset & 0xf;
	if (!xapic_mode(&v->vlapic))
		return ~0u;
	if (within + bytes > 4 || reg_read(&v->vlapic, (offset & 0xfff) >> 4, &val))
		val = 0;
	return (uint32_t)(val >> (8 * within));
}

/* A write narrower than the register is merged into what it holds (a
 * write-only one holds 0), as Xen does; bytes 4-15 of a line take none. */
void vlapic_mmio_write(struct vcpu *v, uint32_t offset, unsigned bytes, uint32_t val)
{
	unsigned r = (offset & 0xfff) >> 4, within = offset & 0xf;
	if (!xapic_mode(&v->vlapic))
		return;
	if (within + bytes <= 4 && bytes < 4) {
		uint64_t old = 0;
		uint32_t mask = ((1u << (8 * bytes)) - 1) << (8 * within);
		(void)reg_read(&v->vlapic, r, &old);
		val = ((uint32_t)old & ~mask) | ((val << (8 * within)) & mask);
		within = 0, bytes = 4;
	}
	if (within || bytes != 4 || reg_write(v, r, val))
		printk_guest("d%uv%u: xAPIC write of %u bytes at %#x (%#x) ignored\n", v->d->domid,
			     v->vcpu_id, bytes, offset, val);
}
