/*
 * Host tests of appliance/builder: the ELF loader on synthetic ELF32 and
 * ELF64 kernels, and the plan for 256 MiB domains with 1, 2 and 4 vCPUs
 * checked field by field against Xen 4.17's libxl/libxenguest layout
 * (shared/notes/xl-pvh-4.17.md 2d): e820, special pages and their HVM
 * params, start_info/modlist/cmdline/memmap bytes, ACPI tables and their
 * checksums, the CPU record, the grant entries; refusals name the thing.
 * The real kernels and every bzImage compression are run.sh's part.
 */
#include <stdlib.h>
#include <string.h>
#include <zlib.h>

#include "check.h"
#include "pvh_build.h"
#include "public/hvm/params.h"
#include "public/hvm/start_info.h"

#define KBASE 0x1000000u
#define KENTRY 0x1000040u

static uint32_t rd32(const uint8_t *p) { uint32_t v; memcpy(&v, p, 4); return v; }
static uint64_t rd64(const uint8_t *p) { uint64_t v; memcpy(&v, p, 8); return v; }
static void wr16(uint8_t *p, uint16_t v) { memcpy(p, &v, 2); }
static void wr32(uint8_t *p, uint32_t v) { memcpy(p, &v, 4); }
static void wr64(uint8_t *p, uint64_t v) { memcpy(p, &v, 8); }

/* Appends a "Xen" note; returns its size. */
static size_t put_note(uint8_t *p, uint32_t type, const void *desc, uint32_t descsz)
{
	wr32(p, 4);
	wr32(p + 4, descsz);
	wr32(p + 8, type);
	memcpy(p + 12, "Xen", 4);
	memcpy(p + 16, desc, descsz);
	return 16 + ((descsz + 3) & ~3u);
}

/*
 * A kernel ELF: one PT_LOAD of 0x100 file bytes (0xA5) and 0x2000 memory
 * bytes at KBASE, one PT_NOTE with PHYS32_ENTRY (if entry_note),
 * SUPPORTED_FEATURES (bit 15) and GUEST_OS "linux".
 */
static size_t make_elf(uint8_t *f, int wide, int entry_note)
{
	unsigned phoff = wide ? 64 : 52, phsz = wide ? 56 : 32;
	uint8_t notes[128];
	size_t nlen = 0;
	uint64_t entry = KENTRY;
	uint32_t feat = 1u << 15;

	memset(f, 0, 0x300);
	if (entry_note)
		nlen += put_note(notes + nlen, 18, &entry, 8);
	nlen += put_note(notes + nlen, 17, &feat, 4);
	nlen += put_note(notes + nlen, 6, "linux", 6);
	memcpy(f, "\177ELF", 4);
	f[4] = wide ? 2 : 1;
	f[5] = 1;
	f[6] = 1;
	wr16(f + 16, 2);
	wr16(f + 18, wide ? 62 : 3);
	wr16(f + (wide ? 54 : 42), (uint16_t)phsz);
	wr16(f + (wide ? 56 : 44), 2);
	uint8_t *load = f + phoff, *note = f + phoff + phsz;
	wr32(load, 1);
	wr32(note, 4);
	if (wide) {
		wr64(f + 32, phoff);
		wr64(load + 8, 0x200); wr64(load + 24, KBASE); wr64(load + 32, 0x100); wr64(load + 40, 0x2000);
		wr64(note + 8, 0x100); wr64(note + 32, nlen); wr64(note + 40, nlen);
	} else {
		wr32(f + 28, phoff);
		wr32(load + 4, 0x200); wr32(load + 12, KBASE); wr32(load + 16, 0x100); wr32(load + 20, 0x2000);
		wr32(note + 4, 0x100); wr32(note + 16, (uint32_t)nlen); wr32(note + 20, (uint32_t)nlen);
	}
	memcpy(f + 0x100, notes, nlen);
	memset(f + 0x200, 0xA5, 0x100);
	return 0x300;
}

