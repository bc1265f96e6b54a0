/*
 * A fake guest for the emulator's host tests: flat 64-bit (or table-
 * described 16/32-bit) segments, a data region backed by an array, a
 * read-only page, a port device that records writes and answers reads from
 * a sequence, vector registers in a state record, and optional random
 * X86EMUL_RETRY answers that model IOREQs in flight.
 */
#ifndef X86EMU_FAKE_H
#define X86EMU_FAKE_H

#include "x86_emulate.h"
#include "sandbox.h"

struct fake_guest {
	struct x86_emul_ctxt ctxt;
	struct x86_regs regs;
	struct cpu_state *vec;          /* xmm/ymm/mm live here */
	uint64_t mem_base;
	uint8_t *mem;
	uint32_t mem_size;
	uint64_t ro_page;               /* writes here raise #PF, or 0 */
	uint64_t code_base;             /* guest address of code[0] */
	const uint8_t *code;            /* instruction bytes (host memory) */
	uint32_t code_size;
	bool fetch_faulted;             /* a fetch ran off the code */
	struct x86_segment seg[6];
	uint64_t cr0, cr4, xcr0;
	unsigned int retry_percent;     /* chance a read answers RETRY */
	unsigned int retries;           /* RETRY answers given */
	uint32_t rng;
	/* port device */
	uint32_t port_in_next;          /* value the next IN returns */
	uint32_t port_log[256];         /* values written by OUT */
	uint16_t port_log_port[256];
	unsigned int port_log_len;
	unsigned int port_reads;
	unsigned int retry_at_read;     /* answer RETRY once, at this read + 1 */
	bool batch_io;                  /* offer rep_ins/rep_outs */
	unsigned int batch_calls;
};

void fake_init(struct fake_guest *g, enum x86_mode mode);
extern const struct x86_emul_ops fake_ops;
extern const struct x86_emul_ops fake_ops_batch;

/* Runs x86_emulate until the instruction completes (REP strings resumed,
 * RETRY answered), at most 100000 calls.  Returns the last result. */
int fake_run(struct fake_guest *g);

#endif
