/*
 * The x86 emulator's access layer: effective and linear addresses with the
 * segmentation checks of SDM vol. 3 section 5.3 (limits, expand-down, type)
 * and the canonical-address rule of 64-bit mode (SDM vol. 1 3.3.7.1),
 * register and operand reads/writes with the 8-bit high-register and 32-bit
 * zero-extension rules (SDM vol. 1 3.4.1.1), and the arithmetic flags of the
 * ALU instructions as SDM vol. 2 defines them per instruction.
 */
#include "x86_emulate_priv.h"

int x86_emul_raise(struct x86_emul_ctxt *c, uint8_t vector, bool has_ec,
		   uint32_t ec)
{
	c->event = (struct x86_event){ .vector = vector,
		.has_error_code = has_ec, .error_code = ec };
	return X86EMUL_EXCEPTION;
}

int x86em_raise(struct em *e, uint8_t vector, uint32_t error_code)
{
	return x86_emul_raise(e->c, vector, true, error_code);
}

int x86em_raise_ud(struct em *e)
{
	return x86_emul_raise(e->c, X86_EXC_UD, false, 0);
}

uint64_t x86em_mask_addr(const struct em *e, uint64_t ea)
{
	return ea & size_mask(e->in->addr_bytes);
}

static bool is_canonical(uint64_t la)
{
	return (uint64_t)((int64_t)(la << 16) >> 16) == la;
}

int x86em_get_seg(struct em *e, uint8_t seg, const struct x86_segment **out)
{
	if (seg > X86_SEG_GS)
		return X86EMUL_UNHANDLEABLE;
	if (!(e->seg_valid & (1u << seg))) {
		int rc = e->ops->read_segment(e->c, seg, &e->seg[seg]);
		if (rc != X86EMUL_OKAY)
			return rc;
		e->seg_valid |= 1u << seg;
	}
	*out = &e->seg[seg];
	return X86EMUL_OKAY;
}

/* Fault for a bad access through seg: #SS(0) for the stack, else #GP(0). */
static int seg_fault(struct em *e, uint8_t seg)
{
	return x86em_raise(e, seg == X86_SEG_SS ? X86_EXC_SS : X86_EXC_GP, 0);
}

/* Protected/real mode limit and type checks for [ea, ea + bytes). */
static int check_segment(struct em *e, uint8_t seg,
			 const struct x86_segment *s, uint64_t ea,
			 unsigned int bytes, bool write)
{
	uint64_t last = ea + bytes - 1;
	bool real = e->c->mode == X86_MODE_REAL || e->c->mode == X86_MODE_VM86;

	if (!real) {
		if (s->unusable || !s->present)
			return seg_fault(e, seg);
		bool code = s->type & 8;
		if (write && (code || !(s->type & 2)))
			return seg_fault(e, seg);
		if (!write && code && !(s->type & 2))
			return seg_fault(e, seg);
		if (!code && (s->type & 4)) { /* expand-down data */
			uint64_t top = s->db ? 0xffffffffull : 0xffffull;
			if (ea <= s->limit || last > top)
				return seg_fault(e, seg);
			return X86EMUL_OKAY;
		}
	}
	if (last > s->limit || last < ea)
		return seg_fault(e, seg);
	return X86EMUL_OKAY;
}

int x86em_linear(struct em *e, uint8_t seg, uint64_t ea, unsigned int bytes,
	      bool write, uint64_t *linear)
{
	const struct x86_segment *s;
	int rc;

	if (e->c->mode == X86_MODE_LONG64) {
		uint64_t base = 0;
		if (seg == X86_SEG_FS || seg == X86_SEG_GS) {
			rc = x86em_get_seg(e, seg, &s);
			if (rc != X86EMUL_OKAY)
				return rc;
			base = s->base;
		}
		uint64_t la = base + ea;
		if (!is_canonical(la) || !is_canonical(la + bytes - 1))
			return seg_fault(e, seg);
		*linear = la;
		return X86EMUL_OKAY;
	}
	rc = x86em_get_seg(e, seg, &s);
	if (rc != X86EMUL_OKAY)
		return rc;
	rc = check_segment(e, seg, s, ea, bytes, write);
	if (rc != X86EMUL_OKAY)
		return rc;
	*linear = (s->base + ea) & 0xffffffffull;
	return X86EMUL_OKAY;
}

