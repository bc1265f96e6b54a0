/*
 * xs_txn.c - transactions (xenstore.txt, TRANSACTION_START/_END).  A
 * transaction works on an overlay of the tree (xs_store.c); ending it with
 * commit checks that every committed node it read still has the
 * generation it saw.  If any changed, the commit fails with EAGAIN and
 * nothing of it is applied; otherwise its nodes are installed and its
 * watch events fire.  Open transactions per connection are bounded by the
 * "transactions" quota (ENOSPC, as Xen's xenstored answers).
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "xenstored.h"

static void free_overlay_val(void *val)
{
	xs_node_free(val);
}

static void txn_free(struct xs_txn *txn)
{
	xs_hash_free(txn->overlay, free_overlay_val);
	xs_hash_free(txn->readset, NULL);
	for (uint32_t i = 0; i < txn->nchanges; i++) {
		free(txn->changes[i].path);
		xs_perms_free(&txn->changes[i].perms);
	}
	free(txn->changes);
	free(txn);
}

struct xs_txn *xs_txn_find(struct xs_conn *conn, uint32_t id)
{
	for (struct xs_txn *t = conn->txns; t; t = t->next)
		if (t->id == id)
			return t;
	return NULL;
}

int xs_txn_start(struct xs_conn *conn, uint32_t *id)
{
	struct xs_txn *txn;

	if (xs_conn_unprivileged(conn) &&
	    conn->ntxns >= conn->d->quota.transactions)
		return ENOSPC;
	txn = calloc(1, sizeof(*txn));
	if (!txn)
		return ENOMEM;
	txn->overlay = xs_hash_new();
	txn->readset = xs_hash_new();
	if (!txn->overlay || !txn->readset) {
		txn_free(txn);
		return ENOMEM;
	}
	do {
		txn->id = ++conn->next_txid;
	} while (txn->id == 0 || xs_txn_find(conn, txn->id));
	txn->next = conn->txns;
	conn->txns = txn;
	conn->ntxns++;
	*id = txn->id;
	return 0;
}

int xs_txn_add_change(struct xs_txn *txn, const char *path,
		      const struct xs_perms *perms, bool removed)
{
	struct xs_change *c;

	if (txn->nchanges == txn->capchanges) {
		uint32_t cap = txn->capchanges ? txn->capchanges * 2 : 8;
		c = realloc(txn->changes, cap * sizeof(*c));
		if (!c)
			return ENOMEM;
		txn->changes = c;
		txn->capchanges = cap;
	}
	c = &txn->changes[txn->nchanges];
	c->path = strdup(path);
	if (!c->path || xs_perms_copy(&c->perms, perms)) {
		free(c->path);
		return ENOMEM;
	}
	c->removed = removed;
	txn->nchanges++;
	return 0;
}

struct conflict_check {
	struct xs_store *store;
	bool conflict;
};

static void check_read(const char *path, void *val, void *arg)
{
	struct conflict_check *cc = arg;
	struct xs_node *now = xs_hash_get(cc->store->nodes, path);
	uint64_t seen = (uint64_t)(uintptr_t)val - 1;

	if ((now ? now->gen : 0) != seen)
		cc->conflict = true;
}

struct applier {
	struct xs_daemon *d;
	bool failed;
};

static void apply_one(const char *path, void *val, void *arg)
{
	struct applier *a = arg;

	if (val == XS_TOMBSTONE) {
		xs_store_commit_del(&a->d->store, path);
	} else if (xs_store_commit_node(&a->d->store, val)) {
		xs_node_free(val);
		a->failed = true;
	}
}

static void unlink_txn(struct xs_conn *conn, struct xs_txn *txn)
{
	for (struct xs_txn **pt = &conn->txns; *pt; pt = &(*pt)->next) {
		if (*pt == txn) {
			*pt = txn->next;
			conn->ntxns--;
			return;
		}
	}
}

int xs_txn_end(struct xs_conn *conn, struct xs_txn *txn, bool commit)
{
	struct conflict_check cc = { &conn->d->store, false };
	struct applier ap = { conn->d, false };

	unlink_txn(conn, txn);
	if (!commit) {
		txn_free(txn);
		return 0;
	}
	xs_hash_each(txn->readset, check_read, &cc);
	if (cc.conflict || txn->broken) {
		txn_free(txn);
		return EAGAIN;
	}
	xs_hash_each(txn->overlay, apply_one, &ap);
	xs_hash_free(txn->overlay, NULL); /* nodes now belong to the store */
	txn->overlay = NULL;
	if (ap.failed)
		xs_log(conn->d, "conn %u: out of memory committing txn %u",
		       conn->serial, txn->id);
	for (uint32_t i = 0; i < txn->nchanges; i++)
		xs_watch_fire(conn->d, txn->changes[i].path,
			      &txn->changes[i].perms, txn->changes[i].removed);
	txn_free(txn);
	return 0;
}

void xs_txn_end_all(struct xs_conn *conn)
{
	while (conn->txns)
		xs_txn_end(conn, conn->txns, false);
}
