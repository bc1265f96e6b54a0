/*
 * x86 instruction decoder and emulator: the interface.
 *
 * The hypervisor decodes the guest instruction that caused an MMIO or port
 * I/O exit and carries it out on the guest's behalf.  The rules (encodings,
 * operand and address sizes, flags, exceptions) are those of the Intel SDM
 * vol. 2 and the AMD APM vol. 3.  The code is freestanding: every access to
 * guest state outside the general registers (memory, ports, segments,
 * control registers, SSE/MMX registers) goes through struct x86_emul_ops,
 * which the hv implements with guest page walks and IOREQ dispatch and the
 * host tests implement with fakes.
 */
#ifndef BASTION_X86_EMULATE_H
#define BASTION_X86_EMULATE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define X86_MAX_INSN_LEN 15

/* Execution modes: they fix default operand and address sizes. */
enum x86_mode {
	X86_MODE_REAL,   /* real mode: 16-bit, base = selector << 4 */
	X86_MODE_VM86,   /* virtual-8086: as real, CPL 3 */
	X86_MODE_PROT16, /* protected mode, CS.D = 0 (or long mode compat) */
	X86_MODE_PROT32, /* protected mode, CS.D = 1 (or long mode compat) */
	X86_MODE_LONG64, /* 64-bit mode, CS.L = 1 */
};

/* General registers in encoding order, then RIP for RIP-relative bases. */
enum x86_reg {
	X86_RAX, X86_RCX, X86_RDX, X86_RBX, X86_RSP, X86_RBP, X86_RSI, X86_RDI,
	X86_R8, X86_R9, X86_R10, X86_R11, X86_R12, X86_R13, X86_R14, X86_R15,
	X86_REG_RIP = 16,
	X86_REG_NONE = 0xff,
};

/* Segment registers in encoding order (the sreg field of ModRM). */
enum x86_seg {
	X86_SEG_ES, X86_SEG_CS, X86_SEG_SS, X86_SEG_DS, X86_SEG_FS, X86_SEG_GS,
	X86_SEG_NONE = 0xff,
};

/* RFLAGS bits the emulator reads or writes. */
#define X86_FL_CF   (1u << 0)
#define X86_FL_PF   (1u << 2)
#define X86_FL_AF   (1u << 4)
#define X86_FL_ZF   (1u << 6)
#define X86_FL_SF   (1u << 7)
#define X86_FL_TF   (1u << 8)
#define X86_FL_IF   (1u << 9)
#define X86_FL_DF   (1u << 10)
#define X86_FL_OF   (1u << 11)
#define X86_FL_ARITH (X86_FL_CF | X86_FL_PF | X86_FL_AF | X86_FL_ZF | \
		      X86_FL_SF | X86_FL_OF)

/* Exception vectors the emulator raises. */
enum x86_vector {
	X86_EXC_UD = 6, X86_EXC_NM = 7, X86_EXC_SS = 12, X86_EXC_GP = 13,
	X86_EXC_PF = 14, X86_EXC_AC = 17,
};

/* Legacy prefixes seen, as bits of x86_insn.prefixes. */
#define X86_PFX_LOCK  0x01
#define X86_PFX_REP   0x02 /* F3 */
#define X86_PFX_REPNE 0x04 /* F2 */
#define X86_PFX_OPSZ  0x08 /* 66 */
#define X86_PFX_ADSZ  0x10 /* 67 */

/* Opcode maps. */
enum x86_map {
	X86_MAP_1B,    /* one-byte opcodes */
	X86_MAP_0F,    /* 0F xx */
	X86_MAP_0F38,  /* 0F 38 xx */
	X86_MAP_0F3A,  /* 0F 3A xx */
	X86_MAP_3DNOW, /* 0F 0F modrm .. imm8 (imm8 is the opcode) */
	X86_MAP_XOP8, X86_MAP_XOP9, X86_MAP_XOPA,
	X86_MAP_EVEX5, X86_MAP_EVEX6,
};

/* Encoding kinds. */
enum x86_enc { X86_ENC_LEGACY, X86_ENC_VEX, X86_ENC_EVEX, X86_ENC_XOP };

/* Decoder results. */
enum x86_decode_rc {
	X86_DEC_OK = 0,
	X86_DEC_SHORT,   /* the buffer ends before the instruction does */
	X86_DEC_TOOLONG, /* longer than 15 bytes: #GP(0) */
	X86_DEC_INVALID, /* undefined opcode in this mode: #UD (len is set) */
};

