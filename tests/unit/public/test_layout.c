/*
 * Run-time checks of the public ABI layout as a guest sees it: values are
 * stored through Bastion's structures into a raw page, then read back at
 * the byte offsets Xen's x86-64 ABI gives (pvh-abi.md sections 1.4, 4.2,
 * 5.2), and constant encodings are checked byte by byte as a guest reads
 * them (the CPUID signature, the start_info magic).  The _Static_asserts in
 * the headers pin the same offsets at compile time; this program proves
 * the structures and raw guest memory agree when actually written.
 */
#include <errno.h>
#include <stdint.h>
#include <string.h>

#include "check.h"
#include "public/arch-x86/cpuid.h"
#include "public/errno.h"
#include "public/event_channel.h"
#include "public/hvm/params.h"
#include "public/hvm/start_info.h"
#include "public/platform.h"
#include "public/xen.h"

#define PAGE_SIZE 4096

static _Alignas(PAGE_SIZE) unsigned char page[PAGE_SIZE];

static uint64_t read_u64(size_t off)
{
	uint64_t v;
	memcpy(&v, page + off, sizeof(v));
	return v;
}

static uint32_t read_u32(size_t off)
{
	uint32_t v;
	memcpy(&v, page + off, sizeof(v));
	return v;
}

static void check_shared_info(void)
{
	struct shared_info *si = (struct shared_info *)page;

	memset(page, 0, sizeof(page));
	CHECK(sizeof(struct shared_info) <= PAGE_SIZE,
	      "struct shared_info (%zu bytes) fits in one 4 KiB page", sizeof(struct shared_info));
	si->vcpu_info[0].time.version = 0x11111111;
	si->vcpu_info[1].time.system_time = 0x0123456789abcdefULL;
	si->vcpu_info[1].evtchn_upcall_pending = 1;
	si->vcpu_info[1].evtchn_pending_sel = 1ULL << 63;
	CHECK(read_u32(32) == 0x11111111, "vcpu_info[0].time sits at byte 32 of vcpu_info");
	CHECK(read_u64(64 + 32 + 16) == 0x0123456789abcdefULL,
	      "vcpu_info[1].time.system_time sits at byte 64+32+16 (64-byte vcpu_info)");
	CHECK(page[64] == 1 && read_u64(64 + 8) == 1ULL << 63,
	      "evtchn_upcall_pending at byte 0 and evtchn_pending_sel at byte 8 of vcpu_info");

	si->evtchn_pending[70 / 64] |= 1ULL << (70 % 64);
	si->evtchn_mask[4095 / 64] |= 1ULL << (4095 % 64);
	CHECK(page[2048 + 8] == 1u << 6, "port 70 pending is bit 6 of byte 2056 (evtchn_pending at 2048)");
	CHECK(page[2560 + 511] == 0x80, "port 4095 mask is the top bit of byte 3071 (evtchn_mask at 2560)");
	CHECK(sizeof(si->evtchn_pending) * 8 == EVTCHN_2L_NR_CHANNELS,
	      "evtchn_pending holds exactly EVTCHN_2L_NR_CHANNELS (%zu) bits",
	      (size_t)EVTCHN_2L_NR_CHANNELS);

	si->wc_version = 2;
	si->wc_sec = 0xa5a5a5a5;
	si->wc_nsec = 999999999;
	si->wc_sec_hi = 1;
	CHECK(read_u32(3072) == 2 && read_u32(3076) == 0xa5a5a5a5 && read_u32(3080) == 999999999 &&
		      read_u32(3084) == 1,
	      "wc_version/wc_sec/wc_nsec/wc_sec_hi at 3072/3076/3080/3084");
	si->arch.p2m_generation = 7;
	CHECK(read_u64(3088 + 40) == 7, "arch_shared_info at 3088, p2m_generation at +40");
}

static void check_start_info(void)
{
	struct hvm_start_info *si = (struct hvm_start_info *)page;
	struct hvm_memmap_table_entry *mm = (struct hvm_memmap_table_entry *)(page + 1024);
	struct hvm_modlist_entry *mod = (struct hvm_modlist_entry *)(page + 2048);

	memset(page, 0, sizeof(page));
	CHECK(sizeof(struct hvm_start_info) == 56, "hvm_start_info (v1) is 56 bytes, what Linux copies");
	si->magic = XEN_HVM_START_MAGIC_VALUE;
	CHECK(page[0] == 'x' && page[1] == ('E' | 0x80) && page[2] == 'n' && page[3] == '3',
	      "start_info magic reads \"xEn3\" with bit 7 of 'E' set");
	si->flags = SIF_PRIVILEGED | SIF_INITDOMAIN;
	si->memmap_paddr = 0x1000 + 1024;
	si->memmap_entries = 2;
	CHECK(read_u32(8) == 3 && read_u64(40) == 0x1400 && read_u32(48) == 2,
	      "dom0 flags 0x3 at byte 8, memmap_paddr at 40, memmap_entries at 48");
	mm[1].addr = 0x100000;
	mm[1].type = XEN_HVM_MEMMAP_TYPE_RAM;
	CHECK(read_u64(1024 + 24) == 0x100000 && read_u32(1024 + 24 + 16) == 1,
	      "memmap entries are 24 bytes apart, type at +16");
	mod[0].size = 0x800000;
	CHECK(read_u64(2048 + 8) == 0x800000 && sizeof(*mod) == 32,
	      "hvm_modlist_entry is 32 bytes, size at +8");
}

static void check_encodings(void)
{
	uint32_t regs[3] = { XEN_CPUID_SIGNATURE_EBX, XEN_CPUID_SIGNATURE_ECX,
			     XEN_CPUID_SIGNATURE_EDX };
	char sig[13] = { 0 };
	struct xen_platform_op op;
	uint64_t cb = ((uint64_t)HVM_PARAM_CALLBACK_TYPE_VECTOR << 56) | 0xf3;

	memcpy(sig, regs, 12);
	CHECK(strcmp(sig, "XenVMMXenVMM") == 0, "CPUID EBX:ECX:EDX spell \"XenVMMXenVMM\" (got \"%s\")", sig);
	CHECK(sizeof(op) == 136 && (size_t)((unsigned char *)&op.u - (unsigned char *)&op) == 8 &&
		      sizeof(op.u) == 128,
	      "xen_platform_op is 136 bytes with its 128-byte union at 8");
	CHECK((cb & HVM_PARAM_CALLBACK_IRQ_TYPE_MASK) >> 56 == HVM_PARAM_CALLBACK_TYPE_VECTOR &&
		      (cb & 0xff) == 0xf3,
	      "CALLBACK_IRQ for vector 0xF3 carries type 2 in bits 63:56");
	CHECK(XEN_EPERM == EPERM && XEN_EINVAL == EINVAL && XEN_ENOSYS == ENOSYS &&
		      XEN_EFAULT == EFAULT && XEN_ETIME == ETIME && XEN_EOPNOTSUPP == EOPNOTSUPP,
	      "Xen errno values equal x86 Linux's (EPERM, EINVAL, ENOSYS, EFAULT, ETIME, EOPNOTSUPP)");
}

int main(void)
{
	check_shared_info();
	check_start_info();
	check_encodings();
	return check_exit();
}
