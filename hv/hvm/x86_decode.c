/*
 * x86 instruction decoder: length, prefixes, ModRM/SIB, displacement and
 * immediates for every instruction of the one-byte, 0F, 0F38, 0F3A, 3DNow!,
 * VEX, EVEX and XOP maps, in real, 16-, 32- and 64-bit modes.  The opcode
 * attribute tables follow the opcode maps of Intel SDM vol. 2 appendix A
 * and AMD APM vol. 3 appendix A; the prefix rules (REX must be last, 66/67
 * size selection, VEX/EVEX/XOP versus LES/LDS/BOUND/POP) come from SDM
 * vol. 2 chapter 2 and APM vol. 3 chapter 1.
 */
#include "x86_emulate.h"

/* Attribute bits of an opcode-table entry. */
#define M    0x001  /* has a ModRM byte */
#define IB   0x002  /* imm8 */
#define IW   0x004  /* imm16 */
#define IZ   0x006  /* imm16 or imm32 by operand size */
#define IV   0x008  /* imm16/32/64 by operand size (MOV r, imm) */
#define IA   0x00a  /* moffs: address-size immediate */
#define IE   0x00c  /* ENTER: imm16 + imm8 */
#define IF   0x00e  /* far pointer: imm16/32 + selector */
#define IR   0x010  /* rel16/32; rel32 in 64-bit mode */
#define ID   0x012  /* imm32 whatever the operand size (XOP map 0A) */
#define IMASK 0x01e
#define X64  0x020  /* undefined in 64-bit mode */
#define UD   0x040  /* undefined in every mode */
#define G3   0x080  /* F6/F7: immediate only for /0 and /1 */
#define D64  0x100  /* default operand size 64 in 64-bit mode */

#define MB  (M | IB)
#define MZ  (M | IZ)
#define XX  (X64)

/* One-byte opcode map (prefix bytes are consumed before the lookup). */
static const uint16_t map_1b[256] = {
	/* 00 */ M, M, M, M, IB, IZ, XX, XX, M, M, M, M, IB, IZ, XX, 0,
	/* 10 */ M, M, M, M, IB, IZ, XX, XX, M, M, M, M, IB, IZ, XX, XX,
	/* 20 */ M, M, M, M, IB, IZ, 0, XX, M, M, M, M, IB, IZ, 0, XX,
	/* 30 */ M, M, M, M, IB, IZ, 0, XX, M, M, M, M, IB, IZ, 0, XX,
	/* 40 */ 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0,
	/* 50 */ D64, D64, D64, D64, D64, D64, D64, D64,
		 D64, D64, D64, D64, D64, D64, D64, D64,
	/* 60 */ XX, XX, M | X64, M, 0, 0, 0, 0,
		 IZ | D64, MZ, IB | D64, MB, 0, 0, 0, 0,
	/* 70 */ IB, IB, IB, IB, IB, IB, IB, IB, IB, IB, IB, IB, IB, IB, IB, IB,
	/* 80 */ MB, MZ, MB | X64, MB, M, M, M, M, M, M, M, M, M, M, M, M | D64,
	/* 90 */ 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, IF | X64, 0, D64, D64, 0, 0,
	/* a0 */ IA, IA, IA, IA, 0, 0, 0, 0, IB, IZ, 0, 0, 0, 0, 0, 0,
	/* b0 */ IB, IB, IB, IB, IB, IB, IB, IB, IV, IV, IV, IV, IV, IV, IV, IV,
	/* c0 */ MB, MB, IW, 0, M | X64, M | X64, MB, MZ, IE, D64, IW, 0, 0, IB,
		 XX, 0,
	/* d0 */ M, M, M, M, IB | X64, IB | X64, UD, 0, M, M, M, M, M, M, M, M,
	/* e0 */ IB, IB, IB, IB, IB, IB, IB, IB, IR, IR, IF | X64, IB, 0, 0, 0, 0,
	/* f0 */ 0, 0, 0, 0, 0, 0, M | G3, M | G3, 0, 0, 0, 0, 0, 0, M, M,
};

