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
#include "domain_table.h"
#include "spinlock.h"
#include "evtchn.h"
#include "sched.h"
#include "timer.h"
#include "vlapic.h"
#include "watchdog.h"

#define MAX_VCPUS 32 /* shared_info holds 32 vcpu_info slots */
#define DOMAIN_E820_MAX 32 /* entries of XENMEM_set_memory_map kept */

struct domain;
struct xen_cpuid_leaf;

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
	uint8_t hc_cont_mask;      /* arguments a continuation changes (hypercall.h) */
	bool hc_compat;            /* the hypercall in progress is 32-bit (compat.h) */
	uint64_t hc_cont_arg[5];
	struct sched_vcpu sched;
	struct vcpu_regs regs;
	uint64_t tsc_offset;       /* guest TSC = host TSC + this */
	uint64_t pat;
	uint64_t tsc_aux;
	uint64_t debugctl;         /* MSR_DEBUGCTL as the guest set it (kept, not applied) */
	uint64_t xcr0;             /* the guest's XCR0 (XSETBV is intercepted) */
	uint64_t dr[4];            /* DR0-3 while not on a CPU */
	void *fpu;                 /* XSAVE/FXSAVE image while not on a CPU */
	int fpu_cpu;               /* the CPU whose registers last got it, -1: none */
	struct vlapic vlapic;
	void *hvm;                 /* the backend's private state */
	/* Where this vCPU's vcpu_info lives: in shared_info until the guest
	 * registers another place (VCPUOP_register_vcpu_info). */
	struct vcpu_info *vcpu_info;
	paddr_t vcpu_info_page;    /* its page, referenced, once registered */
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

/* What a domain is created with (XEN_DOMCTL_createdomain, or dom0's builder). */
struct domain_config {
	unsigned domid;            /* wanted; 0 or >= DOMID_FIRST_RESERVED: any */
	bool exact_domid;          /* domid as given, 0 included (dom0) */
	bool privileged;
	unsigned max_vcpus;
	uint32_t flags;            /* XEN_DOMCTL_CDF_* */
	uint32_t ssidref;
	uint8_t handle[16];
	unsigned max_evtchn_port;
	unsigned max_grant_frames, max_maptrack_frames;
	unsigned cpupool_id;
};

/* A domain's life: running (or paused), then dying once destroyed (its
 * resources released), then gone when the last reference is dropped. */
enum domain_state { DOMAIN_ALIVE, DOMAIN_DYING, DOMAIN_DEAD };

struct domain {
	struct domain_entry entry; /* domid, references (domain_table.h) */
	uint16_t domid;
	uint64_t serial;           /* unique over the hv's life */
	uint64_t tsc_base;         /* TSC offset of its vCPUs at creation */
	bool is_privileged;
	uint32_t create_flags;     /* XEN_DOMCTL_CDF_* */
	uint32_t ssidref;
	uint8_t handle[16];
	unsigned cpupool_id;
	int target;                /* the domain it is device model of (set_target), -1: none */
	struct domain *target_dom; /* that domain, referenced until this one is killed */
	unsigned max_vcpus;
	unsigned nr_vcpus;
	struct vcpu *vcpu[MAX_VCPUS];
	uint64_t *p2m;             /* nested page table root */
	spinlock_t p2m_lock;       /* every change to the p2m */
	uint64_t mem_bytes;        /* RAM given to the guest at build */
	uint64_t tot_pages;        /* pages of RAM it owns (under p2m_lock) */
	uint64_t p2m_tables;       /* pages its nested tables use (under p2m_lock) */
	uint64_t p2m_table_limit;  /* and may use: the paging pool */
	/* Entries removed lazily (p2m_remove_lazy): what they held waits
	 * for every vCPU's flush, then goes (p2m.c).  Under p2m_later_lock. */
	spinlock_t p2m_later_lock;
	unsigned p2m_later_n;
	struct p2m_old { uint64_t entry; unsigned shift; } p2m_later[64];
	uint64_t max_pages;        /* XEN_DOMCTL_max_mem */
	uint64_t outstanding_pages; /* XENMEM_claim_pages not yet populated */
	uint64_t max_gfn;          /* highest frame ever mapped (XENMEM_maximum_gpfn) */
	struct shared_info *shared_info;
	uint64_t shared_info_gpa;  /* where the guest mapped it, 0 = nowhere */
	/* shared_info, vcpu_info and runstate areas in x86_32's layout: the
	 * guest last set up its hypercall page or callback from 32-bit code. */
	bool shinfo_compat;
	uint64_t hvm_param[40];
	struct evtchn_table evtchn;
	struct gnttab *gnttab;
	unsigned nr_e820;
	struct { uint64_t addr, size; uint32_t type; } e820[DOMAIN_E820_MAX]; /* guest memory map */
	volatile bool is_shutting_down; /* its vCPUs stop: shut down or being killed */
	volatile bool is_shut_down;     /* shut down by itself (reason set); kept while dying */
	unsigned shutdown_reason;
	int shutdown_code;         /* SCHEDOP_shutdown_code's, -1: none; the first one set wins */
	volatile enum domain_state state;
	int pause_count;           /* the controller's pauses (domctl pausedomain) */
	int64_t time_offset_s;     /* XEN_DOMCTL_settimeoffset */
	uint32_t vm_assist;        /* VMASST_TYPE_* bits the guest enabled */
	bool creation_finished;    /* first unpaused: its CPU policy is fixed */
	struct xen_cpuid_leaf *cpuid; /* the toolstack's CPUID policy, NULL: the default */
	unsigned nr_cpuid;
	struct sched_dom sched;
	struct domain_watchdog watchdog;
	spinlock_t lock;
};

