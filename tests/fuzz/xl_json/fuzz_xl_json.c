/*
 * libFuzzer target for appliance/xl/json*.c, which reads the configuration
 * files in /var/lib/xen: any input either parses or is refused with a
 * message; what parses prints as text that parses again to the same text.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "json.h"

static char *printed(const struct xj *node)
{
	char *text = NULL;
	size_t len = 0;
	FILE *out = open_memstream(&text, &len);

	if (!out)
		abort();
	xj_print(out, node, 0);
	fclose(out);
	return text;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char *text = strndup((const char *)data, size), why[128];
	struct xj *root = text ? xj_parse(text, why, sizeof(why)) : NULL;

	if (!root) {
		if (text && !why[0])
			abort();
		free(text);
		return 0;
	}
	char *once = printed(root);
	struct xj *again = xj_parse(once, why, sizeof(why));
	char *twice = again ? printed(again) : NULL;

	if (!twice || strcmp(once, twice))
		abort();
	xj_free(again);
	xj_free(root);
	free(twice);
	free(once);
	free(text);
	return 0;
}