int x86em_read(struct em *e, uint8_t seg, uint64_t ea, void *buf,
	    unsigned int bytes)
{
	return x86em_read_checked(e, seg, ea, buf, bytes, false);
}

/* A read whose operand will be written too: the CPU checks the segment
 * for writing before it reads (a read-only or code segment is #GP). */
int x86em_read_checked(struct em *e, uint8_t seg, uint64_t ea, void *buf,
		       unsigned int bytes, bool for_write)
{
	uint64_t la;
	int rc = x86em_linear(e, seg, ea, bytes, for_write, &la);

	if (rc != X86EMUL_OKAY)
		return rc;
	return e->ops->read(e->c, la, buf, bytes);
}

int x86em_write(struct em *e, uint8_t seg, uint64_t ea, const void *buf,
	     unsigned int bytes)
{
	uint64_t la;
	int rc = x86em_linear(e, seg, ea, bytes, true, &la);

	if (rc != X86EMUL_OKAY)
		return rc;
	return e->ops->write(e->c, la, buf, bytes);
}

uint64_t x86em_reg_read(const struct em *e, unsigned int reg, unsigned int bytes,
		  bool high8)
{
	if (high8)
		return (e->r.gpr[reg] >> 8) & 0xff;
	return e->r.gpr[reg] & size_mask(bytes);
}

/* 32-bit writes zero-extend to 64 bits; 8- and 16-bit writes merge. */
void x86em_reg_write(struct em *e, unsigned int reg, unsigned int bytes,
	       bool high8, uint64_t val)
{
	uint64_t *r = &e->r.gpr[reg];

	if (high8)
		*r = (*r & ~0xff00ull) | ((val & 0xff) << 8);
	else if (bytes >= 4)
		*r = val & size_mask(bytes);
	else
		*r = (*r & ~size_mask(bytes)) | (val & size_mask(bytes));
}

/* A register operand; byte registers 4-7 without REX are AH, CH, DH, BH. */
void x86em_reg_operand(struct em *e, struct operand *op, unsigned int reg,
		 unsigned int bytes)
{
	*op = (struct operand){ .reg = (uint8_t)reg };
	if (bytes == 1 && !e->in->rex && reg >= 4 && reg < 8) {
		op->high8 = true;
		op->reg = (uint8_t)(reg - 4);
	}
}

/* The ModRM r/m operand: a register, or memory at the decoded address. */
void x86em_rm_operand(struct em *e, struct operand *op, unsigned int bytes)
{
	const struct x86_insn *in = e->in;
	uint64_t ea = (uint64_t)in->disp;

	if (!in->has_mem) {
		x86em_reg_operand(e, op, in->rm, bytes);
		return;
	}
	if (in->base == X86_REG_RIP)
		ea += e->next_rip;
	else if (in->base != X86_REG_NONE)
		ea += e->r.gpr[in->base];
	if (in->index != X86_REG_NONE)
		ea += e->r.gpr[in->index] * in->scale;
	*op = (struct operand){ .is_mem = true, .seg = in->ea_seg,
		.ea = x86em_mask_addr(e, ea) };
}

int x86em_op_read(struct em *e, const struct operand *op, unsigned int bytes,
	    uint64_t *val)
{
	if (!op->is_mem) {
		*val = x86em_reg_read(e, op->reg, bytes, op->high8);
		return X86EMUL_OKAY;
	}
	*val = 0;
	return x86em_read_checked(e, op->seg, op->ea, val, bytes, op->rmw);
}

int x86em_op_write(struct em *e, const struct operand *op, unsigned int bytes,
	     uint64_t val)
{
	if (!op->is_mem) {
		x86em_reg_write(e, op->reg, bytes, op->high8, val);
		return X86EMUL_OKAY;
	}
	return x86em_write(e, op->seg, op->ea, &val, bytes);
}

