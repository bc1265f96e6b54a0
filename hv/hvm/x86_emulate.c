/*
 * x86 emulator: fetch, decode, checks common to all instructions (LOCK
 * legality, SDM vol. 3 8.1.2.2) and the table of instructions with a memory
 * operand a hypervisor meets on MMIO and port I/O exits: MOV in all forms,
 * the ALU group, TEST/NOT/NEG/INC/DEC, XCHG/CMPXCHG/CMPXCHG8B/16B/XADD,
 * BT*, SETcc, PUSH/POP, IN/OUT.  Semantics per SDM vol. 2 instruction
 * pages.  String instructions live in x86_emulate_string.c, SSE/MMX/AVX
 * moves in x86_emulate_sse.c.  Anything not in the tables is refused with
 * X86EMUL_UNHANDLEABLE, never guessed.
 */
#include "x86_emulate_priv.h"

typedef int (*em_handler)(struct em *e);

/* One table entry: the handler and whether LOCK is legal (with memory). */
struct em_op {
	em_handler fn;
	bool lockable;
};

/* Operand size of an instruction whose low opcode bit selects byte/full. */
static unsigned int opsize_w(const struct em *e)
{
	return (e->in->opcode & 1) ? e->in->op_bytes : 1;
}

/* ALU r/m,reg (00,08..38 +0/+1) and reg,r/m (+2/+3), acc,imm (+4/+5). */
static int em_alu_rm(struct em *e)
{
	const struct x86_insn *in = e->in;
	enum alu_op op = (enum alu_op)((in->opcode >> 3) & 7);
	unsigned int bytes = opsize_w(e);
	struct operand dst, src;
	uint64_t d, s;
	int rc;

	switch (in->opcode & 7) {
	case 0: case 1:
		x86em_rm_operand(e, &dst, bytes);
		x86em_reg_operand(e, &src, in->reg, bytes);
		break;
	case 2: case 3:
		x86em_reg_operand(e, &dst, in->reg, bytes);
		x86em_rm_operand(e, &src, bytes);
		break;
	default:
		x86em_reg_operand(e, &dst, X86_RAX, bytes);
		src = (struct operand){ 0 };
		break;
	}
	dst.rmw = op != ALU_CMP;
	rc = x86em_op_read(e, &dst, bytes, &d);
	if (rc == X86EMUL_OKAY && (in->opcode & 7) < 4)
		rc = x86em_op_read(e, &src, bytes, &s);
	else
		s = (uint64_t)sext(in->imm, in->imm_bytes);
	if (rc != X86EMUL_OKAY)
		return rc;
	uint64_t res = x86em_alu(op, d, s, bytes, &e->r.rflags);
	return op == ALU_CMP ? X86EMUL_OKAY : x86em_op_write(e, &dst, bytes, res);
}

/* Group 1: 80, 81, 82, 83 /op r/m, imm. */
static int em_grp1(struct em *e)
{
	const struct x86_insn *in = e->in;
	enum alu_op op = (enum alu_op)((in->modrm >> 3) & 7);
	unsigned int bytes = (in->opcode == 0x81 || in->opcode == 0x83) ?
		in->op_bytes : 1;
	struct operand dst;
	uint64_t d;
	int rc;

	x86em_rm_operand(e, &dst, bytes);
	dst.rmw = op != ALU_CMP;
	rc = x86em_op_read(e, &dst, bytes, &d);
	if (rc != X86EMUL_OKAY)
		return rc;
	uint64_t res = x86em_alu(op, d, (uint64_t)sext(in->imm, in->imm_bytes),
			   bytes, &e->r.rflags);
	return op == ALU_CMP ? X86EMUL_OKAY : x86em_op_write(e, &dst, bytes, res);
}

