/*
 * The vendor-neutral face of hardware virtualization.  One backend is
 * chosen at boot (AMD-V today; VT-x goes behind the same ops) and the
 * rest of the hv calls it only through hvm_ops: CPU enablement, and per
 * vCPU its set-up, architectural start states, one guest entry with its
 * exit handled, and event injection.  Common code reads and writes the
 * guest's registers in struct vcpu_regs (domain.h), which the backend
 * keeps in step with its own save area.
 */
#ifndef BASTION_X86_HVM_H
#define BASTION_X86_HVM_H

#include "lib.h"
#include "x86/percpu.h"

struct vcpu;
struct hvm_hw_cpu;

/* A segment register as the instruction emulator needs it; attr is the
 * packed form of Xen's segment_register: type, S, DPL, P in bits 0-7,
 * AVL, L, D/B, G in bits 8-11. */
struct hvm_segment {
	uint16_t sel, attr;
	uint32_t limit;
	uint64_t base;
};
enum { HVM_SEG_ES, HVM_SEG_CS, HVM_SEG_SS, HVM_SEG_DS, HVM_SEG_FS, HVM_SEG_GS };

struct hvm_ops {
	const char *name;
	/* NULL if this CPU can run the backend, else why not. */
	const char *(*probe)(void);
	/* Turns virtualization on for the calling CPU; 0 or -1. */
	int (*cpu_enable)(struct percpu *pc);
	void (*report_features)(void);
	/* Runs a small guest on this CPU and checks every exit; 0 if right. */
	int (*selftest)(void);

	/* Per-vCPU state in v->hvm; 0 or -1. */
	int (*vcpu_init)(struct vcpu *v);
	void (*vcpu_destroy)(struct vcpu *v);
	/* PVH entry state (docs/misc/pvh.pandoc): 32-bit flat protected mode,
	 * paging off, EBX = start_info. */
	void (*vcpu_pvh_entry)(struct vcpu *v, uint32_t entry, uint32_t start_info);
	/* Real-mode start at vector << 12, as after INIT and STARTUP IPIs. */
	void (*vcpu_sipi_entry)(struct vcpu *v, uint8_t vector);
	/* Enters v, this CPU's current vCPU, once and handles the exit.  The
	 * entry is abandoned if vcpu_may_enter() says no with interrupts
	 * held off; returns with interrupts enabled. */
	void (*vcpu_run)(struct vcpu *v);
	/* Queues an exception for the guest (vector, error code or -1). */
	void (*inject_exception)(struct vcpu *v, uint8_t vector, int64_t error_code);
	/* The guest wrote EFER (already checked against the allowed bits). */
	void (*set_efer)(struct vcpu *v, uint64_t efer);
	/* The guest wrote CR4 (already checked, guest_cr.c). */
	void (*set_cr4)(struct vcpu *v, uint64_t cr4);
	/* The whole architectural state of a vCPU that is not running, as
	 * Xen's HVM context CPU record (public/hvm/save.h); set checks it as
	 * a CPU would (-XEN_EINVAL). */
	void (*vcpu_get_state)(struct vcpu *v, struct hvm_hw_cpu *c);
	int (*vcpu_set_state)(struct vcpu *v, const struct hvm_hw_cpu *c);
	/* Segment register seg (HVM_SEG_*) of v, which has just exited. */
	void (*read_segment)(struct vcpu *v, unsigned seg, struct hvm_segment *out);
};

extern const struct hvm_ops svm_hvm_ops;
extern const struct hvm_ops *hvm; /* NULL when no backend could be used */

/* Picks the backend for this machine; on failure returns NULL, *why set. */
const struct hvm_ops *hvm_select(const char **why);

static inline void hvm_inject_exception(struct vcpu *v, uint8_t vector, int64_t error_code)
{
	hvm->inject_exception(v, vector, error_code);
}

#endif