/* Two-byte opcode map (0F xx). */
static const uint16_t map_0f[256] = {
	/* 00 */ M, M, M, M, UD, 0, 0, 0, 0, 0, UD, 0, UD, M, 0, MB,
	/* 10 */ M, M, M, M, M, M, M, M, M, M, M, M, M, M, M, M,
	/* 20 */ M, M, M, M, UD, UD, UD, UD, M, M, M, M, M, M, M, M,
	/* 30 */ 0, 0, 0, 0, 0, 0, UD, 0, 0, UD, 0, UD, UD, UD, UD, UD,
	/* 40 */ M, M, M, M, M, M, M, M, M, M, M, M, M, M, M, M,
	/* 50 */ M, M, M, M, M, M, M, M, M, M, M, M, M, M, M, M,
	/* 60 */ M, M, M, M, M, M, M, M, M, M, M, M, M, M, M, M,
	/* 70 */ MB, MB, MB, MB, M, M, M, 0, M, M, UD, UD, M, M, M, M,
	/* 80 */ IR, IR, IR, IR, IR, IR, IR, IR, IR, IR, IR, IR, IR, IR, IR, IR,
	/* 90 */ M, M, M, M, M, M, M, M, M, M, M, M, M, M, M, M,
	/* a0 */ D64, D64, 0, M, MB, M, UD, UD, D64, D64, 0, M, MB, M, M, M,
	/* b0 */ M, M, M, M, M, M, M, M, M, M, MB, M, M, M, M, M,
	/* c0 */ M, M, MB, M, MB, MB, MB, M, 0, 0, 0, 0, 0, 0, 0, 0,
	/* d0 */ M, M, M, M, M, M, M, M, M, M, M, M, M, M, M, M,
	/* e0 */ M, M, M, M, M, M, M, M, M, M, M, M, M, M, M, M,
	/* f0 */ M, M, M, M, M, M, M, M, M, M, M, M, M, M, M, M,
};

struct decoder {
	const uint8_t *buf;
	size_t avail;
	size_t pos;
	enum x86_mode mode;
	struct x86_insn *insn;
};

static bool have(const struct decoder *d, size_t n)
{
	return d->pos + n <= d->avail && d->pos + n <= X86_MAX_INSN_LEN;
}

/* Distinguishes "buffer ended" from "instruction too long". */
static enum x86_decode_rc short_or_long(const struct decoder *d, size_t n)
{
	if (d->pos + n > X86_MAX_INSN_LEN)
		return X86_DEC_TOOLONG;
	return X86_DEC_SHORT;
}

static uint64_t read_le(const uint8_t *p, unsigned int n)
{
	uint64_t v = 0;

	for (unsigned int i = 0; i < n; i++)
		v |= (uint64_t)p[i] << (8 * i);
	return v;
}

static int64_t sign_extend(uint64_t v, unsigned int bytes)
{
	unsigned int shift = 64 - 8 * bytes;

	if (bytes == 0)
		return 0;
	return (int64_t)(v << shift) >> shift;
}

static bool is_legacy_prefix(uint8_t b)
{
	switch (b) {
	case 0x26: case 0x2e: case 0x36: case 0x3e: case 0x64: case 0x65:
	case 0x66: case 0x67: case 0xf0: case 0xf2: case 0xf3:
		return true;
	default:
		return false;
	}
}

/* Consumes legacy prefixes and a REX prefix that directly precedes the
 * opcode; d->pos is left on the first opcode byte. */
static enum x86_decode_rc decode_prefixes(struct decoder *d)
{
	struct x86_insn *in = d->insn;

