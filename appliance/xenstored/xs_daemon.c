/*
 * xs_daemon.c - the daemon object: store, quotas and the special nodes
 * "@introduceDomain" / "@releaseDomain" (which only carry permissions and
 * watches).  Quota defaults are those of Xen 4.17's C xenstored: 1000
 * nodes per domain, 2048-byte nodes, 128 watches, 10 transactions, 5
 * permission entries, XENSTORE_REL_PATH_MAX path characters, 20
 * outstanding replies, 1024 nodes per transaction.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "xs_ring.h"

void xs_quota_defaults(struct xs_quota *q)
{
	q->nodes = 1000;
	q->node_size = 2048;
	q->watches = 128;
	q->transactions = 10;
	q->perms = 5;
	q->path_len = XENSTORE_REL_PATH_MAX;
	q->outstanding = 20;
	q->txn_nodes = 1024;
	q->out_events = 4096;
}

struct quota_name {
	const char *name;
	size_t offset;
};

static const struct quota_name quota_names[] = {
	{ "nodes", offsetof(struct xs_quota, nodes) },
	{ "node-size", offsetof(struct xs_quota, node_size) },
	{ "watches", offsetof(struct xs_quota, watches) },
	{ "transactions", offsetof(struct xs_quota, transactions) },
	{ "permissions", offsetof(struct xs_quota, perms) },
	{ "path-length", offsetof(struct xs_quota, path_len) },
	{ "outstanding", offsetof(struct xs_quota, outstanding) },
	{ "transaction-nodes", offsetof(struct xs_quota, txn_nodes) },
	{ "watch-events", offsetof(struct xs_quota, out_events) },
};

int xs_quota_set(struct xs_quota *q, const char *name, const char *value)
{
	uint64_t v;

	if (xs_parse_u64(value, UINT32_MAX, &v) || v == 0)
		return EINVAL;
	for (size_t i = 0; i < sizeof(quota_names) / sizeof(*quota_names); i++) {
		if (!strcmp(quota_names[i].name, name)) {
			*(uint32_t *)((char *)q + quota_names[i].offset) =
				(uint32_t)v;
			return 0;
		}
	}
	return EINVAL;
}

/* Writes "name: value\n" lines; returns bytes used. */
size_t xs_quota_format(const struct xs_quota *q, char *buf, size_t cap)
{
	size_t used = 0;

	for (size_t i = 0; i < sizeof(quota_names) / sizeof(*quota_names); i++) {
		uint32_t v = *(const uint32_t *)((const char *)q +
						 quota_names[i].offset);
		int w = snprintf(buf + used, cap - used, "%-18s %u\n",
				 quota_names[i].name, v);
		if (w < 0 || (size_t)w >= cap - used)
			break;
		used += (size_t)w;
	}
	return used;
}

struct xs_perms *xs_special_perms(struct xs_daemon *d, const char *path)
{
	if (!strcmp(path, "@introduceDomain"))
		return &d->special_perms[0];
	if (!strcmp(path, "@releaseDomain"))
		return &d->special_perms[1];
	return NULL;
}

int xs_daemon_init(struct xs_daemon *d)
{
	memset(d, 0, sizeof(*d));
	d->domexc_fd = -1;
	xs_quota_defaults(&d->quota);
	for (int i = 0; i < 2; i++) {
		d->special_perms[i].p = calloc(1, sizeof(struct xs_perm));
		if (!d->special_perms[i].p)
			return ENOMEM;
		d->special_perms[i].n = 1; /* "n0" */
	}
	return xs_store_init(&d->store);
}

void xs_daemon_destroy(struct xs_daemon *d)
{
	xs_domain_release_all(d);
	for (struct xs_conn *c = d->conns; c; c = c->next)
		c->dead = true;
	xs_conn_reap(d);
	xs_store_destroy(&d->store);
	for (int i = 0; i < 2; i++)
		xs_perms_free(&d->special_perms[i]);
	if (d->trace)
		fclose(d->trace);
	d->trace = NULL;
}
