/*
 * The xl.cfg lexer.  Token classes follow Xen 4.17's libxlu_cfg_l.l:
 * keys are lower-case identifiers, numbers start with a digit and go on
 * with digits, a-f and x (the value is read later, C-style), strings are
 * single- or double-quoted on one line with backslash escapes, `#` starts
 * a comment to the end of the line, blanks and tabs separate tokens.
 *
 * Escapes: \" \' \\ \a \b \f \n \r \t \v.  Xen 4.17's dequoting rejects
 * every \x escape and silently drops octal ones, so a config using either
 * cannot mean the same on Xen: we refuse both with a clear message.
 * Two leniencies over Xen: a comment may end the file without a newline,
 * and a carriage return is a blank (CRLF files).
 */
#include <stdlib.h>
#include <string.h>

#include "cfg_priv.h"

void xl_lex_init(struct xl_lexer *lx, const char *source, const char *text, size_t len)
{
	lx->pos = text;
	lx->end = text + len;
	lx->line = 1;
	lx->source = source;
	lx->err = NULL;
	lx->why = NULL;
}

static void describe_token(const struct xl_token *tok, char *out, size_t out_len)
{
	size_t len = tok->len;

	if (tok->kind == XL_TOK_EOF) {
		snprintf(out, out_len, "<end of file>");
		return;
	}
	if (tok->kind == XL_TOK_NEWLINE && tok->start[0] == '\n') {
		snprintf(out, out_len, "<newline>");
		return;
	}
	while (len && (tok->start[len - 1] == '\n' || tok->start[len - 1] == ' ' ||
		       tok->start[len - 1] == '\t' || tok->start[len - 1] == '\r'))
		len--;
	if (len > 40)
		len = 40;
	snprintf(out, out_len, "`%.*s'", (int)len, tok->start);
}

void xl_lex_error_near(struct xl_lexer *lx, const struct xl_token *tok, const char *key,
		       const char *why)
{
	char near[64];

	describe_token(tok, near, sizeof(near));
	if (key)
		xl_cfg_err_set(lx->err, "%s:%u: key \"%s\": config parsing error near %s: %s",
			       lx->source, tok->line, key, near, why);
	else
		xl_cfg_err_set(lx->err, "%s:%u: config parsing error near %s: %s",
			       lx->source, tok->line, near, why);
}

/* Marks tok as a lexical error; the parser reports it with its key. */
static void lex_fail(struct xl_lexer *lx, struct xl_token *tok, const char *why)
{
	lx->why = why;
	free(tok->text);
	tok->text = NULL;
	tok->kind = XL_TOK_ERROR;
}

static int is_ident_char(char c)
{
	return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '.' || c == '_';
}

static int is_number_char(char c)
{
	return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f') || c == 'x';
}

static void lex_word(struct xl_lexer *lx, struct xl_token *tok, enum xl_tok kind,
		     int (*is_char)(char))
{
	const char *p = lx->pos + 1;

	while (p < lx->end && is_char(*p))
		p++;
	tok->kind = kind;
	tok->len = (size_t)(p - lx->pos);
	tok->text = strndup(lx->pos, tok->len);
	lx->pos = p;
	if (!tok->text)
		lex_fail(lx, tok, "out of memory");
}

/* The character a backslash escape stands for, or -1. */
static int escape_char(char c)
{
	static const char from[] = "\"'\\abfnrtv";
	static const char to[] = "\"'\\\a\b\f\n\r\t\v";
	const char *hit = c ? strchr(from, c) : NULL;

	return hit ? to[hit - from] : -1;
}

/* Copies the quoted string [start, close] into tok->text, resolving escapes. */
static void lex_dequote(struct xl_lexer *lx, struct xl_token *tok, const char *close)
{
	const char *p = tok->start + 1;
	char *out = malloc((size_t)(close - p) + 1);
	size_t n = 0;

	tok->text = out;
	if (!out) {
		lex_fail(lx, tok, "out of memory");
		return;
	}
	while (p < close) {
		int c = (unsigned char)*p++;

		if (c == '\\') {
			char e = *p++;

			c = escape_char(e);
			if (e == 'x' || (e >= '0' && e <= '7')) {
				lex_fail(lx, tok, "numeric escapes (\\x.., \\0..) in quoted strings "
					 "are not supported (Xen 4.17 mishandles them)");
				return;
			}
			if (c < 0) {
				lex_fail(lx, tok, "invalid character after backslash in quoted string");
				return;
			}
		}
		out[n++] = (char)c;
	}
	out[n] = '\0';
}