	for (;;) {
		if (!have(d, 1))
			return short_or_long(d, 1);
		uint8_t b = d->buf[d->pos];
		if (d->mode == X86_MODE_LONG64 && (b & 0xf0) == 0x40) {
			in->rex = b;
			d->pos++;
			continue;
		}
		if (!is_legacy_prefix(b))
			return X86_DEC_OK;
		in->rex = 0; /* a REX followed by a legacy prefix is ignored */
		d->pos++;
		switch (b) {
		case 0xf0: in->prefixes |= X86_PFX_LOCK; break;
		case 0xf2: in->prefixes = (in->prefixes & ~X86_PFX_REP) |
				X86_PFX_REPNE;
			in->simd_prefix = b; break;
		case 0xf3: in->prefixes = (in->prefixes & ~X86_PFX_REPNE) |
				X86_PFX_REP;
			in->simd_prefix = b; break;
		case 0x66: in->prefixes |= X86_PFX_OPSZ;
			if (!in->simd_prefix)
				in->simd_prefix = b;
			break;
		case 0x67: in->prefixes |= X86_PFX_ADSZ; break;
		default: /* segment overrides: ES CS SS DS FS GS */
			{
				uint8_t seg = b == 0x64 ? X86_SEG_FS :
					b == 0x65 ? X86_SEG_GS : (b >> 3) & 3;
				/* 64-bit mode ignores ES/CS/SS/DS overrides */
				if (d->mode != X86_MODE_LONG64 ||
				    seg >= X86_SEG_FS)
					in->seg = seg;
			}
		}
	}
}

/* Sets operand and address size from mode, prefixes and REX.W. */
static void set_sizes(struct x86_insn *in, bool def64)
{
	bool opsz = in->prefixes & X86_PFX_OPSZ;
	bool adsz = in->prefixes & X86_PFX_ADSZ;

	switch (in->mode) {
	case X86_MODE_LONG64:
		if (in->rex & 8)
			in->op_bytes = 8;
		else if (opsz)
			in->op_bytes = 2;
		else
			in->op_bytes = def64 ? 8 : 4;
		in->addr_bytes = adsz ? 4 : 8;
		break;
	case X86_MODE_PROT32:
		in->op_bytes = opsz ? 2 : 4;
		in->addr_bytes = adsz ? 2 : 4;
		break;
	default:
		in->op_bytes = opsz ? 4 : 2;
		in->addr_bytes = adsz ? 4 : 2;
		break;
	}
}

/*
 * VEX (C4/C5), EVEX (62) and XOP (8F) share opcodes with LES/LDS/BOUND/POP
 * outside 64-bit mode; SDM 2.3.5 and APM 1.8 tell them apart by the next
 * byte.  Returns true when the byte at d->pos starts such a prefix.
 */
static bool is_vex_like(const struct decoder *d, uint8_t b)
{
	if (b != 0xc4 && b != 0xc5 && b != 0x62 && b != 0x8f)
		return false;
	if (d->mode == X86_MODE_REAL || d->mode == X86_MODE_VM86) {
		if (b != 0x8f)
			return false;
	}
	if (!have(d, 2))
		return d->mode == X86_MODE_LONG64 && b != 0x8f;
	uint8_t next = d->buf[d->pos + 1];
	if (b == 0x8f)
		return (next & 0x1f) >= 8;
	return d->mode == X86_MODE_LONG64 || (next & 0xc0) == 0xc0;
}

/* Opcode map and attributes selected by a VEX/EVEX/XOP map field; false
 * for a map that does not exist. */
