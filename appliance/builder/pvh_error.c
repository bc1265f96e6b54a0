/* The builder's one error helper: a message into the caller's buffer. */
#include <stdio.h>

#include "pvh_internal.h"

int pvh_fail(char *err, size_t errlen, const char *fmt, ...)
{
	va_list ap;

	if (err && errlen) {
		va_start(ap, fmt);
		vsnprintf(err, errlen, fmt, ap);
		va_end(ap);
	}
	return -1;
}
