/*
 * Parses the ACPI tables the hv needs (see acpi.h for the spec sections).
 * Tables come from firmware and are not trusted to be well formed: every
 * table's length and checksum is checked before a field is read, and
 * every entry must fit in its table.  Pure code, host-tested.
 */
#include "acpi.h"

#define ACPI_HDR_LEN 36
#define MADT_LAPIC 0
#define MADT_IOAPIC 1
#define MADT_OVERRIDE 2
#define MADT_LAPIC_ADDR 5
#define MADT_X2APIC 9
#define MADT_ENABLED 1

static uint8_t rd8(const uint8_t *p, size_t o) { return p[o]; }
static uint16_t rd16(const uint8_t *p, size_t o) { return (uint16_t)(p[o] | p[o + 1] << 8); }
static uint32_t rd32(const uint8_t *p, size_t o) { uint32_t v; memcpy(&v, p + o, 4); return v; }
static uint64_t rd64(const uint8_t *p, size_t o) { uint64_t v; memcpy(&v, p + o, 8); return v; }

static bool checksum_ok(const uint8_t *p, size_t len)
{
	uint8_t sum = 0;
	for (size_t i = 0; i < len; i++)
		sum += p[i];
	return sum == 0;
}

static bool rsdp_valid(const uint8_t *p)
{
	if (memcmp(p, "RSD PTR ", 8) || !checksum_ok(p, 20))
		return false;
	if (p[15] >= 2) /* ACPI 2.0+: extended checksum over the whole structure */
		return rd32(p, 20) >= 36 && rd32(p, 20) <= 4096 && checksum_ok(p, 36);
	return true;
}

static uint64_t scan_rsdp(phys_map_fn map, uint64_t pa, uint64_t len)
{
	const uint8_t *p = map(pa, len);
	for (uint64_t off = 0; p && off + 36 <= len; off += 16)
		if (rsdp_valid(p + off))
			return pa + off;
	return 0;
}

uint64_t acpi_find_rsdp(phys_map_fn map)
{
	const uint8_t *bda = map(0x40e, 2);
	uint64_t ebda = bda ? (uint64_t)rd16(bda, 0) << 4 : 0;
	uint64_t pa = 0;
	if (ebda >= 0x80000 && ebda < 0xa0000)
		pa = scan_rsdp(map, ebda, 1024);
	return pa ? pa : scan_rsdp(map, 0xe0000, 0x20000);
}

/* Maps a whole table after checking its header; NULL if it is bad. */
static const uint8_t *map_table(phys_map_fn map, uint64_t pa, const char *sig)
{
	const uint8_t *hdr = pa ? map(pa, ACPI_HDR_LEN) : NULL;
	if (!hdr || (sig && memcmp(hdr, sig, 4)))
		return NULL;
	uint32_t len = rd32(hdr, 4);
	if (len < ACPI_HDR_LEN || len > MiB(16))
		return NULL;
	const uint8_t *t = map(pa, len);
	return t && checksum_ok(t, len) ? t : NULL;
}

static void madt_entry(const uint8_t *e, uint8_t type, uint8_t len, struct acpi_info *ai)
{
	if (type == MADT_LAPIC && len >= 8 && (rd32(e, 4) & MADT_ENABLED) &&
	    ai->nr_cpus < ACPI_MAX_CPUS)
		ai->cpu_apic_id[ai->nr_cpus++] = rd8(e, 3);
	else if (type == MADT_X2APIC && len >= 16 && (rd32(e, 8) & MADT_ENABLED) &&
		 ai->nr_cpus < ACPI_MAX_CPUS)
		ai->cpu_apic_id[ai->nr_cpus++] = rd32(e, 4);
	else if (type == MADT_IOAPIC && len >= 12 && ai->nr_ioapics < ACPI_MAX_IOAPICS) {
		unsigned i = ai->nr_ioapics++;
		ai->ioapic[i].id = rd8(e, 2);
		ai->ioapic[i].pa = rd32(e, 4);
		ai->ioapic[i].gsi_base = rd32(e, 8);
	} else if (type == MADT_OVERRIDE && len >= 10 && ai->nr_overrides < ACPI_MAX_OVERRIDES) {
		unsigned i = ai->nr_overrides++;
		ai->override[i].isa_irq = rd8(e, 3);
		ai->override[i].gsi = rd32(e, 4);
		ai->override[i].flags = rd16(e, 8);
	} else if (type == MADT_LAPIC_ADDR && len >= 12) {
		ai->lapic_pa = rd64(e, 4);
	}
}

static int parse_madt(const uint8_t *t, struct acpi_info *ai)
{
	uint32_t len = rd32(t, 4);
	if (len < ACPI_HDR_LEN + 8)
		return -1;
	ai->lapic_pa = rd32(t, 36);
	ai->has_8259 = rd32(t, 40) & 1;
	for (uint32_t off = ACPI_HDR_LEN + 8; off + 2 <= len;) {
		uint8_t type = t[off], elen = t[off + 1];
		if (elen < 2 || elen > len - off)
			return -1;
		madt_entry(t + off, type, elen, ai);
		off += elen;
	}
	return 0;
}

static struct acpi_gas gas_at(const uint8_t *t, size_t off)
{
	return (struct acpi_gas){ t[off], t[off + 1], t[off + 2], t[off + 3], rd64(t, off + 4) };
}

