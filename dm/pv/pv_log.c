/*
 * pv_log.c - bastion-dm's log lines (see pv_log.h), control characters
 * shown as '?'.
 */
#include <stdarg.h>
#include <time.h>

#include "pv_log.h"

static FILE *log_stream;

void pv_log_set(FILE *stream)
{
	log_stream = stream;
}

void pv_log(const char *fmt, ...)
{
	FILE *out = log_stream ? log_stream : stderr;
	struct timespec now;
	char line[1024];
	va_list ap;

	clock_gettime(CLOCK_REALTIME, &now);
	va_start(ap, fmt);
	vsnprintf(line, sizeof(line), fmt, ap);
	va_end(ap);
	/* One event, one line: a control character a guest put in a key we
	 * quote (a newline, an escape) cannot start a forged line. */
	for (char *c = line; *c; c++)
		if ((unsigned char)*c < 0x20 || *c == 0x7f)
			*c = '?';
	fprintf(out, "[%lld.%03ld] %s\n", (long long)now.tv_sec, now.tv_nsec / 1000000, line);
	fflush(out);
}
