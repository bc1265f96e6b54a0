/*
 * The guest instruction behind a nested page fault on a page the hv
 * emulates (the xAPIC page today), carried out by hv/hvm's x86 emulator:
 * its memory accesses walk the guest's page tables (x86/guest_pt.h) and
 * go to the device where they land on its page, to RAM elsewhere; a fault
 * the instruction raises is injected, and so is #GP(0) for an instruction
 * the emulator cannot do, as Xen does.
 */
#include "mmio.h"
#include "console.h"
#include "domain.h"
#include "p2m.h"
#include "vlapic.h"
#include "x86/cpu.h"
#include "x86/guest_pt.h"
#include "x86/hvm.h"
#include "x86_emulate.h"

#define RFLAGS_VM (1ULL << 17)

static struct vcpu *vcpu_of(struct x86_emul_ctxt *c)
{
	return c->host;
}

/* Walks linear for the access; a failed walk becomes the #PF (or #GP for
 * a non-canonical address) the CPU would raise. */
static int translate(struct x86_emul_ctxt *c, uint64_t linear, uint32_t access, uint64_t *gpa)
{
	struct gpt_result r;
	if (c->cpl == 3)
		access |= PFEC_USER;
	switch (guest_walk(vcpu_of(c), linear, access, &r)) {
	case GPT_OK:
		*gpa = r.gpa;
		return X86EMUL_OKAY;
	case GPT_PAGE_FAULT:
		x86_emul_raise(c, X86_EXC_PF, true, r.pfec);
		c->event.cr2 = linear;
		return X86EMUL_EXCEPTION;
	case GPT_GP:
		return x86_emul_raise(c, X86_EXC_GP, true, 0);
	default:
		return X86EMUL_UNHANDLEABLE; /* the guest's tables are not in its RAM */
	}
}

/* One access within a page: to the device if it is the xAPIC page. */
static int access_page(struct vcpu *v, uint64_t gpa, void *buf, unsigned bytes, bool write)
{
	if (vlapic_is_mmio(gpa)) {
		uint32_t val = 0;
		if (bytes != 1 && bytes != 2 && bytes != 4)
			return X86EMUL_UNHANDLEABLE;
		if (write) {
			memcpy(&val, buf, bytes);
			vlapic_mmio_write(v, gpa & 0xfff, bytes, val);
		} else {
			val = vlapic_mmio_read(v, gpa & 0xfff, bytes);
			memcpy(buf, &val, bytes);
		}
		return X86EMUL_OKAY;
	}
	int rc = write ? copy_to_gpa(v->d, gpa, buf, bytes) : copy_from_gpa(v->d, buf, gpa, bytes);
	return rc ? X86EMUL_UNHANDLEABLE : X86EMUL_OKAY;
}

/* An access of at most a page may span two: both are walked before
 * either is touched, so a fault on the second changes nothing. */
static int access_linear(struct x86_emul_ctxt *c, uint64_t linear, void *buf, unsigned bytes,
			 uint32_t access)
{
	unsigned first = MIN(bytes, PAGE_SIZE - (unsigned)(linear & (PAGE_SIZE - 1)));
	uint64_t gpa[2] = { 0, 0 };
	if (bytes > PAGE_SIZE)
		return X86EMUL_UNHANDLEABLE;
	int rc = translate(c, linear, access, &gpa[0]);
	if (rc == X86EMUL_OKAY && first < bytes)
		rc = translate(c, linear + first, access, &gpa[1]);
	if (rc == X86EMUL_OKAY)
		rc = access_page(vcpu_of(c), gpa[0], buf, first, access & PFEC_WRITE);
	if (rc == X86EMUL_OKAY && first < bytes)
		rc = access_page(vcpu_of(c), gpa[1], (uint8_t *)buf + first, bytes - first,
				 access & PFEC_WRITE);
	return rc;
}

static int em_fetch(struct x86_emul_ctxt *c, uint64_t linear, void *buf, unsigned bytes)
{
	return access_linear(c, linear, buf, bytes, PFEC_FETCH);
}

static int em_read(struct x86_emul_ctxt *c, uint64_t linear, void *buf, unsigned bytes)
{
	return access_linear(c, linear, buf, bytes, 0);
}

static int em_write(struct x86_emul_ctxt *c, uint64_t linear, const void *buf, unsigned bytes)
{
	return access_linear(c, linear, (void *)(uintptr_t)buf, bytes, PFEC_WRITE);
}

