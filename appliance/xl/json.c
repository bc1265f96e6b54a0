/*
 * json.c - the JSON tree and its printer.  The layout is yajl 2's with
 * beautify on, as libxl configures it: "{" or "[" then a newline, each
 * member on its own line indented four spaces a level, members separated
 * by ",\n", a key followed by ": ", the closing bracket on a line of its
 * own (so an empty object prints as "{\n\n<indent>}"), a newline after
 * the outermost value.
 */
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

#include "json.h"

struct xj *xj_new(enum xj_kind kind)
{
	struct xj *node = calloc(1, sizeof(*node));

	if (node)
		node->kind = kind;
	return node;
}

struct xj *xj_string(const char *value)
{
	struct xj *node = xj_new(XJ_STRING);

	if (node && !(node->text = strdup(value))) {
		free(node);
		return NULL;
	}
	return node;
}

static struct xj *number_text(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

static struct xj *number_text(const char *fmt, ...)
{
	struct xj *node = xj_new(XJ_NUMBER);
	va_list ap;
	int rc;

	if (!node)
		return NULL;
	va_start(ap, fmt);
	rc = vasprintf(&node->text, fmt, ap);
	va_end(ap);
	if (rc < 0) {
		free(node);
		return NULL;
	}
	return node;
}

struct xj *xj_number(long long value)
{
	return number_text("%lld", value);
}

struct xj *xj_unsigned(unsigned long long value)
{
	return number_text("%llu", value);
}

struct xj *xj_bool(bool value)
{
	struct xj *node = xj_new(XJ_BOOL);

	if (node)
		node->truth = value;
	return node;
}

void xj_free(struct xj *node)
{
	if (!node)
		return;
	for (size_t i = 0; i < node->nr; i++) {
		xj_free(node->items[i]);
		if (node->keys)
			free(node->keys[i]);
	}
	free(node->items);
	free(node->keys);
	free(node->text);
	free(node);
}

int xj_add(struct xj *parent, const char *key, struct xj *value)
{
	size_t nr = parent->nr + 1;
	struct xj **items;
	char *copy = NULL;

	if (!value || (key && !(copy = strdup(key))))
		goto fail;
	items = realloc(parent->items, nr * sizeof(*items));
	if (!items)
		goto fail;
	parent->items = items;
	if (parent->kind == XJ_OBJECT) {
		char **keys = realloc(parent->keys, nr * sizeof(*keys));

		if (!keys)
			goto fail;
		parent->keys = keys;
		keys[nr - 1] = copy;
	}
	items[nr - 1] = value;
	parent->nr = nr;
	return 0;
fail:
	free(copy);
	xj_free(value);
	return -1;
}

struct xj *xj_get(const struct xj *obj, const char *key)
{
	if (!obj || obj->kind != XJ_OBJECT)
		return NULL;
	for (size_t i = 0; i < obj->nr; i++)
		if (!strcmp(obj->keys[i], key))
			return obj->items[i];
	return NULL;
}

int xj_put(struct xj *obj, const char *key, struct xj *value)
{
	if (!value)
		return -1;
	for (size_t i = 0; i < obj->nr; i++) {
		if (strcmp(obj->keys[i], key))
			continue;
		xj_free(obj->items[i]);
		obj->items[i] = value;
		return 0;
	}
	return xj_add(obj, key, value);
}

static size_t rank(const char *key, const char *const *order)
{
	size_t i;

	for (i = 0; order[i]; i++)
		if (!strcmp(order[i], key))
			return i;
	return i;
}

int xj_put_in_order(struct xj *obj, const char *key, struct xj *value, const char *const *order)
{
	size_t at, want = rank(key, order);

	if (!value)
		return -1;
	if (xj_get(obj, key))
		return xj_put(obj, key, value);
	if (xj_add(obj, key, value) < 0)
		return -1;
	char *copy = obj->keys[obj->nr - 1];

	for (at = 0; at + 1 < obj->nr && rank(obj->keys[at], order) <= want; at++)
		;
	/* the new last member moves to index at */
	memmove(&obj->items[at + 1], &obj->items[at], (obj->nr - 1 - at) * sizeof(*obj->items));
	memmove(&obj->keys[at + 1], &obj->keys[at], (obj->nr - 1 - at) * sizeof(*obj->keys));
	obj->items[at] = value;
	obj->keys[at] = copy;
	return 0;
}

void xj_remove(struct xj *obj, const char *key)
{
	for (size_t i = 0; obj && obj->kind == XJ_OBJECT && i < obj->nr; i++) {
		if (strcmp(obj->keys[i], key))
			continue;
		xj_free(obj->items[i]);
		free(obj->keys[i]);
		memmove(&obj->items[i], &obj->items[i + 1], (obj->nr - 1 - i) * sizeof(*obj->items));
		memmove(&obj->keys[i], &obj->keys[i + 1], (obj->nr - 1 - i) * sizeof(*obj->keys));
		obj->nr--;
		return;
	}
}

/* A string as yajl escapes it: quote, backslash and control characters. */
static void print_string(FILE *out, const char *s)
{
	fputc('"', out);
	for (; *s; s++) {
		unsigned char c = (unsigned char)*s;

		switch (c) {
		case '"': fputs("\\\"", out); break;
		case '\\': fputs("\\\\", out); break;
		case '\b': fputs("\\b", out); break;
		case '\f': fputs("\\f", out); break;
		case '\n': fputs("\\n", out); break;
		case '\r': fputs("\\r", out); break;
		case '\t': fputs("\\t", out); break;
		default:
			if (c < 0x20)
				fprintf(out, "\\u%04X", c);
			else
				fputc(c, out);
		}
	}
	fputc('"', out);
}

static void indent(FILE *out, unsigned depth)
{
	while (depth--)
		fputs("    ", out);
}

static void print_value(FILE *out, const struct xj *node, unsigned depth)
{
	bool object = node->kind == XJ_OBJECT;

	switch (node->kind) {
	case XJ_NULL: fputs("null", out); return;
	case XJ_BOOL: fputs(node->truth ? "true" : "false", out); return;
	case XJ_NUMBER: fputs(node->text, out); return;
	case XJ_STRING: print_string(out, node->text); return;
	case XJ_ARRAY:
	case XJ_OBJECT:
		break;
	}
	fputs(object ? "{\n" : "[\n", out);
	for (size_t i = 0; i < node->nr; i++) {
		if (i)
			fputs(",\n", out);
		indent(out, depth + 1);
		if (object) {
			print_string(out, node->keys[i]);
			fputs(": ", out);
		}
		print_value(out, node->items[i], depth + 1);
	}
	fputc('\n', out);
	indent(out, depth);
	fputc(object ? '}' : ']', out);
}

void xj_print(FILE *out, const struct xj *node, unsigned depth)
{
	print_value(out, node, depth);
	if (depth == 0)
		fputc('\n', out);
}
