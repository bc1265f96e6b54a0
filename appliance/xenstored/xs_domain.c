/*
 * xs_domain.c - domains known to xenstored and the requests that manage
 * them (xenstore.txt: INTRODUCE, RELEASE, IS_DOMAIN_INTRODUCED,
 * GET_DOMAIN_PATH, SET_TARGET, RESUME).  INTRODUCE <domid> <mfn> <port>
 * maps the domain's ring page and binds its event channel through the ring
 * backend, marks the ring connected and notifies the domain, then fires
 * "@introduceDomain" (not for the local domain 0, which the daemon
 * introduces itself at start, as Xen's does).  RELEASE - or the domain's
 * death (xs_domexc.c) - drops the connection with its watches and
 * transactions, removes the domain's nodes (xs_release.c), unbinds and
 * unmaps, then fires "@releaseDomain".  These requests are for privileged
 * connections only (the dispatch table enforces it).
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "xs_ring.h"

struct xs_domain *xs_domain_find(struct xs_daemon *d, uint32_t domid)
{
	for (struct xs_domain *dom = d->domains; dom; dom = dom->next)
		if (dom->domid == domid)
			return dom;
	return NULL;
}

static void fire_special(struct xs_daemon *d, const char *name)
{
	xs_watch_fire(d, name, xs_special_perms(d, name), false);
}

static void domain_disconnect(struct xs_domain *dom)
{
	struct xs_ring *ring = dom->ring;

	if (ring && ring->conn) {
		ring->conn->transport = NULL;
		xs_conn_kill(ring->conn, "domain released");
		ring->conn = NULL;
	}
}

static void domain_free(struct xs_daemon *d, struct xs_domain *dom)
{
	struct xs_ring *ring = dom->ring;

	domain_disconnect(dom);
	if (ring) {
		if (ring->ev.fd >= 0)
			d->ring_be->unbind(d->ring_ctx, &ring->ev);
		if (ring->iface)
			d->ring_be->unmap(d->ring_ctx, ring->iface);
		free(ring);
	}
	free(dom);
}

static int attach_ring(struct xs_daemon *d, struct xs_domain *dom)
{
	struct xs_ring *ring = calloc(1, sizeof(*ring));
	int err;

	if (!ring)
		return ENOMEM;
	dom->ring = ring;
	ring->d = d;
	ring->domid = dom->domid;
	ring->ev.fd = ring->ev.notify_fd = -1;
	err = d->ring_be->map(d->ring_ctx, dom->domid, dom->mfn, &ring->iface);
	if (!err)
		err = d->ring_be->bind(d->ring_ctx, dom->domid, dom->port,
				       &ring->ev);
	if (!err)
		err = xs_ring_connect(ring);
	if (!err) { /* tell the domain its xenstore is there */
		__atomic_store_n(&ring->iface->connection, XENSTORE_CONNECTED,
				 __ATOMIC_RELEASE);
		d->ring_be->notify(d->ring_ctx, &ring->ev);
	}
	return err;
}

int xs_domain_introduce(struct xs_daemon *d, uint32_t domid, uint64_t mfn,
			uint32_t port)
{
	struct xs_domain *dom = xs_domain_find(d, domid);
	int err;

	if (dom) /* again with the same page: fine; another page: no */
		return dom->mfn == mfn && dom->port == port ? 0 : EINVAL;
	if (!d->ring_be)
		return EINVAL; /* no way to reach domains' rings */
	dom = calloc(1, sizeof(*dom));
	if (!dom)
		return ENOMEM;
	dom->domid = domid;
	dom->mfn = mfn;
	dom->port = port;
	err = attach_ring(d, dom);
	if (err) {
		xs_log(d, "introduce domain %u (mfn %llu, port %u) failed: %s",
		       domid, (unsigned long long)mfn, port, strerror(err));
		domain_free(d, dom);
		return err;
	}
	dom->introduced = true;
	dom->next = d->domains;
	d->domains = dom;
	xs_log(d, "domain %u introduced", domid);
	if (domid != 0)
		fire_special(d, "@introduceDomain");
	return 0;
}

