/*
 * xs_util.c - key helpers over the pv_xs seam: backends read and write
 * "dir/key" pairs and decimal numbers, as xenbus directories hold them.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>

#include "pv_backend.h"

static bool join(char *out, const char *dir, const char *key)
{
	int n = snprintf(out, PV_PATH_MAX, "%s/%s", dir, key);

	return n > 0 && n < PV_PATH_MAX;
}

char *pv_xs_read_key(struct pv_xs *xs, const char *dir, const char *key)
{
	char path[PV_PATH_MAX];

	return join(path, dir, key) ? xs->ops->read(xs, path) : NULL;
}

bool pv_parse_uint(const char *s, uint64_t *value)
{
	char *end;

	if (!s || *s < '0' || *s > '9')
		return false;
	errno = 0;
	*value = strtoull(s, &end, 10);
	return errno == 0 && *end == '\0';
}

uint64_t pv_xs_read_uint(struct pv_xs *xs, const char *dir, const char *key,
			 uint64_t fallback)
{
	char *s = pv_xs_read_key(xs, dir, key);
	uint64_t value;

	if (!pv_parse_uint(s, &value))
		value = fallback;
	free(s);
	return value;
}

int pv_xs_write_key(struct pv_xs *xs, const char *dir, const char *key, const char *value)
{
	char path[PV_PATH_MAX];

	return join(path, dir, key) ? xs->ops->write(xs, path, value) : -ENAMETOOLONG;
}

int pv_xs_write_uint(struct pv_xs *xs, const char *dir, const char *key, uint64_t value)
{
	char text[24];

	snprintf(text, sizeof(text), "%llu", (unsigned long long)value);
	return pv_xs_write_key(xs, dir, key, text);
}
