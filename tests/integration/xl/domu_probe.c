/*
 * Runs inside an unprivileged domU (through its /dev/xen/privcmd): tries
 * what only the control domain, or a domain's own device model, may do —
 * domctl and sysctl, another domain's memory, HVM parameters, event
 * channels and grants — and checks each fails as Xen 4.17 answers it:
 * with its errno, with 0 extents done (populate, decrease), or in the
 * batch entry (foreign mapping).  Prints "DOMU-PROBE: ok <what>" or "DOMU-PROBE: FAIL <what> ...",
 * then "DOMU-PROBE: done".
 */
#include <errno.h>
#include <fcntl.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <sys/ioctl.h>
#include <unistd.h>

#include "public/domctl.h"
#include "public/event_channel.h"
#include "public/grant_table.h"
#include "public/hvm/hvm_op.h"
#include "public/hvm/params.h"
#include "public/memory.h"
#include "public/sysctl.h"
#include "public/xen.h"

/* Linux's include/uapi/xen/privcmd.h: the hypercall pass-through ioctl. */
struct privcmd_hypercall {
	uint64_t op;
	uint64_t arg[5];
};
#define IOCTL_PRIVCMD_HYPERCALL _IOC(_IOC_NONE, 'P', 0, sizeof(struct privcmd_hypercall))

static int fd, failures;

static long hcall(uint64_t op, uint64_t a0, uint64_t a1, uint64_t a2)
{
	struct privcmd_hypercall h = { op, { a0, a1, a2, 0, 0 } };
	long rc = ioctl(fd, IOCTL_PRIVCMD_HYPERCALL, &h);
	return rc < 0 ? -errno : rc;
}

static void expect(const char *what, long want, long rc)
{
	if (rc == -want) {
		printf("DOMU-PROBE: ok %s (%s)\n", what, strerror((int)want));
		return;
	}
	printf("DOMU-PROBE: FAIL %s returned %ld, expected %ld\n", what, rc, -want);
	failures++;
}

/* expect_done WHAT RC: a memory op that did nothing, as Xen says it (0 extents). */
static void expect_done(const char *what, long rc)
{
	if (rc == 0) {
		printf("DOMU-PROBE: ok %s (0 extents done)\n", what);
		return;
	}
	printf("DOMU-PROBE: FAIL %s returned %ld, expected 0 extents done\n", what, rc);
	failures++;
}

static void expect_status(const char *what, int16_t want, int16_t got, long rc)
{
	if (rc == 0 && got == want) {
		printf("DOMU-PROBE: ok %s (status %d)\n", what, got);
		return;
	}
	printf("DOMU-PROBE: FAIL %s returned %ld status %d, expected status %d\n", what, rc, got, want);
	failures++;
}

static long domctl(uint32_t cmd, uint16_t dom)
{
	struct xen_domctl d = { .cmd = cmd, .interface_version = XEN_DOMCTL_INTERFACE_VERSION, .domain = dom };
	d.u.createdomain.max_vcpus = 1;
	d.u.createdomain.flags = XEN_DOMCTL_CDF_hvm | XEN_DOMCTL_CDF_hap;
	return hcall(__HYPERVISOR_domctl, (uintptr_t)&d, 0, 0);
}

static void control_ops(void)
{
	struct xen_sysctl s = { .cmd = XEN_SYSCTL_physinfo, .interface_version = XEN_SYSCTL_INTERFACE_VERSION };
	expect("sysctl physinfo", EPERM, hcall(__HYPERVISOR_sysctl, (uintptr_t)&s, 0, 0));
	expect("domctl createdomain", EPERM, domctl(XEN_DOMCTL_createdomain, 0xffff));
	expect("domctl getdomaininfo of dom0", EPERM, domctl(XEN_DOMCTL_getdomaininfo, 0));
	expect("domctl pausedomain of dom0", EPERM, domctl(XEN_DOMCTL_pausedomain, 0));
	expect("domctl destroydomain of dom0", EPERM, domctl(XEN_DOMCTL_destroydomain, 0));
	expect("domctl on a domain that does not exist", ESRCH, domctl(XEN_DOMCTL_pausedomain, 0x7000));
}

