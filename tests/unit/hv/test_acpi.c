/* hv/arch/x86/acpi.c on synthetic ACPI tables, and on corrupted ones. */
#include "check.h"
#include "fake_phys.h"
#include "acpi.h"

#define RSDP_PA 0xe0010
#define XSDT_PA 0x10000
#define RSDT_PA 0x10800
#define MADT_PA 0x11000
#define HPET_PA 0x12000
#define FADT_PA 0x13000
#define DSDT_PA 0x14000

static void fix_checksum(uint64_t pa, uint32_t len, uint32_t sum_off)
{
	uint8_t sum = 0;
	fake_phys[pa + sum_off] = 0;
	for (uint32_t i = 0; i < len; i++)
		sum += fake_phys[pa + i];
	fake_phys[pa + sum_off] = (uint8_t)-sum;
}

static void header(uint64_t pa, const char *sig, uint32_t len)
{
	memcpy(fake_phys + pa, sig, 4);
	put32(pa + 4, len);
	fake_phys[pa + 8] = 1;
	memcpy(fake_phys + pa + 10, "BASTN ", 6);
}

static uint32_t madt_build(void)
{
	static const uint8_t entries[] = {
		0, 8, 0, 0, 1, 0, 0, 0,          /* LAPIC id 0, enabled */
		0, 8, 1, 1, 1, 0, 0, 0,          /* LAPIC id 1, enabled */
		0, 8, 2, 2, 0, 0, 0, 0,          /* LAPIC id 2, disabled */
		9, 16, 0, 0, 44, 1, 0, 0, 1, 0, 0, 0, 3, 0, 0, 0, /* x2APIC id 300 */
		1, 12, 5, 0, 0, 0, 0xc0, 0xfe, 0, 0, 0, 0, /* IOAPIC 5 at fec00000 */
		2, 10, 0, 0, 2, 0, 0, 0, 0, 0,   /* IRQ0 -> GSI 2 */
	};
	uint32_t len = 44 + sizeof(entries);
	header(MADT_PA, "APIC", len);
	put32(MADT_PA + 36, 0xfee00000);
	put32(MADT_PA + 40, 1);
	memcpy(fake_phys + MADT_PA + 44, entries, sizeof(entries));
	fix_checksum(MADT_PA, len, 9);
	return len;
}

static void build_tables(void)
{
	memset(fake_phys, 0, sizeof(fake_phys));
	put32(0x40e, 0x9fc0); /* EBDA at 0x9fc00, holding no RSDP */
	uint8_t *r = fake_phys + RSDP_PA;
	memcpy(r, "RSD PTR ", 8);
	r[15] = 2;
	put32(RSDP_PA + 16, RSDT_PA);
	put32(RSDP_PA + 20, 36);
	put64(RSDP_PA + 24, XSDT_PA);
	fix_checksum(RSDP_PA, 20, 8);
	fix_checksum(RSDP_PA, 36, 32);
	header(XSDT_PA, "XSDT", 36 + 24);
	put64(XSDT_PA + 36, MADT_PA); put64(XSDT_PA + 44, HPET_PA); put64(XSDT_PA + 52, FADT_PA);
	fix_checksum(XSDT_PA, 60, 9);
	header(RSDT_PA, "RSDT", 36 + 12);
	put32(RSDT_PA + 36, MADT_PA); put32(RSDT_PA + 40, HPET_PA); put32(RSDT_PA + 44, FADT_PA);
	fix_checksum(RSDT_PA, 48, 9);
	madt_build();
	header(HPET_PA, "HPET", 56);
	put64(HPET_PA + 44, 0xfed00000);
	fix_checksum(HPET_PA, 56, 9);
	header(FADT_PA, "FACP", 276);
	put32(FADT_PA + 40, DSDT_PA);
	fake_phys[FADT_PA + 46] = 9;
	put32(FADT_PA + 64, 0x604); fake_phys[FADT_PA + 89] = 2;
	put32(FADT_PA + 76, 0x608); fake_phys[FADT_PA + 91] = 4;
	fake_phys[FADT_PA + 116] = 1; fake_phys[FADT_PA + 117] = 8; put64(FADT_PA + 120, 0xcf9);
	fake_phys[FADT_PA + 128] = 6;
	fix_checksum(FADT_PA, 276, 9);
	static const uint8_t aml[] = { 0x10, 0x08, 0x08, '_', 'S', '5', '_', 0x12, 0x06, 0x04,
				       0x0a, 0x07, 0x00, 0x00, 0x00 };
	header(DSDT_PA, "DSDT", 36 + sizeof(aml));
	memcpy(fake_phys + DSDT_PA + 36, aml, sizeof(aml));
	fix_checksum(DSDT_PA, 36 + sizeof(aml), 9);
}

