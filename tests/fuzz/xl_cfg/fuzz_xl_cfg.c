/*
 * libFuzzer target for appliance/xl/cfg*.c: the input up to its first NUL
 * byte is a config file; each later NUL-separated piece is a command-line
 * override.  The config is then built into a typed domain config with
 * warnings, and every error message must name the file or the command line.
 */
#include <stdlib.h>
#include <string.h>

#include "cfg.h"

static void build(struct xl_cfg *cfg)
{
	struct xl_domain_cfg dom;
	struct xl_cfg_err err = { "" };
	FILE *warn = fopen("/dev/null", "w");

	if (xl_domain_cfg_from(cfg, &dom, warn, &err) == 0)
		xl_domain_cfg_dispose(&dom);
	else if (strncmp(err.text, "fuzz.cfg", 8) && strncmp(err.text, "command line", 12))
		abort();
	if (warn)
		fclose(warn);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	const char *text = (const char *)data;
	size_t file_len = strnlen(text, size);
	struct xl_cfg_err err = { "" };
	struct xl_cfg *cfg = xl_cfg_parse("fuzz.cfg", text, file_len, &err);
	size_t pos = file_len + 1;

	if (!cfg) {
		if (strncmp(err.text, "fuzz.cfg", 8))
			abort();
		return 0;
	}
	while (pos < size) {
		size_t len = strnlen(text + pos, size - pos);
		char *override = strndup(text + pos, len);

		memset(&err, 0, sizeof(err));
		if (override && xl_cfg_apply_override(cfg, override, &err) < 0 &&
		    strncmp(err.text, "command line", 12))
			abort();
		free(override);
		pos += len + 1;
	}
	build(cfg);
	xl_cfg_free(cfg);
	return 0;
}