static bool vex_map(struct x86_insn *in, unsigned int map_sel, uint16_t *attr)
{
	*attr = M;
	if (in->enc == X86_ENC_XOP) {
		static const uint16_t xop[3] = { MB, M, M | ID };
		if (map_sel < 8 || map_sel > 10)
			return false;
		in->map = (uint8_t)(X86_MAP_XOP8 + map_sel - 8);
		*attr = xop[map_sel - 8];
	} else if (map_sel == 1) {
		/* VEX map 1 follows the 0F map's immediates; every opcode
		 * but VZEROUPPER/VZEROALL (77) has a ModRM byte */
		in->map = X86_MAP_0F;
		*attr = (map_0f[in->opcode] & IMASK) == IB ? MB : M;
		if (in->opcode == 0x77 && in->enc == X86_ENC_VEX)
			*attr = 0;
	} else if (map_sel == 2) {
		in->map = X86_MAP_0F38;
	} else if (map_sel == 3) {
		in->map = X86_MAP_0F3A;
		*attr = MB;
	} else if (in->enc == X86_ENC_EVEX && (map_sel == 5 || map_sel == 6)) {
		in->map = map_sel == 5 ? X86_MAP_EVEX5 : X86_MAP_EVEX6;
	} else {
		return false;
	}
	return true;
}

/* Decodes a VEX/EVEX/XOP prefix and the opcode byte; sets map and attrs. */
static enum x86_decode_rc decode_vex(struct decoder *d, uint16_t *attr)
{
	struct x86_insn *in = d->insn;
	uint8_t b = d->buf[d->pos];
	unsigned int plen = b == 0xc5 ? 2 : b == 0x62 ? 4 : 3;
	unsigned int map_sel;
	/* LOCK, 66, F2, F3 or REX before a VEX-family prefix: #UD */
	bool bad = (in->prefixes & (X86_PFX_LOCK | X86_PFX_REP |
				    X86_PFX_REPNE | X86_PFX_OPSZ)) || in->rex;

	if (!have(d, plen + 1))
		return short_or_long(d, plen + 1);
	const uint8_t *p = d->buf + d->pos;
	uint8_t rxb, wvvvvlpp;
	if (b == 0xc5) {
		rxb = (p[1] & 0x80) | 0x60;
		map_sel = 1;
		wvvvvlpp = p[1] & 0x7f;
	} else {
		rxb = p[1] & 0xe0;
		map_sel = p[1] & (b == 0x62 ? 0x07 : 0x1f);
		wvvvvlpp = p[2];
	}
	in->enc = b == 0xc5 || b == 0xc4 ? X86_ENC_VEX :
		b == 0x62 ? X86_ENC_EVEX : X86_ENC_XOP;
	in->rex = 0x40 | ((~rxb >> 5) & 7) | ((wvvvvlpp & 0x80) ? 8 : 0);
	in->vex_w = wvvvvlpp & 0x80;
	in->vex_v = (~wvvvvlpp >> 3) & 0xf;
	in->vex_l = b == 0x62 ? (p[3] >> 5) & 3 : (wvvvvlpp >> 2) & 1;
	static const uint8_t pp_prefix[4] = { 0, 0x66, 0xf3, 0xf2 };
	in->simd_prefix = pp_prefix[wvvvvlpp & 3];
	if (in->simd_prefix == 0x66)
		in->prefixes |= X86_PFX_OPSZ;
	d->pos += plen;
	in->opcode = d->buf[d->pos++];

	if (!vex_map(in, map_sel, attr))
		bad = true;
	if (bad)
		return X86_DEC_INVALID;
	return X86_DEC_OK;
}

/* Reads the opcode bytes (legacy encodings) and returns the attributes. */
static enum x86_decode_rc decode_opcode(struct decoder *d, uint16_t *attr)
{
	struct x86_insn *in = d->insn;

	if (!have(d, 1))
		return short_or_long(d, 1);
	uint8_t b = d->buf[d->pos];
	if (is_vex_like(d, b))
		return decode_vex(d, attr);
	d->pos++;
	in->opcode = b;
	if (b != 0x0f) {
		in->map = X86_MAP_1B;
		*attr = map_1b[b];
		return X86_DEC_OK;
	}
	if (!have(d, 1))
		return short_or_long(d, 1);
	b = d->buf[d->pos++];
	in->opcode = b;
	if (b == 0x38 || b == 0x3a) {
		if (!have(d, 1))
			return short_or_long(d, 1);
		in->map = b == 0x38 ? X86_MAP_0F38 : X86_MAP_0F3A;
		in->opcode = d->buf[d->pos++];
		*attr = b == 0x38 ? M : MB;
		return X86_DEC_OK;
	}
	in->map = X86_MAP_0F;
	*attr = map_0f[b];
	if (b == 0x0f)
		in->map = X86_MAP_3DNOW;
	return X86_DEC_OK;
}

