/*
 * Differential test of the x86 emulator against the host CPU (64-bit
 * mode).  For every emulated instruction form, generated cases (random
 * registers, flags and memory, every operand size, every addressing form
 * including SIB, RIP-relative and 32-bit address size, boundary values,
 * misaligned, unmapped, read-only and non-canonical operands) run once
 * natively in the sandbox and once in the emulator over a copy of the same
 * memory.  Registers, defined flags, vector registers, memory and the
 * raised exception must be identical.  Usage: diff [cases-per-form [seed]]
 */
#include <asm/prctl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "fake.h"
#include "sandbox.h"

enum form_kind { K_MODRM, K_MOFFS, K_STR, K_STACK, K_VEX };

#define S1 1
#define S2 2
#define S4 4
#define S8 8
#define SV (S2 | S4 | S8)
#define U_AF X86_FL_AF
#define U_BT (X86_FL_OF | X86_FL_SF | X86_FL_AF | X86_FL_PF)

/* One instruction form: opcode bytes, operand sizes, immediates and the
 * flags the SDM leaves undefined for it (not compared). */
struct form {
	const char *name;
	uint8_t pfx;        /* mandatory/rep prefix, or 0 */
	bool two_byte;      /* 0F map */
	uint8_t op;
	int8_t ext;         /* ModRM /digit, or -1 for a register operand */
	uint8_t sizes;      /* operand sizes to generate */
	uint8_t imm;        /* 0, 1 = imm8, 2 = imm16/32 by size */
	uint8_t kind;
	uint16_t undef;
	uint8_t align;      /* 16 for the aligned SSE forms */
	bool lock;          /* LOCK legal with a memory destination */
	bool reg_ok;        /* also generate register (mod 3) forms */
	bool reg_is_bitoff; /* BT: the reg operand is a signed bit offset */
};

#define ALU(n, o, u) \
	{ n " r/m8,r8", 0, 0, o + 0, -1, S1, 0, K_MODRM, u, 0, o != 0x38, 1, 0 }, \
	{ n " r/m,r", 0, 0, o + 1, -1, SV, 0, K_MODRM, u, 0, o != 0x38, 1, 0 }, \
	{ n " r8,r/m8", 0, 0, o + 2, -1, S1, 0, K_MODRM, u, 0, 0, 1, 0 }, \
	{ n " r,r/m", 0, 0, o + 3, -1, SV, 0, K_MODRM, u, 0, 0, 1, 0 }, \
	{ n " r/m8,imm8", 0, 0, 0x80, (o) >> 3, S1, 1, K_MODRM, u, 0, o != 0x38, 0, 0 }, \
	{ n " r/m,imm", 0, 0, 0x81, (o) >> 3, SV, 2, K_MODRM, u, 0, o != 0x38, 0, 0 }, \
	{ n " r/m,simm8", 0, 0, 0x83, (o) >> 3, SV, 1, K_MODRM, u, 0, o != 0x38, 0, 0 }

