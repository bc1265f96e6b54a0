/*
 * I/O APICs (82093AA datasheet: IOREGSEL at +0x00, IOWIN at +0x10;
 * register 1 is the version with the last redirection entry in bits
 * 16-23; entry n is registers 0x10 + 2n and 0x11 + 2n).  For now every
 * pin stays masked: the hv takes no device interrupts yet.
 */
#include "x86/apic.h"
#include "x86/paging.h"

#define IOAPIC_VERSION 0x01
#define IOAPIC_REDIR 0x10
#define REDIR_MASKED (1u << 16)

static uint32_t ioapic_read(volatile uint32_t *base, uint8_t reg)
{
	base[0] = reg;
	return base[4];
}

static void ioapic_write(volatile uint32_t *base, uint8_t reg, uint32_t v)
{
	base[0] = reg;
	base[4] = v;
}

unsigned ioapic_mask_all(const struct acpi_info *ai)
{
	unsigned pins = 0;
	for (unsigned i = 0; i < ai->nr_ioapics; i++) {
		volatile uint32_t *base = (volatile uint32_t *)(uintptr_t)ai->ioapic[i].pa;
		paging_map_mmio(ai->ioapic[i].pa, PAGE_SIZE);
		unsigned n = ((ioapic_read(base, IOAPIC_VERSION) >> 16) & 0xff) + 1;
		for (unsigned pin = 0; pin < n; pin++) {
			ioapic_write(base, (uint8_t)(IOAPIC_REDIR + 2 * pin), REDIR_MASKED);
			ioapic_write(base, (uint8_t)(IOAPIC_REDIR + 2 * pin + 1), 0);
		}
		pins += n;
	}
	return pins;
}
