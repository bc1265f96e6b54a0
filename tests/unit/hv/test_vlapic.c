/* hv/arch/x86/vlapic.c on the host: the mode transitions of the APIC base
 * MSR, the xAPIC page's registers, and IPI destinations in both modes. */
#include <string.h>
#include "check.h"
#include "domain.h"
#include "vlapic.h"
#include "vcpu_sched.h"

#define BASE 0xfee00000ULL
#define EN (1ULL << 11)
#define EXTD (1ULL << 10)
#define NVCPUS 4

static struct domain dom;
static struct vcpu vcpus[NVCPUS];
static unsigned inits[NVCPUS], sipis[NVCPUS], kicks[NVCPUS];

void vcpu_kick(struct vcpu *v) { kicks[v->vcpu_id]++; }
void vcpu_send_init(struct vcpu *t) { inits[t->vcpu_id]++; }
void vcpu_send_sipi(struct vcpu *t, uint8_t vector) { (void)vector; sipis[t->vcpu_id]++; }
void printk_guest(const char *fmt, ...) { (void)fmt; }

static void reset(void)
{
	dom.nr_vcpus = NVCPUS;
	for (unsigned i = 0; i < NVCPUS; i++) {
		vcpus[i] = (struct vcpu){ .d = &dom, .vcpu_id = i };
		dom.vcpu[i] = &vcpus[i];
		vlapic_init(&vcpus[i]);
	}
	memset(inits, 0, sizeof(inits));
	memset(kicks, 0, sizeof(kicks));
}

/* Every vCPU through disabled into xAPIC mode. */
static bool to_xapic(void)
{
	bool ok = true;
	for (unsigned i = 0; i < NVCPUS; i++)
		ok &= !vlapic_set_base(&vcpus[i], BASE) && !vlapic_set_base(&vcpus[i], BASE | EN);
	return ok;
}

/* Every vCPU from xAPIC mode (where it starts) into x2APIC mode. */
static bool to_x2apic(void)
{
	bool ok = true;
	for (unsigned i = 0; i < NVCPUS; i++)
		ok &= !vlapic_set_base(&vcpus[i], BASE | EN | EXTD);
	return ok;
}

/* The vCPUs whose IRR has vector set, as a bit mask. */
static unsigned pending(uint8_t vector)
{
	unsigned mask = 0;
	for (unsigned i = 0; i < NVCPUS; i++)
		if (vcpus[i].vlapic.irr[vector / 64] & (1ULL << (vector % 64)))
			mask |= 1u << i;
	return mask;
}

static void transitions(void)
{
	reset();
	struct vcpu *v = &vcpus[1];
	CHECK(v->vlapic.apic_base == (BASE | EN) && vcpus[0].vlapic.apic_base == (BASE | EN | 1ULL << 8),
	      "a vCPU starts in xAPIC mode, as on Xen; vCPU 0 is the BSP");
	CHECK(to_x2apic(), "xAPIC to x2APIC: allowed on every vCPU");
	CHECK(vlapic_set_base(v, BASE | EN), "x2APIC straight to xAPIC: refused (#GP)");
	CHECK(vlapic_set_base(v, BASE | EXTD), "EXTD without EN: refused");
	CHECK(!vlapic_set_base(v, BASE), "x2APIC to disabled: allowed");
	CHECK(vlapic_set_base(v, BASE | EN | EXTD), "disabled straight to x2APIC: refused");
	CHECK(!vlapic_set_base(v, BASE | EN), "disabled to xAPIC: allowed");
	CHECK(!vlapic_set_base(v, BASE | EN | EXTD), "xAPIC to x2APIC: allowed");
	uint64_t val;
	CHECK(!vlapic_rdmsr(v, 0x802, &val) && val == 2, "x2APIC ID MSR reads 2 for vCPU 1");
	CHECK(!vlapic_set_base(v, BASE) && vlapic_rdmsr(v, 0x802, &val), "APIC MSRs #GP once the APIC is disabled");
	CHECK(vlapic_mmio_read(v, 0x20, 4) == 0xffffffff, "the xAPIC page is not decoded while disabled: all ones");
	reset();
	to_x2apic();
	v = &vcpus[2];
	CHECK(!vlapic_wrmsr(v, 0x80f, 0x1ff), "x2APIC: software-enable through the SVR");
	vlapic_set_irq(v, 0x70);
	vlapic_accept(v, 0x70);
	vlapic_set_irq(v, 0x71);
	CHECK(vlapic_pending_vector(v) == -1, "0x71 waits behind 0x70 in service");
	CHECK(!vlapic_set_base(v, BASE), "disabled");
	vlapic_set_irq(v, 0x90);
	CHECK(vlapic_pending_vector(v) == -1, "a disabled APIC delivers nothing");
	CHECK(!vlapic_set_base(v, BASE | EN), "enabled again, in xAPIC mode");
	CHECK(vlapic_mmio_read(v, 0x100 + 0x30, 4) == 0 && vlapic_mmio_read(v, 0x200 + 0x40, 4) == 0 &&
		      vlapic_mmio_read(v, 0xf0, 4) == 0xff && vlapic_mmio_read(v, 0x320, 4) == 1u << 16,
	      "enabling resets the APIC as Xen does: ISR and IRR empty, SVR 0xff, LVT masked");
}

