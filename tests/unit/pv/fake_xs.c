/*
 * fake_xs.c - the hash-table xenstore of the pv tests (see fake_xs.h).
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "fake_xs.h"

static struct fake_xs *fake_of(struct pv_xs *xs)
{
	return xs->opaque;
}

static char *fx_read(struct pv_xs *xs, const char *path)
{
	const char *value = g_hash_table_lookup(fake_of(xs)->kv, path);

	return value ? strdup(value) : NULL;
}

static int fx_write(struct pv_xs *xs, const char *path, const char *value)
{
	fake_xs_set(fake_of(xs), path, value);
	return 0;
}

/* Immediate children of path, in one malloc'ed block as libbx gives them. */
static int fx_directory(struct pv_xs *xs, const char *path, char ***names)
{
	GHashTable *seen = g_hash_table_new_full(g_str_hash, g_str_equal, g_free, NULL);
	size_t plen = strlen(path), bytes = 0;
	GHashTableIter it;
	gpointer key;
	guint n;

	g_hash_table_iter_init(&it, fake_of(xs)->kv);
	while (g_hash_table_iter_next(&it, &key, NULL)) {
		const char *k = key;
		if (strncmp(k, path, plen) || k[plen] != '/')
			continue;
		const char *child = k + plen + 1, *end = strchrnul(child, '/');
		g_hash_table_add(seen, g_strndup(child, (gsize)(end - child)));
	}
	n = g_hash_table_size(seen);
	g_hash_table_iter_init(&it, seen);
	while (g_hash_table_iter_next(&it, &key, NULL))
		bytes += strlen(key) + 1;
	char **out = malloc((n + 1) * sizeof(char *) + bytes);
	char *at = (char *)(out + n + 1);
	guint i = 0;
	g_hash_table_iter_init(&it, seen);
	while (g_hash_table_iter_next(&it, &key, NULL)) {
		out[i++] = strcpy(at, key);
		at += strlen(key) + 1;
	}
	out[n] = NULL;
	g_hash_table_destroy(seen);
	*names = out;
	return (int)n;
}

static int fx_watch(struct pv_xs *xs, const char *path, const char *token)
{
	(void)path;
	(void)token;
	fake_of(xs)->watches++;
	return 0;
}

static int fx_unwatch(struct pv_xs *xs, const char *path, const char *token)
{
	(void)path;
	(void)token;
	fake_of(xs)->watches--;
	return 0;
}

static const struct pv_xs_ops fake_xs_ops = {
	.read = fx_read,
	.write = fx_write,
	.directory = fx_directory,
	.watch = fx_watch,
	.unwatch = fx_unwatch,
};

void fake_xs_init(struct fake_xs *f)
{
	f->xs = (struct pv_xs){ .ops = &fake_xs_ops, .opaque = f };
	f->kv = g_hash_table_new_full(g_str_hash, g_str_equal, g_free, g_free);
	f->watches = 0;
}

void fake_xs_fini(struct fake_xs *f)
{
	g_hash_table_destroy(f->kv);
}

void fake_xs_set(struct fake_xs *f, const char *path, const char *value)
{
	g_hash_table_replace(f->kv, g_strdup(path), g_strdup(value));
}

const char *fake_xs_get(struct fake_xs *f, const char *path)
{
	return g_hash_table_lookup(f->kv, path);
}

static gboolean under(gpointer key, gpointer value, gpointer path)
{
	size_t plen = strlen(path);

	(void)value;
	return !strcmp(key, path) || (!strncmp(key, path, plen) && ((char *)key)[plen] == '/');
}

void fake_xs_rm(struct fake_xs *f, const char *path)
{
	g_hash_table_foreach_remove(f->kv, under, (gpointer)path);
}