/* TEST r/m, reg (84/85) and TEST acc, imm (A8/A9). */
static int em_test(struct em *e)
{
	const struct x86_insn *in = e->in;
	unsigned int bytes = opsize_w(e);
	struct operand a, b;
	uint64_t x, y;
	int rc;

	if (in->opcode >= 0xa8) {
		x86em_reg_operand(e, &a, X86_RAX, bytes);
		rc = x86em_op_read(e, &a, bytes, &x);
		y = (uint64_t)sext(in->imm, in->imm_bytes);
	} else {
		x86em_rm_operand(e, &a, bytes);
		x86em_reg_operand(e, &b, in->reg, bytes);
		rc = x86em_op_read(e, &a, bytes, &x);
		if (rc == X86EMUL_OKAY)
			rc = x86em_op_read(e, &b, bytes, &y);
	}
	if (rc == X86EMUL_OKAY)
		x86em_alu(ALU_TEST, x, y, bytes, &e->r.rflags);
	return rc;
}

/* Group 3 (F6/F7): TEST imm, NOT, NEG.  MUL/DIV are not emulated. */
static int em_grp3(struct em *e)
{
	const struct x86_insn *in = e->in;
	unsigned int sub = (in->modrm >> 3) & 7, bytes = opsize_w(e);
	struct operand op;
	uint64_t v;
	int rc;

	if (sub >= 4)
		return X86EMUL_UNHANDLEABLE;
	if ((in->prefixes & X86_PFX_LOCK) && sub < 2)
		return x86em_raise_ud(e);
	x86em_rm_operand(e, &op, bytes);
	op.rmw = sub >= 2;
	rc = x86em_op_read(e, &op, bytes, &v);
	if (rc != X86EMUL_OKAY)
		return rc;
	if (sub < 2) {
		x86em_alu(ALU_TEST, v, (uint64_t)sext(in->imm, in->imm_bytes), bytes,
		    &e->r.rflags);
		return X86EMUL_OKAY;
	}
	if (sub == 2)
		return x86em_op_write(e, &op, bytes, ~v);
	return x86em_op_write(e, &op, bytes, x86em_alu(ALU_NEG, v, 0, bytes,
					   &e->r.rflags));
}

static int em_push_value(struct em *e, uint64_t v, unsigned int bytes);
static int em_pop_value(struct em *e, uint64_t *v, unsigned int bytes);

/* Group 4/5 (FE/FF): INC, DEC, PUSH r/m.  Indirect branches refused. */
static int em_grp45(struct em *e)
{
	const struct x86_insn *in = e->in;
	unsigned int sub = (in->modrm >> 3) & 7, bytes = opsize_w(e);
	struct operand op;
	uint64_t v;
	int rc;

	if (sub == 7 || (sub >= 2 && in->opcode == 0xfe))
		return x86em_raise_ud(e);
	if (sub >= 2 && sub != 6)
		return X86EMUL_UNHANDLEABLE;
	if (sub == 6 && (in->prefixes & X86_PFX_LOCK))
		return x86em_raise_ud(e);
	x86em_rm_operand(e, &op, bytes);
	op.rmw = sub != 6;
	rc = x86em_op_read(e, &op, bytes, &v);
	if (rc != X86EMUL_OKAY)
		return rc;
	if (sub == 6)
		return em_push_value(e, v, bytes);
	return x86em_op_write(e, &op, bytes, x86em_alu(sub ? ALU_DEC : ALU_INC, v, 0,
					   bytes, &e->r.rflags));
}

/* MOV r/m,reg (88/89) and reg,r/m (8A/8B). */
static int em_mov(struct em *e)
{
	unsigned int bytes = opsize_w(e);
	struct operand rm, reg;
	uint64_t v;
	int rc;

	x86em_rm_operand(e, &rm, bytes);
	x86em_reg_operand(e, &reg, e->in->reg, bytes);
	if (e->in->opcode & 2) {
		rc = x86em_op_read(e, &rm, bytes, &v);
		return rc != X86EMUL_OKAY ? rc : x86em_op_write(e, &reg, bytes, v);
	}
	rc = x86em_op_read(e, &reg, bytes, &v);
	return rc != X86EMUL_OKAY ? rc : x86em_op_write(e, &rm, bytes, v);
}

