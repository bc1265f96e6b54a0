/*
 * The IDT and what happens on each vector.  An exception in the hv is a
 * bug: the CPU that took it prints its registers and the faulting RIP and
 * halts, the others carry on.  Interrupt vectors go to their handler and
 * are acknowledged at the local APIC.
 */
#include "x86/traps.h"
#include "x86/cpu.h"
#include "x86/percpu.h"
#include "x86/apic.h"
#include "console.h"

struct idt_entry {
	uint16_t offset_lo, selector;
	uint8_t ist, type_attr;
	uint16_t offset_mid;
	uint32_t offset_hi, reserved;
} __packed;
_Static_assert(sizeof(struct idt_entry) == 16, "IDT gate layout");

#define GATE_INTERRUPT 0x8e /* present, DPL 0, 64-bit interrupt gate */
#define IST_CRITICAL 1      /* #DF, NMI and #MC run on their own stack */

extern const char trap_stubs[];
static struct idt_entry idt[256] __aligned(16);
static irq_handler_fn irq_handlers[256];

static const char *const exception_names[32] = {
	"#DE divide error", "#DB debug", "NMI", "#BP breakpoint", "#OF overflow",
	"#BR bound range", "#UD invalid opcode", "#NM device not available",
	"#DF double fault", "coprocessor overrun", "#TS invalid TSS", "#NP segment not present",
	"#SS stack fault", "#GP general protection", "#PF page fault", "reserved",
	"#MF x87 error", "#AC alignment check", "#MC machine check", "#XM SIMD error",
	"#VE virtualization", "#CP control protection", "reserved", "reserved",
	"reserved", "reserved", "reserved", "reserved",
	"#HV hypervisor injection", "#VC VMM communication", "#SX security", "reserved",
};

void traps_init(void)
{
	for (unsigned v = 0; v < 256; v++) {
		uint64_t addr = (uint64_t)(uintptr_t)(trap_stubs + 16 * v);
		bool critical = v == 2 || v == 8 || v == 18;
		idt[v] = (struct idt_entry){
			.offset_lo = (uint16_t)addr, .selector = GDT_CODE64,
			.ist = critical ? IST_CRITICAL : 0, .type_attr = GATE_INTERRUPT,
			.offset_mid = (uint16_t)(addr >> 16), .offset_hi = (uint32_t)(addr >> 32),
		};
	}
}

void traps_init_cpu(void)
{
	struct __packed { uint16_t limit; uint64_t base; } idtr = { sizeof(idt) - 1, (uintptr_t)idt };
	__asm__ volatile("lidt %0" ::"m"(idtr));
}

void set_irq_handler(unsigned vector, irq_handler_fn fn)
{
	if (vector >= 32 && vector < 256)
		irq_handlers[vector] = fn;
}

static void dump_and_halt(const struct cpu_regs *r)
{
	unsigned cpu = this_cpu()->cpu_id;
	console_sync(); /* what led here, and this dump, must reach the UART */
	printk("\n*** CPU %u: exception %s (vector %lu, error code %#lx)\n", cpu,
	       exception_names[r->vector], r->vector, r->error_code);
	printk("*** faulting RIP %016lx  CS %04lx  RFLAGS %016lx\n", r->rip, r->cs, r->rflags);
	printk("rax %016lx rbx %016lx rcx %016lx rdx %016lx\n", r->rax, r->rbx, r->rcx, r->rdx);
	printk("rsi %016lx rdi %016lx rbp %016lx rsp %016lx\n", r->rsi, r->rdi, r->rbp, r->rsp);
	printk("r8  %016lx r9  %016lx r10 %016lx r11 %016lx\n", r->r8, r->r9, r->r10, r->r11);
	printk("r12 %016lx r13 %016lx r14 %016lx r15 %016lx\n", r->r12, r->r13, r->r14, r->r15);
	printk("cr0 %016lx cr2 %016lx cr3 %016lx cr4 %016lx ss %04lx\n", read_cr0(), read_cr2(),
	       read_cr3(), read_cr4(), r->ss);
	printk("*** CPU %u halted\n", cpu);
	this_cpu()->online = false;
	cpu_halt_forever();
}

void trap_dispatch(struct cpu_regs *regs)
{
	unsigned v = (unsigned)regs->vector & 0xff;
	if (v < 32)
		dump_and_halt(regs);
	if (irq_handlers[v])
		irq_handlers[v](regs);
	if (v != VEC_SPURIOUS)
		lapic_eoi();
}
