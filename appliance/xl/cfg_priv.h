/*
 * Private to appliance/xl/cfg*.c: the xl.cfg lexer's tokens (the token
 * classes of Xen 4.17 tools/libs/util/libxlu_cfg_l.l) and value helpers.
 */
#ifndef BASTION_XL_CFG_PRIV_H
#define BASTION_XL_CFG_PRIV_H

#include "cfg.h"

enum xl_tok {
	XL_TOK_EOF,
	XL_TOK_IDENT,     /* [a-z][._0-9a-z]* */
	XL_TOK_NUMBER,    /* [0-9][0-9a-fx]*, read later with strtol(.., 0) */
	XL_TOK_STRING,    /* '...' or "...", escapes resolved */
	XL_TOK_COMMA,
	XL_TOK_LBRACKET,
	XL_TOK_RBRACKET,
	XL_TOK_ASSIGN,    /* = */
	XL_TOK_APPEND,    /* += */
	XL_TOK_SEMICOLON,
	XL_TOK_NEWLINE,   /* a newline, or a # comment up to its newline */
	XL_TOK_ERROR,     /* lexical error, reason in xl_lexer.why */
};

struct xl_token {
	enum xl_tok kind;
	unsigned line;
	const char *start;            /* the raw text, for messages */
	size_t len;
	char *text;                   /* IDENT, NUMBER, STRING: malloc'd */
};

struct xl_lexer {
	const char *pos, *end;
	unsigned line;
	const char *source;
	struct xl_cfg_err *err;
	const char *why;              /* the last lexical error */
};

void xl_lex_init(struct xl_lexer *lx, const char *source, const char *text, size_t len);
/* Reads the next token into tok (tok->text owned by the caller). */
void xl_lex_next(struct xl_lexer *lx, struct xl_token *tok);
/* Writes "source:line: config parsing error near `tok': why" into err. */
void xl_lex_error_near(struct xl_lexer *lx, const struct xl_token *tok, const char *key,
		       const char *why);

struct xl_cfg_value *xl_cfg_value_new(enum xl_cfg_kind kind, unsigned line);
void xl_cfg_value_free(struct xl_cfg_value *value);
struct xl_cfg_value *xl_cfg_value_clone(const struct xl_cfg_value *value);
int xl_cfg_value_push(struct xl_cfg_value *list, struct xl_cfg_value *item);

/* One setting of a spec string (writable, NUL-terminated); 0, or -1
 * with the reason in why. */
typedef int (*xl_setting_fn)(void *obj, char *setting, char *why, size_t why_len);
/* Calls one for each setting of spec (cfg_spec.c); the first failure's
 * result, else 0. */
int xl_spec_settings(const char *spec, xl_setting_fn one, void *obj, char *why, size_t why_len);

/* 1 if xl 4.17 reads key from a domain config. */
int xl_cfg_key_known(const char *key);

#endif