static const struct form forms[] = {
	{ "MOV r/m8,r8", 0, 0, 0x88, -1, S1, 0, K_MODRM, 0, 0, 0, 1, 0 },
	{ "MOV r/m,r", 0, 0, 0x89, -1, SV, 0, K_MODRM, 0, 0, 0, 1, 0 },
	{ "MOV r8,r/m8", 0, 0, 0x8a, -1, S1, 0, K_MODRM, 0, 0, 0, 1, 0 },
	{ "MOV r,r/m", 0, 0, 0x8b, -1, SV, 0, K_MODRM, 0, 0, 0, 1, 0 },
	{ "MOV r/m8,imm8", 0, 0, 0xc6, 0, S1, 1, K_MODRM, 0, 0, 0, 1, 0 },
	{ "MOV r/m,imm", 0, 0, 0xc7, 0, SV, 2, K_MODRM, 0, 0, 0, 1, 0 },
	{ "MOV AL,moffs", 0, 0, 0xa0, 0, S1, 0, K_MOFFS, 0, 0, 0, 0, 0 },
	{ "MOV rAX,moffs", 0, 0, 0xa1, 0, SV, 0, K_MOFFS, 0, 0, 0, 0, 0 },
	{ "MOV moffs,AL", 0, 0, 0xa2, 0, S1, 0, K_MOFFS, 0, 0, 0, 0, 0 },
	{ "MOV moffs,rAX", 0, 0, 0xa3, 0, SV, 0, K_MOFFS, 0, 0, 0, 0, 0 },
	{ "MOV r/m16,Sreg", 0, 0, 0x8c, 3, S2, 0, K_MODRM, 0, 0, 0, 0, 0 },
	{ "MOVZX r,r/m8", 0, 1, 0xb6, -1, SV, 0, K_MODRM, 0, 0, 0, 1, 0 },
	{ "MOVZX r,r/m16", 0, 1, 0xb7, -1, S4 | S8, 0, K_MODRM, 0, 0, 0, 1, 0 },
	{ "MOVSX r,r/m8", 0, 1, 0xbe, -1, SV, 0, K_MODRM, 0, 0, 0, 1, 0 },
	{ "MOVSX r,r/m16", 0, 1, 0xbf, -1, S4 | S8, 0, K_MODRM, 0, 0, 0, 1, 0 },
	{ "MOVSXD r,r/m32", 0, 0, 0x63, -1, S8, 0, K_MODRM, 0, 0, 0, 1, 0 },
	{ "MOVNTI m,r", 0, 1, 0xc3, -1, S4 | S8, 0, K_MODRM, 0, 0, 0, 0, 0 },
	ALU("ADD", 0x00, 0), ALU("OR", 0x08, U_AF), ALU("ADC", 0x10, 0),
	ALU("SBB", 0x18, 0), ALU("AND", 0x20, U_AF), ALU("SUB", 0x28, 0),
	ALU("XOR", 0x30, U_AF), ALU("CMP", 0x38, 0),
	{ "TEST r/m8,r8", 0, 0, 0x84, -1, S1, 0, K_MODRM, U_AF, 0, 0, 1, 0 },
	{ "TEST r/m,r", 0, 0, 0x85, -1, SV, 0, K_MODRM, U_AF, 0, 0, 1, 0 },
	{ "TEST r/m8,imm8", 0, 0, 0xf6, 0, S1, 1, K_MODRM, U_AF, 0, 0, 1, 0 },
	{ "TEST r/m,imm", 0, 0, 0xf7, 0, SV, 2, K_MODRM, U_AF, 0, 0, 1, 0 },
	{ "NOT r/m8", 0, 0, 0xf6, 2, S1, 0, K_MODRM, 0, 0, 1, 1, 0 },
	{ "NOT r/m", 0, 0, 0xf7, 2, SV, 0, K_MODRM, 0, 0, 1, 1, 0 },
	{ "NEG r/m8", 0, 0, 0xf6, 3, S1, 0, K_MODRM, 0, 0, 1, 1, 0 },
	{ "NEG r/m", 0, 0, 0xf7, 3, SV, 0, K_MODRM, 0, 0, 1, 1, 0 },
	{ "INC r/m8", 0, 0, 0xfe, 0, S1, 0, K_MODRM, 0, 0, 1, 1, 0 },
	{ "INC r/m", 0, 0, 0xff, 0, SV, 0, K_MODRM, 0, 0, 1, 1, 0 },
	{ "DEC r/m8", 0, 0, 0xfe, 1, S1, 0, K_MODRM, 0, 0, 1, 1, 0 },
	{ "DEC r/m", 0, 0, 0xff, 1, SV, 0, K_MODRM, 0, 0, 1, 1, 0 },
	{ "XCHG r/m8,r8", 0, 0, 0x86, -1, S1, 0, K_MODRM, 0, 0, 1, 1, 0 },
	{ "XCHG r/m,r", 0, 0, 0x87, -1, SV, 0, K_MODRM, 0, 0, 1, 1, 0 },
	{ "CMPXCHG r/m8,r8", 0, 1, 0xb0, -1, S1, 0, K_MODRM, 0, 0, 1, 0, 0 },
	{ "CMPXCHG r/m,r", 0, 1, 0xb1, -1, SV, 0, K_MODRM, 0, 0, 1, 0, 0 },
	{ "CMPXCHG8B m64", 0, 1, 0xc7, 1, S4, 0, K_MODRM, 0, 0, 1, 0, 0 },
	{ "CMPXCHG16B m128", 0, 1, 0xc7, 1, S8, 0, K_MODRM, 0, 16, 1, 0, 0 },
	{ "XADD r/m8,r8", 0, 1, 0xc0, -1, S1, 0, K_MODRM, 0, 0, 1, 1, 0 },
	{ "XADD r/m,r", 0, 1, 0xc1, -1, SV, 0, K_MODRM, 0, 0, 1, 1, 0 },
	{ "BT r/m,r", 0, 1, 0xa3, -1, SV, 0, K_MODRM, U_BT, 0, 0, 1, 1 },
	{ "BTS r/m,r", 0, 1, 0xab, -1, SV, 0, K_MODRM, U_BT, 0, 1, 1, 1 },
	{ "BTR r/m,r", 0, 1, 0xb3, -1, SV, 0, K_MODRM, U_BT, 0, 1, 1, 1 },
	{ "BTC r/m,r", 0, 1, 0xbb, -1, SV, 0, K_MODRM, U_BT, 0, 1, 1, 1 },
	{ "BT r/m,imm8", 0, 1, 0xba, 4, SV, 1, K_MODRM, U_BT, 0, 0, 1, 0 },
	{ "BTS r/m,imm8", 0, 1, 0xba, 5, SV, 1, K_MODRM, U_BT, 0, 1, 1, 0 },
	{ "BTR r/m,imm8", 0, 1, 0xba, 6, SV, 1, K_MODRM, U_BT, 0, 1, 1, 0 },
	{ "BTC r/m,imm8", 0, 1, 0xba, 7, SV, 1, K_MODRM, U_BT, 0, 1, 1, 0 },
#define SETCC(n, o) { "SET" n " r/m8", 0, 1, o, 0, S1, 0, K_MODRM, 0, 0, 0, 1, 0 }
	SETCC("O", 0x90), SETCC("NO", 0x91), SETCC("B", 0x92), SETCC("AE", 0x93),
	SETCC("E", 0x94), SETCC("NE", 0x95), SETCC("BE", 0x96), SETCC("A", 0x97),
	SETCC("S", 0x98), SETCC("NS", 0x99), SETCC("P", 0x9a), SETCC("NP", 0x9b),
	SETCC("L", 0x9c), SETCC("GE", 0x9d), SETCC("LE", 0x9e), SETCC("G", 0x9f),
	{ "PUSH r/m", 0, 0, 0xff, 6, S2 | S8, 0, K_STACK, 0, 0, 0, 1, 0 },
	{ "POP r/m", 0, 0, 0x8f, 0, S2 | S8, 0, K_STACK, 0, 0, 0, 1, 0 },
	{ "PUSH r", 0, 0, 0x50, 0, S2 | S8, 0, K_STACK, 0, 0, 0, 0, 0 },
	{ "POP r", 0, 0, 0x58, 0, S2 | S8, 0, K_STACK, 0, 0, 0, 0, 0 },
	{ "PUSH imm", 0, 0, 0x68, 0, S2 | S8, 2, K_STACK, 0, 0, 0, 0, 0 },
	{ "PUSH simm8", 0, 0, 0x6a, 0, S2 | S8, 1, K_STACK, 0, 0, 0, 0, 0 },
#define STR(n, p, o, s) { n, p, 0, o, 0, s, 0, K_STR, 0, 0, 0, 0, 0 }
	STR("MOVSB", 0, 0xa4, S1), STR("MOVS", 0, 0xa5, SV),
	STR("REP MOVSB", 0xf3, 0xa4, S1), STR("REP MOVS", 0xf3, 0xa5, SV),
	STR("CMPSB", 0, 0xa6, S1), STR("CMPS", 0, 0xa7, SV),
	STR("REPE CMPSB", 0xf3, 0xa6, S1), STR("REPE CMPS", 0xf3, 0xa7, SV),
	STR("REPNE CMPSB", 0xf2, 0xa6, S1), STR("REPNE CMPS", 0xf2, 0xa7, SV),
	STR("STOSB", 0, 0xaa, S1), STR("STOS", 0, 0xab, SV),
	STR("REP STOSB", 0xf3, 0xaa, S1), STR("REP STOS", 0xf3, 0xab, SV),
	STR("LODSB", 0, 0xac, S1), STR("LODS", 0, 0xad, SV),
	STR("REP LODSB", 0xf3, 0xac, S1), STR("REP LODS", 0xf3, 0xad, SV),
	STR("SCASB", 0, 0xae, S1), STR("SCAS", 0, 0xaf, SV),
	STR("REPE SCASB", 0xf3, 0xae, S1), STR("REPE SCAS", 0xf3, 0xaf, SV),
	STR("REPNE SCASB", 0xf2, 0xae, S1), STR("REPNE SCAS", 0xf2, 0xaf, SV),
#define SSE(n, p, o, a, r) { n, p, 1, o, -1, S4, 0, K_MODRM, 0, a, 0, r, 0 }
	SSE("MOVUPS x,x/m", 0, 0x10, 0, 1), SSE("MOVUPS x/m,x", 0, 0x11, 0, 1),
	SSE("MOVUPD x,x/m", 0x66, 0x10, 0, 1), SSE("MOVUPD x/m,x", 0x66, 0x11, 0, 1),
	SSE("MOVSS x,x/m", 0xf3, 0x10, 0, 1), SSE("MOVSS x/m,x", 0xf3, 0x11, 0, 1),
	SSE("MOVSD x,x/m", 0xf2, 0x10, 0, 1), SSE("MOVSD x/m,x", 0xf2, 0x11, 0, 1),
	SSE("MOVAPS x,x/m", 0, 0x28, 16, 1), SSE("MOVAPS x/m,x", 0, 0x29, 16, 1),
	SSE("MOVAPD x,x/m", 0x66, 0x28, 16, 1), SSE("MOVAPD x/m,x", 0x66, 0x29, 16, 1),
	SSE("MOVNTPS m,x", 0, 0x2b, 16, 0), SSE("MOVNTPD m,x", 0x66, 0x2b, 16, 0),
	SSE("MOVQ mm,mm/m", 0, 0x6f, 0, 1), SSE("MOVQ mm/m,mm", 0, 0x7f, 0, 1),
	SSE("MOVDQA x,x/m", 0x66, 0x6f, 16, 1), SSE("MOVDQA x/m,x", 0x66, 0x7f, 16, 1),
	SSE("MOVDQU x,x/m", 0xf3, 0x6f, 0, 1), SSE("MOVDQU x/m,x", 0xf3, 0x7f, 0, 1),
	SSE("MOVQ x,x/m64", 0xf3, 0x7e, 0, 1), SSE("MOVQ x/m64,x", 0x66, 0xd6, 0, 1),
	SSE("MOVNTQ m,mm", 0, 0xe7, 0, 0), SSE("MOVNTDQ m,x", 0x66, 0xe7, 16, 0),
#define VEX(n, p, o, a, r) { n, p, 1, o, -1, S4 | S8, 0, K_VEX, 0, a, 0, r, 0 }
#define VEX128(n, p, o, r) { n, p, 1, o, -1, S4, 0, K_VEX, 0, 0, 0, r, 0 }
	VEX("VMOVUPS", 0, 0x10, 0, 1), VEX("VMOVUPS store", 0, 0x11, 0, 1),
	VEX("VMOVUPD", 0x66, 0x10, 0, 1), VEX("VMOVUPD store", 0x66, 0x11, 0, 1),
	VEX("VMOVAPS", 0, 0x28, 16, 1), VEX("VMOVAPS store", 0, 0x29, 16, 1),
	VEX("VMOVAPD", 0x66, 0x28, 16, 1), VEX("VMOVAPD store", 0x66, 0x29, 16, 1),
	VEX("VMOVNTPS", 0, 0x2b, 16, 0), VEX("VMOVNTPD", 0x66, 0x2b, 16, 0),
	VEX("VMOVDQA", 0x66, 0x6f, 16, 1), VEX("VMOVDQA store", 0x66, 0x7f, 16, 1),
	VEX("VMOVDQU", 0xf3, 0x6f, 0, 1), VEX("VMOVDQU store", 0xf3, 0x7f, 0, 1),
	VEX("VMOVNTDQ", 0x66, 0xe7, 16, 0),
	VEX128("VMOVD/Q x,r/m", 0x66, 0x6e, 1), VEX128("VMOVD/Q r/m,x", 0x66, 0x7e, 1),
	VEX128("VMOVQ x,x/m64", 0xf3, 0x7e, 1), VEX128("VMOVQ x/m64,x", 0x66, 0xd6, 1),
	{ "MOVD/Q mm,r/m", 0, 1, 0x6e, -1, S4 | S8, 0, K_MODRM, 0, 0, 0, 1, 0 },
	{ "MOVD/Q r/m,mm", 0, 1, 0x7e, -1, S4 | S8, 0, K_MODRM, 0, 0, 0, 1, 0 },
	{ "MOVD/Q x,r/m", 0x66, 1, 0x6e, -1, S4 | S8, 0, K_MODRM, 0, 0, 0, 1, 0 },
	{ "MOVD/Q r/m,x", 0x66, 1, 0x7e, -1, S4 | S8, 0, K_MODRM, 0, 0, 0, 1, 0 },
};

