/* Exceptions and interrupts: the saved register frame and vector handlers. */
#ifndef BASTION_X86_TRAPS_H
#define BASTION_X86_TRAPS_H

#include "lib.h"

/* Frame built by entry.S; order matches its pushes. */
struct cpu_regs {
	uint64_t r15, r14, r13, r12, r11, r10, r9, r8;
	uint64_t rbp, rdi, rsi, rdx, rcx, rbx, rax;
	uint64_t vector, error_code;
	uint64_t rip, cs, rflags, rsp, ss; /* pushed by the CPU */
};

#define VEC_TIMER 0xf0
#define VEC_SPURIOUS 0xff

typedef void (*irq_handler_fn)(struct cpu_regs *regs);

void traps_init(void);         /* builds the IDT, once */
void traps_init_cpu(void);     /* loads it on this CPU */
void set_irq_handler(unsigned vector, irq_handler_fn fn);
void trap_dispatch(struct cpu_regs *regs);

#endif
