/*
 * Runs inside dom0: proves that FPU/SSE/AVX register state survives the
 * vCPU being descheduled, and never leaks between vCPUs sharing a CPU.
 *
 *   fpu_check [WORKERS [SECONDS]]   (defaults: 2 per online CPU, at
 *                                    least 4; 5 seconds)
 *
 * Worker i pins itself to the i-th CPU it may run on (modulo their number)
 * and, until the time is up, runs rounds of register-resident checks whose
 * results are known in advance.  Each round's values are drawn afresh from
 * a seed made of the worker's number, the round and the check, and every
 * 64-bit vector lane carries a tag (worker, register, lane), so a state
 * that is stale, belongs to another register or to another worker, is
 * caught and named.  In ONE asm block each (so nothing can be spilled):
 *
 *   sse: xmm0-15, the eight x87 registers, a seed-made FCW and MXCSR are
 *        loaded; a few hundred thousand iterations of integer work follow
 *        (half of the blocks make a sched_yield syscall halfway, which
 *        lets another worker run on the vCPU mid-block); xmm7 is XORed
 *        with a mask that is zero except in the self-check; then every
 *        register is stored and compared bit for bit, as are FSW's TOP
 *        and flags and the integer work's result.
 *   avx: the same with all 256 bits of ymm0-15, when CPUID and XCR0 say
 *        the CPU and the OS offer AVX.
 *   sum: a fixed-order sum of the worker's doubles under its own MXCSR
 *        rounding mode, compared (with the MXCSR it leaves) against the
 *        value the C code computed once at start.
 *
 * Before forking, the parent checks the checker: a clean round passes;
 * a single bit flipped in any expected value is caught; a register
 * corrupted inside the asm block is caught; two workers' values differ
 * everywhere; the rounding mode changes the sum.
 *
 * Workers print at most a few "FPU-CHECK: FAIL worker W cpu C round R: ..."
 * lines; the parent prints one summary line, "FPU-CHECK: ok, W workers,
 * R rounds, avx=yes|no" or "FPU-CHECK: FAIL, ...", and exits 0 or 1.
 */
#include <cpuid.h>
#include <errno.h>
#include <sched.h>
#include <signal.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#define MAX_WORKERS 1024
#define FAIL_LINES 4           /* FAIL lines each worker prints at most */
#define SPIN_MIN 100000        /* each half of the spin: SPIN_MIN .. 2*SPIN_MIN-1 */
#define SUM_LEN 512            /* doubles per worker */
#define SUM_PASSES 256         /* passes over them: 131072 additions */
#define HANG_GRACE 120         /* seconds past the end before workers count as hung */

#define STR_(x) #x
#define STR(x) STR_(x)

/* What goes into the registers and what comes out: the layout is fixed
 * because the asm below addresses it by these offsets. */
#define OFF_V 0                /* v[16][4]: xmm/ymm r lane l at 32*r + 8*l */
#define OFF_X87 512            /* x87[8][16]: 80-bit values, loaded in order */
#define OFF_ACC 640            /* integer work's result, or the sum's bits */
#define OFF_MXCSR 648
#define OFF_FCW 652
#define OFF_FSW 654
#define OFF_SAVE_MXCSR 656     /* the caller's, restored before the block ends */
#define OFF_SAVE_FCW 660
struct regs {
	_Alignas(64) uint64_t v[16][4];
	unsigned char x87[8][16];
	uint64_t acc;
	uint32_t mxcsr;
	uint16_t fcw;
	uint16_t fsw;
	uint32_t save_mxcsr;
	uint16_t save_fcw;
};
_Static_assert(offsetof(struct regs, v) == OFF_V, "v");
_Static_assert(offsetof(struct regs, x87) == OFF_X87, "x87");
_Static_assert(offsetof(struct regs, acc) == OFF_ACC, "acc");
_Static_assert(offsetof(struct regs, mxcsr) == OFF_MXCSR, "mxcsr");
_Static_assert(offsetof(struct regs, fcw) == OFF_FCW, "fcw");
_Static_assert(offsetof(struct regs, fsw) == OFF_FSW, "fsw");
_Static_assert(offsetof(struct regs, save_mxcsr) == OFF_SAVE_MXCSR, "save_mxcsr");
_Static_assert(offsetof(struct regs, save_fcw) == OFF_SAVE_FCW, "save_fcw");

#define CTL_FLIP 0             /* XORed into xmm7/ymm7 halfway: zero but in the self-check */
#define CTL_N 32               /* iterations of each half of the spin (>= 1) */
#define CTL_INIT 40            /* the spin's accumulator starts here */
#define CTL_YIELD 48           /* nonzero: sched_yield syscall halfway */
#define CTL_DATA 56            /* sum: the doubles */
struct ctl {
	_Alignas(64) uint64_t flip[4];
	uint64_t n;
	uint64_t init;
	uint64_t yield;
	const double *data;
};
_Static_assert(offsetof(struct ctl, flip) == CTL_FLIP, "flip");
_Static_assert(offsetof(struct ctl, n) == CTL_N, "n");
_Static_assert(offsetof(struct ctl, init) == CTL_INIT, "init");
_Static_assert(offsetof(struct ctl, yield) == CTL_YIELD, "yield");
_Static_assert(offsetof(struct ctl, data) == CTL_DATA, "data");

