/*
 * Typed lookups of xl.cfg settings, with libxlu_cfg.c's rules: the newest
 * setting of a key counts; a number is any single value that C's
 * strtol(.., 0) reads whole (decimal, 0x hex, 0-prefixed octal), quoted
 * or not; a value joined with += is never a number.
 */
#include <errno.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

#include "cfg_domain.h"

const struct xl_cfg_setting *xl_cfg_find(const struct xl_cfg *cfg, const char *key)
{
	const struct xl_cfg_setting *set;

	for (set = cfg->settings; set; set = set->next)
		if (!strcmp(set->key, key))
			return set;
	return NULL;
}

void xl_cfg_err_key(struct xl_cfg_err *err, const struct xl_cfg_setting *set,
		    const char *fmt, ...)
{
	char why[XL_CFG_ERR_MAX];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(why, sizeof(why), fmt, ap);
	va_end(ap);
	xl_cfg_err_set(err, "%s:%u: key \"%s\": %s", set->source, set->line, set->key, why);
}

int xl_cfg_get_string(const struct xl_cfg *cfg, const char *key, const char **out,
		      struct xl_cfg_err *err)
{
	const struct xl_cfg_setting *set = xl_cfg_find(cfg, key);

	if (!set)
		return 0;
	if (set->value->kind != XL_CFG_STRING) {
		xl_cfg_err_key(err, set, "expected a single value, got a list");
		return -1;
	}
	*out = set->value->string;
	return 1;
}

int xl_cfg_get_long(const struct xl_cfg *cfg, const char *key, long *out,
		    struct xl_cfg_err *err)
{
	const struct xl_cfg_setting *set = xl_cfg_find(cfg, key);
	const char *text;
	char *end;
	long number;

	if (!set)
		return 0;
	if (set->value->kind != XL_CFG_STRING) {
		xl_cfg_err_key(err, set, "expected a number, got a list");
		return -1;
	}
	if (set->appended) {
		xl_cfg_err_key(err, set, "+= cannot be used with numbers");
		return -1;
	}
	text = set->value->string;
	errno = 0;
	number = strtol(text, &end, 0);
	if (errno == ERANGE) {
		xl_cfg_err_key(err, set, "number \"%s\" is out of range", text);
		return -1;
	}
	if (end == text || *end) {
		xl_cfg_err_key(err, set, "expected a number, got \"%s\"", text);
		return -1;
	}
	*out = number;
	return 1;
}

int xl_cfg_get_list(const struct xl_cfg *cfg, const char *key,
		    const struct xl_cfg_value **out, struct xl_cfg_err *err)
{
	const struct xl_cfg_setting *set = xl_cfg_find(cfg, key);

	if (!set)
		return 0;
	if (set->value->kind != XL_CFG_LIST) {
		xl_cfg_err_key(err, set, "expected a list, got a single value");
		return -1;
	}
	*out = set->value;
	return 1;
}

int xl_cfg_get_bounded(const struct xl_cfg *cfg, const char *key, long min, long max,
		       long *out, struct xl_cfg_err *err)
{
	long number;
	int rc = xl_cfg_get_long(cfg, key, &number, err);

	if (rc <= 0)
		return rc;
	if (number < min || number > max) {
		xl_cfg_err_key(err, xl_cfg_find(cfg, key), "%ld is out of range (%ld to %ld)",
			       number, min, max);
		return -1;
	}
	*out = number;
	return 1;
}
