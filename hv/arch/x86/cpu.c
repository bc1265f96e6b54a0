/*
 * Per-CPU descriptor tables: a GDT with the same selectors as head.S's
 * boot GDT plus this CPU's TSS (whose IST1 stack takes double faults,
 * NMIs and machine checks), the shared IDT, and GS pointing at percpu.
 */
#include "x86/setup.h"
#include "x86/cpu.h"
#include "x86/traps.h"

#define TSS_DESC_AVAILABLE 0x89ULL

struct percpu percpu[MAX_CPUS];

static void set_tss_descriptor(uint64_t *gdt, const struct tss *tss)
{
	uint64_t base = (uintptr_t)tss, limit = sizeof(*tss) - 1;
	gdt[0] = (limit & 0xffff) | ((base & 0xffffff) << 16) | (TSS_DESC_AVAILABLE << 40) |
		 (((limit >> 16) & 0xf) << 48) | (((base >> 24) & 0xff) << 56);
	gdt[1] = base >> 32;
}

void cpu_init_tables(struct percpu *pc, uintptr_t ist_top)
{
	pc->self = pc;
	pc->gdt[0] = 0;
	pc->gdt[GDT_CODE32 / 8] = 0x00cf9a000000ffffULL;
	pc->gdt[GDT_DATA / 8] = 0x00cf92000000ffffULL;
	pc->gdt[GDT_CODE64 / 8] = 0x00af9a000000ffffULL;
	memset(&pc->tss, 0, sizeof(pc->tss));
	pc->tss.ist[0] = ist_top;
	pc->tss.iomap_base = sizeof(pc->tss); /* no I/O bitmap */
	set_tss_descriptor(&pc->gdt[GDT_TSS / 8], &pc->tss);

	struct __packed { uint16_t limit; uint64_t base; } gdtr = {
		sizeof(pc->gdt) - 1, (uintptr_t)pc->gdt
	};
	__asm__ volatile("lgdt %0\n\t"
			 "pushq %1\n\t"
			 "leaq 1f(%%rip), %%rax\n\t"
			 "pushq %%rax\n\t"
			 "lretq\n"
			 "1:\n\t"
			 "movl %2, %%eax\n\t"
			 "movl %%eax, %%ds\n\t"
			 "movl %%eax, %%es\n\t"
			 "movl %%eax, %%ss\n\t"
			 "ltr %w3"
			 :
			 : "m"(gdtr), "i"(GDT_CODE64), "i"(GDT_DATA), "r"(GDT_TSS)
			 : "rax", "memory");
	wrmsr(MSR_GS_BASE, (uintptr_t)pc);
	traps_init_cpu();
}
