/*
 * The PVH guest's DSDT, written as AML bytes (ACPI 6.4 chapter 20, "ACPI
 * Machine Language Specification").  Like libxl's dsdt_pvh it declares,
 * in \_SB, the BIOS operation region over the ACPI info page at
 * 0xFC000000 whose fields name struct acpi_info's members (libacpi's
 * dsdt_acpi_info.asl lists them), and one processor per possible vCPU;
 * ours declares processors as Device objects with _HID "ACPI0007" and
 * _UID = vCPU id (ACPI 6.4 section 8.4), matching the MADT's processor
 * UIDs, instead of the deprecated Processor op with its hotplug methods.
 */
#include "pvh_internal.h"

#define AML_NAME_OP 0x08
#define AML_STRING_PREFIX 0x0D
#define AML_BYTE_PREFIX 0x0A
#define AML_DWORD_PREFIX 0x0C
#define AML_SCOPE_OP 0x10
#define AML_EXT_PREFIX 0x5B
#define AML_OPREGION_OP 0x80
#define AML_FIELD_OP 0x81
#define AML_DEVICE_OP 0x82
#define AML_BUFFER_OP 0x11
#define AML_ROOT_CHAR 0x5C
#define AML_SYSTEM_MEMORY 0x00
#define AML_FIELD_BYTEACC_NOLOCK_PRESERVE 0x01
#define ACPI_HDR_LEN 36
#define DSDT_REVISION 5       /* as libxl's dsdt_pvh: 64-bit integers */

struct aml {
	uint8_t *buf;
	size_t max, len;
	bool overflow;
};

static void emit(struct aml *a, const void *bytes, size_t n)
{
	if (a->overflow || n > a->max - a->len) {
		a->overflow = true;
		return;
	}
	memcpy(a->buf + a->len, bytes, n);
	a->len += n;
}

static void emit_byte(struct aml *a, uint8_t b) { emit(a, &b, 1); }

/* Reserves room for a PkgLength; aml_close() encodes it in 1-4 bytes. */
static size_t aml_open(struct aml *a)
{
	size_t at = a->len;

	emit(a, "\0\0\0\0", 4);
	return at;
}

/* The PkgLength encoding of value: 1 byte up to 63, else 2-4 with a low nibble first. */
static size_t pkglength_raw(uint8_t out[4], size_t value)
{
	size_t n = value <= 0x3F ? 1 : value < (1u << 12) ? 2 : value < (1u << 20) ? 3 : 4;

	if (n == 1) {
		out[0] = (uint8_t)value;
		return 1;
	}
	out[0] = (uint8_t)((n - 1) << 6 | (value & 0xF));
	for (size_t i = 1; i < n; i++)
		out[i] = (uint8_t)(value >> (4 + 8 * (i - 1)));
	return n;
}

/* A package's PkgLength counts its own bytes too. */
static size_t pkglength_encode(uint8_t out[4], size_t content)
{
	size_t n = content + 1 <= 0x3F ? 1 : content + 2 < (1u << 12) ? 2 :
		   content + 3 < (1u << 20) ? 3 : 4;

	return pkglength_raw(out, content + n);
}

static void aml_close(struct aml *a, size_t at)
{
	if (a->overflow)
		return;
	size_t content = a->len - at - 4;
	uint8_t enc[4];
	size_t n = pkglength_encode(enc, content);
	memmove(a->buf + at + n, a->buf + at + 4, content);
	memcpy(a->buf + at, enc, n);
	a->len -= 4 - n;
}

static void emit_field_unit(struct aml *a, const char *name, unsigned bits)
{
	uint8_t enc[4];

	if (name)
		emit(a, name, 4);
	else
		emit_byte(a, 0x00);           /* ReservedField */
	emit(a, enc, pkglength_raw(enc, bits));
}

