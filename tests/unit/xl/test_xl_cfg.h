/* Shared by the test-xl-cfg suite's files. */
#ifndef BASTION_TEST_XL_CFG_H
#define BASTION_TEST_XL_CFG_H

#include "cfg.h"

/* Malformed configs: each must fail with its exact message. */
void test_bad_configs(void);
/* libxl's JSON: Debian's stored files, ours for the same xl.cfg. */
void test_json(const char *cfg_dir);

#endif
