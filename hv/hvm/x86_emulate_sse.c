/*
 * SSE and MMX data moves that guests use on framebuffers and MMIO:
 * MOVUPS/MOVUPD/MOVSS/MOVSD (0F 10/11), MOVAPS/MOVAPD (0F 28/29), MOVNTPS
 * (0F 2B), MOVD/MOVQ (0F 6E/7E, 66 0F D6, F3 0F 7E), MOVQ mm and
 * MOVDQA/MOVDQU (0F 6F/7F), MOVNTQ/MOVNTDQ (0F E7).  Semantics and
 * exception conditions from the SDM vol. 2 pages and vol. 3 table 13-5
 * (CR0.EM/CR4.OSFXSR give #UD, CR0.TS gives #NM, misaligned 16-byte
 * aligned forms give #GP(0)).  The VEX forms of the same moves (VMOVUPS/
 * UPD/APS/APD/NTPS/NTPD, VMOVDQA/DQU/NTDQ at 128 and 256 bits, VMOVD/VMOVQ)
 * follow SDM vol. 2 2.4 and table 2-21: CR4.OSXSAVE and XCR0 SSE|AVX or
 * #UD, VEX.vvvv must be 1111b, a VEX write clears the register above what
 * it wrote.  The emulator itself holds no vector registers: XMM, YMM and
 * MMX contents pass through callbacks as bytes.
 */
#include "x86_emulate_priv.h"

#define CR0_EM (1u << 2)
#define CR0_TS (1u << 3)
#define CR4_OSFXSR (1u << 9)
#define CR4_OSXSAVE (1u << 18)
#define XCR0_SSE_AVX 0x6u

/* What one move does, decoded from opcode and mandatory prefix. */
struct sse_move {
	bool mmx;          /* the register operand is an MMX register */
	bool to_reg;       /* the reg field is the destination */
	bool gpr_rm;       /* r/m is a general register (MOVD/MOVQ) */
	bool mem_only;     /* r/m must be memory (non-temporal stores) */
	unsigned int bytes; /* bytes moved */
	bool aligned;      /* 16-byte alignment required */
	bool zero_upper;   /* a load into XMM clears bytes past 'bytes' */
	bool merge_reg;    /* register-to-register keeps the upper bytes */
};

/* Fills *m for the instruction; false if it is not one of ours. */
static bool classify(const struct x86_insn *in, struct sse_move *m)
{
	uint8_t p = in->simd_prefix, op = in->opcode;
	unsigned int q = (in->rex & 8) ? 8 : 4;

	*m = (struct sse_move){ .bytes = 16 };
	switch (op) {
	case 0x10: case 0x11:
		m->to_reg = op == 0x10;
		if (p == 0xf3 || p == 0xf2) {
			m->bytes = p == 0xf3 ? 4 : 8;
			m->zero_upper = m->merge_reg = true;
		}
		return true;
	case 0x28: case 0x29:
		m->to_reg = op == 0x28;
		m->aligned = true;
		return p == 0 || p == 0x66;
	case 0x2b:
		m->aligned = m->mem_only = true;
		return p == 0 || p == 0x66;
	case 0x6e: case 0x7e:
		if (op == 0x7e && p == 0xf3) { /* MOVQ xmm, xmm/m64 */
			m->to_reg = m->zero_upper = true;
			m->bytes = 8;
			return true;
		}
		m->mmx = p == 0;
		m->to_reg = op == 0x6e;
		m->gpr_rm = m->zero_upper = true;
		m->bytes = q;
		return p == 0 || p == 0x66;
	case 0x6f: case 0x7f:
		m->to_reg = op == 0x6f;
		m->mmx = p == 0;
		m->bytes = p == 0 ? 8 : 16;
		m->aligned = p == 0x66;
		return p != 0xf2;
	case 0xd6:
		m->bytes = 8;
		m->zero_upper = true;
		return p == 0x66;
	case 0xe7:
		m->mem_only = true;
		m->mmx = p == 0;
		m->bytes = p == 0 ? 8 : 16;
		m->aligned = p == 0x66;
		return p == 0 || p == 0x66;
	default:
		return false;
	}
}

/* #UD/#NM checks of SDM vol. 3 table 13-5 for SSE and MMX. */
static int check_fpu(struct em *e, bool mmx)
{
	uint64_t cr0, cr4;
	int rc = e->ops->read_cr(e->c, 0, &cr0);

	if (rc == X86EMUL_OKAY)
		rc = e->ops->read_cr(e->c, 4, &cr4);
	if (rc != X86EMUL_OKAY)
		return rc;
	if ((cr0 & CR0_EM) || (!mmx && !(cr4 & CR4_OSFXSR)))
		return x86em_raise_ud(e);
	if (cr0 & CR0_TS)
		return x86_emul_raise(e->c, X86_EXC_NM, false, 0);
	return X86EMUL_OKAY;
}

