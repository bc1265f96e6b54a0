/*
 * ASIDs: the tags that keep TLB entries of different vCPUs apart (AMD
 * APM vol. 2 15.16).  Each CPU hands out its ASIDs 1..max in
 * generations; a vCPU's ASID is valid only on the CPU and in the
 * generation it was handed out in.  When a CPU runs out, it starts a new
 * generation with a full TLB flush, so no two vCPUs, of one domain or
 * two, ever share a tag with stale entries.  A vCPU whose p2m changed
 * simply takes a fresh ASID: its old entries become unreachable.
 */
#include "svm_vcpu.h"
#include "svm.h"
#include "x86/percpu.h"

void svm_asid_assign(struct vcpu *v, struct vmcb *vm)
{
	struct percpu *pc = this_cpu();
	struct svm_vcpu *s = svm(v);
	bool flush = __atomic_exchange_n(&v->flush_tlb, false, __ATOMIC_SEQ_CST);
	if (!flush && s->asid_cpu == pc->cpu_id && s->asid_gen == pc->tlb_tag_gen && s->asid)
		return;
	uint32_t max = svm_nr_asids > 1 ? svm_nr_asids - 1 : 1;
	if (!pc->tlb_tag_gen || pc->tlb_tag_next > max || !pc->tlb_tag_next) {
		pc->tlb_tag_gen++;
		pc->tlb_tag_next = 1;
		vm->tlb_control = SVM_TLB_FLUSH_ALL; /* every tag of the old generation goes */
	}
	s->asid = pc->tlb_tag_next++;
	s->asid_cpu = pc->cpu_id;
	s->asid_gen = pc->tlb_tag_gen;
	vm->asid = s->asid;
}