enum kind { K_SSE, K_AVX, K_SUM };
static const char *const kind_name[] = { "sse", "avx", "sum" };

#define FSW_CHECKED 0x38ffu    /* TOP, ES, SF and the exception flags; C0-C3 are undefined after FLD */
#define V(r) STR(OFF_V + 32 * r) "(%[in])"
#define VO(r) STR(OFF_V + 32 * r) "(%[out])"
#define X(i) STR(OFF_X87 + 16 * i) "(%[in])"
#define XO(i) STR(OFF_X87 + 16 * i) "(%[out])"
#define FIELD(off, p) STR(off) "(%[" #p "])"

/* The spin between filling and reading back: two halves of N iterations
 * adding the counter into r8 (so r8 ends at INIT + N*(N+1)), with an
 * optional sched_yield between them and then the XOR of CTL_FLIP. */
#define SPIN(flip_insn)                                             \
	"mov " FIELD(CTL_N, ctl) ", %%rcx\n\t"                      \
	"mov " FIELD(CTL_INIT, ctl) ", %%r8\n\t"                    \
	"1: add %%rcx, %%r8\n\t"                                    \
	"dec %%rcx\n\t"                                             \
	"jnz 1b\n\t"                                                \
	"cmpq $0, " FIELD(CTL_YIELD, ctl) "\n\t"                    \
	"je 2f\n\t"                                                 \
	"mov $" STR(SYS_sched_yield) ", %%eax\n\t"                  \
	"syscall\n"                                                 \
	"2: " flip_insn "\n\t"                                      \
	"mov " FIELD(CTL_N, ctl) ", %%rcx\n"                        \
	"3: add %%rcx, %%r8\n\t"                                    \
	"dec %%rcx\n\t"                                             \
	"jnz 3b\n\t"                                                \
	"mov %%r8, " FIELD(OFF_ACC, out) "\n\t"

#define X87_IN                                                      \
	"fnclex\n\t"                                                \
	"fldt " X(0) "\n\tfldt " X(1) "\n\tfldt " X(2) "\n\tfldt " X(3) "\n\t" \
	"fldt " X(4) "\n\tfldt " X(5) "\n\tfldt " X(6) "\n\tfldt " X(7) "\n\t"
#define X87_OUT /* st(0) holds x87[7] */                            \
	"fstpt " XO(7) "\n\tfstpt " XO(6) "\n\tfstpt " XO(5) "\n\tfstpt " XO(4) "\n\t" \
	"fstpt " XO(3) "\n\tfstpt " XO(2) "\n\tfstpt " XO(1) "\n\tfstpt " XO(0) "\n\t"
#define CONTROL_IN                                                  \
	"fnstcw " FIELD(OFF_SAVE_FCW, out) "\n\t"                   \
	"stmxcsr " FIELD(OFF_SAVE_MXCSR, out) "\n\t"                \
	"fldcw " FIELD(OFF_FCW, in) "\n\t"                          \
	"ldmxcsr " FIELD(OFF_MXCSR, in) "\n\t"
#define CONTROL_OUT                                                 \
	"stmxcsr " FIELD(OFF_MXCSR, out) "\n\t"                     \
	"fnstcw " FIELD(OFF_FCW, out) "\n\t"                        \
	"fnstsw " FIELD(OFF_FSW, out) "\n\t"
#define CONTROL_RESTORE                                             \
	"fldcw " FIELD(OFF_SAVE_FCW, out) "\n\t"                    \
	"ldmxcsr " FIELD(OFF_SAVE_MXCSR, out) "\n\t"

#define CLOBBERS                                                    \
	"rax", "rcx", "r8", "r11", "memory", "cc",                  \
	"xmm0", "xmm1", "xmm2", "xmm3", "xmm4", "xmm5", "xmm6", "xmm7", \
	"xmm8", "xmm9", "xmm10", "xmm11", "xmm12", "xmm13", "xmm14", "xmm15", \
	"st", "st(1)", "st(2)", "st(3)", "st(4)", "st(5)", "st(6)", "st(7)"