static void test_elf(int wide)
{
	uint8_t f[0x300];
	size_t len = make_elf(f, wide, 1);
	struct pvh_kernel k;
	char err[256] = "";
	int bits = wide ? 64 : 32;

	int rc = pvh_image_load(f, len, &k, err, sizeof(err));
	if (!CHECK(rc == 0, "ELF%d kernel loads (%s)", bits, err))
		return;
	CHECK(k.pstart == KBASE && k.pend == KBASE + 0x2000 && k.phys_entry == KENTRY,
	      "ELF%d: segment [%#llx, %#llx), PHYS32_ENTRY %#x", bits,
	      (unsigned long long)k.pstart, (unsigned long long)k.pend, k.phys_entry);
	CHECK(k.image[0] == 0xA5 && k.image[0xFF] == 0xA5 && k.image[0x100] == 0 &&
	      k.image[0x1FFF] == 0, "ELF%d: file bytes copied, the rest of the segment zero", bits);
	CHECK(k.is_linux && k.features == 1u << 15 && !strcmp(k.format, wide ? "ELF64" : "ELF32"),
	      "ELF%d: GUEST_OS linux, SUPPORTED_FEATURES bit 15, format %s", bits, k.format);
	pvh_kernel_free(&k);

	make_elf(f, wide, 0);
	rc = pvh_image_load(f, len, &k, err, sizeof(err));
	CHECK(rc == -1 && strstr(err, "PHYS32_ENTRY"), "ELF%d without PHYS32_ENTRY refused: %s", bits, err);
	make_elf(f, wide, 1);
	rc = pvh_image_load(f, 0x280, &k, err, sizeof(err));
	CHECK(rc == -1 && strstr(err, "outside the file"), "ELF%d cut short refused: %s", bits, err);
}

static void test_not_a_kernel(void)
{
	uint8_t junk[4096];
	struct pvh_kernel k;
	char err[256] = "";

	memset(junk, 0x5A, sizeof(junk));
	CHECK(pvh_image_load(junk, sizeof(junk), &k, err, sizeof(err)) == -1 &&
	      strstr(err, "neither an ELF"), "random bytes refused: %s", err);
	memset(junk, 0, sizeof(junk));
	junk[0x1FE] = 0x55, junk[0x1FF] = 0xAA;
	memcpy(junk + 0x202, "HdrS", 4);
	wr16(junk + 0x206, 0x020F);
	junk[0x1F1] = 1;
	wr32(junk + 0x248, 0x100);
	wr32(junk + 0x24C, 0x10000);
	CHECK(pvh_image_load(junk, sizeof(junk), &k, err, sizeof(err)) == -1 &&
	      strstr(err, "past the end"), "bzImage whose payload runs past the file refused: %s", err);
	/* LZMA header asking for a 1 GiB dictionary, then the size trailer. */
	static const uint8_t lzma_hdr[13] = { 0x5D, 0, 0, 0, 0x40, 0xFF, 0xFF, 0xFF, 0xFF,
					      0xFF, 0xFF, 0xFF, 0xFF };
	memcpy(junk + 0x500, lzma_hdr, sizeof(lzma_hdr));
	wr32(junk + 0x500 + 64, 0x100000);
	wr32(junk + 0x24C, 68);
	CHECK(pvh_image_load(junk, sizeof(junk), &k, err, sizeof(err)) == -1 &&
	      strstr(err, "more than 256 MiB"), "LZMA payload asking for a 1 GiB dictionary refused: %s", err);
}

/* A kernel of `pages` pages at `base`, as the ELF loader would give it. */
static struct pvh_kernel fake_kernel(uint64_t base, uint64_t pages, int rsdp_unrestricted)
{
	struct pvh_kernel k = { 0 };

	k.image = calloc(pages, PVH_PAGE_SIZE);
	k.pstart = base;
	k.pend = base + pages * PVH_PAGE_SIZE;
	k.phys_entry = (uint32_t)base + 0x40;
	k.features = rsdp_unrestricted ? 1u << 15 : 0;
	k.is_linux = true;
	return k;
}

static uint8_t sum(const uint8_t *p, size_t n)
{
	uint8_t s = 0;
	while (n--)
		s = (uint8_t)(s + *p++);
	return s;
}

