/*
 * void svm_vmrun(paddr_t vmcb_pa, uint64_t gprs[16], paddr_t host_vmcb_pa)
 *
 * VMRUN switches only part of the CPU (AMD APM vol. 2 section 15.5):
 * the rest of the host's state (FS/GS/TR/LDTR bases, syscall MSRs) is
 * kept with VMSAVE/VMLOAD around it, and the guest's general registers
 * other than RAX/RSP are loaded from and stored to gprs[] here.  The
 * caller clears GIF before its last checks, so an interrupt arriving
 * after them makes the guest exit at once rather than being missed;
 * GIF is set again here once the host state is back.
 *
 * After the exit the guest's TR and GS base are still loaded: the host's
 * come back with the VMLOAD that directly follows the guest's VMSAVE, so
 * that only those two instructions and one load from the host stack run
 * with them (an exception there would find its IST stack in the guest's
 * TSS).
 */
#define G_RCX 8
#define G_RDX 16
#define G_RBX 24
#define G_RBP 40
#define G_RSI 48
#define G_RDI 56
#define G_R8 64
#define G_R9 72
#define G_R10 80
#define G_R11 88
#define G_R12 96
#define G_R13 104
#define G_R14 112
#define G_R15 120

	.text
	.globl svm_vmrun
svm_vmrun:
	pushq	%rbx
	pushq	%rbp
	pushq	%r12
	pushq	%r13
	pushq	%r14
	pushq	%r15
	pushq	%rsi                    /* 16(%rsp): gprs */
	pushq	%rdx                    /* 8(%rsp): host save area */
	pushq	%rdi                    /* 0(%rsp): guest VMCB */

	movq	%rdx, %rax
	vmsave	%rax

	movq	G_RBX(%rsi), %rbx
	movq	G_RCX(%rsi), %rcx
	movq	G_RDX(%rsi), %rdx
	movq	G_RDI(%rsi), %rdi
	movq	G_RBP(%rsi), %rbp
	movq	G_R8(%rsi), %r8
	movq	G_R9(%rsi), %r9
	movq	G_R10(%rsi), %r10
	movq	G_R11(%rsi), %r11
	movq	G_R12(%rsi), %r12
	movq	G_R13(%rsi), %r13
	movq	G_R14(%rsi), %r14
	movq	G_R15(%rsi), %r15
	movq	G_RSI(%rsi), %rsi

	movq	0(%rsp), %rax
	vmload	%rax
	vmrun	%rax
	vmsave	%rax
	movq	8(%rsp), %rax
	vmload	%rax

	movq	16(%rsp), %rax
	movq	%rbx, G_RBX(%rax)
	movq	%rcx, G_RCX(%rax)
	movq	%rdx, G_RDX(%rax)
	movq	%rsi, G_RSI(%rax)
	movq	%rdi, G_RDI(%rax)
	movq	%rbp, G_RBP(%rax)
	movq	%r8, G_R8(%rax)
	movq	%r9, G_R9(%rax)
	movq	%r10, G_R10(%rax)
	movq	%r11, G_R11(%rax)
	movq	%r12, G_R12(%rax)
	movq	%r13, G_R13(%rax)
	movq	%r14, G_R14(%rax)
	movq	%r15, G_R15(%rax)

	/* Refill the return stack buffer with harmless entries, so no return
	 * the hv makes speculates into addresses the guest left there. */
	movl	$16, %ecx
1:	call	2f
	int3
2:	call	3f
	int3
3:	decl	%ecx
	jnz	1b
	addq	$(16 * 2 * 8), %rsp

	stgi

	addq	$24, %rsp
	popq	%r15
	popq	%r14
	popq	%r13
	popq	%r12
	popq	%rbp
	popq	%rbx
	ret
