/*
 * CPUID policies as the toolstack sees them (x86/cpu_policy.h): the leaf
 * lists of sysctl get_cpu_policy and domctl get/set_cpu_policy, in Xen
 * 4.17's serialised form and ranges (basic leaves to 0xd, Xen's two
 * limit leaves, extended leaves to 0x80000021).  A policy set for a
 * domain may only narrow what this hv offers.
 */
#include "domain.h"
#include "heap.h"
#include "x86/cpu_policy.h"
#include "x86/vcpu_switch.h"
#include "public/arch-x86/xen.h"
#include "public/errno.h"

#define BASIC_MAX 0xdu
#define EXTD_BASE 0x80000000u
#define EXTD_MAX 0x80000021u
#define XEN_BASE 0x40000000u
#define XEN_BASE2 0x40000100u
#define NO_SUB XEN_CPUID_NO_SUBLEAF

/* Subleaves of a leaf that has them (Xen's serialised counts); 0: none. */
static uint32_t nr_subleaves(uint32_t leaf, const struct cpuid_regs *sub0)
{
	switch (leaf) {
	case 4: return 5;
	case 7: return MIN(sub0->eax, 2u) + 1;
	case 0xb: return 2;
	case 0xd: return 63;
	default: return 0;
	}
}

/* Whether the list of subleaves goes on after prev (subleaf s - 1). */
static bool list_goes_on(uint32_t leaf, const struct cpuid_regs *prev)
{
	if (leaf == 4)
		return (prev->eax & 0x1f) != 0; /* the cache list ends with a type-0 entry */
	if (leaf == 0xb)
		return (prev->ecx & 0xff00) != 0; /* so does the topology list */
	return true;
}

static void leaf_of(const struct domain *d, bool raw, uint32_t leaf, uint32_t sub, struct cpuid_regs *r)
{
	if (raw)
		cpuid_count(leaf, sub, r);
	else if (!d || !cpuid_set_leaf(d, leaf, sub, r))
		cpuid_policy_leaf(d, leaf, sub, r);
	if (leaf == XEN_BASE || leaf == XEN_BASE2) /* only the limits are serialised */
		*r = (struct cpuid_regs){ leaf == XEN_BASE && !raw ? r->eax : 0, 0, 0, 0 };
}

static bool put(struct xen_cpuid_leaf *out, unsigned max, unsigned *n, uint32_t leaf, uint32_t sub,
		const struct cpuid_regs *r)
{
	if (*n >= max)
		return false;
	out[(*n)++] = (struct xen_cpuid_leaf){ leaf, sub, r->eax, r->ebx, r->ecx, r->edx };
	return true;
}

/* Leaves [first, last] with their subleaves. */
static bool put_range(const struct domain *d, bool raw, uint32_t first, uint32_t last,
		      struct xen_cpuid_leaf *out, unsigned max, unsigned *n)
{
	for (uint32_t leaf = first; leaf <= last; leaf++) {
		struct cpuid_regs r, prev;
		leaf_of(d, raw, leaf, 0, &r);
		uint32_t subs = nr_subleaves(leaf, &r);
		if (!subs) {
			if (!put(out, max, n, leaf, NO_SUB, &r))
				return false;
			continue;
		}
		for (uint32_t s = 0; s < subs; s++) {
			if (s && !list_goes_on(leaf, &prev))
				break;
			if (leaf == 0xd && s >= 2 && !((xcr0_offered >> s) & 1))
				continue; /* a state component not offered */
			if (s)
				leaf_of(d, raw, leaf, s, &r);
			if (!put(out, max, n, leaf, s, &r))
				return false;
			prev = r;
		}
	}
	return true;
}

int cpuid_policy_serialise(const struct domain *d, bool raw, struct xen_cpuid_leaf *out, unsigned max)
{
	struct cpuid_regs b, e, x;
	leaf_of(d, raw, 0, 0, &b);
	leaf_of(d, raw, EXTD_BASE, 0, &e);
	leaf_of(d, raw, XEN_BASE, 0, &x);
	unsigned n = 0;
	if (!put_range(d, raw, 0, MIN(b.eax, BASIC_MAX), out, max, &n) ||
	    !put(out, max, &n, XEN_BASE, NO_SUB, &x) ||
	    !put(out, max, &n, XEN_BASE2, NO_SUB, &(struct cpuid_regs){ 0 }) ||
	    (e.eax >= EXTD_BASE && !put_range(d, raw, EXTD_BASE, MIN(e.eax, EXTD_MAX), out, max, &n)))
		return -1;
	return (int)n;
}

