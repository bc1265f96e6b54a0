/*
 * json_parse.c - JSON text (RFC 8259) to the tree of json.h: what libxl
 * wrote for a domain, or what a user left there.  Depth is bounded; any
 * error gives the byte offset and what was expected there.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "json.h"

#define MAX_DEPTH 64

struct parser {
	const char *text, *at;
	char *why;
	size_t why_len;
	unsigned depth;
};

static struct xj *fail(struct parser *p, const char *what)
{
	if (!p->why[0])
		snprintf(p->why, p->why_len, "offset %zu: %s", (size_t)(p->at - p->text), what);
	return NULL;
}

static void skip_space(struct parser *p)
{
	while (*p->at == ' ' || *p->at == '\t' || *p->at == '\n' || *p->at == '\r')
		p->at++;
}

static int hex4(const char *s, unsigned *out)
{
	*out = 0;
	for (int i = 0; i < 4; i++) {
		char c = s[i];
		unsigned d = c >= '0' && c <= '9' ? (unsigned)(c - '0') :
			     c >= 'a' && c <= 'f' ? (unsigned)(c - 'a' + 10) :
			     c >= 'A' && c <= 'F' ? (unsigned)(c - 'A' + 10) : 16;
		if (d == 16)
			return -1;
		*out = *out << 4 | d;
	}
	return 0;
}

/* Appends code point cp as UTF-8 at *dst. */
static void put_utf8(char **dst, unsigned cp)
{
	char *d = *dst;

	if (cp < 0x80) {
		*d++ = (char)cp;
	} else if (cp < 0x800) {
		*d++ = (char)(0xC0 | cp >> 6);
		*d++ = (char)(0x80 | (cp & 0x3F));
	} else if (cp < 0x10000) {
		*d++ = (char)(0xE0 | cp >> 12);
		*d++ = (char)(0x80 | (cp >> 6 & 0x3F));
		*d++ = (char)(0x80 | (cp & 0x3F));
	} else {
		*d++ = (char)(0xF0 | cp >> 18);
		*d++ = (char)(0x80 | (cp >> 12 & 0x3F));
		*d++ = (char)(0x80 | (cp >> 6 & 0x3F));
		*d++ = (char)(0x80 | (cp & 0x3F));
	}
	*dst = d;
}

/* One escape after the backslash at p->at; advances past it. */
static int unescape(struct parser *p, char **dst)
{
	static const char plain[] = "\"\\/bfnrt", meant[] = "\"\\/\b\f\n\r\t";
	const char *hit = *p->at ? strchr(plain, *p->at) : NULL;
	unsigned cp, low;

	if (hit) {
		*(*dst)++ = meant[hit - plain];
		p->at++;
		return 0;
	}
	if (*p->at != 'u' || hex4(p->at + 1, &cp) < 0)
		return -1;
	p->at += 5;
	if (cp >= 0xD800 && cp < 0xDC00) {
		if (p->at[0] != '\\' || p->at[1] != 'u' || hex4(p->at + 2, &low) < 0 ||
		    low < 0xDC00 || low > 0xDFFF)
			return -1;
		p->at += 6;
		cp = 0x10000 + ((cp - 0xD800) << 10) + (low - 0xDC00);
	} else if (cp >= 0xDC00 && cp < 0xE000) {
		return -1;
	}
	put_utf8(dst, cp);
	return 0;
}

/* A string at p->at (on its opening quote), decoded; NULL on error. */
static char *parse_string_text(struct parser *p)
{
	const char *end = p->at + 1;
	char *out, *d;

	while (*end && *end != '"')
		end += *end == '\\' && end[1] ? 2 : 1;
	if (*end != '"')
		return fail(p, "unterminated string"), NULL;
	out = d = malloc((size_t)(end - p->at) + 1); /* escapes never grow */
	if (!out)
		return fail(p, "out of memory"), NULL;
	for (p->at++; *p->at != '"';) {
		unsigned char c = (unsigned char)*p->at;

		if (c < 0x20) {
			free(out);
			return fail(p, "control character in a string"), NULL;
		}
		if (c != '\\') {
			*d++ = (char)c;
			p->at++;
			continue;
		}
		p->at++;
		if (unescape(p, &d) < 0) {
			free(out);
			return fail(p, "bad escape in a string"), NULL;
		}
	}
	p->at++;
	*d = 0;
	return out;
}