/* MOV r/m, imm (C6 /0, C7 /0). */
static int em_mov_imm(struct em *e)
{
	unsigned int bytes = opsize_w(e);
	struct operand rm;

	if ((e->in->modrm & 0x38) != 0)
		return (e->in->modrm == 0xf8) ? X86EMUL_UNHANDLEABLE :
			x86em_raise_ud(e);
	x86em_rm_operand(e, &rm, bytes);
	return x86em_op_write(e, &rm, bytes, (uint64_t)sext(e->in->imm,
						      e->in->imm_bytes));
}

/* MOV acc, moffs (A0/A1) and moffs, acc (A2/A3). */
static int em_mov_moffs(struct em *e)
{
	unsigned int bytes = opsize_w(e);
	struct operand mem = { .is_mem = true, .seg = e->in->ea_seg,
		.ea = x86em_mask_addr(e, (uint64_t)e->in->disp) };
	struct operand acc = { .reg = X86_RAX };
	uint64_t v;
	int rc;

	if (e->in->opcode & 2) {
		rc = x86em_op_read(e, &acc, bytes, &v);
		return rc != X86EMUL_OKAY ? rc : x86em_op_write(e, &mem, bytes, v);
	}
	rc = x86em_op_read(e, &mem, bytes, &v);
	return rc != X86EMUL_OKAY ? rc : x86em_op_write(e, &acc, bytes, v);
}

/* MOV r/m16, Sreg (8C). */
static int em_mov_from_sreg(struct em *e)
{
	unsigned int sreg = (e->in->modrm >> 3) & 7;
	const struct x86_segment *s;
	struct operand rm;

	if (sreg > X86_SEG_GS)
		return x86em_raise_ud(e);
	int rc = x86em_get_seg(e, (uint8_t)sreg, &s);
	if (rc != X86EMUL_OKAY)
		return rc;
	unsigned int bytes = e->in->has_mem ? 2 : e->in->op_bytes;
	x86em_rm_operand(e, &rm, bytes);
	return x86em_op_write(e, &rm, bytes, s->sel);
}

/* MOVZX/MOVSX (0F B6/B7/BE/BF) and MOVSXD (63, 64-bit mode). */
static int em_movx(struct em *e)
{
	const struct x86_insn *in = e->in;
	unsigned int src_bytes = in->map == X86_MAP_1B ? 4 :
		(in->opcode & 1) ? 2 : 1;
	bool sign = in->map == X86_MAP_1B || (in->opcode & 8);
	struct operand rm, reg;
	uint64_t v;
	int rc;

	if (in->map == X86_MAP_1B && in->mode != X86_MODE_LONG64)
		return X86EMUL_UNHANDLEABLE; /* ARPL */
	if (in->map == X86_MAP_1B && in->op_bytes < 4)
		src_bytes = 2;
	x86em_rm_operand(e, &rm, src_bytes);
	x86em_reg_operand(e, &reg, in->reg, in->op_bytes);
	rc = x86em_op_read(e, &rm, src_bytes, &v);
	if (rc != X86EMUL_OKAY)
		return rc;
	if (sign)
		v = (uint64_t)sext(v, src_bytes);
	return x86em_op_write(e, &reg, in->op_bytes, v);
}

/* MOVNTI m32/64, r (0F C3). */
static int em_movnti(struct em *e)
{
	struct operand rm, reg;
	uint64_t v;

	if (!e->in->has_mem || e->in->simd_prefix)
		return x86em_raise_ud(e);
	x86em_rm_operand(e, &rm, e->in->op_bytes);
	x86em_reg_operand(e, &reg, e->in->reg, e->in->op_bytes);
	x86em_op_read(e, &reg, e->in->op_bytes, &v);
	return x86em_op_write(e, &rm, e->in->op_bytes, v);
}

