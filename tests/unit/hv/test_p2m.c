/*
 * hv/arch/x86/p2m.c on the host: the accounting of pages and table pages,
 * the table pool's limit, read-only leaves, removal of extents, and the
 * rule that nothing unmapped goes back to the allocator before every
 * vCPU of the domain was made to flush.  Pages come from a fake
 * allocator that logs each free and each vCPU kick in one sequence.
 */
#include <asm/prctl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/syscall.h>
#include <unistd.h>
#include "check.h"
#include "p2m.h"
#include "domain.h"
#include "page_alloc.h"
#include "x86/percpu.h"

/* ---- the fake allocator: every block remembered, frames counted ---- */
#define MAX_BLOCKS 256
#define MAX_FRAMES 8192
struct block { void *p; unsigned order; };
struct frame { paddr_t pa; uint32_t refs; bool free; uint64_t freed_at; };
static struct block blocks[MAX_BLOCKS];
static struct frame frames[MAX_FRAMES];
static unsigned nr_blocks, nr_frames;
static uint64_t seq, last_kick, live_pages;

static unsigned frame_index(paddr_t pa)
{
	for (unsigned i = 0; i < nr_frames; i++)
		if (frames[i].pa == pa)
			return i;
	return ~0u;
}

paddr_t alloc_pages(unsigned order)
{
	size_t size = (size_t)PAGE_SIZE << order;
	void *p = aligned_alloc(size, size);
	if (!p || nr_blocks == MAX_BLOCKS || nr_frames + (1u << order) > MAX_FRAMES)
		abort();
	blocks[nr_blocks++] = (struct block){ p, order };
	for (unsigned i = 0; i < 1u << order; i++)
		frames[nr_frames++] = (struct frame){ (paddr_t)(uintptr_t)p + i * PAGE_SIZE, 0, false, 0 };
	live_pages += 1u << order;
	return (paddr_t)(uintptr_t)p;
}

void *alloc_zeroed_page(void)
{
	paddr_t pa = alloc_pages(0);
	memset((void *)(uintptr_t)pa, 0, PAGE_SIZE);
	return (void *)(uintptr_t)pa;
}

void free_pages(paddr_t pa, unsigned order)
{
	for (unsigned i = 0; i < 1u << order; i++) {
		unsigned f = frame_index(pa + i * PAGE_SIZE);
		if (f == ~0u || frames[f].free)
			abort(); /* a double free or a wild one */
		frames[f].free = true;
		frames[f].freed_at = ++seq;
	}
	live_pages -= 1u << order;
}

void printk_guest(const char *fmt, ...)
{
	(void)fmt; /* p2m_dump_walk's lines: not checked here */
}

void page_ref_init(paddr_t pa, unsigned order)
{
	for (unsigned i = 0; i < 1u << order; i++)
		frames[frame_index(pa + i * PAGE_SIZE)].refs = 1;
}

bool page_ref_get(paddr_t pa)
{
	unsigned f = frame_index(pa);
	if (f == ~0u || !frames[f].refs)
		return false;
	frames[f].refs++;
	return true;
}

uint32_t page_ref_count(paddr_t pa)
{
	unsigned f = frame_index(pa);
	return f == ~0u ? 0 : frames[f].refs;
}

void page_ref_put(paddr_t pa, unsigned order)
{
	for (unsigned i = 0; i < 1u << order; i++) {
		unsigned f = frame_index(pa + i * PAGE_SIZE);
		if (f == ~0u || !frames[f].refs)
			abort();
		if (--frames[f].refs == 0)
			free_pages(pa + i * PAGE_SIZE, 0);
	}
}

/* What another CPU does while a flush waits (test_lazy_remove). */
static void (*during_kick)(void);

void vcpu_kick(struct vcpu *v)
{
	v->in_guest = false; /* a kicked vCPU leaves the guest */
	last_kick = ++seq;
	if (during_kick) {
		void (*fn)(void) = during_kick;
		during_kick = NULL;
		fn();
	}
}

/* this_cpu() reads %gs:0: point GS at a percpu whose first word is itself. */
static struct percpu cpu0;
struct percpu percpu[MAX_CPUS];

static void fake_percpu(void)
{
	memcpy(&cpu0, &(struct percpu *){ &cpu0 }, sizeof(void *));
	syscall(SYS_arch_prctl, ARCH_SET_GS, &cpu0);
}

static struct domain dom;
static struct vcpu vcpu0;

static void new_domain(uint64_t max_pages)
{
	memset(&dom, 0, sizeof(dom));
	dom.max_pages = max_pages;
	dom.nr_vcpus = 1;
	dom.vcpu[0] = &vcpu0;
	vcpu0.d = &dom;
	dom.p2m = alloc_zeroed_page();
	dom.p2m_tables = 1;
	dom.p2m_table_limit = 64;
}

static uint64_t frame_freed_at(paddr_t pa)
{
	unsigned f = frame_index(pa);
	return f == ~0u || !frames[f].free ? 0 : frames[f].freed_at;
}

