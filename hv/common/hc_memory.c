/*
 * memory_op (public/memory.h): placing Xen's pages in the guest-physical
 * map (add_to_physmap: shared_info, grant frames) and the guest's memory
 * map as E820 entries here; a domain's RAM (hc_reservation.c) and other
 * domains' pages (hc_physmap.c) in files of their own.
 */
#include "hypercall.h"
#include "compat.h"
#include "gnttab.h"
#include "public/memory.h"
#include "memory_op.h"

#define E820_ENTRY_SIZE 20 /* packed u64 addr, u64 size, u32 type */

static long add_to_physmap(struct vcpu *v, uint64_t gva)
{
	struct xen_add_to_physmap xatp;
	if (ARG_IN(v, add_to_physmap, &xatp, gva))
		return -XEN_EFAULT;
	struct domain *d = self_domain(v, xatp.domid);
	if (!d)
		return -XEN_ESRCH;
	if (xatp.gpfn >= (P2M_GPA_LIMIT >> PAGE_SHIFT))
		return -XEN_EINVAL;
	uint64_t gpa = xatp.gpfn << PAGE_SHIFT;
	switch (xatp.space) {
	case XENMAPSPACE_shared_info: {
		if (xatp.idx != 0)
			return -XEN_EINVAL;
		uint64_t old = __atomic_exchange_n(&d->shared_info_gpa, gpa, __ATOMIC_SEQ_CST);
		if (old && old != gpa) /* as Xen: it leaves its old place */
			p2m_unmap_page(d, old);
		return p2m_map_page(d, gpa, (uintptr_t)d->shared_info) ? -XEN_ENOMEM : 0;
	}
	case XENMAPSPACE_grant_table:
		return gnttab_map_frame(d, xatp.idx, gpa);
	default:
		return -XEN_ENOSYS;
	}
}

static long memory_map(struct vcpu *v, uint64_t gva)
{
	struct xen_memory_map map;
	if (ARG_IN(v, memory_map, &map, gva))
		return -XEN_EFAULT;
	struct domain *d = v->d;
	uint32_t n = MIN(map.nr_entries, d->nr_e820);
	for (uint32_t i = 0; i < n; i++) {
		uint8_t e[E820_ENTRY_SIZE];
		size_t k = array_index_nospec(i, n); /* n is the guest's when smaller */
		memcpy(e, &d->e820[k].addr, 8);
		memcpy(e + 8, &d->e820[k].size, 8);
		memcpy(e + 16, &d->e820[k].type, 4);
		if (copy_to_guest(v, map.buffer + i * E820_ENTRY_SIZE, e, sizeof(e)))
			return -XEN_EFAULT;
	}
	map.nr_entries = n;
	return ARG_OUT(v, memory_map, gva, &map) ? -XEN_EFAULT : 0;
}

long do_memory_op(struct vcpu *v, const uint64_t arg[5])
{
	uint64_t cmd = arg[0] & 0x3f; /* the rest carries a continuation start */
	switch (cmd) {
	case XENMEM_populate_physmap:
	case XENMEM_decrease_reservation:
	case XENMEM_claim_pages:
		return memory_reservation_op(v, arg[0], arg[1]);
	case XENMEM_set_memory_map:
		return memory_set_map(v, arg[1]);
	case XENMEM_add_to_physmap_batch:
		return memory_add_to_physmap_batch(v, arg[0], arg[1]);
	case XENMEM_remove_from_physmap:
		return memory_remove_from_physmap(v, arg[1]);
	case XENMEM_acquire_resource:
		return memory_acquire_resource(v, arg[1]);
	case XENMEM_add_to_physmap:
		return add_to_physmap(v, arg[1]);
	case XENMEM_memory_map:
		return memory_map(v, arg[1]);
	case XENMEM_current_reservation:
	case XENMEM_maximum_reservation:
	case XENMEM_maximum_gpfn:
		return memory_reservation_query(v, cmd, arg[1]);
	case XENMEM_get_sharing_freed_pages:
	case XENMEM_get_sharing_shared_pages:
		return 0; /* no page sharing: nothing freed or shared by it */
	default:
		return -XEN_ENOSYS;
	}
}
