/*
 * cfg_spec.c - the settings of a device spec string (VIFSPEC,
 * CHANNELSPEC): comma-separated, blanks before each skipped, empty ones
 * ignored, as tools/xl/xl_parse.c splits them.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cfg_priv.h"

int xl_spec_settings(const char *spec, xl_setting_fn one, void *obj, char *why, size_t why_len)
{
	char *copy = strdup(spec), *setting, *next;
	int rc = 0;

	if (!copy) {
		snprintf(why, why_len, "out of memory");
		return -1;
	}
	for (setting = copy; setting && rc == 0; setting = next) {
		next = strchr(setting, ',');
		if (next)
			*next++ = '\0';
		while (*setting == ' ')
			setting++;
		if (*setting)
			rc = one(obj, setting, why, why_len);
	}
	free(copy);
	return rc;
}
