/*
 * Guest-virtual to guest-physical translation for hypercall arguments
 * (every pointer a Xen guest passes is a virtual address).  Walks the
 * guest's own page tables, read through the p2m, for the paging mode its
 * CR0/CR4/EFER select: none, or 4-level long mode (AMD APM vol. 2 5.3).
 * 32-bit paged modes are not used by the guests we run and fail the walk.
 */
#include "p2m.h"
#include "domain.h"
#include "x86/paging.h"

#define CR4_LA57 (1ULL << 12)

int guest_va_to_gpa(struct vcpu *v, uint64_t gva, bool write, uint64_t *gpa)
{
	const struct vcpu_regs *vm = &v->regs;
	if (!(vm->cr0 & CR0_PG)) {
		*gpa = gva;
		return 0;
	}
	if (!(vm->efer & EFER_LMA) || (vm->cr4 & CR4_LA57))
		return -1;
	if ((uint64_t)((int64_t)(gva << 16) >> 16) != gva)
		return -1; /* not canonical: the CPU would fault, so do we */
	uint64_t table = vm->cr3 & PTE_ADDR_MASK;
	for (unsigned shift = 39;; shift -= 9) {
		uint64_t e;
		if (copy_from_gpa(v->d, &e, table + ((gva >> shift) & 511) * 8, 8) || !(e & PTE_P))
			return -1;
		if (write && !(e & PTE_W) && (vm->cr0 & CR0_WP))
			return -1;
		if (shift == 12 || (shift <= 30 && (e & PTE_PS))) {
			uint64_t page = 1ULL << shift;
			*gpa = (e & PTE_ADDR_MASK & ~(page - 1)) | (gva & (page - 1));
			return 0;
		}
		table = e & PTE_ADDR_MASK;
	}
}

static int copy_guest(struct vcpu *v, uint64_t gva, void *buf, size_t len, bool to_guest)
{
	char *b = buf;
	while (len) {
		size_t chunk = MIN(len, PAGE_SIZE - (gva & (PAGE_SIZE - 1)));
		uint64_t gpa;
		if (guest_va_to_gpa(v, gva, to_guest, &gpa))
			return -1;
		int rc = to_guest ? copy_to_gpa(v->d, gpa, b, chunk) : copy_from_gpa(v->d, b, gpa, chunk);
		if (rc)
			return -1;
		gva += chunk, b += chunk, len -= chunk;
	}
	return 0;
}

int copy_from_guest(struct vcpu *v, void *dst, uint64_t gva, size_t len)
{
	return copy_guest(v, gva, dst, len, false);
}

int copy_to_guest(struct vcpu *v, uint64_t gva, const void *src, size_t len)
{
	return copy_guest(v, gva, (void *)(uintptr_t)src, len, true);
}
