/*
 * Internals shared by the x86 emulator's files: the per-instruction state,
 * operand helpers, segmentation/linear-address checks and flag arithmetic.
 * Not part of the interface (that is x86_emulate.h).
 */
#ifndef BASTION_X86_EMULATE_PRIV_H
#define BASTION_X86_EMULATE_PRIV_H

#include "x86_emulate.h"

/* State of one x86_emulate call.  Registers are worked on in a shadow copy
 * that is written back only when the instruction (or a string instruction's
 * finished iterations) completes, so a fault leaves the guest unchanged. */
struct em {
	struct x86_emul_ctxt *c;
	const struct x86_emul_ops *ops;
	const struct x86_insn *in;
	struct x86_regs r;
	uint64_t next_rip;
	uint8_t seg_valid;              /* bit per cached segment */
	struct x86_segment seg[6];
	bool rip_stay;      /* a REP string insn has iterations left */
	bool commit_partial; /* failed, but finished string iterations stand */
};

/* A register or memory operand, resolved from ModRM (or implied). */
struct operand {
	bool is_mem;
	uint8_t reg;       /* register number; with high8, AH..BH of reg */
	bool high8;
	uint8_t seg;
	uint64_t ea;       /* effective address (offset in seg) */
	bool rmw;          /* read-modify-write: the read checks writability */
};

/* Operations an ALU helper performs (the /reg order of group 1). */
enum alu_op { ALU_ADD, ALU_OR, ALU_ADC, ALU_SBB, ALU_AND, ALU_SUB, ALU_XOR,
	      ALU_CMP, ALU_TEST, ALU_INC, ALU_DEC, ALU_NEG };

static inline uint64_t size_mask(unsigned int bytes)
{
	return bytes >= 8 ? ~0ull : (1ull << (8 * bytes)) - 1;
}

static inline int64_t sext(uint64_t v, unsigned int bytes)
{
	unsigned int shift = 64 - 8 * bytes;

	if (bytes == 0 || bytes >= 8)
		return (int64_t)v;
	return (int64_t)(v << shift) >> shift;
}

int x86em_raise(struct em *e, uint8_t vector, uint32_t error_code);
int x86em_raise_ud(struct em *e);
int x86em_get_seg(struct em *e, uint8_t seg, const struct x86_segment **out);
int x86em_linear(struct em *e, uint8_t seg, uint64_t ea, unsigned int bytes,
	      bool write, uint64_t *linear);
int x86em_read(struct em *e, uint8_t seg, uint64_t ea, void *buf,
	    unsigned int bytes);
int x86em_read_checked(struct em *e, uint8_t seg, uint64_t ea, void *buf,
		       unsigned int bytes, bool for_write);
int x86em_write(struct em *e, uint8_t seg, uint64_t ea, const void *buf,
	     unsigned int bytes);
uint64_t x86em_mask_addr(const struct em *e, uint64_t ea);

uint64_t x86em_reg_read(const struct em *e, unsigned int reg, unsigned int bytes,
		  bool high8);
void x86em_reg_write(struct em *e, unsigned int reg, unsigned int bytes,
	       bool high8, uint64_t val);
void x86em_rm_operand(struct em *e, struct operand *op, unsigned int bytes);
void x86em_reg_operand(struct em *e, struct operand *op, unsigned int reg,
		 unsigned int bytes);
int x86em_op_read(struct em *e, const struct operand *op, unsigned int bytes,
	    uint64_t *val);
int x86em_op_write(struct em *e, const struct operand *op, unsigned int bytes,
	     uint64_t val);

uint64_t x86em_alu(enum alu_op op, uint64_t dst, uint64_t src, unsigned int bytes,
	     uint64_t *rflags);
bool x86em_cond_true(uint64_t rflags, unsigned int cc);

int x86em_string(struct em *e);
int x86em_sse_move(struct em *e);
int x86em_avx_move(struct em *e);

#endif