int xs_domain_release(struct xs_daemon *d, uint32_t domid)
{
	for (struct xs_domain **pd = &d->domains; *pd; pd = &(*pd)->next) {
		struct xs_domain *dom = *pd;
		if (dom->domid != domid)
			continue;
		*pd = dom->next;
		d->releases++;
		domain_disconnect(dom);
		xs_domain_drop_nodes(d, domid);
		domain_free(d, dom);
		xs_log(d, "domain %u released", domid);
		fire_special(d, "@releaseDomain");
		return 0;
	}
	return ENOENT;
}

void xs_domain_release_all(struct xs_daemon *d)
{
	while (d->domains) {
		struct xs_domain *dom = d->domains;
		d->domains = dom->next;
		domain_free(d, dom);
	}
}

/* A request served on one ring (dom0's kernel may send RELEASE) can free
 * other domains: after any release, start again from the head (servicing
 * a ring twice is harmless). */
void xs_domain_poll_all(struct xs_daemon *d)
{
	struct xs_domain *dom = d->domains;

	while (dom) {
		uint32_t releases = d->releases;
		if (dom->ring)
			xs_ring_service(dom->ring);
		dom = releases == d->releases ? dom->next : d->domains;
	}
}

static int domid_arg(struct xs_req *req, const char **argv, unsigned n,
		     uint32_t *domid)
{
	uint64_t v;
	int err = xs_req_args(req, argv, n);

	if (!err)
		err = xs_parse_u64(argv[0], XS_DOMID_LIMIT - 1, &v);
	if (!err)
		*domid = (uint32_t)v;
	return err;
}

int xs_op_introduce(struct xs_req *req)
{
	const char *argv[3];
	uint64_t mfn, port;
	uint32_t domid;
	int err;

	if ((err = domid_arg(req, argv, 3, &domid)) ||
	    (err = xs_parse_u64(argv[1], UINT64_MAX, &mfn)) ||
	    (err = xs_parse_u64(argv[2], UINT32_MAX, &port)))
		return err;
	if ((err = xs_domain_introduce(req->conn->d, domid, mfn,
				       (uint32_t)port)))
		return err;
	xs_req_ok(req);
	return 0;
}

int xs_op_release(struct xs_req *req)
{
	const char *argv[1];
	uint32_t domid;
	int err;

	if ((err = domid_arg(req, argv, 1, &domid)))
		return err;
	if (domid == 0)
		return EINVAL;
	xs_log(req->conn->d, "RELEASE of domain %u (conn %u)", domid,
	       req->conn->serial);
	if ((err = xs_domain_release(req->conn->d, domid)))
		return err;
	xs_req_ok(req);
	return 0;
}

int xs_op_is_introduced(struct xs_req *req)
{
	const char *argv[1];
	uint32_t domid;
	int err;

	if ((err = domid_arg(req, argv, 1, &domid)))
		return err;
	xs_req_reply(req, xs_domain_find(req->conn->d, domid) ? "T" : "F",
		     2);
	return 0;
}

int xs_op_get_domain_path(struct xs_req *req)
{
	const char *argv[1];
	char buf[40];
	uint32_t domid;
	int err;

	if ((err = domid_arg(req, argv, 1, &domid)))
		return err;
	snprintf(buf, sizeof(buf), "/local/domain/%u", domid);
	xs_req_reply(req, buf, (uint32_t)strlen(buf) + 1);
	return 0;
}

int xs_op_set_target(struct xs_req *req)
{
	const char *argv[2];
	struct xs_domain *dom;
	uint64_t target;
	uint32_t domid;
	int err;

	if ((err = domid_arg(req, argv, 2, &domid)) ||
	    (err = xs_parse_u64(argv[1], XS_DOMID_LIMIT - 1, &target)))
		return err;
	dom = xs_domain_find(req->conn->d, domid);
	if (!dom || !dom->ring || !dom->ring->conn)
		return ENOENT;
	dom->ring->conn->target = (int32_t)target;
	xs_req_ok(req);
	return 0;
}

int xs_op_resume(struct xs_req *req)
{
	struct xs_domain *dom;
	const char *argv[1];
	uint32_t domid;
	int err;

	if ((err = domid_arg(req, argv, 1, &domid)))
		return err;
	dom = xs_domain_find(req->conn->d, domid);
	if (!dom)
		return ENOENT;
	dom->shutdown = false; /* a later shutdown fires @releaseDomain again */
	xs_req_ok(req);
	return 0;
}
