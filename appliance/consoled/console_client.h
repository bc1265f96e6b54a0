/*
 * console_client.h - attaching the terminal to a guest's console pty, as
 * Xen's xenconsole client does: the pty named by xenstore (console/tty of
 * /local/domain/N for console 0, device/console/NUM/tty for the others),
 * waited for a few seconds if the console daemon has not written it yet.
 */
#ifndef CONSOLE_CLIENT_H
#define CONSOLE_CLIENT_H

#include <stdint.h>
#include <stdio.h>

#include "bx.h"

/* The byte that detaches: Ctrl-]. */
#define CONSOLE_ESCAPE 0x1d
/* How long console_attach waits for console/tty to appear. */
#define CONSOLE_TTY_WAIT_MS 5000

/*
 * Copies stdin to guest domid's console number num and its output to
 * stdout, with a terminal on stdin in raw mode (restored on return), until
 * Ctrl-] is typed or the pty closes.  Returns 0 then, or a negative errno
 * after naming the problem (domain, xenstore key, pty) on err.
 */
int console_attach(struct bx_xs *xs, uint32_t domid, int num, FILE *err);

/* The xenstore path of that console's tty key, malloc'ed, or NULL. */
char *console_tty_key(struct bx_xs *xs, uint32_t domid, int num);

#endif