static void test_populate_and_remove(void)
{
	new_domain(2048);
	CHECK(!p2m_populate(&dom, 0, MiB(4)), "4 MiB populated");
	CHECK(dom.tot_pages == 1024 && dom.p2m_tables == 3,
	      "as two 2 MiB pages under three table pages (tot %lu, tables %lu)", dom.tot_pages, dom.p2m_tables);
	paddr_t page;
	CHECK(!p2m_get_page(&dom, 0x1000, &page), "a reference on the page at 0x1000");
	uint64_t kick_before = last_kick;
	CHECK(!p2m_remove(&dom, 0x1000), "the page at 0x1000 removed");
	CHECK(dom.tot_pages == 1024 && dom.p2m_tables == 4,
	      "the 2 MiB page was split; the referenced page stays charged: 1024 pages, 4 tables (%lu, %lu)",
	      dom.tot_pages, dom.p2m_tables);
	CHECK(last_kick > kick_before && !frame_freed_at(page), "a flush, and the referenced frame stays");
	CHECK(!p2m_is_mapped(&dom, 0x1000) && p2m_is_mapped(&dom, 0x2000), "0x1000 is a hole, 0x2000 is not");
	page_ref_put(page, 0);
	CHECK(frame_freed_at(page), "the last reference frees it");

	paddr_t big;
	CHECK(!p2m_get_page(&dom, MiB(2) + 0x5000, &big), "a reference into the second 2 MiB page");
	page_ref_put(big, 0);
	kick_before = last_kick;
	CHECK(!p2m_remove_extent(&dom, MiB(2), 9), "the second 2 MiB page removed as one extent");
	uint64_t freed = frame_freed_at(big);
	CHECK(freed && freed > last_kick && last_kick > kick_before,
	      "its frames were freed only after the vCPUs were kicked (kick %lu, free %lu)", last_kick, freed);
	CHECK(dom.tot_pages == 512 && dom.p2m_tables == 4, "512 charged pages left (%lu)", dom.tot_pages);
	int rc = p2m_remove_extent(&dom, 0, 9);
	CHECK(rc == -1 && dom.tot_pages == 511 && !p2m_is_mapped(&dom, 0) && p2m_is_mapped(&dom, 0x2000),
	      "an extent over the hole at 0x1000 stops there: only page 0 went (%lu left)", dom.tot_pages);
	CHECK(p2m_populate(&dom, MiB(8), MiB(8)) == -1, "more than max_pages is refused");
}

static void test_table_pool(void)
{
	new_domain(64);
	int rc = p2m_populate(&dom, 0, PAGE_SIZE * 4);
	CHECK(!rc && dom.p2m_tables == 4, "a few pages populated under four table pages (%lu)", dom.p2m_tables);
	CHECK(p2m_set_table_limit(&dom, dom.p2m_tables - 1) == -1, "a pool smaller than in use is refused");
	CHECK(!p2m_set_table_limit(&dom, dom.p2m_tables), "a pool of exactly what is in use is taken");
	uint64_t live = live_pages;
	CHECK(p2m_populate_extent(&dom, 1ULL << 40, 0) == -1 && live_pages == live,
	      "a page far away needs new tables: refused, nothing allocated");
	CHECK(!p2m_populate_extent(&dom, 0x8000, 0), "a page under the existing tables still fits");
	CHECK(p2m_map_page(&dom, 1ULL << 41, 0x1000) == -1, "nor does one mapped far away (a shared_info moved about)");
}

static void test_readonly_and_teardown(void)
{
	new_domain(64);
	CHECK(!p2m_populate(&dom, 0, PAGE_SIZE * 2), "two pages of RAM");
	paddr_t granted = alloc_pages(0);
	page_ref_init(granted, 0);
	page_ref_get(granted);
	CHECK(!p2m_map_foreign(&dom, 0x10000, granted, false), "a foreign page mapped read-only");
	uint32_t word = 0x5a5a5a5a;
	memcpy((void *)(uintptr_t)granted, &word, sizeof(word));
	CHECK(copy_to_gpa(&dom, 0x10000, &word, sizeof(word)) == -1, "the hv does not write through a read-only leaf");
	uint32_t back = 0;
	CHECK(!copy_from_gpa(&dom, &back, 0x10000, sizeof(back)) && back == word, "but reads through it");
	CHECK(copy_to_gpa(&dom, PAGE_SIZE * 2 - 2, &word, sizeof(word)) == -1, "a copy running into a hole fails");
	CHECK(!copy_to_gpa(&dom, PAGE_SIZE - 2, &word, sizeof(word)), "one across two mapped pages works");
	uint64_t live = live_pages;
	p2m_teardown(&dom);
	CHECK(!dom.p2m && !dom.tot_pages && !dom.p2m_tables, "teardown empties the p2m");
	CHECK(live_pages == live - 2 - 4, "its two pages and four tables are freed (%lu left of %lu)", live_pages, live);
	CHECK(!frame_freed_at(granted), "the foreign page stays with its owner");
	page_ref_put(granted, 0);
	CHECK(frame_freed_at(granted), "and goes when the owner lets go");
	p2m_teardown(&dom);
	CHECK(!dom.p2m, "a second teardown does nothing");
}

