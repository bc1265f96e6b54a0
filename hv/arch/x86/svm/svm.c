/*
 * AMD-V (SVM) enablement: detection (CPUID 0x80000001 ECX[2], the
 * firmware's VM_CR.SVMDIS lock, CPUID 0x8000000A for features and ASIDs),
 * EFER.SVME and the host save area on each CPU (AMD APM vol. 2 sections
 * 15.4 and 15.30).  Nested paging is required; everything else optional
 * is detected and reported, never assumed (QEMU's TCG offers none of it).
 */
#include "x86/hvm.h"
#include "x86/cpu.h"
#include "page_alloc.h"
#include "console.h"
#include "svm.h"

#define MSR_VM_CR 0xc0010114
#define VM_CR_SVMDIS (1u << 4)
#define MSR_VM_HSAVE_PA 0xc0010117
#define SVM_FEATURE_NPT (1u << 0)

uint32_t svm_features; /* CPUID 0x8000000A EDX */
uint32_t svm_nr_asids;

static const char *const svm_feature_names[32] = {
	[0] = "NPT", [1] = "LBR-virt", [2] = "SVM-lock", [3] = "next-RIP",
	[4] = "TSC-ratio", [5] = "VMCB-clean", [6] = "flush-by-ASID", [7] = "decode-assists",
	[10] = "pause-filter", [12] = "pause-threshold", [13] = "AVIC",
	[15] = "vVMLOAD/VMSAVE", [16] = "vGIF", [17] = "GMET", [18] = "x2AVIC",
	[19] = "SSS-check", [20] = "V_SPEC_CTRL", [21] = "ROGPT", [23] = "HOST_MCE_OVERRIDE",
	[24] = "INVLPGB-ctl", [25] = "vNMI", [26] = "IBS-virt",
};

const char *svm_probe(void)
{
	if (cpuid(0x80000000).eax < 0x8000000a)
		return "this CPU has no AMD-V (SVM)";
	if (!((cpuid(0x80000001).ecx >> 2) & 1))
		return "this CPU has no AMD-V (SVM)";
	if (rdmsr(MSR_VM_CR) & VM_CR_SVMDIS)
		return "AMD-V (SVM) is disabled by the firmware (VM_CR.SVMDIS); enable it in the BIOS setup";
	struct cpuid_regs r = cpuid(0x8000000a);
	svm_features = r.edx;
	svm_nr_asids = r.ebx;
	if (!(svm_features & SVM_FEATURE_NPT))
		return "AMD-V without nested paging (NPT), which this hv requires";
	return NULL;
}

int svm_cpu_enable(struct percpu *pc)
{
	if (svm_probe())
		return -1;
	if (!pc->hvm_host_area) {
		pc->hvm_host_area = (uintptr_t)alloc_zeroed_page();
		pc->hvm_host_vmcb = (uintptr_t)alloc_zeroed_page();
		if (!pc->hvm_host_area || !pc->hvm_host_vmcb)
			return -1;
	}
	wrmsr(MSR_EFER, rdmsr(MSR_EFER) | EFER_SVME);
	wrmsr(MSR_VM_HSAVE_PA, pc->hvm_host_area);
	pc->hvm_enabled = true;
	return 0;
}

void svm_report_features(void)
{
	char buf[384];
	size_t n = 0;
	for (unsigned bit = 0; bit < 32; bit++)
		if ((svm_features >> bit) & 1)
			n += (size_t)fmt_snprintf(buf + n, sizeof(buf) - MIN(n, sizeof(buf)), " %s",
						  svm_feature_names[bit] ? svm_feature_names[bit] : "?");
	printk("svm: AMD-V features:%s; %u ASIDs\n", buf, svm_nr_asids);
	if (!(svm_features & (1u << 3)))
		printk("svm: no next-RIP: instruction lengths come from the hv itself\n");
	if (!(svm_features & (1u << 7)))
		printk("svm: no decode assists: MMIO instructions are fetched and decoded by the hv\n");
}
