/*
 * libFuzzer target for the x86 decoder and emulator.  Input: one control
 * byte (mode, batched port I/O, RETRY answers), eight bytes that seed the
 * registers, then instruction bytes.  Checks that the decoder never reads
 * past the bytes it was given (AddressSanitizer watches the exact-size
 * buffer), that its answer is one of the defined results with a sane
 * length and does not change when more bytes follow, and that the
 * emulator returns a defined result: OKAY with RIP moved by the length
 * (or kept on a REP string with work left), a known exception vector,
 * RETRY, or a refusal.
 */
#include <stdlib.h>
#include <string.h>

#include "fake.h"

#define MEM_BASE 0x1000u
#define MEM_SIZE 0x2000u

static void check(bool ok)
{
	if (!ok)
		__builtin_trap();
}

static void check_decode(const uint8_t *code, size_t n, enum x86_mode mode)
{
	struct x86_insn in, again;
	uint8_t padded[32] = { 0 };
	enum x86_decode_rc rc = x86_decode(code, n, mode, &in);

	check(rc == X86_DEC_OK || rc == X86_DEC_SHORT ||
	      rc == X86_DEC_TOOLONG || rc == X86_DEC_INVALID);
	if (rc == X86_DEC_SHORT)
		check(n < X86_MAX_INSN_LEN);
	if (rc == X86_DEC_OK) {
		check(in.len >= 1 && in.len <= n && in.len <= X86_MAX_INSN_LEN);
		/* the same bytes with others after them decode the same */
		memcpy(padded, code, in.len);
		memset(padded + in.len, 0x90, sizeof(padded) - in.len);
		check(x86_decode(padded, sizeof(padded), mode, &again) == rc);
		check(again.len == in.len && again.opcode == in.opcode);
		/* and exactly the instruction's bytes are enough */
		check(x86_decode(code, in.len, mode, &again) == rc);
	}
}

static void setup_guest(struct fake_guest *g, struct cpu_state *vec,
			uint8_t *mem, const uint8_t *data, uint8_t ctl)
{
	enum x86_mode mode = (enum x86_mode)(ctl % 5);
	uint64_t seed;

	fake_init(g, mode);
	memcpy(&seed, data + 1, 8);
	for (int i = 0; i < 16; i++) {
		seed = seed * 6364136223846793005ull + 1442695040888963407ull;
		g->regs.gpr[i] = (i & 1) ? MEM_BASE + ((seed >> 33) & 0x1fff) :
			seed;
	}
	g->regs.gpr[X86_RCX] &= 0xfff;
	g->regs.rflags = 0x2 | (seed & 0x8d5) | ((ctl & 0x80) ? 0x400 : 0);
	if (mode == X86_MODE_REAL || mode == X86_MODE_VM86)
		for (int i = 0; i < 6; i++)
			g->seg[i] = (struct x86_segment){ .limit = 0xffff,
				.type = i == X86_SEG_CS ? 0xb : 0x3, .s = true,
				.present = true };
	memset(vec, 0x5a, sizeof(*vec));
	g->vec = vec;
	for (unsigned int i = 0; i < MEM_SIZE; i++)
		mem[i] = (uint8_t)(i * 7);
	g->mem = mem;
	g->mem_base = MEM_BASE;
	g->mem_size = MEM_SIZE;
	g->ro_page = MEM_BASE + MEM_SIZE - 0x1000;
	g->batch_io = ctl & 0x10;
	g->retry_percent = (ctl & 0x20) ? 25 : 0;
	g->ctxt.max_reps = (ctl & 0x40) ? 3 : 0;
	g->ctxt.cpl = 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static struct fake_guest g;
	static struct cpu_state vec;
	static uint8_t mem[MEM_SIZE];

	if (size < 10)
		return 0;
	uint8_t ctl = data[0];
	const uint8_t *code = data + 9;
	size_t n = size - 9;
	enum x86_mode mode = (enum x86_mode)(ctl % 5);

	check_decode(code, n, mode);
	setup_guest(&g, &vec, mem, data, ctl);
	/* the bytes end exactly at the end of the code page; the next page
	 * is missing, so fetching too far shows up as a #PF */
	static uint8_t page[4096];
	size_t take = n < sizeof(page) ? n : sizeof(page);
	memcpy(page + sizeof(page) - take, code, take);
	g.code = page;
	g.code_size = sizeof(page);
	g.code_base = mode == X86_MODE_LONG64 ? 0xffff800000100000ull :
		0x8000; /* away from the data region */
	g.regs.rip = g.code_base + sizeof(page) - take -
		g.seg[X86_SEG_CS].base;
	for (int call = 0; call < 16; call++) {
		uint64_t rip = g.regs.rip;
		int rc = x86_emulate(&g.ctxt, g.batch_io ? &fake_ops_batch :
				     &fake_ops);
		check(rc >= X86EMUL_OKAY && rc <= X86EMUL_RETRY);
		if (rc == X86EMUL_EXCEPTION) {
			uint8_t v = g.ctxt.event.vector;
			check(v == X86_EXC_UD || v == X86_EXC_NM ||
			      v == X86_EXC_SS || v == X86_EXC_GP ||
			      v == X86_EXC_PF);
			/* an instruction that fits its bytes never faults
			 * fetching past them */
			if (v == X86_EXC_PF && g.fetch_faulted)
				check(x86_decode(code, n, mode, &g.ctxt.insn) !=
				      X86_DEC_OK);
		}
		if (rc == X86EMUL_OKAY) {
			uint64_t moved = g.regs.rip - rip;
			if (mode != X86_MODE_LONG64)
				moved &= mode == X86_MODE_PROT32 ? 0xffffffff :
					0xffff;
			check(moved == 0 || moved == g.ctxt.insn.len);
			if (moved)
				break;
		}
		if (rc != X86EMUL_OKAY && rc != X86EMUL_RETRY)
			break;
	}
	return 0;
}
