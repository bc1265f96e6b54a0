/*
 * The xl.cfg grammar (Xen 4.17 libxlu_cfg_y.y), parsed by recursive
 * descent over cfg_lex.c's tokens:
 *
 *   file    := { [ key ( "=" | "+=" ) value ] ( newline | ";" ) } [ setting ]
 *   value   := atom | "[" nl* [ value nl* { "," nl* value nl* } [ "," nl* ] ] "]"
 *
 * A key set twice keeps both settings; the newer one shadows the older.
 * `key += value` joins value onto the key's current value (strings are
 * concatenated, lists appended; mixing the two is an error), as
 * libxlu_cfg.c does.  The first error stops the parse.
 */
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

#include "cfg_priv.h"

#define XL_CFG_MAX_DEPTH 32
#define XL_CFG_OVERRIDE_SOURCE "command line"

void xl_cfg_err_set(struct xl_cfg_err *err, const char *fmt, ...)
{
	va_list ap;

	if (!err || err->text[0])
		return;
	va_start(ap, fmt);
	vsnprintf(err->text, sizeof(err->text), fmt, ap);
	va_end(ap);
}

struct xl_parser {
	struct xl_lexer lx;
	struct xl_token tok;
	struct xl_cfg *cfg;
	const char *key;              /* the setting being read, for messages */
};

static void advance(struct xl_parser *ps)
{
	free(ps->tok.text);
	xl_lex_next(&ps->lx, &ps->tok);
}

static int syntax_error(struct xl_parser *ps, const char *why)
{
	if (ps->tok.kind == XL_TOK_ERROR)
		why = ps->lx.why;
	xl_lex_error_near(&ps->lx, &ps->tok, ps->key, why);
	return -1;
}

static void skip_newlines(struct xl_parser *ps)
{
	while (ps->tok.kind == XL_TOK_NEWLINE)
		advance(ps);
}

static struct xl_cfg_value *parse_value(struct xl_parser *ps, unsigned depth);

/* After "[": the items up to and including "]". */
static struct xl_cfg_value *parse_list(struct xl_parser *ps, unsigned depth)
{
	struct xl_cfg_value *list = xl_cfg_value_new(XL_CFG_LIST, ps->tok.line);

	if (!list || depth > XL_CFG_MAX_DEPTH) {
		syntax_error(ps, list ? "lists nested too deeply" : "out of memory");
		xl_cfg_value_free(list);
		return NULL;
	}
	advance(ps);
	skip_newlines(ps);
	while (ps->tok.kind != XL_TOK_RBRACKET) {
		struct xl_cfg_value *item = parse_value(ps, depth + 1);

		if (!item || xl_cfg_value_push(list, item) < 0)
			goto fail;
		skip_newlines(ps);
		if (ps->tok.kind == XL_TOK_COMMA) {
			advance(ps);
			skip_newlines(ps);
		} else if (ps->tok.kind != XL_TOK_RBRACKET) {
			syntax_error(ps, "expected ',' or ']' in list");
			goto fail;
		}
	}
	advance(ps);
	return list;
fail:
	xl_cfg_value_free(list);
	return NULL;
}

static struct xl_cfg_value *parse_value(struct xl_parser *ps, unsigned depth)
{
	struct xl_cfg_value *value;

	if (ps->tok.kind == XL_TOK_LBRACKET)
		return parse_list(ps, depth);
	if (ps->tok.kind != XL_TOK_STRING && ps->tok.kind != XL_TOK_NUMBER) {
		syntax_error(ps, "expected a value (a quoted string, a number or a [list])");
		return NULL;
	}
	value = xl_cfg_value_new(XL_CFG_STRING, ps->tok.line);
	if (!value) {
		syntax_error(ps, "out of memory");
		return NULL;
	}
	value->string = ps->tok.text;
	ps->tok.text = NULL;
	advance(ps);
	return value;
}

/* The value for `key += added`: the key's current value joined with added. */
static struct xl_cfg_value *join_values(struct xl_parser *ps, const struct xl_cfg_value *old,
					struct xl_cfg_value *added)
{
	struct xl_cfg_value *joined;
	size_t i;

	if (old->kind != added->kind) {
		xl_cfg_err_set(ps->lx.err, "%s:%u: key \"%s\": += cannot join a list and a string",
			       ps->lx.source, added->line, ps->key);
		return NULL;
	}
	joined = xl_cfg_value_clone(old);
	if (joined && old->kind == XL_CFG_STRING) {
		char *both = malloc(strlen(old->string) + strlen(added->string) + 1);

		if (both)
			strcat(strcpy(both, old->string), added->string);
		free(joined->string);
		joined->string = both;
		if (both)
			return joined;
	}
	for (i = 0; joined && i < added->nr_items; i++) {
		struct xl_cfg_value *copy = xl_cfg_value_clone(added->items[i]);

		if (!copy || xl_cfg_value_push(joined, copy) < 0) {
			xl_cfg_value_free(copy);
			xl_cfg_value_free(joined);
			joined = NULL;
		}
	}
	if (!joined)
		xl_cfg_err_set(ps->lx.err, "%s: out of memory", ps->lx.source);
	return joined;
}

static int store(struct xl_parser *ps, char *key, unsigned line, bool appended,
		 struct xl_cfg_value *value)
{
	struct xl_cfg_setting *set = calloc(1, sizeof(*set));
	const struct xl_cfg_setting *old = appended ? xl_cfg_find(ps->cfg, key) : NULL;

