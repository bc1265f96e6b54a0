/*
 * The boot vCPU's state for a PVH guest, as libxenguest's vcpu_hvm sets
 * it (xg_dom_x86.c, 4.17; the entry state of Xen's docs/misc/pvh.pandoc):
 * 32-bit protected mode without paging, flat 4 GiB code and data
 * segments, a minimal busy TSS, EIP = the PHYS32_ENTRY note and EBX =
 * the start-info address.  Everything else, FPU included, is zero.
 * Record layout: public/hvm/save.h (hvm_hw_cpu).
 */
#include "pvh_internal.h"

#define CR0_PE 0x1u
#define CR0_ET 0x10u
#define DR6_DEFAULT 0xFFFF0FF0u
#define DR7_DEFAULT 0x400u
#define FLAT_LIMIT 0xFFFFFFFFu
#define CODE_ARBYTES 0xC9Bu   /* present, DPL0, 32-bit, 4K granular, execute/read, accessed */
#define DATA_ARBYTES 0xC93u   /* present, DPL0, 32-bit, 4K granular, read/write, accessed */
#define TSS_ARBYTES 0x8Bu     /* present, 32-bit busy TSS */
#define TSS_LIMIT 0x67u

void pvh_vcpu_init(struct hvm_hw_cpu *cpu, uint32_t entry, uint64_t start_info_gpa)
{
	memset(cpu, 0, sizeof(*cpu));
	cpu->rip = entry;
	cpu->rbx = start_info_gpa;
	cpu->cr0 = CR0_PE | CR0_ET;
	cpu->dr6 = DR6_DEFAULT;
	cpu->dr7 = DR7_DEFAULT;
	cpu->cs_limit = cpu->ds_limit = cpu->es_limit = cpu->ss_limit = FLAT_LIMIT;
	cpu->cs_arbytes = CODE_ARBYTES;
	cpu->ds_arbytes = cpu->es_arbytes = cpu->ss_arbytes = DATA_ARBYTES;
	cpu->tr_limit = TSS_LIMIT;
	cpu->tr_arbytes = TSS_ARBYTES;
}

static size_t put_record(uint8_t *buf, uint16_t code, uint16_t instance, const void *body,
			 uint32_t len)
{
	struct hvm_save_descriptor d = { code, instance, len };

	memcpy(buf, &d, sizeof(d));
	if (len)
		memcpy(buf + sizeof(d), body, len);
	return sizeof(d) + len;
}

size_t pvh_plan_cpu_context(const struct pvh_plan *plan, const struct hvm_save_header *header,
			    uint8_t *buf)
{
	size_t at = 0;

	at += put_record(buf + at, HVM_SAVE_CODE_HEADER, 0, header, sizeof(*header));
	at += put_record(buf + at, HVM_SAVE_CODE_CPU, 0, &plan->cpu, sizeof(plan->cpu));
	at += put_record(buf + at, HVM_SAVE_CODE_END, 0, NULL, 0);
	return at;
}