#define NFORMS (sizeof(forms) / sizeof(forms[0]))

static uint64_t rng_state;
static unsigned int bits = 64;   /* 64-bit, 32-bit compat or 16-bit mode */
static uint64_t fs_base, gs_base; /* the host's, mirrored into the fake */
static bool host_intel;             /* the emulator models the host's vendor */

/* Where data offsets are based: 16-bit mode runs on an LDT data segment
 * based at the data region, the other modes are flat. */
static uint64_t data_seg_base(void)
{
	return bits == 16 ? SB_DATA_BASE : 0;
}

static uint64_t code_seg_base(void)
{
	return bits == 16 ? SB_CODE_BASE : 0;
}

static uint64_t size_mask_host(unsigned int bytes)
{
	return bytes >= 8 ? ~0ull : (1ull << (8 * bytes)) - 1;
}

static uint64_t rnd64(void)
{
	rng_state ^= rng_state << 13;
	rng_state ^= rng_state >> 7;
	rng_state ^= rng_state << 17;
	return rng_state;
}

static uint32_t rnd(uint32_t n)
{
	return (uint32_t)(rnd64() % n);
}

/* A register or immediate value: random, or a boundary value. */
static uint64_t interesting(void)
{
	static const uint64_t edge[] = { 0, 1, 2, 0x7f, 0x80, 0xff, 0x100,
		0x7fff, 0x8000, 0xffff, 0x7fffffff, 0x80000000, 0xffffffff,
		0x7fffffffffffffffull, 0x8000000000000000ull, ~0ull, ~1ull };
	switch (rnd(4)) {
	case 0: return edge[rnd(sizeof(edge) / sizeof(edge[0]))];
	case 1: return edge[rnd(sizeof(edge) / sizeof(edge[0]))] ^ rnd(4);
	default: return rnd64();
	}
}

struct gen {
	uint64_t target;          /* where the memory operand points */
	uint8_t seg_pfx;          /* 64 (FS) or 65 (GS) override, or 0 */
	uint64_t seg_base;        /* that segment's base */
	uint8_t bytes[32];
	unsigned int len;
	unsigned int rex_pos;     /* index of the REX byte, or 0 if none */
	bool has_rex;
	unsigned int imm_len;     /* immediate bytes that follow ModRM */
	struct cpu_state st;
};

static void put(struct gen *g, uint64_t v, unsigned int n)
{
	memcpy(g->bytes + g->len, &v, n);
	g->len += n;
}

