/*
 * The 32-bit guest ABI's structure layouts (see compat.h).  Each compat_*
 * structure below is a public header's structure as an x86_32 compiler
 * lays it out: unsigned long and handles 4 bytes, uint64_t 4-byte
 * aligned.  Only the structures whose layout differs are here.
 */
#include "compat.h"
#include "domain.h"
#include "p2m.h"
#include "public/memory.h"
#include "public/sched.h"
#include "public/grant_table.h"
#include "public/vcpu.h"
#include "public/xen.h"

typedef uint64_t compat_u64 __attribute__((aligned(4)));

/* public/memory.h xen_add_to_physmap, x86_32 */
struct compat_add_to_physmap {
	uint16_t domid, size;
	uint32_t space, idx, gpfn;
};
/* public/memory.h xen_memory_reservation, x86_32 */
struct compat_memory_reservation {
	uint32_t extent_start, nr_extents, extent_order, mem_flags;
	uint16_t domid;
};
/* public/memory.h xen_memory_map, x86_32 */
struct compat_memory_map {
	uint32_t nr_entries, buffer;
};
/* public/memory.h xen_foreign_memory_map, x86_32 */
struct compat_foreign_memory_map {
	uint16_t domid;
	struct compat_memory_map map;
};
/* public/memory.h xen_remove_from_physmap, x86_32 */
struct compat_remove_from_physmap {
	uint16_t domid;
	uint32_t gpfn;
};
/* public/memory.h xen_add_to_physmap_batch, x86_32 */
struct compat_add_to_physmap_batch {
	uint16_t domid, space, size, u;
	uint32_t idxs, gpfns, errs;
};
/* public/memory.h xen_mem_acquire_resource, x86_32 */
struct compat_acquire_resource {
	uint16_t domid, type;
	uint32_t id, nr_frames, pad;
	compat_u64 frame;
	uint32_t frame_list;
};
/* public/sched.h sched_poll, x86_32 */
struct compat_sched_poll {
	uint32_t ports, nr_ports;
	compat_u64 timeout;
};
/* public/grant_table.h gnttab_setup_table, x86_32 */
struct compat_gnttab_setup_table {
	uint16_t dom;
	uint32_t nr_frames;
	int16_t status;
	uint32_t frame_list;
};
/* public/grant_table.h gnttab_copy, x86_32 */
struct compat_gnttab_copy {
	struct {
		uint32_t u;
		uint16_t domid, offset;
	} source, dest;
	uint16_t len, flags;
	int16_t status;
};
/* public/xen.h multicall_entry, x86_32 */
struct compat_multicall_entry {
	uint32_t op, result, args[6];
};
/* public/vcpu.h vcpu_runstate_info, x86_32 */
struct compat_runstate_info {
	int32_t state;
	compat_u64 state_entry_time, time[4];
};

#define SIZE(s, f) sizeof(((s *)0)->f)
/* Field f of native structure n and compat structure c. */
#define FIELD(n, c, f) { offsetof(n, f), offsetof(c, f), SIZE(n, f), SIZE(c, f) }
#define LAYOUT(n, c, ...)                                                        \
	{ sizeof(n), sizeof(c), sizeof((struct xlat_field[]){ __VA_ARGS__ }) /     \
	  sizeof(struct xlat_field), { __VA_ARGS__ } }

#define N struct xen_add_to_physmap
#define C struct compat_add_to_physmap
const struct xlat_layout xlat_add_to_physmap = LAYOUT(N, C, FIELD(N, C, domid), FIELD(N, C, size),
	FIELD(N, C, space), FIELD(N, C, idx), FIELD(N, C, gpfn));
#undef N
#undef C
#define N struct xen_memory_reservation
#define C struct compat_memory_reservation
const struct xlat_layout xlat_memory_reservation = LAYOUT(N, C, FIELD(N, C, extent_start),
	FIELD(N, C, nr_extents), FIELD(N, C, extent_order), FIELD(N, C, mem_flags), FIELD(N, C, domid));
#undef N
#undef C
#define N struct xen_memory_map
#define C struct compat_memory_map
const struct xlat_layout xlat_memory_map = LAYOUT(N, C, FIELD(N, C, nr_entries), FIELD(N, C, buffer));
#undef N
#undef C
#define N struct xen_foreign_memory_map
#define C struct compat_foreign_memory_map
const struct xlat_layout xlat_foreign_memory_map = LAYOUT(N, C, FIELD(N, C, domid),
	FIELD(N, C, map.nr_entries), FIELD(N, C, map.buffer));
#undef N
#undef C
#define N struct xen_remove_from_physmap
#define C struct compat_remove_from_physmap
const struct xlat_layout xlat_remove_from_physmap = LAYOUT(N, C, FIELD(N, C, domid), FIELD(N, C, gpfn));
#undef N
#undef C
#define N struct xen_add_to_physmap_batch
#define C struct compat_add_to_physmap_batch
const struct xlat_layout xlat_add_to_physmap_batch = LAYOUT(N, C, FIELD(N, C, domid),
	FIELD(N, C, space), FIELD(N, C, size), FIELD(N, C, u), FIELD(N, C, idxs), FIELD(N, C, gpfns),
	FIELD(N, C, errs));
