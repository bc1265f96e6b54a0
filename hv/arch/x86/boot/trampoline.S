/*
 * Real-mode start-up code for secondary CPUs.  smp.c copies the bytes
 * between trampoline_start and trampoline_end to a page below 1 MiB and
 * points the STARTUP IPI at it; the CPU starts with CS = page >> 4 and
 * IP = 0 (Intel SDM vol. 3 section 8.4.4; AMD APM vol. 2 section 15.27.8),
 * so everything here is addressed relative to the page.  It loads the
 * boot GDT (whose descriptor holds an absolute address inside the hv
 * image), enters protected mode and jumps to ap_start32.
 */
#include "x86/asm_defs.h"

	.section .rodata
	.code16
	.globl trampoline_start, trampoline_end
trampoline_start:
	cli
	cld
	movw	%cs, %ax
	movw	%ax, %ds
	lgdtl	tramp_gdtr - trampoline_start
	movl	%cr0, %eax
	orl	$CR0_PE, %eax
	movl	%eax, %cr0
	ljmpl	$GDT_CODE32, $ap_start32

	.balign 8
tramp_gdtr:
	.short	4 * 8 - 1
	.long	boot_gdt
trampoline_end:
	.code64