/* Where a memory operand goes: normally inside the data region; sometimes
 * misaligned, unmapped, read-only or non-canonical to provoke a fault. */
static uint64_t pick_target(const struct form *f, unsigned int size,
			    bool *wild)
{
	uint64_t t = SB_DATA_BASE + 0x800 + rnd(SB_DATA_SIZE - 0x1000 - 0x1000);
	unsigned int r = rnd(40);

	*wild = false;
	if (f->align)
		t &= ~15ull;
	else if (rnd(2))
		t &= ~(uint64_t)(size - 1);
	if (r == 0) {
		*wild = true;
		return SB_DATA_BASE + SB_DATA_SIZE + rnd(0x100); /* unmapped */
	}
	if (r == 1) {
		*wild = true;
		return t ^ 0x8000000000000000ull; /* non-canonical */
	}
	if (r == 2)
		return SB_RO_PAGE + rnd(0xf00); /* read-only page */
	if (r == 3)
		return SB_DATA_BASE + SB_DATA_SIZE - 0x1000 - rnd(8); /* RO edge */
	if (r == 4 && f->align)
		return t + 1 + rnd(15); /* misaligned: #GP */
	return t;
}


/* 16-bit addressing (SDM table 2-1): picks rm/mod, then sets BX/BP/SI/DI
 * so the 16-bit sum lands on the target; their upper halves are garbage
 * the CPU must ignore. */
static void emit_mem16(struct gen *g, const struct form *f, unsigned int size,
		       unsigned int reg_field, int avoid_reg)
{
	static const int8_t base_of[8] = { X86_RBX, X86_RBX, X86_RBP, X86_RBP,
		-1, -1, X86_RBP, X86_RBX };
	static const int8_t index_of[8] = { X86_RSI, X86_RDI, X86_RSI,
		X86_RDI, X86_RSI, X86_RDI, -1, -1 };
	bool wild;
	uint64_t off = (pick_target(f, size, &wild) - SB_DATA_BASE) & 0xffff;
	unsigned int rm, mode = rnd(3);

	do
		rm = rnd(8);
	while ((avoid_reg >= 0 && base_of[rm] == avoid_reg) ||
	       (avoid_reg >= 0 && index_of[rm] == avoid_reg));
	g->target = SB_DATA_BASE + off;
	if (mode == 0 && rm == 6) { /* [disp16] */
		g->bytes[g->len++] = (uint8_t)((reg_field & 7) << 3 | 6);
		put(g, off, 2);
		return;
	}
	uint64_t disp = mode == 1 ? (uint64_t)(int8_t)rnd(256) :
		mode == 2 ? rnd(0x10000) : 0;
	g->bytes[g->len++] = (uint8_t)(mode << 6 | (reg_field & 7) << 3 | rm);
	put(g, disp, mode);
	uint64_t iv = index_of[rm] >= 0 ? rnd(0x400) : 0;
	if (index_of[rm] >= 0 && base_of[rm] >= 0)
		g->st.gpr[index_of[rm]] = iv | rnd64() << 16;
	int target_reg = base_of[rm] >= 0 ? base_of[rm] : index_of[rm];
	g->st.gpr[target_reg] = ((off - disp - iv) & 0xffff) | rnd64() << 16;
}

/* Emits ModRM (+SIB, disp) for a memory operand at a picked target and
 * sets the registers it uses.  Registers 8-15 only when a REX byte is
 * present; avoid_reg keeps a register whose value matters elsewhere. */
static void emit_mem(struct gen *g, const struct form *f, unsigned int size,
		     unsigned int reg_field, bool a32, int avoid_reg)
{
	bool wild;
	uint64_t target = pick_target(f, size, &wild);
	unsigned int mode = rnd(3), form = rnd(8), nregs = g->has_rex ? 16 : 8;

	if (bits == 16 && !a32) {
		emit_mem16(g, f, size, reg_field, avoid_reg);
		return;
	}
	g->target = target;
	target -= data_seg_base() + g->seg_base;
	if (g->seg_pfx && form < 2) /* RIP and disp32-only can't reach */
		form = 2;
	int64_t disp = mode == 1 ? (int8_t)rnd(256) :
		mode == 2 ? (int32_t)(rnd(0x20000) - 0x10000) : 0;
	unsigned int base, index, scale = rnd(4);
	uint8_t rexbits = 0;

	do
		base = rnd(nregs);
	while ((int)base == avoid_reg || (a32 && base == X86_RSP));
	do
		index = rnd(nregs);
	while ((int)index == avoid_reg || index == X86_RSP || index == base);
	if (form == 0 && bits != 64) { /* mod 0, rm 5: absolute disp32 */
		g->bytes[g->len++] = (uint8_t)((reg_field & 7) << 3 | 5);
		put(g, target, 4);
		return;
	}
	if (form == 0 && !a32) { /* RIP-relative */
		g->bytes[g->len++] = (uint8_t)((reg_field & 7) << 3 | 5);
		uint64_t next = sandbox_insn_addr() + g->len + 4 + g->imm_len;
		put(g, target - next, 4);
		return;
	}
	if (form == 1) { /* SIB without base: disp32 + index * scale */
		uint64_t iv = (target & 0xfff) >> scale;
		g->bytes[g->len++] = (uint8_t)((reg_field & 7) << 3 | 4);
		g->bytes[g->len++] = (uint8_t)(scale << 6 | (index & 7) << 3 | 5);
		rexbits |= (index & 8) ? 2 : 0;
		g->st.gpr[index] = a32 ? (iv | rnd64() << 32) : iv;
		put(g, target - (iv << scale), 4);
	} else {
		bool sib = form >= 5 || (base & 7) == 4;
		if ((mode == 0 && (base & 7) == 5) || base == X86_RSP)
			mode = 1, disp = (int8_t)rnd(256);
		g->bytes[g->len++] = (uint8_t)(mode << 6 | (reg_field & 7) << 3 |
					       (sib ? 4 : (base & 7)));
		rexbits |= (base & 8) ? 1 : 0;
		uint64_t iv = 0;
		if (sib) {
			/* 4: no index; RSP as base keeps a stack address */
			unsigned int idx = rnd(4) == 0 || base == X86_RSP ?
				4 : index;
			g->bytes[g->len++] = (uint8_t)(scale << 6 |
				(idx & 7) << 3 | (base & 7));
			rexbits |= (idx & 8) ? 2 : 0;
			if (idx != 4) {
				iv = rnd(0x400);
				g->st.gpr[idx] = a32 ? (iv | rnd64() << 32) : iv;
				iv <<= scale;
			}
		}
		put(g, (uint64_t)disp, mode == 1 ? 1 : mode == 2 ? 4 : 0);
		uint64_t bv = target - disp - iv;
		g->st.gpr[base] = a32 ? ((bv & 0xffffffff) | rnd64() << 32) : bv;
	}
	if (g->has_rex)
		g->bytes[g->rex_pos] |= rexbits;
}

