/*
 * Guest-physical memory.  A domain's p2m is the nested page table itself
 * (x86-64 format, leaves P|W|U): RAM comes as 2 MiB pages where it can,
 * and single 4 KiB pages can be placed anywhere (shared_info, grant
 * frames), splitting a 2 MiB page if they land inside one.
 */
#ifndef BASTION_P2M_H
#define BASTION_P2M_H

#include "lib.h"

struct domain;
struct vcpu;

/* Backs [gpa, gpa + size) with freshly allocated, zeroed RAM. */
int p2m_populate(struct domain *d, uint64_t gpa, uint64_t size);
/* Maps one 4 KiB host page at gpa, replacing whatever was there; when
 * something was, every vCPU of d flushes its nested TLB before it runs
 * again (a hole is never cached, so replacing one needs no flush). */
int p2m_map_page(struct domain *d, uint64_t gpa, paddr_t hpa);
/* Removes the 4 KiB mapping at gpa (a hole afterwards); same flush. */
int p2m_unmap_page(struct domain *d, uint64_t gpa);
/* One extent of fresh RAM (order 0 or 9, aligned) at gpa, within the
 * domain's max_pages; what was mapped there goes.  0 or -1. */
int p2m_populate_extent(struct domain *d, uint64_t gpa, unsigned order);
/* A reference on the 4 KiB page of d's own RAM at gpa; 0 or -1 (a hole,
 * or a page d does not own: shared_info, grant frames, foreign maps). */
int p2m_get_page(struct domain *d, uint64_t gpa, paddr_t *hpa);
/* Maps hpa, on which the caller holds a reference, at gpa in d (read
 * only unless writable); the leaf keeps the reference (dropped at once
 * on failure).  0 or -1. */
int p2m_map_foreign(struct domain *d, uint64_t gpa, paddr_t hpa, bool writable);
/* Whether anything is mapped at gpa. */
bool p2m_is_mapped(struct domain *d, uint64_t gpa);
/* Bounds the pages d's nested tables may use (the paging pool); -1 if
 * more are in use already. */
int p2m_set_table_limit(struct domain *d, uint64_t pages);
/* Whether gpa is mapped read-only (a read-only grant mapping). */
bool p2m_write_protected(struct domain *d, uint64_t gpa);
/* Whatever is mapped at gpa goes (its page reference with it); -1 if
 * nothing was. */
int p2m_remove(struct domain *d, uint64_t gpa);
/* p2m_remove for a guest that unmaps a page itself (remove_from_physmap):
 * the vCPUs are asked to flush but not waited for; what was mapped keeps
 * its reference until they have (p2m_drain), so no frame is reused while
 * a stale translation reaches it.  A later p2m_remove waits for all. */
int p2m_remove_lazy(struct domain *d, uint64_t gpa);
/* Frees what lazy removals left once every vCPU of d has flushed; cheap
 * when nothing waits.  Called after each exit of a vCPU of d. */
void p2m_drain(struct domain *d);
/* The same for each page of 2^order pages from gpa (order 0-9); -1 at the first page with nothing mapped, the ones before it
 * removed. */
int p2m_remove_extent(struct domain *d, uint64_t gpa, unsigned order);
/* Frees every page of the domain's own RAM and every table; the vCPUs
 * must never run again. */
void p2m_teardown(struct domain *d);
/* Prints the guest walk of va from cr3 through d's p2m (crash reports). */
void p2m_dump_walk(struct domain *d, uint64_t cr3, uint64_t va);
/* Guest-physical addresses the 4-level nested tables can map. */
#define P2M_GPA_LIMIT (1ULL << 48)

/* Copies to/from guest-physical memory under the p2m lock, so a page
 * cannot be freed mid-copy; 0, or -1 if any byte is unmapped (or, to
 * the guest, mapped read-only). */
int copy_to_gpa(struct domain *d, uint64_t gpa, const void *src, size_t len);
int copy_from_gpa(struct domain *d, void *dst, uint64_t gpa, size_t len);

/* Writes new (4 or 8 bytes, aligned) at gpa if it still holds old: 1 if
 * written, 0 if it held something else, -1 if not writable RAM. */
int cmpxchg_gpa(struct domain *d, uint64_t gpa, unsigned size, uint64_t old, uint64_t new);

/* Translates a guest-virtual address with the vCPU's current paging mode;
 * 0, or -1 if not mapped (or not writable when write is set). */
int guest_va_to_gpa(struct vcpu *v, uint64_t gva, bool write, uint64_t *gpa);
/* Copies through the guest's page tables; 0 or -1 (Xen's -EFAULT). */
int copy_from_guest(struct vcpu *v, void *dst, uint64_t gva, size_t len);
int copy_to_guest(struct vcpu *v, uint64_t gva, const void *src, size_t len);
/* Reads instruction bytes at the guest's CS:RIP with the rights of its
 * fetch (a user one at CPL 3); 0 or -1. */
int fetch_guest_insn(struct vcpu *v, void *dst, size_t len);

#endif
