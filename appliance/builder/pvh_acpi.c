/*
 * The ACPI tables libxl builds for a PVH guest (libxl_x86_acpi.c with
 * libacpi's build.c and static_tables.c, Xen 4.17; layouts from ACPI 6.4
 * chapter 5.2), laid out with the same allocator rules: tables from
 * 0xFC001000 upwards, each start aligned to max(16, its alignment) above
 * the previous table's last byte, in the order FACS (64-aligned), DSDT,
 * FADT revision 1 (for the RSDT), FADT revision 5, MADT, XSDT, RSDT.
 * No table flags are set for PVH: no I/O APIC, HPET, PM timer, VGA or
 * CMOS RTC; the FADT keeps libacpi's PM1a blocks and 0xCF9 reset
 * register.  The MADT lists max_vcpus local APICs (APIC id 2 * vCPU),
 * those past `vcpus` disabled (as stable-4.17 does).  The info page at
 * 0xFC000000 is struct acpi_info, which the DSDT's BIOS region reads.
 */
#include <stdlib.h>

#include "pvh_internal.h"
#include "public/features.h"

#define HDR_LEN 36
#define HDR_CHECKSUM 9
#define FACS_LEN 64
#define FADT1_LEN 116
#define FADT5_LEN 268
#define MADT_FIXED_LEN 44
#define MADT_LAPIC_LEN 8
#define RSDP_V1_LEN 20
#define RSDP_LEN 36
#define LAPIC_BASE 0xFEE00000u
#define PM1A_EVT_BLK 0xB000u      /* ACPI_PM1A_EVT_BLK_ADDRESS_V1, public/hvm/ioreq.h */
#define PM1A_CNT_BLK 0xB004u
#define PM_TMR_BLK 0xB008u
#define GPE0_BLK 0xAFE0u
#define FADT_FLAGS_BASE 0x8145u   /* PROC_C1 | WBINVD | FIX_RTC | TMR_VAL_EXT | USE_PLATFORM_CLOCK */
#define FADT_PWR_SLP_BUTTON 0x30u /* no fixed power/sleep buttons */
#define BOOT_ARCH_NO_VGA 0x04u
#define BOOT_ARCH_NO_CMOS_RTC 0x20u
#define GAS_SYSTEM_IO 1

struct acpi_alloc {
	uint8_t *base;
	uint64_t curr;            /* guest address of the last byte handed out */
	uint64_t end;
};

static uint8_t *acpi_take(struct acpi_alloc *al, uint32_t size, uint32_t align, uint64_t *gpa)
{
	if (align < 16)
		align = 16;
	uint64_t start = pvh_round_up(al->curr, align);
	if (start + size > al->end)
		return NULL;
	al->curr = start + size - 1;
	*gpa = start;
	return al->base + (start - PVH_ACPI_TABLES_GPA);
}

static uint8_t acpi_sum(const uint8_t *p, size_t len)
{
	uint8_t sum = 0;

	for (size_t i = 0; i < len; i++)
		sum = (uint8_t)(sum + p[i]);
	return sum;
}

static void acpi_header(uint8_t *t, const char sig[4], uint32_t len, uint8_t rev)
{
	memcpy(t, sig, 4);
	pvh_put32(t + 4, len);
	t[8] = rev;
	memcpy(t + 10, "Xen", 3);          /* OEM id, zero padded */
	memcpy(t + 16, "HVM", 3);          /* OEM table id */
	memcpy(t + 28, "HVML", 4);         /* creator id; revisions 0 */
}

static void acpi_seal(uint8_t *t)
{
	t[HDR_CHECKSUM] = 0;
	t[HDR_CHECKSUM] = (uint8_t)-acpi_sum(t, pvh_le32(t + 4));
}

static void put_gas(uint8_t *g, uint8_t bits, uint64_t addr)
{
	g[0] = GAS_SYSTEM_IO;
	g[1] = bits;
	pvh_put64(g + 4, addr);
}