/* Random registers, vector registers and arithmetic flags. */
static void random_state(struct gen *g, bool df)
{
	for (int i = 0; i < 16; i++)
		g->st.gpr[i] = interesting();
	g->st.gpr[X86_RSP] = SB_DATA_BASE + 0x4000 + (rnd(0x1000) & ~7u);
	if (bits == 16) /* SP in the 16-bit stack segment; ESP's top ignored */
		g->st.gpr[X86_RSP] = (g->st.gpr[X86_RSP] - SB_DATA_BASE) |
			rnd64() << 16;
	for (int i = 0; i < 16; i++)
		for (int j = 0; j < 32; j++)
			g->st.xmm[i][j] = (uint8_t)rnd64();
	for (int i = 0; i < 8; i++)
		g->st.mm[i] = rnd64();
	g->st.rflags = 0x202 | (rnd64() & X86_FL_ARITH);
	if (df && rnd(2))
		g->st.rflags |= X86_FL_DF;
}

/* Operand sizes a form has in the current mode (no 64-bit in 32-bit
 * code, where the default-64 stack forms push 32 bits instead). */
static unsigned int form_sizes(const struct form *f)
{
	if (bits == 64 || f->kind == K_VEX)
		return f->sizes;
	if (f->op == 0x63 && !f->two_byte) /* ARPL there, not MOVSXD */
		return 0;
	return (f->sizes & (S1 | S2 | S4)) |
		(f->kind == K_STACK && (f->sizes & S8) ? S4 : 0);
}

static unsigned int pick_size(const struct form *f)
{
	unsigned int n, sizes = form_sizes(f);

	do
		n = 1u << rnd(4);
	while (!(sizes & n));
	return n;
}

static bool sse_form(const struct form *f)
{
	static const uint8_t ops[] = { 0x10, 0x11, 0x28, 0x29, 0x2b, 0x6e,
		0x6f, 0x7e, 0x7f, 0xd6, 0xe7 };
	for (size_t i = 0; f->two_byte && i < sizeof(ops); i++)
		if (f->op == ops[i])
			return true;
	return false;
}

/* Prefixes, REX and opcode bytes. */
static void emit_head(struct gen *g, const struct form *f, unsigned int size,
		      bool lock, bool a32, bool rex)
{
	static const uint8_t ignored_seg[] = { 0x2e, 0x26, 0x36, 0x3e };

	if (lock)
		g->bytes[g->len++] = 0xf0;
	if (g->seg_pfx)
		g->bytes[g->len++] = g->seg_pfx;
	/* in 16-bit mode CS is based elsewhere: no CS override there */
	else if (rnd(8) == 0)
		g->bytes[g->len++] = ignored_seg[bits == 16 ? 1 + rnd(3) :
						 rnd(4)];
	/* 66 flips the default operand size (16 in 16-bit code); for the
	 * SSE forms it is a mandatory prefix the form names itself */
	if (!sse_form(f) && (bits == 16 ? size == 4 : size == 2))
		g->bytes[g->len++] = 0x66;
	if (a32)
		g->bytes[g->len++] = 0x67;
	if (f->pfx)
		g->bytes[g->len++] = f->pfx;
	g->has_rex = bits == 64 && (rex || size == 8);
	if (g->has_rex) {
		g->rex_pos = g->len;
		g->bytes[g->len++] = (uint8_t)(0x40 | (size == 8 ? 8 : 0));
	}
	if (f->two_byte)
		g->bytes[g->len++] = 0x0f;
	g->bytes[g->len++] = f->op;
}

static void emit_imm(struct gen *g, const struct form *f, unsigned int size)
{
	uint64_t v = interesting();

	if (f->imm == 1)
		put(g, v, 1);
	else if (f->imm == 2)
		put(g, v, size == 2 ? 2 : 4);
}

/* CMPXCHG8B/16B: half the time, memory holds EDX:EAX (RDX:RAX). */
static void make_cmpxchg8b_match(struct gen *g, unsigned int half)
{
	uint64_t off = g->target - SB_DATA_BASE;

	if (g->target < SB_DATA_BASE || off + 2 * half > SB_RO_PAGE - SB_DATA_BASE)
		return;
	memcpy(sandbox_data() + off, &g->st.gpr[X86_RAX], half);
	memcpy(sandbox_data() + off + half, &g->st.gpr[X86_RDX], half);
}

/* CMPXCHG: half the time, memory holds the accumulator's value. */
static void make_cmpxchg_match(struct gen *g, unsigned int size)
{
	uint64_t off = g->target - SB_DATA_BASE;

	if (g->target < SB_DATA_BASE || off + size > SB_RO_PAGE - SB_DATA_BASE)
		return;
	memcpy(sandbox_data() + off, &g->st.gpr[X86_RAX], size);
}

/* In 64-bit mode, now and then address through FS or GS, whose bases
 * (the host's TLS block and a base this test set) the CPU adds. */
static bool pick_fsgs(struct gen *g)
{
	if (bits != 64 || rnd(10) != 0)
		return false;
	bool fs = rnd(2);
	g->seg_pfx = fs ? 0x64 : 0x65;
	g->seg_base = fs ? fs_base : gs_base;
	return true;
}

static void gen_modrm(struct gen *g, const struct form *f)
{
	bool fsgs = pick_fsgs(g);
	unsigned int size = pick_size(f);
	bool mem = !f->reg_ok || rnd(5) != 0;
	bool a32 = !fsgs && bits != 32 && mem && rnd(4) == 0; /* 67 */
	bool lock = (f->lock && mem && rnd(3) == 0) || rnd(40) == 0;
	unsigned int reg = f->ext >= 0 ? (unsigned int)f->ext : rnd(16);

	g->imm_len = f->imm == 1 ? 1 : f->imm == 2 ? (size == 2 ? 2 : 4) : 0;
	emit_head(g, f, size, lock, a32, rnd(2) || reg >= 8);
	if (!g->has_rex)
		reg &= 7;
	if (g->has_rex && (reg & 8))
		g->bytes[g->rex_pos] |= 4;
	if (f->reg_is_bitoff) {
		int64_t off = (int64_t)rnd(4096) - 2048;
		uint64_t m = size_mask_host(size);
		g->st.gpr[reg] = (rnd64() & ~m) | ((uint64_t)off & m);
	}
	if (mem) {
		emit_mem(g, f, size, reg, a32, f->reg_is_bitoff ? (int)reg : -1);
	} else {
		unsigned int rm = rnd(g->has_rex ? 16 : 8);
		g->bytes[g->len++] = (uint8_t)(0xc0 | (reg & 7) << 3 | (rm & 7));
		if (rm & 8)
			g->bytes[g->rex_pos] |= 1;
	}
	emit_imm(g, f, size);
	if (mem && f->two_byte && f->op == 0xc7 && rnd(2))
		make_cmpxchg8b_match(g, size == 8 ? 8 : 4);
	if (mem && f->two_byte && (f->op == 0xb0 || f->op == 0xb1) && rnd(2))
		make_cmpxchg_match(g, size);
}