#undef N
#undef C
#define N struct xen_mem_acquire_resource
#define C struct compat_acquire_resource
const struct xlat_layout xlat_acquire_resource = LAYOUT(N, C, FIELD(N, C, domid), FIELD(N, C, type),
	FIELD(N, C, id), FIELD(N, C, nr_frames), FIELD(N, C, pad), FIELD(N, C, frame),
	FIELD(N, C, frame_list));
#undef N
#undef C
#define N struct sched_poll
#define C struct compat_sched_poll
const struct xlat_layout xlat_sched_poll = LAYOUT(N, C, FIELD(N, C, ports), FIELD(N, C, nr_ports),
	FIELD(N, C, timeout));
#undef N
#undef C
#define N struct gnttab_setup_table
#define C struct compat_gnttab_setup_table
const struct xlat_layout xlat_gnttab_setup_table = LAYOUT(N, C, FIELD(N, C, dom),
	FIELD(N, C, nr_frames), FIELD(N, C, status), FIELD(N, C, frame_list));
#undef N
#undef C
#define N struct gnttab_copy
#define C struct compat_gnttab_copy
const struct xlat_layout xlat_gnttab_copy = LAYOUT(N, C, FIELD(N, C, source.u),
	FIELD(N, C, source.domid), FIELD(N, C, source.offset), FIELD(N, C, dest.u),
	FIELD(N, C, dest.domid), FIELD(N, C, dest.offset), FIELD(N, C, len), FIELD(N, C, flags),
	FIELD(N, C, status));
#undef N
#undef C
#define N struct multicall_entry
#define C struct compat_multicall_entry
const struct xlat_layout xlat_multicall_entry = LAYOUT(N, C, FIELD(N, C, op), FIELD(N, C, result),
	FIELD(N, C, args[0]), FIELD(N, C, args[1]), FIELD(N, C, args[2]), FIELD(N, C, args[3]),
	FIELD(N, C, args[4]), FIELD(N, C, args[5]));
#undef N
#undef C
#define N struct vcpu_runstate_info
#define C struct compat_runstate_info
const struct xlat_layout xlat_runstate_info = LAYOUT(N, C, FIELD(N, C, state),
	FIELD(N, C, state_entry_time), FIELD(N, C, time));
#undef N
#undef C

/* Little-endian: a narrower copy keeps the low bytes, a wider one is
 * zero-extended (every field that changes width is unsigned). */
void xlat_to_native(const struct xlat_layout *l, void *native, const void *compat)
{
	memset(native, 0, l->native_size);
	for (unsigned i = 0; i < l->nr_fields; i++) {
		const struct xlat_field *f = &l->field[i];
		memcpy((char *)native + f->native_off, (const char *)compat + f->compat_off,
		       MIN(f->native_size, f->compat_size));
	}
}

void xlat_to_compat(const struct xlat_layout *l, void *compat, const void *native)
{
	memset(compat, 0, l->compat_size);
	for (unsigned i = 0; i < l->nr_fields; i++) {
		const struct xlat_field *f = &l->field[i];
		memcpy((char *)compat + f->compat_off, (const char *)native + f->native_off,
		       MIN(f->native_size, f->compat_size));
	}
}

bool hc_compat(const struct vcpu *v)
{
	return v->hc_compat;
}

size_t arg_size(const struct vcpu *v, const struct xlat_layout *l)
{
	return hc_compat(v) ? l->compat_size : l->native_size;
}

int arg_in(struct vcpu *v, const struct xlat_layout *l, void *native, uint64_t gva)
{
	if (!hc_compat(v))
		return copy_from_guest(v, native, gva, l->native_size);
	uint8_t compat[UINT8_MAX]; /* compat_size is a uint8_t */
	if (copy_from_guest(v, compat, gva, l->compat_size))
		return -1;
	xlat_to_native(l, native, compat);
	return 0;
}

int arg_out(struct vcpu *v, const struct xlat_layout *l, uint64_t gva, const void *native)
{
	if (!hc_compat(v))
		return copy_to_guest(v, gva, native, l->native_size);
	uint8_t compat[UINT8_MAX]; /* compat_size is a uint8_t */
	xlat_to_compat(l, compat, native);
	return copy_to_guest(v, gva, compat, l->compat_size);
}

int ulong_in(struct vcpu *v, uint64_t base, uint64_t i, uint64_t *val)
{
	unsigned width = hc_compat(v) ? 4 : 8;
	*val = 0;
	return copy_from_guest(v, val, base + i * width, width);
}

int ulong_out(struct vcpu *v, uint64_t base, uint64_t i, uint64_t val)
{
	unsigned width = hc_compat(v) ? 4 : 8;
	return copy_to_guest(v, base + i * width, &val, width);
}
