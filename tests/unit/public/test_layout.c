/*
 * Run-time checks of the public ABI layout as a guest sees it: values are
 * stored through Bastion's structures into a raw page, then read back at
 * the byte offsets Xen's x86-64 ABI gives (pvh-abi.md sections 1.4, 4.2,
 * 5.2), and constant encodings are checked byte by byte as a guest reads
 * them (the CPUID signature, the start_info magic).  The toolstack's
 * domctl/sysctl structures and HVM context records are checked the same
 * way against the offsets of Xen 4.17's headers (the xl-pvh-4.17 notes,
 * section 4).  The _Static_asserts in
 * the headers pin the same offsets at compile time; this program proves
 * the structures and raw guest memory agree when actually written.
 */
#include <errno.h>
#include <stdint.h>
#include <string.h>

#include "check.h"
#include "public/arch-x86/cpuid.h"
#include "public/domctl.h"
#include "public/errno.h"
#include "public/event_channel.h"
#include "public/hvm/params.h"
#include "public/hvm/save.h"
#include "public/hvm/start_info.h"
#include "public/io/blkif.h"
#include "public/io/console.h"
#include "public/platform.h"
#include "public/sysctl.h"
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

static uint16_t read_u16(size_t off)
{
	uint16_t v;
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

/* domctl as libxl 4.17 fills it: the union starts at byte 16. */
static void check_domctl(void)
{
	struct xen_domctl *d = (struct xen_domctl *)page;
	struct xen_domctl_createdomain *cd = &d->u.createdomain;
	struct xen_domctl_getdomaininfo *di = &d->u.getdomaininfo;
	struct xen_domctl_getdomaininfo *list = (struct xen_domctl_getdomaininfo *)(page + 1024);

	memset(page, 0, sizeof(page));
	CHECK(sizeof(*d) == 144 && sizeof(d->u) == 128 &&
		      (size_t)((unsigned char *)&d->u - page) == 16,
	      "xen_domctl is 144 bytes with its 128-byte union at 16");
	d->cmd = XEN_DOMCTL_createdomain;
	d->interface_version = XEN_DOMCTL_INTERFACE_VERSION;
	d->domain = 0xFFFF;
	CHECK(read_u32(0) == 1 && read_u32(4) == 0x15 && read_u16(8) == 0xFFFF,
	      "domctl cmd at 0, interface_version 0x15 at 4, domain at 8");

	cd->ssidref = 12;
	cd->handle[0] = 0xAA;
	cd->handle[15] = 0xBB;
	cd->flags = XEN_DOMCTL_CDF_hvm | XEN_DOMCTL_CDF_hap;
	cd->iommu_opts = XEN_DOMCTL_IOMMU_no_sharept;
	cd->max_vcpus = 2;
	cd->max_evtchn_port = 1023;
	cd->max_grant_frames = -1;
	cd->max_maptrack_frames = -2;
	cd->grant_opts = XEN_DOMCTL_GRANT_version(2);
	cd->vmtrace_size = 0x10000;
	cd->cpupool_id = 7;
	cd->arch.emulation_flags = XEN_X86_EMU_LAPIC;
	cd->arch.misc_flags = 0x5a;
	CHECK(sizeof(*cd) == 64 && read_u32(16) == 12 && page[20] == 0xAA && page[35] == 0xBB,
	      "createdomain (64 bytes): ssidref at u+0, handle at u+4..19");
	CHECK(read_u32(16 + 20) == 3 && read_u32(16 + 24) == 1 && read_u32(16 + 28) == 2 &&
		      read_u32(16 + 32) == 1023,
	      "createdomain flags 0x3 (hvm|hap) at u+20, iommu_opts 24, max_vcpus 28, max_evtchn_port 32");
	CHECK(read_u32(16 + 36) == 0xFFFFFFFF && read_u32(16 + 40) == 0xFFFFFFFE &&
		      read_u32(16 + 44) == 2 && read_u32(16 + 48) == 0x10000 && read_u32(16 + 52) == 7,
	      "createdomain max_grant_frames -1 at u+36, max_maptrack_frames 40, grant_opts 44, "
	      "vmtrace_size 48, cpupool_id 52");
	CHECK(read_u32(16 + 56) == 1 && read_u32(16 + 60) == 0x5a,
	      "createdomain arch.emulation_flags (LAPIC = 1) at u+56, arch.misc_flags at u+60");

	memset(page, 0, sizeof(page));
	di->domain = 5;
	di->flags = XEN_DOMINF_hvm_guest | XEN_DOMINF_shutdown | (3u << XEN_DOMINF_shutdownshift);
	di->tot_pages = 0x10000;
	di->max_pages = 0x10100;
	di->outstanding_pages = 3;
	di->shr_pages = 4;
	di->paged_pages = 5;
	di->shared_info_frame = 0xFEFFF;
	di->cpu_time = 123456789012ULL;
	di->nr_online_vcpus = 1;
	di->max_vcpu_id = XEN_INVALID_MAX_VCPU_ID;
	di->ssidref = 12;
	di->handle[0] = 0xCC;
	di->cpupool = 0x55;
	di->gpaddr_bits = 48;
	di->arch_config.emulation_flags = XEN_X86_EMU_LAPIC;
	CHECK(sizeof(*di) == 112 && read_u16(16) == 5 && read_u32(16 + 4) == 0x30006,
	      "getdomaininfo (112 bytes): domain at u+0, flags at u+4 with the reason in bits 23:16");
	CHECK(read_u64(16 + 8) == 0x10000 && read_u64(16 + 16) == 0x10100 && read_u64(16 + 24) == 3 &&
		      read_u64(16 + 32) == 4 && read_u64(16 + 40) == 5 && read_u64(16 + 48) == 0xFEFFF &&
		      read_u64(16 + 56) == 123456789012ULL,
	      "getdomaininfo tot/max/outstanding/shr/paged pages, shared_info_frame, cpu_time at u+8..56");
	CHECK(read_u32(16 + 64) == 1 && read_u32(16 + 68) == 0xFFFFFFFF && read_u32(16 + 72) == 12 &&
		      page[16 + 76] == 0xCC && read_u32(16 + 92) == 0x55 && page[16 + 96] == 48 &&
		      read_u32(16 + 104) == 1,
	      "getdomaininfo nr_online_vcpus 64, max_vcpu_id 68, ssidref 72, handle 76, cpupool 92, "
	      "gpaddr_bits 96, arch_config 104");
	list[2].domain = 9;
	list[2].cpu_time = 42;
	CHECK(read_u16(1024 + 2 * 112) == 9 && read_u64(1024 + 2 * 112 + 56) == 42,
	      "getdomaininfolist buffer entries are 112 bytes apart");
}

/* sysctl: the union starts at byte 8. */
static void check_sysctl(void)
{
	struct xen_sysctl *s = (struct xen_sysctl *)page;
	struct xen_sysctl_physinfo *pi = &s->u.physinfo;

	memset(page, 0, sizeof(page));
	CHECK(sizeof(*s) == 136 && sizeof(s->u) == 128 &&
		      (size_t)((unsigned char *)&s->u - page) == 8,
	      "xen_sysctl is 136 bytes with its 128-byte union at 8");
	s->cmd = XEN_SYSCTL_physinfo;
	s->interface_version = XEN_SYSCTL_INTERFACE_VERSION;
	pi->threads_per_core = 1;
	pi->cores_per_socket = 2;
	pi->nr_cpus = 3;
	pi->max_cpu_id = 4;
	pi->nr_nodes = 5;
	pi->max_node_id = 6;
	pi->cpu_khz = 2400000;
	pi->capabilities = XEN_SYSCTL_PHYSCAP_hvm | XEN_SYSCTL_PHYSCAP_hap |
			   XEN_SYSCTL_PHYSCAP_gnttab_v1 | XEN_SYSCTL_PHYSCAP_gnttab_v2;
	pi->arch_capabilities = 0x77;
	pi->total_pages = 0x100000;
	pi->free_pages = 0x80000;
	pi->scrub_pages = 0x10;
	pi->outstanding_pages = 0x20;
	pi->max_mfn = 0xFFFFF;
	pi->hw_cap[7] = 0xdeadbeef;
	CHECK(read_u32(0) == 3 && read_u32(4) == 0x15, "sysctl cmd at 0, interface_version 0x15 at 4");
	CHECK(sizeof(*pi) == 112 && read_u32(8) == 1 && read_u32(8 + 4) == 2 && read_u32(8 + 8) == 3 &&
		      read_u32(8 + 12) == 4 && read_u32(8 + 16) == 5 && read_u32(8 + 20) == 6 &&
		      read_u32(8 + 24) == 2400000,
	      "physinfo (112 bytes): threads, cores, nr_cpus, max_cpu_id, nr_nodes, max_node_id, cpu_khz at u+0..24");
	CHECK(read_u32(8 + 28) == 0x309 && read_u32(8 + 32) == 0x77,
	      "physinfo capabilities (hvm|hap|gnttab_v1|v2 = 0x309) at u+28, arch_capabilities at u+32");
	CHECK(read_u64(8 + 40) == 0x100000 && read_u64(8 + 48) == 0x80000 && read_u64(8 + 56) == 0x10 &&
		      read_u64(8 + 64) == 0x20 && read_u64(8 + 72) == 0xFFFFF &&
		      read_u32(8 + 80 + 28) == 0xdeadbeef,
	      "physinfo total/free/scrub/outstanding pages at u+40..64, max_mfn 72, hw_cap[8] at 80");

	memset(page, 0, sizeof(page));
	s->u.readconsole.clear = 1;
	s->u.readconsole.incremental = 2;
	s->u.readconsole.index = 0x1234;
	s->u.readconsole.buffer = 0x7f0000001000ULL;
	s->u.readconsole.count = 16384;
	CHECK(sizeof(s->u.readconsole) == 24 && page[8] == 1 && page[9] == 2 &&
		      read_u32(8 + 4) == 0x1234 && read_u64(8 + 8) == 0x7f0000001000ULL &&
		      read_u32(8 + 16) == 16384,
	      "readconsole (24 bytes): clear 0, incremental 1, index 4, buffer 8, count 16");

	memset(page, 0, sizeof(page));
	s->u.getdomaininfolist.first_domain = 0x7FEF;
	s->u.getdomaininfolist.max_domains = 1024;
	s->u.getdomaininfolist.buffer = 0x7f0000002000ULL;
	s->u.getdomaininfolist.num_domains = 2;
	CHECK(sizeof(s->u.getdomaininfolist) == 24 && read_u16(8) == 0x7FEF && read_u32(8 + 4) == 1024 &&
		      read_u64(8 + 8) == 0x7f0000002000ULL && read_u32(8 + 16) == 2,
	      "getdomaininfolist (24 bytes): first_domain 0, max_domains 4, buffer 8, num_domains 16");

	memset(page, 0, sizeof(page));
	s->u.cpupool_op.op = XEN_SYSCTL_CPUPOOL_OP_INFO;
	s->u.cpupool_op.cpupool_id = 1;
	s->u.cpupool_op.sched_id = XEN_SCHEDULER_NULL;
	s->u.cpupool_op.domid = 11;
	s->u.cpupool_op.cpu = 12;
	s->u.cpupool_op.n_dom = 13;
	s->u.cpupool_op.cpumap.bitmap = 0x7f0000003000ULL;
	s->u.cpupool_op.cpumap.nr_bits = 64;
	CHECK(sizeof(s->u.cpupool_op) == 40 && read_u32(8) == 3 && read_u32(8 + 4) == 1 &&
		      read_u32(8 + 8) == 9 && read_u32(8 + 12) == 11 && read_u32(8 + 16) == 12 &&
		      read_u32(8 + 20) == 13 && read_u64(8 + 24) == 0x7f0000003000ULL &&
		      read_u32(8 + 32) == 64,
	      "cpupool_op (40 bytes): op 0, cpupool_id 4, sched_id 8, domid 12, cpu 16, n_dom 20, "
	      "cpumap 24 (nr_bits at 32)");

	memset(page, 0, sizeof(page));
	s->u.scheduler_op.cpupool_id = 2;
	s->u.scheduler_op.sched_id = XEN_SCHEDULER_CREDIT2;
	s->u.scheduler_op.cmd = XEN_SYSCTL_SCHEDOP_getinfo;
	s->u.scheduler_op.u.sched_credit2.ratelimit_us = 1000;
	CHECK(sizeof(s->u.scheduler_op) == 32 && read_u32(8) == 2 && read_u32(8 + 4) == 6 &&
		      read_u32(8 + 8) == 1 && read_u32(8 + 16) == 1000,
	      "scheduler_op (32 bytes): cpupool_id 0, sched_id 4, cmd 8, u at 16 (its 64-bit "
	      "arinc653 handle aligns it): credit2 ratelimit_us 16");
}

/* A context blob as libxenguest builds it for vCPU 0: HEADER, CPU, END; and an MTRR record. */
static void check_hvm_context(void)
{
	struct hvm_save_descriptor *hd = (struct hvm_save_descriptor *)page;
	struct hvm_save_header *hdr = (struct hvm_save_header *)(page + 8);
	struct hvm_save_descriptor *cd = (struct hvm_save_descriptor *)(page + 32);
	struct hvm_hw_cpu *cpu = (struct hvm_hw_cpu *)(page + 40);
	struct hvm_save_descriptor *ed = (struct hvm_save_descriptor *)(page + 40 + 1032);
	struct hvm_save_descriptor *md = (struct hvm_save_descriptor *)(page + 2048);
	struct hvm_hw_mtrr *mtrr = (struct hvm_hw_mtrr *)(page + 2056);
	const size_t c = 40;

	memset(page, 0, sizeof(page));
	CHECK(sizeof(*hd) == 8 && sizeof(*hdr) == 24 && sizeof(*cpu) == 1032 && sizeof(*mtrr) == 240,
	      "descriptor 8, HEADER 24, CPU 1032, MTRR 240 bytes");
	hd->typecode = HVM_SAVE_CODE(HEADER);
	hd->instance = 0;
	hd->length = sizeof(*hdr);
	hdr->magic = HVM_FILE_MAGIC;
	hdr->version = HVM_FILE_VERSION;
	hdr->changeset = 0x1122334455667788ULL;
	hdr->cpuid = 0x000906ea;
	hdr->gtsc_khz = 2400000;
	CHECK(read_u16(0) == 1 && read_u16(2) == 0 && read_u32(4) == 24,
	      "descriptor: typecode 0, instance 2, length 4 (HEADER = 1, 24 bytes)");
	CHECK(read_u32(8) == 0x54381286 && read_u32(12) == 1 && read_u64(16) == 0x1122334455667788ULL &&
		      read_u32(24) == 0x000906ea && read_u32(28) == 2400000,
	      "HEADER: magic 0x54381286 at 0, version 4, changeset 8, cpuid 16, gtsc_khz 20");

	cd->typecode = HVM_SAVE_CODE(CPU);
	cd->instance = 1;
	cd->length = sizeof(*cpu);
	cpu->rbx = 0x1000;
	cpu->r15 = 0xf15;
	cpu->rip = 0x1000000;
	cpu->rflags = 2;
	cpu->cr0 = 0x11;
	cpu->cr4 = 0x20;
	cpu->dr6 = 0xFFFF0FF0;
	cpu->dr7 = 0x400;
	cpu->cs_sel = 0x10;
	cpu->ldtr_sel = 0x18;
	cpu->cs_limit = 0xFFFFFFFF;
	cpu->ss_limit = 0xFFFFFFFE;
	cpu->tr_limit = 0x67;
	cpu->gdtr_limit = 0x27;
	cpu->cs_base = 0x1111;
	cpu->gdtr_base = 0x2222;
	cpu->cs_arbytes = 0xC9B;
	cpu->ss_arbytes = 0xC93;
	cpu->tr_arbytes = 0x8B;
	cpu->sysenter_cs = 0x33;
	cpu->shadow_gs = 0x44;
	cpu->msr_lstar = 0x55;
	cpu->msr_syscall_mask = 0x66;
	cpu->msr_efer = 0x500;
	cpu->msr_tsc_aux = 0x77;
	cpu->tsc = 0x88;
	cpu->pending_event = HVM_CPU_PENDING_VALID | HVM_CPU_PENDING_ERROR_VALID |
			     (3u << HVM_CPU_PENDING_TYPE_SHIFT) | 14;
	cpu->error_code = 0x99;
	cpu->flags = XEN_X86_FPU_INITIALISED;
	ed->typecode = HVM_SAVE_CODE(END);
	CHECK(read_u16(32) == 2 && read_u16(34) == 1 && read_u32(36) == 1032 && read_u64(40 + 1032) == 0,
	      "CPU descriptor (code 2, instance 1, length 1032), END is 8 zero bytes after the CPU body");
	CHECK(read_u64(c + 520) == 0x1000 && read_u64(c + 632) == 0xf15 && read_u64(c + 640) == 0x1000000 &&
		      read_u64(c + 648) == 2,
	      "CPU: rbx at 520, r15 at 632, rip 640, rflags 648");
	CHECK(read_u64(c + 656) == 0x11 && read_u64(c + 680) == 0x20 && read_u64(c + 720) == 0xFFFF0FF0 &&
		      read_u64(c + 728) == 0x400,
	      "CPU: cr0 656, cr4 680, dr6 720, dr7 728");
	CHECK(read_u32(c + 736) == 0x10 && read_u32(c + 764) == 0x18 && read_u32(c + 768) == 0xFFFFFFFF &&
		      read_u32(c + 788) == 0xFFFFFFFE && read_u32(c + 792) == 0x67 &&
		      read_u32(c + 804) == 0x27,
	      "CPU: selectors from 736 (ldtr 764), limits from 768 (ss 788, tr 792, gdtr 804)");
	CHECK(read_u64(c + 808) == 0x1111 && read_u64(c + 880) == 0x2222 && read_u32(c + 888) == 0xC9B &&
		      read_u32(c + 908) == 0xC93 && read_u32(c + 912) == 0x8B,
	      "CPU: bases from 808 (gdtr 880), arbytes from 888 (ss 908, tr 912)");
	CHECK(read_u64(c + 920) == 0x33 && read_u64(c + 944) == 0x44 && read_u64(c + 960) == 0x55 &&
		      read_u64(c + 984) == 0x66 && read_u64(c + 992) == 0x500 &&
		      read_u64(c + 1000) == 0x77 && read_u64(c + 1008) == 0x88,
	      "CPU: sysenter_cs 920, shadow_gs 944, lstar 960, syscall_mask 984, efer 992, tsc_aux 1000, tsc 1008");
	CHECK(page[c + 1016] == 14 && (page[c + 1017] & 7) == 3 && (page[c + 1017] & 8) &&
		      (page[c + 1019] & 0x80) && read_u32(c + 1020) == 0x99 && read_u32(c + 1024) == 1 &&
		      read_u32(c + 1028) == 0,
	      "CPU: pending_event at 1016 (vector byte 0, type bits 8-10, error_valid 11, valid 31), "
	      "error_code 1020, flags 1024, pad0 1028");

	md->typecode = HVM_SAVE_CODE(MTRR);
	md->instance = 1;
	md->length = sizeof(*mtrr);
	mtrr->msr_pat_cr = 0x0007040600070406ULL;
	mtrr->msr_mtrr_var[0] = 0x6;
	mtrr->msr_mtrr_var[MTRR_VCNT * 2 - 1] = 0x800;
	mtrr->msr_mtrr_fixed[0] = 0x0606060606060606ULL;
	mtrr->msr_mtrr_fixed[NUM_FIXED_MSR - 1] = 0x0505050505050505ULL;
	mtrr->msr_mtrr_cap = 0x508;
	mtrr->msr_mtrr_def_type = 0x806;
	CHECK(read_u16(2048) == 14 && read_u32(2048 + 4) == 240 && read_u64(2056) == 0x0007040600070406ULL &&
		      read_u64(2056 + 8) == 6 && read_u64(2056 + 128) == 0x800,
	      "MTRR (code 14, 240 bytes): pat at 0, var[16] from 8 (last at 128)");
	CHECK(read_u64(2056 + 136) == 0x0606060606060606ULL &&
		      read_u64(2056 + 216) == 0x0505050505050505ULL && read_u64(2056 + 224) == 0x508 &&
		      read_u64(2056 + 232) == 0x806,
	      "MTRR: fixed[11] from 136 (last at 216), cap 224, def_type 232");
}

/* A 64-bit blkfront's ring page (Linux drivers/block/xen-blkfront.c fills
 * it through Xen's io/blkif.h): the header, a read request in slot 1 and
 * an indirect one in slot 2, and a response in slot 0. */
static void check_blkif_ring(void)
{
	struct blkif_sring *sr = (struct blkif_sring *)page;
	const size_t slot = sizeof(union blkif_ring_entry);

	memset(page, 0, sizeof(page));
	sr->req_prod = 0x11223344;
	sr->rsp_event = 0x55667788;
	sr->ring[1].rw = (struct blkif_request_rw){ .operation = BLKIF_OP_READ, .nr_segments = 11,
		.handle = 0x1234, .id = 0x0102030405060708ull, .sector_number = 0x1122334455667788ull };
	sr->ring[1].rw.seg[10] = (struct blkif_segment){ .gref = 0xabcdef01, .first_sect = 3, .last_sect = 7 };
	sr->ring[2].indirect = (struct blkif_request_indirect){ .operation = BLKIF_OP_INDIRECT,
		.indirect_op = BLKIF_OP_WRITE, .nr_segments = 256, .id = 9, .sector_number = 10,
		.handle = 0x4321 };
	sr->ring[2].indirect.indirect_grefs[7] = 0x77777777;
	sr->ring[0].rsp = (struct blkif_response){ .id = 0xfeedull, .operation = BLKIF_OP_WRITE,
		.status = BLKIF_RSP_EOPNOTSUPP };
	CHECK(read_u32(0) == 0x11223344 && read_u32(12) == 0x55667788,
	      "sring: req_prod at 0, rsp_event at 12");
	CHECK(slot == 112 && BLKIF_SEGMENTS_PER_INDIRECT_PAGE == 512,
	      "blkif: a ring slot is 112 bytes, an indirect page holds 512 segments");
	CHECK(page[64 + slot] == 0 && page[64 + slot + 1] == 11 && read_u16(64 + slot + 2) == 0x1234 &&
	      read_u64(64 + slot + 8) == 0x0102030405060708ull &&
	      read_u64(64 + slot + 16) == 0x1122334455667788ull,
	      "blkif_request: operation 0, nr_segments 1, handle 2, id 8, sector_number 16");
	CHECK(read_u32(64 + slot + 24 + 80) == 0xabcdef01 && page[64 + slot + 24 + 84] == 3 &&
	      page[64 + slot + 24 + 85] == 7, "blkif_request: seg[10] at 104 (gref, first, last)");
	CHECK(page[64 + 2 * slot] == 6 && page[64 + 2 * slot + 1] == 1 &&
	      read_u16(64 + 2 * slot + 2) == 256 && read_u64(64 + 2 * slot + 8) == 9 &&
	      read_u64(64 + 2 * slot + 16) == 10 && read_u16(64 + 2 * slot + 24) == 0x4321 &&
	      read_u32(64 + 2 * slot + 28 + 28) == 0x77777777,
	      "blkif_request_indirect: op 0, indirect_op 1, nr_segments 2, id 8, sector 16, "
	      "handle 24, indirect_grefs 28");
	CHECK(read_u64(64) == 0xfeed && page[64 + 8] == BLKIF_OP_WRITE &&
	      read_u16(64 + 10) == (uint16_t)-2, "blkif_response: id 0, operation 8, status 10");
}

/* A console page as hvc_xen (Linux drivers/tty/hvc/hvc_xen.c) shares it:
 * the input ring, the output ring, then the four indexes. */
static void check_console_page(void)
{
	struct xencons_interface *intf = (struct xencons_interface *)page;

	memset(page, 0, sizeof(page));
	intf->in[1023] = 'i';
	intf->out[0] = 'o';
	intf->out[2047] = 'O';
	intf->in_cons = 0x01020304;
	intf->in_prod = 0x05060708;
	intf->out_cons = 0x090a0b0c;
	intf->out_prod = 0x0d0e0f10;
	CHECK(page[1023] == 'i' && page[1024] == 'o' && page[3071] == 'O',
	      "xencons_interface: in[1024] at 0, out[2048] at 1024");
	CHECK(read_u32(3072) == 0x01020304 && read_u32(3076) == 0x05060708 &&
	      read_u32(3080) == 0x090a0b0c && read_u32(3084) == 0x0d0e0f10,
	      "xencons_interface: in_cons 3072, in_prod 3076, out_cons 3080, out_prod 3084");
	CHECK(MASK_XENCONS_IDX(0x12345678u, intf->out) == 0x678 &&
	      MASK_XENCONS_IDX(0x12345678u, intf->in) == 0x278,
	      "MASK_XENCONS_IDX masks by the ring's size (2048 out, 1024 in)");
}

int main(void)
{
	check_shared_info();
	check_start_info();
	check_encodings();
	check_domctl();
	check_sysctl();
	check_hvm_context();
	check_blkif_ring();
	check_console_page();
	return check_exit();
}
