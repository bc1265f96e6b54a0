/*
 * domain_json.h - a domain's configuration in libxl's JSON, kept in
 * /var/lib/xen/userdata-d.<domid>.<uuid>.libxl-json (domain_json.c), and
 * `xl list -l`, which prints it with the live values folded in
 * (cmd_list_long.c).
 */
#ifndef XL_DOMAIN_JSON_H
#define XL_DOMAIN_JSON_H

#include <stdint.h>

#include "cfg.h"
#include "json.h"
#include "xl.h"

/* libxl_domain_config as libxl stores it for dom; NULL without memory. */
struct xj *xl_domain_json(const struct xl_domain_cfg *dom);
/* 0, or -1 with a message printed. */
int xl_store_domain_json(uint32_t domid, const uint8_t uuid[16], const struct xj *cfg);
/* The stored tree, or NULL with why filled in. */
struct xj *xl_load_domain_json(uint32_t domid, const uint8_t uuid[16], char *why, size_t why_len);

/* `xl list -l` of n domains. */
int xl_list_long(const struct xen_domctl_getdomaininfo *infos, int n);

#endif
