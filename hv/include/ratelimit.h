/*
 * A token bucket for log lines a guest can cause: up to burst lines at
 * once, then per_sec lines a second; the lines refused in between are
 * counted so that the next line that goes out can say how many there
 * were.  Pure: the caller passes the time and serialises calls.
 */
#ifndef BASTION_RATELIMIT_H
#define BASTION_RATELIMIT_H

#include "lib.h"

struct ratelimit {
	uint64_t cost_ns;   /* credit one line costs: 1 s / per_sec */
	uint64_t max_ns;    /* credit the bucket holds: burst lines */
	uint64_t credit_ns;
	uint64_t last_ns;   /* when credit_ns was last topped up */
	uint32_t suppressed;
};

#define RATELIMIT_INIT(burst, per_sec)                                        \
	{ .cost_ns = 1000000000ULL / (per_sec),                               \
	  .max_ns = (uint64_t)(burst) * (1000000000ULL / (per_sec)),          \
	  .credit_ns = (uint64_t)(burst) * (1000000000ULL / (per_sec)) }

/* Whether a line may go out at time now_ns.  If it may, *suppressed gets
 * the number refused since the last one that went out, and the count
 * starts again.  A clock that steps back refills nothing. */
bool ratelimit_allow(struct ratelimit *rl, uint64_t now_ns, uint32_t *suppressed);

#endif
