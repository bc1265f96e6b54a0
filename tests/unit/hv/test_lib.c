/*
 * hv/include/lib.h: the speculation clamp array_index_nospec() returns the
 * index when it is below the size and 0 otherwise, at the edges (0,
 * size - 1, size, the largest size_t) and for sizes an x86 immediate
 * cannot hold.  The x86-64 cmp/sbb mask the hv uses is checked beside
 * the C fallback host builds use, when the host is x86-64.
 */
#include "check.h"
#include "lib.h"

struct clamp_case {
	size_t index, size, expect;
};

static const struct clamp_case cases[] = {
	{ 0, 1, 0 },
	{ 0, 0, 0 },         /* an empty array: even index 0 is out */
	{ 5, 10, 5 },
	{ 9, 10, 9 },        /* the last element */
	{ 10, 10, 0 },       /* one past the end */
	{ 11, 10, 0 },
	{ 1023, 1024, 1023 },
	{ 1024, 1024, 0 },
	{ SIZE_MAX, 10, 0 }, /* a "negative" index */
	{ SIZE_MAX - 1, SIZE_MAX, SIZE_MAX - 1 },
	{ SIZE_MAX, SIZE_MAX, 0 },
	{ 0x80000000u, 0x80000001u, 0x80000000u }, /* sizes past a 32-bit immediate */
	{ 0x100000000ull, 0x100000000ull, 0 },
	{ 0xffffffffull, 0x100000000ull, 0xffffffffull },
};

/* Keeps the compiler from folding constants into the asm: the register
 * form and the immediate form are both checked. */
static size_t opaque(size_t x)
{
	__asm__ volatile("" : "+r"(x));
	return x;
}

static void table(void)
{
	for (unsigned i = 0; i < ARRAY_SIZE(cases); i++) {
		const struct clamp_case *c = &cases[i];
		size_t got = array_index_nospec(opaque(c->index), opaque(c->size));
		CHECK(got == c->expect, "nospec: array_index_nospec(%#zx, %#zx) = %#zx", c->index, c->size,
		      got);
		size_t mask = array_index_mask_nospec_c(c->index, c->size);
		CHECK(mask == (c->index < c->size ? SIZE_MAX : 0), "nospec: C mask for (%#zx, %#zx) is %s",
		      c->index, c->size, c->index < c->size ? "all ones" : "zero");
#ifdef __x86_64__
		mask = array_index_mask_nospec_x86(opaque(c->index), opaque(c->size));
		CHECK(mask == (c->index < c->size ? SIZE_MAX : 0),
		      "nospec: x86 cmp/sbb mask for (%#zx, %#zx) is %s", c->index, c->size,
		      c->index < c->size ? "all ones" : "zero");
#endif
	}
}

static void constant_sizes(void)
{
#ifdef __x86_64__
	/* Sizes given as constants reach the asm as immediates. */
	CHECK(array_index_mask_nospec_x86(opaque(63), 64) == SIZE_MAX &&
		      array_index_mask_nospec_x86(opaque(64), 64) == 0,
	      "nospec: x86 mask with an immediate size: 63 < 64 kept, 64 cleared");
	CHECK(array_index_mask_nospec_x86(opaque(0x7ffffffe), 0x7fffffff) == SIZE_MAX &&
		      array_index_mask_nospec_x86(opaque(0x7fffffff), 0x7fffffff) == 0,
	      "nospec: x86 mask with the largest immediate size");
#endif
	uint32_t port = 1000;
	uint32_t clamped = (uint32_t)array_index_nospec(port, 1024);
	CHECK(clamped == 1000, "nospec: a 32-bit index survives the round trip through size_t");
}

int main(void)
{
	table();
	constant_sizes();
	return check_exit();
}