/* 16-bit addressing: ModRM rm selects a base/index pair (SDM table 2-1). */
static void modrm16(struct x86_insn *in)
{
	static const uint8_t base[8] = { X86_RBX, X86_RBX, X86_RBP, X86_RBP,
		X86_REG_NONE, X86_REG_NONE, X86_RBP, X86_RBX };
	static const uint8_t index[8] = { X86_RSI, X86_RDI, X86_RSI, X86_RDI,
		X86_RSI, X86_RDI, X86_REG_NONE, X86_REG_NONE };
	unsigned int rm = in->modrm & 7;

	in->base = base[rm];
	in->index = index[rm];
	if (in->mod == 0 && rm == 6)
		in->base = X86_REG_NONE;
	if (in->mod == 0)
		in->disp_bytes = rm == 6 ? 2 : 0;
	else
		in->disp_bytes = in->mod == 1 ? 1 : 2;
}

/* 32/64-bit addressing with optional SIB (SDM tables 2-2 and 2-3). */
static enum x86_decode_rc modrm32(struct decoder *d)
{
	struct x86_insn *in = d->insn;
	unsigned int rm = in->modrm & 7;

	in->disp_bytes = in->mod == 1 ? 1 : in->mod == 2 ? 4 : 0;
	if (rm == 4) {
		if (!have(d, 1))
			return short_or_long(d, 1);
		in->has_sib = true;
		in->sib = d->buf[d->pos++];
		unsigned int idx = ((in->sib >> 3) & 7) | ((in->rex & 2) << 2);
		unsigned int bas = (in->sib & 7) | ((in->rex & 1) << 3);
		in->index = idx == 4 ? X86_REG_NONE : idx;
		in->scale = 1u << (in->sib >> 6);
		in->base = bas;
		if ((in->sib & 7) == 5 && in->mod == 0) {
			in->base = X86_REG_NONE;
			in->disp_bytes = 4;
		}
	} else if (rm == 5 && in->mod == 0) {
		in->base = d->mode == X86_MODE_LONG64 ? X86_REG_RIP :
			X86_REG_NONE;
		in->disp_bytes = 4;
	} else {
		in->base = rm | ((in->rex & 1) << 3);
	}
	return X86_DEC_OK;
}

static enum x86_decode_rc decode_modrm(struct decoder *d)
{
	struct x86_insn *in = d->insn;

	if (!have(d, 1))
		return short_or_long(d, 1);
	in->has_modrm = true;
	in->modrm = d->buf[d->pos++];
	in->mod = in->modrm >> 6;
	in->reg = ((in->modrm >> 3) & 7) | ((in->rex & 4) << 1);
	in->rm = (in->modrm & 7) | ((in->rex & 1) << 3);
	if (in->mod == 3)
		return X86_DEC_OK;
	in->has_mem = true;
	in->scale = 1;
	in->index = X86_REG_NONE;
	if (in->addr_bytes == 2) {
		modrm16(in);
	} else {
		enum x86_decode_rc rc = modrm32(d);
		if (rc != X86_DEC_OK)
			return rc;
	}
	if (!have(d, in->disp_bytes))
		return short_or_long(d, in->disp_bytes);
	in->disp = sign_extend(read_le(d->buf + d->pos, in->disp_bytes),
			       in->disp_bytes);
	d->pos += in->disp_bytes;
	return X86_DEC_OK;
}

