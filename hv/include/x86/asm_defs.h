/* Constants shared by assembly and C: control registers, MSRs, selectors. */
#ifndef BASTION_X86_ASM_DEFS_H
#define BASTION_X86_ASM_DEFS_H

#define MB1_HEADER_MAGIC 0x1BADB002
#define MB1_HEADER_FLAGS 0x00000003 /* page-aligned modules, memory info */
#define MB1_BOOT_MAGIC 0x2BADB002
#define MB2_HEADER_MAGIC 0xE85250D6
#define MB2_BOOT_MAGIC 0x36D76289

#define PTE_P 0x001
#define PTE_W 0x002
#define PTE_U 0x004
#define PTE_PWT 0x008
#define PTE_PCD 0x010
#define PTE_A 0x020
#define PTE_D 0x040
#define PTE_PS 0x080
#define PTE_G 0x100

#define CR0_PE 0x00000001
#define CR0_MP 0x00000002
#define CR0_EM 0x00000004
#define CR0_TS 0x00000008
#define CR0_ET 0x00000010
#define CR0_NE 0x00000020
#define CR0_WP 0x00010000
#define CR0_NW 0x20000000
#define CR0_CD 0x40000000
#define CR0_PG 0x80000000

#define CR4_PAE 0x00000020
#define CR4_PGE 0x00000080
#define CR4_OSFXSR 0x00000200

#define MSR_EFER 0xC0000080
#define EFER_SCE 0x00000001
#define EFER_LME 0x00000100
#define EFER_LMA 0x00000400
#define EFER_NXE 0x00000800
#define EFER_SVME 0x00001000

#define GDT_CODE32 0x08
#define GDT_DATA 0x10
#define GDT_CODE64 0x18
#define GDT_TSS 0x20

#endif
