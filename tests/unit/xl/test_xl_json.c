/*
 * libxl's JSON in our xl (appliance/xl/json*.c, domain_json.c): files
 * Debian's xl 4.17 stored on Bastion (tests/unit/xl/json) parse and print
 * back byte for byte; the configuration our xl stores for the same xl.cfg
 * is the one Debian's stored; members added by `xl list -l` land in
 * libxl's order; malformed text is refused with the offset.
 */
#include <stdlib.h>
#include <string.h>

#include "check.h"
#include "domain_json.h"
#include "test_xl_cfg.h"

static char *slurp(const char *dir, const char *name)
{
	char path[512], *text = NULL;
	size_t len = 0;
	FILE *f;

	snprintf(path, sizeof(path), "%s/%s", dir, name);
	f = fopen(path, "r");
	if (f && getdelim(&text, &len, '\0', f) < 0) {
		free(text);
		text = NULL;
	}
	if (f)
		fclose(f);
	return text;
}

/* node printed at depth 0, malloc'ed */
static char *printed(const struct xj *node)
{
	char *text = NULL;
	size_t len = 0;
	FILE *out = open_memstream(&text, &len);

	xj_print(out, node, 0);
	fclose(out);
	return text;
}

static void round_trip(const char *dir, const char *name)
{
	char *text = slurp(dir, name), why[128], *again = NULL;
	struct xj *root = text ? xj_parse(text, why, sizeof(why)) : NULL;

	if (root)
		again = printed(root);
	CHECK(again && !strcmp(again, text), "json: %s (Debian's xl stored it) prints back byte for byte",
	      name);
	free(again);
	free(text);
	xj_free(root);
}

static void same_as_debian(const char *json_dir, const char *cfg_dir)
{
	char *want = slurp(json_dir, "anchor-pvh.libxl-json"), *text = slurp(cfg_dir, "anchor-pvh.cfg");
	char why[128], *got = NULL;
	struct xl_cfg_err err = { 0 };
	struct xl_cfg *cfg = text ? xl_cfg_parse("anchor-pvh.cfg", text, strlen(text), &err) : NULL;
	struct xl_domain_cfg dom;
	struct xj *stored = want ? xj_parse(want, why, sizeof(why)) : NULL;
	const struct xj *uuid = xj_get(xj_get(stored, "c_info"), "uuid");
	struct xj *ours = NULL;

	if (cfg && uuid && xl_domain_cfg_from(cfg, &dom, NULL, &err) == 0) {
		for (int i = 0; i < 16; i++) /* Debian's xl drew this UUID */
			sscanf(uuid->text + 2 * i + (i >= 4) + (i >= 6) + (i >= 8) + (i >= 10), "%2hhx",
			       &dom.uuid[i]);
		ours = xl_domain_json(&dom);
		got = ours ? printed(ours) : NULL;
		xl_domain_cfg_dispose(&dom);
	}
	bool same = got && want && !strcmp(got, want);

	CHECK(same, "json: our xl stores for anchor-pvh.cfg what Debian's xl stored%s%s",
	      same || !got ? "" : "; ours:\n", same || !got ? "" : got);
	xj_free(ours);
	xj_free(stored);
	xl_cfg_free(cfg);
	free(got);
	free(want);
	free(text);
}

static void ordered_insert(void)
{
	static const char *const order[] = { "type", "name", "domid", "uuid", NULL };
	char why[64], *text;
	struct xj *c = xj_parse("{\"type\": \"pvh\", \"uuid\": \"u\", \"extra\": 1}", why, sizeof(why));
	int rc = c ? xj_put_in_order(c, "name", xj_string("Domain-0"), order) : -1;

	text = rc == 0 ? printed(c) : NULL;
	CHECK(text && !strcmp(text, "{\n    \"type\": \"pvh\",\n    \"name\": \"Domain-0\",\n"
				 "    \"uuid\": \"u\",\n    \"extra\": 1\n}\n"),
	      "json: a member added lands in libxl's order (name between type and uuid)");
	free(text);
	xj_remove(c, "uuid");
	text = c ? printed(c) : NULL;
	CHECK(text && !strstr(text, "uuid") && strstr(text, "\"extra\": 1"), "json: a member removed");
	free(text);
	xj_free(c);
}

static void escapes(void)
{
	char why[64], *text;
	struct xj *s = xj_parse("[\"a\\\"b\\\\c\\n\\u0001\\u00e9\\ud83d\\ude00\", -1.5e3, true, null]", why,
				sizeof(why));

	text = s ? printed(s) : NULL;
	CHECK(text && !strcmp(text, "[\n    \"a\\\"b\\\\c\\n\\u0001\xc3\xa9\xf0\x9f\x98\x80\",\n"
				 "    -1.5e3,\n    true,\n    null\n]\n"),
	      "json: escapes decode to UTF-8 and print back as yajl escapes them");
	free(text);
	xj_free(s);
}

static void malformed(void)
{
	static const struct { const char *text, *why; } bad[] = {
		{ "", "offset 0: expected a value" },
		{ "{", "offset 1: expected a key" },
		{ "{\"a\" 1}", "offset 5: expected ':'" },
		{ "{\"a\": 1,}", "offset 8: expected a key" },
		{ "[1 2]", "offset 3: expected ',' or ']'" },
		{ "\"abc", "offset 0: unterminated string" },
		{ "\"\\x\"", "offset 2: bad escape in a string" },
		{ "\"\\ud800\"", "offset 7: bad escape in a string" },
		{ "01", "offset 1: trailing text after the value" },
		{ "1.", "offset 1: expected a digit after '.'" },
		{ "tru", "offset 0: expected a value" },
		{ "{} x", "offset 3: trailing text after the value" },
	};
	char deep[200];

	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		char why[96];
		struct xj *node = xj_parse(bad[i].text, why, sizeof(why));

		CHECK(!node && !strcmp(why, bad[i].why), "json: '%s' refused: %s", bad[i].text, why);
		xj_free(node);
	}
	memset(deep, '[', sizeof(deep) - 1);
	deep[sizeof(deep) - 1] = 0;
	char why[96];
	struct xj *node = xj_parse(deep, why, sizeof(why));
	CHECK(!node && strstr(why, "nested too deeply"), "json: 199 nested arrays refused: %s", why);
}

void test_json(const char *cfg_dir)
{
	char json_dir[512];

	snprintf(json_dir, sizeof(json_dir), "%s/../json", cfg_dir);

	round_trip(json_dir, "anchor-pvh.libxl-json");
	round_trip(json_dir, "dom0-stub.libxl-json");
	same_as_debian(json_dir, cfg_dir);
	ordered_insert();
	escapes();
	malformed();
}