/* The fields both FADT revisions share (offsets 36-115). */
static void fadt_common(uint8_t *f, uint32_t facs, uint32_t dsdt, bool pm_timer)
{
	pvh_put32(f + 36, facs);
	pvh_put32(f + 40, dsdt);
	pvh_put16(f + 46, 9);                  /* SCI_INT */
	pvh_put32(f + 56, PM1A_EVT_BLK);
	pvh_put32(f + 64, PM1A_CNT_BLK);
	pvh_put32(f + 76, pm_timer ? PM_TMR_BLK : 0);
	pvh_put32(f + 80, GPE0_BLK);
	f[88] = 4;                             /* PM1_EVT_LEN */
	f[89] = 2;                             /* PM1_CNT_LEN */
	f[91] = pm_timer ? 4 : 0;              /* PM_TMR_LEN */
	f[92] = 4;                             /* GPE0_BLK_LEN */
	pvh_put16(f + 96, 0x0FFF);             /* P_LVL2_LAT: no C2 */
	pvh_put16(f + 98, 0x0FFF);             /* P_LVL3_LAT: no C3 */
}

static void build_fadt1(uint8_t *f, uint32_t facs, uint32_t dsdt)
{
	acpi_header(f, "FACP", FADT1_LEN, 1);
	fadt_common(f, facs, dsdt, true);
	pvh_put32(f + 112, FADT_FLAGS_BASE);
	acpi_seal(f);
}

static void build_fadt5(uint8_t *f, uint32_t facs, uint32_t dsdt)
{
	acpi_header(f, "FACP", FADT5_LEN, 5);
	fadt_common(f, facs, dsdt, false);
	pvh_put16(f + 109, BOOT_ARCH_NO_VGA | BOOT_ARCH_NO_CMOS_RTC);
	pvh_put32(f + 112, FADT_FLAGS_BASE | FADT_PWR_SLP_BUTTON);
	put_gas(f + 116, 8, 0xCF9);            /* RESET_REG */
	f[128] = 6;                            /* RESET_VALUE */
	pvh_put64(f + 132, facs);              /* X_FIRMWARE_CTRL */
	pvh_put64(f + 140, dsdt);              /* X_DSDT */
	put_gas(f + 148, 32, PM1A_EVT_BLK);
	put_gas(f + 172, 16, PM1A_CNT_BLK);
	acpi_seal(f);
}

static void build_madt(uint8_t *m, const struct pvh_shape *shape, uint64_t gpa, uint8_t *info)
{
	uint32_t len = MADT_FIXED_LEN + MADT_LAPIC_LEN * shape->max_vcpus;

	acpi_header(m, "APIC", len, 2);
	pvh_put32(m + 36, LAPIC_BASE);
	pvh_put32(m + 40, 1);                  /* PCAT_COMPAT */
	for (unsigned i = 0; i < shape->max_vcpus; i++) {
		uint8_t *l = m + MADT_FIXED_LEN + MADT_LAPIC_LEN * i;
		l[0] = 0;                      /* processor local APIC */
		l[1] = MADT_LAPIC_LEN;
		l[2] = (uint8_t)i;             /* ACPI processor UID */
		l[3] = (uint8_t)(2 * i);       /* APIC id */
		pvh_put32(l + 4, i < shape->vcpus ? 1 : 0);
	}
	acpi_seal(m);
	pvh_put16(info + 2, (uint16_t)shape->max_vcpus);      /* nr_cpus */
	pvh_put32(info + 12, (uint32_t)gpa + HDR_CHECKSUM);   /* madt_csum_addr */
	pvh_put32(info + 16, (uint32_t)gpa + MADT_FIXED_LEN); /* madt_lapic0_addr */
}

static void build_sdt(uint8_t *t, const char sig[4], unsigned width, const uint64_t *entries,
		      unsigned n)
{
	acpi_header(t, sig, HDR_LEN + width * n, 1);
	for (unsigned i = 0; i < n; i++) {
		if (width == 8)
			pvh_put64(t + HDR_LEN + 8 * i, entries[i]);
		else
			pvh_put32(t + HDR_LEN + 4 * i, (uint32_t)entries[i]);
	}
	acpi_seal(t);
}

static void build_rsdp(uint8_t *r, uint64_t rsdt, uint64_t xsdt)
{
	memcpy(r, "RSD PTR ", 8);
	memcpy(r + 9, "Xen", 3);
	r[15] = 2;                             /* revision: ACPI 2.0+ */
	pvh_put32(r + 16, (uint32_t)rsdt);
	pvh_put32(r + 20, RSDP_LEN);
	pvh_put64(r + 24, xsdt);
	r[8] = (uint8_t)-acpi_sum(r, RSDP_V1_LEN);
	r[32] = (uint8_t)-acpi_sum(r, RSDP_LEN);
}

