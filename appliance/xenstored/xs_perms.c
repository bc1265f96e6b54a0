/*
 * xs_perms.c - node permission lists as xenstore.txt defines them: a list
 * of "<letter><domid>" words where the first word names the owner and the
 * access of every domain not listed later; letters n (none), r (read),
 * w (write), b (both).  The owner, and a privileged connection (dom0's
 * socket clients), always have full access; a domain given a target with
 * SET_TARGET acts as owner of what its target owns.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "xenstored.h"

static int parse_one(const char *s, struct xs_perm *out)
{
	static const char letters[] = "nrwb"; /* index == XS_PERM_* value */
	const char *l = s[0] ? strchr(letters, s[0]) : NULL;
	unsigned long id = 0;

	if (!l || !s[1])
		return EINVAL;
	for (const char *p = s + 1; *p; p++) {
		if (*p < '0' || *p > '9')
			return EINVAL;
		id = id * 10 + (unsigned long)(*p - '0');
		if (id > 0xFFFF)
			return EINVAL;
	}
	out->access = (uint32_t)(l - letters);
	out->domid = (uint32_t)id;
	return 0;
}

int xs_perms_parse(const char *strings, size_t len, struct xs_perms *out)
{
	uint32_t n = 0;
	const char *s;

	out->p = NULL;
	out->n = 0;
	if (len == 0 || strings[len - 1] != '\0')
		return EINVAL;
	for (size_t i = 0; i < len; i++)
		n += strings[i] == '\0';
	out->p = calloc(n, sizeof(*out->p));
	if (!out->p)
		return ENOMEM;
	s = strings;
	for (uint32_t i = 0; i < n; i++) {
		if (parse_one(s, &out->p[i])) {
			xs_perms_free(out);
			return EINVAL;
		}
		s += strlen(s) + 1;
	}
	out->n = n;
	return 0;
}

int xs_perms_format(const struct xs_perms *perms, char *buf, size_t cap)
{
	static const char letters[] = "nrwb";
	size_t used = 0;

	for (uint32_t i = 0; i < perms->n; i++) {
		int w = snprintf(buf + used, cap - used, "%c%u",
				 letters[perms->p[i].access & 3],
				 perms->p[i].domid);
		if (w < 0 || (size_t)w + 1 > cap - used)
			return -1;
		used += (size_t)w + 1; /* keep the NUL as separator */
	}
	return (int)used;
}

int xs_perms_copy(struct xs_perms *dst, const struct xs_perms *src)
{
	dst->n = 0;
	dst->p = malloc((src->n ? src->n : 1) * sizeof(*dst->p));
	if (!dst->p)
		return ENOMEM;
	memcpy(dst->p, src->p, src->n * sizeof(*dst->p));
	dst->n = src->n;
	return 0;
}

void xs_perms_free(struct xs_perms *perms)
{
	free(perms->p);
	perms->p = NULL;
	perms->n = 0;
}

uint32_t xs_perms_access(const struct xs_conn *conn,
			 const struct xs_perms *perms)
{
	if (conn->privileged)
		return XS_PERM_BOTH;
	if (perms->n == 0)
		return XS_PERM_NONE;
	if (perms->p[0].domid == conn->domid)
		return XS_PERM_BOTH;
	if (conn->target >= 0 && perms->p[0].domid == (uint32_t)conn->target)
		return XS_PERM_BOTH;
	for (uint32_t i = 1; i < perms->n; i++)
		if (perms->p[i].domid == conn->domid)
			return perms->p[i].access;
	return perms->p[0].access;
}

void xs_perms_drop_domain(struct xs_perms *perms, uint32_t domid)
{
	uint32_t keep = 1;

	if (perms->n == 0)
		return;
	if (perms->p[0].domid == domid)
		perms->p[0].domid = 0;
	for (uint32_t i = 1; i < perms->n; i++)
		if (perms->p[i].domid != domid)
			perms->p[keep++] = perms->p[i];
	perms->n = keep;
}
