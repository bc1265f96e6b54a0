/*
 * A first guest: a few bytes of real-mode code run under nested paging
 * on the boot CPU.  It writes two ports, stores to a mapped page, loads
 * from an unmapped one (the hv answers the nested page fault as a device
 * model would) and halts.  Every exit's reason, port, size, value and
 * RIP is checked against what the code must produce, and the store must
 * reach the host page behind the guest address.
 */
#include "svm.h"
#include "vmcb.h"
#include "x86/asm_defs.h"
#include "x86/cpu.h"
#include "x86/paging.h"
#include "x86/percpu.h"
#include "page_alloc.h"
#include "console.h"

#define GUEST_CODE_GPA 0x1000
#define GUEST_DATA_GPA 0x2000
#define GUEST_MMIO_GPA 0x3000 /* left unmapped: reads fault to the hv */
#define MMIO_READ_VALUE 0x4242
#define NPT_FLAGS (PTE_P | PTE_W | PTE_U)
#define DEFAULT_PAT 0x0007040600070406ULL

static const uint8_t guest_code[] = {
	0xb0, 0x5a,                         /* 1000: mov al, 0x5a       */
	0xe6, 0x80,                         /* 1002: out 0x80, al       */
	0xb8, 0x34, 0x12,                   /* 1004: mov ax, 0x1234     */
	0xba, 0x10, 0x05,                   /* 1007: mov dx, 0x510      */
	0xef,                               /* 100a: out dx, ax         */
	0xc7, 0x06, 0x00, 0x20, 0xef, 0xbe, /* 100b: mov word [0x2000], 0xbeef */
	0xa1, 0x00, 0x30,                   /* 1011: mov ax, [0x3000]   */
	0xba, 0x11, 0x05,                   /* 1014: mov dx, 0x511      */
	0xef,                               /* 1017: out dx, ax         */
	0xf4,                               /* 1018: hlt                */
};

struct expected_exit {
	uint32_t code;
	uint64_t rip;
	uint16_t port;  /* IOIO */
	uint8_t size;   /* IOIO, bytes */
	uint32_t value; /* IOIO: low bits of RAX */
	uint64_t gpa;   /* NPF */
	uint8_t length; /* instruction length, to step over an NPF */
};

static const struct expected_exit expected[] = {
	{ SVM_EXIT_IOIO, 0x1002, 0x80, 1, 0x5a, 0, 2 },
	{ SVM_EXIT_IOIO, 0x100a, 0x510, 2, 0x1234, 0, 1 },
	{ SVM_EXIT_NPF, 0x1011, 0, 0, 0, GUEST_MMIO_GPA, 3 },
	{ SVM_EXIT_IOIO, 0x1017, 0x511, 2, MMIO_READ_VALUE, 0, 1 },
	{ SVM_EXIT_HLT, 0x1018, 0, 0, 0, 0, 1 },
};

struct selftest {
	struct vmcb *vmcb;
	uint64_t *npt;
	void *code, *data, *iopm, *msrpm;
	uint64_t gprs[16];
};

static void real_mode_state(struct vmcb *v)
{
	struct vmcb_seg data = { 0, 0x93, 0xffff, 0 };
	v->cs = (struct vmcb_seg){ 0, 0x9b, 0xffff, 0 };
	v->ds = v->es = v->ss = v->fs = v->gs = data;
	v->gdtr = v->idtr = (struct vmcb_seg){ 0, 0, 0xffff, 0 };
	v->ldtr = (struct vmcb_seg){ 0, 0x82, 0xffff, 0 };
	v->tr = (struct vmcb_seg){ 0, 0x8b, 0xffff, 0 };
	v->cr0 = CR0_ET;
	v->efer = EFER_SVME; /* required set in the guest image (APM 15.5.1) */
	v->rflags = 0x2;
	v->rip = GUEST_CODE_GPA;
	v->rsp = 0x7000;
	v->dr6 = 0xffff0ff0;
	v->dr7 = 0x400;
	v->g_pat = DEFAULT_PAT;
}