static void gen_moffs(struct gen *g, const struct form *f)
{
	unsigned int size = pick_size(f);
	bool fsgs = pick_fsgs(g);
	bool a32 = !fsgs && bits != 32 && rnd(3) == 0, wild;
	uint64_t target = pick_target(f, size, &wild) - data_seg_base() -
		g->seg_base;

	emit_head(g, f, size, rnd(40) == 0, a32, rnd(2));
	if (bits == 16)
		put(g, target, a32 ? 4 : 2);
	else
		put(g, target, bits == 64 && !a32 ? 8 : 4);
}

static void gen_stack(struct gen *g, const struct form *f)
{
	unsigned int size = pick_size(f);
	bool rex = bits == 64 && rnd(2);

	if (f->op == 0x50 || f->op == 0x58) {
		unsigned int r = rnd(rex ? 16 : 8);
		struct form f2 = *f;
		f2.op = (uint8_t)(f->op + (r & 7));
		emit_head(g, &f2, size, rnd(40) == 0, false, rex || r >= 8);
		if (r & 8)
			g->bytes[g->rex_pos] |= 1;
		return;
	}
	if (f->op == 0x68 || f->op == 0x6a) {
		emit_head(g, f, size, rnd(40) == 0, false, rex);
		emit_imm(g, f, size);
		return;
	}
	if (rnd(30) == 0) /* an odd stack pointer */
		g->st.gpr[X86_RSP] += rnd(8);
	gen_modrm(g, f);
}

static void gen_string(struct gen *g, const struct form *f)
{
	unsigned int size = pick_size(f);
	bool fsgs = pick_fsgs(g);
	bool a32 = !fsgs && bits != 32 && rnd(4) == 0;
	uint64_t span = 0x100;
	uint64_t si = SB_DATA_BASE + span + rnd(0x3000);
	uint64_t di = SB_DATA_BASE + 0x3400 + rnd(0x3000);

	if (rnd(3) == 0) { /* compares: make the blocks mostly equal */
		memcpy(sandbox_data() + (di - SB_DATA_BASE),
		       sandbox_data() + (si - SB_DATA_BASE) - 64, 192);
		di += 64;
	}
	if (rnd(4) == 0) /* SCAS for a value that is there */
		memcpy(&g->st.gpr[X86_RAX], sandbox_data() +
		       (di - SB_DATA_BASE) + 8 * rnd(4), 8);
	if (rnd(20) == 0) /* run into the read-only page: #PF midway */
		di = SB_DATA_BASE + SB_DATA_SIZE - 0x1000 - rnd(16);
	if (rnd(20) == 0) /* run off the end of the region */
		si = SB_DATA_BASE + SB_DATA_SIZE - rnd(24);
	emit_head(g, f, size, rnd(40) == 0, a32, rnd(2));
	si -= data_seg_base() + g->seg_base; /* the override is the source's */
	di -= data_seg_base();
	/* bits above the address size are garbage the CPU must ignore; with
	 * 32-bit addresses in 16-bit code a rare garbage bit is a #GP */
	unsigned int ad_bits = bits == 16 ? (a32 ? 32 : 16) : a32 ? 32 : 64;
	uint64_t junk = ad_bits == 64 ? 0 : rnd64() << ad_bits;
	uint64_t si_junk = junk, di_junk = junk;
	if (bits == 16 && a32) {
		/* one operand past its limit at a time: which of two bad
		 * operands faults first is not architectural (this AMD CPU
		 * answers differently for CMPSB and CMPSW) */
		junk = 0;
		bool si_edge = si > SB_DATA_SIZE - 0x100;
		si_junk = !si_edge && rnd(32) == 0 ? 1ull << (16 + rnd(16)) : 0;
		di_junk = !si_edge && !si_junk && rnd(32) == 0 ?
			1ull << (16 + rnd(16)) : 0;
	}
	g->st.gpr[X86_RSI] = si | si_junk;
	g->st.gpr[X86_RDI] = di | di_junk;
	g->st.gpr[X86_RCX] = rnd(18) | junk;
}

/*
 * VEX moves: the three-byte C4 prefix with R/X/B filled in once the
 * operand registers are known, random W (ignored by all but VMOVD/Q in
 * 64-bit mode), L from the form's sizes, and now and then a non-1111b
 * vvvv, which is #UD.
 */
static void gen_vex(struct gen *g, const struct form *f)
{
	static const uint8_t pp[256] = { [0x66] = 1, [0xf3] = 2, [0xf2] = 3 };
	unsigned int l = (f->sizes & S8) && rnd(2) ? 1 : 0;
	unsigned int vvvv = rnd(40) == 0 ? rnd(15) : 15;
	bool mem = !f->reg_ok || rnd(5) != 0;
	bool a32 = bits != 32 && mem && rnd(4) == 0;
	unsigned int reg = rnd(bits == 64 ? 16 : 8);
	struct form fa = *f;

	if (f->align && l)
		fa.align = 32;
	if (rnd(8) == 0)
		g->bytes[g->len++] = bits == 16 ? 0x3e : 0x2e;
	if (a32)
		g->bytes[g->len++] = 0x67;
	unsigned int vex1 = g->len + 1;
	g->bytes[g->len++] = 0xc4;
	g->bytes[g->len++] = 0;
	g->bytes[g->len++] = (uint8_t)(rnd(2) << 7 | vvvv << 3 | l << 2 |
				       pp[f->pfx]);
	g->bytes[g->len++] = f->op;
	g->has_rex = bits == 64;
	g->rex_pos = sizeof(g->bytes) - 1; /* REX bits collect here */
	g->bytes[g->rex_pos] = (reg & 8) ? 4 : 0;
	if (mem) {
		emit_mem(g, &fa, l ? 32 : 16, reg, a32, -1);
	} else {
		unsigned int rm = rnd(bits == 64 ? 16 : 8);
		g->bytes[g->len++] = (uint8_t)(0xc0 | (reg & 7) << 3 | (rm & 7));
		g->bytes[g->rex_pos] |= (rm & 8) ? 1 : 0;
	}
	g->bytes[vex1] = (uint8_t)(((~g->bytes[g->rex_pos] & 7) << 5) | 1);
}

