/* hv/arch/x86/triple_fault.c: which triple faults are retried, and how often. */
#include "check.h"
#include "x86/triple_fault.h"

#define VALID (1ULL << 31)
#define EXC(v) (VALID | 3ULL << 8 | (v))  /* a hardware exception */
#define INTR(v) (VALID | (v))             /* an external interrupt */
#define SEC 1000000000ULL

static bool retry(uint64_t event, bool long_mode, bool gate_mapped, uint64_t now, uint64_t *last)
{
	struct triple_fault tf = { event, long_mode, gate_mapped, now };
	return triple_fault_retry(&tf, last);
}

int main(void)
{
	uint64_t last = 0;
	CHECK(retry(EXC(14), true, true, 5 * SEC, &last) && last == 5 * SEC,
	      "a #PF whose delivery triple-faulted, gate mapped: retried, the time noted");
	CHECK(!retry(EXC(14), true, true, 5 * SEC + SEC / 2, &last) && last == 5 * SEC,
	      "the same vCPU again within a second: not retried (a real triple fault is crashed)");
	CHECK(retry(INTR(0xf3), true, true, 6 * SEC + 1, &last) && last == 6 * SEC + 1,
	      "over a second later: retried again (an interrupt, queued again by the caller)");
	last = 0;
	CHECK(!retry(0, true, true, SEC, &last) && last == 0, "no event in delivery: not retried");
	CHECK(!retry(EXC(14), true, false, SEC, &last) && last == 0, "the gate does not translate: not retried");
	CHECK(!retry(EXC(14), false, true, SEC, &last) && last == 0, "not in long mode: not retried");
	CHECK(!retry(EXC(1), true, true, SEC, &last) && !retry(EXC(3), true, true, SEC, &last) && last == 0,
	      "a #DB or #BP (traps: they would be lost) is not retried");
	CHECK(retry(VALID | 2ULL << 8 | 2, true, true, SEC, &last), "an NMI is retried");
	CHECK(triple_fault_event_refaults(EXC(14)) && triple_fault_event_refaults(EXC(13)) &&
		      triple_fault_event_refaults(EXC(0)) && triple_fault_event_refaults(EXC(6)),
	      "#PF, #GP, #DE, #UD come back when the instruction runs again");
	CHECK(!triple_fault_event_refaults(EXC(1)) && !triple_fault_event_refaults(INTR(0xf3)) &&
		      !triple_fault_event_refaults(VALID | 3ULL << 8 | 0xf3),
	      "a trap or an interrupt (also one a CPU tags as an exception above 31) does not");
	return check_exit();
}