static int setup(struct selftest *t)
{
	t->vmcb = alloc_zeroed_page();
	t->npt = alloc_zeroed_page();
	t->code = alloc_zeroed_page();
	t->data = alloc_zeroed_page();
	t->iopm = (void *)(uintptr_t)alloc_pages(2);  /* 12 KiB used */
	t->msrpm = (void *)(uintptr_t)alloc_pages(1); /* 8 KiB */
	if (!t->vmcb || !t->npt || !t->code || !t->data || !t->iopm || !t->msrpm)
		return -1;
	memset(t->iopm, 0xff, 4 * PAGE_SIZE);
	memset(t->msrpm, 0xff, 2 * PAGE_SIZE);
	memcpy(t->code, guest_code, sizeof(guest_code));
	if (pt_map(t->npt, GUEST_CODE_GPA, (uintptr_t)t->code, 12, NPT_FLAGS, NPT_FLAGS) ||
	    pt_map(t->npt, GUEST_DATA_GPA, (uintptr_t)t->data, 12, NPT_FLAGS, NPT_FLAGS))
		return -1;
	struct vmcb *v = t->vmcb;
	v->intercepts1 = SVM_INTERCEPT_INTR | SVM_INTERCEPT_NMI | SVM_INTERCEPT_HLT |
			 SVM_INTERCEPT_IOIO | SVM_INTERCEPT_MSR | SVM_INTERCEPT_SHUTDOWN;
	v->intercepts2 = SVM_INTERCEPT_VMRUN | SVM_INTERCEPT_VMMCALL;
	v->iopm_base_pa = (uintptr_t)t->iopm;
	v->msrpm_base_pa = (uintptr_t)t->msrpm;
	v->asid = 1;
	v->tlb_control = SVM_TLB_FLUSH_ALL;
	v->int_control = SVM_V_INTR_MASKING;
	v->np_control = 1;
	v->n_cr3 = (uintptr_t)t->npt;
	real_mode_state(v);
	return 0;
}

static void teardown(struct selftest *t)
{
	if (t->npt)
		pt_free(t->npt);
	void *pages[] = { t->vmcb, t->code, t->data };
	for (unsigned i = 0; i < ARRAY_SIZE(pages); i++)
		if (pages[i])
			free_pages((uintptr_t)pages[i], 0);
	if (t->iopm)
		free_pages((uintptr_t)t->iopm, 2);
	if (t->msrpm)
		free_pages((uintptr_t)t->msrpm, 1);
}

/* Checks one exit against what was expected and steps the guest past it. */
static int check_exit(struct vmcb *v, const struct expected_exit *e, unsigned n)
{
	uint32_t code = (uint32_t)v->exitcode;
	if (code != e->code || v->rip != e->rip) {
		printk("svm: self-test exit %u: got code %#x at RIP %#lx, expected %#x at %#lx\n", n,
		       code, v->rip, e->code, e->rip);
		return -1;
	}
	if (code == SVM_EXIT_IOIO) {
		uint64_t info = v->exitinfo1;
		uint32_t mask = e->size == 1 ? 0xff : e->size == 2 ? 0xffff : 0xffffffff;
		if ((info & SVM_IOIO_IN) || SVM_IOIO_PORT(info) != e->port ||
		    SVM_IOIO_SIZE(info) != e->size || (v->rax & mask) != e->value ||
		    v->exitinfo2 != e->rip + e->length) {
			printk("svm: self-test exit %u: OUT got info %#lx rax %#lx next %#lx\n", n, info,
			       v->rax, v->exitinfo2);
			return -1;
		}
		v->rip = v->exitinfo2;
	} else if (code == SVM_EXIT_NPF) {
		if (v->exitinfo2 != e->gpa || (v->exitinfo1 & (PTE_P | PTE_W))) {
			printk("svm: self-test exit %u: NPF at %#lx info %#lx, expected a read of %#lx\n",
			       n, v->exitinfo2, v->exitinfo1, e->gpa);
			return -1;
		}
		v->rax = (v->rax & ~0xffffULL) | MMIO_READ_VALUE; /* what a device would answer */
		v->rip += e->length;
	}
	return 0;
}

static int run_guest(struct selftest *t, unsigned *intr_exits)
{
	unsigned n = 0;
	while (n < ARRAY_SIZE(expected)) {
		__asm__ volatile("clgi" ::: "memory");
		svm_vmrun((uintptr_t)t->vmcb, t->gprs, this_cpu()->hvm_host_vmcb);
		t->vmcb->tlb_control = 0;
		if ((uint32_t)t->vmcb->exitcode == SVM_EXIT_INTR) {
			if (++*intr_exits > 1000)
				return -1;
			continue; /* a host interrupt: it was taken at STGI; resume */
		}
		if (check_exit(t->vmcb, &expected[n], n))
			return -1;
		n++;
	}
	return 0;
}

int svm_selftest(void)
{
	struct selftest t = { 0 };
	unsigned intr_exits = 0;
	int rc = setup(&t);
	if (rc)
		printk("svm: self-test: out of memory\n");
	else
		rc = run_guest(&t, &intr_exits);
	if (!rc && *(volatile uint16_t *)t.data != 0xbeef) {
		printk("svm: self-test: guest store did not reach its page (%#x)\n",
		       *(volatile uint16_t *)t.data);
		rc = -1;
	}
	if (!rc)
		printk("svm: self-test guest: %zu exits checked (OUT, OUT, nested page fault, OUT, HLT), "
		       "%u host interrupts taken while it ran\n", ARRAY_SIZE(expected), intr_exits);
	teardown(&t);
	return rc;
}