static __attribute__((noinline)) void block_sse(const struct regs *in, struct regs *out, const struct ctl *ctl)
{
	__asm__ volatile(
		CONTROL_IN
		"movdqu " V(0) ", %%xmm0\n\tmovdqu " V(1) ", %%xmm1\n\t"
		"movdqu " V(2) ", %%xmm2\n\tmovdqu " V(3) ", %%xmm3\n\t"
		"movdqu " V(4) ", %%xmm4\n\tmovdqu " V(5) ", %%xmm5\n\t"
		"movdqu " V(6) ", %%xmm6\n\tmovdqu " V(7) ", %%xmm7\n\t"
		"movdqu " V(8) ", %%xmm8\n\tmovdqu " V(9) ", %%xmm9\n\t"
		"movdqu " V(10) ", %%xmm10\n\tmovdqu " V(11) ", %%xmm11\n\t"
		"movdqu " V(12) ", %%xmm12\n\tmovdqu " V(13) ", %%xmm13\n\t"
		"movdqu " V(14) ", %%xmm14\n\tmovdqu " V(15) ", %%xmm15\n\t"
		X87_IN
		SPIN("xorps " FIELD(CTL_FLIP, ctl) ", %%xmm7")
		CONTROL_OUT
		X87_OUT
		"movdqu %%xmm0, " VO(0) "\n\tmovdqu %%xmm1, " VO(1) "\n\t"
		"movdqu %%xmm2, " VO(2) "\n\tmovdqu %%xmm3, " VO(3) "\n\t"
		"movdqu %%xmm4, " VO(4) "\n\tmovdqu %%xmm5, " VO(5) "\n\t"
		"movdqu %%xmm6, " VO(6) "\n\tmovdqu %%xmm7, " VO(7) "\n\t"
		"movdqu %%xmm8, " VO(8) "\n\tmovdqu %%xmm9, " VO(9) "\n\t"
		"movdqu %%xmm10, " VO(10) "\n\tmovdqu %%xmm11, " VO(11) "\n\t"
		"movdqu %%xmm12, " VO(12) "\n\tmovdqu %%xmm13, " VO(13) "\n\t"
		"movdqu %%xmm14, " VO(14) "\n\tmovdqu %%xmm15, " VO(15) "\n\t"
		CONTROL_RESTORE
		:
		: [in] "r"(in), [out] "r"(out), [ctl] "r"(ctl)
		: CLOBBERS);
}

/* Only run after CPUID and XGETBV said yes: VEX-encoded, all 256 bits. */
static __attribute__((noinline)) void block_avx(const struct regs *in, struct regs *out, const struct ctl *ctl)
{
	__asm__ volatile(
		CONTROL_IN
		"vmovdqu " V(0) ", %%ymm0\n\tvmovdqu " V(1) ", %%ymm1\n\t"
		"vmovdqu " V(2) ", %%ymm2\n\tvmovdqu " V(3) ", %%ymm3\n\t"
		"vmovdqu " V(4) ", %%ymm4\n\tvmovdqu " V(5) ", %%ymm5\n\t"
		"vmovdqu " V(6) ", %%ymm6\n\tvmovdqu " V(7) ", %%ymm7\n\t"
		"vmovdqu " V(8) ", %%ymm8\n\tvmovdqu " V(9) ", %%ymm9\n\t"
		"vmovdqu " V(10) ", %%ymm10\n\tvmovdqu " V(11) ", %%ymm11\n\t"
		"vmovdqu " V(12) ", %%ymm12\n\tvmovdqu " V(13) ", %%ymm13\n\t"
		"vmovdqu " V(14) ", %%ymm14\n\tvmovdqu " V(15) ", %%ymm15\n\t"
		X87_IN
		SPIN("vxorps " FIELD(CTL_FLIP, ctl) ", %%ymm7, %%ymm7")
		CONTROL_OUT
		X87_OUT
		"vmovdqu %%ymm0, " VO(0) "\n\tvmovdqu %%ymm1, " VO(1) "\n\t"
		"vmovdqu %%ymm2, " VO(2) "\n\tvmovdqu %%ymm3, " VO(3) "\n\t"
		"vmovdqu %%ymm4, " VO(4) "\n\tvmovdqu %%ymm5, " VO(5) "\n\t"
		"vmovdqu %%ymm6, " VO(6) "\n\tvmovdqu %%ymm7, " VO(7) "\n\t"
		"vmovdqu %%ymm8, " VO(8) "\n\tvmovdqu %%ymm9, " VO(9) "\n\t"
		"vmovdqu %%ymm10, " VO(10) "\n\tvmovdqu %%ymm11, " VO(11) "\n\t"
		"vmovdqu %%ymm12, " VO(12) "\n\tvmovdqu %%ymm13, " VO(13) "\n\t"
		"vmovdqu %%ymm14, " VO(14) "\n\tvmovdqu %%ymm15, " VO(15) "\n\t"
		"vzeroupper\n\t"
		CONTROL_RESTORE
		:
		: [in] "r"(in), [out] "r"(out), [ctl] "r"(ctl)
		: CLOBBERS);
}

/* The sum: SUM_PASSES passes over the SUM_LEN doubles, in order, into
 * xmm0 under in->mxcsr, with a sched_yield halfway if ctl->yield;
 * leaves the sum's bits in out->acc and the MXCSR it ends with. */