/* XCHG r/m, reg (86/87): the memory operand is read, then written. */
static int em_xchg(struct em *e)
{
	unsigned int bytes = opsize_w(e);
	struct operand rm, reg;
	uint64_t a, b;
	int rc;

	x86em_rm_operand(e, &rm, bytes);
	rm.rmw = true;
	x86em_reg_operand(e, &reg, e->in->reg, bytes);
	rc = x86em_op_read(e, &rm, bytes, &a);
	if (rc == X86EMUL_OKAY)
		rc = x86em_op_read(e, &reg, bytes, &b);
	if (rc == X86EMUL_OKAY)
		rc = x86em_op_write(e, &rm, bytes, b);
	if (rc == X86EMUL_OKAY)
		rc = x86em_op_write(e, &reg, bytes, a);
	return rc;
}

/* CMPXCHG r/m, reg (0F B0/B1): the destination is always written (with its
 * old value on mismatch); the accumulator only on mismatch. */
static int em_cmpxchg(struct em *e)
{
	unsigned int bytes = opsize_w(e);
	struct operand rm, reg, acc;
	uint64_t d, s, a;
	int rc;

	x86em_rm_operand(e, &rm, bytes);
	rm.rmw = true;
	x86em_reg_operand(e, &reg, e->in->reg, bytes);
	x86em_reg_operand(e, &acc, X86_RAX, bytes);
	rc = x86em_op_read(e, &rm, bytes, &d);
	if (rc == X86EMUL_OKAY)
		rc = x86em_op_read(e, &reg, bytes, &s);
	if (rc == X86EMUL_OKAY)
		rc = x86em_op_read(e, &acc, bytes, &a);
	if (rc != X86EMUL_OKAY)
		return rc;
	x86em_alu(ALU_CMP, a, d, bytes, &e->r.rflags);
	bool equal = e->r.rflags & X86_FL_ZF;
	rc = x86em_op_write(e, &rm, bytes, equal ? s : d);
	if (rc == X86EMUL_OKAY && !equal)
		x86em_op_write(e, &acc, bytes, d);
	return rc;
}

/* XADD r/m, reg (0F C0/C1). */
static int em_xadd(struct em *e)
{
	unsigned int bytes = opsize_w(e);
	struct operand rm, reg;
	uint64_t d, s;
	int rc;

	x86em_rm_operand(e, &rm, bytes);
	rm.rmw = true;
	x86em_reg_operand(e, &reg, e->in->reg, bytes);
	rc = x86em_op_read(e, &rm, bytes, &d);
	if (rc == X86EMUL_OKAY)
		rc = x86em_op_read(e, &reg, bytes, &s);
	if (rc != X86EMUL_OKAY)
		return rc;
	uint64_t sum = x86em_alu(ALU_ADD, d, s, bytes, &e->r.rflags);
	x86em_op_write(e, &reg, bytes, d);
	return x86em_op_write(e, &rm, bytes, sum);
}

/*
 * CMPXCHG8B m64 / CMPXCHG16B m128 (0F C7 /1): compares EDX:EAX (RDX:RAX)
 * with memory; equal: stores ECX:EBX (RCX:RBX) and sets ZF; else loads the
 * memory into EDX:EAX (a 32-bit write: upper halves cleared) and clears
 * ZF.  The 16-byte form needs a 16-byte aligned operand (#GP(0)).  Other
 * 0F C7 encodings (RDRAND, RDSEED, XSAVES...) are not ours.
 */
