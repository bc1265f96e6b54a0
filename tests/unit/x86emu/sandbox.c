/*
 * Native sandbox: generates a stub that loads a full register state from a
 * record at a fixed address, runs the instruction under test, and stores
 * the state back.  Only absolute (SIB, no base) addressing is used around
 * the instruction, so every general register, RSP included, can hold a
 * test value.  Faults come back through a signal handler on an alternate
 * stack that reads the trap number from the signal context.
 */
#ifndef _GNU_SOURCE
#define _GNU_SOURCE
#endif
#include "sandbox.h"

#include <setjmp.h>
#include <signal.h>
#include <stddef.h>
#include <stdio.h>
#include <string.h>
#include <sys/mman.h>
#include <ucontext.h>
#include <unistd.h>
#include <asm/ldt.h>
#include <sys/syscall.h>

#define HOST_RSP_SLOT (SB_STATE_ADDR + 0x800)
#define LOW_STACK_SLOT (SB_STATE_ADDR + 0x808)
#define LOW_STACK (SB_STATE_ADDR + 0x1000)   /* below 4 GiB for 32-bit code */
#define USER32_CS 0x23   /* Linux's compat-mode code segment */
#define USER_DS 0x2b
#define USER64_CS 0x33

static uint8_t *code;
static size_t code_len;
static size_t insn_off;
static sigjmp_buf fault_jmp;
static volatile struct run_result fault;
static volatile sig_atomic_t in_run;
static unsigned int mode_bits = 64; /* 64, 32 (compat) or 16 (LDT segments) */

/* 16-bit protected mode runs on LDT segments (modify_ldt): code based at
 * the code page, data based at the data region, and a writable alias of the
 * code page in GS through which the 16-bit stub reaches the state record. */
#define LDT_CS16 0x07
#define LDT_DS16 0x0f
#define LDT_GS16 0x17

static void emit(const void *p, size_t n)
{
	memcpy(code + code_len, p, n);
	code_len += n;
}

static void emit_abs32(uint64_t addr)
{
	uint32_t a = (uint32_t)addr;
	emit(&a, 4);
}

/* op with ModRM reg = r (low 3 bits) and absolute [addr]. */
static void emit_mem_op(uint8_t pfx, uint8_t rex, const uint8_t *op,
			size_t oplen, unsigned int r, uint64_t addr)
{
	uint8_t modrm = (uint8_t)(((r & 7) << 3) | 4), sib = 0x25;

	if (pfx)
		emit(&pfx, 1);
	if (rex)
		emit(&rex, 1);
	emit(op, oplen);
	emit(&modrm, 1);
	emit(&sib, 1);
	emit_abs32(addr);
}

static uint64_t state_field(size_t off)
{
	return SB_STATE_ADDR + off;
}

bool sandbox_has_avx(void)
{
	return __builtin_cpu_supports("avx");
}

/* VMOVDQU ymm <-> [abs] (VEX.256.F3.0F 6F/7F); C4 form for ymm8-15. */
static void emit_ymm_move(bool store, unsigned int i, uint64_t addr)
{
	uint8_t v3[] = { 0xc4, 0x61, 0x7e, store ? 0x7f : 0x6f };
	uint8_t v2[] = { 0xc5, 0xfe, store ? 0x7f : 0x6f };
	uint8_t modrm = (uint8_t)(((i & 7) << 3) | 4), sib = 0x25;

	if (i >= 8)
		emit(v3, sizeof(v3));
	else
		emit(v2, sizeof(v2));
	emit(&modrm, 1);
	emit(&sib, 1);
	emit_abs32(addr);
}

static void emit_vector_moves(bool store)
{
	static const uint8_t ld[2] = { 0x0f, 0x6f }, st[2] = { 0x0f, 0x7f };
	for (unsigned int i = 0; i < 16; i++) {
		uint64_t a = state_field(offsetof(struct cpu_state, xmm[i]));
		if (sandbox_has_avx())
			emit_ymm_move(store, i, a);
		else
			emit_mem_op(0xf3, i >= 8 ? 0x44 : 0, store ? st : ld,
				    2, i, a);
	}
	for (unsigned int i = 0; i < 8; i++)
		emit_mem_op(0, 0, store ? st : ld, 2, i,
			    state_field(offsetof(struct cpu_state, mm[i])));
}

static void emit_gpr_moves(bool store)
{
	uint8_t op = store ? 0x89 : 0x8b;
	for (unsigned int i = 0; i < 16; i++)
		emit_mem_op(0, i >= 8 ? 0x4c : 0x48, &op, 1, i,
			    state_field(offsetof(struct cpu_state, gpr[i])));
}

