/*
 * Command-line parsing against the options declared with HV_PARAM_*().
 * Nothing here trusts the text: every value is checked against its type
 * and the size of its variable, and a bad option is reported by name and
 * skipped, so the hv comes up whatever the loader handed it.
 */
#include "param.h"

static int digit_value(char c)
{
	if (c >= '0' && c <= '9') return c - '0';
	if (c >= 'a' && c <= 'f') return c - 'a' + 10;
	if (c >= 'A' && c <= 'F') return c - 'A' + 10;
	return 99;
}

int parse_u64(const char *s, size_t len, bool allow_suffix, uint64_t *out)
{
	unsigned base = 10, shift = 0;
	size_t i = 0;
	if (len > 2 && s[0] == '0' && (s[1] == 'x' || s[1] == 'X'))
		base = 16, i = 2;
	else if (len > 1 && s[0] == '0')
		base = 8, i = 1;
	if (allow_suffix && len > i + 1) {
		const char *suffixes = "KMGT";
		for (unsigned k = 0; k < 4; k++)
			if ((s[len - 1] | 0x20) == (suffixes[k] | 0x20) && base != 16)
				shift = 10 * (k + 1), len--;
	}
	if (i >= len)
		return -1;
	uint64_t v = 0;
	for (; i < len; i++) {
		unsigned d = (unsigned)digit_value(s[i]);
		if (d >= base || v > (UINT64_MAX - d) / base)
			return -1;
		v = v * base + d;
	}
	if (shift && v > (UINT64_MAX >> shift))
		return -1;
	*out = v << shift;
	return 0;
}

static int parse_bool(const char *v, size_t len)
{
	static const char *const yes[] = { "1", "on", "yes", "true", "enable" };
	static const char *const no[] = { "0", "off", "no", "false", "disable" };
	for (size_t i = 0; i < ARRAY_SIZE(yes); i++) {
		if (strlen(yes[i]) == len && !strncmp(v, yes[i], len))
			return 1;
		if (strlen(no[i]) == len && !strncmp(v, no[i], len))
			return 0;
	}
	return -1;
}

static const char *store_uint(const struct hv_param *p, uint64_t v)
{
	switch (p->var_size) {
	case 1: if (v > UINT8_MAX) return "out of range"; *(uint8_t *)p->var = (uint8_t)v; break;
	case 2: if (v > UINT16_MAX) return "out of range"; *(uint16_t *)p->var = (uint16_t)v; break;
	case 4: if (v > UINT32_MAX) return "out of range"; *(uint32_t *)p->var = (uint32_t)v; break;
	default: *(uint64_t *)p->var = v;
	}
	return NULL;
}

/* Applies one option's value (val is NULL for a bare "name"). */
static const char *apply(const struct hv_param *p, const char *val, size_t len, bool negated)
{
	uint64_t num;
	switch (p->type) {
	case PARAM_BOOL: {
		int b = val ? parse_bool(val, len) : 1;
		if (b < 0)
			return "expected on/off, yes/no, true/false or 1/0";
		*(bool *)p->var = negated ? !b : b;
		return NULL;
	}
	case PARAM_UINT:
	case PARAM_SIZE:
		if (!val)
			return "needs a value";
		if (parse_u64(val, len, p->type == PARAM_SIZE, &num))
			return p->type == PARAM_SIZE ? "expected a size such as 512M" : "expected a number";
		return store_uint(p, num);
	case PARAM_STRING:
		if (!val)
			return "needs a value";
		if (len >= p->var_size)
			return "value too long";
		memcpy(p->var, val, len);
		((char *)p->var)[len] = '\0';
		return NULL;
	case PARAM_CUSTOM:
		return p->parse(val ? val : "", val ? len : 0);
	}
	return "unknown option type";
}

static const struct hv_param *find_param(const char *name, size_t len, const struct hv_param *first,
					 const struct hv_param *last)
{
	for (const struct hv_param *p = first; p < last; p++)
		if (strlen(p->name) == len && !strncmp(p->name, name, len))
			return p;
	return NULL;
}

/* Handles one "name[=value]" word; returns why it was refused, or NULL. */
static const char *parse_word(const char *w, size_t len, const struct hv_param *first,
			      const struct hv_param *last)
{
	size_t nlen = 0;
	while (nlen < len && w[nlen] != '=')
		nlen++;
	const char *val = nlen < len ? w + nlen + 1 : NULL;
	size_t vlen = val ? len - nlen - 1 : 0;
	const struct hv_param *p = find_param(w, nlen, first, last);
	bool negated = false;
	if (!p && nlen > 3 && !strncmp(w, "no-", 3)) {
		p = find_param(w + 3, nlen - 3, first, last);
		negated = p != NULL;
	}
	if (!p)
		return "unknown option";
	if (negated && (p->type != PARAM_BOOL || val))
		return "only a boolean option takes a no- prefix";
	return apply(p, val, vlen, negated);
}

const char *hv_cmdline;

int cmdline_parse(const char *cmdline, const struct hv_param *first,
		  const struct hv_param *last, param_report_fn report)
{
	int rejected = 0;
	bool first_word = true;
	const char *s = cmdline ? cmdline : "";
	while (*s) {
		while (*s == ' ' || *s == '\t')
			s++;
		size_t len = 0;
		while (s[len] && s[len] != ' ' && s[len] != '\t')
			len++;
		if (!len)
			break;
		bool is_image_name = false;
		for (size_t i = 0; first_word && i < len && s[i] != '='; i++)
			is_image_name |= s[i] == '/';
		first_word = false;
		const char *why = is_image_name ? NULL : parse_word(s, len, first, last);
		if (why) {
			rejected++;
			if (report)
				report(s, len, why);
		}
		s += len;
	}
	return rejected;
}