/* A page given back while another domain maps it stays charged to its
 * owner: otherwise grant-map-then-decrease would take a guest past
 * max_pages. */
static void test_charge_while_shared(void)
{
	new_domain(2);
	CHECK(!p2m_populate(&dom, 0, PAGE_SIZE * 2), "two pages of RAM, the domain's whole allowance");
	paddr_t page = 0;
	CHECK(!p2m_get_page(&dom, PAGE_SIZE, &page), "another domain takes a reference on page 1 (a grant map)");
	CHECK(!p2m_remove(&dom, PAGE_SIZE) && dom.tot_pages == 2, "the owner gives page 1 back: still charged (%lu)",
	      dom.tot_pages);
	CHECK(p2m_populate_extent(&dom, PAGE_SIZE, 0) == -1, "so it cannot populate past max_pages");
	CHECK(!frame_freed_at(page), "the mapped page is not freed");
	page_ref_put(page, 0);
	CHECK(frame_freed_at(page), "it is freed when the mapper lets go");
	CHECK(!p2m_remove(&dom, 0) && dom.tot_pages == 1, "an unshared page given back is uncharged at once");
	p2m_teardown(&dom);
}

static paddr_t lazy_frame;

/* Another CPU's lazy removal of 0x4000 while a vCPU is back in the guest. */
static void lazy_remove_in_guest(void)
{
	vcpu0.in_guest = true;
	p2m_remove_lazy(&dom, 0x4000);
}

/* remove_from_physmap's lazy removal: nothing waits for a vCPU in the
 * guest, nothing is freed before it flushed, and a full list or a later
 * ordinary removal flushes everything. */
static void test_lazy_remove(void)
{
	new_domain(2048);
	CHECK(!p2m_populate(&dom, 0, PAGE_SIZE * 80), "80 pages of RAM");
	paddr_t page;
	CHECK(!p2m_get_page(&dom, 0x3000, &page), "the frame at 0x3000");
	page_ref_put(page, 0);
	vcpu0.in_guest = true, vcpu0.flush_tlb = false;
	uint64_t kick_before = last_kick;
	CHECK(!p2m_remove_lazy(&dom, 0x3000) && !p2m_is_mapped(&dom, 0x3000), "0x3000 removed lazily");
	CHECK(last_kick == kick_before && vcpu0.flush_tlb && !frame_freed_at(page) && dom.p2m_later_n == 1,
	      "the vCPU in the guest is asked to flush, not kicked; the frame waits (%u waiting)", dom.p2m_later_n);
	p2m_drain(&dom);
	CHECK(!frame_freed_at(page), "a drain before the vCPU flushed frees nothing");
	vcpu0.flush_tlb = false; /* it entered again with a fresh ASID */
	p2m_drain(&dom);
	CHECK(frame_freed_at(page) && !dom.p2m_later_n, "once it has, the drain frees the frame");
	unsigned removed = 0;
	for (uint64_t gpa = 0x5000; gpa < 0x5000 + 70 * PAGE_SIZE; gpa += PAGE_SIZE)
		removed += !p2m_remove_lazy(&dom, gpa);
	CHECK(removed == 70 && last_kick > kick_before && !dom.p2m_later_n,
	      "70 lazy removals: the full list was flushed with a kick, and nothing waits after (%u)",
	      dom.p2m_later_n);
	CHECK(!p2m_get_page(&dom, 0x1000, &page), "the frame at 0x1000");
	page_ref_put(page, 0);
	kick_before = last_kick;
	CHECK(!p2m_remove(&dom, 0x1000) && last_kick > kick_before && !dom.p2m_later_n,
	      "an ordinary removal flushes and frees what lazy ones left");
	vcpu0.in_guest = false;
	CHECK(!p2m_remove_lazy(&dom, 0x2000) && !dom.p2m_later_n,
	      "with no vCPU in the guest a lazy removal frees at once");
	/* A lazy removal that lands while an ordinary one's flush waits is
	 * not covered by that flush: its frame must outlive it. */
	CHECK(!p2m_get_page(&dom, 0x4000, &lazy_frame), "the frame at 0x4000");
	page_ref_put(lazy_frame, 0);
	during_kick = lazy_remove_in_guest;
	int removed_rc = p2m_remove(&dom, 0x4c000);
	CHECK(!removed_rc && dom.p2m_later_n == 1 && !frame_freed_at(lazy_frame),
	      "a lazy removal made during another's flush waits for a flush of its own (%u waiting)",
	      dom.p2m_later_n);
	vcpu0.in_guest = false;
	p2m_drain(&dom);
	CHECK(frame_freed_at(lazy_frame), "... and goes once the vCPU has left the guest");
}

int main(void)
{
	fake_percpu();
	test_populate_and_remove();
	test_table_pool();
	test_readonly_and_teardown();
	test_charge_while_shared();
	test_lazy_remove();
	for (unsigned i = 0; i < nr_blocks; i++)
		free(blocks[i].p);
	return check_exit();
}