/* 32-bit code: op with ModRM reg = r and absolute disp32 (mod 0, rm 5). */
static void emit_abs_op32(const uint8_t *op, size_t oplen, unsigned int r,
			  uint64_t addr)
{
	uint8_t modrm = (uint8_t)(((r & 7) << 3) | 5);

	emit(op, oplen);
	emit(&modrm, 1);
	emit_abs32(addr);
}

/* Switches to 32-bit code on the low stack, with DS/ES usable there. */
static void emit_enter_compat(void)
{
	uint8_t far[] = { 0x48, 0xc7, 0xc4, 0, 0, 0, 0,  /* mov rsp, imm32 */
		0x6a, USER32_CS, 0x68, 0, 0, 0, 0, 0x48, 0xcb }; /* retfq */
	uint32_t low = (uint32_t)LOW_STACK;
	static const uint8_t load_ds[] = { 0x66, 0xb8, USER_DS, 0x00,
		0x8e, 0xd8, 0x8e, 0xc0 };

	memcpy(far + 3, &low, 4);
	uint32_t entry = (uint32_t)(SB_CODE_BASE + code_len + sizeof(far));
	memcpy(far + 10, &entry, 4);
	emit(far, sizeof(far));
	emit(load_ds, sizeof(load_ds));
}

static void emit_gpr_moves32(bool store)
{
	uint8_t op = store ? 0x89 : 0x8b;
	for (unsigned int i = 0; i < 8; i++)
		emit_abs_op32(&op, 1, i,
			      state_field(offsetof(struct cpu_state, gpr[i])));
}

/* Back to 64-bit code: save the state, far return to CS 0x33. */
static void emit_leave_compat(void)
{
	static const uint8_t ld = 0x8b, pushf = 0x9c, pop_m = 0x8f, cld = 0xfc;
	uint8_t back[] = { 0x6a, USER64_CS, 0x68, 0, 0, 0, 0, 0xcb };
	static const uint8_t null_ds[] = { 0x31, 0xc0, 0x8e, 0xd8, 0x8e, 0xc0 };

	emit_gpr_moves32(true);
	emit_abs_op32(&ld, 1, 4, LOW_STACK_SLOT);
	emit(&pushf, 1);
	emit_abs_op32(&pop_m, 1, 0,
		      state_field(offsetof(struct cpu_state, rflags)));
	emit(&cld, 1);
	uint32_t ret64 = (uint32_t)(SB_CODE_BASE + code_len + sizeof(back));
	memcpy(back + 3, &ret64, 4);
	emit(back, sizeof(back));
	emit(null_ds, sizeof(null_ds));
}

/* 16-bit code: op on gs:[disp16] (mod 0, rm 6), optionally 32-bit (66). */
static void emit_gs_op16(bool o32, uint8_t op, unsigned int r, uint64_t addr)
{
	uint8_t b[] = { 0x65, 0x66, op, (uint8_t)(((r & 7) << 3) | 6), 0, 0 };
	uint16_t off = (uint16_t)(addr - SB_CODE_BASE);

	memcpy(b + 4, &off, 2);
	if (o32) {
		emit(b, sizeof(b));
	} else {
		emit(b, 1);
		emit(b + 2, sizeof(b) - 2);
	}
}

/* From 64-bit code into the 16-bit LDT code segment, with DS = ES = SS =
 * the 16-bit data segment and the test's RFLAGS and EAX..EDI loaded. */
static void emit_enter_16(void)
{
	uint8_t far[] = { 0x48, 0xc7, 0xc4, 0, 0, 0, 0,  /* mov rsp, imm32 */
		0x6a, LDT_CS16, 0x68, 0, 0, 0, 0, 0x48, 0xcb }; /* retfq */
	static const uint8_t segs[] = { 0xb8, LDT_GS16, 0, 0x8e, 0xe8,
		0xb8, LDT_DS16, 0, 0x8e, 0xd8, 0x8e, 0xc0 };
	static const uint8_t popfd[] = { 0x66, 0x9d },
		load_ss[] = { 0xb8, LDT_DS16, 0, 0x8e, 0xd0 };
	uint32_t low = (uint32_t)LOW_STACK;

	memcpy(far + 3, &low, 4);
	uint32_t entry = (uint32_t)(code_len + sizeof(far)); /* CS-relative */
	memcpy(far + 10, &entry, 4);
	emit(far, sizeof(far));
	emit(segs, sizeof(segs));
	emit_gs_op16(true, 0xff, 6, state_field(offsetof(struct cpu_state,
							   rflags)));
	emit(popfd, sizeof(popfd));
	emit(load_ss, sizeof(load_ss));
	emit_gs_op16(true, 0x8b, 4, state_field(offsetof(struct cpu_state,
							   gpr[4])));
	for (unsigned int i = 0; i < 8; i++)
		if (i != 4)
			emit_gs_op16(true, 0x8b, i, state_field(
				offsetof(struct cpu_state, gpr[i])));
}