static __attribute__((noinline)) void block_sum(const struct regs *in, struct regs *out, const struct ctl *ctl)
{
	__asm__ volatile(
		"stmxcsr " FIELD(OFF_SAVE_MXCSR, out) "\n\t"
		"ldmxcsr " FIELD(OFF_MXCSR, in) "\n\t"
		"mov " FIELD(CTL_DATA, ctl) ", %%r10\n\t"
		"xorpd %%xmm0, %%xmm0\n\t"
		"mov $" STR(SUM_PASSES) ", %%r9\n"
		"1: xor %%edx, %%edx\n"
		"2: addsd (%%r10,%%rdx,8), %%xmm0\n\t"
		"inc %%rdx\n\t"
		"cmp $" STR(SUM_LEN) ", %%rdx\n\t"
		"jne 2b\n\t"
		"cmp $" STR(SUM_PASSES) " / 2, %%r9\n\t"
		"jne 3f\n\t"
		"cmpq $0, " FIELD(CTL_YIELD, ctl) "\n\t"
		"je 3f\n\t"
		"mov $" STR(SYS_sched_yield) ", %%eax\n\t"
		"syscall\n"
		"3: dec %%r9\n\t"
		"jnz 1b\n\t"
		"movq %%xmm0, " FIELD(OFF_ACC, out) "\n\t"
		"stmxcsr " FIELD(OFF_MXCSR, out) "\n\t"
		"ldmxcsr " FIELD(OFF_SAVE_MXCSR, out) "\n\t"
		:
		: [in] "r"(in), [out] "r"(out), [ctl] "r"(ctl)
		: "rax", "rcx", "rdx", "r9", "r10", "r11", "memory", "cc", "xmm0");
}

/* The same sum in C, run once per worker at start.  The volatile
 * accumulator keeps every addition between the two MXCSR writes. */
static __attribute__((noinline)) void ref_sum(const double *data, uint32_t mxcsr, uint64_t *bits, uint32_t *mxcsr_after)
{
	uint32_t save;
	__asm__ volatile("stmxcsr %0\n\tldmxcsr %1" : "=m"(save) : "m"(mxcsr) : "memory");
	volatile double acc = 0.0;
	for (int p = 0; p < SUM_PASSES; p++)
		for (int i = 0; i < SUM_LEN; i++)
			acc = acc + data[i];
	double r = acc;
	__asm__ volatile("stmxcsr %0\n\tldmxcsr %1" : "=m"(*mxcsr_after) : "m"(save) : "memory");
	memcpy(bits, &r, sizeof(r));
}

static uint64_t splitmix(uint64_t *s)
{
	uint64_t z = (*s += 0x9e3779b97f4a7c15ull);
	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ull;
	z = (z ^ (z >> 27)) * 0x94d049bb133111ebull;
	return z ^ (z >> 31);
}

/* Vector lanes: bits 63-56 worker+1, 55-52 register, 51-50 lane, 49-48
 * kind, the rest random. */
static uint64_t lane_tag(unsigned w, unsigned r, unsigned l, enum kind k)
{
	return (uint64_t)((w + 1) & 0xff) << 56 | (uint64_t)r << 52 | (uint64_t)l << 50 | (uint64_t)k << 48;
}

static uint32_t mxcsr_mask = 0xffbf; /* from FXSAVE at start */

/* Fills *r (what goes in, which is also what must come out) and *c
 * for worker w's round of check k. */
static void gen(struct regs *r, struct ctl *c, unsigned w, uint64_t round, enum kind k)
{
	uint64_t s = 0x46505543484b2100ull ^ (uint64_t)w << 40 ^ round << 2 ^ (uint64_t)k;
	splitmix(&s);
	s ^= splitmix(&s);
	memset(r, 0, sizeof(*r));
	for (unsigned i = 0; i < 16; i++)
		for (unsigned l = 0; l < 4; l++)
			r->v[i][l] = (splitmix(&s) & 0x0000ffffffffffffull) | lane_tag(w, i, l, k);
	for (unsigned i = 0; i < 8; i++) {
		/* normal: integer bit set, exponent within 2^-512 .. 2^511 */
		uint64_t mant = splitmix(&s) | 1ull << 63, e = splitmix(&s);
		uint16_t se = (uint16_t)(0x3fff - 512 + (e & 1023)) | (uint16_t)(e >> 63 << 15);
		memcpy(r->x87[i], &mant, 8);
		memcpy(r->x87[i] + 8, &se, 2);
	}
	uint64_t m = splitmix(&s);
	/* all exceptions masked; random sticky flags, rounding, FTZ and DAZ */
	r->mxcsr = (uint32_t)(0x1f80 | (m & 0x3f) | (m >> 8 & 3) << 13 | (m >> 10 & 1) << 15 | (m >> 11 & 1) << 6);
	r->mxcsr &= mxcsr_mask;
	/* all exceptions masked, bit 6 set as it reads; precision 24, 53 or 64 bits */
	static const uint16_t pc[4] = { 0, 2, 3, 3 };
	r->fcw = (uint16_t)(0x7f | pc[m >> 16 & 3] << 8 | (m >> 18 & 3) << 10);
	r->fsw = 0; /* after FNCLEX and eight loads: TOP 0, no flags */
	memset(c, 0, sizeof(*c));
	c->n = SPIN_MIN + splitmix(&s) % SPIN_MIN;
	c->init = splitmix(&s);
	c->yield = splitmix(&s) & 1;
	r->acc = c->init + c->n * (c->n + 1);
}

