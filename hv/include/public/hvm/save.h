/* Follows Xen's public header xen/include/public/hvm/save.h (with arch-x86/hvm/save.h). */
/*
 * HVM context records, the payload of domctl gethvmcontext/sethvmcontext.
 * A context is a packed stream of records, each an 8-byte descriptor
 * (type code, instance = vCPU or device number, length of what follows)
 * and then the record; it starts with a HEADER and ends with an END
 * descriptor (code 0, length 0, no body).  Only the records the 4.17
 * toolstack builds for a PVH guest are spelt out (HEADER, CPU, MTRR);
 * the other x86 codes are named so a loader can recognise and skip them.
 */
#ifndef BASTION_PUBLIC_HVM_SAVE_H
#define BASTION_PUBLIC_HVM_SAVE_H

#include <stddef.h>
#include <stdint.h>

struct hvm_save_descriptor {
    uint16_t typecode;              /* HVM_SAVE_CODE_* */
    uint16_t instance;              /* vCPU id for per-vCPU records */
    uint32_t length;                /* bytes after this descriptor */
};

/* Record type codes (x86). */
#define HVM_SAVE_CODE_END               0
#define HVM_SAVE_CODE_HEADER            1
#define HVM_SAVE_CODE_CPU               2
#define HVM_SAVE_CODE_PIC               3
#define HVM_SAVE_CODE_IOAPIC            4
#define HVM_SAVE_CODE_LAPIC             5
#define HVM_SAVE_CODE_LAPIC_REGS        6
#define HVM_SAVE_CODE_PCI_IRQ           7
#define HVM_SAVE_CODE_ISA_IRQ           8
#define HVM_SAVE_CODE_PCI_LINK          9
#define HVM_SAVE_CODE_PIT              10
#define HVM_SAVE_CODE_RTC              11
#define HVM_SAVE_CODE_HPET             12
#define HVM_SAVE_CODE_PMTIMER          13
#define HVM_SAVE_CODE_MTRR             14
#define HVM_SAVE_CODE_VIRIDIAN_DOMAIN  15
#define HVM_SAVE_CODE_CPU_XSAVE        16   /* variable length */
#define HVM_SAVE_CODE_VIRIDIAN_VCPU    17
#define HVM_SAVE_CODE_VMCE_VCPU        18
#define HVM_SAVE_CODE_TSC_ADJUST       19
#define HVM_SAVE_CODE_CPU_MSR          20   /* variable length */
#define HVM_SAVE_CODE_MAX              20
#define HVM_SAVE_CODE(x)               HVM_SAVE_CODE_##x

/* HEADER: one per context, first. */
#define HVM_FILE_MAGIC   0x54381286
#define HVM_FILE_VERSION 0x00000001

struct hvm_save_header {
    uint32_t magic;                 /* HVM_FILE_MAGIC */
    uint32_t version;               /* HVM_FILE_VERSION */
    uint64_t changeset;             /* build id of the saving hypervisor */
    uint32_t cpuid;                 /* CPUID.1:EAX of the saving host */
    uint32_t gtsc_khz;              /* guest TSC frequency */
};

/* CPU: one per vCPU (instance = vCPU id). */
#define XEN_X86_FPU_INITIALISED (1U << 0)  /* hvm_hw_cpu.flags: fpu_regs valid */

/* hvm_hw_cpu.pending_event: an event to inject on resume */
#define HVM_CPU_PENDING_VECTOR_MASK  0x000000FFU
#define HVM_CPU_PENDING_TYPE_SHIFT   8           /* 3 bits, VMX/SVM event type */
#define HVM_CPU_PENDING_TYPE_MASK    0x00000700U
#define HVM_CPU_PENDING_ERROR_VALID  (1U << 11)  /* error_code applies */
#define HVM_CPU_PENDING_VALID        (1U << 31)

struct hvm_hw_cpu {
    uint8_t fpu_regs[512];          /* FXSAVE image */

    uint64_t rax, rbx, rcx, rdx, rbp, rsi, rdi, rsp;
    uint64_t r8, r9, r10, r11, r12, r13, r14, r15;
    uint64_t rip, rflags;
    uint64_t cr0, cr2, cr3, cr4;
    uint64_t dr0, dr1, dr2, dr3, dr6, dr7;

