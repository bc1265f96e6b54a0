/*
 * Serial input for dom0's console (CONSOLEIO_read, VIRQ_CONSOLE; see
 * public/xen.h).  Polled: the CPU running dom0's first vCPU looks at the
 * UART whenever it enters the guest or wakes, at least every 10 ms.
 */
#include "console.h"
#include "domain.h"
#include "evtchn.h"
#include "serial.h"
#include "spinlock.h"

#define INPUT_RING 1024

static char input_ring[INPUT_RING];
static uint32_t input_head, input_tail; /* free-running */
static spinlock_t input_lock = SPINLOCK_INIT;

void console_poll_input(void)
{
	int c;
	bool got = false;
	uint64_t flags = spin_lock_irqsave(&input_lock);
	while ((c = serial_getc()) >= 0) {
		if (input_head - input_tail < INPUT_RING) /* full: drop, as a UART would */
			input_ring[input_head++ % INPUT_RING] = (char)c;
		got = true;
	}
	spin_unlock_irqrestore(&input_lock, flags);
	if (got && hardware_domain)
		evtchn_raise_virq(&hardware_domain->evtchn, VIRQ_CONSOLE, 0);
}

size_t console_read_input(char *buf, size_t max)
{
	size_t n = 0;
	uint64_t flags = spin_lock_irqsave(&input_lock);
	while (n < max && input_tail != input_head)
		buf[n++] = input_ring[input_tail++ % INPUT_RING];
	spin_unlock_irqrestore(&input_lock, flags);
	return n;
}
