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
/* public/vcpu.h vcpu_set_singleshot_timer, x86_32 */
struct compat_singleshot_timer {
	compat_u64 timeout_abs_ns;
	uint32_t flags;
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
/* FIELD over a list of up to 9 fields, and the list's length. */
#define FIELDS1(n, c, f) FIELD(n, c, f)
#define FIELDS2(n, c, f, ...) FIELD(n, c, f), FIELDS1(n, c, __VA_ARGS__)
#define FIELDS3(n, c, f, ...) FIELD(n, c, f), FIELDS2(n, c, __VA_ARGS__)
#define FIELDS4(n, c, f, ...) FIELD(n, c, f), FIELDS3(n, c, __VA_ARGS__)
#define FIELDS5(n, c, f, ...) FIELD(n, c, f), FIELDS4(n, c, __VA_ARGS__)
#define FIELDS6(n, c, f, ...) FIELD(n, c, f), FIELDS5(n, c, __VA_ARGS__)
#define FIELDS7(n, c, f, ...) FIELD(n, c, f), FIELDS6(n, c, __VA_ARGS__)
#define FIELDS8(n, c, f, ...) FIELD(n, c, f), FIELDS7(n, c, __VA_ARGS__)
#define FIELDS9(n, c, f, ...) FIELD(n, c, f), FIELDS8(n, c, __VA_ARGS__)
#define COUNT(...) COUNT_(__VA_ARGS__, 9, 8, 7, 6, 5, 4, 3, 2, 1, 0)
#define COUNT_(a, b, c, d, e, f, g, h, i, n, ...) n
#define CAT(a, b) CAT_(a, b)
#define CAT_(a, b) a##b
/* xlat_<name>: native structure n, compat structure c, their fields. */
#define LAYOUT(name, n, c, ...)                                                        \
	const struct xlat_layout xlat_##name = { sizeof(n), sizeof(c), COUNT(__VA_ARGS__), \
						 { CAT(FIELDS, COUNT(__VA_ARGS__))(n, c, __VA_ARGS__) } }

LAYOUT(add_to_physmap, struct xen_add_to_physmap, struct compat_add_to_physmap,
       domid, size, space, idx, gpfn);
LAYOUT(memory_reservation, struct xen_memory_reservation, struct compat_memory_reservation,
       extent_start, nr_extents, extent_order, mem_flags, domid);
LAYOUT(memory_map, struct xen_memory_map, struct compat_memory_map, nr_entries, buffer);
LAYOUT(foreign_memory_map, struct xen_foreign_memory_map, struct compat_foreign_memory_map,
       domid, map.nr_entries, map.buffer);
LAYOUT(remove_from_physmap, struct xen_remove_from_physmap, struct compat_remove_from_physmap,
       domid, gpfn);
LAYOUT(add_to_physmap_batch, struct xen_add_to_physmap_batch, struct compat_add_to_physmap_batch,
       domid, space, size, u, idxs, gpfns, errs);
LAYOUT(acquire_resource, struct xen_mem_acquire_resource, struct compat_acquire_resource,
       domid, type, id, nr_frames, pad, frame, frame_list);
LAYOUT(sched_poll, struct sched_poll, struct compat_sched_poll, ports, nr_ports, timeout);
LAYOUT(gnttab_setup_table, struct gnttab_setup_table, struct compat_gnttab_setup_table,
       dom, nr_frames, status, frame_list);
LAYOUT(gnttab_copy, struct gnttab_copy, struct compat_gnttab_copy, source.u, source.domid,
       source.offset, dest.u, dest.domid, dest.offset, len, flags, status);
LAYOUT(singleshot_timer, struct vcpu_set_singleshot_timer, struct compat_singleshot_timer,
       timeout_abs_ns, flags);
LAYOUT(multicall_entry, struct multicall_entry, struct compat_multicall_entry, op, result,
       args[0], args[1], args[2], args[3], args[4], args[5]);
LAYOUT(runstate_info, struct vcpu_runstate_info, struct compat_runstate_info,
       state, state_entry_time, time);

/* Every field from one layout to the other.  Little-endian: a narrower
 * copy keeps the low bytes, a wider one is zero-extended (every field that
 * changes width is unsigned). */
static void convert(const struct xlat_layout *l, void *dst, const void *src, bool to_native)
{
	memset(dst, 0, to_native ? l->native_size : l->compat_size);
	for (unsigned i = 0; i < l->nr_fields; i++) {
		const struct xlat_field *f = &l->field[i];
		unsigned from = to_native ? f->compat_off : f->native_off;
		unsigned to = to_native ? f->native_off : f->compat_off;
		memcpy((char *)dst + to, (const char *)src + from, MIN(f->native_size, f->compat_size));
	}
}

void xlat_to_native(const struct xlat_layout *l, void *native, const void *compat)
{
	convert(l, native, compat, true);
}

void xlat_to_compat(const struct xlat_layout *l, void *compat, const void *native)
{
	convert(l, compat, native, false);
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

int arg_out_field(struct vcpu *v, const struct xlat_layout *l, unsigned i, uint64_t gva,
		  const void *native)
{
	const struct xlat_field *f = &l->field[i];
	if (!hc_compat(v))
		return copy_to_guest(v, gva + f->native_off, (const char *)native + f->native_off,
				     f->native_size);
	return copy_to_guest(v, gva + f->compat_off, (const char *)native + f->native_off,
			     MIN(f->native_size, f->compat_size));
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