/* Stores EAX..EDI and RFLAGS and far-returns to 64-bit code. */
static void emit_leave_16(void)
{
	static const uint8_t flat_ss[] = { 0xb8, USER_DS, 0, 0x8e, 0xd0 },
		pushfd[] = { 0x66, 0x9c }, cld = 0xfc;
	uint8_t back[] = { 0x66, 0x6a, USER64_CS, 0x66, 0x68, 0, 0, 0, 0,
		0x66, 0xcb };
	static const uint8_t null_segs[] = { 0x31, 0xc0, 0x8e, 0xd8, 0x8e,
		0xc0, 0x8e, 0xe8 };

	for (unsigned int i = 0; i < 8; i++)
		emit_gs_op16(true, 0x89, i, state_field(
			offsetof(struct cpu_state, gpr[i])));
	emit(flat_ss, sizeof(flat_ss));
	emit_gs_op16(true, 0x8b, 4, LOW_STACK_SLOT);
	emit(pushfd, sizeof(pushfd));
	emit_gs_op16(true, 0x8f, 0, state_field(offsetof(struct cpu_state,
							   rflags)));
	emit(&cld, 1);
	uint32_t ret64 = (uint32_t)(SB_CODE_BASE + code_len + sizeof(back));
	memcpy(back + 5, &ret64, 4);
	emit(back, sizeof(back));
	emit(null_segs, sizeof(null_segs));
}

/* Builds the part of the stub before the instruction. */
static void emit_prologue(void)
{
	static const uint8_t push_callee[] = { 0x53, 0x55, 0x41, 0x54, 0x41,
		0x55, 0x41, 0x56, 0x41, 0x57 };
	static const uint8_t mov_store = 0x89, push_m = 0xff, popf = 0x9d;

	code_len = 0;
	emit(push_callee, sizeof(push_callee));
	emit_mem_op(0, 0x48, &mov_store, 1, 4 /* rsp */, HOST_RSP_SLOT);
	emit_vector_moves(false);
	if (mode_bits == 16) {
		emit_enter_16();
		insn_off = code_len;
		return;
	}
	if (mode_bits == 32) {
		emit_enter_compat();
		emit_abs_op32(&push_m, 1, 6,
			      state_field(offsetof(struct cpu_state, rflags)));
		emit(&popf, 1);
		emit_gpr_moves32(false);
		insn_off = code_len;
		return;
	}
	emit_mem_op(0, 0, &push_m, 1, 6,
		    state_field(offsetof(struct cpu_state, rflags)));
	emit(&popf, 1);
	emit_gpr_moves(false);
	insn_off = code_len;
}

static void emit_epilogue(void)
{
	static const uint8_t pop_callee[] = { 0x41, 0x5f, 0x41, 0x5e, 0x41,
		0x5d, 0x41, 0x5c, 0x5d, 0x5b, 0xc3 };
	static const uint8_t mov_load = 0x8b, pushf = 0x9c, pop_m = 0x8f,
		cld = 0xfc, emms[2] = { 0x0f, 0x77 };

	if (mode_bits == 16) {
		emit_leave_16();
		emit_mem_op(0, 0x48, &mov_load, 1, 4, HOST_RSP_SLOT);
	} else if (mode_bits == 32) {
		emit_leave_compat();
		emit_mem_op(0, 0x48, &mov_load, 1, 4, HOST_RSP_SLOT);
	} else {
		emit_gpr_moves(true);
		emit_mem_op(0, 0x48, &mov_load, 1, 4, HOST_RSP_SLOT);
		emit(&pushf, 1);
		emit_mem_op(0, 0, &pop_m, 1, 0,
			    state_field(offsetof(struct cpu_state, rflags)));
		emit(&cld, 1);
	}
	emit_vector_moves(true);
	emit(emms, 2);
	emit(pop_callee, sizeof(pop_callee));
}

