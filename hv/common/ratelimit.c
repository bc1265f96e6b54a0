/*
 * Token bucket (see ratelimit.h).  Credit is kept in nanoseconds of
 * elapsed time, so refilling is one addition and no division.
 */
#include "ratelimit.h"

bool ratelimit_allow(struct ratelimit *rl, uint64_t now_ns, uint32_t *suppressed)
{
	if (now_ns > rl->last_ns) {
		uint64_t room = rl->max_ns - rl->credit_ns;
		rl->credit_ns += MIN(now_ns - rl->last_ns, room);
		rl->last_ns = now_ns;
	}
	if (rl->credit_ns < rl->cost_ns) {
		if (rl->suppressed != UINT32_MAX)
			rl->suppressed++;
		return false;
	}
	rl->credit_ns -= rl->cost_ns;
	*suppressed = rl->suppressed;
	rl->suppressed = 0;
	return true;
}
