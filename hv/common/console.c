/* Console output: the log ring, the serial sink and when one feeds the
 * other (see console.h); the ring itself is console_ring.c. */
#include "console.h"
#include "console_ring.h"
#include "ratelimit.h"
#include "spinlock.h"
#include "param.h"
#include "vtime.h"
#include "x86/cpu.h"

/* Boot: every write goes out at once.  Buffered: writes wait in the ring
 * for console_flush().  Final (console_sync: crash, power-off): every
 * write goes out at once, pushing past any other CPU's drain. */
enum console_mode { MODE_BOOT, MODE_BUFFERED, MODE_FINAL };

static char log_ring[LOG_RING_SIZE];
static struct cring ring = CRING_INIT(log_ring);
static enum console_mode mode = MODE_BOOT;
static void (*serial_putc)(char c);
static char console_opt[32] = "com1";
static bool opt_sync_console;
static struct ratelimit guest_msgs = RATELIMIT_INIT(GUEST_MSG_BURST, GUEST_MSG_PER_SEC);
static spinlock_t guest_msgs_lock = SPINLOCK_INIT;

/* console=com1 (default) or console=none; other devices are not built. */
HV_PARAM_STRING("console", console_opt);
/* As Xen's: every write reaches the UART before printk returns (slow;
 * for debugging hangs). */
HV_PARAM_BOOL("sync_console", opt_sync_console);

static void sink(char c)
{
	if (c == '\n')
		serial_putc('\r');
	serial_putc(c);
}

static enum console_mode current_mode(void)
{
	return __atomic_load_n(&mode, __ATOMIC_ACQUIRE);
}

/* Sends everything waiting, unless another CPU's drain is running: that
 * one, unbounded outside MODE_BUFFERED, sends ours too (and an interrupt
 * handler cannot wait here for the drain it interrupted).  In the final
 * mode it waits for no one. */
static void drain_all(void)
{
	if (serial_putc)
		cring_drain(&ring, sink, SIZE_MAX, current_mode() == MODE_FINAL);
}

void console_write(const char *s, size_t n)
{
	cring_append(&ring, s, n);
	if (current_mode() != MODE_BUFFERED)
		drain_all();
}

void console_flush(void)
{
	if (!serial_putc || !cring_pending(&ring))
		return;
	if (current_mode() != MODE_BUFFERED)
		drain_all();
	else if (irqs_enabled())
		cring_drain(&ring, sink, CONSOLE_FLUSH_BUDGET, false);
}

void console_sync(void)
{
	__atomic_store_n(&mode, MODE_FINAL, __ATOMIC_RELEASE);
	drain_all();
}

void console_end_boot(void)
{
	enum console_mode boot = MODE_BOOT;
	if (!opt_sync_console) /* an earlier console_sync() stays */
		__atomic_compare_exchange_n(&mode, &boot, MODE_BUFFERED, false, __ATOMIC_ACQ_REL,
					    __ATOMIC_ACQUIRE);
	console_flush();
}

void console_serial_ready(void (*putc)(char c))
{
	if (strcmp(console_opt, "com1") != 0) {
		if (strcmp(console_opt, "none") != 0)
			printk("console: '%s' is not a console this hv drives (com1, none); using none\n",
			       console_opt);
		return;
	}
	serial_putc = putc;
	console_flush(); /* what was written before the port worked */
}

size_t console_log_tail(char *buf, size_t size)
{
	return cring_tail(&ring, buf, size);
}

uint64_t console_log_end(void)
{
	return cring_head(&ring);
}

size_t console_log_read(uint64_t *pos, char *buf, size_t size)
{
	return cring_read(&ring, pos, buf, size);
}

static void vprintk(const char *fmt, va_list ap)
{
	char buf[512];
	int n = fmt_vsnprintf(buf, sizeof(buf), fmt, ap);
	console_write(buf, MIN((size_t)n, sizeof(buf) - 1));
	console_flush();
}

void printk(const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	vprintk(fmt, ap);
	va_end(ap);
}

void printk_guest(const char *fmt, ...)
{
	uint32_t suppressed = 0;
	uint64_t flags = spin_lock_irqsave(&guest_msgs_lock);
	bool allowed = ratelimit_allow(&guest_msgs, now_ns(), &suppressed);
	spin_unlock_irqrestore(&guest_msgs_lock, flags);
	if (!allowed)
		return;
	if (suppressed)
		printk("(%u guest messages suppressed)\n", suppressed);
	va_list ap;
	va_start(ap, fmt);
	vprintk(fmt, ap);
	va_end(ap);
}

void panic(const char *fmt, ...)
{
	char buf[512];
	va_list ap;
	console_sync();
	va_start(ap, fmt);
	fmt_vsnprintf(buf, sizeof(buf), fmt, ap);
	va_end(ap);
	printk("\n*** PANIC: %s\n*** this CPU is halted\n", buf);
	cpu_halt_forever();
}