/* Poison: the complement of every expected byte, so a field the asm
 * did not store cannot match. */
static void poison(const struct regs *exp, struct regs *got)
{
	const unsigned char *e = (const unsigned char *)exp;
	unsigned char *g = (unsigned char *)got;
	for (size_t i = 0; i < sizeof(*exp); i++)
		g[i] = (unsigned char)~e[i];
}

static void say(const char *fmt, ...)
{
	char buf[512];
	va_list ap;
	va_start(ap, fmt);
	int n = vsnprintf(buf, sizeof(buf) - 1, fmt, ap);
	va_end(ap);
	if (n < 0)
		return;
	if (n > (int)sizeof(buf) - 2)
		n = (int)sizeof(buf) - 2;
	buf[n++] = '\n';
	for (int off = 0; off < n;) {
		ssize_t k = write(1, buf + off, (size_t)(n - off));
		if (k < 0 && errno == EINTR)
			continue;
		if (k <= 0)
			return;
		off += (int)k;
	}
}

struct who {
	unsigned worker;
	uint64_t round;
	int lines_left;        /* < 0: say nothing (the self-check) */
};

static void report(struct who *who, const char *what, uint64_t exp, uint64_t got, const char *hint)
{
	if (who->lines_left <= 0)
		return;
	who->lines_left--;
	say("FPU-CHECK: FAIL worker %u cpu %d round %llu: %s expected %#018llx got %#018llx%s", who->worker,
	    sched_getcpu(), (unsigned long long)who->round, what, (unsigned long long)exp,
	    (unsigned long long)got, hint);
}

/* Compares what came out of check k with what went in; returns the
 * number of values that differ. */
static int compare(const struct regs *exp, const struct regs *got, enum kind k, struct who *who)
{
	char what[64], hint[96];
	int bad = 0;
	if (k != K_SUM) {
		unsigned lanes = k == K_AVX ? 4 : 2;
		for (unsigned r = 0; r < 16; r++)
			for (unsigned l = 0; l < lanes; l++) {
				uint64_t e = exp->v[r][l], g = got->v[r][l];
				if (e == g)
					continue;
				bad++;
				snprintf(what, sizeof(what), "%s %smm%u bits %u-%u", kind_name[k], k == K_AVX ? "y" : "x",
					 r, 64 * l, 64 * l + 63);
				hint[0] = 0;
				if (g >> 56 && (g >> 48 & 3) <= K_AVX) /* looks like a lane of ours */
					snprintf(hint, sizeof(hint), " (got is tagged worker %u %s reg %u bits %u-%u)",
						 (unsigned)(g >> 56) - 1, kind_name[g >> 48 & 3], (unsigned)(g >> 52 & 15),
						 64 * (unsigned)(g >> 50 & 3), 64 * (unsigned)(g >> 50 & 3) + 63);
				report(who, what, e, g, hint);
			}
		for (unsigned i = 0; i < 8; i++) {
			if (!memcmp(exp->x87[i], got->x87[i], 10))
				continue;
			bad++;
			uint64_t em, gm;
			uint16_t ese, gse;
			memcpy(&em, exp->x87[i], 8);
			memcpy(&gm, got->x87[i], 8);
			memcpy(&ese, exp->x87[i] + 8, 2);
			memcpy(&gse, got->x87[i] + 8, 2);
			snprintf(what, sizeof(what), "%s x87 st(%u) sign+exponent %#06x mantissa", kind_name[k], 7 - i, ese);
			snprintf(hint, sizeof(hint), " (got sign+exponent %#06x)", gse);
			report(who, what, em, gm, hint);
		}
		if (exp->fcw != got->fcw) {
			bad++;
			report(who, k == K_AVX ? "avx FCW" : "sse FCW", exp->fcw, got->fcw, "");
		}
		if (exp->fsw != (got->fsw & FSW_CHECKED)) {
			bad++;
			report(who, k == K_AVX ? "avx FSW (TOP, flags)" : "sse FSW (TOP, flags)", exp->fsw, got->fsw, "");
		}
	}
	if (exp->mxcsr != got->mxcsr) {
		bad++;
		snprintf(what, sizeof(what), "%s MXCSR", kind_name[k]);
		report(who, what, exp->mxcsr, got->mxcsr, "");
	}
	if (exp->acc != got->acc) {
		bad++;
		snprintf(what, sizeof(what), "%s %s", kind_name[k],
			 k == K_SUM ? "sum of doubles (bits)" : "integer work in r8 during the spin");
		report(who, what, exp->acc, got->acc, "");
	}
	return bad;
}