/* The attribute bits of Xen's packed form as the emulator keeps them. */
static int em_read_segment(struct x86_emul_ctxt *c, enum x86_seg seg, struct x86_segment *out)
{
	struct hvm_segment s;
	hvm->read_segment(vcpu_of(c), seg, &s);
	*out = (struct x86_segment){
		.sel = s.sel, .base = s.base, .limit = s.limit, .type = s.attr & 0xf,
		.s = s.attr & 0x10, .dpl = (s.attr >> 5) & 3, .present = s.attr & 0x80,
		.l = s.attr & 0x200, .db = s.attr & 0x400, .unusable = !(s.attr & 0x80),
	};
	return X86EMUL_OKAY;
}

static int em_read_cr(struct x86_emul_ctxt *c, unsigned cr, uint64_t *val)
{
	struct vcpu *v = vcpu_of(c);
	*val = cr == 0 ? v->regs.cr0 : v->regs.cr4;
	return X86EMUL_OKAY;
}

/* Port I/O, SSE and MMX registers: not for an instruction that touches
 * an emulated page (the emulator refuses it). */
static int em_no_io(struct x86_emul_ctxt *c, uint16_t port, unsigned bytes, uint32_t *val)
{
	(void)c, (void)port, (void)bytes, (void)val;
	return X86EMUL_UNHANDLEABLE;
}

static int em_no_io_write(struct x86_emul_ctxt *c, uint16_t port, unsigned bytes, uint32_t val)
{
	(void)c, (void)port, (void)bytes, (void)val;
	return X86EMUL_UNHANDLEABLE;
}

static int em_no_vreg(struct x86_emul_ctxt *c, unsigned reg, void *buf)
{
	(void)c, (void)reg, (void)buf;
	return X86EMUL_UNHANDLEABLE;
}

static int em_no_vreg_write(struct x86_emul_ctxt *c, unsigned reg, const void *buf)
{
	(void)c, (void)reg, (void)buf;
	return X86EMUL_UNHANDLEABLE;
}

static const struct x86_emul_ops mmio_ops = {
	.fetch = em_fetch, .read = em_read, .write = em_write,
	.read_io = em_no_io, .write_io = em_no_io_write,
	.read_segment = em_read_segment, .read_cr = em_read_cr,
	.read_xmm = em_no_vreg, .write_xmm = em_no_vreg_write,
	.read_mmx = em_no_vreg, .write_mmx = em_no_vreg_write,
};

enum x86_mode guest_insn_mode(const struct vcpu_regs *r)
{
	if (!(r->cr0 & CR0_PE))
		return X86_MODE_REAL;
	if (r->rflags & RFLAGS_VM)
		return X86_MODE_VM86;
	if (r->cs_long)
		return X86_MODE_LONG64;
	return r->cs_db ? X86_MODE_PROT32 : X86_MODE_PROT16;
}

enum mmio_result mmio_emulate(struct vcpu *v, uint64_t gpa)
{
	if (!vlapic_is_mmio(gpa))
		return MMIO_NOT_EMULATED;
	struct x86_regs regs;
	memcpy(regs.gpr, v->regs.gpr, sizeof(regs.gpr));
	regs.rip = v->regs.rip, regs.rflags = v->regs.rflags;
	struct x86_emul_ctxt c = { .regs = &regs, .mode = guest_insn_mode(&v->regs), .cpl = v->regs.cpl, .host = v };
	int rc = x86_emulate(&c, &mmio_ops);
	if (rc == X86EMUL_OKAY || rc == X86EMUL_EXCEPTION) {
		/* a fault keeps the iterations of a string instruction done */
		memcpy(v->regs.gpr, regs.gpr, sizeof(regs.gpr));
		v->regs.rip = regs.rip, v->regs.rflags = regs.rflags;
	}
	if (rc == X86EMUL_OKAY)
		return MMIO_DONE;
	if (rc == X86EMUL_EXCEPTION) {
		if (c.event.vector == X86_EXC_PF)
			v->regs.cr2 = c.event.cr2;
		hvm_inject_exception(v, c.event.vector, c.event.has_error_code ? (int64_t)c.event.error_code : -1);
		return MMIO_FAULTED;
	}
	printk_guest("d%uv%u: instruction at RIP %#lx touching %#lx cannot be emulated: #GP\n",
		     v->d->domid, v->vcpu_id, v->regs.rip, gpa);
	hvm_inject_exception(v, X86_EXC_GP, 0);
	return MMIO_FAULTED;
}