/* A legacy 32-bit I/O port block as a GAS, when the X_ form is absent. */
static struct acpi_gas legacy_io(const uint8_t *t, size_t off, uint8_t len)
{
	uint32_t port = rd32(t, off);
	return (struct acpi_gas){ port ? 1 : 0, (uint8_t)(len * 8), 0, 0, port };
}

static void parse_fadt(const uint8_t *t, struct acpi_info *ai)
{
	uint32_t len = rd32(t, 4);
	if (len < 116)
		return;
	ai->has_fadt = true;
	ai->sci_irq = rd16(t, 46);
	ai->pm1a_cnt = legacy_io(t, 64, rd8(t, 89));
	ai->pm1b_cnt = legacy_io(t, 68, rd8(t, 89));
	ai->pm_timer = legacy_io(t, 76, rd8(t, 91));
	ai->fadt_flags = rd32(t, 112);
	ai->dsdt_pa = rd32(t, 40);
	if (len >= 129) {
		ai->reset_reg = gas_at(t, 116);
		ai->reset_value = rd8(t, 128);
	}
	if (len >= 148 && rd64(t, 140))
		ai->dsdt_pa = rd64(t, 140);
	if (len >= 184 && gas_at(t, 172).address)
		ai->pm1a_cnt = gas_at(t, 172);
	if (len >= 196 && gas_at(t, 184).address)
		ai->pm1b_cnt = gas_at(t, 184);
	if (len >= 220 && gas_at(t, 208).address)
		ai->pm_timer = gas_at(t, 208);
}

/* Reads one small AML integer (ZeroOp, OneOp, BytePrefix); -1 otherwise. */
static int aml_small_int(const uint8_t *p, const uint8_t *end, const uint8_t **next)
{
	if (p >= end)
		return -1;
	if (*p == 0x00 || *p == 0x01) {
		*next = p + 1;
		return *p;
	}
	if (*p == 0x0a && p + 1 < end) {
		*next = p + 2;
		return p[1];
	}
	return -1;
}

/* Finds "Name(_S5_, Package(){a, b, ...})" in the DSDT (ACPI 7.4.2). */
static void find_s5(const uint8_t *dsdt, struct acpi_info *ai)
{
	uint32_t len = rd32(dsdt, 4);
	const uint8_t *end = dsdt + len;
	for (const uint8_t *p = dsdt + ACPI_HDR_LEN; p + 8 < end; p++) {
		if (memcmp(p, "_S5_", 4) || p[4] != 0x12) /* PackageOp */
			continue;
		const uint8_t *q = p + 5;
		q += 1 + (*q >> 6); /* PkgLength: lead byte + 0..3 more */
		q++;                /* NumElements */
		const uint8_t *next;
		int a = aml_small_int(q, end, &next);
		int b = a >= 0 ? aml_small_int(next, end, &next) : -1;
		if (a >= 0) {
			ai->s5_typ_a = a;
			ai->s5_typ_b = b >= 0 ? b : a;
		}
		return;
	}
}

static void parse_table(phys_map_fn map, uint64_t pa, struct acpi_info *ai)
{
	const uint8_t *hdr = pa ? map(pa, ACPI_HDR_LEN) : NULL;
	if (!hdr)
		return;
	const uint8_t *t = map_table(map, pa, NULL);
	if (!t)
		return;
	if (!memcmp(t, "APIC", 4))
		parse_madt(t, ai);
	else if (!memcmp(t, "FACP", 4))
		parse_fadt(t, ai);
	else if (!memcmp(t, "HPET", 4) && rd32(t, 4) >= 56 && t[40] == 0)
		ai->hpet_pa = rd64(t, 44);
}

int acpi_parse(phys_map_fn map, uint64_t rsdp_pa, const void *rsdp_copy, struct acpi_info *ai,
	       const char **why)
{
	memset(ai, 0, sizeof(*ai));
	ai->s5_typ_a = ai->s5_typ_b = -1;
	const uint8_t *rsdp = rsdp_copy ? rsdp_copy : rsdp_pa ? map(rsdp_pa, 36) : NULL;
	if (!rsdp || !rsdp_valid(rsdp))
		return *why = "no valid ACPI RSDP", -1;
	ai->rsdp_pa = rsdp_pa;
	ai->revision = rsdp[15];
	bool xsdt = rsdp[15] >= 2 && rd64(rsdp, 24);
	const uint8_t *root = map_table(map, xsdt ? rd64(rsdp, 24) : rd32(rsdp, 16),
					xsdt ? "XSDT" : "RSDT");
	if (!root)
		return *why = "ACPI root table (XSDT/RSDT) missing or corrupt", -1;
	unsigned width = xsdt ? 8 : 4;
	uint32_t len = rd32(root, 4);
	for (uint32_t off = ACPI_HDR_LEN; off + width <= len; off += width)
		parse_table(map, width == 8 ? rd64(root, off) : rd32(root, off), ai);
	const uint8_t *dsdt = map_table(map, ai->dsdt_pa, "DSDT");
	if (dsdt)
		find_s5(dsdt, ai);
	if (!ai->nr_cpus)
		return *why = "ACPI MADT missing or lists no enabled processor", -1;
	return 0;
}