static int have_avx(void)
{
	unsigned a, b, c, d;
	if (!__get_cpuid(1, &a, &b, &c, &d))
		return 0;
	if (!(c & bit_OSXSAVE) || !(c & bit_AVX))
		return 0;
	uint32_t lo, hi;
	__asm__ volatile("xgetbv" : "=a"(lo), "=d"(hi) : "c"(0));
	return (lo & 6) == 6;
}

static void read_mxcsr_mask(void)
{
	static _Alignas(16) unsigned char area[512];
	memset(area, 0, sizeof(area));
	__asm__ volatile("fxsave %0" : "=m"(area));
	uint32_t m;
	memcpy(&m, area + 28, 4);
	mxcsr_mask = m ? m : 0xffbf;
}

/* A worker's doubles and the rounding mode of its sum. */
struct sum_setup {
	double data[SUM_LEN];
	struct regs exp;       /* mxcsr: what to load; after ref(): acc and mxcsr to expect */
	uint32_t load_mxcsr;
};

static void sum_setup(struct sum_setup *s, unsigned w, unsigned rc)
{
	uint64_t seed = 0x53554d2100000000ull ^ (uint64_t)w << 8;
	for (int i = 0; i < SUM_LEN; i++) {
		/* random 52-bit mantissa and sign, exponent 2^-10 .. 2^10 */
		uint64_t m = splitmix(&seed), e = splitmix(&seed);
		uint64_t bits = (m & 0x000fffffffffffffull) | (1023 - 10 + e % 21) << 52 | (e >> 63) << 63;
		memcpy(&s->data[i], &bits, 8);
	}
	memset(&s->exp, 0, sizeof(s->exp));
	s->load_mxcsr = 0x1f80 | rc << 13;
	ref_sum(s->data, s->load_mxcsr, &s->exp.acc, &s->exp.mxcsr);
}

static void run(enum kind k, const struct regs *in, struct regs *out, const struct ctl *c)
{
	if (k == K_SSE)
		block_sse(in, out, c);
	else if (k == K_AVX)
		block_avx(in, out, c);
	else
		block_sum(in, out, c);
}

static int self_fail(const char *what)
{
	say("FPU-CHECK: FAIL, self-check: %s", what);
	return 1;
}