/* The table at gpa inside the tables region, NULL if it is not a whole checksummed table. */
static const uint8_t *table_at(const struct pvh_plan *p, uint64_t gpa, const char *sig)
{
	const struct pvh_region *t = pvh_plan_region(p, "acpi_tables");
	if (!t || gpa < t->gpa || gpa + 36 > t->gpa + t->len)
		return NULL;
	const uint8_t *tab = t->bytes + (gpa - t->gpa);
	uint32_t len = rd32(tab + 4);
	if (memcmp(tab, sig, 4) || gpa + len > t->gpa + t->len || sum(tab, len))
		return NULL;
	return tab;
}

static int rd16_ok(const uint8_t *fadt)
{
	return fadt[117] == 8 && fadt[118] == 0;   /* reset register: 8 bits at bit 0 */
}

static const uint8_t *table_at_raw(const struct pvh_plan *p, uint64_t gpa)
{
	const struct pvh_region *t = pvh_plan_region(p, "acpi_tables");
	return t && gpa >= t->gpa && gpa + 64 <= t->gpa + t->len ? t->bytes + (gpa - t->gpa) : NULL;
}

static int make_plan(struct pvh_kernel *k, const void *rd, size_t rd_len, unsigned mem_mib,
		     unsigned vcpus, unsigned max_vcpus, struct pvh_plan *p, char *err, size_t errlen)
{
	struct pvh_shape s = { mem_mib, vcpus, max_vcpus };
	return pvh_plan(k, rd, rd_len, "console=hvc0", &s, p, err, errlen);
}

static void check_e820_256m(const struct pvh_plan *p)
{
	uint64_t tables = (uint64_t)p->acpi_pages * PVH_PAGE_SIZE;
	CHECK(p->nr_e820 == 5, "256 MiB: 5 e820 entries (got %u)", p->nr_e820);
	CHECK(p->e820[0].addr == 0 && p->e820[0].size == 0x10000000 && p->e820[0].type == 1,
	      "e820[0] RAM [0, 0x10000000)");
	CHECK(p->e820[1].addr == 0xFEFF8000 && p->e820[1].size == 0x8000 && p->e820[1].type == 2,
	      "e820[1] RESERVED 0xFEFF8000 + 0x8000 (special pages)");
	CHECK(p->e820[2].addr == p->rsdp_gpa && p->e820[2].size == 64 && p->e820[2].type == 3 &&
	      p->rsdp_gpa == 0xFC000000 + (1 + (uint64_t)p->acpi_pages) * 0x1000,
	      "e820[2] ACPI RSDP, 64 bytes right after the tables (%#llx)",
	      (unsigned long long)p->rsdp_gpa);
	CHECK(p->e820[3].addr == 0xFC000000 && p->e820[3].size == 0x1000 && p->e820[3].type == 3,
	      "e820[3] ACPI info page 0xFC000000");
	CHECK(p->e820[4].addr == 0xFC001000 && p->e820[4].size == tables && p->e820[4].type == 3 &&
	      p->acpi_pages >= 1 && p->acpi_pages <= 16,
	      "e820[4] ACPI tables 0xFC001000, %u page(s)", p->acpi_pages);
}

static void check_params(const struct pvh_plan *p)
{
	static const struct pvh_param want[] = {
		{ HVM_PARAM_STORE_PFN, 0xFEFFC }, { HVM_PARAM_BUFIOREQ_PFN, 0xFEFFB },
		{ HVM_PARAM_IOREQ_PFN, 0xFEFFD }, { HVM_PARAM_CONSOLE_PFN, 0xFEFFF },
		{ HVM_PARAM_PAGING_RING_PFN, 0xFEFF8 }, { HVM_PARAM_MONITOR_RING_PFN, 0xFEFF9 },
		{ HVM_PARAM_SHARING_RING_PFN, 0xFEFFA }, { HVM_PARAM_IDENT_PT, 0xFEFFE000 },
	};
	int ok = p->nr_params == 8;
	for (unsigned i = 0; ok && i < 8; i++)
		ok = p->params[i].index == want[i].index && p->params[i].value == want[i].value;
	CHECK(ok, "HVM params: STORE 0xFEFFC, BUFIOREQ 0xFEFFB, IOREQ 0xFEFFD, CONSOLE 0xFEFFF, "
	      "rings 0xFEFF8-A, IDENT_PT 0xFEFFE000, in libxenguest's order");
	const struct pvh_region *sp = pvh_plan_region(p, "special");
	CHECK(sp && sp->gpa == 0xFEFF8000 && sp->size == 0x8000 && sp->own_pages &&
	      rd32(sp->bytes + 6 * 4096 + 4) == 0x4000E7 && rd32(sp->bytes + 7 * 4096) == 0 &&
	      rd32(sp->bytes) == 0,
	      "special pages 0xFEFF8-0xFEFFF populated apart, zero but the PSE identity directory");
	CHECK(p->grants[0].flags == 1 && p->grants[0].domid == 0 && p->grants[0].frame == 0xFEFFF &&
	      p->grants[1].flags == 1 && p->grants[1].domid == 0 && p->grants[1].frame == 0xFEFFC,
	      "grant entries 0 {permit, dom0, 0xFEFFF} and 1 {permit, dom0, 0xFEFFC}");
}

