/*
 * The Virtual Machine Control Block (AMD APM vol. 2, appendix B): a
 * control area at 0x000 and the guest state save area at 0x400.  Only
 * the fields the hv uses are named; the asserts pin them to the manual.
 */
#ifndef BASTION_SVM_VMCB_H
#define BASTION_SVM_VMCB_H

#include "lib.h"

struct vmcb_seg {
	uint16_t selector, attrib;
	uint32_t limit;
	uint64_t base;
};

struct vmcb {
	uint32_t cr_intercepts;    /* 0x000: reads 0-15, writes 16-31 */
	uint32_t dr_intercepts;    /* 0x004 */
	uint32_t exception_intercepts; /* 0x008 */
	uint32_t intercepts1;      /* 0x00c: INTR .. SHUTDOWN */
	uint32_t intercepts2;      /* 0x010: VMRUN .. */
	uint8_t reserved0[0x40 - 0x14];
	uint64_t iopm_base_pa;     /* 0x040 */
	uint64_t msrpm_base_pa;    /* 0x048 */
	uint64_t tsc_offset;       /* 0x050 */
	uint32_t asid;             /* 0x058 */
	uint8_t tlb_control;       /* 0x05c */
	uint8_t reserved1[3];
	uint64_t int_control;      /* 0x060: V_TPR, V_IRQ, V_INTR_MASKING, vector */
	uint64_t int_shadow;       /* 0x068 */
	uint64_t exitcode;         /* 0x070 */
	uint64_t exitinfo1;        /* 0x078 */
	uint64_t exitinfo2;        /* 0x080 */
	uint64_t exitintinfo;      /* 0x088 */
	uint64_t np_control;       /* 0x090: bit 0 enables nested paging */
	uint8_t reserved2[0xa8 - 0x98];
	uint64_t eventinj;         /* 0x0a8 */
	uint64_t n_cr3;            /* 0x0b0 */
	uint64_t virt_ext;         /* 0x0b8 */
	uint32_t clean_bits;       /* 0x0c0 */
	uint32_t reserved3;
	uint64_t next_rip;         /* 0x0c8 */
	uint8_t insn_len;          /* 0x0d0 */
	uint8_t insn_bytes[15];
	uint8_t reserved4[0x400 - 0xe0];
	/* state save area */
	struct vmcb_seg es, cs, ss, ds, fs, gs, gdtr, ldtr, idtr, tr; /* 0x400 */
	uint8_t reserved5[0x4cb - 0x4a0];
	uint8_t cpl;               /* 0x4cb */
	uint32_t reserved6;
	uint64_t efer;             /* 0x4d0 */
	uint8_t reserved7[0x548 - 0x4d8];
	uint64_t cr4, cr3, cr0, dr7, dr6, rflags, rip; /* 0x548 */
	uint8_t reserved8[0x5d8 - 0x580];
	uint64_t rsp;              /* 0x5d8 */
	uint8_t reserved9[0x5f8 - 0x5e0];
	uint64_t rax;              /* 0x5f8 */
	uint64_t star, lstar, cstar, sfmask, kernel_gs_base; /* 0x600 */
	uint64_t sysenter_cs, sysenter_esp, sysenter_eip, cr2; /* 0x628 */
	uint8_t reserved10[0x668 - 0x648];
	uint64_t g_pat;            /* 0x668 */
	uint64_t dbgctl;           /* 0x670 */
	uint8_t reserved11[0x1000 - 0x678];
};

_Static_assert(sizeof(struct vmcb) == 0x1000, "VMCB is one page");
_Static_assert(offsetof(struct vmcb, iopm_base_pa) == 0x040, "VMCB IOPM_BASE_PA");
_Static_assert(offsetof(struct vmcb, asid) == 0x058, "VMCB ASID");
_Static_assert(offsetof(struct vmcb, exitcode) == 0x070, "VMCB EXITCODE");
_Static_assert(offsetof(struct vmcb, np_control) == 0x090, "VMCB NP_ENABLE");
_Static_assert(offsetof(struct vmcb, eventinj) == 0x0a8, "VMCB EVENTINJ");
_Static_assert(offsetof(struct vmcb, n_cr3) == 0x0b0, "VMCB N_CR3");
_Static_assert(offsetof(struct vmcb, next_rip) == 0x0c8, "VMCB nRIP");
_Static_assert(offsetof(struct vmcb, es) == 0x400, "VMCB ES");
_Static_assert(offsetof(struct vmcb, tr) == 0x490, "VMCB TR");
_Static_assert(offsetof(struct vmcb, cpl) == 0x4cb, "VMCB CPL");
_Static_assert(offsetof(struct vmcb, efer) == 0x4d0, "VMCB EFER");
_Static_assert(offsetof(struct vmcb, cr4) == 0x548, "VMCB CR4");
_Static_assert(offsetof(struct vmcb, rip) == 0x578, "VMCB RIP");
_Static_assert(offsetof(struct vmcb, rsp) == 0x5d8, "VMCB RSP");
_Static_assert(offsetof(struct vmcb, rax) == 0x5f8, "VMCB RAX");
_Static_assert(offsetof(struct vmcb, cr2) == 0x640, "VMCB CR2");
_Static_assert(offsetof(struct vmcb, g_pat) == 0x668, "VMCB G_PAT");

