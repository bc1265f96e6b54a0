/*
 * bx_memory.c - memory_op (hypercall 12, public/memory.h) on behalf of
 * another domain: populating and claiming its memory, its e820 map, its
 * physmap, and acquiring frames of its resources.  Argument structs and
 * the frame lists they point at are bounced through hypercall memory.
 */
#include <errno.h>
#include <string.h>

#include "bx.h"

long bx_memory_op(struct bx *bx, unsigned cmd, void *arg, size_t size)
{
	return bx_hypercall_arg(bx, __HYPERVISOR_memory_op, cmd, arg, size);
}

long bx_populate_physmap(struct bx *bx, uint32_t domid, unsigned long nr,
			 unsigned order, unsigned mem_flags, xen_pfn_t *gfns)
{
	struct xen_memory_reservation r = { .nr_extents = nr, .extent_order = order,
					    .mem_flags = mem_flags, .domid = (domid_t)domid };
	size_t size = nr * sizeof(*gfns);
	xen_pfn_t *list = bx_hbuf_dup(bx, gfns, size);
	long rc;

	if (!list)
		return -ENOMEM;
	r.extent_start = (uintptr_t)list;
	rc = bx_memory_op(bx, XENMEM_populate_physmap, &r, sizeof(r));
	if (rc > 0)
		memcpy(gfns, list, (unsigned long)rc * sizeof(*gfns));
	bx_hbuf_free(bx, list, size);
	return rc;
}

int bx_claim_pages(struct bx *bx, uint32_t domid, unsigned long nr_pages)
{
	struct xen_memory_reservation r = { .nr_extents = nr_pages,
					    .domid = (domid_t)domid };

	return (int)bx_memory_op(bx, XENMEM_claim_pages, &r, sizeof(r));
}

#define BX_E820_ENTRY 20 /* packed: addr, size (u64), type (u32) */

int bx_set_memory_map(struct bx *bx, uint32_t domid, const void *entries,
		      uint32_t nr)
{
	struct xen_foreign_memory_map map = { .domid = (domid_t)domid };
	size_t size = (size_t)nr * BX_E820_ENTRY;
	void *buf = bx_hbuf_dup(bx, entries, size);
	int rc;

	if (!buf)
		return -ENOMEM;
	map.map.nr_entries = nr;
	map.map.buffer = (uintptr_t)buf;
	rc = (int)bx_memory_op(bx, XENMEM_set_memory_map, &map, sizeof(map));
	bx_hbuf_free(bx, buf, size);
	return rc;
}

int bx_add_to_physmap(struct bx *bx, uint32_t domid, unsigned space,
		      unsigned long idx, xen_pfn_t gpfn)
{
	struct xen_add_to_physmap a = { .domid = (domid_t)domid, .space = space,
					.idx = idx, .gpfn = gpfn };

	return (int)bx_memory_op(bx, XENMEM_add_to_physmap, &a, sizeof(a));
}

int bx_remove_from_physmap(struct bx *bx, uint32_t domid, xen_pfn_t gpfn)
{
	struct xen_remove_from_physmap r = { .domid = (domid_t)domid, .gpfn = gpfn };

	return (int)bx_memory_op(bx, XENMEM_remove_from_physmap, &r, sizeof(r));
}

long bx_maximum_gpfn(struct bx *bx, uint32_t domid)
{
	domid_t d = (domid_t)domid;

	return bx_memory_op(bx, XENMEM_maximum_gpfn, &d, sizeof(d));
}

int bx_acquire_resource(struct bx *bx, uint32_t domid, unsigned type,
			unsigned id, uint64_t frame, uint32_t *nr_frames,
			xen_pfn_t *frames)
{
	struct xen_mem_acquire_resource r = { .domid = (domid_t)domid,
		.type = (uint16_t)type, .id = id, .nr_frames = *nr_frames, .frame = frame };
	size_t size = *nr_frames * sizeof(*frames);
	xen_pfn_t *list = frames ? bx_hbuf_alloc(bx, size) : NULL;
	int rc;

	if (frames && !list)
		return -ENOMEM;
	r.frame_list = (uintptr_t)list;
	rc = (int)bx_memory_op(bx, XENMEM_acquire_resource, &r, sizeof(r));
	if (rc >= 0 && frames)
		memcpy(frames, list, (r.nr_frames < *nr_frames ? r.nr_frames : *nr_frames) *
		       sizeof(*frames));
	if (rc >= 0)
		*nr_frames = r.nr_frames;
	bx_hbuf_free(bx, list, size);
	return rc;
}