static void check_start_info(const struct pvh_plan *p, const struct pvh_kernel *k, size_t rd_len)
{
	const struct pvh_region *si = pvh_plan_region(p, "start_info");
	const struct pvh_region *rd = pvh_plan_region(p, "ramdisk");
	uint64_t rd_gpa = (k->pend + 4095) & ~4095ull;
	if (!CHECK(si && rd, "plan has start_info and ramdisk regions"))
		return;
	CHECK(rd->gpa == rd_gpa && rd->len == rd_len && si->gpa == rd_gpa + ((rd_len + 4095) & ~4095ull),
	      "ramdisk on the page after the kernel (%#llx), start info after it (%#llx)",
	      (unsigned long long)rd->gpa, (unsigned long long)si->gpa);
	const uint8_t *b = si->bytes;
	uint64_t gpa = si->gpa, modlist = gpa + 56 + 16, memmap = modlist + 64 + 2048;
	CHECK(rd32(b) == XEN_HVM_START_MAGIC_VALUE && rd32(b + 4) == 1 && rd32(b + 8) == 0 &&
	      rd32(b + 12) == 1, "start_info magic 0x336EC578, version 1, flags 0, 1 module");
	CHECK(rd64(b + 24) == gpa + 56 && !strcmp((const char *)b + 56, "console=hvc0") &&
	      b[56 + 12] == 0 && b[71] == 0, "cmdline right after the struct, NUL, padded to 8");
	CHECK(rd64(b + 16) == modlist && rd64(b + 72) == rd_gpa && rd64(b + 80) == rd_len &&
	      rd64(b + 88) == 0 && rd64(b + 96) == 0 && rd64(b + 104) == 0,
	      "modlist after the cmdline: {ramdisk gpa, exact size, no cmdline}, slot 1 empty");
	CHECK(rd64(b + 32) == p->rsdp_gpa, "rsdp_paddr = %#llx", (unsigned long long)p->rsdp_gpa);
	int mm_ok = rd64(b + 40) == memmap && rd32(b + 48) == p->nr_e820 && rd32(b + 52) == 0;
	for (unsigned i = 0; mm_ok && i < p->nr_e820; i++) {
		const uint8_t *e = b + (memmap - gpa) + 24 * i;
		mm_ok = rd64(e) == p->e820[i].addr && rd64(e + 8) == p->e820[i].size &&
			rd32(e + 16) == p->e820[i].type && rd32(e + 20) == 0;
	}
	CHECK(mm_ok, "memmap after 2 modlist entries + 2 KiB of module cmdlines, = the e820");
	CHECK(si->len == 56 + 16 + 64 + 2048 + 24 * p->nr_e820, "start info is %zu bytes", si->len);
}