/* The checker is checked before any worker runs. */
static int self_check(int avx)
{
	static struct regs in, out, other, exp;
	static struct ctl c;
	struct who quiet = { 0, 0, -1 }, loud = { 0, 0, 8 }; /* loud: for what must pass */
	enum kind kinds[2] = { K_SSE, K_AVX };
	for (int ki = 0; ki < 1 + avx; ki++) {
		enum kind k = kinds[ki];
		unsigned lanes = k == K_AVX ? 4 : 2;
		gen(&in, &c, 0, 0, k);
		c.yield = 1;
		poison(&in, &out);
		run(k, &in, &out, &c);
		if (compare(&in, &out, k, &loud) != 0)
			return self_fail("a clean round does not pass");
		/* a bit flipped in any one expected value is caught, alone */
		int fields = 0;
		for (unsigned r = 0; r < 16; r++)
			for (unsigned l = 0; l < lanes; l++, fields++) {
				exp = in;
				exp.v[r][l] ^= 1ull << (fields % 64);
				if (compare(&exp, &out, k, &quiet) != 1)
					return self_fail("a flipped bit in a vector register is missed");
			}
		for (unsigned i = 0; i < 8; i++) {
			for (unsigned byte = 0; byte < 10; byte += 9) {
				exp = in;
				exp.x87[i][byte] ^= (unsigned char)(1u << (i % 8));
				if (compare(&exp, &out, k, &quiet) != 1)
					return self_fail("a flipped bit in an x87 register is missed");
			}
		}
		uint16_t *u16[2] = { &exp.fcw, &exp.fsw };
		for (int f = 0; f < 2; f++) {
			exp = in;
			*u16[f] ^= 0x0800;
			if (compare(&exp, &out, k, &quiet) != 1)
				return self_fail("a flipped bit in FCW or FSW is missed");
		}
		exp = in;
		exp.mxcsr ^= 0x4000;
		if (compare(&exp, &out, k, &quiet) != 1)
			return self_fail("a flipped bit in MXCSR is missed");
		exp = in;
		exp.acc ^= 1;
		if (compare(&exp, &out, k, &quiet) != 1)
			return self_fail("a wrong result of the integer work is missed");
		/* the poison: a field the asm did not write is caught */
		exp = in;
		poison(&in, &other);
		if (compare(&exp, &other, k, &quiet) != (int)(16 * lanes + 8 + 4))
			return self_fail("an output left unwritten is not caught everywhere");
		/* a register corrupted inside the asm block, mid-spin, is caught */
		c.flip[lanes - 1] = 1ull << 33;
		poison(&in, &out);
		run(k, &in, &out, &c);
		c.flip[lanes - 1] = 0;
		if (compare(&in, &out, k, &quiet) != 1 || out.v[7][lanes - 1] != (in.v[7][lanes - 1] ^ 1ull << 33))
			return self_fail(k == K_AVX ? "ymm7's upper half corrupted mid-block is missed"
						    : "xmm7 corrupted mid-block is missed");
		/* another worker's state, or another round's, differs everywhere */
		for (unsigned w = 0; w < 2; w++) {
			gen(&other, &c, w, !w, k);
			int n = compare(&in, &other, k, &quiet);
			if (n < (int)(16 * lanes + 8))
				return self_fail("two workers' or rounds' values are not all different");
		}
		/* MXCSR and FCW do come from the seed */
		gen(&other, &c, 1, 0, k);
		if (other.mxcsr == in.mxcsr && other.fcw == in.fcw) {
			gen(&other, &c, 2, 0, k);
			if (other.mxcsr == in.mxcsr && other.fcw == in.fcw)
				return self_fail("MXCSR and FCW do not depend on the seed");
		}
	}
	/* the sum: asm equals C, rounding matters, workers differ */
	static struct sum_setup s[4], s1;
	for (unsigned rc = 0; rc < 4; rc++) {
		sum_setup(&s[rc], 0, rc);
		memset(&c, 0, sizeof(c));
		c.data = s[rc].data;
		c.yield = rc & 1;
		in = s[rc].exp;
		in.mxcsr = s[rc].load_mxcsr;
		poison(&s[rc].exp, &out);
		block_sum(&in, &out, &c);
		if (compare(&s[rc].exp, &out, K_SUM, &loud) != 0)
			return self_fail("the asm sum differs from the C sum");
		exp = s[rc].exp;
		exp.acc ^= 1;
		if (compare(&exp, &out, K_SUM, &quiet) != 1)
			return self_fail("a sum one ulp off is missed");
	}
	if (s[1].exp.acc == s[2].exp.acc) /* rounding down and up */
		return self_fail("the rounding mode does not change the sum");
	if (!(s[0].exp.mxcsr & 0x20))
		return self_fail("the sum is exact, so rounding is not exercised");
	sum_setup(&s1, 1, 0);
	if (s1.exp.acc == s[0].exp.acc)
		return self_fail("two workers' sums are equal");
	return 0;
}

struct result {
	uint64_t rounds;
	uint64_t mismatches;
	int cpu;               /* the CPU the worker was pinned to */
	int done;              /* 1: finished; -1: could not pin */
};

static double now(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + ts.tv_nsec / 1e9;
}

static void worker(unsigned w, int cpu, double end, int avx, volatile struct result *res)
{
	cpu_set_t set;
	CPU_ZERO(&set);
	CPU_SET(cpu, &set);
	res->cpu = cpu;
	if (sched_setaffinity(0, sizeof(set), &set) != 0) {
		say("FPU-CHECK: FAIL worker %u cpu %d round 0: cannot pin to cpu %d: %s", w, sched_getcpu(), cpu,
		    strerror(errno));
		res->done = -1;
		_exit(1);
	}
	sched_yield(); /* move there */
	static struct sum_setup sum;
	static struct regs in, out;
	static struct ctl c;
	uint64_t seed = 0x7e57ull ^ w;
	sum_setup(&sum, w, (unsigned)(splitmix(&seed) & 3));
	struct who who = { w, 0, FAIL_LINES };
	uint64_t round = 0, bad = 0;
	do {
		round++;
		who.round = round;
		gen(&in, &c, w, round, K_SSE);
		poison(&in, &out);
		block_sse(&in, &out, &c);
		bad += (uint64_t)compare(&in, &out, K_SSE, &who);

		memset(&c, 0, sizeof(c));
		c.data = sum.data;
		c.yield = round & 1;
		in = sum.exp;
		in.mxcsr = sum.load_mxcsr;
		poison(&sum.exp, &out);
		block_sum(&in, &out, &c);
		bad += (uint64_t)compare(&sum.exp, &out, K_SUM, &who);

		if (avx) {
			gen(&in, &c, w, round, K_AVX);
			poison(&in, &out);
			block_avx(&in, &out, &c);
			bad += (uint64_t)compare(&in, &out, K_AVX, &who);
		}
		res->rounds = round;
		res->mismatches = bad;
		if (round % 4 == 0)
			sched_yield();
	} while (now() < end);
	res->done = 1;
	_exit(bad ? 1 : 0);
}