/* Builds one case of form f into g (instruction bytes and state). */
static void gen_case(struct gen *g, const struct form *f)
{
	memset(g, 0, sizeof(*g));
	random_state(g, f->kind == K_STR);
	switch (f->kind) {
	case K_MODRM: gen_modrm(g, f); break;
	case K_MOFFS: gen_moffs(g, f); break;
	case K_STACK: gen_stack(g, f); break;
	case K_VEX: gen_vex(g, f); break;
	default: gen_string(g, f); break;
	}
}

static void fill_data(void)
{
	uint8_t *d = sandbox_data();

	mprotect_ro(false);
	for (uint32_t i = 0; i < SB_DATA_SIZE; i += 8) {
		uint64_t v = rnd(8) == 0 ? interesting() : rnd64();
		memcpy(d + i, &v, 8);
	}
	mprotect_ro(true);
}

struct verdict {
	unsigned int cases, faults, retries;
	char why[512];
};

static void describe(char *buf, size_t n, const struct gen *g,
		     const char *what)
{
	int k = snprintf(buf, n, "%s; bytes", what);
	for (unsigned int i = 0; i < g->len && k > 0 && (size_t)k < n; i++)
		k += snprintf(buf + k, n - (size_t)k, " %02x", g->bytes[i]);
}

/* All 16 registers in 64-bit mode; EAX..EDI (low halves) in 32-bit. */
static bool compare_gprs(const uint64_t *want, const uint64_t *got,
			 char *why, size_t n)
{
	uint64_t mask = bits == 64 ? ~0ull : 0xffffffffull;

	for (int i = 0; i < (bits == 64 ? 16 : 8); i++) {
		if ((want[i] ^ got[i]) & mask) {
			snprintf(why, n, "r%d cpu %#llx emulator %#llx", i,
				 (unsigned long long)want[i],
				 (unsigned long long)got[i]);
			return false;
		}
	}
	return true;
}

/*
 * CR2 for an access split across a present and a not-present page: the
 * fake (like a page walker) reports the first byte of the bad page; this
 * AMD host reports the start of the access for read-modify-write bit ops.
 * Both name the same access, so that pair is accepted.
 */
static bool split_access_cr2(uint64_t cpu, uint64_t emu)
{
	return (emu & 0xfff) == 0 && cpu < emu && emu - cpu < 16;
}

/*
 * Intel models differ where REP MOVS/STOS at 32-bit address size ends
 * without an iteration (ECX zero, or a fault on the first element): recent
 * ones clear the top of RSI/RDI, older ones leave it (Linux's KVM commit
 * "Fix zero iterations REP-string" and Xen's emulator say the same).  The
 * emulator follows the recent ones; on an Intel host a CPU that left a
 * pointer untouched there is taken as agreeing.
 */
static void intel_pointer_leeway(const struct gen *g, const struct form *f,
				 const uint64_t *emu_gpr, uint64_t *cpu_gpr)
{
	bool movs = (f->op & 0xfe) == 0xa4, stos = (f->op & 0xfe) == 0xaa;

	if (!host_intel || bits != 64 || f->kind != K_STR || !f->pfx ||
	    !(movs || stos) || !memchr(g->bytes, 0x67, g->len))
		return;
	for (int r = movs ? X86_RSI : X86_RDI; r <= X86_RDI; r++)
		if (cpu_gpr[r] == g->st.gpr[r] &&
		    emu_gpr[r] == (g->st.gpr[r] & 0xffffffffull))
			cpu_gpr[r] = emu_gpr[r];
}

/* Fills why[] with the first difference between the CPU's run (nr, cpu)
 * and the emulator's (rc, the fake guest fg and its vector state emu). */
static void compare(const struct gen *g, const struct form *f,
		    const struct run_result *nr, const struct cpu_state *cpu,
		    const struct fake_guest *fg, const struct cpu_state *emu,
		    int rc, char *why, size_t n)
{
	uint64_t mask = (X86_FL_ARITH | X86_FL_DF) & ~(uint64_t)f->undef;
	uint64_t addr = sandbox_insn_addr();
	const struct x86_event *ev = &fg->ctxt.event;
	uint64_t fault_gpr[16], cpu_gpr[16];

	memcpy(fault_gpr, nr->gpr, sizeof(fault_gpr));
	memcpy(cpu_gpr, cpu->gpr, sizeof(cpu_gpr));
	intel_pointer_leeway(g, f, fg->regs.gpr, fault_gpr);
	intel_pointer_leeway(g, f, fg->regs.gpr, cpu_gpr);
	if (nr->faulted) {
		if (rc != X86EMUL_EXCEPTION)
			snprintf(why, n, "cpu raised vector %u, emulator returned %d",
				 nr->vector, rc);
		else if (ev->vector != nr->vector)
			snprintf(why, n, "cpu raised vector %u, emulator %u",
				 nr->vector, ev->vector);
		else if (nr->vector == X86_EXC_PF && ev->cr2 != nr->cr2 &&
			 !split_access_cr2(nr->cr2, ev->cr2))
			snprintf(why, n, "#PF cr2 cpu %#llx emulator %#llx",
				 (unsigned long long)nr->cr2,
				 (unsigned long long)ev->cr2);
		else
			compare_gprs(fault_gpr, fg->regs.gpr, why, n);
	} else if (rc != X86EMUL_OKAY) {
		snprintf(why, n, "cpu ran it, emulator returned %d (vector %u)",
			 rc, ev->vector);
	} else if (!compare_gprs(cpu_gpr, fg->regs.gpr, why, n)) {
		;
	} else if ((cpu->rflags ^ fg->regs.rflags) & mask) {
		snprintf(why, n, "rflags cpu %#llx emulator %#llx",
			 (unsigned long long)cpu->rflags,
			 (unsigned long long)fg->regs.rflags);
	} else if (((fg->regs.rip + code_seg_base()) & 0xffffffffull) !=
		   addr + g->len) {
		snprintf(why, n, "rip advanced by %lld, length %u",
			 (long long)(fg->regs.rip + code_seg_base() - addr),
			 g->len);
	} else if (memcmp(cpu->xmm, emu->xmm, sizeof(emu->xmm)) ||
		   memcmp(cpu->mm, emu->mm, sizeof(emu->mm))) {
		snprintf(why, n, "vector registers differ");
	}
	if (!why[0] && memcmp(fg->mem, sandbox_data(), SB_DATA_SIZE)) {
		unsigned int i = 0;
		while (fg->mem[i] == sandbox_data()[i])
			i++;
		snprintf(why, n, "memory differs at %#llx: cpu %02x emulator %02x",
			 (unsigned long long)(SB_DATA_BASE + i),
			 sandbox_data()[i], fg->mem[i]);
	}
}

