/*
 * Domains and virtual CPUs.  A domain owns its guest-physical memory (the
 * p2m, which is also the nested page table the CPU walks), its shared_info
 * page, event channels and grant table.  Each vCPU is pinned to one
 * physical CPU for its whole life (vCPU n of dom0 runs on CPU n): there is
 * no scheduler yet, so blocking a vCPU idles its CPU.
 */
#ifndef BASTION_DOMAIN_H
#define BASTION_DOMAIN_H

#include "lib.h"
#include "spinlock.h"
#include "evtchn.h"
#include "x86/svm_vcpu.h"

#define MAX_VCPUS 32 /* shared_info holds 32 vcpu_info slots */

struct domain;

enum vcpu_state { VCPU_DOWN, VCPU_RUNNING, VCPU_BLOCKED };

struct vcpu {
	struct domain *d;
	unsigned vcpu_id;
	unsigned pcpu;
	volatile enum vcpu_state state;
	struct svm_vcpu arch;
	/* Where this vCPU's vcpu_info lives: in shared_info until the guest
	 * registers another place (VCPUOP_register_vcpu_info). */
	struct vcpu_info *vcpu_info;
	uint64_t runstate_gpa;     /* 0: none registered */
	uint64_t runstate_entry_ns;
	/* One-shot timer, absolute system time in ns; 0 when unarmed.  Set
	 * and fired only on the vCPU's own CPU. */
	uint64_t timer_deadline;
	uint64_t periodic_ns, periodic_next;
	/* SCHEDOP_poll in progress: the ports waited on, until the timeout. */
	bool polling;
	unsigned nr_poll_ports;
	uint32_t poll_ports[4];
	uint64_t poll_deadline; /* 0: none */
	/* INIT/SIPI from another vCPU's virtual APIC */
	volatile bool flush_tlb;   /* the p2m changed: flush before the next entry */
	volatile bool in_guest;    /* between the last checks and the #VMEXIT */
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
