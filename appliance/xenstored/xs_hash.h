/*
 * xs_hash.h - a string-keyed hash map (separate chaining, power-of-two
 * bucket count that doubles as it fills).  The store's nodes, a
 * transaction's overlay and its read set are kept in these.
 */
#ifndef XS_HASH_H
#define XS_HASH_H

#include <stddef.h>

struct xs_hash;

struct xs_hash *xs_hash_new(void);
/* Frees the map; free_val (may be NULL) is called on every value. */
void xs_hash_free(struct xs_hash *h, void (*free_val)(void *val));
void *xs_hash_get(const struct xs_hash *h, const char *key);
/* Stores key (copied) -> val; returns the previous value or NULL.
 * On allocation failure returns val itself and stores nothing. */
void *xs_hash_put(struct xs_hash *h, const char *key, void *val);
/* Removes key; returns its value or NULL. */
void *xs_hash_del(struct xs_hash *h, const char *key);
size_t xs_hash_count(const struct xs_hash *h);
/* Calls fn on every entry; fn must not modify the map. */
void xs_hash_each(const struct xs_hash *h,
		  void (*fn)(const char *key, void *val, void *arg), void *arg);

#endif