static bool parity_even(uint64_t v)
{
	return !__builtin_parity((unsigned int)(v & 0xff));
}

/* SF, ZF, PF of a result. */
static uint64_t szp(uint64_t res, unsigned int bytes)
{
	uint64_t f = 0;

	if (res & (1ull << (8 * bytes - 1)))
		f |= X86_FL_SF;
	if (!(res & size_mask(bytes)))
		f |= X86_FL_ZF;
	if (parity_even(res))
		f |= X86_FL_PF;
	return f;
}

/* CF, OF, AF of dst + src (+ carry in), or dst - src (- borrow in). */
static uint64_t add_flags(uint64_t d, uint64_t s, uint64_t res,
			  uint64_t sign, bool sub)
{
	uint64_t f = 0;
	uint64_t carry = sub ? (~d & s) | ((~d | s) & res) :
		(d & s) | ((d | s) & ~res);
	uint64_t over = sub ? (d ^ s) & (d ^ res) : (d ^ res) & (s ^ res);

	if (carry & sign)
		f |= X86_FL_CF;
	if (over & sign)
		f |= X86_FL_OF;
	if ((d ^ s ^ res) & 0x10)
		f |= X86_FL_AF;
	return f;
}

/*
 * Computes dst OP src at the given size and updates the arithmetic flags in
 * *rflags as the CPU does (INC/DEC keep CF; the logic ops clear CF, OF and
 * AF, whose value the SDM leaves undefined).  Returns the masked result.
 */
uint64_t x86em_alu(enum alu_op op, uint64_t dst, uint64_t src, unsigned int bytes,
	     uint64_t *rflags)
{
	uint64_t mask = size_mask(bytes), sign = 1ull << (8 * bytes - 1);
	uint64_t cf = *rflags & X86_FL_CF;
	uint64_t res, f;
	bool sub = false;

	dst &= mask;
	src &= mask;
	switch (op) {
	case ALU_ADD: res = dst + src; break;
	case ALU_ADC: res = dst + src + (cf ? 1 : 0); break;
	case ALU_SUB: case ALU_CMP: res = dst - src; sub = true; break;
	case ALU_SBB: res = dst - src - (cf ? 1 : 0); sub = true; break;
	case ALU_INC: src = 1; res = dst + 1; break;
	case ALU_DEC: src = 1; res = dst - 1; sub = true; break;
	case ALU_NEG: res = 0 - dst; src = dst; dst = 0; sub = true; break;
	case ALU_OR: res = dst | src; goto logic;
	case ALU_XOR: res = dst ^ src; goto logic;
	case ALU_AND: case ALU_TEST: res = dst & src; goto logic;
	default: return dst;
	}
	res &= mask;
	f = add_flags(dst, src, res, sign, sub) | szp(res, bytes);
	if (op == ALU_INC || op == ALU_DEC)
		f = (f & ~X86_FL_CF) | cf;
	*rflags = (*rflags & ~(uint64_t)X86_FL_ARITH) | f;
	return res;
logic:
	res &= mask;
	*rflags = (*rflags & ~(uint64_t)X86_FL_ARITH) | szp(res, bytes);
	return res;
}

/* The condition codes of Jcc/SETcc/CMOVcc (SDM vol. 1 table B-1). */
bool x86em_cond_true(uint64_t fl, unsigned int cc)
{
	bool of = fl & X86_FL_OF, sf = fl & X86_FL_SF, zf = fl & X86_FL_ZF;
	bool cf = fl & X86_FL_CF, pf = fl & X86_FL_PF;
	bool r;

	switch ((cc >> 1) & 7) {
	case 0: r = of; break;
	case 1: r = cf; break;
	case 2: r = zf; break;
	case 3: r = cf || zf; break;
	case 4: r = sf; break;
	case 5: r = pf; break;
	case 6: r = sf != of; break;
	default: r = zf || sf != of; break;
	}
	return (cc & 1) ? !r : r;
}