static void check_cpu(const struct pvh_plan *p, const struct pvh_kernel *k)
{
	const struct hvm_hw_cpu *c = &p->cpu;
	struct hvm_hw_cpu want = { 0 };
	want.rip = k->phys_entry;
	want.rbx = p->start_info_gpa;
	want.cr0 = 0x11;
	want.dr6 = 0xFFFF0FF0;
	want.dr7 = 0x400;
	want.cs_limit = want.ds_limit = want.es_limit = want.ss_limit = 0xFFFFFFFF;
	want.cs_arbytes = 0xC9B;
	want.ds_arbytes = want.es_arbytes = want.ss_arbytes = 0xC93;
	want.tr_limit = 0x67;
	want.tr_arbytes = 0x8B;
	CHECK(c->rip == k->phys_entry && c->rbx == p->start_info_gpa,
	      "CPU: rip = PHYS32_ENTRY, rbx = start info");
	CHECK(!memcmp(c, &want, sizeof(want)), "CPU record: cr0 0x11, dr6/dr7, flat cs 0xC9B "
	      "ds/es/ss 0xC93, tr 0x67/0x8B, all else zero (FPU uninitialised)");
	struct hvm_save_header h = { 0x54381286, 1, 7, 0x800F10, 2000000 };
	uint8_t buf[PVH_CPU_CONTEXT_SIZE];
	size_t n = pvh_plan_cpu_context(p, &h, buf);
	CHECK(n == 8 + 24 + 8 + 1032 + 8 && rd32(buf) == 1 && rd32(buf + 4) == 24 &&
	      !memcmp(buf + 8, &h, 24) && rd32(buf + 32) == 2 && rd32(buf + 36) == 1032 &&
	      !memcmp(buf + 40, c, 1032) && rd32(buf + 1072) == 0 && rd32(buf + 1076) == 0,
	      "sethvmcontext blob: HEADER(copied) + CPU(0) + END, %zu bytes", n);
	CHECK(p->mtrr_def_type == 0x806, "MTRR def_type 0x806 (write-back, enabled)");
}

