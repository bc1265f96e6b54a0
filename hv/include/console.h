/*
 * The hv console: every message goes to an in-memory log ring, and from
 * there to the serial line once the port is set up (earlier output waits
 * in the ring).  Writing never waits for the UART with interrupts off;
 * when output reaches the UART:
 *
 * - during boot (until console_end_boot()), at once and completely, so a
 *   hang mid-boot still shows its last line; always, with "sync_console";
 * - after boot, console_write() only appends to the ring and
 *   console_flush() sends it: up to CONSOLE_FLUSH_BUDGET bytes per call,
 *   with interrupts enabled, by one CPU at a time (the others return at
 *   once).  It is called after every printk()/printk_guest() made with
 *   interrupts on, after each chunk dom0 writes with console_io, and from
 *   the loops a CPU passes through periodically (a vCPU's wait loop,
 *   after every exit and at least every 10 ms while blocked; the idle
 *   loop, on every timer tick);
 * - after console_sync() (panic, exception dumps, power-off and reset):
 *   everything waiting goes out at once, and every later write with it,
 *   whatever the interrupt flag says and whoever else was transmitting.
 *
 * If writers outrun the UART the ring drops the oldest unsent bytes and
 * says so: "[N bytes of console output dropped]".
 */
#ifndef BASTION_CONSOLE_H
#define BASTION_CONSOLE_H

#include "lib.h"

#define LOG_RING_SIZE 65536
#define CONSOLE_FLUSH_BUDGET 512 /* about 45 ms of a 115200-baud line */

/* Lines a guest can cause to be logged (a bad hypercall, an MSR the hv
 * refuses, a crash): all guests share GUEST_MSG_BURST lines at once, then
 * GUEST_MSG_PER_SEC a second; "(N guest messages suppressed)" precedes
 * the next line that goes out after some were refused. */
#define GUEST_MSG_BURST 20
#define GUEST_MSG_PER_SEC 10

void printk(const char *fmt, ...) __printf(1, 2);
void printk_guest(const char *fmt, ...) __printf(1, 2);
void console_write(const char *s, size_t n);
/* Sends up to CONSOLE_FLUSH_BUDGET waiting bytes to the UART; does nothing
 * if interrupts are off or another CPU is sending.  Precondition: GIF is
 * set (not between CLGI and VMRUN), which RFLAGS cannot tell. */
void console_flush(void);
/* Crash and shutdown paths: all output, now and from now on, goes out
 * synchronously. */
void console_sync(void);
/* Boot is over (CPUs up, dom0 about to start): output becomes buffered. */
void console_end_boot(void);
/* Called once the serial port works: sends what the ring holds. */
void console_serial_ready(void (*putc)(char c));
/* Copies the newest bytes of the log ring; returns how many. */
size_t console_log_tail(char *buf, size_t size);
/* The log by position (bytes ever written), for XEN_SYSCTL_readconsole. */
uint64_t console_log_end(void);
size_t console_log_read(uint64_t *pos, char *buf, size_t size);

/* Moves bytes typed on the serial line into the input ring and tells
 * dom0 (VIRQ_CONSOLE); CONSOLEIO_read takes them from there. */
void console_poll_input(void);
size_t console_read_input(char *buf, size_t max);

__attribute__((noreturn)) void panic(const char *fmt, ...) __printf(1, 2);
#define BUG() panic("BUG at %s:%d", __FILE__, __LINE__)
#define BUG_ON(c) do { if (c) BUG(); } while (0)

#endif
