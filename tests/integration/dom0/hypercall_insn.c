/*
 * Runs inside dom0 as an ordinary process: issues xen_version through both
 * hypercall instructions, VMMCALL (AMD's) and VMCALL (Intel's), from user
 * mode.  The hv must recognise each as a hypercall and refuse it from
 * CPL 3 with -EPERM, as Xen does; an unhandled VMCALL would kill us with
 * SIGILL instead.  Prints "HCALL-INSN: ..." for the test.
 */
#include <stdio.h>

static long issue(int intel)
{
	long rax = 17; /* __HYPERVISOR_xen_version */
	if (intel)
		__asm__ volatile("vmcall" : "+a"(rax) : "D"(0L), "S"(0L) : "memory");
	else
		__asm__ volatile("vmmcall" : "+a"(rax) : "D"(0L), "S"(0L) : "memory");
	return rax;
}

int main(void)
{
	long amd = issue(0), intel = issue(1);
	printf("HCALL-INSN: vmmcall from user mode returned %ld, vmcall %ld (-EPERM is -1)\n", amd, intel);
	return 0;
}
