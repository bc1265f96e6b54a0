/*
 * xs_log.c - the daemon's log (connection drops, domain changes, errors)
 * and the message trace (-T/--trace-file, and XS_CONTROL "log on|off"),
 * one line per message in or out: direction, connection, type, ids and
 * the payload with NULs shown as spaces, cut at 256 bytes.
 */
#include <stdarg.h>
#include <stdio.h>
#include <time.h>

#include "xenstored.h"

static void stamp(FILE *f)
{
	char buf[32];
	time_t now = time(NULL);
	struct tm tm;

	localtime_r(&now, &tm);
	strftime(buf, sizeof(buf), "%Y-%m-%d %H:%M:%S", &tm);
	fprintf(f, "%s ", buf);
}

void xs_log(struct xs_daemon *d, const char *fmt, ...)
{
	FILE *f = d->log ? d->log : d->trace;
	va_list ap;

	if (!f)
		return;
	stamp(f);
	fputs("xenstored: ", f);
	va_start(ap, fmt);
	vfprintf(f, fmt, ap);
	va_end(ap);
	fputc('\n', f);
	fflush(f);
}

void xs_trace_msg(struct xs_daemon *d, const struct xs_conn *conn,
		  const char *dir, const struct xsd_sockmsg *hdr,
		  const char *body)
{
	uint32_t shown = hdr->len < 256 ? hdr->len : 256;

	if (!d->trace || !d->log_enabled)
		return;
	stamp(d->trace);
	fprintf(d->trace, "%s conn %u dom %u %s req %u tx %u len %u (", dir,
		conn->serial, conn->domid, xs_type_name(hdr->type), hdr->req_id,
		hdr->tx_id, hdr->len);
	for (uint32_t i = 0; body && i < shown; i++) {
		char c = body[i];
		fputc(c == '\0' ? ' ' : (c >= 32 && c < 127) ? c : '.',
		      d->trace);
	}
	fputs(shown < hdr->len ? "...)\n" : ")\n", d->trace);
	fflush(d->trace);
}

int xs_log_open_trace(struct xs_daemon *d, const char *file)
{
	FILE *f = fopen(file, "a");

	if (!f)
		return -1;
	if (d->trace)
		fclose(d->trace);
	d->trace = f;
	d->log_enabled = true;
	return 0;
}
