/*
 * Table test for what the host CPU cannot run natively here: real mode,
 * 16- and 32-bit protected mode (segment bases, limits, expand-down,
 * read-only and null segments, 16-bit wrap-around, 16-bit stack in 32-bit
 * code), plus 64-bit cases that need a device or a special guest (port
 * I/O, batched and resumed REP strings, #NM/#UD of SSE, instruction fetch
 * across a missing page, CS limit).  Each row gives bytes, the expected
 * length, and the expected result: registers, memory, port traffic or the
 * exception.  Expected values were worked out from the SDM by hand.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "fake.h"

/* Rows leave their trailing fields out when they have nothing to check. */
#pragma GCC diagnostic ignored "-Wmissing-field-initializers"

enum { AX, CX, DX, BX, SP, BP, SI, DI };
enum { RC_OK = X86EMUL_OKAY, RC_NO = X86EMUL_UNHANDLEABLE,
       RC_EXC = X86EMUL_EXCEPTION };

#define DS_BASE 0x1000u
#define SS_BASE 0x2000u
#define ES_BASE 0x3000u
#define MEM_SIZE 0x20000u

struct reg_value { int8_t reg; uint64_t val; };

struct mcase {
	const char *what;
	enum x86_mode mode;
	const char *bytes;          /* hex */
	unsigned int len;           /* decoder length */
	int rc;
	uint8_t vector;             /* with RC_EXC */
	struct reg_value set[4];    /* reg -1 ends */
	uint64_t preset_addr;       /* guest memory filled before the run */
	const char *preset;
	struct reg_value want[4];
	uint64_t want_addr;         /* guest memory expected after */
	const char *want_mem;
	void (*tweak)(struct fake_guest *g);
	bool (*extra)(const struct fake_guest *g); /* further checks */
	uint32_t fl_mask, fl_want;  /* RFLAGS bits to check, their values */
};

#define FL_CZAP (X86_FL_CF | X86_FL_ZF | X86_FL_AF | X86_FL_PF)

#define END { -1, 0 }
#define R(r, v) { r, v }

static void ds_read_only(struct fake_guest *g) { g->seg[X86_SEG_DS].type = 0x1; }
static void ds_null(struct fake_guest *g) { g->seg[X86_SEG_DS].unusable = true; }
static void ss_expand_down(struct fake_guest *g)
{
	g->seg[X86_SEG_SS].type = 0x7;
	g->seg[X86_SEG_SS].limit = 0xfff;
}
static void ss_16bit(struct fake_guest *g)
{
	g->seg[X86_SEG_SS].db = false;
	g->seg[X86_SEG_SS].limit = 0xffff;
}
static void batched(struct fake_guest *g) { g->batch_io = true; }
static void df_set(struct fake_guest *g) { g->regs.rflags |= X86_FL_DF; }
static void batch_df(struct fake_guest *g)
{
	g->batch_io = true;
	g->regs.rflags |= X86_FL_DF;
}
static void two_reps(struct fake_guest *g) { g->ctxt.max_reps = 2; }
static void intel(struct fake_guest *g) { g->ctxt.intel = true; }
static void cr0_ts(struct fake_guest *g) { g->cr0 |= 8; }
static void cr4_no_osfxsr(struct fake_guest *g) { g->cr4 &= ~0x200ull; }
static void cr4_no_osxsave(struct fake_guest *g) { g->cr4 &= ~(1ull << 18); }
static void fs_base(struct fake_guest *g) { g->seg[X86_SEG_FS].base = 0x5000; }
static void page_end(struct fake_guest *g)
{
	g->regs.rip = 0xffe; /* two bytes before a missing page */
}
static void cs_limit(struct fake_guest *g) { g->seg[X86_SEG_CS].limit = 0x7c00; }

static void zf_clear(struct fake_guest *g) { g->regs.rflags &= ~(uint64_t)X86_FL_ZF; }

