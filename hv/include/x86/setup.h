/* Boot-time set-up steps shared between the boot CPU and the APs. */
#ifndef BASTION_X86_SETUP_H
#define BASTION_X86_SETUP_H

#include "boot_info.h"
#include "acpi.h"
#include "x86/percpu.h"

/* Loads this CPU's GDT, TSS (IST stack at ist_top), IDT and GS base. */
void cpu_init_tables(struct percpu *pc, uintptr_t ist_top);
/* Sanitises the map and starts the page allocator; returns usable bytes. */
uint64_t memory_init(struct boot_info *bi);
/* Gives the boot modules' whole pages back to the allocator once dom0 is
 * built from them (Xen frees them too); returns the pages freed. */
uint64_t boot_modules_release(struct boot_info *bi);
/* Starts every enabled CPU in the MADT; returns how many are online. */
unsigned smp_boot(const struct acpi_info *ai);

#endif