static int vreg_read(struct em *e, bool mmx, unsigned int reg, uint8_t *buf)
{
	return mmx ? e->ops->read_mmx(e->c, reg & 7, buf) :
		e->ops->read_xmm(e->c, reg, buf);
}

static int vreg_write(struct em *e, bool mmx, unsigned int reg,
		      const uint8_t *buf)
{
	return mmx ? e->ops->write_mmx(e->c, reg & 7, buf) :
		e->ops->write_xmm(e->c, reg, buf);
}

/* Reads the r/m source into buf[0..bytes). */
static int rm_source(struct em *e, const struct sse_move *m, uint8_t *buf)
{
	const struct x86_insn *in = e->in;
	struct operand op;

	if (m->gpr_rm || in->has_mem) {
		uint64_t v = 0;
		x86em_rm_operand(e, &op, m->bytes);
		if (!op.is_mem) {
			v = x86em_reg_read(e, op.reg, m->bytes, false);
			__builtin_memcpy(buf, &v, m->bytes);
			return X86EMUL_OKAY;
		}
		if (m->aligned && (op.ea & 15))
			return x86em_raise(e, X86_EXC_GP, 0);
		return x86em_read(e, op.seg, op.ea, buf, m->bytes);
	}
	uint8_t full[16];
	int rc = vreg_read(e, m->mmx, in->rm, full);
	__builtin_memcpy(buf, full, m->bytes);
	return rc;
}

/* Load: r/m into the reg-field register. */
static int move_to_reg(struct em *e, const struct sse_move *m)
{
	uint8_t val[16] = { 0 }, dst[16] = { 0 };
	int rc = rm_source(e, m, val);

	if (rc != X86EMUL_OKAY)
		return rc;
	bool keep_upper = m->merge_reg && !e->in->has_mem;
	if (keep_upper || (!m->zero_upper && m->bytes < 16 && !m->mmx)) {
		rc = vreg_read(e, m->mmx, e->in->reg, dst);
		if (rc != X86EMUL_OKAY)
			return rc;
	}
	__builtin_memcpy(dst, val, m->bytes);
	return vreg_write(e, m->mmx, e->in->reg, dst);
}

/* Store: the reg-field register into r/m. */
static int move_from_reg(struct em *e, const struct sse_move *m)
{
	const struct x86_insn *in = e->in;
	uint8_t val[16], dst[16] = { 0 };
	struct operand op;
	int rc = vreg_read(e, m->mmx, in->reg, val);

	if (rc != X86EMUL_OKAY)
		return rc;
	if (m->gpr_rm || in->has_mem) {
		uint64_t v = 0;
		x86em_rm_operand(e, &op, m->bytes);
		if (op.is_mem && m->aligned && (op.ea & 15))
			return x86em_raise(e, X86_EXC_GP, 0);
		if (op.is_mem)
			return x86em_write(e, op.seg, op.ea, val, m->bytes);
		__builtin_memcpy(&v, val, m->bytes);
		x86em_reg_write(e, op.reg, m->bytes, false, v);
		return X86EMUL_OKAY;
	}
	/* register to register, store direction */
	if (m->merge_reg) {
		rc = vreg_read(e, m->mmx, in->rm, dst);
		if (rc != X86EMUL_OKAY)
			return rc;
	}
	__builtin_memcpy(dst, val, m->bytes);
	return vreg_write(e, m->mmx, in->rm, dst);
}

int x86em_sse_move(struct em *e)
{
	struct sse_move m;
	int rc;

	if (!classify(e->in, &m))
		return X86EMUL_UNHANDLEABLE;
	if (m.mem_only && !e->in->has_mem)
		return x86em_raise_ud(e);
	rc = check_fpu(e, m.mmx);
	if (rc != X86EMUL_OKAY)
		return rc;
	return m.to_reg ? move_to_reg(e, &m) : move_from_reg(e, &m);
}