static bool port_read_5(const struct fake_guest *g)
{
	return g->port_reads == 5 && g->batch_calls == 1;
}
static bool port_wrote_eax(const struct fake_guest *g)
{
	return g->port_log_len == 1 && g->port_log[0] == 0x89abcdef &&
		g->port_log_port[0] == 0x3f8;
}
static bool port_wrote_543(const struct fake_guest *g)
{
	return g->port_log_len == 3 && g->port_log[0] == 5 &&
		g->port_log[1] == 4 && g->port_log[2] == 3;
}
static bool ymm0_loaded(const struct fake_guest *g)
{
	return g->vec->xmm[0][0] == 1 && g->vec->xmm[0][31] == 0x20;
}

static bool one_batch(const struct fake_guest *g)
{
	return g->batch_calls == 1;
}

static bool stayed_on_insn(const struct fake_guest *g)
{
	return g->regs.rip == 0x7c00;
}

static const struct mcase cases[] = {
	/* real mode: DS 0x1000, SS 0x2000, ES 0x3000, limits 0xffff */
	{ "real: MOV [BX],AX writes DS:BX", X86_MODE_REAL, "89 07", 2, RC_OK, 0,
	  { R(BX, 0x10), R(AX, 0xbeef), END }, 0, 0, { END },
	  DS_BASE + 0x10, "ef be" },
	{ "real: MOV AX,[BP+4] reads SS and keeps RAX's upper bits", X86_MODE_REAL,
	  "8b 46 04", 3, RC_OK, 0, { R(BP, 0x20), R(AX, 0xffff0000ffff0000ull), END },
	  SS_BASE + 0x24, "34 12", { R(AX, 0xffff0000ffff1234ull), END } },
	{ "real: 66 makes MOV store 32 bits", X86_MODE_REAL, "66 89 07", 3, RC_OK, 0,
	  { R(BX, 0), R(AX, 0xdeadbeef), END }, 0, 0, { END }, DS_BASE, "ef be ad de" },
	{ "real: 67 gives 32-bit addressing, [ESP] in SS", X86_MODE_REAL,
	  "67 89 04 24", 4, RC_OK, 0, { R(SP, 0x30), R(AX, 0x5566), END }, 0, 0,
	  { END }, SS_BASE + 0x30, "66 55" },
	{ "real: MOV moffs16,AX", X86_MODE_REAL, "a3 34 12", 3, RC_OK, 0,
	  { R(AX, 0x4321), END }, 0, 0, { END }, DS_BASE + 0x1234, "21 43" },
	{ "real: MOV word [BP+disp16] with an imm16", X86_MODE_REAL,
	  "c7 86 34 12 cd ab", 6, RC_OK, 0, { R(BP, 0), END }, 0, 0, { END },
	  SS_BASE + 0x1234, "cd ab" },
	{ "real: ES override", X86_MODE_REAL, "26 88 1e 00 01", 5, RC_OK, 0,
	  { R(BX, 0x77), END }, 0, 0, { END }, ES_BASE + 0x100, "77" },
	{ "real: REP MOVSB wraps SI at 64 KiB", X86_MODE_REAL, "f3 a4", 2, RC_OK, 0,
	  { R(CX, 3), R(SI, 0xffff), R(DI, 0x10), END }, DS_BASE, "bb cc",
	  { R(SI, 2), R(DI, 0x13), R(CX, 0), END }, ES_BASE + 0x10, "00 bb cc" },
	{ "real: PUSH word [0x100] wraps SP, keeps RSP's upper bits", X86_MODE_REAL,
	  "ff 36 00 01", 4, RC_OK, 0, { R(SP, 0x12340000), END }, DS_BASE + 0x100,
	  "11 22", { R(SP, 0x1234fffe), END }, SS_BASE + 0xfffe, "11 22" },
	{ "real: word read at DS:FFFF is #GP", X86_MODE_REAL, "8b 07", 2, RC_EXC,
	  X86_EXC_GP, { R(BX, 0xffff), END } },
	{ "real: [BP-1] past the SS limit is #SS", X86_MODE_REAL, "8b 46 ff", 3,
	  RC_EXC, X86_EXC_SS, { R(BP, 0), END } },
	{ "real: BT [BX],AX with a negative bit offset reaches below BX",
	  X86_MODE_REAL, "0f a3 07", 3, RC_OK, 0, { R(BX, 0x100), R(AX, 0xfff8), END },
	  DS_BASE + 0xff, "01 00", { END }, 0, 0, 0, 0, X86_FL_CF, X86_FL_CF },
	{ "real: SETNE [DI] with ZF clear stores 1", X86_MODE_REAL, "0f 95 05", 3,
	  RC_OK, 0, { R(DI, 0x40), END }, DS_BASE + 0x40, "ff", { END },
	  DS_BASE + 0x40, "01", zf_clear },
	{ "real: PUSH simm8 pushes a sign-extended word", X86_MODE_REAL, "6a 80", 2,
	  RC_OK, 0, { R(SP, 0x100), END }, 0, 0, { R(SP, 0xfe), END },
	  SS_BASE + 0xfe, "80 ff" },
	/* 32-bit protected mode, same bases, 4 GiB limits */
	{ "prot32: ADD dword [EBX],1 wraps to 0 with CF ZF AF PF", X86_MODE_PROT32,
	  "83 03 01", 3, RC_OK, 0, { R(BX, 0x80), END }, DS_BASE + 0x80,
	  "ff ff ff ff", { END }, DS_BASE + 0x80, "00 00 00 00", 0, 0, FL_CZAP,
	  FL_CZAP },
	{ "prot32: MOVZX EAX,byte [ESI]", X86_MODE_PROT32, "0f b6 06", 3, RC_OK, 0,
	  { R(SI, 0x90), R(AX, ~0ull), END }, DS_BASE + 0x90, "fe",
	  { R(AX, 0xfe), END } },
	{ "prot32: XCHG [EBX],ECX swaps", X86_MODE_PROT32, "87 0b", 2, RC_OK, 0,
	  { R(BX, 0x20), R(CX, 0xcafef00d), END }, DS_BASE + 0x20, "01 02 03 04",
	  { R(CX, 0x04030201), END }, DS_BASE + 0x20, "0d f0 fe ca" },
	{ "prot32: POP [ESP+4] addresses with the incremented ESP",
	  X86_MODE_PROT32, "8f 44 24 04", 4, RC_OK, 0, { R(SP, 0x100), END },
	  SS_BASE + 0x100, "78 56 34 12", { R(SP, 0x104), END }, SS_BASE + 0x108,
	  "78 56 34 12" },
	{ "prot32: MOV [ESP],EAX uses SS", X86_MODE_PROT32, "89 04 24", 3, RC_OK, 0,
	  { R(SP, 0x40), R(AX, 0x11223344), END }, 0, 0, { END },
	  SS_BASE + 0x40, "44 33 22 11" },
	{ "prot32: ModRM 05 is disp32, not RIP-relative", X86_MODE_PROT32,
	  "8b 05 00 01 00 00", 6, RC_OK, 0, { R(AX, ~0ull), END }, DS_BASE + 0x100,
	  "78 56 34 12", { R(AX, 0x12345678), END } },
	{ "prot32: moffs32", X86_MODE_PROT32, "a1 00 01 00 00", 5, RC_OK, 0,
	  { END }, DS_BASE + 0x100, "01 02 03 04", { R(AX, 0x04030201), END } },
	{ "prot32: 67 gives 16-bit [BX+SI]", X86_MODE_PROT32, "67 8b 00", 3, RC_OK, 0,
	  { R(BX, 0x10), R(SI, 0x5), END }, DS_BASE + 0x15, "aa bb cc dd",
	  { R(AX, 0xddccbbaa), END } },
	{ "prot32: C4 with a memory ModRM is LES (refused)", X86_MODE_PROT32,
	  "c4 07", 2, RC_NO, 0, { END } },
	{ "prot32: C5 F8 77 is VZEROUPPER (VEX, refused)", X86_MODE_PROT32,
	  "c5 f8 77", 3, RC_NO, 0, { END } },
	{ "prot32: 48 is DEC EAX, not REX.W", X86_MODE_PROT32, "48 89 07", 1, RC_NO,
	  0, { END } },
	{ "prot32: write through a read-only DS is #GP", X86_MODE_PROT32, "89 07",
	  2, RC_EXC, X86_EXC_GP, { R(DI, 0x10), END }, 0, 0, { END }, 0, 0,
	  ds_read_only },
	{ "prot32: read through a read-only DS works", X86_MODE_PROT32, "8b 07", 2,
	  RC_OK, 0, { R(DI, 0x10), END }, DS_BASE + 0x10, "01 00 00 80",
	  { R(AX, 0x80000001), END }, 0, 0, ds_read_only },
	{ "prot32: expand-down SS at or below its limit is #SS", X86_MODE_PROT32,
	  "89 04 24", 3, RC_EXC, X86_EXC_SS, { R(SP, 0x800), END }, 0, 0, { END },
	  0, 0, ss_expand_down },
	{ "prot32: expand-down SS above its limit works", X86_MODE_PROT32,
	  "89 04 24", 3, RC_OK, 0, { R(SP, 0x4000), R(AX, 0x01020304), END }, 0, 0,
	  { END }, SS_BASE + 0x4000, "04 03 02 01", ss_expand_down },
	{ "prot32: null DS is #GP", X86_MODE_PROT32, "8b 07", 2, RC_EXC, X86_EXC_GP,
	  { END }, 0, 0, { END }, 0, 0, ds_null },
	{ "prot32: PUSH dword [EAX] on a 16-bit stack wraps SP", X86_MODE_PROT32,
	  "ff 30", 2, RC_OK, 0, { R(SP, 0x12340000), R(AX, 0x100), END },
	  DS_BASE + 0x100, "0d 0c 0b 0a", { R(SP, 0x1234fffc), END },
	  SS_BASE + 0xfffc, "0d 0c 0b 0a", ss_16bit },
	/* 16-bit protected mode */
	{ "prot16: CMPXCHG [BX],CX stores CX when AX matches", X86_MODE_PROT16,
	  "0f b1 0f", 3, RC_OK, 0, { R(BX, 0x30), R(AX, 0x1234), R(CX, 0xbeef), END },
	  DS_BASE + 0x30, "34 12", { R(AX, 0x1234), END }, DS_BASE + 0x30, "ef be",
	  0, 0, X86_FL_ZF, X86_FL_ZF },
	{ "prot16: CMPXCHG [BX],CX loads AX on mismatch", X86_MODE_PROT16,
	  "0f b1 0f", 3, RC_OK, 0, { R(BX, 0x30), R(AX, 0x1111), R(CX, 0xbeef), END },
	  DS_BASE + 0x30, "34 12", { R(AX, 0x1234), END }, DS_BASE + 0x30, "34 12",
	  0, 0, X86_FL_ZF, 0 },
	{ "prot16: 66 REP STOSD stores dwords and steps DI by 4", X86_MODE_PROT16,
	  "66 f3 ab", 3, RC_OK, 0, { R(CX, 2), R(DI, 0x10), R(AX, 0x11223344), END },
	  0, 0, { R(CX, 0), R(DI, 0x18), END }, ES_BASE + 0x10,
	  "44 33 22 11 44 33 22 11" },
	{ "prot16: MOV word [BX+2],imm16", X86_MODE_PROT16, "c7 47 02 34 12", 5,
	  RC_OK, 0, { R(BX, 0x40), END }, 0, 0, { END }, DS_BASE + 0x42, "34 12" },
	{ "prot16: 66 ED is IN EAX,DX", X86_MODE_PROT16, "66 ed", 2, RC_OK, 0,
	  { R(AX, 0xffffffff00000000ull), R(DX, 0x60), END }, 0, 0,
	  { R(AX, 0x44332211), END } },
	/* 64-bit mode cases that need a device or a special guest */
	{ "long: MOV RAX,moffs64", X86_MODE_LONG64,
	  "48 a1 00 01 00 00 00 00 00 00", 10, RC_OK, 0, { END }, 0x100,
	  "01 02 03 04 05 06 07 08", { R(AX, 0x0807060504030201ull), END } },
	{ "long: 66 E8 is a 6-byte near call (refused)", X86_MODE_LONG64,
	  "66 e8 00 00 00 00", 6, RC_NO, 0, { END } },
	{ "long: 15 prefixes and an opcode is #GP", X86_MODE_LONG64,
	  "66 66 66 66 66 66 66 66 66 66 66 66 66 66 66 89 07", 0, RC_EXC,
	  X86_EXC_GP, { END } },
	{ "long: LOCK MOV is #UD", X86_MODE_LONG64, "f0 89 07", 3, RC_EXC,
	  X86_EXC_UD, { R(DI, 0x100), END } },
	{ "long: non-canonical [RBP] is #SS", X86_MODE_LONG64, "89 45 00", 3,
	  RC_EXC, X86_EXC_SS, { R(BP, 0x8000000000000000ull), END } },
	{ "long: FS override adds the FS base", X86_MODE_LONG64, "64 89 07", 3,
	  RC_OK, 0, { R(DI, 0x10), R(AX, 0xa1b2c3d4), END }, 0, 0, { END },
	  0x5010, "d4 c3 b2 a1", fs_base },
	{ "long: IN AL,imm8 keeps RAX's upper bits", X86_MODE_LONG64, "e4 60", 2,
	  RC_OK, 0, { R(AX, 0x1234567890abcdefull), END }, 0, 0,
	  { R(AX, 0x1234567890abcd11ull), END } },
	{ "long: OUT DX,EAX sends EAX to port DX", X86_MODE_LONG64, "ef", 1, RC_OK,
	  0, { R(AX, 0x0123456789abcdefull), R(DX, 0x103f8), END }, 0, 0, { END },
	  0, 0, 0, port_wrote_eax },
	{ "long: REP INSW in one batched request", X86_MODE_LONG64, "66 f3 6d", 3,
	  RC_OK, 0, { R(CX, 5), R(DI, 0x100), R(DX, 0x1f0), END }, 0, 0,
	  { R(CX, 0), R(DI, 0x10a), END }, 0x100,
	  "11 22 12 23 13 24 14 25 15 26", batched, port_read_5 },
	{ "long: REP STOSD to memory in one batched request", X86_MODE_LONG64,
	  "f3 ab", 2, RC_OK, 0, { R(CX, 3), R(DI, 0x100), R(AX, 0x11223344), END },
	  0, 0, { R(CX, 0), R(DI, 0x10c), END }, 0x100,
	  "44 33 22 11 44 33 22 11 44 33 22 11", batched, one_batch },
	{ "long: REP MOVSW backwards in one batched request", X86_MODE_LONG64,
	  "66 f3 a5", 3, RC_OK, 0, { R(CX, 2), R(SI, 0x102), R(DI, 0x202), END },
	  0x100, "aa bb cc dd", { R(CX, 0), R(SI, 0xfe), R(DI, 0x1fe), END },
	  0x200, "aa bb cc dd", batch_df, one_batch },
	{ "long: REP OUTSB backwards (DF=1)", X86_MODE_LONG64, "f3 6e", 2, RC_OK, 0,
	  { R(CX, 3), R(SI, 0x104), END }, 0x100, "01 02 03 04 05",
	  { R(CX, 0), R(SI, 0x101), END }, 0, 0, df_set, port_wrote_543 },
	{ "long: REP STOSB stops after max_reps and stays on the insn",
	  X86_MODE_LONG64, "f3 aa", 2, RC_OK, 0,
	  { R(CX, 5), R(DI, 0x100), R(AX, 0x5a), END }, 0, 0,
	  { R(CX, 3), R(DI, 0x102), END }, 0x100, "5a 5a 00", two_reps,
	  stayed_on_insn },
	{ "long: Intel: 67 REP MOVSB, ECX=0 clears the top of RCX, RSI, RDI",
	  X86_MODE_LONG64, "67 f3 a4", 3, RC_OK, 0,
	  { R(CX, 0x500000000), R(SI, 0x600000100), R(DI, 0x700000200), END },
	  0, 0, { R(CX, 0), R(SI, 0x100), R(DI, 0x200), END }, 0, 0, intel },
	{ "long: Intel: 67 REP LODSB, ECX=0 clears the top of RCX only",
	  X86_MODE_LONG64, "67 f3 ac", 3, RC_OK, 0,
	  { R(CX, 0x500000000), R(SI, 0x600000100), END }, 0, 0,
	  { R(CX, 0), R(SI, 0x600000100), END }, 0, 0, intel },
	{ "long: Intel: 67 REP LODSB faulting on its first byte clears RCX's top",
	  X86_MODE_LONG64, "67 f3 ac", 3, RC_EXC, X86_EXC_PF,
	  { R(CX, 0x500000003), R(SI, 0x6fff00000), END }, 0, 0,
	  { R(CX, 3), R(SI, 0x6fff00000), END }, 0, 0, intel },
	{ "long: AMD: 67 REP LODSB faulting on its first byte changes nothing",
	  X86_MODE_LONG64, "67 f3 ac", 3, RC_EXC, X86_EXC_PF,
	  { R(CX, 0x500000003), R(SI, 0x6fff00000), END }, 0, 0,
	  { R(CX, 0x500000003), R(SI, 0x6fff00000), END } },
	{ "long: AMD: 67 REP MOVSB, ECX=0 leaves RCX, RSI, RDI",
	  X86_MODE_LONG64, "67 f3 a4", 3, RC_OK, 0,
	  { R(CX, 0x500000000), R(SI, 0x600000100), R(DI, 0x700000200), END },
	  0, 0, { R(CX, 0x500000000), R(SI, 0x600000100), R(DI, 0x700000200),
	  END } },
	{ "long: MOVUPS with CR0.TS is #NM", X86_MODE_LONG64, "0f 11 07", 3,
	  RC_EXC, X86_EXC_NM, { R(DI, 0x100), END }, 0, 0, { END }, 0, 0, cr0_ts },
	{ "long: MOVUPS without CR4.OSFXSR is #UD", X86_MODE_LONG64, "0f 11 07", 3,
	  RC_EXC, X86_EXC_UD, { R(DI, 0x100), END }, 0, 0, { END }, 0, 0,
	  cr4_no_osfxsr },
	{ "long: VMOVDQU ymm without CR4.OSXSAVE is #UD", X86_MODE_LONG64,
	  "c5 fe 6f 07", 4, RC_EXC, X86_EXC_UD, { R(DI, 0x100), END }, 0, 0,
	  { END }, 0, 0, cr4_no_osxsave },
	{ "long: VMOVD with VEX.L=1 is #UD", X86_MODE_LONG64, "c5 fd 6e 07", 4,
	  RC_EXC, X86_EXC_UD, { R(DI, 0x100), END } },
	{ "long: a 66 prefix before VEX is #UD", X86_MODE_LONG64, "66 c5 fe 6f 07",
	  5, RC_EXC, X86_EXC_UD, { R(DI, 0x100), END } },
	{ "long: VMOVDQU ymm load writes all 32 bytes", X86_MODE_LONG64,
	  "c5 fe 6f 07", 4, RC_OK, 0, { R(DI, 0x100), END }, 0x100,
	  "01 02 03 04 05 06 07 08 09 0a 0b 0c 0d 0e 0f 10 11 12 13 14 15 16 17 18 19 1a 1b 1c 1d 1e 1f 20",
	  { END }, 0, 0, 0, ymm0_loaded },
	{ "long: MOVQ mm store ignores CR4.OSFXSR", X86_MODE_LONG64, "0f 7f 07", 3,
	  RC_OK, 0, { R(DI, 0x100), END }, 0, 0, { END }, 0x100,
	  "5a 5a 5a 5a 5a 5a 5a 5a", cr4_no_osfxsr },
	{ "long: a 2-byte insn at a page end does not fetch the next page",
	  X86_MODE_LONG64, "89 07", 2, RC_OK, 0, { R(DI, 0x100), R(AX, 7), END },
	  0, 0, { END }, 0x100, "07 00 00 00", page_end },
	{ "long: an insn running into a missing page faults on that page",
	  X86_MODE_LONG64, "c7 07 44 33 22 11", 6, RC_EXC, X86_EXC_PF,
	  { R(DI, 0x100), END }, 0, 0, { END }, 0, 0, page_end },
	{ "prot32: an insn crossing the CS limit is #GP", X86_MODE_PROT32,
	  "89 07", 2, RC_EXC, X86_EXC_GP, { END }, 0, 0, { END }, 0, 0, cs_limit },
};

