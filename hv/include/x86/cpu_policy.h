/*
 * A domain's CPUID policy (guest_cpuid.c computes it from the host's;
 * cpu_policy.c serialises it as Xen's xen_cpuid_leaf lists, takes the
 * toolstack's narrowed version back, and answers from it).
 */
#ifndef BASTION_X86_CPU_POLICY_H
#define BASTION_X86_CPU_POLICY_H

#include "lib.h"
#include "x86/cpu.h"

struct domain;
struct xen_cpuid_leaf;

#define CPUID_POLICY_MAX_LEAVES 120 /* Xen 4.17's CPUID_MAX_SERIALISED_LEAVES */

/* The policy's leaf for a domain (NULL: the default for a new one),
 * before what depends on the vCPU. */
void cpuid_policy_leaf(const struct domain *d, uint32_t leaf, uint32_t subleaf, struct cpuid_regs *r);
/* The leaf as the toolstack set it for d, if it did; true if found. */
bool cpuid_set_leaf(const struct domain *d, uint32_t leaf, uint32_t subleaf, struct cpuid_regs *r);
/* The policy as a list; returns the count (at most max, else -1). */
int cpuid_policy_serialise(const struct domain *d, bool raw, struct xen_cpuid_leaf *out, unsigned max);
/* Checks a list against what this hv can offer and makes it d's policy:
 * 0, -XEN_ERANGE (a leaf out of range) or -XEN_EINVAL (a feature not
 * offered), with bad_leaf and bad_subleaf naming the leaf. */
int cpuid_policy_set(struct domain *d, const struct xen_cpuid_leaf *in, unsigned n, uint32_t *bad_leaf,
		     uint32_t *bad_subleaf);

#endif
