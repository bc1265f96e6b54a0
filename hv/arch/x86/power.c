/*
 * Power-off through ACPI (soft-off, S5: SLP_TYP from \_S5 with SLP_EN,
 * bit 13, written to PM1a/PM1b control; ACPI 6.4 sections 4.8.3.2.1 and
 * 7.4.2) and reset through the FADT's reset register, then the PCI reset
 * control port 0xcf9, then the keyboard controller.
 */
#include "power.h"
#include "console.h"
#include "x86/cpu.h"
#include "x86/time.h"

#define SLP_EN (1u << 13)
static struct acpi_info power_acpi;

void power_init(const struct acpi_info *ai)
{
	power_acpi = *ai;
}

static void write_pm1(const struct acpi_gas *g, int typ)
{
	if (g->space_id == 1 && g->address && typ >= 0)
		outw((uint16_t)g->address, (uint16_t)((typ << 10) | SLP_EN));
}

void machine_power_off(void)
{
	console_sync(); /* the machine stops before any later flush */
	printk("bastion: powering off\n");
	if (power_acpi.s5_typ_a < 0)
		printk("bastion: no \\_S5 in the DSDT: cannot power off, halting\n");
	write_pm1(&power_acpi.pm1a_cnt, power_acpi.s5_typ_a);
	write_pm1(&power_acpi.pm1b_cnt, power_acpi.s5_typ_b);
	udelay(100000);
}

void machine_restart(void)
{
	console_sync();
	printk("bastion: resetting the machine\n");
	const struct acpi_gas *r = &power_acpi.reset_reg;
	if (r->space_id == 1 && r->address) /* system I/O */
		outb((uint16_t)r->address, power_acpi.reset_value);
	udelay(10000);
	outb(0xcf9, 0x02);
	outb(0xcf9, 0x06); /* hard reset */
	udelay(10000);
	outb(0x64, 0xfe); /* 8042: pulse the reset line */
	udelay(10000);
}
