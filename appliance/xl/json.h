/*
 * json.h - the JSON libxl keeps a domain's configuration in
 * (/var/lib/xen/userdata-d.<domid>.<uuid>.libxl-json) and `xl list -l`
 * prints: a small tree, a parser, and a printer that lays text out as
 * libxl's generator (yajl with beautify, four-space indent) does, so that
 * our output and Debian's compare byte for byte.
 */
#ifndef XL_JSON_H
#define XL_JSON_H

#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>

enum xj_kind { XJ_NULL, XJ_BOOL, XJ_NUMBER, XJ_STRING, XJ_ARRAY, XJ_OBJECT };

struct xj {
	enum xj_kind kind;
	char *text;          /* a number's digits, a string's bytes (decoded) */
	bool truth;          /* XJ_BOOL */
	size_t nr;           /* XJ_ARRAY items, XJ_OBJECT members */
	struct xj **items;
	char **keys;         /* XJ_OBJECT: keys[i] names items[i], in order */
};

/* The tree of text (NUL-terminated), or NULL with why filled in. */
struct xj *xj_parse(const char *text, char *why, size_t why_len);
void xj_free(struct xj *node);

/* Constructors; NULL only when memory runs out (xj_add then fails). */
struct xj *xj_new(enum xj_kind kind);
struct xj *xj_string(const char *value);
struct xj *xj_number(long long value);
struct xj *xj_unsigned(unsigned long long value);
struct xj *xj_bool(bool value);
/* Appends value (owned from now on) to an object under key, or to an
 * array (key NULL); -1 when memory runs out or value is NULL. */
int xj_add(struct xj *parent, const char *key, struct xj *value);
/* Replaces the member key of obj (added at the end when missing). */
int xj_put(struct xj *obj, const char *key, struct xj *value);

/* The same, a new member placed after those order[] (NULL-ended) lists
 * before it: libxl prints members in its IDL's order. */
int xj_put_in_order(struct xj *obj, const char *key, struct xj *value, const char *const *order);
void xj_remove(struct xj *obj, const char *key);

/* The member key of obj, or NULL (also when obj is not an object). */
struct xj *xj_get(const struct xj *obj, const char *key);

/* Writes node as yajl's beautified generator does, starting at depth. */
void xj_print(FILE *out, const struct xj *node, unsigned depth);

#endif