/* Which VEX move this is: bytes moved, direction, alignment, GPR r/m. */
static bool classify_vex(const struct x86_insn *in, struct sse_move *m)
{
	uint8_t p = in->simd_prefix, op = in->opcode;
	unsigned int vl = in->vex_l ? 32 : 16;
	bool q = in->vex_w && in->mode == X86_MODE_LONG64;

	*m = (struct sse_move){ .bytes = vl, .zero_upper = true };
	switch (op) {
	case 0x10: case 0x11: case 0x28: case 0x29:
		m->to_reg = !(op & 1);
		m->aligned = op >= 0x28;
		return p == 0 || p == 0x66;
	case 0x2b:
		m->aligned = m->mem_only = true;
		return p == 0 || p == 0x66;
	case 0x6f: case 0x7f:
		m->to_reg = op == 0x6f;
		m->aligned = p == 0x66;
		return p == 0x66 || p == 0xf3;
	case 0xe7:
		m->aligned = m->mem_only = true;
		return p == 0x66;
	case 0x6e: case 0x7e: case 0xd6:
		if (in->vex_l)
			return false; /* #UD, see below */
		if (op == 0x7e && p == 0xf3) {
			m->to_reg = true;
			m->bytes = 8;
			return true;
		}
		m->to_reg = op == 0x6e;
		m->gpr_rm = op != 0xd6;
		m->bytes = op == 0xd6 ? 8 : q ? 8 : 4;
		return p == 0x66;
	default:
		return false;
	}
}

/* #UD/#NM for AVX: CR4.OSXSAVE, XCR0 SSE|AVX, CR0.TS; VEX.vvvv unused. */
static int check_avx(struct em *e)
{
	uint64_t cr0, cr4, xcr0 = 0;
	int rc = e->ops->read_cr(e->c, 0, &cr0);

	if (rc == X86EMUL_OKAY)
		rc = e->ops->read_cr(e->c, 4, &cr4);
	if (rc == X86EMUL_OKAY && (cr4 & CR4_OSXSAVE))
		rc = e->ops->read_xcr0(e->c, &xcr0);
	if (rc != X86EMUL_OKAY)
		return rc;
	if (!(cr4 & CR4_OSXSAVE) || (xcr0 & XCR0_SSE_AVX) != XCR0_SSE_AVX ||
	    e->in->vex_v != 0)
		return x86em_raise_ud(e);
	if (cr0 & CR0_TS)
		return x86_emul_raise(e->c, X86_EXC_NM, false, 0);
	return X86EMUL_OKAY;
}

/* The r/m operand of a VEX move, as bytes: memory or a YMM/GPR register. */
static int avx_rm_read(struct em *e, const struct sse_move *m, uint8_t *buf)
{
	struct operand op;

	x86em_rm_operand(e, &op, m->bytes);
	if (op.is_mem) {
		if (m->aligned && (op.ea & (m->bytes - 1)))
			return x86em_raise(e, X86_EXC_GP, 0);
		return x86em_read(e, op.seg, op.ea, buf, m->bytes);
	}
	if (m->gpr_rm) {
		uint64_t v = x86em_reg_read(e, op.reg, m->bytes, false);
		__builtin_memcpy(buf, &v, m->bytes);
		return X86EMUL_OKAY;
	}
	return e->ops->read_ymm(e->c, e->in->rm, buf);
}

static int avx_rm_write(struct em *e, const struct sse_move *m,
			const uint8_t *val)
{
	uint8_t full[32] = { 0 };
	struct operand op;

	x86em_rm_operand(e, &op, m->bytes);
	if (op.is_mem) {
		if (m->aligned && (op.ea & (m->bytes - 1)))
			return x86em_raise(e, X86_EXC_GP, 0);
		return x86em_write(e, op.seg, op.ea, val, m->bytes);
	}
	if (m->gpr_rm) {
		uint64_t v = 0;
		__builtin_memcpy(&v, val, m->bytes);
		x86em_reg_write(e, op.reg, m->bytes, false, v);
		return X86EMUL_OKAY;
	}
	__builtin_memcpy(full, val, m->bytes);
	return e->ops->write_ymm(e->c, e->in->rm, full);
}

int x86em_avx_move(struct em *e)
{
	struct sse_move m;
	uint8_t val[32] = { 0 };
	int rc;

	if (!e->ops->read_ymm || !e->ops->write_ymm || !e->ops->read_xcr0)
		return X86EMUL_UNHANDLEABLE;
	if (!classify_vex(e->in, &m)) {
		bool movd = e->in->opcode == 0x6e || e->in->opcode == 0x7e ||
			e->in->opcode == 0xd6;
		return movd && e->in->vex_l && e->in->simd_prefix ?
			x86em_raise_ud(e) : X86EMUL_UNHANDLEABLE;
	}
	if (m.mem_only && !e->in->has_mem)
		return x86em_raise_ud(e);
	rc = check_avx(e);
	if (rc != X86EMUL_OKAY)
		return rc;
	if (m.to_reg) {
		uint8_t full[32] = { 0 };
		rc = avx_rm_read(e, &m, val);
		__builtin_memcpy(full, val, m.bytes);
		return rc != X86EMUL_OKAY ? rc :
			e->ops->write_ymm(e->c, e->in->reg, full);
	}
	uint8_t full[32];
	rc = e->ops->read_ymm(e->c, e->in->reg, full);
	return rc != X86EMUL_OKAY ? rc : avx_rm_write(e, &m, full);
}