	if (set && old) {
		struct xl_cfg_value *joined = join_values(ps, old->value, value);

		xl_cfg_value_free(value);
		value = joined;
	}
	if (!set || !value) {
		if (!set)
			xl_cfg_err_set(ps->lx.err, "%s: out of memory", ps->lx.source);
		free(set);
		free(key);
		xl_cfg_value_free(value);
		return -1;
	}
	set->key = key;
	set->value = value;
	set->source = ps->lx.source;
	set->line = line;
	set->appended = appended;
	set->next = ps->cfg->settings;
	ps->cfg->settings = set;
	return 0;
}

/* At an identifier: reads `key = value` or `key += value` and stores it. */
static int parse_setting(struct xl_parser *ps)
{
	char *key = ps->tok.text;
	unsigned line = ps->tok.line;
	struct xl_cfg_value *value;
	bool appended;

	ps->tok.text = NULL;
	ps->key = key;
	advance(ps);
	if (ps->tok.kind != XL_TOK_ASSIGN && ps->tok.kind != XL_TOK_APPEND) {
		syntax_error(ps, "expected '=' or '+=' after the key");
		free(key);
		return -1;
	}
	appended = ps->tok.kind == XL_TOK_APPEND;
	advance(ps);
	value = parse_value(ps, 0);
	if (!value) {
		free(key);
		return -1;
	}
	if (ps->tok.kind != XL_TOK_NEWLINE && ps->tok.kind != XL_TOK_SEMICOLON &&
	    ps->tok.kind != XL_TOK_EOF) {
		syntax_error(ps, "expected a newline or ';' after the value");
		free(key);
		xl_cfg_value_free(value);
		return -1;
	}
	return store(ps, key, line, appended, value);
}

static int parse_settings(struct xl_parser *ps)
{
	int rc = 0;

	xl_lex_next(&ps->lx, &ps->tok);
	while (rc == 0 && ps->tok.kind != XL_TOK_EOF) {
		ps->key = NULL;
		if (ps->tok.kind == XL_TOK_NEWLINE || ps->tok.kind == XL_TOK_SEMICOLON)
			advance(ps);
		else if (ps->tok.kind == XL_TOK_IDENT)
			rc = parse_setting(ps);
		else
			rc = syntax_error(ps, "expected a key (lower-case letters, digits, '.', '_')");
	}
	free(ps->tok.text);
	ps->tok.text = NULL;
	return rc;
}

static const char *add_source(struct xl_cfg *cfg, const char *name)
{
	char **grown = realloc(cfg->sources, (cfg->nr_sources + 1) * sizeof(*grown));
	char *copy = strdup(name);

	if (grown)
		cfg->sources = grown;
	if (!grown || !copy) {
		free(copy);
		return NULL;
	}
	cfg->sources[cfg->nr_sources++] = copy;
	return copy;
}

/* Parses text into cfg under source name; on error drops what it added. */
static int parse_into(struct xl_cfg *cfg, const char *source, const char *text, size_t len,
		      struct xl_cfg_err *err)
{
	struct xl_parser ps = { .cfg = cfg };
	struct xl_cfg_setting *before = cfg->settings;

	xl_lex_init(&ps.lx, source, text, len);
	ps.lx.err = err;
	if (parse_settings(&ps) == 0)
		return 0;
	while (cfg->settings != before) {
		struct xl_cfg_setting *set = cfg->settings;

		cfg->settings = set->next;
		free(set->key);
		xl_cfg_value_free(set->value);
		free(set);
	}
	return -1;
}

struct xl_cfg *xl_cfg_parse(const char *name, const char *text, size_t len,
			    struct xl_cfg_err *err)
{
	struct xl_cfg *cfg = calloc(1, sizeof(*cfg));
	const char *source;

	if (!cfg || !(cfg->name = strdup(name)) || !(source = add_source(cfg, name))) {
		xl_cfg_err_set(err, "%s: out of memory", name);
		xl_cfg_free(cfg);
		return NULL;
	}
	if (parse_into(cfg, source, text, len, err) < 0) {
		xl_cfg_free(cfg);
		return NULL;
	}
	return cfg;
}

int xl_cfg_apply_override(struct xl_cfg *cfg, const char *text, struct xl_cfg_err *err)
{
	const char *source = NULL;
	size_t i;

	for (i = 0; i < cfg->nr_sources && !source; i++)
		if (i > 0 && !strcmp(cfg->sources[i], XL_CFG_OVERRIDE_SOURCE))
			source = cfg->sources[i];
	if (!source)
		source = add_source(cfg, XL_CFG_OVERRIDE_SOURCE);
	if (!source) {
		xl_cfg_err_set(err, "%s: out of memory", XL_CFG_OVERRIDE_SOURCE);
		return -1;
	}
	return parse_into(cfg, source, text, strlen(text), err);
}

void xl_cfg_free(struct xl_cfg *cfg)
{
	size_t i;

	if (!cfg)
		return;
	while (cfg->settings) {
		struct xl_cfg_setting *set = cfg->settings;

		cfg->settings = set->next;
		free(set->key);
		xl_cfg_value_free(set->value);
		free(set);
	}
	for (i = 0; i < cfg->nr_sources; i++)
		free(cfg->sources[i]);
	free(cfg->sources);
	free(cfg->name);
	free(cfg);
}