/* Every part of a domain that has state of its own registers a hook:
 * init runs at creation in ascending order, and if one fails those
 * already run are undone (release, then destroy, in reverse order);
 * release gives back what other domains or the allocator want when the
 * domain dies (memory, channels, mappings); destroy frees the rest
 * once the last reference is gone.  release and destroy may be NULL. */
struct domain_hook {
	const char *name;
	int (*init)(struct domain *d, const struct domain_config *cfg); /* 0 or -XEN_E* */
	void (*release)(struct domain *d);
	void (*destroy)(struct domain *d);
};

#define DOMAIN_HOOK(order, hook_)                                                     \
	static const struct domain_hook *const __domain_hook_##hook_                   \
		__attribute__((used, section("hv_domain_hooks." #order), aligned(8))) = &(hook_)

/* The domain that owns the hardware (dom0): console input, power. */
extern struct domain *hardware_domain;

/* Creates a domain, paused once (the controller's pause), its vCPUs
 * down.  NULL on failure with *err = -XEN_E*. */
struct domain *domain_create(const struct domain_config *cfg, int *err);
/* The domain with this id, referenced (release with domain_put); NULL
 * if there is none.  domain_lookup_next: the first with id >= domid. */
struct domain *domain_lookup(unsigned domid);
struct domain *domain_lookup_next(unsigned domid);
void domain_hold(struct domain *d);
void domain_put(struct domain *d);
/* The controller's pause: counted (at most 255, else -XEN_EOVERFLOW);
 * pausing waits until no vCPU of d runs (the caller's own excepted).
 * Unpausing below zero is -XEN_EINVAL. */
int domain_pause(struct domain *d);
int domain_unpause(struct domain *d);
/* XEN_DOMCTL_destroydomain: the domain dies, its resources go back, and
 * it leaves the table once the last reference is dropped.  Again on a
 * dead domain: 0, nothing more to do. */
int domain_kill(struct domain *d);
struct vcpu *domain_vcpu(const struct domain *d, unsigned vcpu_id); /* NULL if out of range */
/* Sets the domain shutting down and reports it; handled by the run loops. */
void domain_shutdown(struct domain *d, unsigned reason);
/* The reason a later shutdown (or crash) reports, unless one was set
 * already (SCHEDOP_shutdown_code). */
void domain_set_shutdown_code(struct domain *d, unsigned code);
/* Tells the control domain that some domain changed state (VIRQ_DOM_EXC). */
void domain_notify_controller(void);
/* Wakes a vCPU wherever it runs: from HLT, poll or guest mode. */
void vcpu_kick(struct vcpu *v);
/* Xen's latch: v's domain takes the shared structures' layout of v's
 * current mode (32- or 64-bit), at the operations a guest's PV drivers
 * start with (the hypercall page, the callback). */
void domain_latch_shinfo_layout(struct vcpu *v);

#endif
