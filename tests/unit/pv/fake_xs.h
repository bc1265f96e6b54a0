/*
 * A fake xenstore for host tests: a hash table of path -> value behind
 * the pv_xs seam.  Watches are only counted; tests call the state
 * machine's update themselves.
 */
#ifndef BASTION_TEST_PV_FAKE_XS_H
#define BASTION_TEST_PV_FAKE_XS_H

#include <glib.h>

#include "pv_host.h"

struct fake_xs {
	struct pv_xs xs;
	GHashTable *kv;
	int watches; /* set minus removed */
};

void fake_xs_init(struct fake_xs *f);
void fake_xs_fini(struct fake_xs *f);
void fake_xs_set(struct fake_xs *f, const char *path, const char *value);
/* The value or NULL; owned by the table. */
const char *fake_xs_get(struct fake_xs *f, const char *path);
/* Removes path and everything below it. */
void fake_xs_rm(struct fake_xs *f, const char *path);

#endif
