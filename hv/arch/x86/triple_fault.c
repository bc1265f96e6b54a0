/*
 * QEMU's TCG (Debian's 7.2, the emulator every test runs on) now and then
 * runs a guest with part of the host's state - seen: nested paging off,
 * the host's EFER - so delivering an event faults on guest page tables
 * that are fine, and the guest triple-faults.  Such a triple fault is
 * retried once: when it happened while an event was being delivered in
 * long mode, the IDT gate of that event translates, and this vCPU's last
 * retry is over a second old.  On a CPU a real triple fault comes straight
 * back and the guest is crashed then: it costs one extra entry.
 */
#include "x86/triple_fault.h"

#define EVENT_VALID (1ULL << 31)
#define EVENT_TYPE(e) (((e) >> 8) & 7)
#define EVENT_TYPE_HW_EXCEPTION 3
#define RETRY_GAP_NS 1000000000ULL

bool triple_fault_event_refaults(uint64_t event)
{
	uint8_t vector = (uint8_t)event;
	if (EVENT_TYPE(event) != EVENT_TYPE_HW_EXCEPTION || vector >= 32)
		return false;
	/* faults, not traps: #DE, #UD, #NM, #TS, #NP, #SS, #GP, #PF, #MF, #AC, #XM */
	return vector == 0 || vector == 6 || vector == 7 || (vector >= 10 && vector <= 14) ||
	       vector == 16 || vector == 17 || vector == 19;
}

/* An exception that would not come back (a trap, say) cannot be retried:
 * it would be lost.  Interrupts and NMIs are queued again by the caller. */
static bool retriable_event(uint64_t event)
{
	if (!(event & EVENT_VALID))
		return false;
	bool exception = EVENT_TYPE(event) == EVENT_TYPE_HW_EXCEPTION && (uint8_t)event < 32;
	return !exception || triple_fault_event_refaults(event);
}

bool triple_fault_retry(const struct triple_fault *tf, uint64_t *last_retry_at)
{
	if (!retriable_event(tf->event) || !tf->long_mode || !tf->gate_mapped)
		return false;
	if (*last_retry_at && tf->now - *last_retry_at < RETRY_GAP_NS)
		return false;
	*last_retry_at = tf->now;
	return true;
}
