/* hv/common/vtime.c: TSC-to-ns scaling and timer expiry. */
#include <math.h>
#include "check.h"
#include "vtime.h"

static void scaling(void)
{
	static const uint64_t rates[] = { 1000000000ULL, 2596171000ULL, 3000100000ULL, 100000000ULL,
					  25000000ULL, 4900000000ULL, 999999999ULL, 1000000001ULL };
	unsigned good = 0;
	for (unsigned i = 0; i < sizeof(rates) / sizeof(rates[0]); i++) {
		struct time_scale s = time_scale_for(rates[i]);
		/* ten seconds of ticks must come out as ten seconds, within 1 ppm */
		double ns = (double)time_scale_apply(s, rates[i] * 10);
		if (fabs(ns - 1e10) <= 1e4)
			good++;
		else
			printf("  rate %lu: 10 s of ticks gave %.0f ns (mul %#x shift %d)\n", rates[i], ns,
			       s.mul_frac, s.shift);
	}
	CHECK(good == 8, "vtime: 8 TSC rates from 25 MHz to 4.9 GHz scale to ns within 1 ppm");
	struct time_scale ghz = time_scale_for(1000000000ULL);
	CHECK(time_scale_apply(ghz, 123456789) == 123456789, "vtime: a 1 GHz TSC (QEMU -icount) maps 1:1");
	struct time_scale s = time_scale_for(2596171000ULL);
	uint64_t prev = 0;
	int monotonic = 1;
	for (uint64_t t = 0; t < 2000000; t += 997)
		monotonic &= time_scale_apply(s, t) >= prev, prev = time_scale_apply(s, t);
	CHECK(monotonic, "vtime: scaled time never goes backwards");
	CHECK(time_scale_apply(s, 1ULL << 60) > time_scale_apply(s, 1ULL << 59), "vtime: no overflow at 2^60 ticks");
}

static void timers(void)
{
	uint64_t oneshot = 5000, pnext = 0, next;
	CHECK(vtimer_expire(&oneshot, 0, &pnext, 4999, &next) == 0 && oneshot == 5000 && next == 5000,
	      "timer: a future one-shot waits and is the next deadline");
	CHECK(vtimer_expire(&oneshot, 0, &pnext, 5000, &next) == 1 && oneshot == 0 && next == 0,
	      "timer: a one-shot fires at its deadline, once");
	CHECK(vtimer_expire(&oneshot, 0, &pnext, 9000, &next) == 0, "timer: a fired one-shot stays quiet");
	oneshot = 1; /* Linux's deadline already in the past */
	CHECK(vtimer_expire(&oneshot, 0, &pnext, 100, &next) == 1, "timer: a deadline in the past fires at once");
	pnext = 1000;
	CHECK(vtimer_expire(&oneshot, 1000, &pnext, 1000, &next) == 1 && pnext == 2000 && next == 2000,
	      "timer: the periodic timer fires and moves one period on");
	CHECK(vtimer_expire(&oneshot, 1000, &pnext, 1500, &next) == 0 && next == 2000,
	      "timer: not again before its period");
	CHECK(vtimer_expire(&oneshot, 1000, &pnext, 50000, &next) == 1 && pnext == 51000,
	      "timer: a periodic timer far behind fires once and restarts from now");
	oneshot = 51500;
	CHECK(vtimer_expire(&oneshot, 1000, &pnext, 50001, &next) == 0 && next == 51000,
	      "timer: next deadline is the earlier of the two");
	CHECK(vtimer_expire(&oneshot, 1000, &pnext, 51600, &next) == 2 && oneshot == 0 && next == 52000,
	      "timer: both due at once fire together");
}

int main(void)
{
	scaling();
	timers();
	return check_exit();
}