static void test_good_tables(void)
{
	struct acpi_info ai;
	const char *why = NULL;
	build_tables();
	uint64_t rsdp = acpi_find_rsdp(fake_map);
	CHECK(rsdp == RSDP_PA, "acpi: RSDP found in the BIOS area past an empty EBDA (%#lx)", rsdp);
	int rc = acpi_parse(fake_map, rsdp, NULL, &ai, &why);
	CHECK(rc == 0, "acpi: parses (%s)", why ? why : "ok");
	CHECK(ai.nr_cpus == 3 && ai.cpu_apic_id[0] == 0 && ai.cpu_apic_id[1] == 1 && ai.cpu_apic_id[2] == 300,
	      "acpi: MADT gives the 3 enabled CPUs, x2APIC entry included (%u)", ai.nr_cpus);
	CHECK(ai.nr_ioapics == 1 && ai.ioapic[0].id == 5 && ai.ioapic[0].pa == 0xfec00000 &&
		      ai.nr_overrides == 1 && ai.override[0].gsi == 2 && ai.has_8259,
	      "acpi: MADT I/O APIC and interrupt override");
	CHECK(ai.hpet_pa == 0xfed00000, "acpi: HPET base");
	CHECK(ai.has_fadt && ai.sci_irq == 9 && ai.pm1a_cnt.address == 0x604 && ai.pm1a_cnt.space_id == 1 &&
		      ai.pm_timer.address == 0x608 && ai.reset_reg.address == 0xcf9 && ai.reset_value == 6,
	      "acpi: FADT PM1a control, PM timer, reset register");
	CHECK(ai.s5_typ_a == 7 && ai.s5_typ_b == 0, "acpi: \\_S5 sleep types from the DSDT (%d, %d)",
	      ai.s5_typ_a, ai.s5_typ_b);
	fake_phys[RSDP_PA + 15] = 0; /* ACPI 1.0: use the RSDT */
	fix_checksum(RSDP_PA, 20, 8);
	CHECK(acpi_parse(fake_map, RSDP_PA, NULL, &ai, &why) == 0 && ai.nr_cpus == 3 && ai.hpet_pa,
	      "acpi: revision 0 RSDP walks the RSDT to the same tables");
}

static void test_bad_tables(void)
{
	struct acpi_info ai;
	const char *why = NULL;
	int rc;
	build_tables();
	fake_phys[MADT_PA + 50] ^= 0xff; /* breaks the MADT checksum */
	rc = acpi_parse(fake_map, RSDP_PA, NULL, &ai, &why);
	CHECK(rc == -1 && why,
	      "acpi: MADT with a bad checksum is not trusted: %s", why);
	build_tables();
	fake_phys[RSDP_PA + 3] = 'X';
	CHECK(acpi_parse(fake_map, RSDP_PA, NULL, &ai, &why) == -1 && acpi_find_rsdp(fake_map) == 0,
	      "acpi: corrupt RSDP neither found nor accepted: %s", why);
	build_tables();
	put32(XSDT_PA + 4, 0x7fffffff);
	rc = acpi_parse(fake_map, RSDP_PA, NULL, &ai, &why);
	CHECK(rc == -1, "acpi: absurd XSDT length refused: %s", why);
	build_tables();
	uint32_t madt_len = madt_build();
	fake_phys[MADT_PA + 44 + 1] = 0; /* first entry of length 0 */
	fix_checksum(MADT_PA, madt_len, 9);
	rc = acpi_parse(fake_map, RSDP_PA, NULL, &ai, &why);
	CHECK(rc == -1,
	      "acpi: zero-length MADT entry stops the walk without looping");
	build_tables();
	put64(XSDT_PA + 36, 0xfffffff0); /* table pointer out of reach */
	fix_checksum(XSDT_PA, 60, 9);
	CHECK(acpi_parse(fake_map, RSDP_PA, NULL, &ai, &why) == -1 && ai.hpet_pa == 0xfed00000,
	      "acpi: unreachable table skipped, others still read");
}

int main(void)
{
	test_good_tables();
	test_bad_tables();
	return check_exit();
}
