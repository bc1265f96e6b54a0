/*
 * xs_path.c - xenstore node names (xenstore.txt, "Paths"): absolute names
 * start with '/', relative ones are taken below the caller's home
 * /local/domain/<domid>; names use [A-Za-z0-9-/_@], have no empty
 * component and no trailing '/' (except the root).  Names starting with
 * '@' are the special watch/permission nodes.  Limits are those of
 * xs_wire.h plus the per-domain path-length quota.
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "xenstored.h"

static bool valid_char(char c)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
	       (c >= '0' && c <= '9') || c == '-' || c == '/' || c == '_' ||
	       c == '@';
}

static bool valid_chars(const char *s)
{
	for (; *s; s++)
		if (!valid_char(*s))
			return false;
	return true;
}

bool xs_path_is_special(const char *path)
{
	return path[0] == '@';
}

static int home_len(uint32_t domid, char *buf, size_t cap)
{
	return snprintf(buf, cap, "/local/domain/%u", domid);
}

/* Checks an absolute node name's shape: no "//", no trailing '/'. */
static bool valid_shape(const char *p, size_t len)
{
	if (p[0] != '/')
		return false;
	if (len > 1 && p[len - 1] == '/')
		return false;
	return strstr(p, "//") == NULL;
}

int xs_path_canonical(const struct xs_conn *conn, const char *path,
		      bool allow_special, char *buf, size_t cap)
{
	char home[40];
	int hl = home_len(conn->domid, home, sizeof(home));
	size_t len;

	if (!path[0] || !valid_chars(path))
		return EINVAL;
	if (xs_path_is_special(path)) {
		if (!allow_special || strlen(path) >= cap ||
		    strlen(path) > XENSTORE_REL_PATH_MAX)
			return EINVAL;
		strcpy(buf, path);
		return 0;
	}
	if (path[0] == '/')
		len = (size_t)snprintf(buf, cap, "%s", path);
	else
		len = (size_t)snprintf(buf, cap, "%s/%s", home, path);
	if (len >= cap || len > XENSTORE_ABS_PATH_MAX || !valid_shape(buf, len))
		return EINVAL;
	if (xs_conn_unprivileged(conn)) {
		size_t rel = len;
		if (!strncmp(buf, home, (size_t)hl) &&
		    (buf[hl] == '/' || buf[hl] == '\0'))
			rel -= (size_t)hl;
		if (rel > conn->d->quota.path_len)
			return EINVAL;
	}
	return 0;
}

bool xs_path_is_under(const char *child, const char *parent)
{
	size_t pl = strlen(parent);

	if (!strcmp(parent, "/"))
		return child[0] == '/';
	return !strncmp(child, parent, pl) &&
	       (child[pl] == '\0' || child[pl] == '/');
}

size_t xs_path_parent_len(const char *path)
{
	const char *slash = strrchr(path, '/');

	if (!slash || slash == path)
		return 1;
	return (size_t)(slash - path);
}

const char *xs_path_basename(const char *path)
{
	const char *slash = strrchr(path, '/');

	return slash ? slash + 1 : path;
}

const char *xs_path_for_conn(const struct xs_conn *conn, const char *path)
{
	char home[40];
	int hl = home_len(conn->domid, home, sizeof(home));

	if (!strncmp(path, home, (size_t)hl) && path[hl] == '/')
		return path + hl + 1;
	return path;
}