/* Immediate bytes for an attribute, given the decoded sizes. */
static unsigned int imm_size(const struct x86_insn *in, uint16_t attr)
{
	unsigned int z = in->op_bytes == 2 ? 2 : 4;

	if ((attr & G3) && (in->modrm & 0x38) <= 0x08)
		return in->opcode == 0xf6 ? 1 : z;
	switch (attr & IMASK) {
	case IB: return 1;
	case IW: return 2;
	case IZ: return z;
	case IV: return in->op_bytes;
	case IA: return in->addr_bytes;
	case IE: return 3;
	case IF: return z + 2;
	case IR: return in->mode == X86_MODE_LONG64 ? 4 : z;
	case ID: return 4;
	default: return 0;
	}
}

static enum x86_decode_rc decode_imm(struct decoder *d, uint16_t attr)
{
	struct x86_insn *in = d->insn;
	unsigned int n = imm_size(in, attr);
	unsigned int first = n;

	if (!have(d, n))
		return short_or_long(d, n);
	if ((attr & IMASK) == IE)
		first = 2;
	else if ((attr & IMASK) == IF)
		first = n - 2;
	in->imm_bytes = n;
	in->imm = read_le(d->buf + d->pos, first);
	if (n > first)
		in->imm2 = read_le(d->buf + d->pos + first, n - first);
	d->pos += n;
	return X86_DEC_OK;
}

/* The segment a memory operand uses: override, else SS for RSP/RBP bases. */
static void set_ea_seg(struct x86_insn *in)
{
	if (in->seg != X86_SEG_NONE)
		in->ea_seg = in->seg;
	else if (in->has_mem &&
		 (in->base == X86_RSP || in->base == X86_RBP))
		in->ea_seg = X86_SEG_SS;
	else
		in->ea_seg = X86_SEG_DS;
}

enum x86_decode_rc x86_decode(const uint8_t *buf, size_t avail,
			      enum x86_mode mode, struct x86_insn *in)
{
	struct decoder d = { .buf = buf, .avail = avail, .mode = mode,
			     .insn = in };
	uint16_t attr = 0;
	enum x86_decode_rc rc;

	*in = (struct x86_insn){ .mode = mode, .seg = X86_SEG_NONE,
		.base = X86_REG_NONE, .index = X86_REG_NONE, .scale = 1 };
	rc = decode_prefixes(&d);
	if (rc == X86_DEC_OK)
		rc = decode_opcode(&d, &attr);
	if (rc != X86_DEC_OK && rc != X86_DEC_INVALID)
		return rc;
	bool invalid = rc == X86_DEC_INVALID || (attr & UD) ||
		(mode == X86_MODE_LONG64 && (attr & X64));
	set_sizes(in, mode == X86_MODE_LONG64 && (attr & D64));
	if (attr & M) {
		rc = decode_modrm(&d);
		if (rc != X86_DEC_OK)
			return rc;
		/* FF /2, /4, /6 (near CALL, JMP, PUSH) default to 64 bits */
		if (mode == X86_MODE_LONG64 && in->map == X86_MAP_1B &&
		    in->opcode == 0xff && (in->reg & 7) >= 2 &&
		    !((in->reg & 7) & 1) && in->op_bytes == 4)
			in->op_bytes = 8;
	}
	if ((attr & IMASK) || (attr & G3)) {
		rc = decode_imm(&d, attr);
		if (rc != X86_DEC_OK)
			return rc;
	}
	if (in->map == X86_MAP_3DNOW)
		in->opcode = (uint8_t)in->imm;
	if (in->map == X86_MAP_1B && (in->opcode & 0xfc) == 0xa0) {
		in->has_mem = true; /* MOV moffs: the immediate is the address */
		in->disp = (int64_t)in->imm;
	}
	set_ea_seg(in);
	in->len = (uint8_t)d.pos;
	return invalid ? X86_DEC_INVALID : X86_DEC_OK;
}