static int em_cmpxchg8b(struct em *e)
{
	const struct x86_insn *in = e->in;
	unsigned int half = (in->rex & 8) ? 8 : 4;
	struct operand m;
	uint64_t mem[2] = { 0, 0 };
	int rc;

	if ((in->modrm & 0x38) != 0x08)
		return X86EMUL_UNHANDLEABLE;
	if (!in->has_mem)
		return x86em_raise_ud(e);
	x86em_rm_operand(e, &m, 2 * half);
	if (half == 8 && (m.ea & 15))
		return x86em_raise(e, X86_EXC_GP, 0);
	rc = x86em_read_checked(e, m.seg, m.ea, mem, 2 * half, true);
	if (rc != X86EMUL_OKAY)
		return rc;
	uint64_t lo = half == 8 ? mem[0] : mem[0] & 0xffffffffull;
	uint64_t hi = half == 8 ? mem[1] : mem[0] >> 32;
	bool equal = lo == x86em_reg_read(e, X86_RAX, half, false) &&
		hi == x86em_reg_read(e, X86_RDX, half, false);
	if (equal) {
		uint64_t b = x86em_reg_read(e, X86_RBX, half, false);
		uint64_t c = x86em_reg_read(e, X86_RCX, half, false);
		mem[0] = half == 8 ? b : b | c << 32;
		mem[1] = c;
	}
	rc = x86em_write(e, m.seg, m.ea, mem, 2 * half);
	if (rc != X86EMUL_OKAY)
		return rc;
	e->r.rflags = (e->r.rflags & ~(uint64_t)X86_FL_ZF) |
		(equal ? X86_FL_ZF : 0);
	if (!equal) {
		x86em_reg_write(e, X86_RAX, half, false, lo);
		x86em_reg_write(e, X86_RDX, half, false, hi);
	}
	return X86EMUL_OKAY;
}

/*
 * BT/BTS/BTR/BTC with a register (0F A3/AB/B3/BB) or imm8 (0F BA /4-7)
 * bit offset.  A register offset into memory is signed and may reach
 * outside the operand (SDM "BT": bit base addressing); an immediate one
 * is taken modulo the operand width.  CF gets the bit, ZF is kept, the
 * other arithmetic flags are left as they were (the SDM: undefined).
 */
static int em_bt(struct em *e)
{
	const struct x86_insn *in = e->in;
	unsigned int bytes = in->op_bytes, bits = 8 * bytes, kind;
	struct operand rm;
	uint64_t off, v;
	int rc;

	if (in->opcode == 0xba) {
		kind = (in->modrm >> 3) & 7;
		if (kind < 4)
			return x86em_raise_ud(e);
		kind -= 4;
		off = in->imm & (bits - 1);
	} else {
		kind = (in->opcode >> 3) & 3;
		off = x86em_reg_read(e, in->reg, bytes, false);
	}
	if (kind == 0 && (in->prefixes & X86_PFX_LOCK))
		return x86em_raise_ud(e);
	x86em_rm_operand(e, &rm, bytes);
	if (rm.is_mem && in->opcode != 0xba) {
		int64_t soff = sext(off, bytes);
		int64_t step = soff >= 0 ? soff / bits :
			-((-(soff + 1)) / bits) - 1;
		rm.ea = x86em_mask_addr(e, rm.ea + (uint64_t)(step * bytes));
	}
	off &= bits - 1;
	rm.rmw = kind != 0;
	rc = x86em_op_read(e, &rm, bytes, &v);
	if (rc != X86EMUL_OKAY)
		return rc;
	uint64_t bit = 1ull << off;
	e->r.rflags = (e->r.rflags & ~(uint64_t)X86_FL_CF) |
		((v & bit) ? X86_FL_CF : 0);
	switch (kind) {
	case 0: return X86EMUL_OKAY;
	case 1: v |= bit; break;
	case 2: v &= ~bit; break;
	default: v ^= bit; break;
	}
	return x86em_op_write(e, &rm, bytes, v);
}

/* SETcc r/m8 (0F 90-9F). */
static int em_setcc(struct em *e)
{
	struct operand rm;

	x86em_rm_operand(e, &rm, 1);
	return x86em_op_write(e, &rm, 1, x86em_cond_true(e->r.rflags, e->in->opcode));
}