static unsigned int parse_hex(const char *s, uint8_t *out, unsigned int max)
{
	unsigned int n = 0;

	while (s && *s && n < max) {
		char *end;
		unsigned long v = strtoul(s, &end, 16);
		if (end == s)
			break;
		out[n++] = (uint8_t)v;
		s = end;
	}
	return n;
}

/* The code page: the instruction at RIP, NOPs around it, nothing mapped
 * after it (fetches past the page fault). */
static void place_code(struct fake_guest *g, const uint8_t *code,
		       unsigned int n)
{
	static uint8_t page[0x1000];
	uint64_t off = g->regs.rip & 0xfff;

	memset(page, 0x90, sizeof(page));
	memcpy(page + off, code, n < 0x1000 - off ? n : 0x1000 - off);
	g->code = page;
	g->code_base = g->regs.rip & ~0xfffull;
	g->code_size = 0x1000;
}

static void setup(struct fake_guest *g, struct cpu_state *vec, uint8_t *mem,
		  const struct mcase *c, uint8_t *code, unsigned int n)
{
	bool real = c->mode == X86_MODE_REAL;
	static const uint32_t base[6] = { ES_BASE, 0, SS_BASE, DS_BASE, 0, 0 };

	fake_init(g, c->mode);
	if (c->mode != X86_MODE_LONG64)
		for (int i = 0; i < 6; i++) {
			g->seg[i].base = base[i];
			g->seg[i].sel = (uint16_t)(base[i] >> 4);
			if (real)
				g->seg[i].limit = 0xffff;
		}
	memset(vec, 0x5a, sizeof(*vec));
	memset(mem, 0, MEM_SIZE);
	g->vec = vec;
	g->mem = mem;
	g->mem_size = MEM_SIZE;
	g->regs.rip = 0x7c00;
	g->port_in_next = 0x44332211;
	for (int i = 0; i < 4 && c->set[i].reg >= 0; i++)
		g->regs.gpr[c->set[i].reg] = c->set[i].val;
	if (c->preset)
		parse_hex(c->preset, mem + c->preset_addr, 64);
	if (c->tweak)
		c->tweak(g);
	place_code(g, code, n);
}