/* RSDP -> XSDT/RSDT -> FADTs, MADT, DSDT, FACS; every checksum. */
static void check_acpi(const struct pvh_plan *p, unsigned vcpus, unsigned max_vcpus)
{
	const struct pvh_region *r = pvh_plan_region(p, "rsdp"), *info = pvh_plan_region(p, "acpi_info");
	if (!CHECK(r && info && r->gpa == p->rsdp_gpa, "plan has rsdp and acpi_info regions"))
		return;
	const uint8_t *rs = r->bytes;
	CHECK(!memcmp(rs, "RSD PTR ", 8) && rs[15] == 2 && rd32(rs + 20) == 36 && !sum(rs, 20) &&
	      !sum(rs, 36) && !memcmp(rs + 9, "Xen", 3), "RSDP: revision 2, length 36, both checksums");
	const uint8_t *xsdt = table_at(p, rd64(rs + 24), "XSDT"), *rsdt = table_at(p, rd32(rs + 16), "RSDT");
	if (!CHECK(xsdt && rsdt && rd32(xsdt + 4) == 52 && rd32(rsdt + 4) == 44,
		   "XSDT (2 entries) and RSDT (2 entries) found, checksums good"))
		return;
	const uint8_t *fadt = table_at(p, rd64(xsdt + 36), "FACP"), *madt = table_at(p, rd64(xsdt + 44), "APIC");
	const uint8_t *fadt1 = table_at(p, rd32(rsdt + 36), "FACP");
	if (!CHECK(fadt && madt && fadt1 && rd32(rsdt + 40) == rd64(xsdt + 44),
		   "XSDT -> FADT rev 5 + MADT; RSDT -> FADT rev 1 + the same MADT"))
		return;
	CHECK(rd32(fadt + 4) == 268 && fadt[8] == 5 && rd32(fadt1 + 4) == 116 && fadt1[8] == 1,
	      "FADT 268 bytes revision 5; FADT 1.0 116 bytes revision 1");
	CHECK(rd32(fadt + 112) == 0x8175 && fadt[109] == 0x24 && rd32(fadt + 76) == 0 && fadt[91] == 0 &&
	      rd32(fadt + 56) == 0xB000 && rd32(fadt + 64) == 0xB004 && fadt[116] == 1 &&
	      rd64(fadt + 120) == 0xCF9 && fadt[128] == 6 && rd16_ok(fadt),
	      "FADT: flags 0x8175, no VGA/CMOS RTC, no PM timer, PM1a 0xB000/0xB004, reset 0xCF9=6");
	const uint8_t *dsdt = table_at(p, rd32(fadt + 40), "DSDT");
	const uint8_t *facs = table_at_raw(p, rd32(fadt + 36));
	CHECK(dsdt && rd64(fadt + 140) == rd32(fadt + 40) && rd32(fadt1 + 40) == rd32(fadt + 40) &&
	      facs && !memcmp(facs, "FACS", 4) && rd32(facs + 4) == 64 && (rd32(fadt + 36) & 63) == 0 &&
	      rd64(fadt + 132) == rd32(fadt + 36), "DSDT and 64-aligned FACS linked from both FADTs");
	char last[5], past[5];
	snprintf(last, 5, "PR%02X", max_vcpus - 1);
	snprintf(past, 5, "PR%02X", max_vcpus);
	CHECK(dsdt && memmem(dsdt, rd32(dsdt + 4), "BIOS", 4) && memmem(dsdt, rd32(dsdt + 4), last, 4) &&
	      !memmem(dsdt, rd32(dsdt + 4), past, 4), "DSDT: BIOS region, processors PR00..%s", last);
	/* each processor's _MAT: its MADT entry, enabled (name, BufferOp, len 11, size 8) */
	bool mats_ok = dsdt != NULL;
	for (unsigned i = 0; mats_ok && i < max_vcpus; i++) {
		const uint8_t want[] = { '_', 'M', 'A', 'T', 0x11, 11, 0x0A, 8, 0, 8, (uint8_t)i,
					 (uint8_t)(2 * i), 1, 0, 0, 0 };
		const uint8_t sta[] = { '_', 'S', 'T', 'A', 0x0A, 0x0F, 0x08 };
		mats_ok = memmem(dsdt, rd32(dsdt + 4), want, sizeof(want)) &&
			  memmem(dsdt, rd32(dsdt + 4), sta, sizeof(sta));
	}
	CHECK(mats_ok, "DSDT: every processor is present (_STA) with its MADT entry enabled (_MAT): vcpu-set can add it");
	int lapics_ok = rd32(madt + 4) == 44 + 8 * max_vcpus && rd32(madt + 36) == 0xFEE00000 &&
			rd32(madt + 40) == 1;
	for (unsigned i = 0; lapics_ok && i < max_vcpus; i++) {
		const uint8_t *l = madt + 44 + 8 * i;
		lapics_ok = l[0] == 0 && l[1] == 8 && l[2] == i && l[3] == 2 * i &&
			    rd32(l + 4) == (i < vcpus ? 1u : 0u);
	}
	CHECK(lapics_ok, "MADT: %u LAPICs, APIC id 2*vCPU, %u enabled", max_vcpus, vcpus);
	uint64_t madt_gpa = rd64(xsdt + 44);
	CHECK(info->gpa == 0xFC000000 && info->own_pages && info->bytes[2] == max_vcpus &&
	      rd32(info->bytes + 12) == madt_gpa + 9 && rd32(info->bytes + 16) == madt_gpa + 44,
	      "ACPI info page: nr_cpus, MADT checksum and LAPIC0 addresses");
}

static void test_plan_256m_1vcpu(void)
{
	struct pvh_kernel k = fake_kernel(KBASE, 2048, 1);
	static uint8_t rd[300000];
	struct pvh_plan p;
	char err[256] = "";

	memset(rd, 0x3C, sizeof(rd));
	if (!CHECK(make_plan(&k, rd, sizeof(rd), 256, 1, 1, &p, err, sizeof(err)) == 0,
		   "256 MiB / 1 vCPU plan builds (%s)", err))
		return;
	CHECK(p.total_pages == 65536 && p.nr_ram == 1 && p.ram[0].gfn == 0 && p.ram[0].nr_pages == 65536,
	      "RAM: 65536 pages from gfn 0, no highmem");
	CHECK(p.max_mem_kib == 263168 && p.paging_mempool_bytes == 2097152,
	      "max_mem 263168 KiB, paging mempool 2 MiB (note steps 13, 17)");
	const struct pvh_region *kr = pvh_plan_region(&p, "kernel");
	CHECK(kr && kr->gpa == KBASE && kr->size == 2048 * 4096ull && kr->bytes == k.image && !kr->own_pages,
	      "kernel region at its ELF paddr 0x1000000");
	check_e820_256m(&p);
	check_params(&p);
	check_start_info(&p, &k, sizeof(rd));
	check_cpu(&p, &k);
	check_acpi(&p, 1, 1);
	pvh_plan_free(&p);
	pvh_kernel_free(&k);
}

