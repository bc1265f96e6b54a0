/*
 * xs_tree.c - the tree operations of xenstore.txt (READ, WRITE, MKDIR, RM,
 * SET_PERMS) applied to a view (the committed tree or a transaction),
 * with their permission rules and quotas:
 *  - reading needs r, changing needs w; a missing node reports ENOENT only
 *    if the caller may read its closest existing ancestor, else EACCES;
 *  - creating a node needs w on the closest existing ancestor, creates any
 *    missing ancestors, and copies the parent's permissions; a node created
 *    by an unprivileged domain is owned by that domain;
 *  - SET_PERMS needs ownership; an unprivileged domain may not give a node
 *    away (EPERM);
 *  - quotas (unprivileged domains only): nodes owned, node size, entries
 *    per permission list, nodes per transaction - all ENOSPC, as in Xen.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "xenstored.h"

static int check_access(struct xs_view *v, const struct xs_node *node,
			uint32_t want)
{
	uint32_t have = xs_perms_access(v->conn, &node->perms);

	return (have & want) == want ? 0 : EACCES;
}

/* Closest existing ancestor of path (path itself excluded). */
static const struct xs_node *existing_ancestor(struct xs_view *v,
					       const char *path)
{
	char buf[XENSTORE_ABS_PATH_MAX + 1];
	const struct xs_node *node = NULL;

	snprintf(buf, sizeof(buf), "%s", path);
	while (!node && strcmp(buf, "/")) {
		buf[xs_path_parent_len(buf)] = '\0';
		node = xs_view_get(v, buf);
	}
	return node;
}

static int missing_error(struct xs_view *v, const char *path)
{
	const struct xs_node *anc = existing_ancestor(v, path);

	if (anc && check_access(v, anc, XS_PERM_READ))
		return EACCES;
	return ENOENT;
}

static int lookup(struct xs_view *v, const char *path, uint32_t want,
		  const struct xs_node **out)
{
	*out = xs_view_get(v, path);
	if (!*out)
		return missing_error(v, path);
	return check_access(v, *out, want);
}

static int check_size(struct xs_view *v, const struct xs_node *node)
{
	if (xs_conn_unprivileged(v->conn) &&
	    xs_node_size(node) >= v->d->quota.node_size)
		return ENOSPC;
	return 0;
}

/* Nodes a transaction has read or written are bounded for unprivileged
 * domains (both sets cost memory until the transaction ends). */
static int check_txn_nodes(struct xs_view *v, uint32_t more)
{
	if (v->txn && xs_conn_unprivileged(v->conn) &&
	    xs_hash_count(v->txn->readset) + v->txn->touched + more >
		    v->d->quota.txn_nodes)
		return ENOSPC;
	return 0;
}

int xs_tree_read(struct xs_view *v, const char *path,
		 const struct xs_node **out)
{
	int err = check_txn_nodes(v, 1);

	return err ? err : lookup(v, path, XS_PERM_READ, out);
}

void xs_tree_changed(struct xs_view *v, const char *path,
		     const struct xs_perms *perms, bool removed)
{
	if (v->txn) {
		if (xs_txn_add_change(v->txn, path, perms, removed))
			v->txn->broken = true;
	} else {
		xs_watch_fire(v->d, path, perms, removed);
	}
}

/* Parent with one more child name; NULL on ENOMEM. */
static struct xs_node *parent_with_child(const struct xs_node *parent,
					 const char *name)
{
	struct xs_node *p = xs_node_dup(parent);

	if (!p)
		return NULL;
	if (p->nchildren == p->capchildren) {
		uint32_t cap = p->capchildren ? p->capchildren * 2 : 4;
		char **c = realloc(p->children, cap * sizeof(*c));
		if (!c)
			goto fail;
		p->children = c;
		p->capchildren = cap;
	}
	p->children[p->nchildren] = strdup(name);
	if (!p->children[p->nchildren])
		goto fail;
	p->nchildren++;
	return p;
fail:
	xs_node_free(p);
	return NULL;
}

/* A new child of parent: inherits its perms; owned by its unprivileged
 * creator, who then needs no separate entry in the list. */
static struct xs_node *new_child(struct xs_view *v,
				 const struct xs_node *parent, const char *path)
{
	struct xs_node *node = xs_node_new(path);
	uint32_t me = v->conn->domid;

	if (!node || xs_perms_copy(&node->perms, &parent->perms) ||
	    !(node->data = calloc(1, 1))) {
		xs_node_free(node);
		return NULL;
	}
	if (xs_conn_unprivileged(v->conn)) {
		uint32_t n = 1;
		node->perms.p[0].domid = me;
		for (uint32_t i = 1; i < node->perms.n; i++)
			if (node->perms.p[i].domid != me)
				node->perms.p[n++] = node->perms.p[i];
		node->perms.n = n;
	}
	return node;
}