static void xapic_registers(void)
{
	reset();
	CHECK(to_xapic(), "all vCPUs go to xAPIC mode");
	struct vcpu *v = &vcpus[1];
	uint64_t val;
	CHECK(vlapic_rdmsr(v, 0x802, &val), "x2APIC MSRs #GP in xAPIC mode");
	CHECK(vlapic_mmio_read(v, 0x20, 4) == 2u << 24, "ID register: the APIC ID in bits 31-24");
	CHECK(vlapic_mmio_read(v, 0x23, 1) == 2, "a byte read of its top byte");
	CHECK(vlapic_mmio_read(v, 0x30, 4) == 0x00050014, "version register");
	CHECK(vlapic_mmio_read(v, 0xe0, 4) == 0xffffffff, "DFR: the flat model after reset");
	vlapic_mmio_write(v, 0x80, 4, 0x20);
	CHECK(vlapic_mmio_read(v, 0x80, 4) == 0x20 && vlapic_mmio_read(v, 0xa0, 4) == 0x20, "TPR written; PPR follows it");
	vlapic_mmio_write(v, 0xd0, 4, 0x12345678);
	CHECK(vlapic_mmio_read(v, 0xd0, 4) == 0x12000000, "LDR keeps bits 31-24");
	vlapic_mmio_write(v, 0x20, 4, 7u << 24);
	CHECK(vlapic_mmio_read(v, 0x20, 4) == 2u << 24, "a write to the ID register is ignored");
	CHECK(vlapic_mmio_read(v, 0x3f0, 4) == 0, "SELF_IPI's offset is reserved in xAPIC mode: reads 0");
	CHECK(vlapic_mmio_read(v, 0x24, 4) == 0, "bytes 4-15 of a register's line read 0");
	vlapic_set_irq(v, 0x41);
	CHECK(vlapic_mmio_read(v, 0x220, 4) == 2, "IRR word 2 has vector 0x41");
	vlapic_accept(v, 0x41);
	CHECK(vlapic_mmio_read(v, 0x120, 4) == 2 && vlapic_mmio_read(v, 0x220, 4) == 0, "accepted: IRR -> ISR");
	vlapic_mmio_write(v, 0xb0, 4, 0);
	CHECK(vlapic_mmio_read(v, 0x120, 4) == 0, "EOI clears it from ISR");
	vlapic_mmio_write(v, 0x81, 1, 0x3);
	CHECK(vlapic_mmio_read(v, 0x80, 4) == 0x320, "a byte write merges into the register (TPR byte 1)");
	vlapic_mmio_write(v, 0x84, 4, 0x55);
	CHECK(vlapic_mmio_read(v, 0x80, 4) == 0x320, "a write to bytes 4-15 of a line goes nowhere");
	CHECK(!vlapic_is_mmio(0xfedfffff) && vlapic_is_mmio(0xfee00ff0) && !vlapic_is_mmio(0xfee01000),
	      "the xAPIC page is 0xfee00000-0xfee00fff");
}

