/*
 * Per-CPU state.  GS base points at this CPU's struct percpu, whose first
 * field points at itself, so this_cpu() is one load.
 */
#ifndef BASTION_X86_PERCPU_H
#define BASTION_X86_PERCPU_H

#include "lib.h"

struct vcpu;

#define MAX_CPUS 64
#define STACK_SIZE 16384

/* 64-bit Task State Segment (AMD APM vol. 2 section 12.2.5). */
struct tss {
	uint32_t reserved0;
	uint64_t rsp[3];
	uint64_t reserved1;
	uint64_t ist[7];
	uint64_t reserved2;
	uint16_t reserved3;
	uint16_t iomap_base;
} __packed;
_Static_assert(sizeof(struct tss) == 104, "TSS layout");

struct percpu {
	struct percpu *self;
	unsigned cpu_id;
	uint32_t apic_id;
	volatile bool online;
	volatile uint64_t timer_ticks;
	uintptr_t stack_top;
	uint64_t gdt[7] __aligned(16);
	struct tss tss __aligned(16);
	/* hardware virtualization (filled by the vendor backend) */
	bool hvm_enabled;
	paddr_t hvm_host_area;   /* SVM: VM_HSAVE_PA page */
	paddr_t hvm_host_vmcb;   /* SVM: VMSAVE/VMLOAD area for host state */
	uint64_t tlb_tag_gen;    /* TLB tags (ASIDs) handed out in this generation */
	uint32_t tlb_tag_next;
	/* scheduling (see sched_plat.c) */
	struct vcpu *current_vcpu; /* what this CPU runs; NULL: idle */
	volatile uint32_t softirq_pending;
	uint64_t xcr0;             /* what XCR0 holds now */
	struct vcpu *fpu_owner;    /* whose FPU/XCR0 state the registers hold */
	uint64_t last_guest_serial; /* domain serial last run here, for the IBPB between domains */
};

extern struct percpu percpu[MAX_CPUS];
extern unsigned nr_cpus_present; /* from the MADT */

static inline struct percpu *this_cpu(void)
{
	struct percpu *p;
	__asm__ volatile("mov %%gs:0, %0" : "=r"(p));
	return p;
}

#endif