/* One decoded instruction.  Register numbers include REX/VEX extensions. */
struct x86_insn {
	uint8_t len;          /* total length in bytes */
	uint8_t mode;         /* enum x86_mode it was decoded in */
	uint8_t op_bytes;     /* effective operand size: 2, 4 or 8 */
	uint8_t addr_bytes;   /* effective address size: 2, 4 or 8 */
	uint8_t prefixes;     /* X86_PFX_* */
	uint8_t simd_prefix;  /* last of 66/F2/F3 seen, or 0 */
	uint8_t seg;          /* override, or X86_SEG_NONE */
	uint8_t rex;          /* REX byte in effect (0x40..0x4f) or 0 */
	uint8_t enc;          /* enum x86_enc */
	uint8_t map;          /* enum x86_map */
	uint8_t opcode;
	uint8_t vex_l;        /* VEX.L / EVEX.L'L */
	uint8_t vex_v;        /* VEX.vvvv, un-inverted */
	bool vex_w;
	bool has_modrm;
	uint8_t modrm;
	uint8_t mod, reg, rm; /* reg and rm extended by REX.R / REX.B */
	bool has_sib;
	uint8_t sib;
	/* Memory operand (has_modrm && mod != 3, or moffs): */
	bool has_mem;
	uint8_t base;         /* enum x86_reg, X86_REG_RIP or X86_REG_NONE */
	uint8_t index;        /* enum x86_reg or X86_REG_NONE */
	uint8_t scale;        /* 1, 2, 4, 8 */
	uint8_t ea_seg;       /* segment the operand uses (override or default) */
	uint8_t disp_bytes;
	uint8_t imm_bytes;    /* total immediate bytes (ENTER/far ptr: both) */
	int64_t disp;
	uint64_t imm;         /* first immediate, zero-extended */
	uint16_t imm2;        /* second immediate of ENTER and far pointers */
};

/*
 * Decodes one instruction from buf[0..avail) for the given mode.  Reads no
 * byte at or beyond buf + avail.  Returns X86_DEC_OK with *insn filled, or
 * X86_DEC_SHORT (more bytes needed), X86_DEC_TOOLONG (#GP) or
 * X86_DEC_INVALID (#UD; insn->len still holds the length when one exists).
 */
enum x86_decode_rc x86_decode(const uint8_t *buf, size_t avail,
			      enum x86_mode mode, struct x86_insn *insn);

/* Callback results. */
enum x86_emul_rc {
	X86EMUL_OKAY = 0,
	X86EMUL_UNHANDLEABLE, /* not an instruction we emulate: refuse */
	X86EMUL_EXCEPTION,    /* ctxt->event holds the fault to inject */
	X86EMUL_RETRY,        /* an IOREQ is in flight: re-run the insn later */
};

/* A segment register's hidden part, as the CPU caches it. */
struct x86_segment {
	uint16_t sel;
	uint64_t base;
	uint32_t limit;       /* byte granular (G already applied) */
	uint8_t type;         /* descriptor type: bit 3 code, bit 1 W/R, bit 2 E/C */
	bool s, present, db, l, unusable;
	uint8_t dpl;
};

/* General registers, RIP and RFLAGS the emulator reads and writes in place. */
struct x86_regs {
	uint64_t gpr[16];
	uint64_t rip;
	uint64_t rflags;
};

/* The fault an EXCEPTION result asks the caller to inject. */
struct x86_event {
	uint8_t vector;
	bool has_error_code;
	uint32_t error_code;
	uint64_t cr2;         /* for #PF */
};

struct x86_emul_ctxt;

/*
 * What the emulator needs from its host.  Memory is addressed by linear
 * address after the emulator's segmentation checks; the callback walks the
 * guest page tables (raising #PF through x86_emul_raise) and dispatches
 * MMIO.  A callback returning X86EMUL_RETRY means the instruction will be
 * re-executed from its start once the device answered; the host must then
 * replay the accesses it already completed (as Xen's MMIO cache does),
 * except for string instructions, whose finished iterations are committed
 * to RSI/RDI/RCX before RETRY is returned.
 */
