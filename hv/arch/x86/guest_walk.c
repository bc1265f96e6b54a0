/*
 * Guest-virtual to guest-physical translation for hypercall arguments
 * (every pointer a Xen guest passes is a virtual address): the walk of
 * x86/guest_pt.h over the guest's page tables, read through the p2m.
 * Hypercalls come from CPL 0, so these are supervisor accesses; SMAP
 * applies with the guest's EFLAGS.AC, as in Xen (Linux's privcmd sets
 * it around a hypercall with user buffers).
 */
#include "p2m.h"
#include "domain.h"
#include "x86/cpu.h"
#include "x86/guest_pt.h"

static int read_entry(void *d, uint64_t gpa, unsigned size, uint64_t *val)
{
	*val = 0;
	return copy_from_gpa(d, val, gpa, size);
}

static int cmpxchg_entry(void *d, uint64_t gpa, unsigned size, uint64_t old, uint64_t new)
{
	return cmpxchg_gpa(d, gpa, size, old, new);
}

static unsigned phys_addr_bits(void)
{
	static unsigned bits;
	if (!bits)
		bits = cpuid(0x80000008).eax & 0xff;
	return bits;
}

enum gpt_status guest_walk(struct vcpu *v, uint64_t gva, uint32_t access, struct gpt_result *r)
{
	const struct vcpu_regs *vm = &v->regs;
	const struct gpt_mode mode = { vm->cr0, vm->cr3, vm->cr4, vm->efer, vm->rflags, phys_addr_bits() };
	const struct gpt_mem mem = { v->d, read_entry, cmpxchg_entry };
	return gpt_walk(&mode, gva, access, &mem, r);
}

int guest_va_to_gpa(struct vcpu *v, uint64_t gva, bool write, uint64_t *gpa)
{
	struct gpt_result r;
	if (guest_walk(v, gva, write ? PFEC_WRITE : 0, &r) != GPT_OK)
		return -1;
	*gpa = r.gpa;
	return 0;
}

static int copy_guest(struct vcpu *v, uint64_t gva, void *buf, size_t len, uint32_t access)
{
	char *b = buf;
	while (len) {
		size_t chunk = MIN(len, PAGE_SIZE - (gva & (PAGE_SIZE - 1)));
		struct gpt_result r;
		if (guest_walk(v, gva, access, &r) != GPT_OK)
			return -1;
		int rc = (access & PFEC_WRITE) ? copy_to_gpa(v->d, r.gpa, b, chunk)
					       : copy_from_gpa(v->d, b, r.gpa, chunk);
		if (rc)
			return -1;
		gva += chunk, b += chunk, len -= chunk;
	}
	return 0;
}

int copy_from_guest(struct vcpu *v, void *dst, uint64_t gva, size_t len)
{
	return copy_guest(v, gva, dst, len, 0);
}

int copy_to_guest(struct vcpu *v, uint64_t gva, const void *src, size_t len)
{
	return copy_guest(v, gva, (void *)(uintptr_t)src, len, PFEC_WRITE);
}

int fetch_guest_insn(struct vcpu *v, void *dst, size_t len)
{
	uint64_t linear = v->regs.cs_long ? v->regs.rip : (uint32_t)(v->regs.rip + v->regs.cs_base);
	return copy_guest(v, linear, dst, len, PFEC_FETCH | (v->regs.cpl == 3 ? PFEC_USER : 0));
}