int main(int argc, char **argv)
{
	cpu_set_t allowed;
	int cpus[CPU_SETSIZE], ncpus = 0;
	if (sched_getaffinity(0, sizeof(allowed), &allowed) == 0)
		for (int i = 0; i < CPU_SETSIZE; i++)
			if (CPU_ISSET(i, &allowed))
				cpus[ncpus++] = i;
	if (ncpus == 0) {
		long n = sysconf(_SC_NPROCESSORS_ONLN);
		for (long i = 0; i < n && i < CPU_SETSIZE; i++)
			cpus[ncpus++] = (int)i;
	}
	if (ncpus == 0)
		cpus[ncpus++] = 0;
	long online = sysconf(_SC_NPROCESSORS_ONLN);
	long nworkers = 2 * (online > 0 ? online : ncpus), seconds = 5;
	if (nworkers < 4)
		nworkers = 4;
	char *end;
	if (argc > 1) {
		nworkers = strtol(argv[1], &end, 10);
		if (*end || nworkers < 1 || nworkers > MAX_WORKERS) {
			say("FPU-CHECK: FAIL, usage: %s [workers 1-%d [seconds]]", argv[0], MAX_WORKERS);
			return 1;
		}
	}
	if (argc > 2) {
		seconds = strtol(argv[2], &end, 10);
		if (*end || seconds < 0 || seconds > 86400) {
			say("FPU-CHECK: FAIL, usage: %s [workers [seconds 0-86400]]", argv[0]);
			return 1;
		}
	}
	int avx = have_avx();
	read_mxcsr_mask();
	if (self_check(avx))
		return 1;

	volatile struct result *res = mmap(NULL, sizeof(struct result) * (size_t)nworkers, PROT_READ | PROT_WRITE,
					   MAP_SHARED | MAP_ANONYMOUS, -1, 0);
	if (res == MAP_FAILED) {
		say("FPU-CHECK: FAIL, mmap: %s", strerror(errno));
		return 1;
	}
	static pid_t pids[MAX_WORKERS];
	double start = now(), stop = start + (double)seconds;
	for (long i = 0; i < nworkers; i++) {
		pid_t p = fork();
		if (p == 0)
			worker((unsigned)i, cpus[i % ncpus], stop, avx, &res[i]);
		if (p < 0) {
			say("FPU-CHECK: FAIL, fork: %s", strerror(errno));
			for (long j = 0; j < i; j++)
				kill(pids[j], SIGKILL);
			return 1;
		}
		pids[i] = p;
	}

	/* Wait for all, killing (our own) stragglers long past the end. */
	long running = nworkers, failed = 0, hung = 0;
	static int status[MAX_WORKERS];
	while (running > 0) {
		int st;
		pid_t p = waitpid(-1, &st, WNOHANG);
		if (p < 0 && errno != EINTR)
			break;
		if (p > 0) {
			for (long i = 0; i < nworkers; i++)
				if (pids[i] == p) {
					status[i] = st;
					pids[i] = -pids[i];
					running--;
				}
			continue;
		}
		if (now() > stop + HANG_GRACE) {
			for (long i = 0; i < nworkers; i++)
				if (pids[i] > 0) {
					say("FPU-CHECK: FAIL worker %ld cpu %d round %llu: still running %d s after the end",
					    i, res[i].cpu, (unsigned long long)res[i].rounds, HANG_GRACE);
					kill(pids[i], SIGKILL);
					hung++;
				}
			while (waitpid(-1, NULL, 0) > 0)
				;
			break;
		}
		usleep(20000);
	}
	uint64_t rounds = 0, mismatches = 0;
	for (long i = 0; i < nworkers; i++) {
		rounds += res[i].rounds;
		mismatches += res[i].mismatches;
		if (pids[i] > 0)
			continue; /* hung, counted above */
		int st = status[i];
		if (WIFSIGNALED(st)) {
			say("FPU-CHECK: FAIL worker %ld cpu %d round %llu: killed by signal %d", i, res[i].cpu,
			    (unsigned long long)res[i].rounds + 1, WTERMSIG(st));
			failed++;
		} else if (!WIFEXITED(st) || WEXITSTATUS(st) != 0 || res[i].done != 1 || res[i].rounds == 0 ||
			   res[i].mismatches != 0) {
			failed++;
		}
	}
	if (failed || hung || mismatches || running > 0) {
		say("FPU-CHECK: FAIL, %llu mismatches, %ld of %ld workers failed, %ld hung, %llu rounds, avx=%s",
		    (unsigned long long)mismatches, failed + hung, nworkers, hung, (unsigned long long)rounds,
		    avx ? "yes" : "no");
		return 1;
	}
	say("FPU-CHECK: ok, %ld workers, %llu rounds, avx=%s", nworkers, (unsigned long long)rounds, avx ? "yes" : "no");
	return 0;
}