static int check_node_quota(struct xs_view *v, uint32_t creating)
{
	int64_t owned;

	if (!xs_conn_unprivileged(v->conn) || v->conn->domid >= XS_DOMID_LIMIT)
		return 0;
	owned = v->d->store.owned[v->conn->domid];
	if (v->txn)
		owned += v->txn->owned_delta;
	return owned + creating > v->d->quota.nodes ? ENOSPC : 0;
}

/* Creates the child of parent named by path[0..cut); it gets data if it is
 * the last level.  Puts the new node and the updated parent. */
static int create_level(struct xs_view *v, const struct xs_node *parent,
			const char *path, size_t cut, const char *data,
			uint32_t len)
{
	char buf[XENSTORE_ABS_PATH_MAX + 1];
	struct xs_node *node, *np;
	int err = ENOMEM;

	memcpy(buf, path, cut);
	buf[cut] = '\0';
	node = new_child(v, parent, buf);
	np = parent_with_child(parent, xs_path_basename(buf));
	if (!node || !np)
		goto fail;
	if (len) {
		free(node->data);
		node->data = malloc(len + 1);
		if (!node->data)
			goto fail;
		memcpy(node->data, data, len);
		node->data[len] = '\0';
		node->datalen = len;
	}
	if ((err = check_size(v, node)) || (err = check_size(v, np)))
		goto fail;
	/* xs_view_put owns (and on error frees) the node it is given */
	if ((err = xs_view_put(v, np))) {
		xs_node_free(node);
		return err;
	}
	return xs_view_put(v, node);
fail:
	xs_node_free(node);
	xs_node_free(np);
	return err;
}

/* Creates path and any missing ancestors; the last gets data. */
static int create(struct xs_view *v, const char *path, const char *data,
		  uint32_t len)
{
	const struct xs_node *anc = existing_ancestor(v, path);
	uint32_t missing = 0;
	int err;

	if (!anc)
		return EINVAL;
	if ((err = check_access(v, anc, XS_PERM_WRITE)))
		return err;
	for (const char *p = path + strlen(anc->path); *p; p++)
		missing += *p == '/';
	if (!strcmp(anc->path, "/"))
		missing++;
	if ((err = check_node_quota(v, missing)) ||
	    (err = check_txn_nodes(v, 2 * missing)))
		return err;
	while (missing--) {
		/* the next missing level below anc ends at the next '/' */
		const char *next = path + (strcmp(anc->path, "/") ?
					   strlen(anc->path) : 0) + 1;
		const char *end = strchr(next, '/');
		size_t cut = end ? (size_t)(end - path) : strlen(path);
		char *name = strndup(path, cut);
		if (!name)
			return ENOMEM;
		err = create_level(v, anc, path, cut, end ? "" : data,
				   end ? 0 : len);
		anc = err ? NULL : xs_view_get(v, name);
		free(name);
		if (err)
			return err;
		if (!anc)
			return ENOMEM;
	}
	xs_tree_changed(v, path, &anc->perms, false);
	return 0;
}

int xs_tree_write(struct xs_view *v, const char *path, const char *data,
		  uint32_t len)
{
	const struct xs_node *old = xs_view_get(v, path);
	struct xs_node *node;
	int err;

	if (!old)
		return create(v, path, data, len);
	if ((err = check_access(v, old, XS_PERM_WRITE)) ||
	    (err = check_txn_nodes(v, 1)))
		return err;
	node = xs_node_dup(old);
	if (!node)
		return ENOMEM;
	free(node->data);
	node->data = malloc(len + 1);
	if (!node->data) {
		xs_node_free(node);
		return ENOMEM;
	}
	memcpy(node->data, data, len);
	node->data[len] = '\0';
	node->datalen = len;
	if ((err = check_size(v, node))) {
		xs_node_free(node);
		return err;
	}
	if ((err = xs_view_put(v, node)))
		return err;
	old = xs_view_get(v, path);
	xs_tree_changed(v, path, &old->perms, false);
	return 0;
}

int xs_tree_mkdir(struct xs_view *v, const char *path)
{
	const struct xs_node *old = xs_view_get(v, path);

	if (old)
		return check_access(v, old, XS_PERM_WRITE);
	return create(v, path, "", 0);
}