/* Stack width: 64-bit mode uses RSP; otherwise SS.B picks ESP or SP. */
static int stack_bytes(struct em *e, unsigned int *sb)
{
	const struct x86_segment *ss;
	int rc;

	*sb = 2;
	if (e->c->mode == X86_MODE_LONG64)
		*sb = 8;
	if (e->c->mode != X86_MODE_PROT16 && e->c->mode != X86_MODE_PROT32)
		return X86EMUL_OKAY;
	rc = x86em_get_seg(e, X86_SEG_SS, &ss);
	if (rc == X86EMUL_OKAY && ss->db)
		*sb = 4;
	return rc;
}

static int em_push_value(struct em *e, uint64_t v, unsigned int bytes)
{
	unsigned int sb;
	int rc = stack_bytes(e, &sb);

	if (rc != X86EMUL_OKAY)
		return rc;
	uint64_t sp = (e->r.gpr[X86_RSP] - bytes) & size_mask(sb);
	rc = x86em_write(e, X86_SEG_SS, sp, &v, bytes);

	if (rc == X86EMUL_OKAY)
		x86em_reg_write(e, X86_RSP, sb, false, sp);
	return rc;
}

static int em_pop_value(struct em *e, uint64_t *v, unsigned int bytes)
{
	unsigned int sb;
	int rc = stack_bytes(e, &sb);

	*v = 0;
	if (rc != X86EMUL_OKAY)
		return rc;
	uint64_t sp = e->r.gpr[X86_RSP] & size_mask(sb);
	rc = x86em_read(e, X86_SEG_SS, sp, v, bytes);
	if (rc == X86EMUL_OKAY)
		x86em_reg_write(e, X86_RSP, sb, false, sp + bytes);
	return rc;
}

/* PUSH reg (50-57), PUSH imm (68/6A). */
static int em_push(struct em *e)
{
	const struct x86_insn *in = e->in;

	if (in->opcode < 0x58)
		return em_push_value(e, e->r.gpr[(in->opcode & 7) |
			((in->rex & 1) << 3)], in->op_bytes);
	return em_push_value(e, (uint64_t)sext(in->imm, in->imm_bytes),
			     in->op_bytes);
}

/* POP reg (58-5F) and POP r/m (8F /0): a memory destination's address is
 * computed with the incremented RSP (SDM "POP"). */
static int em_pop(struct em *e)
{
	const struct x86_insn *in = e->in;
	unsigned int bytes = in->op_bytes;
	struct operand dst;
	uint64_t v;
	int rc;

	if (in->opcode == 0x8f && (in->modrm & 0x38))
		return x86em_raise_ud(e);
	rc = em_pop_value(e, &v, bytes);
	if (rc != X86EMUL_OKAY)
		return rc;
	if (in->opcode != 0x8f) {
		x86em_reg_write(e, (in->opcode & 7) | ((in->rex & 1) << 3), bytes,
			  false, v);
		return X86EMUL_OKAY;
	}
	x86em_rm_operand(e, &dst, bytes);
	return x86em_op_write(e, &dst, bytes, v);
}

/* IN/OUT with imm8 (E4-E7) or DX (EC-EF) port.  The CPU checked IOPL and
 * the TSS bitmap before the exit. */
static int em_inout(struct em *e)
{
	const struct x86_insn *in = e->in;
	unsigned int bytes = (in->opcode & 1) ? (in->op_bytes == 2 ? 2 : 4) : 1;
	uint16_t port = (in->opcode & 8) ? (uint16_t)e->r.gpr[X86_RDX] :
		(uint16_t)in->imm;
	uint32_t v;
	int rc;

	if (in->opcode & 2)
		return e->ops->write_io(e->c, port, bytes,
					(uint32_t)e->r.gpr[X86_RAX]);
	rc = e->ops->read_io(e->c, port, bytes, &v);
	if (rc == X86EMUL_OKAY)
		x86em_reg_write(e, X86_RAX, bytes, false, v);
	return rc;
}

