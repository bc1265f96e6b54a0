/*
 * Private interfaces of the PVH builder (appliance/builder): the error
 * helper, little-endian accessors, the decoders behind pvh_image_load and
 * the pieces pvh_plan assembles.
 */
#ifndef BASTION_PVH_INTERNAL_H
#define BASTION_PVH_INTERNAL_H

#include <stdarg.h>
#include <string.h>

#include "pvh_build.h"

/* Formats the message into err and returns -1. */
int pvh_fail(char *err, size_t errlen, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

static inline uint16_t pvh_le16(const uint8_t *p) { return (uint16_t)(p[0] | p[1] << 8); }
static inline uint32_t pvh_le32(const uint8_t *p)
{
	return (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 | (uint32_t)p[3] << 24;
}
static inline uint64_t pvh_le64(const uint8_t *p)
{
	return pvh_le32(p) | (uint64_t)pvh_le32(p + 4) << 32;
}
static inline uint32_t pvh_be32(const uint8_t *p)
{
	return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 | (uint32_t)p[2] << 8 | p[3];
}
static inline void pvh_put16(uint8_t *p, uint16_t v) { p[0] = (uint8_t)v; p[1] = (uint8_t)(v >> 8); }
static inline void pvh_put32(uint8_t *p, uint32_t v)
{
	pvh_put16(p, (uint16_t)v);
	pvh_put16(p + 2, (uint16_t)(v >> 16));
}
static inline void pvh_put64(uint8_t *p, uint64_t v)
{
	pvh_put32(p, (uint32_t)v);
	pvh_put32(p + 4, (uint32_t)(v >> 32));
}
static inline uint64_t pvh_round_up(uint64_t v, uint64_t align)
{
	return (v + align - 1) & ~(align - 1);
}

/*
 * One decoder per compression.  Each decodes `in` (the compressed stream
 * alone, without Linux's size trailer) into a fresh buffer of exactly
 * `expect` bytes and fails unless the stream yields exactly that many.
 */
typedef int pvh_decode_fn(const uint8_t *in, size_t in_len, uint8_t *out, size_t expect,
			  char *err, size_t errlen);
pvh_decode_fn pvh_decode_gzip, pvh_decode_bzip2, pvh_decode_xz, pvh_decode_lzma,
	pvh_decode_lzo, pvh_decode_lz4, pvh_decode_zstd;

/* The ELF loader: fills k (image, pstart/pend, notes) from an ELF file. */
int pvh_elf_load(const uint8_t *elf, size_t len, struct pvh_kernel *k, char *err, size_t errlen);

/* Gunzips a gzip ramdisk as libxenguest does; *out NULL if left as is. */
int pvh_ramdisk_unpack(const uint8_t *rd, size_t len, uint8_t **out, size_t *out_len,
		       char *err, size_t errlen);

/* ACPI tables for a PVH guest: RSDP page, info page, tables blob. */
struct pvh_acpi {
	uint8_t rsdp[64];
	uint8_t info[PVH_PAGE_SIZE];
	uint8_t *tables;         /* pages * 4 KiB at PVH_ACPI_TABLES_GPA */
	unsigned pages;
};
int pvh_acpi_build(const struct pvh_shape *shape, struct pvh_acpi *acpi, char *err, size_t errlen);
void pvh_acpi_free(struct pvh_acpi *acpi);
/* Where libxl puts the RSDP, given the kernel's features and the table pages. */
uint64_t pvh_acpi_rsdp_gpa(const struct pvh_kernel *k, unsigned pages);

/* The DSDT's AML for nr_cpus processors; returns length, 0 if it does not fit. */
size_t pvh_dsdt_build(uint8_t *buf, size_t max, unsigned nr_cpus);

/* start_info + cmdline + modlist + memmap, bootlate_hvm's page. */
size_t pvh_start_info_size(const char *cmdline, unsigned nr_e820);
void pvh_start_info_write(uint8_t *page, uint64_t gpa, const char *cmdline, uint64_t rd_gpa,
			  uint64_t rd_len, uint64_t rsdp_gpa, const struct pvh_e820 *e820,
			  unsigned nr_e820);

/* The BSP's initial CPU record (vcpu_hvm). */
void pvh_vcpu_init(struct hvm_hw_cpu *cpu, uint32_t entry, uint64_t start_info_gpa);

#endif /* BASTION_PVH_INTERNAL_H */
