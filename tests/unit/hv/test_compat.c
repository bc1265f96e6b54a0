/* hv/common/compat.c: the 32-bit guest ABI's layouts and conversions,
 * against a fake guest memory. */
#include <string.h>
#include "check.h"
#include "compat.h"
#include "domain.h"
#include "public/memory.h"
#include "public/sched.h"
#include "public/grant_table.h"
#include "public/xen.h"

static uint8_t guest[4096];

int copy_from_guest(struct vcpu *v, void *dst, uint64_t gva, size_t len)
{
	(void)v;
	if (gva > sizeof(guest) || len > sizeof(guest) - gva)
		return -1;
	memcpy(dst, guest + gva, len);
	return 0;
}

int copy_to_guest(struct vcpu *v, uint64_t gva, const void *src, size_t len)
{
	(void)v;
	if (gva > sizeof(guest) || len > sizeof(guest) - gva)
		return -1;
	memcpy(guest + gva, src, len);
	return 0;
}

static void put32(size_t off, uint32_t val) { memcpy(guest + off, &val, 4); }
static uint32_t get32(size_t off) { uint32_t v; memcpy(&v, guest + off, 4); return v; }

/* Sizes an x86_32 compiler gives the public headers' structures (Linux's
 * include/xen/interface with CONFIG_X86_32: handles and longs 4 bytes,
 * uint64_t 4-byte aligned). */
static void sizes(void)
{
	static const struct { const struct xlat_layout *l; unsigned size; const char *name; } want[] = {
		{ &xlat_add_to_physmap, 16, "xen_add_to_physmap" },
		{ &xlat_memory_reservation, 20, "xen_memory_reservation" },
		{ &xlat_memory_map, 8, "xen_memory_map" },
		{ &xlat_foreign_memory_map, 12, "xen_foreign_memory_map" },
		{ &xlat_remove_from_physmap, 8, "xen_remove_from_physmap" },
		{ &xlat_add_to_physmap_batch, 20, "xen_add_to_physmap_batch" },
		{ &xlat_acquire_resource, 28, "xen_mem_acquire_resource" },
		{ &xlat_sched_poll, 16, "sched_poll" },
		{ &xlat_gnttab_setup_table, 16, "gnttab_setup_table" },
		{ &xlat_gnttab_copy, 24, "gnttab_copy" },
		{ &xlat_multicall_entry, 32, "multicall_entry" },
		{ &xlat_runstate_info, 44, "vcpu_runstate_info" },
		{ &xlat_singleshot_timer, 12, "vcpu_set_singleshot_timer" },
	};
	for (unsigned i = 0; i < sizeof(want) / sizeof(want[0]); i++)
		CHECK(want[i].l->compat_size == want[i].size, "compat: %s is %u bytes on x86_32 (layout says %u)",
		      want[i].name, want[i].size, want[i].l->compat_size);
	CHECK(xlat_gnttab_copy.field[XLAT_GNTTAB_COPY_STATUS].compat_off == 20 &&
		      xlat_gnttab_copy.field[XLAT_GNTTAB_COPY_STATUS].native_off == 36 &&
		      xlat_gnttab_setup_table.field[XLAT_GNTTAB_SETUP_TABLE_STATUS].compat_off == 8,
	      "compat: the status fields written back alone: gnttab_copy's at 20 (36 native), setup_table's at 8");
	CHECK(xlat_sched_poll.field[2].compat_off == 8 && xlat_runstate_info.field[1].compat_off == 4 &&
		      xlat_acquire_resource.field[5].compat_off == 16,
	      "compat: a uint64_t is 4-byte aligned (poll timeout at 8, state_entry_time at 4, frame at 16)");
}

static void conversions(void)
{
	struct vcpu v = { .hc_compat = true };
	struct xen_add_to_physmap x;
	memset(guest, 0xee, sizeof(guest));
	put32(100, 0x0002fff0); /* domid 0x7ff0, size 2 */
	put32(104, 1), put32(108, 7), put32(112, 0xabcde);
	CHECK(!ARG_IN(&v, add_to_physmap, &x, 100) && x.domid == 0xfff0 && x.size == 2 && x.space == 1 &&
		      x.idx == 7 && x.gpfn == 0xabcde,
	      "compat: add_to_physmap from 16 bytes: idx at 8, gpfn at 12, both widened");
	struct xen_memory_map map;
	put32(200, 3), put32(204, 0x1234);
	CHECK(!ARG_IN(&v, memory_map, &map, 200) && map.nr_entries == 3 && map.buffer == 0x1234,
	      "compat: memory_map's buffer handle at 4");
	map.nr_entries = 2;
	CHECK(!ARG_OUT(&v, memory_map, 200, &map) && get32(200) == 2 && get32(204) == 0x1234 &&
		      guest[208] == 0xee, "compat: written back in 8 bytes, nothing after");
	struct sched_poll p;
	put32(300, 0x500), put32(304, 2), put32(308, 0x89abcdef), put32(312, 0x1);
	CHECK(!ARG_IN(&v, sched_poll, &p, 300) && p.ports == 0x500 && p.nr_ports == 2 &&
		      p.timeout == 0x189abcdefULL, "compat: sched_poll's 64-bit timeout at 8");
	v.hc_compat = false;
	CHECK(!ARG_IN(&v, sched_poll, &p, 300) && p.ports == 0x200000500ULL,
	      "native: the same bytes read in the 64-bit layout");
	CHECK(arg_size(&v, &xlat_multicall_entry) == 64, "native: a multicall entry is 64 bytes");
}

static void one_field(void)
{
	struct vcpu v = { .hc_compat = true };
	struct gnttab_copy op = { .status = -3 };
	memset(guest, 0xee, sizeof(guest));
	CHECK(!arg_out_field(&v, &xlat_gnttab_copy, XLAT_GNTTAB_COPY_STATUS, 500, &op) &&
		      guest[520] == 0xfd && guest[521] == 0xff && guest[519] == 0xee && guest[522] == 0xee,
	      "compat: arg_out_field writes the 2 bytes of gnttab_copy's status at 20 and nothing else");
	v.hc_compat = false;
	CHECK(!arg_out_field(&v, &xlat_gnttab_copy, XLAT_GNTTAB_COPY_STATUS, 600, &op) && guest[636] == 0xfd &&
		      guest[635] == 0xee && guest[638] == 0xee, "native: at 36");
}

static void arrays(void)
{
	struct vcpu v = { .hc_compat = true };
	uint64_t val;
	memset(guest, 0, sizeof(guest));
	put32(400, 11), put32(404, 22), put32(408, 0xffffffff);
	CHECK(!ulong_in(&v, 400, 1, &val) && val == 22 && !ulong_in(&v, 400, 2, &val) && val == 0xffffffff,
	      "compat: xen_pfn_t arrays have 4-byte elements, zero-extended");
	CHECK(!ulong_out(&v, 400, 0, 0x100000007ULL) && get32(400) == 7 && get32(404) == 22,
	      "compat: a value written keeps its low 32 bits, in 4 bytes");
	CHECK(ulong_in(&v, sizeof(guest) - 2, 0, &val), "compat: an element past the guest's memory faults");
	v.hc_compat = false;
	CHECK(!ulong_in(&v, 400, 0, &val) && val == (22ULL << 32 | 7), "native: 8-byte elements");
}

int main(void)
{
	sizes();
	conversions();
	one_field();
	arrays();
	return check_exit();
}