/* intercepts1 */
#define SVM_INTERCEPT_INTR (1u << 0)
#define SVM_INTERCEPT_NMI (1u << 1)
#define SVM_INTERCEPT_INIT (1u << 3)
#define SVM_INTERCEPT_CPUID (1u << 18)
#define SVM_INTERCEPT_INVD (1u << 22)
#define SVM_INTERCEPT_HLT (1u << 24)
#define SVM_INTERCEPT_INVLPGA (1u << 26)
#define SVM_INTERCEPT_IOIO (1u << 27)
#define SVM_INTERCEPT_MSR (1u << 28)
#define SVM_INTERCEPT_SHUTDOWN (1u << 31)
/* intercepts2 */
#define SVM_INTERCEPT_VMRUN (1u << 0)
#define SVM_INTERCEPT_VMMCALL (1u << 1)
#define SVM_INTERCEPT_VMLOAD (1u << 2)
#define SVM_INTERCEPT_VMSAVE (1u << 3)
#define SVM_INTERCEPT_STGI (1u << 4)
#define SVM_INTERCEPT_CLGI (1u << 5)
#define SVM_INTERCEPT_SKINIT (1u << 6)
#define SVM_INTERCEPT_MONITOR (1u << 10)
#define SVM_INTERCEPT_MWAIT (1u << 11)
#define SVM_INTERCEPT_ICEBP (1u << 8)
#define SVM_INTERCEPT_WBINVD (1u << 9)
#define SVM_INTERCEPT_XSETBV (1u << 13)

#define SVM_V_IRQ (1ULL << 8)
#define SVM_V_INTR_PRIO(p) ((uint64_t)(p) << 16)
#define SVM_V_IGN_TPR (1ULL << 20)
#define SVM_V_INTR_MASKING (1ULL << 24)
#define SVM_V_INTR_VECTOR(v) ((uint64_t)(v) << 32)

/* EXITINFO1 of a nested page fault (APM vol. 2 15.25.6): the access
 * was the guest's own page-table walk. */
#define NPF_IN_GUEST_WALK (1ULL << 33)

/* EVENTINJ (APM vol. 2 15.20) */
#define SVM_EVTINJ_VALID (1ULL << 31)
#define SVM_EVTINJ_TYPE_INTR (0ULL << 8)
#define SVM_EVTINJ_TYPE_NMI (2ULL << 8)
#define SVM_EVTINJ_TYPE_EXCEPTION (3ULL << 8)
#define SVM_EVTINJ_ERROR_VALID (1ULL << 11)
#define SVM_TLB_FLUSH_ALL 1

/* Exit codes (AMD APM vol. 2 appendix C). */
#define SVM_INTERCEPT_CR4_WRITE (1u << (16 + 4))
#define SVM_EXIT_CR4_WRITE 0x014
#define SVM_EXIT_EXCP_BASE 0x040
#define SVM_EXIT_INTR 0x060
#define SVM_EXIT_NMI 0x061
#define SVM_EXIT_INIT 0x063
#define SVM_EXIT_VINTR 0x064
#define SVM_EXIT_CPUID 0x072
#define SVM_EXIT_INVD 0x076
#define SVM_EXIT_PAUSE 0x077
#define SVM_EXIT_HLT 0x078
#define SVM_EXIT_IOIO 0x07b
#define SVM_EXIT_INVLPGA 0x07a
#define SVM_EXIT_MSR 0x07c
#define SVM_EXIT_SHUTDOWN 0x07f
#define SVM_EXIT_VMRUN 0x080
#define SVM_EXIT_VMMCALL 0x081
#define SVM_EXIT_VMLOAD 0x082
#define SVM_EXIT_VMSAVE 0x083
#define SVM_EXIT_STGI 0x084
#define SVM_EXIT_CLGI 0x085
#define SVM_EXIT_SKINIT 0x086
#define SVM_EXIT_MONITOR 0x08a
#define SVM_EXIT_MWAIT 0x08b
#define SVM_EXIT_ICEBP 0x088
#define SVM_EXIT_WBINVD 0x089
#define SVM_EXIT_XSETBV 0x08d
#define SVM_EXIT_NPF 0x400
#define SVM_EXIT_TABLE_SIZE 0x401
#define SVM_EXIT_INVALID 0xffffffffu

/* IOIO EXITINFO1 */
#define SVM_IOIO_IN (1u << 0)
#define SVM_IOIO_STR (1u << 2)
#define SVM_IOIO_REP (1u << 3)
#define SVM_IOIO_SIZE(info) (((info) >> 4) & 7) /* 1: byte, 2: word, 4: dword */
#define SVM_IOIO_PORT(info) ((uint16_t)((info) >> 16))

/* Runs the guest until its next #VMEXIT (svm_entry.S).  gprs: the 16
 * general registers in encoding order (RAX and RSP slots unused: VMRUN
 * switches those).  Call with GIF clear (clgi) and host interrupts
 * enabled; returns with GIF set. */
void svm_vmrun(paddr_t vmcb_pa, uint64_t gprs[16], paddr_t host_vmcb_pa);

#endif
