/*
 * xs_hash.c - string-keyed hash map with separate chaining (FNV-1a hash).
 * Nothing here knows about xenstore; see xs_hash.h for the contract.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "xs_hash.h"

struct xs_hash_entry {
	struct xs_hash_entry *next;
	void *val;
	uint32_t hash;
	char key[];
};

struct xs_hash {
	struct xs_hash_entry **buckets;
	size_t nbuckets; /* power of two */
	size_t count;
};

static uint32_t hash_string(const char *s)
{
	uint32_t h = 2166136261u;

	while (*s)
		h = (h ^ (uint8_t)*s++) * 16777619u;
	return h;
}

struct xs_hash *xs_hash_new(void)
{
	struct xs_hash *h = calloc(1, sizeof(*h));

	if (!h)
		return NULL;
	h->nbuckets = 16;
	h->buckets = calloc(h->nbuckets, sizeof(*h->buckets));
	if (!h->buckets) {
		free(h);
		return NULL;
	}
	return h;
}

void xs_hash_free(struct xs_hash *h, void (*free_val)(void *val))
{
	if (!h)
		return;
	for (size_t i = 0; i < h->nbuckets; i++) {
		struct xs_hash_entry *e = h->buckets[i];
		while (e) {
			struct xs_hash_entry *next = e->next;
			if (free_val)
				free_val(e->val);
			free(e);
			e = next;
		}
	}
	free(h->buckets);
	free(h);
}

static struct xs_hash_entry **find_slot(const struct xs_hash *h,
					const char *key, uint32_t hash)
{
	struct xs_hash_entry **pe = &h->buckets[hash & (h->nbuckets - 1)];

	while (*pe && ((*pe)->hash != hash || strcmp((*pe)->key, key)))
		pe = &(*pe)->next;
	return pe;
}

void *xs_hash_get(const struct xs_hash *h, const char *key)
{
	struct xs_hash_entry **pe = find_slot(h, key, hash_string(key));

	return *pe ? (*pe)->val : NULL;
}

/* Doubles the bucket array; on allocation failure keeps the old one. */
static void grow(struct xs_hash *h)
{
	size_t n = h->nbuckets * 2;
	struct xs_hash_entry **b = calloc(n, sizeof(*b));

	if (!b)
		return;
	for (size_t i = 0; i < h->nbuckets; i++) {
		struct xs_hash_entry *e = h->buckets[i];
		while (e) {
			struct xs_hash_entry *next = e->next;
			e->next = b[e->hash & (n - 1)];
			b[e->hash & (n - 1)] = e;
			e = next;
		}
	}
	free(h->buckets);
	h->buckets = b;
	h->nbuckets = n;
}

void *xs_hash_put(struct xs_hash *h, const char *key, void *val)
{
	uint32_t hash = hash_string(key);
	struct xs_hash_entry **pe = find_slot(h, key, hash);
	size_t klen;

	if (*pe) {
		void *old = (*pe)->val;
		(*pe)->val = val;
		return old;
	}
	klen = strlen(key);
	*pe = malloc(sizeof(**pe) + klen + 1);
	if (!*pe)
		return val;
	(*pe)->next = NULL;
	(*pe)->val = val;
	(*pe)->hash = hash;
	memcpy((*pe)->key, key, klen + 1);
	if (++h->count > h->nbuckets)
		grow(h);
	return NULL;
}

void *xs_hash_del(struct xs_hash *h, const char *key)
{
	struct xs_hash_entry **pe = find_slot(h, key, hash_string(key));
	struct xs_hash_entry *e = *pe;
	void *val;

	if (!e)
		return NULL;
	*pe = e->next;
	val = e->val;
	free(e);
	h->count--;
	return val;
}

size_t xs_hash_count(const struct xs_hash *h)
{
	return h->count;
}

void xs_hash_each(const struct xs_hash *h,
		  void (*fn)(const char *key, void *val, void *arg), void *arg)
{
	for (size_t i = 0; i < h->nbuckets; i++)
		for (struct xs_hash_entry *e = h->buckets[i]; e; e = e->next)
			fn(e->key, e->val, arg);
}
