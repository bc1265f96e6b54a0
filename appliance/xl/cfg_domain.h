/*
 * Private to appliance/xl/cfg_*.c: the pieces of xl_domain_cfg_from().
 * Each returns 0, or -1 with err naming source, line and key.
 */
#ifndef BASTION_XL_CFG_DOMAIN_H
#define BASTION_XL_CFG_DOMAIN_H

#include "cfg_priv.h"

/* xl_cfg_get_long() with min <= value <= max; *out untouched if absent. */
int xl_cfg_get_bounded(const struct xl_cfg *cfg, const char *key, long min, long max,
		       long *out, struct xl_cfg_err *err);

int xl_cfg_read_memory(const struct xl_cfg *cfg, struct xl_domain_cfg *dom,
		       struct xl_cfg_err *err);
/* vcpus, maxvcpus, then cpus and cpus_soft (which need maxvcpus). */
int xl_cfg_read_vcpus(const struct xl_cfg *cfg, struct xl_domain_cfg *dom,
		      struct xl_cfg_err *err);
int xl_cfg_read_devices(const struct xl_cfg *cfg, struct xl_domain_cfg *dom,
			struct xl_cfg_err *err);

#endif