    uint32_t cs_sel, ds_sel, es_sel, fs_sel, gs_sel, ss_sel, tr_sel, ldtr_sel;
    uint32_t cs_limit, ds_limit, es_limit, fs_limit, gs_limit, ss_limit;
    uint32_t tr_limit, ldtr_limit, idtr_limit, gdtr_limit;
    uint64_t cs_base, ds_base, es_base, fs_base, gs_base, ss_base;
    uint64_t tr_base, ldtr_base, idtr_base, gdtr_base;
    uint32_t cs_arbytes, ds_arbytes, es_arbytes, fs_arbytes;  /* packed: type S DPL P (0-7), AVL L D/B G (8-11) */
    uint32_t gs_arbytes, ss_arbytes, tr_arbytes, ldtr_arbytes;

    uint64_t sysenter_cs, sysenter_esp, sysenter_eip;
    uint64_t shadow_gs;             /* MSR_SHADOW_GS_BASE (KERNEL_GS_BASE) */
    uint64_t msr_flags;             /* unused, ignored on load */
    uint64_t msr_lstar, msr_star, msr_cstar, msr_syscall_mask;
    uint64_t msr_efer;
    uint64_t msr_tsc_aux;
    uint64_t tsc;                   /* guest TSC value */

    uint32_t pending_event;         /* HVM_CPU_PENDING_* */
    uint32_t error_code;            /* of the pending event */
    uint32_t flags;                 /* XEN_X86_FPU_INITIALISED */
    uint32_t pad0;                  /* must be zero */
};

/* MTRR: one per vCPU (instance = vCPU id). */
#define MTRR_VCNT     8             /* variable-range pairs */
#define NUM_FIXED_MSR 11            /* fixed-range MSRs */

struct hvm_hw_mtrr {
    uint64_t msr_pat_cr;                        /* IA32_PAT */
    uint64_t msr_mtrr_var[MTRR_VCNT * 2];       /* PHYSBASEn, PHYSMASKn pairs */
    uint64_t msr_mtrr_fixed[NUM_FIXED_MSR];     /* FIX64K_00000 .. FIX4K_F8000 */
    uint64_t msr_mtrr_cap;                      /* IA32_MTRRCAP */
    uint64_t msr_mtrr_def_type;                 /* IA32_MTRR_DEF_TYPE */
};

_Static_assert(sizeof(struct hvm_save_descriptor) == 8, "hvm_save_descriptor size");
_Static_assert(offsetof(struct hvm_save_descriptor, instance) == 2, "hvm_save_descriptor.instance");
_Static_assert(offsetof(struct hvm_save_descriptor, length) == 4, "hvm_save_descriptor.length");

_Static_assert(sizeof(struct hvm_save_header) == 24, "hvm_save_header size");
_Static_assert(offsetof(struct hvm_save_header, version) == 4, "hvm_save_header.version");
_Static_assert(offsetof(struct hvm_save_header, changeset) == 8, "hvm_save_header.changeset");
_Static_assert(offsetof(struct hvm_save_header, cpuid) == 16, "hvm_save_header.cpuid");
_Static_assert(offsetof(struct hvm_save_header, gtsc_khz) == 20, "hvm_save_header.gtsc_khz");

