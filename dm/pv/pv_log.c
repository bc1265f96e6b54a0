/*
 * pv_log.c - bastion-dm's log lines (see pv_log.h).
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
	fprintf(out, "[%lld.%03ld] %s\n", (long long)now.tv_sec, now.tv_nsec / 1000000, line);
	fflush(out);
}