static void send(struct vcpu *v, uint32_t hi, uint32_t lo)
{
	vlapic_mmio_write(v, 0x310, 4, hi);
	vlapic_mmio_write(v, 0x300, 4, lo);
}

static void xapic_ipis(void)
{
	reset();
	to_xapic();
	struct vcpu *v = &vcpus[0];
	send(v, 6u << 24, 0x50);
	CHECK(pending(0x50) == 1u << 3, "physical destination 6: vCPU 3 (APIC ID 6)");
	CHECK(vlapic_mmio_read(v, 0x310, 4) == 6u << 24 && vlapic_mmio_read(v, 0x300, 4) == 0x50,
	      "ICR high and low read back, never busy");
	send(v, 0xffu << 24, 0x51);
	CHECK(pending(0x51) == 0xf, "physical destination 0xff: broadcast");
	for (unsigned i = 0; i < NVCPUS; i++)
		vlapic_mmio_write(&vcpus[i], 0xd0, 4, (1u << i) << 24);
	send(v, 0x0au << 24, 0x52 | 1u << 11);
	CHECK(pending(0x52) == 0xa, "logical flat 0x0a: the vCPUs with LDR bits 1 and 3");
	for (unsigned i = 0; i < NVCPUS; i++) {
		vlapic_mmio_write(&vcpus[i], 0xe0, 4, 0x0fffffff);
		vlapic_mmio_write(&vcpus[i], 0xd0, 4, ((i / 2) << 4 | 1u << (i % 2)) << 24);
	}
	send(v, 0x12u << 24, 0x53 | 1u << 11);
	CHECK(vlapic_mmio_read(v, 0xe0, 4) == 0x0fffffff && pending(0x53) == 1u << 3,
	      "logical cluster 1, member bit 1: vCPU 3 only");
	send(v, 0, 0x54 | 3u << 18);
	CHECK(pending(0x54) == 0xe, "shorthand all-but-self");
	send(v, 2u << 24, 5u << 8);
	CHECK(inits[1] == 1 && !inits[0], "INIT to APIC ID 2 reaches vCPU 1");
	CHECK(!vlapic_set_base(&vcpus[2], BASE | EN | EXTD), "vCPU 2 goes on to x2APIC mode");
	send(v, 4u << 24, 0x55);
	CHECK(pending(0x55) == 1u << 2, "an xAPIC IPI to APIC ID 4 reaches vCPU 2 in x2APIC mode");
	send(v, 0x10u << 24, 0x56 | 1u << 11);
	CHECK(pending(0x56) == 1u << 2,
	      "logical 0x10 matches vCPU 2 by its x2APIC logical ID (APIC ID 4: cluster 0, bit 4), no xAPIC one");
}

static void x2apic_ipis(void)
{
	reset();
	to_x2apic();
	struct vcpu *v = &vcpus[0];
	CHECK(!vlapic_wrmsr(v, 0x830, (uint64_t)4 << 32 | 0x60) && pending(0x60) == 1u << 2,
	      "x2APIC physical destination 4: vCPU 2");
	CHECK(!vlapic_wrmsr(v, 0x830, (uint64_t)0xffffffff << 32 | 0x61) && pending(0x61) == 0xf,
	      "x2APIC destination 0xffffffff: broadcast");
	CHECK(!vlapic_wrmsr(v, 0x830, (uint64_t)(1u << 2 | 1u << 6) << 32 | 0x62 | 1u << 11) &&
		      pending(0x62) == (1u << 1 | 1u << 3),
	      "x2APIC logical cluster 0, bits 2 and 6: APIC IDs 2 and 6");
	CHECK(vlapic_wrmsr(v, 0x831, 0) && vlapic_mmio_read(v, 0x310, 4) == 0xffffffff,
	      "x2APIC: MSR 0x831 is reserved and the xAPIC page is not decoded");
}

int main(void)
{
	transitions();
	xapic_registers();
	xapic_ipis();
	x2apic_ipis();
	return check_exit();
}