static void on_fault(int sig, siginfo_t *si, void *uc_void)
{
	ucontext_t *uc = uc_void;

	static const int map[16] = { REG_RAX, REG_RCX, REG_RDX, REG_RBX,
		REG_RSP, REG_RBP, REG_RSI, REG_RDI, REG_R8, REG_R9, REG_R10,
		REG_R11, REG_R12, REG_R13, REG_R14, REG_R15 };

	if (!in_run) { /* a harness bug, not the instruction: die loudly */
		signal(sig, SIG_DFL);
		return;
	}
	in_run = 0;
	fault.faulted = true;
	fault.vector = (uint8_t)uc->uc_mcontext.gregs[REG_TRAPNO];
	fault.cr2 = (uint64_t)si->si_addr;
	for (int i = 0; i < 16; i++)
		fault.gpr[i] = (uint64_t)uc->uc_mcontext.gregs[map[i]];
	fault.rflags = (uint64_t)uc->uc_mcontext.gregs[REG_EFL];
	siglongjmp(fault_jmp, 1);
}

bool sandbox_init(void)
{
	static uint8_t altstack[65536];
	stack_t ss = { .ss_sp = altstack, .ss_size = sizeof(altstack) };
	struct sigaction sa = { .sa_sigaction = on_fault,
		.sa_flags = SA_SIGINFO | SA_ONSTACK | SA_NODEFER };
	void *c = mmap((void *)SB_CODE_BASE, 0x10000,
		       PROT_READ | PROT_WRITE | PROT_EXEC,
		       MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED_NOREPLACE, -1, 0);
	void *d = mmap((void *)SB_DATA_BASE, SB_DATA_SIZE,
		       PROT_READ | PROT_WRITE,
		       MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED_NOREPLACE, -1, 0);

	if (c != (void *)SB_CODE_BASE || d != (void *)SB_DATA_BASE) {
		perror("sandbox: mmap at fixed address");
		return false;
	}
	mprotect((void *)SB_RO_PAGE, 0x1000, PROT_READ);
	code = c;
	sigaltstack(&ss, NULL);
	sigemptyset(&sa.sa_mask);
	sigaction(SIGSEGV, &sa, NULL);
	sigaction(SIGBUS, &sa, NULL);
	sigaction(SIGILL, &sa, NULL);
	emit_prologue();
	return true;
}

static bool set_ldt(unsigned int entry, uint64_t base, uint32_t limit,
		    unsigned int contents)
{
	struct user_desc d = { .entry_number = entry,
		.base_addr = (unsigned int)base, .limit = limit,
		.contents = contents, .useable = 1 };

	return syscall(SYS_modify_ldt, 1, &d, sizeof(d)) == 0;
}

bool sandbox_set_mode(unsigned int bits)
{
	if (bits == 16 &&
	    (!set_ldt(0, SB_CODE_BASE, 0xffff, 2) ||
	     !set_ldt(1, SB_DATA_BASE, SB_DATA_SIZE - 1, 0) ||
	     !set_ldt(2, SB_CODE_BASE, 0xffff, 0))) {
		perror("sandbox: modify_ldt");
		return false;
	}
	mode_bits = bits;
	*(volatile uint64_t *)LOW_STACK_SLOT = LOW_STACK;
	emit_prologue();
	return true;
}

uint64_t sandbox_insn_addr(void)
{
	return SB_CODE_BASE + insn_off;
}

uint8_t *sandbox_data(void)
{
	return (uint8_t *)SB_DATA_BASE;
}

struct run_result sandbox_run(const uint8_t *insn, unsigned int len,
			      struct cpu_state *s)
{
	struct cpu_state *rec = (struct cpu_state *)SB_STATE_ADDR;

	emit_prologue();
	emit(insn, len);
	emit_epilogue();
	__builtin___clear_cache((char *)code, (char *)code + code_len);
	*rec = *s;
	fault = (struct run_result){ 0 };
	if (sigsetjmp(fault_jmp, 1) == 0) {
		in_run = 1;
		((void (*)(void))code)();
		in_run = 0;
		*s = *rec;
		return (struct run_result){ 0 };
	}
	/* a fault in compat mode leaves DS/ES at USER_DS: harmless in 64-bit
	 * mode, but put back the null selectors Linux gives 64-bit tasks */
	__asm__ volatile("emms; cld");
	if (mode_bits != 64)
		__asm__ volatile("xor %%eax, %%eax; mov %%eax, %%ds; "
				 "mov %%eax, %%es; mov %%eax, %%gs" ::: "eax");
	struct run_result r = { .faulted = true, .vector = fault.vector,
		.cr2 = fault.cr2, .rflags = fault.rflags };
	memcpy(r.gpr, (const void *)fault.gpr, sizeof(r.gpr));
	return r;
}

void mprotect_ro(bool ro)
{
	mprotect((void *)SB_RO_PAGE, 0x1000, ro ? PROT_READ :
		 PROT_READ | PROT_WRITE);
}
