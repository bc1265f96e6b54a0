/*
 * xs_store.c - the node tree and the view a request has of it.  Committed
 * nodes live in one hash map keyed by absolute path; each carries the
 * generation of its last change.  A transaction sees the committed tree
 * through its own overlay (nodes it wrote or removed) and records the
 * generation of every committed node it looked at, so that a commit can
 * tell whether anything it depended on changed meanwhile (xenstore.txt,
 * "Transactions": a conflicting commit fails with EAGAIN).
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "xenstored.h"

const int xs_tombstone_marker;

struct xs_node *xs_node_new(const char *path)
{
	struct xs_node *node = calloc(1, sizeof(*node));

	if (!node)
		return NULL;
	node->path = strdup(path);
	if (!node->path) {
		free(node);
		return NULL;
	}
	return node;
}

void xs_node_free(struct xs_node *node)
{
	if (!node || node == XS_TOMBSTONE)
		return;
	for (uint32_t i = 0; i < node->nchildren; i++)
		free(node->children[i]);
	free(node->children);
	free(node->data);
	xs_perms_free(&node->perms);
	free(node->path);
	free(node);
}

struct xs_node *xs_node_dup(const struct xs_node *src)
{
	struct xs_node *node = xs_node_new(src->path);

	if (!node)
		return NULL;
	node->gen = src->gen;
	node->datalen = src->datalen;
	node->data = malloc(src->datalen + 1);
	node->children = calloc(src->nchildren + 1, sizeof(char *));
	if (!node->data || !node->children ||
	    xs_perms_copy(&node->perms, &src->perms))
		goto fail;
	memcpy(node->data, src->data, src->datalen);
	node->data[src->datalen] = '\0';
	node->capchildren = src->nchildren + 1;
	for (uint32_t i = 0; i < src->nchildren; i++) {
		node->children[i] = strdup(src->children[i]);
		if (!node->children[i])
			goto fail;
		node->nchildren++;
	}
	return node;
fail:
	xs_node_free(node);
	return NULL;
}

/* Size of the node's record, counted as Xen's xenstored does: a header,
 * the permissions, the value and the children's names. */
size_t xs_node_size(const struct xs_node *node)
{
	size_t size = 24 + node->perms.n * 8u + node->datalen;

	for (uint32_t i = 0; i < node->nchildren; i++)
		size += strlen(node->children[i]) + 1;
	return size;
}

uint32_t xs_store_owner(const struct xs_node *node)
{
	return node->perms.n ? node->perms.p[0].domid : 0;
}

static void count_owner(struct xs_store *store, const struct xs_node *node,
			int delta)
{
	uint32_t owner = xs_store_owner(node);

	if (owner < XS_DOMID_LIMIT)
		store->owned[owner] += (uint32_t)delta;
}

int xs_store_commit_node(struct xs_store *store, struct xs_node *node)
{
	struct xs_node *old = xs_hash_put(store->nodes, node->path, node);

	if (old == node)
		return ENOMEM;
	node->gen = ++store->gen;
	if (old)
		count_owner(store, old, -1);
	count_owner(store, node, +1);
	xs_node_free(old);
	return 0;
}

void xs_store_commit_del(struct xs_store *store, const char *path)
{
	struct xs_node *old = xs_hash_del(store->nodes, path);

	if (old) {
		count_owner(store, old, -1);
		xs_node_free(old);
	}
}

int xs_store_init(struct xs_store *store)
{
	struct xs_node *root;

	memset(store->owned, 0, sizeof(store->owned));
	store->gen = 0;
	store->nodes = xs_hash_new();
	root = xs_node_new("/");
	if (!store->nodes || !root)
		goto fail;
	root->perms.p = calloc(1, sizeof(*root->perms.p));
	root->data = calloc(1, 1);
	if (!root->perms.p || !root->data)
		goto fail;
	root->perms.n = 1; /* "n0": owned by dom0, nobody else */
	if (xs_store_commit_node(store, root))
		goto fail;
	return 0;
fail:
	xs_node_free(root);
	xs_hash_free(store->nodes, NULL);
	store->nodes = NULL;
	return ENOMEM;
}

static void free_node_val(void *val)
{
	xs_node_free(val);
}

void xs_store_destroy(struct xs_store *store)
{
	xs_hash_free(store->nodes, free_node_val);
	store->nodes = NULL;
}

const struct xs_node *xs_view_get(struct xs_view *v, const char *path)
{
	struct xs_node *node;

	if (v->txn) {
		void *o = xs_hash_get(v->txn->overlay, path);
		if (o == XS_TOMBSTONE)
			return NULL;
		if (o)
			return o;
	}
	node = xs_hash_get(v->d->store.nodes, path);
	if (v->txn && !xs_hash_get(v->txn->readset, path)) {
		void *gen = (void *)(uintptr_t)((node ? node->gen : 0) + 1);
		if (xs_hash_put(v->txn->readset, path, gen) == gen)
			v->txn->broken = true;
	}
	return node;
}

/* Tracks how many nodes the connection's own domain gains in a txn. */
static void txn_account(struct xs_view *v, const struct xs_node *prev,
			const struct xs_node *next)
{
	uint32_t me = v->conn->domid;

	if (prev && xs_store_owner(prev) == me)
		v->txn->owned_delta--;
	if (next && xs_store_owner(next) == me)
		v->txn->owned_delta++;
}

static int overlay_set(struct xs_view *v, const char *path, void *val)
{
	void *old = xs_hash_put(v->txn->overlay, path, val);

	if (old == val && val != XS_TOMBSTONE)
		return ENOMEM;
	if (old == val) /* tombstone over tombstone: nothing to do */
		return xs_hash_get(v->txn->overlay, path) ? 0 : ENOMEM;
	if (!old)
		v->txn->touched++;
	xs_node_free(old);
	return 0;
}

int xs_view_put(struct xs_view *v, struct xs_node *node)
{
	int err;

	if (!v->txn) {
		err = xs_store_commit_node(&v->d->store, node);
		if (err)
			xs_node_free(node);
		return err;
	}
	txn_account(v, xs_view_get(v, node->path), node);
	node->gen = ++v->d->store.gen;
	err = overlay_set(v, node->path, node);
	if (err)
		xs_node_free(node);
	return err;
}

int xs_view_del(struct xs_view *v, const char *path)
{
	if (!v->txn) {
		xs_store_commit_del(&v->d->store, path);
		return 0;
	}
	txn_account(v, xs_view_get(v, path), NULL);
	return overlay_set(v, path, XS_TOMBSTONE);
}