static struct xj *parse_value(struct parser *p);

static struct xj *parse_number(struct parser *p)
{
	const char *start = p->at;
	struct xj *node;

	if (*p->at == '-')
		p->at++;
	if (*p->at == '0')
		p->at++;
	else if (*p->at >= '1' && *p->at <= '9')
		while (*p->at >= '0' && *p->at <= '9')
			p->at++;
	else
		return fail(p, "expected a value");
	if (*p->at == '.') {
		if (p->at[1] < '0' || p->at[1] > '9')
			return fail(p, "expected a digit after '.'");
		for (p->at++; *p->at >= '0' && *p->at <= '9'; p->at++)
			;
	}
	if (*p->at == 'e' || *p->at == 'E') {
		p->at += p->at[1] == '+' || p->at[1] == '-' ? 2 : 1;
		if (*p->at < '0' || *p->at > '9')
			return fail(p, "expected a digit in the exponent");
		while (*p->at >= '0' && *p->at <= '9')
			p->at++;
	}
	node = xj_new(XJ_NUMBER);
	if (!node || !(node->text = strndup(start, (size_t)(p->at - start)))) {
		xj_free(node);
		return fail(p, "out of memory");
	}
	return node;
}

/* Fails, dropping the container parsed so far. */
static struct xj *drop(struct parser *p, struct xj *node, const char *what)
{
	xj_free(node);
	return fail(p, what);
}

/* One "key": value of an object, or one value of an array, into node. */
static int parse_member(struct parser *p, struct xj *node)
{
	char *key = NULL;
	struct xj *value;
	int rc;

	skip_space(p);
	if (node->kind == XJ_OBJECT) {
		if (*p->at != '"')
			return fail(p, "expected a key"), -1;
		if (!(key = parse_string_text(p)))
			return -1;
		skip_space(p);
		if (*p->at != ':') {
			free(key);
			return fail(p, "expected ':'"), -1;
		}
		p->at++;
	}
	value = parse_value(p);
	rc = value ? xj_add(node, key, value) : -1;
	if (value && rc < 0)
		fail(p, "out of memory");
	free(key);
	return rc;
}

/* An object or array, p->at on its opening bracket. */
static struct xj *parse_container(struct parser *p, enum xj_kind kind)
{
	char close = kind == XJ_OBJECT ? '}' : ']';
	struct xj *node = xj_new(kind);

	if (!node)
		return fail(p, "out of memory");
	if (++p->depth > MAX_DEPTH)
		return drop(p, node, "nested too deeply");
	p->at++;
	skip_space(p);
	if (*p->at != close) {
		for (;;) {
			if (parse_member(p, node) < 0)
				return drop(p, node, "bad member");
			skip_space(p);
			if (*p->at == close)
				break;
			if (*p->at != ',')
				return drop(p, node, close == '}' ? "expected ',' or '}'" : "expected ',' or ']'");
			p->at++;
		}
	}
	p->at++;
	p->depth--;
	return node;
}

static struct xj *parse_word(struct parser *p)
{
	static const char *const words[] = { "null", "true", "false" };

	for (int i = 0; i < 3; i++) {
		size_t n = strlen(words[i]);
		struct xj *node;

		if (strncmp(p->at, words[i], n))
			continue;
		p->at += n;
		node = xj_new(i ? XJ_BOOL : XJ_NULL);
		if (!node)
			return fail(p, "out of memory");
		node->truth = i == 1;
		return node;
	}
	return parse_number(p);
}

static struct xj *parse_value(struct parser *p)
{
	struct xj *node;

	skip_space(p);
	switch (*p->at) {
	case '{': return parse_container(p, XJ_OBJECT);
	case '[': return parse_container(p, XJ_ARRAY);
	case '"':
		node = xj_new(XJ_STRING);
		if (!node)
			return fail(p, "out of memory");
		if (!(node->text = parse_string_text(p))) {
			free(node);
			return NULL;
		}
		return node;
	default:
		return parse_word(p);
	}
}

struct xj *xj_parse(const char *text, char *why, size_t why_len)
{
	struct parser p = { text, text, why, why_len, 0 };
	struct xj *root;

	why[0] = 0;
	root = parse_value(&p);
	if (!root)
		return NULL;
	skip_space(&p);
	if (*p.at) {
		xj_free(root);
		return fail(&p, "trailing text after the value");
	}
	return root;
}
