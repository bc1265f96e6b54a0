/*
 * A vCPU's local APIC in x2APIC mode (Intel SDM vol. 3 chapter 10.12; the
 * register MSRs are 0x800 + offset/16).  Guests start with x2APIC already
 * enabled, so the xAPIC page is never needed by the PVH guests we run.
 * Implemented: ID, version, TPR/PPR, EOI, LDR, SVR, ISR/TMR/IRR, ESR,
 * the LVT registers (stored; the APIC timer does not count: PVH Linux
 * uses Xen's timer), ICR with fixed, NMI, INIT and STARTUP delivery, and
 * SELF_IPI.  Reserved and write-only registers fault as on hardware.
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

void vlapic_init(struct vcpu *v)
{
	struct vlapic *a = &v->vlapic;
	a->apic_id = 2 * v->vcpu_id; /* Xen's rule: no SMT siblings; libxl's MADT says the same */
	a->apic_base = APIC_BASE_ADDR | APIC_BASE_EN | APIC_BASE_EXTD | (v->vcpu_id ? 0 : APIC_BASE_BSP);
	memset(a->regs, 0, sizeof(a->regs));
	a->regs[R_VERSION] = 0x00050014; /* version 0x14, 6 LVT entries */
	a->regs[R_SVR] = 0xff;
	a->regs[R_LVT_CMCI] = LVT_MASKED;
	for (unsigned r = R_LVT_FIRST; r <= R_LVT_LAST; r++)
		a->regs[r] = LVT_MASKED;
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
	if (irr < 0 || !(a->regs[R_SVR] & 0x100))
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

int vlapic_rdmsr(struct vcpu *v, uint32_t msr, uint64_t *val)
{
	struct vlapic *a = &v->vlapic;
	unsigned r = msr - 0x800;
	if (!(a->apic_base & APIC_BASE_EXTD))
		return -1;
	if (r >= R_ISR && r < R_ISR + 8)
		*val = read_bitmap(a->isr, (unsigned)array_index_nospec(r - R_ISR, 8));
	else if (r >= R_TMR && r < R_TMR + 8)
		*val = 0;
	else if (r >= R_IRR && r < R_IRR + 8)
		*val = read_bitmap((const uint64_t *)a->irr, (unsigned)array_index_nospec(r - R_IRR, 8));
	else if (r == R_ID)
		*val = a->apic_id;
	else if (r == R_PPR)
		*val = ppr(a);
	else if (r == R_LDR)
		*val = ((a->apic_id >> 4) << 16) | (1u << (a->apic_id & 0xf));
	else if (r == R_ICR)
		*val = a->regs[R_ICR] | ((uint64_t)a->regs[R_ICR + 1] << 32);
	else if (r == R_TIMER_CUR)
		*val = 0;
	else if (r == R_VERSION || r == R_TPR || r == R_SVR || r == R_ESR || r == R_LVT_CMCI ||
		 (r >= R_LVT_FIRST && r <= R_LVT_LAST) || r == R_TIMER_INIT || r == R_TIMER_DIV)
		*val = a->regs[array_index_nospec(r, ARRAY_SIZE(a->regs))];
	else
		return -1; /* reserved or write-only (EOI, SELF_IPI) */
	return 0;
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

/* x2APIC logical destination: cluster in bits 31-16, member mask below,
 * against the LDR the APIC ID implies (SDM vol. 3 10.12.10.2). */
static bool logical_match(const struct vcpu *t, uint32_t dest)
{
	uint32_t id = t->vlapic.apic_id;
	uint32_t ldr = ((id >> 4) << 16) | (1u << (id & 0xf));
	return (dest >> 16) == (ldr >> 16) && (dest & ldr & 0xffff);
}

static void write_icr(struct vcpu *v, uint64_t icr)
{
	unsigned mode = (icr >> 8) & 7, shorthand = (icr >> 18) & 3;
	uint32_t dest = (uint32_t)(icr >> 32);
	uint8_t vector = (uint8_t)icr;
	v->vlapic.regs[R_ICR] = (uint32_t)icr & ~(1u << 12); /* never busy */
	v->vlapic.regs[R_ICR + 1] = dest;
	bool logical = icr & (1u << 11);
	bool deassert = (icr & (1u << 15)) && !(icr & (1u << 14)); /* level, not asserted */
	for (unsigned i = 0; i < v->d->nr_vcpus; i++) {
		struct vcpu *t = v->d->vcpu[i];
		bool hit = shorthand == 1 ? t == v : shorthand == 2 ? true : shorthand == 3 ? t != v :
			   dest == 0xffffffff || (logical ? logical_match(t, dest) : dest == t->vlapic.apic_id);
		if (hit)
			deliver_ipi(v, t, mode, vector, deassert);
	}
}

int vlapic_wrmsr(struct vcpu *v, uint32_t msr, uint64_t val)
{
	struct vlapic *a = &v->vlapic;
	unsigned r = msr - 0x800;
	if (!(a->apic_base & APIC_BASE_EXTD))
		return -1;
	if (r == R_EOI) {
		int isr = highest_bit(a->isr);
		if (isr >= 0)
			a->isr[isr / 64] &= ~(1ULL << (isr % 64));
	} else if (r == R_ICR)
		write_icr(v, val);
	else if (r == R_SELF_IPI)
		vlapic_set_irq(v, (uint8_t)val);
	else if (r == R_TPR || r == R_SVR || r == R_LVT_CMCI || (r >= R_LVT_FIRST && r <= R_LVT_LAST) ||
		 r == R_TIMER_INIT || r == R_TIMER_DIV)
		a->regs[array_index_nospec(r, ARRAY_SIZE(a->regs))] = (uint32_t)val;
	else if (r == R_ESR)
		a->regs[R_ESR] = 0;
	else
		return -1; /* read-only or reserved */
	return 0;
}

int vlapic_set_base(struct vcpu *v, uint64_t val)
{
	uint64_t keep = APIC_BASE_BSP;
	if ((val & ~(APIC_BASE_ADDR | APIC_BASE_EN | APIC_BASE_EXTD | APIC_BASE_BSP)) ||
	    (val & APIC_BASE_ADDR) != APIC_BASE_ADDR)
		return -1;
	v->vlapic.apic_base = (val & ~keep) | (v->vlapic.apic_base & keep);
	return 0;
}

bool vlapic_mmio_access(struct vcpu *v, uint64_t gpa, uint64_t info)
{
	(void)info;
	if ((gpa & ~0xfffULL) != APIC_BASE_ADDR)
		return false;
	printk_guest("d%uv%u: xAPIC MMIO access at %#lx: only x2APIC mode is emulated\n", v->d->domid,
	       v->vcpu_id, gpa);
	return false;
}