/* Runs one case both ways; false with v->why set on a difference. */
static bool run_case(const struct form *f, struct gen *g, struct verdict *v,
		     uint8_t *mem_copy)
{
	static struct fake_guest fg;
	struct cpu_state native = g->st, emu = g->st;
	char why[256] = "";
	uint64_t addr = sandbox_insn_addr();

	memcpy(mem_copy, sandbox_data(), SB_DATA_SIZE);
	if (getenv("X86EMU_TRACE")) {
		char b[300];
		describe(b, sizeof(b), g, f->name);
		fprintf(stderr, "case %s rsi %llx rdi %llx rcx %llx rsp %llx fl %llx\n",
			b, (unsigned long long)g->st.gpr[X86_RSI],
			(unsigned long long)g->st.gpr[X86_RDI],
			(unsigned long long)g->st.gpr[X86_RCX],
			(unsigned long long)g->st.gpr[X86_RSP],
			(unsigned long long)g->st.rflags);
	}
	struct run_result nr = sandbox_run(g->bytes, g->len, &native);

	fake_init(&fg, bits == 64 ? X86_MODE_LONG64 : bits == 32 ?
		  X86_MODE_PROT32 : X86_MODE_PROT16);
	if (bits == 32) /* the selectors Linux uses for compat tasks */
		for (int i = 0; i < 6; i++)
			fg.seg[i].sel = i == X86_SEG_CS ? 0x23 :
				i < X86_SEG_FS ? 0x2b : 0;
	if (bits == 64) {
		fg.seg[X86_SEG_FS].base = fs_base;
		fg.seg[X86_SEG_GS].base = gs_base;
	}
	if (bits == 16) /* the sandbox's LDT segments */
		for (int i = 0; i < X86_SEG_FS; i++) {
			bool cs = i == X86_SEG_CS;
			fg.seg[i].sel = cs ? 0x07 : 0x0f;
			fg.seg[i].base = cs ? SB_CODE_BASE : SB_DATA_BASE;
			fg.seg[i].limit = cs ? 0xffff : SB_DATA_SIZE - 1;
		}
	fg.vec = &emu;
	fg.mem = mem_copy;
	fg.mem_base = SB_DATA_BASE;
	fg.mem_size = SB_DATA_SIZE;
	fg.ro_page = SB_RO_PAGE;
	fg.code_base = SB_CODE_BASE;
	fg.code = (const uint8_t *)SB_CODE_BASE;
	fg.code_size = 0x8000;
	fg.retry_percent = rnd(3) == 0 ? 30 : 0;
	fg.batch_io = rnd(2); /* batched rep_movs/rep_stos half the time */
	fg.ctxt.max_reps = 1 + rnd(8);
	fg.ctxt.intel = host_intel;
	fg.rng = (uint32_t)rnd64();
	memcpy(fg.regs.gpr, emu.gpr, sizeof(fg.regs.gpr));
	fg.regs.rflags = emu.rflags;
	fg.regs.rip = addr - code_seg_base();
	int rc = fake_run(&fg);
	v->cases++;
	v->retries += fg.retries;
	if (rc == X86EMUL_EXCEPTION)
		v->faults++;

	compare(g, f, &nr, &native, &fg, &emu, rc, why, sizeof(why));
	if (!why[0])
		return true;
	describe(v->why, sizeof(v->why), g, why);
	(void)f;
	return false;
}

/* Some hosts (kernels without IA32 emulation, paravirtualized sandboxes)
 * fault on any code outside 64-bit mode: probe with a NOP. */
static bool host_runs_mode(void)
{
	static const uint8_t nop = 0x90;
	struct cpu_state s = { .rflags = 0x202 };

	return !sandbox_run(&nop, 1, &s).faulted;
}

int main(int argc, char **argv)
{
	unsigned int per_form = argc > 1 ? (unsigned int)atoi(argv[1]) : 2000;
	rng_state = argc > 2 ? strtoull(argv[2], NULL, 0) : 0x5eed1234abcdull;
	static uint8_t mem_copy[SB_DATA_SIZE];
	unsigned int failed = 0, total = 0, faults = 0;

	setvbuf(stdout, NULL, _IOLBF, 0);

	gs_base = 0x20000000;
	host_intel = __builtin_cpu_is("intel");
	printf("INFO: host CPU vendor %s; the emulator models its REP quirks\n",
	       host_intel ? "Intel" : "not Intel");
	if (syscall(SYS_arch_prctl, ARCH_GET_FS, &fs_base) != 0 ||
	    syscall(SYS_arch_prctl, ARCH_SET_GS, gs_base) != 0) {
		printf("FAIL: x86emu differential sandbox - arch_prctl FS/GS\n");
		return 1;
	}
	if (!sandbox_init()) {
		printf("FAIL: x86emu differential sandbox - cannot map fixed regions\n");
		return 1;
	}
	for (size_t k = 0; k < 3 * NFORMS; k++) {
		const struct form *f = &forms[k % NFORMS];
		struct verdict v = { 0 };
		struct gen g;
		bool ok = true;
		if (k % NFORMS == 0 && k) {
			bits = k == NFORMS ? 32 : 16;
			if (!sandbox_set_mode(bits)) {
				printf("FAIL: x86emu differential sandbox - cannot enter %u-bit mode\n",
				       bits);
				failed++;
				break;
			}
			if (!host_runs_mode()) {
				printf("SKIP: %u-bit forms: this host cannot run %u-bit code (a NOP there faults), so there is no CPU to compare with\n",
				       bits, bits);
				k += NFORMS - 1;
				continue;
			}
		}
		if (!form_sizes(f) ||
		    (f->kind == K_VEX && !sandbox_has_avx()))
			continue;
		for (unsigned int n = 0; n < per_form && ok; n++) {
			if (n % 64 == 0)
				fill_data();
			gen_case(&g, f);
			ok = run_case(f, &g, &v, mem_copy);
		}
		total += v.cases;
		faults += v.faults;
		const char *mode = bits == 64 ? "64-bit" : bits == 32 ?
			"32-bit" : "16-bit";
		if (ok) {
			printf("PASS: %s (%s) matches the CPU on %u cases (%u faulting, %u retries)\n",
			       f->name, mode, v.cases, v.faults, v.retries);
		} else {
			printf("FAIL: %s (%s) matches the CPU - %s\n", f->name,
			       mode, v.why);
			failed++;
		}
	}
	fprintf(stderr, "diff: %zu forms in 64-, 32- and 16-bit mode, %u cases, %u faulting, %u failed\n",
		NFORMS, total, faults, failed);
	return failed ? 1 : 0;
}
