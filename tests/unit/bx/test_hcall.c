/*
 * test_hcall.c - libbx's hypercall layer against a fake hypervisor: the
 * hypercall hook sees the privcmd arguments, so these checks prove the
 * domctl/sysctl version stamp, that arguments reach the hypervisor in
 * hypercall buffers and results come back, errors as -errno, and that the
 * domain list is walked in batches until the hypervisor has no more.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "bx.h"
#include "bx_tests.h"
#include "check.h"

#define FAKE_DOMAINS 2500 /* more than two of libbx's 1024-entry batches */

struct fake {
	unsigned calls, last_op;
	uint32_t last_domctl_version, last_sysctl_version, last_domctl_cmd;
	int list_batches;
};

static long fake_list(struct fake *f, struct xen_sysctl *s)
{
	struct xen_sysctl_getdomaininfolist *l = &s->u.getdomaininfolist;
	struct xen_domctl_getdomaininfo *out = (void *)(uintptr_t)l->buffer;
	uint32_t n = 0;

	f->list_batches++;
	/* domains 0, 3, 6, ... so "next" must follow the last id, not count */
	for (uint32_t id = l->first_domain; id < FAKE_DOMAINS * 3 && n < l->max_domains; id++)
		if (id % 3 == 0)
			out[n++] = (struct xen_domctl_getdomaininfo){ .domain = (domid_t)id,
								      .tot_pages = id };
	l->num_domains = n;
	return 0;
}

static long fake_domctl(struct fake *f, struct xen_domctl *d)
{
	f->last_domctl_version = d->interface_version;
	f->last_domctl_cmd = d->cmd;
	if (d->interface_version != XEN_DOMCTL_INTERFACE_VERSION)
		return -EACCES;
	switch (d->cmd) {
	case XEN_DOMCTL_getdomaininfo: /* Xen's answer for a gone domain: the next */
		d->u.getdomaininfo.domain = d->domain == 7 ? 9 : d->domain;
		d->u.getdomaininfo.max_pages = 1234;
		return 0;
	case XEN_DOMCTL_pausedomain:
		return d->domain == 5 ? -ESRCH : 0;
	case XEN_DOMCTL_max_mem:
		return d->u.max_mem.max_memkb == 263168 ? 0 : -EINVAL;
	default:
		return -ENOSYS;
	}
}

static long fake_hypercall(struct bx *bx, struct bx_privcmd_hypercall *call)
{
	struct fake *f = bx->test_opaque;
	struct xen_sysctl *s = (void *)(uintptr_t)call->arg[0];

	f->calls++;
	f->last_op = (unsigned)call->op;
	if (call->op == __HYPERVISOR_domctl)
		return fake_domctl(f, (void *)(uintptr_t)call->arg[0]);
	if (call->op != __HYPERVISOR_sysctl)
		return -ENOSYS;
	f->last_sysctl_version = s->interface_version;
	if (s->cmd == XEN_SYSCTL_getdomaininfolist)
		return fake_list(f, s);
	return -ENOSYS;
}

static void check_domctl(struct bx *bx, struct fake *f)
{
	struct xen_domctl_getdomaininfo info;
	int rc;

	rc = bx_getdomaininfo(bx, 4, &info);
	CHECK(rc == 0 && info.domain == 4 && info.max_pages == 1234,
	      "getdomaininfo copies the hypervisor's answer back (rc %d)", rc);
	CHECK(f->last_domctl_version == 0x15 && f->last_op == __HYPERVISOR_domctl,
	      "domctl goes as hypercall 36 stamped with interface version 0x15 (got %#x)",
	      f->last_domctl_version);
	rc = bx_getdomaininfo(bx, 7, &info);
	CHECK(rc == -ESRCH, "getdomaininfo of a gone domain (Xen answers the next) is -ESRCH (rc %d)", rc);
	rc = bx_pausedomain(bx, 5);
	CHECK(rc == -ESRCH && f->last_domctl_cmd == XEN_DOMCTL_pausedomain,
	      "a hypervisor error comes back as -errno (rc %d)", rc);
	rc = bx_max_mem(bx, 4, 263168);
	CHECK(rc == 0, "max_mem carries max_memkb to the hypervisor (rc %d)", rc);
}

static void check_list(struct bx *bx, struct fake *f)
{
	struct xen_domctl_getdomaininfo *infos = NULL;
	int n = bx_list_domains(bx, &infos), ordered = 1;

	for (int i = 1; i < n; i++)
		ordered &= infos[i].domain == infos[i - 1].domain + 3 && infos[i].tot_pages == infos[i].domain;
	CHECK(n == FAKE_DOMAINS && ordered, "the domain list walks every batch: %d domains in order", n);
	CHECK(f->list_batches == 4, "... in 3 full-or-partial batches and one empty one (%d calls)",
	      f->list_batches);
	CHECK(f->last_sysctl_version == 0x15, "sysctl is stamped with interface version 0x15 (got %#x)",
	      f->last_sysctl_version);
	free(infos);
}

static void check_buffers(struct bx *bx)
{
	uint8_t src[100];
	uint8_t *buf;

	memset(src, 0x5a, sizeof(src));
	buf = bx_hbuf_dup(bx, src, sizeof(src));
	CHECK(buf && ((uintptr_t)buf & 4095) == 0 && memcmp(buf, src, sizeof(src)) == 0 && buf[100] == 0,
	      "without /dev/xen/hypercall a buffer is a page-aligned locked copy, zero beyond it");
	bx_hbuf_free(bx, buf, sizeof(src));
}

int test_hcall(void)
{
	struct fake f = { 0 };
	struct bx bx = BX_INIT;

	bx.hypercall = fake_hypercall;
	bx.test_opaque = &f;
	check_domctl(&bx, &f);
	check_list(&bx, &f);
	check_buffers(&bx);
	return check_exit();
}
