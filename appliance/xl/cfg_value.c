/*
 * xl.cfg values: strings (numbers are kept as their text, as libxlu does)
 * and lists of values, which may nest.
 */
#include <stdlib.h>
#include <string.h>

#include "cfg_priv.h"

struct xl_cfg_value *xl_cfg_value_new(enum xl_cfg_kind kind, unsigned line)
{
	struct xl_cfg_value *value = calloc(1, sizeof(*value));

	if (value) {
		value->kind = kind;
		value->line = line;
	}
	return value;
}

void xl_cfg_value_free(struct xl_cfg_value *value)
{
	size_t i;

	if (!value)
		return;
	for (i = 0; i < value->nr_items; i++)
		xl_cfg_value_free(value->items[i]);
	free(value->items);
	free(value->string);
	free(value);
}

/* Appends item to list, which takes it over.  Returns 0 or -1 (no memory,
 * item not taken). */
int xl_cfg_value_push(struct xl_cfg_value *list, struct xl_cfg_value *item)
{
	struct xl_cfg_value **grown;

	grown = realloc(list->items, (list->nr_items + 1) * sizeof(*grown));
	if (!grown)
		return -1;
	list->items = grown;
	list->items[list->nr_items++] = item;
	return 0;
}

struct xl_cfg_value *xl_cfg_value_clone(const struct xl_cfg_value *value)
{
	struct xl_cfg_value *copy = xl_cfg_value_new(value->kind, value->line);
	size_t i;

	if (!copy)
		return NULL;
	if (value->string && !(copy->string = strdup(value->string)))
		goto fail;
	for (i = 0; i < value->nr_items; i++) {
		struct xl_cfg_value *item = xl_cfg_value_clone(value->items[i]);

		if (!item || xl_cfg_value_push(copy, item) < 0) {
			xl_cfg_value_free(item);
			goto fail;
		}
	}
	return copy;
fail:
	xl_cfg_value_free(copy);
	return NULL;
}
