/*
 * Boot entry.  Multiboot1 (QEMU -kernel) and multiboot2 (GRUB2) loaders
 * both enter start32 in 32-bit protected mode with paging off, %eax holding
 * the loader's magic and %ebx the physical address of its information
 * structure (Multiboot Specification 0.6.96 section 3.2; Multiboot2 1.0
 * section 3.3).  We build an identity map of the low 4 GiB with 2 MiB
 * pages, enter long mode and call hv_start(magic, info).
 * Secondary CPUs arrive at ap_start32 from the real-mode trampoline and
 * take the same path to ap_start64.
 */
#include "x86/asm_defs.h"

	.section .multiboot, "a"
	.balign 4
mb1_header:
	.long MB1_HEADER_MAGIC
	.long MB1_HEADER_FLAGS
	.long -(MB1_HEADER_MAGIC + MB1_HEADER_FLAGS)

	.balign 8
mb2_header:
	.long MB2_HEADER_MAGIC
	.long 0                         /* architecture: i386 protected mode */
	.long mb2_header_end - mb2_header
	.long -(MB2_HEADER_MAGIC + (mb2_header_end - mb2_header))
	.short 0, 0                     /* end tag */
	.long 8
mb2_header_end:

	.section .text.boot, "ax"
	.code32
	.globl start32
start32:
	cli
	cld
	movl	$boot_stack_top, %esp
	movl	%eax, boot_magic
	movl	%ebx, boot_info_pa

	/* Long mode is required: CPUID 0x80000001 EDX bit 29. */
	movl	$0x80000000, %eax
	cpuid
	cmpl	$0x80000001, %eax
	jb	no_long_mode
	movl	$0x80000001, %eax
	cpuid
	btl	$29, %edx
	jnc	no_long_mode

	call	build_boot_page_tables
	movl	$start64, %ebp
	jmp	enter_long_mode

/* Print a message on COM1 with raw port I/O and stop: we cannot run here. */
no_long_mode:
	movl	$msg_no_lm, %esi
1:	lodsb
	testb	%al, %al
	jz	2f
	movw	$0x3f8, %dx
	outb	%al, %dx
	jmp	1b
2:	hlt
	jmp	2b

/* PML4[0] -> PDPT, PDPT[0..3] -> four page directories of 2 MiB pages. */
build_boot_page_tables:
	movl	$boot_pdpt, %eax
	orl	$(PTE_P | PTE_W), %eax
	movl	%eax, boot_pml4
	xorl	%ecx, %ecx
1:	movl	%ecx, %eax
	shll	$12, %eax
	addl	$boot_pd, %eax
	orl	$(PTE_P | PTE_W), %eax
	movl	%eax, boot_pdpt(, %ecx, 8)
	incl	%ecx
	cmpl	$4, %ecx
	jb	1b
	xorl	%ecx, %ecx
2:	movl	%ecx, %eax
	shll	$21, %eax
	orl	$(PTE_P | PTE_W | PTE_PS), %eax
	movl	%eax, boot_pd(, %ecx, 8)
	incl	%ecx
	cmpl	$2048, %ecx
	jb	2b
	movl	$boot_pml4, boot_cr3
	ret

/*
 * Shared by the boot CPU and the APs: %ebp holds the 64-bit target.
 * Loads the boot GDT, enables PAE, long mode, NX and paging, then far
 * returns into the 64-bit code segment.
 */
enter_long_mode:
	lgdt	boot_gdtr
	movl	%cr4, %eax
	orl	$(CR4_PAE | CR4_PGE), %eax
	movl	%eax, %cr4
	movl	boot_cr3, %eax
	movl	%eax, %cr3
	pushl	%ebx
	movl	$0x80000001, %eax
	cpuid
	movl	$EFER_LME, %ebx
	btl	$20, %edx	/* NX: the hv runs with EFER.NXE set where the CPU has it, as Xen does */
	jnc	1f
	orl	$EFER_NXE, %ebx
1:	movl	$MSR_EFER, %ecx
	rdmsr
	orl	%ebx, %eax
	wrmsr
	popl	%ebx
	movl	%cr0, %eax
	orl	$(CR0_PG | CR0_PE | CR0_WP | CR0_NE | CR0_MP), %eax
	andl	$~(CR0_CD | CR0_NW | CR0_EM | CR0_TS), %eax
	movl	%eax, %cr0
	pushl	$GDT_CODE64
	pushl	%ebp
	lret

	.globl ap_start32
ap_start32:
	movl	$GDT_DATA, %eax
	movl	%eax, %ds
	movl	%eax, %es
	movl	%eax, %ss
	movl	$ap_tmp_stack_top, %esp     /* APs start one at a time */
	movl	$ap_start64, %ebp
	jmp	enter_long_mode

	.code64
start64:
	movl	$GDT_DATA, %eax
	movl	%eax, %ds
	movl	%eax, %es
	movl	%eax, %ss
	movl	%eax, %fs
	movl	%eax, %gs
	movq	$boot_stack_top, %rsp
	xorl	%ebp, %ebp
	movl	boot_magic(%rip), %edi
	movl	boot_info_pa(%rip), %esi
	call	hv_start
3:	hlt
	jmp	3b

ap_start64:
	movl	$GDT_DATA, %eax
	movl	%eax, %ds
	movl	%eax, %es
	movl	%eax, %ss
	movl	%eax, %fs
	movl	%eax, %gs
	movq	ap_boot_stack(%rip), %rsp
	xorl	%ebp, %ebp
	call	ap_start
4:	hlt
	jmp	4b

	.section .rodata
msg_no_lm:
	.asciz	"bastion: this CPU has no long mode (x86-64); cannot run\r\n"

	.balign 16
	.globl boot_gdt
boot_gdt:
	.quad	0
	.quad	0x00cf9a000000ffff      /* GDT_CODE32: flat 32-bit code */
	.quad	0x00cf92000000ffff      /* GDT_DATA: flat data */
	.quad	0x00af9a000000ffff      /* GDT_CODE64: 64-bit code */
boot_gdt_end:
	.globl boot_gdtr
boot_gdtr:
	.short	boot_gdt_end - boot_gdt - 1
	.long	boot_gdt

	.data
	.globl boot_magic, boot_info_pa, boot_cr3, ap_boot_stack
boot_magic:	.long 0
boot_info_pa:	.long 0
boot_cr3:	.long 0
	.balign 8
ap_boot_stack:	.quad 0

	.bss
	.balign 4096
	.globl boot_pml4, boot_pdpt, boot_pd
boot_pml4:	.skip 4096
boot_pdpt:	.skip 4096
boot_pd:	.skip 4 * 4096
boot_stack:	.skip 16384
boot_stack_top:
ap_tmp_stack:	.skip 64
ap_tmp_stack_top:
