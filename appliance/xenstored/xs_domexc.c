/*
 * xs_domexc.c - noticing domains that shut down or died.  The hypervisor
 * raises VIRQ_DOM_EXC without saying which domain changed, so on each
 * event every introduced domain is looked up with getdomaininfo (the
 * daemon's dominfo callback), as Xen 4.17's xenstored check_domains()
 * does: a domain that is gone or dying is released (its connection
 * dropped, its nodes removed, "@releaseDomain" fired); one newly shut down
 * or crashed fires "@releaseDomain" once, so that toolstacks waiting on a
 * shutdown look at it, and stays introduced until it dies.
 */
#include <errno.h>

#include "public/domctl.h"
#include "xenstored.h"

enum xs_dom_state xs_dom_state_of(uint32_t domid, int err, uint32_t found,
				  uint32_t flags)
{
	if (err == ESRCH || (!err && found != domid))
		return XS_DOM_GONE; /* the answer was about a later domain */
	if (err)
		return XS_DOM_UNKNOWN;
	if (flags & XEN_DOMINF_dying)
		return XS_DOM_GONE;
	if (flags & XEN_DOMINF_shutdown)
		return XS_DOM_SHUTDOWN;
	return XS_DOM_RUNNING;
}

/* The state of one introduced domain as the hypervisor reports it. */
static enum xs_dom_state query(struct xs_daemon *d, uint32_t domid)
{
	uint32_t found = 0, flags = 0;
	int err = d->dominfo(d->dominfo_ctx, domid, &found, &flags);
	enum xs_dom_state st = xs_dom_state_of(domid, err, found, flags);

	if (st == XS_DOM_UNKNOWN)
		xs_log(d, "getdomaininfo of domain %u failed: errno %d", domid,
		       err);
	return st;
}

void xs_domain_check_all(struct xs_daemon *d)
{
	bool notify = false;
	struct xs_domain *dom;

	if (!d->dominfo)
		return;
again:
	for (dom = d->domains; dom; dom = dom->next) {
		enum xs_dom_state st;
		if (dom->domid == 0)
			continue; /* the local domain outlives this daemon */
		st = query(d, dom->domid);
		if (st == XS_DOM_SHUTDOWN && !dom->shutdown) {
			xs_log(d, "domain %u has shut down", dom->domid);
			dom->shutdown = true;
			notify = true;
		} else if (st == XS_DOM_GONE) {
			xs_log(d, "domain %u is dying or gone", dom->domid);
			xs_domain_release(d, dom->domid);
			notify = false; /* the release fired the watch */
			goto again;
		}
	}
	if (notify)
		xs_watch_fire(d, "@releaseDomain",
			      xs_special_perms(d, "@releaseDomain"), false);
}