/* The DSDT: header here, body from pvh_dsdt_build. */
static int build_dsdt(struct acpi_alloc *al, unsigned nr_cpus, uint64_t *gpa)
{
	uint8_t body[PVH_PAGE_SIZE * 4];
	size_t len = pvh_dsdt_build(body, sizeof(body), nr_cpus);
	uint8_t *t = len ? acpi_take(al, (uint32_t)len, 16, gpa) : NULL;

	if (!t)
		return -1;
	memcpy(t, body, len);
	acpi_header(t, "DSDT", (uint32_t)len, 5);
	acpi_seal(t);
	return 0;
}

static int build_tables(struct acpi_alloc *al, const struct pvh_shape *shape, struct pvh_acpi *acpi)
{
	uint64_t facs, dsdt, fadt1, fadt5, madt, xsdt, rsdt;
	uint8_t *t = acpi_take(al, FACS_LEN, 64, &facs);

	if (!t)
		return -1;
	memcpy(t, "FACS", 4);
	pvh_put32(t + 4, FACS_LEN);
	t[32] = 1;                             /* version */
	if (build_dsdt(al, shape->max_vcpus, &dsdt) ||
	    !(t = acpi_take(al, FADT1_LEN, 16, &fadt1)))
		return -1;
	build_fadt1(t, (uint32_t)facs, (uint32_t)dsdt);
	if (!(t = acpi_take(al, FADT5_LEN, 16, &fadt5)))
		return -1;
	build_fadt5(t, (uint32_t)facs, (uint32_t)dsdt);
	if (!(t = acpi_take(al, MADT_FIXED_LEN + MADT_LAPIC_LEN * shape->max_vcpus, 16, &madt)))
		return -1;
	build_madt(t, shape, madt, acpi->info);
	const uint64_t x_entries[2] = { fadt5, madt }, r_entries[2] = { fadt1, madt };
	if (!(t = acpi_take(al, HDR_LEN + 8 * 2, 16, &xsdt)))
		return -1;
	build_sdt(t, "XSDT", 8, x_entries, 2);
	if (!(t = acpi_take(al, HDR_LEN + 4 * 2, 16, &rsdt)))
		return -1;
	build_sdt(t, "RSDT", 4, r_entries, 2);
	build_rsdp(acpi->rsdp, rsdt, xsdt);
	return 0;
}

int pvh_acpi_build(const struct pvh_shape *shape, struct pvh_acpi *acpi, char *err, size_t errlen)
{
	memset(acpi, 0, sizeof(*acpi));
	acpi->tables = calloc(PVH_ACPI_MAX_PAGES, PVH_PAGE_SIZE);
	if (!acpi->tables)
		return pvh_fail(err, errlen, "ACPI: out of memory");
	struct acpi_alloc al = { acpi->tables, PVH_ACPI_TABLES_GPA,
				 PVH_ACPI_TABLES_GPA + PVH_ACPI_MAX_PAGES * PVH_PAGE_SIZE };
	if (build_tables(&al, shape, acpi)) {
		pvh_acpi_free(acpi);
		return pvh_fail(err, errlen, "ACPI: tables for %u vCPUs exceed %u pages",
				shape->max_vcpus, PVH_ACPI_MAX_PAGES);
	}
	acpi->pages = (unsigned)((pvh_round_up(al.curr, PVH_PAGE_SIZE) - PVH_ACPI_TABLES_GPA) /
				 PVH_PAGE_SIZE);
	return 0;
}

void pvh_acpi_free(struct pvh_acpi *acpi)
{
	free(acpi->tables);
	acpi->tables = NULL;
}

/*
 * libxl puts the RSDP right after the tables, unless the kernel is Linux
 * without XENFEAT_linux_rsdp_unrestricted: then in the last 64 bytes
 * below 1 MiB, where the legacy search finds it.
 */
uint64_t pvh_acpi_rsdp_gpa(const struct pvh_kernel *k, unsigned pages)
{
	if (!k->is_linux || (k->features >> XENFEAT_linux_rsdp_unrestricted & 1))
		return PVH_ACPI_INFO_GPA + (1 + (uint64_t)pages) * PVH_PAGE_SIZE;
	return 0x100000 - 64;
}