static void test_plan_vcpus(void)
{
	struct pvh_kernel k = fake_kernel(KBASE, 16, 1);
	struct pvh_plan p;
	char err[256] = "";

	if (CHECK(make_plan(&k, NULL, 0, 256, 2, 2, &p, err, sizeof(err)) == 0, "2 vCPU plan (%s)", err)) {
		check_e820_256m(&p);
		check_acpi(&p, 2, 2);
		CHECK(p.paging_mempool_bytes == 3145728, "paging mempool 3 MiB for 2 vCPUs");
		const struct pvh_region *si = pvh_plan_region(&p, "start_info");
		CHECK(!pvh_plan_region(&p, "ramdisk") && si->gpa == KBASE + 16 * 4096 &&
		      rd32(si->bytes + 12) == 0 && rd64(si->bytes + 16) == 0,
		      "no ramdisk: start info right after the kernel, no modules");
		pvh_plan_free(&p);
	}
	if (CHECK(make_plan(&k, NULL, 0, 256, 2, 4, &p, err, sizeof(err)) == 0, "vcpus=2 maxvcpus=4 (%s)", err)) {
		check_acpi(&p, 2, 4);
		pvh_plan_free(&p);
	}
	pvh_kernel_free(&k);
}

static void test_plan_rsdp_low(void)
{
	struct pvh_kernel k = fake_kernel(KBASE, 16, 0);
	struct pvh_plan p;
	char err[256] = "";

	if (!CHECK(make_plan(&k, NULL, 0, 256, 1, 1, &p, err, sizeof(err)) == 0, "plan (%s)", err))
		return;
	const struct pvh_region *r = pvh_plan_region(&p, "rsdp");
	CHECK(p.rsdp_gpa == 0xFFFC0 && r->gpa == 0xFFFC0 && !r->own_pages && p.e820[2].addr == 0xFF000 &&
	      p.e820[2].size == 0x1000, "Linux without XENFEAT_linux_rsdp_unrestricted: RSDP at 0xFFFC0 "
	      "(in RAM), e820 ACPI [0xFF000, +0x1000)");
	pvh_plan_free(&p);
	pvh_kernel_free(&k);
}

static void test_plan_refusals(void)
{
	struct pvh_kernel k = fake_kernel(KBASE, 16, 1);
	struct pvh_kernel hole = fake_kernel(0xFBFF0000, 32, 1);
	static uint8_t big[4 << 20];
	struct pvh_plan p;
	char err[256] = "";

	CHECK(make_plan(&k, NULL, 0, 16, 1, 1, &p, err, sizeof(err)) == -1 && strstr(err, "kernel:") &&
	      strstr(err, "16 MiB"), "16 MiB domain, kernel at 16 MiB refused: %s", err);
	CHECK(make_plan(&hole, NULL, 0, 8192, 1, 1, &p, err, sizeof(err)) == -1 && strstr(err, "MMIO hole"),
	      "kernel reaching into the MMIO hole refused: %s", err);
	CHECK(make_plan(&k, big, sizeof(big), 20, 1, 1, &p, err, sizeof(err)) == -1 &&
	      strstr(err, "ramdisk:"), "ramdisk past the end of RAM refused: %s", err);
	CHECK(make_plan(&k, NULL, 0, 256, 0, 1, &p, err, sizeof(err)) == -1 && strstr(err, "vcpus=0"),
	      "vcpus=0 refused: %s", err);
	CHECK(make_plan(&k, NULL, 0, 256, 2, 1, &p, err, sizeof(err)) == -1 && strstr(err, "maxvcpus=1"),
	      "maxvcpus < vcpus refused: %s", err);
	CHECK(make_plan(&k, NULL, 0, 256, 129, 129, &p, err, sizeof(err)) == -1,
	      "more than 128 vCPUs refused: %s", err);
	pvh_kernel_free(&k);
	pvh_kernel_free(&hole);
}