/* Runs one row; returns NULL or what went wrong. */
static const char *run(const struct mcase *c, char *why, size_t n)
{
	static struct fake_guest g;
	static struct cpu_state vec;
	static uint8_t mem[MEM_SIZE];
	uint8_t code[32], want[64];
	unsigned int len = parse_hex(c->bytes, code, sizeof(code));
	struct x86_insn in;
	enum x86_decode_rc drc = x86_decode(code, len, c->mode, &in);

	if (c->len && (drc == X86_DEC_SHORT || in.len != c->len))
		return snprintf(why, n, "decoder length %u (rc %d), want %u",
				in.len, drc, c->len), why;
	setup(&g, &vec, mem, c, code, len);
	uint64_t rip0 = g.regs.rip;
	int rc = x86_emulate(&g.ctxt, g.batch_io ? &fake_ops_batch : &fake_ops);
	if (rc != c->rc)
		return snprintf(why, n, "result %d (vector %u), want %d", rc,
				g.ctxt.event.vector, c->rc), why;
	if (rc == RC_EXC && g.ctxt.event.vector != c->vector)
		return snprintf(why, n, "vector %u, want %u", g.ctxt.event.vector,
				c->vector), why;
	if (rc == RC_OK && !c->extra && g.regs.rip != rip0 + c->len)
		return snprintf(why, n, "rip moved by %lld",
				(long long)(g.regs.rip - rip0)), why;
	for (int i = 0; i < 4 && c->want[i].reg >= 0; i++)
		if (g.regs.gpr[c->want[i].reg] != c->want[i].val)
			return snprintf(why, n, "reg %d = %#llx, want %#llx",
					c->want[i].reg,
					(unsigned long long)g.regs.gpr[c->want[i].reg],
					(unsigned long long)c->want[i].val), why;
	if (c->want_mem) {
		unsigned int wl = parse_hex(c->want_mem, want, sizeof(want));
		if (memcmp(mem + c->want_addr, want, wl))
			return snprintf(why, n, "memory at %#llx differs",
					(unsigned long long)c->want_addr), why;
	}
	if (c->extra && !c->extra(&g))
		return snprintf(why, n, "device-side check failed"), why;
	if ((g.regs.rflags & c->fl_mask) != c->fl_want)
		return snprintf(why, n, "rflags %#llx, want %#x under %#x",
				(unsigned long long)g.regs.rflags, c->fl_want,
				c->fl_mask), why;
	return NULL;
}