static void lex_string(struct xl_lexer *lx, struct xl_token *tok)
{
	const char quote = *lx->pos;
	const char *p = lx->pos + 1;

	while (p < lx->end && *p != quote && *p != '\n' && *p != '\0') {
		if (*p == '\\' && p + 1 < lx->end && p[1] != '\n' && p[1] != '\0')
			p++;
		p++;
	}
	tok->kind = XL_TOK_STRING;
	tok->len = (size_t)(p - lx->pos) + (p < lx->end && *p == quote);
	if (p >= lx->end || *p != quote) {
		lx->pos = p;
		lex_fail(lx, tok, "unterminated quoted string");
		return;
	}
	lx->pos = p + 1;
	lex_dequote(lx, tok, p);
}

/* A character no token starts with: report it with the rest of its word. */
static void lex_bad(struct xl_lexer *lx, struct xl_token *tok)
{
	const char *p = lx->pos;
	int pythonish = strchr("+-.():", *p) != NULL && *p;

	while (p < lx->end && *p != ' ' && *p != '\t' && *p != '\n')
		p++;
	tok->len = (size_t)(p - lx->pos);
	lx->pos = p;
	lex_fail(lx, tok, pythonish ? "lexical error (this looks like Python; xl.cfg is "
				      "not Python, see xl.cfg(5))" : "lexical error");
}

static void lex_comment(struct xl_lexer *lx, struct xl_token *tok)
{
	const char *nl = memchr(lx->pos, '\n', (size_t)(lx->end - lx->pos));

	tok->kind = XL_TOK_NEWLINE;
	lx->pos = nl ? nl + 1 : lx->end;
	tok->len = (size_t)(lx->pos - tok->start);
	if (nl)
		lx->line++;
}

static int lex_punct(struct xl_lexer *lx, struct xl_token *tok)
{
	static const char chars[] = ",[]=;\n";
	static const enum xl_tok kinds[] = { XL_TOK_COMMA, XL_TOK_LBRACKET, XL_TOK_RBRACKET,
					     XL_TOK_ASSIGN, XL_TOK_SEMICOLON, XL_TOK_NEWLINE };
	const char *hit;

	if (*lx->pos == '+' && lx->pos + 1 < lx->end && lx->pos[1] == '=') {
		tok->kind = XL_TOK_APPEND;
		tok->len = 2;
		lx->pos += 2;
		return 1;
	}
	hit = *lx->pos ? strchr(chars, *lx->pos) : NULL;
	if (!hit)
		return 0;
	tok->kind = kinds[hit - chars];
	tok->len = 1;
	lx->pos++;
	if (tok->kind == XL_TOK_NEWLINE)
		lx->line++;
	return 1;
}

void xl_lex_next(struct xl_lexer *lx, struct xl_token *tok)
{
	while (lx->pos < lx->end && (*lx->pos == ' ' || *lx->pos == '\t' || *lx->pos == '\r'))
		lx->pos++;
	tok->line = lx->line;
	tok->start = lx->pos;
	tok->len = 0;
	tok->text = NULL;
	if (lx->pos >= lx->end) {
		tok->kind = XL_TOK_EOF;
		return;
	}
	char c = *lx->pos;

	if (c >= 'a' && c <= 'z')
		lex_word(lx, tok, XL_TOK_IDENT, is_ident_char);
	else if (c >= '0' && c <= '9')
		lex_word(lx, tok, XL_TOK_NUMBER, is_number_char);
	else if (c == '\'' || c == '"')
		lex_string(lx, tok);
	else if (c == '#')
		lex_comment(lx, tok);
	else if (!lex_punct(lx, tok))
		lex_bad(lx, tok);
}
