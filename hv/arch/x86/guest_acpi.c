/*
 * The ACPI tables a PVH guest boots with (ACPI 6.4 sections 5.2.5-5.2.12):
 * an ACPI 2.0 RSDP, an XSDT, a hardware-reduced FADT (no PM blocks, no
 * SCI, no CMOS RTC, no VGA), an empty DSDT and a MADT listing one enabled
 * local APIC per vCPU whose processor UID is the Xen vCPU id (Linux takes
 * a secondary CPU's vCPU id from it) and no I/O APIC: the guest then runs
 * in virtual-wire mode with Xen's timer and event channels.  Power-off and
 * reset go through the FADT's sleep control and reset registers (4.8.3.7,
 * 4.8.3.6) and the DSDT's \_S5 package, all trapped by the hv.
 */
#include "guest_acpi.h"
#include "domain.h"
#include "public/sched.h"

#define RSDP_OFF 0x000
#define XSDT_OFF 0x040
#define FADT_OFF 0x100
#define DSDT_OFF 0x300
#define MADT_OFF 0x400
#define HDR_LEN 36
#define FADT_LEN 276
#define FADT_RESET_REG_SUP (1u << 10)
#define FADT_HW_REDUCED_ACPI (1u << 20)
#define SLEEP_TYPE(v) (((v) >> 2) & 7)
#define SLEEP_ENABLE 0x20
#define BOOT_ARCH_NO_VGA (1u << 2)
#define BOOT_ARCH_NO_CMOS_RTC (1u << 5)

static void put16(uint8_t *p, uint16_t v) { memcpy(p, &v, 2); }
static void put32(uint8_t *p, uint32_t v) { memcpy(p, &v, 4); }
static void put64(uint8_t *p, uint64_t v) { memcpy(p, &v, 8); }

static uint8_t checksum(const uint8_t *p, size_t len)
{
	uint8_t sum = 0;
	for (size_t i = 0; i < len; i++)
		sum += p[i];
	return (uint8_t)-sum;
}

static void header(uint8_t *t, const char *sig, uint32_t len, uint8_t rev)
{
	memcpy(t, sig, 4);
	put32(t + 4, len);
	t[8] = rev;
	memcpy(t + 10, "BASTN ", 6);
	memcpy(t + 16, "BASTION ", 8);
	put32(t + 24, 1);
	memcpy(t + 28, "BSTN", 4);
	put32(t + 32, 1);
}

static void seal(uint8_t *t)
{
	uint32_t len;
	memcpy(&len, t + 4, 4);
	t[9] = 0;
	t[9] = checksum(t, len);
}

static uint32_t build_madt(uint8_t *t, unsigned nr_vcpus)
{
	uint32_t len = HDR_LEN + 8 + 8 * nr_vcpus;
	header(t, "APIC", len, 5);
	put32(t + 36, 0xfee00000);
	put32(t + 40, 0); /* no PCAT_COMPAT: there is no 8259 */
	for (unsigned i = 0; i < nr_vcpus; i++) {
		uint8_t *e = t + HDR_LEN + 8 + 8 * i;
		e[0] = 0; /* processor local APIC */
		e[1] = 8;
		e[2] = (uint8_t)i; /* ACPI processor UID = vCPU id */
		e[3] = (uint8_t)(2 * i); /* APIC ID: twice the vCPU id, as Xen's */
		put32(e + 4, 1);   /* enabled */
	}
	seal(t);
	return len;
}

/* A Generic Address Structure for one 8-bit I/O port (ACPI 5.2.3.2). */
static void put_io_gas(uint8_t *p, uint16_t port)
{
	p[0] = 1; /* system I/O */
	p[1] = 8;
	p[2] = 0;
	p[3] = 1; /* byte access */
	put64(p + 4, port);
}

static void build_fadt(uint8_t *t, uint64_t dsdt_gpa)
{
	header(t, "FACP", FADT_LEN, 6);
	put32(t + 40, (uint32_t)dsdt_gpa);
	put16(t + 109, BOOT_ARCH_NO_VGA | BOOT_ARCH_NO_CMOS_RTC);
	put32(t + 112, FADT_HW_REDUCED_ACPI | FADT_RESET_REG_SUP);
	put_io_gas(t + 116, GUEST_ACPI_RESET);
	t[128] = GUEST_ACPI_RESET_VALUE;
	put_io_gas(t + 244, GUEST_ACPI_SLEEP_CONTROL);
	put_io_gas(t + 256, GUEST_ACPI_SLEEP_STATUS);
	t[131] = 4; /* FADT minor version: 6.4 */
	put64(t + 140, dsdt_gpa);
	memcpy(t + 268, "Bastion\0", 8); /* hypervisor vendor identity */
	seal(t);
}

uint64_t guest_acpi_build(uint8_t *buf, unsigned nr_vcpus)
{
	memset(buf, 0, GUEST_ACPI_SIZE);
	uint8_t *xsdt = buf + XSDT_OFF;
	header(xsdt, "XSDT", HDR_LEN + 16, 1);
	put64(xsdt + HDR_LEN, GUEST_ACPI_GPA + FADT_OFF);
	put64(xsdt + HDR_LEN + 8, GUEST_ACPI_GPA + MADT_OFF);
	seal(xsdt);
	build_fadt(buf + FADT_OFF, GUEST_ACPI_GPA + DSDT_OFF);
	/* Name(_S5, Package(4) { 5, 0, 0, 0 }) */
	static const uint8_t s5[] = { 0x08, '_', 'S', '5', '_', 0x12, 0x07, 0x04,
				      0x0a, GUEST_ACPI_S5_TYPE, 0x00, 0x00, 0x00 };
	header(buf + DSDT_OFF, "DSDT", HDR_LEN + sizeof(s5), 2);
	memcpy(buf + DSDT_OFF + HDR_LEN, s5, sizeof(s5));
	seal(buf + DSDT_OFF);
	build_madt(buf + MADT_OFF, MIN(nr_vcpus, (GUEST_ACPI_SIZE - MADT_OFF - HDR_LEN - 8) / 8));
	uint8_t *rsdp = buf + RSDP_OFF;
	memcpy(rsdp, "RSD PTR ", 8);
	memcpy(rsdp + 9, "BASTN ", 6);
	rsdp[15] = 2;
	put32(rsdp + 20, 36);
	put64(rsdp + 24, GUEST_ACPI_GPA + XSDT_OFF);
	rsdp[8] = checksum(rsdp, 20);
	rsdp[32] = checksum(rsdp, 36);
	return GUEST_ACPI_GPA + RSDP_OFF;
}

bool guest_acpi_io(struct vcpu *v, uint16_t port, bool in, uint32_t *val)
{
	switch (port) {
	case GUEST_ACPI_SLEEP_CONTROL:
		if (in)
			*val = 0;
		else if ((*val & SLEEP_ENABLE) && SLEEP_TYPE(*val) == GUEST_ACPI_S5_TYPE)
			domain_shutdown(v->d, SHUTDOWN_poweroff);
		return true;
	case GUEST_ACPI_SLEEP_STATUS:
		if (in)
			*val = 0;
		return true;
	case GUEST_ACPI_RESET:
		if (in)
			*val = 0;
		else if ((*val & 0xff) == GUEST_ACPI_RESET_VALUE)
			domain_shutdown(v->d, SHUTDOWN_reboot);
		return true;
	}
	return false;
}
