/*
 * bx_xs_ops.c - the xenstore requests a toolstack makes, each one round
 * through bx_xs_request (public/io/xs_wire.h types; payload rules from
 * Xen's docs/misc/xenstore.txt: paths and words NUL-terminated, a written
 * value not; directory and permission replies are NUL-separated lists).
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "bx.h"
#include "public/io/xs_wire.h"

char *bx_xs_read(struct bx_xs *xs, uint32_t tx, const char *path, uint32_t *len)
{
	const char *parts[] = { path };
	char *value = NULL;
	int rc = bx_xs_request(xs, XS_READ, tx, parts, 1, -1, &value, len);

	if (rc < 0) {
		errno = -rc;
		return NULL;
	}
	return value;
}

int bx_xs_write(struct bx_xs *xs, uint32_t tx, const char *path,
		const void *value, uint32_t len)
{
	const char *parts[] = { path, value };

	return bx_xs_request(xs, XS_WRITE, tx, parts, 2, len, NULL, NULL);
}

int bx_xs_write_str(struct bx_xs *xs, uint32_t tx, const char *path, const char *value)
{
	return bx_xs_write(xs, tx, path, value, (uint32_t)strlen(value));
}

/* A request whose one argument is a path and whose reply is "OK". */
static int path_op(struct bx_xs *xs, uint32_t type, uint32_t tx, const char *path)
{
	const char *parts[] = { path };

	return bx_xs_request(xs, type, tx, parts, 1, -1, NULL, NULL);
}

int bx_xs_mkdir(struct bx_xs *xs, uint32_t tx, const char *path)
{
	return path_op(xs, XS_MKDIR, tx, path);
}

int bx_xs_rm(struct bx_xs *xs, uint32_t tx, const char *path)
{
	return path_op(xs, XS_RM, tx, path);
}

/*
 * Splits a NUL-separated list into an array of pointers stored in the
 * same allocation as the strings.  Returns the count.
 */
static int split_list(char *payload, uint32_t len, char ***out)
{
	int count = 0;
	size_t i, at = 0;
	char **arr, *strings;

	for (i = 0; i < len; i++)
		count += payload[i] == '\0';
	if (len && payload[len - 1] != '\0')
		count++;
	arr = malloc((count + 1) * sizeof(char *) + len + 1);
	if (!arr)
		return -ENOMEM;
	strings = (char *)(arr + count + 1);
	memcpy(strings, payload, len);
	strings[len] = '\0';
	for (int n = 0; n < count; n++) {
		arr[n] = strings + at;
		at += strlen(strings + at) + 1;
	}
	arr[count] = NULL;
	*out = arr;
	return count;
}

static int list_op(struct bx_xs *xs, uint32_t type, uint32_t tx, const char *path,
		   char ***out)
{
	const char *parts[] = { path };
	char *payload;
	uint32_t len;
	int rc = bx_xs_request(xs, type, tx, parts, 1, -1, &payload, &len);

	if (rc < 0)
		return rc;
	rc = split_list(payload, len, out);
	free(payload);
	return rc;
}

int bx_xs_directory(struct bx_xs *xs, uint32_t tx, const char *path, char ***names)
{
	return list_op(xs, XS_DIRECTORY, tx, path, names);
}

int bx_xs_get_perms(struct bx_xs *xs, uint32_t tx, const char *path, char ***perms)
{
	return list_op(xs, XS_GET_PERMS, tx, path, perms);
}

int bx_xs_set_perms(struct bx_xs *xs, uint32_t tx, const char *path,
		    const char *const *perms, int nperms)
{
	const char *parts[1 + 64];

	if (nperms < 1 || nperms > 64)
		return -EINVAL;
	parts[0] = path;
	memcpy(parts + 1, perms, nperms * sizeof(*perms));
	return bx_xs_request(xs, XS_SET_PERMS, tx, parts, 1 + nperms, -1, NULL, NULL);
}

int bx_xs_transaction_start(struct bx_xs *xs, uint32_t *tx)
{
	const char *parts[] = { "" };
	char *reply;
	int rc = bx_xs_request(xs, XS_TRANSACTION_START, 0, parts, 1, -1, &reply, NULL);

	if (rc < 0)
		return rc;
	*tx = (uint32_t)strtoul(reply, NULL, 10);
	free(reply);
	return *tx ? 0 : -EBADMSG;
}

int bx_xs_transaction_end(struct bx_xs *xs, uint32_t tx, bool commit)
{
	const char *parts[] = { commit ? "T" : "F" };

	return bx_xs_request(xs, XS_TRANSACTION_END, tx, parts, 1, -1, NULL, NULL);
}

int bx_xs_transaction(struct bx_xs *xs, int (*body)(struct bx_xs *xs, uint32_t tx, void *arg),
		      void *arg, int max_tries)
{
	uint32_t tx;
	int rc = -EAGAIN;

	for (int i = 0; i < max_tries && rc == -EAGAIN; i++) {
		rc = bx_xs_transaction_start(xs, &tx);
		if (rc < 0)
			return rc;
		rc = body(xs, tx, arg);
		if (rc < 0) {
			bx_xs_transaction_end(xs, tx, false);
			return rc;
		}
		rc = bx_xs_transaction_end(xs, tx, true);
	}
	return rc;
}

int bx_xs_introduce(struct bx_xs *xs, uint32_t domid, unsigned long gfn, uint32_t port)
{
	char d[12], g[24], p[12];
	const char *parts[] = { d, g, p };

	snprintf(d, sizeof(d), "%u", domid);
	snprintf(g, sizeof(g), "%lu", gfn);
	snprintf(p, sizeof(p), "%u", port);
	return bx_xs_request(xs, XS_INTRODUCE, 0, parts, 3, -1, NULL, NULL);
}

int bx_xs_release(struct bx_xs *xs, uint32_t domid)
{
	char d[12];

	snprintf(d, sizeof(d), "%u", domid);
	return path_op(xs, XS_RELEASE, 0, d);
}

char *bx_xs_get_domain_path(struct bx_xs *xs, uint32_t domid)
{
	char d[12], *path = NULL;
	const char *parts[] = { d };
	int rc;

	snprintf(d, sizeof(d), "%u", domid);
	rc = bx_xs_request(xs, XS_GET_DOMAIN_PATH, 0, parts, 1, -1, &path, NULL);
	if (rc < 0) {
		errno = -rc;
		return NULL;
	}
	return path;
}
