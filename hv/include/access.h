/*
 * Who may do what to whom: the one place that decides whether a domain
 * may run a control operation on another (or on itself).  Every
 * cross-domain hypercall names a rule from here; nothing is "dom0 by
 * assumption".  The rules follow Xen's default (dummy XSM) policy:
 *   ACCESS_PRIV     the control domain (privileged) only;
 *   ACCESS_XS_PRIV  the control domain or the xenstore domain;
 *   ACCESS_DM_PRIV  the control domain, or a device-model domain over its
 *                   one target (XEN_DOMCTL_set_target);
 *   ACCESS_TARGET   a domain over itself, or as ACCESS_DM_PRIV;
 *   ACCESS_SELF     a domain over itself only.
 */
#ifndef BASTION_ACCESS_H
#define BASTION_ACCESS_H

#include "lib.h"

enum access_rule { ACCESS_PRIV, ACCESS_XS_PRIV, ACCESS_DM_PRIV, ACCESS_TARGET, ACCESS_SELF };

/* What the policy needs to know of a domain. */
struct access_subject {
	uint16_t domid;
	bool privileged;           /* the control domain */
	bool xenstore;             /* XEN_DOMCTL_CDF_xs_domain */
	int target;                /* the domain it serves as device model, -1: none */
};

/* 0 if caller may act on target (NULL: no particular domain) under rule,
 * else -XEN_EPERM. */
int access_check(const struct access_subject *caller, const struct access_subject *target,
		 enum access_rule rule);

#endif
