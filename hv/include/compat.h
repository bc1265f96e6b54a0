/*
 * The 32-bit guest ABI: a hypercall made from 32-bit code passes its
 * structures in the layouts Xen's public headers take when compiled for
 * x86_32 (xen_ulong_t, xen_pfn_t and guest handles 4 bytes, 64-bit
 * fields 4-byte aligned).  One translation layer: handlers work on the
 * native structures and read and write them through arg_in/arg_out, which
 * convert field by field when the call is 32-bit; arrays of xen_ulong_t
 * or xen_pfn_t go through ulong_in/ulong_out.  Structures whose layout is
 * the same in both (event channels, HVM ops, domctl, sysctl, ...) need
 * none of this.
 */
#ifndef BASTION_COMPAT_H
#define BASTION_COMPAT_H

#include "lib.h"

struct vcpu;

struct xlat_field {
	uint8_t native_off, compat_off, native_size, compat_size;
};

/* A structure's two layouts: its fields' places and sizes in each. */
struct xlat_layout {
	uint8_t native_size, compat_size, nr_fields;
	struct xlat_field field[10];
};

extern const struct xlat_layout xlat_add_to_physmap, xlat_memory_reservation, xlat_memory_map,
	xlat_foreign_memory_map, xlat_remove_from_physmap, xlat_add_to_physmap_batch,
	xlat_acquire_resource, xlat_sched_poll, xlat_gnttab_setup_table, xlat_gnttab_copy,
	xlat_multicall_entry, xlat_runstate_info, xlat_singleshot_timer;
/* The index of a field in its layout (for arg_out_field). */
#define XLAT_GNTTAB_SETUP_TABLE_STATUS 2
#define XLAT_GNTTAB_COPY_STATUS 8

/* Whether v's hypercall in progress comes from 32-bit code. */
bool hc_compat(const struct vcpu *v);
/* The size of layout l as v's caller lays it out. */
size_t arg_size(const struct vcpu *v, const struct xlat_layout *l);

/* Copy a structure in or out: 0, or -1 if the guest memory is not there.
 * The native copy is zeroed first, so padding and widened fields are 0. */
int arg_in(struct vcpu *v, const struct xlat_layout *l, void *native, uint64_t gva);
int arg_out(struct vcpu *v, const struct xlat_layout *l, uint64_t gva, const void *native);
/* Field i of the structure at gva only, in the caller's layout. */
int arg_out_field(struct vcpu *v, const struct xlat_layout *l, unsigned i, uint64_t gva,
		  const void *native);
#define ARG_IN(v, name, ptr, gva) arg_in(v, &xlat_##name, ptr, gva)
#define ARG_OUT(v, name, gva, ptr) arg_out(v, &xlat_##name, gva, ptr)

/* Element i of a guest array of xen_ulong_t or xen_pfn_t; for a 32-bit
 * caller ulong_out keeps the low 32 bits, as Xen's compat layer does. */
int ulong_in(struct vcpu *v, uint64_t base, uint64_t i, uint64_t *val);
int ulong_out(struct vcpu *v, uint64_t base, uint64_t i, uint64_t val);

/* Field by field conversions (pure; unit-tested on the host). */
void xlat_to_native(const struct xlat_layout *l, void *native, const void *compat);
void xlat_to_compat(const struct xlat_layout *l, void *compat, const void *native);

#endif
