/*
 * Host tests of the xenbus backend state machine (placeholder until the
 * fake xenstore lands).
 */
#include "pv_check.h"

void test_xenbus(void)
{
}