/* Drops the last child name from the node at path. */
static int drop_last_child(struct xs_view *v, const char *path)
{
	struct xs_node *n = xs_node_dup(xs_view_get(v, path));

	if (!n)
		return ENOMEM;
	free(n->children[--n->nchildren]);
	return xs_view_put(v, n);
}

/* Removes node and everything below it, children first.  Recursion depth
 * is bounded by the path length limit; frames hold no path buffers. */
static int remove_subtree(struct xs_view *v, const struct xs_node *node)
{
	char *path = strdup(node->path);
	int err = path ? 0 : ENOMEM;

	while (!err) {
		const struct xs_node *cur = xs_view_get(v, path);
		const struct xs_node *c;
		char *child;
		if (!cur || cur->nchildren == 0)
			break;
		if (asprintf(&child, "%s/%s", strcmp(path, "/") ? path : "",
			     cur->children[cur->nchildren - 1]) < 0) {
			err = ENOMEM;
			break;
		}
		c = xs_view_get(v, child);
		if (c)
			err = remove_subtree(v, c);
		free(child);
		if (!err)
			err = drop_last_child(v, path);
	}
	if (!err)
		err = xs_view_del(v, path);
	free(path);
	return err;
}

static int unlink_from_parent(struct xs_view *v, const char *path)
{
	char pbuf[XENSTORE_ABS_PATH_MAX + 1];
	const struct xs_node *parent;
	const char *name = xs_path_basename(path);
	struct xs_node *np;
	size_t plen = xs_path_parent_len(path);

	memcpy(pbuf, path, plen);
	pbuf[plen] = '\0';
	parent = xs_view_get(v, pbuf);
	if (!parent)
		return 0;
	np = xs_node_dup(parent);
	if (!np)
		return ENOMEM;
	for (uint32_t i = 0; i < np->nchildren; i++) {
		if (!strcmp(np->children[i], name)) {
			free(np->children[i]);
			memmove(&np->children[i], &np->children[i + 1],
				(np->nchildren - i - 1) * sizeof(char *));
			np->nchildren--;
			break;
		}
	}
	return xs_view_put(v, np);
}

int xs_tree_rm(struct xs_view *v, const char *path)
{
	const struct xs_node *node;
	struct xs_perms perms;
	int err;

	if (!strcmp(path, "/"))
		return EINVAL;
	node = xs_view_get(v, path);
	if (!node) {
		/* Removing a missing node is fine if its parent exists. */
		char pbuf[XENSTORE_ABS_PATH_MAX + 1];
		size_t plen = xs_path_parent_len(path);
		memcpy(pbuf, path, plen);
		pbuf[plen] = '\0';
		return xs_view_get(v, pbuf) ? 0 : missing_error(v, path);
	}
	if ((err = check_access(v, node, XS_PERM_WRITE)) ||
	    (err = check_txn_nodes(v, 1)))
		return err;
	if (xs_perms_copy(&perms, &node->perms))
		return ENOMEM;
	err = remove_subtree(v, node);
	if (!err)
		err = unlink_from_parent(v, path);
	if (!err)
		xs_tree_changed(v, path, &perms, true);
	xs_perms_free(&perms);
	return err;
}

static bool is_owner(const struct xs_conn *conn, const struct xs_perms *p)
{
	return !xs_conn_unprivileged(conn) || p->p[0].domid == conn->domid ||
	       (conn->target >= 0 && p->p[0].domid == (uint32_t)conn->target);
}

int xs_tree_set_perms(struct xs_view *v, const char *path,
		      const struct xs_perms *perms)
{
	const struct xs_node *old;
	struct xs_node *node;
	int err;

	if (perms->n == 0)
		return EINVAL;
	if (xs_conn_unprivileged(v->conn) && perms->n > v->d->quota.perms)
		return ENOSPC;
	if ((err = lookup(v, path, XS_PERM_WRITE, &old)) ||
	    (err = check_txn_nodes(v, 1)))
		return err;
	if (!is_owner(v->conn, &old->perms))
		return EACCES;
	if (xs_conn_unprivileged(v->conn) &&
	    perms->p[0].domid != old->perms.p[0].domid)
		return EPERM;
	node = xs_node_dup(old);
	if (!node)
		return ENOMEM;
	xs_perms_free(&node->perms);
	if (xs_perms_copy(&node->perms, perms)) {
		xs_node_free(node);
		return ENOMEM;
	}
	if ((err = check_size(v, node))) {
		xs_node_free(node);
		return err;
	}
	if ((err = xs_view_put(v, node)))
		return err;
	xs_tree_changed(v, path, perms, false);
	return 0;
}
