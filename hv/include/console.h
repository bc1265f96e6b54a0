/*
 * The hv console: every message goes to an in-memory log ring and, once
 * the serial port is set up, to the serial line.  Output before that is
 * kept in the ring and replayed when the port comes up.
 */
#ifndef BASTION_CONSOLE_H
#define BASTION_CONSOLE_H

#include "lib.h"

#define LOG_RING_SIZE 65536

void printk(const char *fmt, ...) __printf(1, 2);
void console_write(const char *s, size_t n);
/* Called once the serial port works: replays the ring, then goes live. */
void console_serial_ready(void (*putc)(char c));
/* Copies the newest bytes of the log ring; returns how many. */
size_t console_log_tail(char *buf, size_t size);

/* Moves bytes typed on the serial line into the input ring and tells
 * dom0 (VIRQ_CONSOLE); CONSOLEIO_read takes them from there. */
void console_poll_input(void);
size_t console_read_input(char *buf, size_t max);

__attribute__((noreturn)) void panic(const char *fmt, ...) __printf(1, 2);
#define BUG() panic("BUG at %s:%d", __FILE__, __LINE__)
#define BUG_ON(c) do { if (c) BUG(); } while (0)

#endif
