/*
 * backends.c - the backend types bastion-dm serves, one entry each.
 * Adding one is its own file plus a line here.
 */
#include <stddef.h>

#include "pv_backend.h"

const struct pv_backend_type *const pv_backend_types[] = {
	&pv_qdisk_backend,
	&pv_qnic_backend,
	&pv_console_backend,
	NULL,
};
