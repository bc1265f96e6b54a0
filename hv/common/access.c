/* The access policy (access.h). */
#include "access.h"
#include "public/errno.h"

static bool is_dm_of(const struct access_subject *caller, const struct access_subject *target)
{
	return target && caller->target >= 0 && caller->target == target->domid;
}

int access_check(const struct access_subject *caller, const struct access_subject *target,
		 enum access_rule rule)
{
	bool self = target && caller->domid == target->domid;
	bool ok = false;
	switch (rule) {
	case ACCESS_PRIV:
		ok = caller->privileged;
		break;
	case ACCESS_XS_PRIV:
		ok = caller->privileged || caller->xenstore;
		break;
	case ACCESS_DM_PRIV:
		ok = caller->privileged || is_dm_of(caller, target);
		break;
	case ACCESS_TARGET:
		ok = self || caller->privileged || is_dm_of(caller, target);
		break;
	case ACCESS_SELF:
		ok = self;
		break;
	}
	return ok ? 0 : -XEN_EPERM;
}