static size_t gzip_buf(const uint8_t *in, size_t len, uint8_t *out, size_t max)
{
	z_stream zs = { 0 };
	deflateInit2(&zs, 9, Z_DEFLATED, 16 + MAX_WBITS, 8, Z_DEFAULT_STRATEGY);
	zs.next_in = (Bytef *)in;
	zs.avail_in = (uInt)len;
	zs.next_out = out;
	zs.avail_out = (uInt)max;
	deflate(&zs, Z_FINISH);
	size_t n = zs.total_out;
	deflateEnd(&zs);
	return n;
}

static void test_plan_gzip_ramdisk(void)
{
	struct pvh_kernel k = fake_kernel(KBASE, 16, 1);
	static uint8_t raw[200000], gz[200000];
	struct pvh_plan p;
	char err[256] = "";

	for (size_t i = 0; i < sizeof(raw); i++)
		raw[i] = (uint8_t)(i * 7 / 13);
	size_t gz_len = gzip_buf(raw, sizeof(raw), gz, sizeof(gz));
	if (CHECK(make_plan(&k, gz, gz_len, 256, 1, 1, &p, err, sizeof(err)) == 0, "gzip ramdisk plan (%s)", err)) {
		const struct pvh_region *rd = pvh_plan_region(&p, "ramdisk");
		const struct pvh_region *si = pvh_plan_region(&p, "start_info");
		CHECK(rd->len == sizeof(raw) && !memcmp(rd->bytes, raw, sizeof(raw)) &&
		      rd64(si->bytes + 80) == sizeof(raw) &&
		      rd->size == ((sizeof(raw) + 16 + 4095) & ~4095ull),
		      "gzip ramdisk gunzipped (%zu -> %zu bytes), segment unzipped + 16 rounded up",
		      gz_len, rd->len);
		pvh_plan_free(&p);
	}
	wr32(gz + gz_len - 4, 0x40000001);
	if (CHECK(make_plan(&k, gz, gz_len, 256, 1, 1, &p, err, sizeof(err)) == 0, "plan (%s)", err)) {
		const struct pvh_region *rd = pvh_plan_region(&p, "ramdisk");
		CHECK(rd->len == gz_len && rd->bytes == gz,
		      "gzip claiming more than 1 GiB (XC_DOM_DECOMPRESS_MAX) is passed on as it is");
		pvh_plan_free(&p);
	}
	wr32(gz + gz_len - 4, sizeof(raw));
	gz[gz_len / 2] ^= 0xFF;
	if (CHECK(make_plan(&k, gz, gz_len, 256, 1, 1, &p, err, sizeof(err)) == 0, "plan (%s)", err)) {
		const struct pvh_region *rd = pvh_plan_region(&p, "ramdisk");
		CHECK(rd->len == gz_len && rd->bytes == gz, "a corrupt gzip ramdisk is passed on as it is");
		pvh_plan_free(&p);
	}
	pvh_kernel_free(&k);
}

static void test_plan_highmem(void)
{
	struct pvh_kernel k = fake_kernel(KBASE, 16, 1);
	struct pvh_plan p;
	char err[256] = "";

	if (!CHECK(make_plan(&k, NULL, 0, 5120, 1, 1, &p, err, sizeof(err)) == 0, "5 GiB plan (%s)", err))
		return;
	uint64_t high = 5120ull * 1024 * 1024 - 0xFC000000;
	CHECK(p.nr_e820 == 6 && p.e820[0].size == 0xFC000000 && p.e820[5].addr == 1ull << 32 &&
	      p.e820[5].size == high && p.e820[5].type == 1 && p.nr_ram == 2 &&
	      p.ram[1].gfn == 0x100000 && p.ram[1].nr_pages == high / 4096 && p.total_pages == 5120 * 256,
	      "5 GiB: RAM below the hole to 0xFC000000, the rest from 4 GiB (e820 and ram ranges)");
	pvh_plan_free(&p);
	pvh_kernel_free(&k);
}

int main(void)
{
	test_elf(1);
	test_elf(0);
	test_not_a_kernel();
	test_plan_256m_1vcpu();
	test_plan_vcpus();
	test_plan_rsdp_low();
	test_plan_refusals();
	test_plan_gzip_ramdisk();
	test_plan_highmem();
	return check_exit();
}