/* OperationRegion(BIOS, SystemMemory, 0xFC000000, 40) and its Field. */
static void emit_bios_region(struct aml *a)
{
	static const struct { const char *name; unsigned bits; } fields[] = {
		{ "UAR1", 1 }, { "UAR2", 1 }, { "LTP1", 1 }, { "HPET", 1 }, { NULL, 12 },
		{ "NCPU", 16 }, { "PMIN", 32 }, { "PLEN", 32 }, { "MSUA", 32 }, { "MAPA", 32 },
		{ "VGIA", 32 }, { "LMIN", 32 }, { "HMIN", 32 }, { "LLEN", 32 }, { "HLEN", 32 },
	};
	uint8_t offset[4];

	emit_byte(a, AML_EXT_PREFIX);
	emit_byte(a, AML_OPREGION_OP);
	emit(a, "BIOS", 4);
	emit_byte(a, AML_SYSTEM_MEMORY);
	emit_byte(a, AML_DWORD_PREFIX);
	pvh_put32(offset, (uint32_t)PVH_ACPI_INFO_GPA);
	emit(a, offset, 4);
	emit_byte(a, AML_BYTE_PREFIX);
	emit_byte(a, 40);
	emit_byte(a, AML_EXT_PREFIX);
	emit_byte(a, AML_FIELD_OP);
	size_t at = aml_open(a);
	emit(a, "BIOS", 4);
	emit_byte(a, AML_FIELD_BYTEACC_NOLOCK_PRESERVE);
	for (size_t i = 0; i < sizeof(fields) / sizeof(fields[0]); i++)
		emit_field_unit(a, fields[i].name, fields[i].bits);
	aml_close(a, at);
}

/*
 * _STA present and _MAT, the processor's MADT entry enabled.  The MADT
 * marks vCPUs past vcpus= disabled, and Linux learns a disabled
 * processor's APIC id only from _MAT, when _STA says the processor is
 * there and it adds it; without them `xl vcpu-set` could never bring that
 * vCPU up ("native_cpu_up: bad cpu").  Xen's PVH guests get the same from
 * libacpi's _STA and _MAT, whose map reads (port 0xaf00) come back all ones.
 */
static void emit_mat(struct aml *a, unsigned id)
{
	const uint8_t sta[] = { AML_NAME_OP, '_', 'S', 'T', 'A', AML_BYTE_PREFIX, 0x0F };

	emit(a, sta, sizeof(sta));
	const uint8_t lapic[8] = { 0, 8, (uint8_t)id, (uint8_t)(2 * id), 1, 0, 0, 0 };

	emit_byte(a, AML_NAME_OP);
	emit(a, "_MAT", 4);
	emit_byte(a, AML_BUFFER_OP);
	size_t at = aml_open(a);
	emit_byte(a, AML_BYTE_PREFIX);
	emit_byte(a, sizeof(lapic));
	emit(a, lapic, sizeof(lapic));
	aml_close(a, at);
}

static void emit_processor(struct aml *a, unsigned id)
{
	char name[5] = { 'P', 'R', "0123456789ABCDEF"[id >> 4 & 0xF], "0123456789ABCDEF"[id & 0xF], 0 };

	emit_byte(a, AML_EXT_PREFIX);
	emit_byte(a, AML_DEVICE_OP);
	size_t at = aml_open(a);
	emit(a, name, 4);
	emit_byte(a, AML_NAME_OP);
	emit(a, "_HID", 4);
	emit_byte(a, AML_STRING_PREFIX);
	emit(a, "ACPI0007", 9);
	emit_byte(a, AML_NAME_OP);
	emit(a, "_UID", 4);
	emit_byte(a, AML_BYTE_PREFIX);
	emit_byte(a, (uint8_t)id);
	emit_mat(a, id);
	aml_close(a, at);
}

/* The DSDT body (no header) after ACPI_HDR_LEN bytes; the caller writes the header. */
size_t pvh_dsdt_build(uint8_t *buf, size_t max, unsigned nr_cpus)
{
	struct aml a = { buf, max, ACPI_HDR_LEN, max < ACPI_HDR_LEN };

	emit_byte(&a, AML_SCOPE_OP);
	size_t at = aml_open(&a);
	emit_byte(&a, AML_ROOT_CHAR);
	emit(&a, "_SB_", 4);
	emit_bios_region(&a);
	for (unsigned i = 0; i < nr_cpus && i < 256; i++)
		emit_processor(&a, i);
	aml_close(&a, at);
	return a.overflow ? 0 : a.len;
}
