/*
 * Domains and virtual CPUs.  A domain owns its guest-physical memory (the
 * p2m, which is also the nested page table the CPU walks), its shared_info
 * page, event channels and grant table.  A vCPU is what the scheduler
 * places on physical CPUs (sched.h); its state here is vendor-neutral:
 * registers, the virtual APIC, timers, FPU.  What the hardware backend
 * (AMD-V today) keeps of its own hangs off v->hvm, which only the
 * backend reads (x86/hvm.h is its interface).
 */
#ifndef BASTION_DOMAIN_H
#define BASTION_DOMAIN_H

#include "lib.h"
#include "spinlock.h"
#include "evtchn.h"
#include "sched.h"
#include "timer.h"
#include "vlapic.h"

#define MAX_VCPUS 32 /* shared_info holds 32 vcpu_info slots */

struct domain;

/* The guest's registers as common code sees them.  The backend copies
 * them from its own save area after every exit and writes back the ones
 * common code may change (general registers, RIP, RFLAGS) before entry. */
struct vcpu_regs {
	uint64_t gpr[16];   /* RAX RCX RDX RBX RSP RBP RSI RDI R8-R15 (encoding order) */
	uint64_t rip, rflags;
	uint64_t cr0, cr2, cr3, cr4;
	uint64_t efer;      /* as the guest sees it */
	uint64_t cs_base;
	uint8_t cpl;
	bool cs_long;       /* CS.L with EFER.LMA: 64-bit code */
	bool cs_db;         /* CS.D: 32-bit default operand size */
};

enum { GPR_RAX, GPR_RCX, GPR_RDX, GPR_RBX, GPR_RSP, GPR_RBP, GPR_RSI, GPR_RDI,
       GPR_R8, GPR_R9, GPR_R10, GPR_R11, GPR_R12, GPR_R13, GPR_R14, GPR_R15 };

struct vcpu {
	struct domain *d;
	unsigned vcpu_id;
	struct sched_vcpu sched;
	struct vcpu_regs regs;
	uint64_t tsc_offset;       /* guest TSC = host TSC + this */
	uint64_t pat;
	uint64_t tsc_aux;
	uint64_t xcr0;             /* the guest's XCR0 (XSETBV is intercepted) */
	uint64_t dr[4];            /* DR0-3 while not on a CPU */
	void *fpu;                 /* XSAVE/FXSAVE image while not on a CPU */
	int fpu_cpu;               /* the CPU whose registers last got it, -1: none */
	struct vlapic vlapic;
	void *hvm;                 /* the backend's private state */
	/* Where this vCPU's vcpu_info lives: in shared_info until the guest
	 * registers another place (VCPUOP_register_vcpu_info). */
	struct vcpu_info *vcpu_info;
	uint64_t runstate_gpa;     /* 0: none registered */
	/* One-shot timer, absolute system time in ns; 0 when unarmed.  These
	 * and the periodic timer are handled in the vCPU's own context; the
	 * alarm only wakes it when the earliest of them is due. */
	uint64_t timer_deadline;
	uint64_t periodic_ns, periodic_next;
	struct timer alarm;
	uint64_t alarm_at;         /* what the alarm is set to, 0: stopped */
	/* SCHEDOP_poll in progress: the ports waited on, until the timeout. */
	volatile bool polling;
	unsigned nr_poll_ports;
	uint32_t poll_ports[4];
	uint64_t poll_deadline; /* 0: none */
	volatile bool flush_tlb;   /* the p2m changed: flush before the next entry */
	volatile bool in_guest;    /* between the last checks and the #VMEXIT */
	/* INIT/SIPI from another vCPU's virtual APIC, applied under the
	 * vCPU's scheduler lock (vcpu_sched.c). */
	volatile bool init_pending;
	volatile bool nmi_pending;  /* an NMI IPI from the virtual APIC */
	bool wait_for_sipi;
	volatile int sipi_vector; /* -1 when none */
};

struct domain {
	uint16_t domid;
	bool is_privileged;
	unsigned nr_vcpus;
	struct vcpu *vcpu[MAX_VCPUS];
	uint64_t *p2m;             /* nested page table root */
	spinlock_t p2m_lock;       /* every change to the p2m */
	uint64_t mem_bytes;        /* RAM given to the guest */
	struct shared_info *shared_info;
	uint64_t shared_info_gpa;  /* where the guest mapped it, 0 = nowhere */
	uint64_t hvm_param[40];
	struct evtchn_table evtchn;
	struct gnttab *gnttab;
	unsigned nr_e820;
	struct { uint64_t addr, size; uint32_t type; } e820[8]; /* guest memory map */
	volatile bool is_shutting_down;
	unsigned shutdown_reason;
	uint32_t vm_assist;        /* VMASST_TYPE_* bits the guest enabled */
	struct sched_dom sched;
	spinlock_t lock;
};

extern struct domain *dom0;

struct domain *domain_create(uint16_t domid, unsigned nr_vcpus, bool privileged);
struct vcpu *domain_vcpu(const struct domain *d, unsigned vcpu_id); /* NULL if out of range */
/* Sets the domain shutting down and reports it; handled by the run loops. */
void domain_shutdown(struct domain *d, unsigned reason);
/* Wakes a vCPU wherever it runs: from HLT, poll or guest mode. */
void vcpu_kick(struct vcpu *v);

#endif