bool cpuid_set_leaf(const struct domain *d, uint32_t leaf, uint32_t subleaf, struct cpuid_regs *r)
{
	const struct xen_cpuid_leaf *l = d->cpuid;
	if (leaf == XEN_BASE || leaf == XEN_BASE2)
		return false; /* Xen's leaves are always ours */
	for (unsigned i = 0; l && i < d->nr_cpuid; i++)
		if (l[i].leaf == leaf && (l[i].subleaf == subleaf || l[i].subleaf == NO_SUB)) {
			*r = (struct cpuid_regs){ l[i].a, l[i].b, l[i].c, l[i].d };
			return true;
		}
	return false;
}

/* Xen's ranges for a serialised leaf. */
static bool in_range(const struct xen_cpuid_leaf *l)
{
	bool has_subs = l->leaf == 4 || l->leaf == 7 || l->leaf == 0xb || l->leaf == 0xd;
	uint32_t limit = l->leaf == 4 ? 6 : l->leaf == 7 ? 3 : l->leaf == 0xb ? 2 : 63;
	if (l->leaf <= BASIC_MAX)
		return has_subs ? l->subleaf < limit : l->subleaf == NO_SUB;
	if (l->leaf == XEN_BASE || l->leaf == XEN_BASE2 || (l->leaf >= EXTD_BASE && l->leaf <= EXTD_MAX))
		return l->subleaf == NO_SUB;
	return false;
}

/* Feature words the policy may only narrow: leaf, subleaf, register. */
static const struct { uint32_t leaf, sub; uint8_t reg; } feature_words[] = {
	{ 1, 0, 2 }, { 1, 0, 3 }, { 7, 0, 1 }, { 7, 0, 2 }, { 7, 0, 3 }, { 0xd, 0, 0 }, { 0xd, 0, 3 }, { 0xd, 1, 0 },
	{ EXTD_BASE + 1, 0, 2 }, { EXTD_BASE + 1, 0, 3 }, { EXTD_BASE + 7, 0, 3 }, { EXTD_BASE + 8, 0, 1 },
};

static uint32_t reg(const struct cpuid_regs *r, unsigned i)
{
	return i == 0 ? r->eax : i == 1 ? r->ebx : i == 2 ? r->ecx : r->edx;
}

static bool compatible(const struct domain *d, const struct xen_cpuid_leaf *l)
{
	struct cpuid_regs max, given = { l->a, l->b, l->c, l->d };
	uint32_t sub = l->subleaf == NO_SUB ? 0 : l->subleaf;
	cpuid_policy_leaf(d, l->leaf, sub, &max);
	if ((l->leaf == 0 || l->leaf == EXTD_BASE) && l->a > max.eax)
		return false; /* more leaves than there are */
	if (l->leaf == 0xd && sub == 0 && (l->a || l->d) && !(l->a & 1))
		return false; /* XSAVE without x87 state, which XCR0 must always hold */
	for (unsigned i = 0; i < ARRAY_SIZE(feature_words); i++)
		if (feature_words[i].leaf == l->leaf && feature_words[i].sub == sub &&
		    (reg(&given, feature_words[i].reg) & ~reg(&max, feature_words[i].reg)))
			return false;
	return true;
}

/* Whether the list in[] sets leaf l's leaf and subleaf. */
static bool given(const struct xen_cpuid_leaf *in, unsigned n, const struct xen_cpuid_leaf *l)
{
	for (unsigned i = 0; i < n; i++)
		if (in[i].leaf == l->leaf && in[i].subleaf == l->subleaf)
			return true;
	return false;
}

int cpuid_policy_set(struct domain *d, const struct xen_cpuid_leaf *in, unsigned n, uint32_t *bad_leaf,
		     uint32_t *bad_subleaf)
{
	if (n > CPUID_POLICY_MAX_LEAVES)
		return -XEN_E2BIG;
	for (unsigned i = 0; i < n; i++) {
		int rc = !in_range(&in[i]) ? -XEN_ERANGE : !compatible(d, &in[i]) ? -XEN_EINVAL : 0;
		if (rc) {
			*bad_leaf = in[i].leaf, *bad_subleaf = in[i].subleaf;
			return rc;
		}
	}
	/* The leaves given replace the domain's; the others stay (Xen's
	 * policy is a whole structure the list is copied into). */
	struct xen_cpuid_leaf *old = d->cpuid;
	unsigned kept = 0;
	struct xen_cpuid_leaf *merged = xmalloc((d->nr_cpuid + n + 1) * sizeof(*merged));
	if (!merged)
		return -XEN_ENOMEM;
	for (unsigned i = 0; i < d->nr_cpuid; i++)
		if (!given(in, n, &old[i]))
			merged[kept++] = old[i];
	memcpy(merged + kept, in, n * sizeof(*in));
	d->cpuid = merged, d->nr_cpuid = kept + n; /* the domain is paused and has not run */
	xfree(old);
	return 0;
}

static void policy_destroy(struct domain *d)
{
	xfree(d->cpuid);
	d->cpuid = NULL;
}

static const struct domain_hook policy_hook = { "cpu_policy", NULL, NULL, policy_destroy };
DOMAIN_HOOK(50, policy_hook);
