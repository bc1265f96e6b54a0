/*
 * xs_release.c - what releasing a domain leaves behind, cleaned up as Xen
 * 4.17's xenstored does in destroy_domain(): every node the domain owns
 * (first entry of its permission list) is removed with its subtree, firing
 * the watches a removal fires; with --keep-orphans such nodes are instead
 * handed to dom0, unchanged otherwise and without events.  The domain is
 * also struck from the permission lists of "@introduceDomain" and
 * "@releaseDomain".  Its per-domain node count drops with its nodes.
 */
#include <stdlib.h>
#include <string.h>

#include "xenstored.h"

struct owned {
	uint32_t domid;
	char **paths;
	size_t n, cap;
	bool oom;
};

static void collect(const char *path, void *val, void *arg)
{
	struct owned *o = arg;
	char **grown;

	if (o->oom || xs_store_owner(val) != o->domid)
		return;
	if (o->n == o->cap) {
		o->cap = o->cap ? o->cap * 2 : 16;
		grown = realloc(o->paths, o->cap * sizeof(*grown));
		if (!grown) {
			o->oom = true;
			return;
		}
		o->paths = grown;
	}
	if (!(o->paths[o->n] = strdup(path)))
		o->oom = true;
	else
		o->n++;
}

static int by_path(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

/* The daemon's own privileged stand-in: it makes no requests, gets no
 * events (it is never on the connection list). */
static long sys_read(struct xs_conn *c, void *b, size_t l)
{
	(void)c;
	(void)b;
	(void)l;
	return -1;
}

static long sys_write(struct xs_conn *c, const void *b, size_t l)
{
	(void)c;
	(void)b;
	(void)l;
	return -1;
}

static const struct xs_conn_ops sys_ops = {
	.name = "xenstored", .read = sys_read, .write = sys_write,
};

static void hand_to_dom0(struct xs_daemon *d, const char *path)
{
	struct xs_node *n = xs_node_dup(xs_hash_get(d->store.nodes, path));

	if (!n)
		return;
	n->perms.p[0].domid = 0;
	if (xs_store_commit_node(&d->store, n))
		xs_node_free(n);
}

/* Removes (or hands over) each node in paths; ancestors sort first, so a
 * node already gone went with an ancestor. */
static void drop_all(struct xs_daemon *d, struct owned *o)
{
	struct xs_conn *sys = calloc(1, sizeof(*sys));
	struct xs_view v = { d, sys, NULL };

	if (!sys)
		return;
	*sys = (struct xs_conn){ .d = d, .ops = &sys_ops, .fd = -1,
				 .privileged = true, .target = -1 };
	for (size_t i = 0; i < o->n; i++) {
		if (!xs_hash_get(d->store.nodes, o->paths[i]))
			continue;
		if (d->keep_orphans)
			hand_to_dom0(d, o->paths[i]);
		else if (strcmp(o->paths[i], "/") && xs_tree_rm(&v, o->paths[i]))
			xs_log(d, "cannot remove %s of released domain %u",
			       o->paths[i], o->domid);
	}
	free(sys);
}

void xs_domain_drop_nodes(struct xs_daemon *d, uint32_t domid)
{
	struct owned o = { .domid = domid };

	if (domid < XS_DOMID_LIMIT && d->store.owned[domid])
		xs_hash_each(d->store.nodes, collect, &o);
	if (o.oom)
		xs_log(d, "out of memory listing the nodes of domain %u",
		       domid);
	if (o.n) /* qsort's array may not be NULL, even for no elements */
		qsort(o.paths, o.n, sizeof(*o.paths), by_path);
	drop_all(d, &o);
	for (size_t i = 0; i < o.n; i++)
		free(o.paths[i]);
	free(o.paths);
	for (int i = 0; i < 2; i++)
		xs_perms_drop_domain(&d->special_perms[i], domid);
}