#define ALU_ROW(base) \
	[base + 0] = { em_alu_rm, true }, [base + 1] = { em_alu_rm, true }, \
	[base + 2] = { em_alu_rm, false }, [base + 3] = { em_alu_rm, false }, \
	[base + 4] = { em_alu_rm, false }, [base + 5] = { em_alu_rm, false }

static const struct em_op ops_1b[256] = {
	ALU_ROW(0x00), ALU_ROW(0x08), ALU_ROW(0x10), ALU_ROW(0x18),
	ALU_ROW(0x20), ALU_ROW(0x28), ALU_ROW(0x30), ALU_ROW(0x38),
	[0x50 ... 0x57] = { em_push, false },
	[0x58 ... 0x5f] = { em_pop, false },
	[0x63] = { em_movx, false },
	[0x68] = { em_push, false }, [0x6a] = { em_push, false },
	[0x6c ... 0x6f] = { x86em_string, false },
	[0x80 ... 0x83] = { em_grp1, true },
	[0x84 ... 0x85] = { em_test, false },
	[0x86 ... 0x87] = { em_xchg, true },
	[0x88 ... 0x8b] = { em_mov, false },
	[0x8c] = { em_mov_from_sreg, false },
	[0x8f] = { em_pop, false },
	[0xa0 ... 0xa3] = { em_mov_moffs, false },
	[0xa4 ... 0xa7] = { x86em_string, false },
	[0xa8 ... 0xa9] = { em_test, false },
	[0xaa ... 0xaf] = { x86em_string, false },
	[0xc6 ... 0xc7] = { em_mov_imm, false },
	[0xe4 ... 0xe7] = { em_inout, false },
	[0xec ... 0xef] = { em_inout, false },
	[0xf6 ... 0xf7] = { em_grp3, true },
	[0xfe ... 0xff] = { em_grp45, true },
};

static const struct em_op ops_0f[256] = {
	[0x10 ... 0x11] = { x86em_sse_move, false },
	[0x28 ... 0x29] = { x86em_sse_move, false },
	[0x2b] = { x86em_sse_move, false },
	[0x6e ... 0x6f] = { x86em_sse_move, false },
	[0x7e ... 0x7f] = { x86em_sse_move, false },
	[0x90 ... 0x9f] = { em_setcc, false },
	[0xa3] = { em_bt, false }, [0xab] = { em_bt, true },
	[0xb3] = { em_bt, true }, [0xbb] = { em_bt, true },
	[0xba] = { em_bt, true },
	[0xb0 ... 0xb1] = { em_cmpxchg, true },
	[0xb6 ... 0xb7] = { em_movx, false },
	[0xbe ... 0xbf] = { em_movx, false },
	[0xc0 ... 0xc1] = { em_xadd, true },
	[0xc3] = { em_movnti, false },
	[0xc7] = { em_cmpxchg8b, true },
	[0xd6] = { x86em_sse_move, false },
	[0xe7] = { x86em_sse_move, false },
};

/* VEX map 1: the AVX moves (x86_emulate_sse.c sorts out which). */
static const struct em_op op_vex_move = { x86em_avx_move, false };

/* Fetches and decodes the instruction at CS:RIP: first up to the end of
 * the page, then (only if the decoder needs them) the following bytes, so
 * a fault on the next page is raised only when the instruction reaches it.
 * Outside 64-bit mode, bytes past the CS limit raise #GP(0). */