/*
 * REP INSB whose third port read waits for the device: the first call
 * must return RETRY with two bytes stored and RDI/RCX advanced by two, RIP
 * still on the instruction; the second call finishes the rest.
 */
static const char *ins_restart(char *why, size_t n)
{
	static struct fake_guest g;
	static struct cpu_state vec;
	static uint8_t mem[MEM_SIZE];
	static const struct mcase c = { .mode = X86_MODE_LONG64,
		.set = { R(CX, 5), R(DI, 0x100), R(DX, 0x60), END } };
	uint8_t code[] = { 0xf3, 0x6c };

	setup(&g, &vec, mem, &c, code, sizeof(code));
	g.retry_at_read = 3;
	int rc = x86_emulate(&g.ctxt, &fake_ops);
	if (rc != X86EMUL_RETRY || g.regs.rip != 0x7c00 ||
	    g.regs.gpr[CX] != 3 || g.regs.gpr[DI] != 0x102 ||
	    mem[0x100] != 0x11 || mem[0x101] != 0x12 || mem[0x102] != 0)
		return snprintf(why, n, "first call: rc %d rcx %llu rdi %#llx",
				rc, (unsigned long long)g.regs.gpr[CX],
				(unsigned long long)g.regs.gpr[DI]), why;
	rc = x86_emulate(&g.ctxt, &fake_ops);
	if (rc != X86EMUL_OKAY || g.regs.rip != 0x7c02 ||
	    g.regs.gpr[CX] != 0 || g.regs.gpr[DI] != 0x105 ||
	    memcmp(mem + 0x100, "\x11\x12\x13\x14\x15", 5))
		return snprintf(why, n, "second call: rc %d rcx %llu rdi %#llx",
				rc, (unsigned long long)g.regs.gpr[CX],
				(unsigned long long)g.regs.gpr[DI]), why;
	return NULL;
}

int main(void)
{
	unsigned int failed = 0;
	char why[160];
	const char *err = ins_restart(why, sizeof(why));

	if (err) {
		printf("FAIL: REP INSB resumes after an IOREQ (RETRY) - %s\n", err);
		failed++;
	} else {
		printf("PASS: REP INSB commits two bytes, returns RETRY, then resumes and finishes\n");
	}

	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		const char *err = run(&cases[i], why, sizeof(why));
		if (err) {
			printf("FAIL: %s - %s\n", cases[i].what, err);
			failed++;
		} else {
			printf("PASS: %s\n", cases[i].what);
		}
	}
	return failed ? 1 : 0;
}