_Static_assert(sizeof(struct hvm_hw_cpu) == 1032, "hvm_hw_cpu size");
_Static_assert(offsetof(struct hvm_hw_cpu, rax) == 512, "hvm_hw_cpu.rax");
_Static_assert(offsetof(struct hvm_hw_cpu, rbx) == 520, "hvm_hw_cpu.rbx");
_Static_assert(offsetof(struct hvm_hw_cpu, rsp) == 568, "hvm_hw_cpu.rsp");
_Static_assert(offsetof(struct hvm_hw_cpu, r8) == 576, "hvm_hw_cpu.r8");
_Static_assert(offsetof(struct hvm_hw_cpu, r15) == 632, "hvm_hw_cpu.r15");
_Static_assert(offsetof(struct hvm_hw_cpu, rip) == 640, "hvm_hw_cpu.rip");
_Static_assert(offsetof(struct hvm_hw_cpu, rflags) == 648, "hvm_hw_cpu.rflags");
_Static_assert(offsetof(struct hvm_hw_cpu, cr0) == 656, "hvm_hw_cpu.cr0");
_Static_assert(offsetof(struct hvm_hw_cpu, cr2) == 664, "hvm_hw_cpu.cr2");
_Static_assert(offsetof(struct hvm_hw_cpu, cr3) == 672, "hvm_hw_cpu.cr3");
_Static_assert(offsetof(struct hvm_hw_cpu, cr4) == 680, "hvm_hw_cpu.cr4");
_Static_assert(offsetof(struct hvm_hw_cpu, dr0) == 688, "hvm_hw_cpu.dr0");
_Static_assert(offsetof(struct hvm_hw_cpu, dr6) == 720, "hvm_hw_cpu.dr6");
_Static_assert(offsetof(struct hvm_hw_cpu, dr7) == 728, "hvm_hw_cpu.dr7");
_Static_assert(offsetof(struct hvm_hw_cpu, cs_sel) == 736, "hvm_hw_cpu.cs_sel");
_Static_assert(offsetof(struct hvm_hw_cpu, ldtr_sel) == 764, "hvm_hw_cpu.ldtr_sel");
_Static_assert(offsetof(struct hvm_hw_cpu, cs_limit) == 768, "hvm_hw_cpu.cs_limit");
_Static_assert(offsetof(struct hvm_hw_cpu, tr_limit) == 792, "hvm_hw_cpu.tr_limit");
_Static_assert(offsetof(struct hvm_hw_cpu, gdtr_limit) == 804, "hvm_hw_cpu.gdtr_limit");
_Static_assert(offsetof(struct hvm_hw_cpu, cs_base) == 808, "hvm_hw_cpu.cs_base");
_Static_assert(offsetof(struct hvm_hw_cpu, gdtr_base) == 880, "hvm_hw_cpu.gdtr_base");
_Static_assert(offsetof(struct hvm_hw_cpu, cs_arbytes) == 888, "hvm_hw_cpu.cs_arbytes");
_Static_assert(offsetof(struct hvm_hw_cpu, tr_arbytes) == 912, "hvm_hw_cpu.tr_arbytes");
_Static_assert(offsetof(struct hvm_hw_cpu, ldtr_arbytes) == 916, "hvm_hw_cpu.ldtr_arbytes");
_Static_assert(offsetof(struct hvm_hw_cpu, sysenter_cs) == 920, "hvm_hw_cpu.sysenter_cs");
_Static_assert(offsetof(struct hvm_hw_cpu, sysenter_esp) == 928, "hvm_hw_cpu.sysenter_esp");
_Static_assert(offsetof(struct hvm_hw_cpu, sysenter_eip) == 936, "hvm_hw_cpu.sysenter_eip");
_Static_assert(offsetof(struct hvm_hw_cpu, shadow_gs) == 944, "hvm_hw_cpu.shadow_gs");
_Static_assert(offsetof(struct hvm_hw_cpu, msr_flags) == 952, "hvm_hw_cpu.msr_flags");
_Static_assert(offsetof(struct hvm_hw_cpu, msr_lstar) == 960, "hvm_hw_cpu.msr_lstar");
_Static_assert(offsetof(struct hvm_hw_cpu, msr_star) == 968, "hvm_hw_cpu.msr_star");
_Static_assert(offsetof(struct hvm_hw_cpu, msr_cstar) == 976, "hvm_hw_cpu.msr_cstar");
_Static_assert(offsetof(struct hvm_hw_cpu, msr_syscall_mask) == 984, "hvm_hw_cpu.msr_syscall_mask");
_Static_assert(offsetof(struct hvm_hw_cpu, msr_efer) == 992, "hvm_hw_cpu.msr_efer");
_Static_assert(offsetof(struct hvm_hw_cpu, msr_tsc_aux) == 1000, "hvm_hw_cpu.msr_tsc_aux");
_Static_assert(offsetof(struct hvm_hw_cpu, tsc) == 1008, "hvm_hw_cpu.tsc");
_Static_assert(offsetof(struct hvm_hw_cpu, pending_event) == 1016, "hvm_hw_cpu.pending_event");
_Static_assert(offsetof(struct hvm_hw_cpu, error_code) == 1020, "hvm_hw_cpu.error_code");
_Static_assert(offsetof(struct hvm_hw_cpu, flags) == 1024, "hvm_hw_cpu.flags");
_Static_assert(offsetof(struct hvm_hw_cpu, pad0) == 1028, "hvm_hw_cpu.pad0");

_Static_assert(sizeof(struct hvm_hw_mtrr) == 240, "hvm_hw_mtrr size");
_Static_assert(offsetof(struct hvm_hw_mtrr, msr_mtrr_var) == 8, "hvm_hw_mtrr.msr_mtrr_var");
_Static_assert(offsetof(struct hvm_hw_mtrr, msr_mtrr_fixed) == 136, "hvm_hw_mtrr.msr_mtrr_fixed");
_Static_assert(offsetof(struct hvm_hw_mtrr, msr_mtrr_cap) == 224, "hvm_hw_mtrr.msr_mtrr_cap");
_Static_assert(offsetof(struct hvm_hw_mtrr, msr_mtrr_def_type) == 232,
               "hvm_hw_mtrr.msr_mtrr_def_type");

#endif /* BASTION_PUBLIC_HVM_SAVE_H */