static void memory_ops(void)
{
	uint64_t gfn = 0x100;
	struct xen_memory_reservation r = { .extent_start = (uintptr_t)&gfn, .nr_extents = 1, .domid = 0 };
	/* Xen answers these with the number of extents done: none */
	expect_done("populate_physmap in dom0", hcall(__HYPERVISOR_memory_op, XENMEM_populate_physmap, (uintptr_t)&r, 0));
	expect_done("decrease_reservation of dom0",
		    hcall(__HYPERVISOR_memory_op, XENMEM_decrease_reservation, (uintptr_t)&r, 0));
	uint64_t idx = 0x1000, gpfn = 0xf0000;
	int err = 0;
	struct xen_add_to_physmap_batch b = { .domid = DOMID_SELF, .space = XENMAPSPACE_gmfn_foreign, .size = 1,
					      .u.foreign_domid = 0, .idxs = (uintptr_t)&idx,
					      .gpfns = (uintptr_t)&gpfn, .errs = (uintptr_t)&err };
	/* the call succeeds; its one entry fails */
	long rc = hcall(__HYPERVISOR_memory_op, XENMEM_add_to_physmap_batch, (uintptr_t)&b, 0);
	expect("mapping dom0's memory (add_to_physmap_batch, gmfn_foreign): the call", 0, rc);
	expect("mapping dom0's memory (add_to_physmap_batch, gmfn_foreign): its entry", EPERM, err);
	uint64_t frame = 0xf0000;
	struct xen_mem_acquire_resource a = { .domid = 0, .type = XENMEM_resource_grant_table, .nr_frames = 1,
					      .frame_list = (uintptr_t)&frame };
	expect("acquiring dom0's grant table frames", EACCES,
	       hcall(__HYPERVISOR_memory_op, XENMEM_acquire_resource, (uintptr_t)&a, 0));
	struct xen_mem_acquire_resource q = { .domid = 0, .type = XENMEM_resource_grant_table };
	expect("asking how many grant table frames dom0 has", EACCES,
	       hcall(__HYPERVISOR_memory_op, XENMEM_acquire_resource, (uintptr_t)&q, 0));
	domid_t dom0 = 0;
	expect("dom0's current reservation", EPERM,
	       hcall(__HYPERVISOR_memory_op, XENMEM_current_reservation, (uintptr_t)&dom0, 0));
}

static void hvm_and_events(void)
{
	struct xen_hvm_param p = { .domid = 0, .index = HVM_PARAM_CALLBACK_IRQ };
	expect("hvm get_param of dom0", EPERM, hcall(__HYPERVISOR_hvm_op, HVMOP_get_param, (uintptr_t)&p, 0));
	expect("hvm set_param of dom0", EPERM, hcall(__HYPERVISOR_hvm_op, HVMOP_set_param, (uintptr_t)&p, 0));
	struct xen_hvm_param own = { .domid = DOMID_SELF, .index = HVM_PARAM_IDENT_PT, .value = 0x1000 };
	expect("setting its own IDENT_PT", EPERM, hcall(__HYPERVISOR_hvm_op, HVMOP_set_param, (uintptr_t)&own, 0));
	struct evtchn_alloc_unbound u = { .dom = 0, .remote_dom = DOMID_SELF };
	expect("alloc_unbound in dom0's table", EPERM,
	       hcall(__HYPERVISOR_event_channel_op, EVTCHNOP_alloc_unbound, (uintptr_t)&u, 0));
	struct evtchn_bind_interdomain bi = { .remote_dom = 0, .remote_port = 1 };
	expect("binding dom0's port 1, never offered", EINVAL,
	       hcall(__HYPERVISOR_event_channel_op, EVTCHNOP_bind_interdomain, (uintptr_t)&bi, 0));
	struct evtchn_status st = { .dom = 0, .port = 1 };
	expect("status of dom0's port", EPERM, hcall(__HYPERVISOR_event_channel_op, EVTCHNOP_status, (uintptr_t)&st, 0));
}

static void grants(void)
{
	static char page[4096] __attribute__((aligned(4096)));
	struct gnttab_map_grant_ref m = { .host_addr = 0xf0000000ull, .flags = GNTMAP_host_map, .ref = 0, .dom = 0 };
	long rc = hcall(__HYPERVISOR_grant_table_op, GNTTABOP_map_grant_ref, (uintptr_t)&m, 1);
	expect_status("mapping dom0's grant 0, not granted to it", GNTST_general_error, m.status, rc);
	struct gnttab_map_grant_ref none = { .host_addr = 0xf0000000ull, .flags = GNTMAP_host_map, .dom = 0x7000 };
	rc = hcall(__HYPERVISOR_grant_table_op, GNTTABOP_map_grant_ref, (uintptr_t)&none, 1);
	expect_status("mapping a grant of a domain that does not exist", GNTST_bad_domain, none.status, rc);
	struct gnttab_unmap_grant_ref u = { .host_addr = 0xf0000000ull, .handle = 77 };
	rc = hcall(__HYPERVISOR_grant_table_op, GNTTABOP_unmap_grant_ref, (uintptr_t)&u, 1);
	expect_status("unmapping a handle it never got", GNTST_bad_handle, u.status, rc);
	struct gnttab_copy c = { .source.domid = 0, .source.u.gmfn = 0x100, .dest.domid = DOMID_SELF,
				 .dest.u.gmfn = (uintptr_t)page >> 12, .len = 8 };
	rc = hcall(__HYPERVISOR_grant_table_op, GNTTABOP_copy, (uintptr_t)&c, 1);
	expect_status("copying from a frame of dom0's by number", GNTST_permission_denied, c.status, rc);
}

int main(void)
{
	setvbuf(stdout, NULL, _IOLBF, 0);
	fd = open("/dev/xen/privcmd", O_RDWR);
	if (fd < 0) {
		printf("DOMU-PROBE: FAIL open /dev/xen/privcmd: %s\n", strerror(errno));
		return 1;
	}
	control_ops();
	memory_ops();
	hvm_and_events();
	grants();
	printf("DOMU-PROBE: done, %d failed\n", failures);
	return failures != 0;
}
