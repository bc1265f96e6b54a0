/* Shared by the test-xl-cfg suite's files. */
#ifndef BASTION_TEST_XL_CFG_H
#define BASTION_TEST_XL_CFG_H

#include "cfg.h"

/* Malformed configs: each must fail with its exact message. */
void test_bad_configs(void);

#endif
