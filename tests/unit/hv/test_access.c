/* hv/common/access.c: every rule against every kind of caller. */
#include "check.h"
#include "access.h"
#include "public/errno.h"

static const struct access_subject dom0 = { 0, true, false, -1 };
static const struct access_subject xs = { 1, false, true, -1 };
static const struct access_subject guest = { 5, false, false, -1 };
static const struct access_subject other = { 6, false, false, -1 };
static const struct access_subject dm = { 7, false, false, 5 }; /* device model of domain 5 */

#define OK(c, t, r) (access_check(&(c), (t), (r)) == 0)
#define NO(c, t, r) (access_check(&(c), (t), (r)) == -XEN_EPERM)

int main(void)
{
	CHECK(OK(dom0, &guest, ACCESS_PRIV) && OK(dom0, NULL, ACCESS_PRIV), "dom0 passes ACCESS_PRIV");
	CHECK(NO(guest, &guest, ACCESS_PRIV) && NO(xs, &guest, ACCESS_PRIV) && NO(dm, &guest, ACCESS_PRIV),
	      "no one else passes ACCESS_PRIV, not even over itself");
	CHECK(OK(xs, &guest, ACCESS_XS_PRIV) && OK(dom0, &guest, ACCESS_XS_PRIV) &&
		      NO(guest, &other, ACCESS_XS_PRIV) && NO(guest, &guest, ACCESS_XS_PRIV),
	      "ACCESS_XS_PRIV: dom0 and the xenstore domain only");
	CHECK(OK(dm, &guest, ACCESS_DM_PRIV) && NO(dm, &other, ACCESS_DM_PRIV) && NO(dm, NULL, ACCESS_DM_PRIV) &&
		      NO(dm, &dm, ACCESS_DM_PRIV),
	      "ACCESS_DM_PRIV: a device model reaches its target and nothing else");
	CHECK(OK(guest, &guest, ACCESS_TARGET) && NO(guest, &other, ACCESS_TARGET) &&
		      OK(dm, &guest, ACCESS_TARGET) && OK(dom0, &other, ACCESS_TARGET),
	      "ACCESS_TARGET: itself, its device model, or dom0");
	CHECK(OK(guest, &guest, ACCESS_SELF) && NO(dom0, &guest, ACCESS_SELF) && NO(guest, NULL, ACCESS_SELF),
	      "ACCESS_SELF: only a domain over itself, dom0 included");
	struct access_subject dm_none = { 8, false, false, -1 };
	struct access_subject zero = { 0, false, false, -1 };
	CHECK(NO(dm_none, &zero, ACCESS_DM_PRIV), "no target (-1) never matches domain 0");
	CHECK(NO(guest, &guest, (enum access_rule)99), "an unknown rule refuses");
	return check_exit();
}
