/*
 * bastion-dm's log: one line per event, prefixed with the time, to the
 * file --log names (stderr by default).  Messages about a device name its
 * domain and device id.
 */
#ifndef BASTION_PV_LOG_H
#define BASTION_PV_LOG_H

#include <stdio.h>

/* NULL: stderr.  The stream stays owned by the caller. */
void pv_log_set(FILE *stream);
void pv_log(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

#endif
