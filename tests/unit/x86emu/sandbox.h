/*
 * Native sandbox for the emulator's differential tests: runs one 64-bit
 * instruction on the host CPU with every general register, RFLAGS, XMM and
 * MMX register loaded from a state record, and a data region at a fixed
 * low address; reports the resulting state, or the signal the instruction
 * raised (mapped back to the x86 exception that caused it).
 */
#ifndef X86EMU_SANDBOX_H
#define X86EMU_SANDBOX_H

#include <stdint.h>
#include <stdbool.h>

#define SB_CODE_BASE 0x10000000ull  /* one RWX page: stub + slots */
#define SB_DATA_BASE 0x10010000ull  /* test data region */
#define SB_DATA_SIZE 0x8000u        /* 32 KiB mapped read/write */
#define SB_RO_PAGE   (SB_DATA_BASE + SB_DATA_SIZE - 0x1000) /* read-only */
#define SB_STATE_ADDR 0x10008000ull /* state record, slots, low stack */

struct cpu_state {
	uint64_t gpr[16];
	uint64_t rflags;
	uint8_t xmm[16][32];   /* YMM i; its low 16 bytes are XMM i */
	uint64_t mm[8];
};

/* Result of a native or emulated run: either a state, or an exception. */
struct run_result {
	bool faulted;
	uint8_t vector;     /* 6 #UD, 12 #SS, 13 #GP, 14 #PF */
	uint64_t cr2;       /* for #PF */
	uint64_t gpr[16];   /* registers at the fault */
	uint64_t rflags;
};

/* Makes the read-only page writable (false) or read-only again (true). */
void mprotect_ro(bool ro);

/* Maps the regions; false (with a message) if the host refuses. */
bool sandbox_init(void);

/* Runs insn[0..len) natively from state *s (updated in place).  Returns
 * the address the instruction was placed at in *insn_addr. */
struct run_result sandbox_run(const uint8_t *insn, unsigned int len,
			      struct cpu_state *s);

/* Selects the mode of the following runs: 64; 32 = compat mode (CS 0x23,
 * DS/ES/SS 0x2b, flat 4 GiB); 16 = 16-bit protected mode on LDT segments
 * (CS based at SB_CODE_BASE, DS/ES/SS based at SB_DATA_BASE with limit
 * SB_DATA_SIZE - 1, all 16-bit).  In 32 and 16 only EAX..EDI are loaded
 * and stored, as 32-bit values.  False if the host refuses (modify_ldt). */
bool sandbox_set_mode(unsigned int bits);

/* The address the next sandbox_run will place its instruction at. */
uint64_t sandbox_insn_addr(void);

uint8_t *sandbox_data(void);

/* Whether the host runs AVX (YMM state is loaded and stored then). */
bool sandbox_has_avx(void);

#endif