static int fetch_decode(struct em *e, struct x86_insn *in)
{
	uint8_t buf[X86_MAX_INSN_LEN];
	uint64_t ip = e->r.rip, base = 0, room = X86_MAX_INSN_LEN;
	unsigned int have = 0;
	int rc;

	if (e->c->mode != X86_MODE_LONG64) {
		const struct x86_segment *cs;
		rc = x86em_get_seg(e, X86_SEG_CS, &cs);
		if (rc != X86EMUL_OKAY)
			return rc;
		ip &= 0xffffffffull;
		base = cs->base;
		room = ip <= cs->limit ? cs->limit - ip + 1 : 0;
	}
	for (int pass = 0; pass < 2; pass++) {
		uint64_t la = base + ip + have;
		unsigned int n = X86_MAX_INSN_LEN - have;
		if (e->c->mode != X86_MODE_LONG64)
			la &= 0xffffffffull;
		if (pass == 0 && 4096 - (la & 4095) < n)
			n = 4096 - (unsigned int)(la & 4095);
		if (room - have < n)
			n = (unsigned int)(room - have);
		if (n == 0)
			return x86em_raise(e, X86_EXC_GP, 0);
		rc = e->ops->fetch(e->c, la, buf + have, n);
		if (rc != X86EMUL_OKAY)
			return rc;
		have += n;
		switch (x86_decode(buf, have, e->c->mode, in)) {
		case X86_DEC_OK: return X86EMUL_OKAY;
		case X86_DEC_INVALID: return x86em_raise_ud(e);
		case X86_DEC_TOOLONG: return x86em_raise(e, X86_EXC_GP, 0);
		case X86_DEC_SHORT: break;
		}
	}
	return x86em_raise(e, X86_EXC_GP, 0); /* ran into the CS limit */
}

/* LOCK is legal only on the listed read-modify-write forms with a memory
 * destination (SDM vol. 3 8.1.2.2); elsewhere it raises #UD. */
static bool lock_legal(const struct x86_insn *in, const struct em_op *op)
{
	if (!op->lockable || !in->has_mem)
		return false;
	if (in->map == X86_MAP_1B && in->opcode < 0x40)
		return (in->opcode & 7) < 2 && (in->opcode & 0x38) != 0x38;
	if (in->map == X86_MAP_1B && in->opcode >= 0x80 && in->opcode <= 0x83)
		return (in->modrm & 0x38) != 0x38;
	return true;
}

int x86_emulate(struct x86_emul_ctxt *c, const struct x86_emul_ops *ops)
{
	struct em e;
	const struct em_op *op = 0;
	int rc;

	/* field by field: the segment cache stays unwritten until used */
	e.c = c;
	e.ops = ops;
	e.in = &c->insn;
	e.r = *c->regs;
	e.seg_valid = 0;
	e.rip_stay = false;
	e.commit_partial = false;

	c->event = (struct x86_event){ 0 };
	rc = fetch_decode(&e, &c->insn);
	if (rc != X86EMUL_OKAY)
		return rc;
	const struct x86_insn *in = &c->insn;
	e.next_rip = e.r.rip + in->len;
	if (c->mode != X86_MODE_LONG64)
		e.next_rip &= in->mode == X86_MODE_PROT32 ? 0xffffffffull :
			0xffffull;
	if (in->enc == X86_ENC_LEGACY && in->map == X86_MAP_1B)
		op = &ops_1b[in->opcode];
	else if (in->enc == X86_ENC_LEGACY && in->map == X86_MAP_0F)
		op = &ops_0f[in->opcode];
	else if (in->enc == X86_ENC_VEX && in->map == X86_MAP_0F)
		op = &op_vex_move;
	if (!op || !op->fn)
		return (in->prefixes & X86_PFX_LOCK) ? x86em_raise_ud(&e) :
			X86EMUL_UNHANDLEABLE;
	if ((in->prefixes & X86_PFX_LOCK) && !lock_legal(in, op))
		return x86em_raise_ud(&e);
	rc = op->fn(&e);
	if (rc == X86EMUL_OKAY && !e.rip_stay)
		e.r.rip = e.next_rip;
	if (rc == X86EMUL_OKAY || e.commit_partial)
		*c->regs = e.r;
	return rc;
}