struct x86_emul_ops {
	/* Instruction bytes at a linear address: may be called twice per
	 * instruction (up to the page end, then the remainder). */
	int (*fetch)(struct x86_emul_ctxt *c, uint64_t linear, void *buf,
		     unsigned int bytes);
	int (*read)(struct x86_emul_ctxt *c, uint64_t linear, void *buf,
		    unsigned int bytes);
	int (*write)(struct x86_emul_ctxt *c, uint64_t linear, const void *buf,
		     unsigned int bytes);
	int (*read_io)(struct x86_emul_ctxt *c, uint16_t port,
		       unsigned int bytes, uint32_t *val);
	int (*write_io)(struct x86_emul_ctxt *c, uint16_t port,
			unsigned int bytes, uint32_t val);
	/* Optional batched string port I/O (one IOREQ with a count, as Xen's
	 * ioreq data_is_ptr): moves up to *reps elements between the port and
	 * guest memory starting at linear, stepping by +-bytes, and sets *reps
	 * to the number done; returns OKAY if any were done, else why not.
	 * NULL: the emulator loops over read_io/write_io. */
	int (*rep_ins)(struct x86_emul_ctxt *c, uint16_t port,
		       unsigned int bytes, uint64_t linear, bool backwards,
		       uint64_t *reps);
	int (*rep_outs)(struct x86_emul_ctxt *c, uint16_t port,
			unsigned int bytes, uint64_t linear, bool backwards,
			uint64_t *reps);
	/* Optional batched REP MOVS / REP STOS (MMIO <-> RAM in one IOREQ):
	 * same contract as rep_ins; the elements handed over lie in one page
	 * per operand.  Answering UNHANDLEABLE makes the emulator do the
	 * element itself through read/write. */
	int (*rep_movs)(struct x86_emul_ctxt *c, uint64_t src_linear,
			uint64_t dst_linear, unsigned int bytes, bool backwards,
			uint64_t *reps);
	int (*rep_stos)(struct x86_emul_ctxt *c, uint64_t dst_linear,
			uint64_t value, unsigned int bytes, bool backwards,
			uint64_t *reps);
	int (*read_segment)(struct x86_emul_ctxt *c, enum x86_seg seg,
			    struct x86_segment *out);
	/* CR0, CR4 (SSE checks) */
	int (*read_cr)(struct x86_emul_ctxt *c, unsigned int cr, uint64_t *val);
	/* XMM registers 0-15 (16 bytes) and MMX registers 0-7 (8 bytes). */
	int (*read_xmm)(struct x86_emul_ctxt *c, unsigned int reg, void *buf);
	int (*write_xmm)(struct x86_emul_ctxt *c, unsigned int reg,
			 const void *buf);
	int (*read_mmx)(struct x86_emul_ctxt *c, unsigned int reg, void *buf);
	int (*write_mmx)(struct x86_emul_ctxt *c, unsigned int reg,
			 const void *buf);
	/* Optional, for VEX moves: YMM registers 0-15 (32 bytes; a write
	 * also clears any bits above 255, as VEX writes do) and XCR0.
	 * NULL: VEX-encoded moves are refused. */
	int (*read_ymm)(struct x86_emul_ctxt *c, unsigned int reg, void *buf);
	int (*write_ymm)(struct x86_emul_ctxt *c, unsigned int reg,
			 const void *buf);
	int (*read_xcr0)(struct x86_emul_ctxt *c, uint64_t *val);
};

struct x86_emul_ctxt {
	/* Supplied by the caller: */
	struct x86_regs *regs;
	enum x86_mode mode;
	uint8_t cpl;
	uint32_t max_reps;    /* string iterations per call (0: 1024) */
	bool intel;           /* the guest's CPU vendor is Intel (REP quirks) */
	void *host;           /* the caller's own data (vcpu, test fake) */
	/* Filled by x86_emulate: */
	struct x86_insn insn;
	struct x86_event event;
};

/*
 * Emulates the instruction at CS:RIP.  On OKAY, registers and RIP are
 * updated (RIP stays on a REP string instruction that has iterations left,
 * so the next call continues it).  EXCEPTION: ctxt->event says what to
 * inject and no register was changed except committed string progress.
 * RETRY: re-run after the device answered.  UNHANDLEABLE: not emulated.
 */
int x86_emulate(struct x86_emul_ctxt *c, const struct x86_emul_ops *ops);

/* Records a fault for a callback to return X86EMUL_EXCEPTION with. */
int x86_emul_raise(struct x86_emul_ctxt *c, uint8_t vector, bool has_ec,
		   uint32_t ec);

#endif
