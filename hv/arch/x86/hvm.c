/* Chooses the hardware-virtualization backend for this machine. */
#include "x86/hvm.h"
#include "x86/cpu.h"

const struct hvm_ops *hvm;

static bool cpu_has_vmx(void)
{
	return (cpuid(1).ecx >> 5) & 1;
}

const struct hvm_ops *hvm_select(const char **why)
{
	const char *svm_why = svm_hvm_ops.probe();
	if (!svm_why)
		return hvm = &svm_hvm_ops;
	if (cpu_has_vmx())
		*why = "this CPU has Intel VT-x, whose backend is not built into this hv yet";
	else
		*why = svm_why;
	return hvm = NULL;
}
