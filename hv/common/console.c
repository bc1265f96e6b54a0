/* Console output: the log ring and the serial sink (see console.h). */
#include "console.h"
#include "spinlock.h"
#include "param.h"
#include "x86/cpu.h"

static char log_ring[LOG_RING_SIZE];
static uint64_t log_written; /* bytes ever written; head = log_written % size */
static spinlock_t console_lock = SPINLOCK_INIT;
static void (*serial_putc)(char c);
static char console_opt[32] = "com1";

/* console=com1 (default) or console=none; other devices are not built. */
HV_PARAM_STRING("console", console_opt);

static void sink(char c)
{
	if (!serial_putc)
		return;
	if (c == '\n')
		serial_putc('\r');
	serial_putc(c);
}

void console_write(const char *s, size_t n)
{
	uint64_t flags = spin_lock_irqsave(&console_lock);
	for (size_t i = 0; i < n; i++) {
		log_ring[log_written++ % LOG_RING_SIZE] = s[i];
		sink(s[i]);
	}
	spin_unlock_irqrestore(&console_lock, flags);
}

void console_serial_ready(void (*putc)(char c))
{
	if (strcmp(console_opt, "com1") != 0) {
		if (strcmp(console_opt, "none") != 0)
			printk("console: '%s' is not a console this hv drives (com1, none); using none\n",
			       console_opt);
		return;
	}
	uint64_t flags = spin_lock_irqsave(&console_lock);
	serial_putc = putc;
	uint64_t start = log_written > LOG_RING_SIZE ? log_written - LOG_RING_SIZE : 0;
	for (uint64_t i = start; i < log_written; i++)
		sink(log_ring[i % LOG_RING_SIZE]);
	spin_unlock_irqrestore(&console_lock, flags);
}

size_t console_log_tail(char *buf, size_t size)
{
	uint64_t flags = spin_lock_irqsave(&console_lock);
	uint64_t n = MIN((uint64_t)size, MIN(log_written, (uint64_t)LOG_RING_SIZE));
	for (uint64_t i = 0; i < n; i++)
		buf[i] = log_ring[(log_written - n + i) % LOG_RING_SIZE];
	spin_unlock_irqrestore(&console_lock, flags);
	return (size_t)n;
}

void printk(const char *fmt, ...)
{
	char buf[512];
	va_list ap;
	va_start(ap, fmt);
	int n = fmt_vsnprintf(buf, sizeof(buf), fmt, ap);
	va_end(ap);
	console_write(buf, MIN((size_t)n, sizeof(buf) - 1));
}

void panic(const char *fmt, ...)
{
	char buf[512];
	va_list ap;
	va_start(ap, fmt);
	fmt_vsnprintf(buf, sizeof(buf), fmt, ap);
	va_end(ap);
	printk("\n*** PANIC: %s\n*** this CPU is halted\n", buf);
	cpu_halt_forever();
}
