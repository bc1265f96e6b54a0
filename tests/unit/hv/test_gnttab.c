/*
 * hv/common/gnttab.c and gnttab_map.c (grant tables v1) through their
 * hypercall entry, do_grant_table_op, against fake domains, p2m and
 * pages: guest buffers are host memory, a gva is a host pointer.
 */
#include <stdlib.h>
#include <string.h>
#include "check.h"
#include "ctl.h"
#include "gnttab.h"
#include "heap.h"
#include "page_alloc.h"

/* Pages: 4 KiB host buffers with a reference count. */
#define MAX_PAGES 256
static struct fake_page {
	void *mem;
	int refs;
} pages[MAX_PAGES];

static struct fake_page *page_find(paddr_t pa)
{
	for (unsigned i = 0; i < MAX_PAGES; i++)
		if (pages[i].mem && (uintptr_t)pages[i].mem == pa)
			return &pages[i];
	return NULL;
}

static int page_refs(paddr_t pa)
{
	struct fake_page *p = page_find(pa);
	return p ? p->refs : 0;
}

void *alloc_zeroed_page(void)
{
	for (unsigned i = 0; i < MAX_PAGES; i++)
		if (!pages[i].mem) {
			pages[i].mem = aligned_alloc(PAGE_SIZE, PAGE_SIZE);
			memset(pages[i].mem, 0, PAGE_SIZE);
			pages[i].refs = 0;
			return pages[i].mem;
		}
	return NULL;
}

void page_ref_init(paddr_t pa, unsigned order)
{
	(void)order;
	page_find(pa)->refs = 1;
}

bool page_ref_get(paddr_t pa)
{
	struct fake_page *p = page_find(pa);
	if (!p || !p->refs)
		return false;
	p->refs++;
	return true;
}

void page_ref_put(paddr_t pa, unsigned order)
{
	(void)order;
	struct fake_page *p = page_find(pa);
	if (p && --p->refs == 0) {
		free(p->mem);
		p->mem = NULL;
	}
}

void *xzalloc(size_t size) { return calloc(1, size); }
void xfree(void *p) { free(p); }

/* Domains: RAM at gfns RAM_GFN.., foreign mappings by gpa, references. */
#define RAM_GFN 0x100
#define RAM_PAGES 4
#define MAX_FOREIGN 1024

struct fake_dom {
	struct domain d; /* first: a struct domain * is a struct fake_dom * */
	struct vcpu v;
	int refs;
	paddr_t ram[RAM_PAGES];
	struct { uint64_t gpa; paddr_t page; bool writable, used; } foreign[MAX_FOREIGN];
};

static struct fake_dom *by_id[8];
static bool fail_map_foreign;

static struct fake_dom *fd_of(struct domain *d) { return (struct fake_dom *)d; }

struct domain *domain_lookup(unsigned domid)
{
	struct fake_dom *f = domid < 8 ? by_id[domid] : NULL;
	if (f)
		f->refs++;
	return f ? &f->d : NULL;
}

void domain_hold(struct domain *d) { fd_of(d)->refs++; }
void domain_put(struct domain *d) { fd_of(d)->refs--; }

struct domain *domain_get_checked(struct vcpu *v, unsigned domid, enum access_rule rule, long *rc)
{
	(void)rule;
	struct domain *d = domid == DOMID_SELF ? v->d : domain_lookup(domid);
	if (domid == DOMID_SELF)
		domain_hold(d);
	*rc = !d ? -XEN_ESRCH : d == v->d || v->d->is_privileged ? 0 : -XEN_EPERM;
	if (d && *rc)
		domain_put(d);
	return *rc ? NULL : d;
}

int p2m_get_page(struct domain *d, uint64_t gpa, paddr_t *hpa)
{
	uint64_t i = (gpa >> PAGE_SHIFT) - RAM_GFN;
	if (i >= RAM_PAGES || !page_ref_get(fd_of(d)->ram[i]))
		return -1;
	*hpa = fd_of(d)->ram[i];
	return 0;
}

static int foreign_at(struct domain *d, uint64_t gpa)
{
	for (int i = 0; i < MAX_FOREIGN; i++)
		if (fd_of(d)->foreign[i].used && fd_of(d)->foreign[i].gpa == gpa)
			return i;
	return -1;
}

int p2m_remove(struct domain *d, uint64_t gpa)
{
	int i = foreign_at(d, gpa);
	if (i < 0)
		return -1;
	fd_of(d)->foreign[i].used = false;
	page_ref_put(fd_of(d)->foreign[i].page, 0);
	return 0;
}

int p2m_map_foreign(struct domain *d, uint64_t gpa, paddr_t hpa, bool writable)
{
	p2m_remove(d, gpa);
	int i;
	for (i = 0; i < MAX_FOREIGN && fd_of(d)->foreign[i].used; i++)
		;
	if (fail_map_foreign || i == MAX_FOREIGN) {
		page_ref_put(hpa, 0);
		return -1;
	}
	fd_of(d)->foreign[i].gpa = gpa, fd_of(d)->foreign[i].page = hpa;
	fd_of(d)->foreign[i].writable = writable, fd_of(d)->foreign[i].used = true;
	return 0;
}

/* The page a foreign mapping puts at gpa, 0 if none. */
static paddr_t mapped_at(struct domain *d, uint64_t gpa)
{
	int i = foreign_at(d, gpa);
	return i < 0 ? 0 : fd_of(d)->foreign[i].page;
}

int p2m_map_page(struct domain *d, uint64_t gpa, paddr_t hpa) { (void)d, (void)gpa, (void)hpa; return 0; }
int p2m_unmap_page(struct domain *d, uint64_t gpa) { (void)d, (void)gpa; return 0; }

/* Continuations: preempt_every > 0 preempts before every so many ops. */
static unsigned preempt_every, preempt_calls;
static uint64_t cont_arg[5];
static uint8_t cont_mask;

bool hypercall_preempt_check(void)
{
	return preempt_every && ++preempt_calls % preempt_every == 0;
}

void hypercall_continue(struct vcpu *v, unsigned idx, uint64_t value)
{
	(void)v;
	cont_mask |= (uint8_t)(1u << idx);
	cont_arg[idx] = value;
}

/* What the guest does on HC_RESTART: the same call, the continued arguments. */
static void apply_continuation(uint64_t arg[5])
{
	for (unsigned i = 0; i < 5; i++)
		if (cont_mask & (1u << i))
			arg[i] = cont_arg[i];
	cont_mask = 0;
}

int copy_from_guest(struct vcpu *v, void *dst, uint64_t gva, size_t len)
{
	(void)v;
	if (!gva)
		return -1;
	memcpy(dst, (void *)(uintptr_t)gva, len);
	return 0;
}

int copy_to_guest(struct vcpu *v, uint64_t gva, const void *src, size_t len)
{
	(void)v;
	if (!gva)
		return -1;
	memcpy((void *)(uintptr_t)gva, src, len);
	return 0;
}

/* A domain with id domid and max_frames grant frames, in the table. */
static struct fake_dom *dom_new(uint16_t domid, unsigned max_frames)
{
	struct fake_dom *f = calloc(1, sizeof(*f));
	f->d.domid = domid;
	f->d.state = DOMAIN_ALIVE;
	f->v.d = &f->d;
	f->refs = 1; /* the table's */
	for (unsigned i = 0; i < RAM_PAGES; i++) {
		f->ram[i] = (uintptr_t)alloc_zeroed_page();
		page_ref_init(f->ram[i], 0);
	}
	struct domain_config cfg = { .max_grant_frames = max_frames, .max_maptrack_frames = 4 };
	gnttab_hook.init(&f->d, &cfg);
	by_id[domid] = f;
	return f;
}

/* The fake p2m's teardown: every foreign entry's reference goes. */
static void p2m_drop_all(struct fake_dom *f)
{
	for (int i = 0; i < MAX_FOREIGN; i++)
		if (f->foreign[i].used) {
			f->foreign[i].used = false;
			page_ref_put(f->foreign[i].page, 0);
		}
}

/* domain_kill's part: dying, then the release hooks in domain.c's order
 * (maptrack, grant table, p2m). */
static void dom_kill(struct fake_dom *f)
{
	f->d.state = DOMAIN_DYING;
	maptrack_hook.release(&f->d);
	gnttab_hook.release(&f->d);
	p2m_drop_all(f);
	f->d.state = DOMAIN_DEAD;
	f->refs--;
}

static void dom_free(struct fake_dom *f)
{
	if (by_id[f->d.domid] == f)
		by_id[f->d.domid] = NULL;
	gnttab_hook.destroy(&f->d);
	for (unsigned i = 0; i < RAM_PAGES; i++)
		page_ref_put(f->ram[i], 0);
	free(f);
}

static struct grant_entry_v1 *entry(struct fake_dom *f, grant_ref_t ref)
{
	return (struct grant_entry_v1 *)(uintptr_t)f->d.gnttab->frame[ref / GNTTAB_ENTRIES_PER_FRAME] +
	       ref % GNTTAB_ENTRIES_PER_FRAME;
}

/* Granter f offers ref to domid: its RAM page i, with extra GTF_* flags. */
static void grant(struct fake_dom *f, grant_ref_t ref, uint16_t domid, unsigned i, uint16_t flags)
{
	gnttab_map_frame(&f->d, ref / GNTTAB_ENTRIES_PER_FRAME, 0x7000);
	struct grant_entry_v1 *e = entry(f, ref);
	e->frame = RAM_GFN + i;
	e->domid = domid;
	e->flags = GTF_permit_access | flags;
}

static long hc(struct fake_dom *f, unsigned cmd, void *arg, uint32_t count)
{
	uint64_t a[5] = { cmd, (uintptr_t)arg, count, 0, 0 };
	return do_grant_table_op(&f->v, a);
}

static int16_t map(struct fake_dom *m, uint16_t dom, grant_ref_t ref, uint64_t gpa, uint32_t flags,
		   grant_handle_t *handle)
{
	struct gnttab_map_grant_ref op = { .host_addr = gpa, .flags = GNTMAP_host_map | flags, .ref = ref,
					   .dom = dom, .status = 99 };
	if (hc(m, GNTTABOP_map_grant_ref, &op, 1))
		return 99;
	if (handle)
		*handle = op.handle;
	return op.status;
}

static int16_t unmap(struct fake_dom *m, grant_handle_t handle, uint64_t gpa)
{
	struct gnttab_unmap_grant_ref op = { .host_addr = gpa, .handle = handle, .status = 99 };
	return hc(m, GNTTABOP_unmap_grant_ref, &op, 1) ? 99 : op.status;
}

static struct grant_pin *pin(struct fake_dom *f, grant_ref_t ref)
{
	return &f->d.gnttab->pins[ref / GNTTAB_ENTRIES_PER_FRAME][ref % GNTTAB_ENTRIES_PER_FRAME];
}

#define RW (GTF_reading | GTF_writing)

static void map_and_unmap(void)
{
	struct fake_dom *a = dom_new(1, 4), *b = dom_new(2, 4);
	grant(a, 10, 2, 0, 0);
	grant_handle_t h, h2;
	CHECK(map(b, 1, 10, 0x80000, 0, &h) == GNTST_okay && h == 0, "map: a writable v1 grant maps, handle 0");
	CHECK((entry(a, 10)->flags & RW) == RW && pin(a, 10)->writers == 1 && pin(a, 10)->readers == 0,
	      "map: GTF_reading|GTF_writing set, one writer pinned");
	CHECK(b->d.gnttab->maptrack[h].state == MAPTRACK_USED && b->d.gnttab->maptrack[h].granter == &a->d,
	      "map: the maptrack slot is complete and holds the granter");
	CHECK(mapped_at(&b->d, 0x80000) == a->ram[0] && page_refs(a->ram[0]) == 2 && a->refs == 2,
	      "map: the mapper's p2m has the page; page and granter each referenced once more (%d, %d)",
	      page_refs(a->ram[0]), a->refs);
	CHECK(map(b, 1, 10, 0x81000, GNTMAP_readonly, &h2) == GNTST_okay && h2 == 1 && pin(a, 10)->readers == 1,
	      "map: a second, read-only mapping of the same grant adds a reader");
	CHECK(unmap(b, h, 0x80000) == GNTST_okay && (entry(a, 10)->flags & RW) == GTF_reading,
	      "unmap: the last writer gone clears GTF_writing only");
	CHECK(unmap(b, h2, 0x81000) == GNTST_okay && (entry(a, 10)->flags & RW) == 0 && !pin(a, 10)->readers,
	      "unmap: the last user gone clears GTF_reading");
	CHECK(!mapped_at(&b->d, 0x80000) && page_refs(a->ram[0]) == 1 && a->refs == 1,
	      "unmap: p2m entry, page reference and granter reference all gone");
	grant_handle_t last = h2;
	CHECK(b->d.gnttab->maptrack[h].state == MAPTRACK_FREE && map(b, 1, 10, 0x80000, 0, &h2) == GNTST_okay &&
		      h2 == last && unmap(b, h2, 0) == GNTST_okay,
	      "unmap: the slots are free; the last freed is reused first");
	dom_kill(a), dom_kill(b);
	dom_free(a), dom_free(b);
}

static void refusals(void)
{
	struct fake_dom *a = dom_new(1, 4), *b = dom_new(2, 4), *c = dom_new(3, 4);
	grant(a, 11, 2, 1, GTF_readonly);
	grant(a, 12, 3, 1, 0);
	grant_handle_t h;
	CHECK(map(b, 1, 11, 0x80000, 0, &h) == GNTST_general_error && (entry(a, 11)->flags & RW) == 0,
	      "map: a writable map of a GTF_readonly grant is refused, the entry untouched");
	CHECK(b->d.gnttab->maptrack[0].state == MAPTRACK_FREE && a->refs == 1 && page_refs(a->ram[1]) == 1,
	      "map: the refused map leaves no slot, reference or page reference behind");
	CHECK(map(b, 1, 11, 0x80000, GNTMAP_readonly, &h) == GNTST_okay && (entry(a, 11)->flags & RW) == GTF_reading,
	      "map: a read-only map of it sets GTF_reading only");
	CHECK(map(b, 1, 12, 0x81000, 0, NULL) == GNTST_general_error, "map: a grant to another domain is refused");
	CHECK(map(c, 1, 12, 0x81000, 0, NULL) == GNTST_okay && map(b, 1, 12, 0x82000, 0, NULL) == GNTST_general_error,
	      "map: a pinned entry stays its grantee's even if the granter rewrites the domid");
	entry(a, 13)->domid = 2, entry(a, 13)->frame = RAM_GFN, entry(a, 13)->flags = GTF_permit_access | GTF_sub_page;
	CHECK(map(b, 1, 13, 0x83000, 0, NULL) == GNTST_general_error, "map: a sub-page grant is not mapped");
	CHECK(map(b, 1, 4 * GNTTAB_ENTRIES_PER_FRAME, 0x83000, 0, NULL) == GNTST_bad_gntref &&
		      map(b, 1, 3 * GNTTAB_ENTRIES_PER_FRAME, 0x83000, 0, NULL) == GNTST_bad_gntref,
	      "map: a ref past the table (or past its grown frames) is GNTST_bad_gntref");
	CHECK(map(b, 7, 11, 0x83000, 0, NULL) == GNTST_bad_domain, "map: an unknown granter is GNTST_bad_domain");
	struct gnttab_map_grant_ref none = { .host_addr = 0x83000, .ref = 11, .dom = 1 };
	CHECK(hc(b, GNTTABOP_map_grant_ref, &none, 1) == 0 && none.status == GNTST_bad_gntref,
	      "map: flags with neither host_map nor device_map are GNTST_bad_gntref, as Xen");
	grant(a, 14, 2, 2, 0);
	fail_map_foreign = true;
	CHECK(map(b, 1, 14, 0x84000, 0, NULL) == GNTST_general_error && (entry(a, 14)->flags & RW) == 0 &&
		      a->refs == 1 + 2 && page_refs(a->ram[2]) == 1,
	      "map: a failing p2m insert unpins and drops every reference (a held by 2 mappings: %d)", a->refs);
	fail_map_foreign = false;
	CHECK(map(b, 1, 14, 0x84000, 0, &h) == GNTST_okay && h == 1, "map: ... and gives its slot back (handle %u)", h);
	dom_kill(b), dom_kill(c);
	CHECK(a->refs == 1 && (entry(a, 11)->flags & RW) == 0 && (entry(a, 14)->flags & RW) == 0,
	      "release: the mappers' deaths unpin a's entries and drop their holds on a");
	dom_kill(a);
	dom_free(a), dom_free(b), dom_free(c);
}

static void pin_saturation(void)
{
	struct fake_dom *a = dom_new(1, 4), *b = dom_new(2, 4);
	grant(a, 20, 2, 0, 0);
	grant_handle_t h;
	map(b, 1, 20, 0x80000, GNTMAP_readonly, &h);
	pin(a, 20)->readers = GNTTAB_PIN_MAX - 1; /* as if 65534 mappings were there */
	CHECK(map(b, 1, 20, 0x81000, GNTMAP_readonly, NULL) == GNTST_okay && pin(a, 20)->readers == GNTTAB_PIN_MAX,
	      "pins: the counter reaches its maximum");
	CHECK(map(b, 1, 20, 0x82000, GNTMAP_readonly, NULL) == GNTST_general_error &&
		      pin(a, 20)->readers == GNTTAB_PIN_MAX && a->refs == 3,
	      "pins: a saturated reader count refuses the next map (GNTST_general_error), no wrap");
	struct gnttab_copy cp = { .source = { .u.ref = 20, .domid = 1 }, .dest = { .u.gmfn = RAM_GFN, .domid = DOMID_SELF },
				  .len = 8, .flags = GNTCOPY_source_gref };
	CHECK(hc(b, GNTTABOP_copy, &cp, 1) == 0 && cp.status == GNTST_general_error,
	      "pins: a copy through a saturated entry is refused too");
	CHECK(map(b, 1, 20, 0x82000, 0, NULL) == GNTST_okay && pin(a, 20)->writers == 1,
	      "pins: the writer count is separate");
	pin(a, 20)->readers = 2;
	dom_kill(b);
	CHECK(!pin(a, 20)->readers && !pin(a, 20)->writers && (entry(a, 20)->flags & RW) == 0 && a->refs == 1,
	      "pins: the mapper's death unpins everything");
	dom_kill(a);
	dom_free(a), dom_free(b);
}

static void wrong_handles(void)
{
	struct fake_dom *a = dom_new(1, 4), *b = dom_new(2, 4);
	grant(a, 30, 2, 0, 0);
	grant_handle_t h;
	map(b, 1, 30, 0x80000, 0, &h);
	CHECK(unmap(a, h, 0x80000) == GNTST_bad_handle, "unmap: another domain's handle is a bad handle for us");
	CHECK(unmap(b, h + 1, 0) == GNTST_bad_handle && unmap(b, 0xffffffffu, 0) == GNTST_bad_handle,
	      "unmap: an unused or out-of-range handle is GNTST_bad_handle");
	CHECK(unmap(b, h, 0x90000) == GNTST_general_error && mapped_at(&b->d, 0x80000) == a->ram[0] &&
		      b->d.gnttab->maptrack[h].state == MAPTRACK_USED,
	      "unmap: the wrong host_addr is refused; the mapping stays");
	p2m_remove(&b->d, 0x80000); /* the guest dropped the page under the mapping */
	CHECK(unmap(b, h, 0x80000) == GNTST_okay && !pin(a, 30)->writers && a->refs == 1 &&
		      page_refs(a->ram[0]) == 1,
	      "unmap: a mapping the guest already removed from its p2m still unpins, no reference twice");
	CHECK(unmap(b, h, 0x80000) == GNTST_bad_handle, "unmap: a second unmap is a bad handle");
	dom_kill(a), dom_kill(b);
	dom_free(a), dom_free(b);
}

static void reused_domid(void)
{
	struct fake_dom *a = dom_new(1, 4), *b = dom_new(2, 4);
	grant(a, 40, 2, 0, 0);
	grant_handle_t stale, fresh;
	map(b, 1, 40, 0x80000, 0, &stale);
	paddr_t page = a->ram[0];
	dom_kill(a);
	CHECK(a->refs == 1 && page_refs(page) == 2, "reuse: a dead granter is still held by the mapping");
	struct fake_dom *c = dom_new(1, 4); /* a new domain with the old id */
	grant(c, 40, 2, 0, 0);
	CHECK(map(b, 1, 40, 0x81000, 0, &fresh) == GNTST_okay && pin(c, 40)->writers == 1,
	      "reuse: the new domain 1's grant maps");
	CHECK(unmap(b, stale, 0x80000) == GNTST_okay && pin(c, 40)->writers == 1 && (entry(c, 40)->flags & RW) == RW,
	      "reuse: unmapping the stale mapping leaves the new domain's pin and flags alone");
	CHECK(a->refs == 0 && c->refs == 2 && page_refs(page) == 1,
	      "reuse: the old domain's last hold is dropped, the new one's kept");
	CHECK(unmap(b, fresh, 0x81000) == GNTST_okay && (entry(c, 40)->flags & RW) == 0,
	      "reuse: the new mapping unmaps on the new domain");
	dom_kill(b), dom_kill(c);
	dom_free(a), dom_free(b), dom_free(c);
}

static int16_t copy(struct fake_dom *f, struct gnttab_copy *cp)
{
	cp->status = 99;
	return hc(f, GNTTABOP_copy, cp, 1) ? 99 : cp->status;
}

static void copies(void)
{
	struct fake_dom *a = dom_new(1, 4), *b = dom_new(2, 4);
	grant(a, 50, 2, 0, GTF_readonly);
	grant(a, 51, 2, 1, 0);
	grant(a, 52, 2, 2, GTF_readonly);
	memcpy((char *)a->ram[0] + 100, "granted", 8);
	struct gnttab_copy cp = { .source = { .u.ref = 50, .domid = 1, .offset = 100 },
				  .dest = { .u.gmfn = RAM_GFN + 3, .domid = DOMID_SELF, .offset = 7 },
				  .len = 8, .flags = GNTCOPY_source_gref };
	CHECK(copy(b, &cp) == GNTST_okay && !memcmp((char *)b->ram[3] + 7, "granted", 8),
	      "copy: from a read-only grant into the caller's frame");
	CHECK((entry(a, 50)->flags & RW) == 0 && !pin(a, 50)->readers && a->refs == 1 && page_refs(a->ram[0]) == 1,
	      "copy: afterwards no flag, pin or reference remains");
	struct gnttab_copy g2g = { .source = { .u.ref = 50, .domid = 1, .offset = 100 },
				   .dest = { .u.ref = 51, .domid = 1, .offset = 0 }, .len = 8,
				   .flags = GNTCOPY_source_gref | GNTCOPY_dest_gref };
	CHECK(copy(b, &g2g) == GNTST_okay && !memcmp((char *)a->ram[1], "granted", 8) &&
		      (entry(a, 51)->flags & RW) == 0,
	      "copy: grant to grant, the destination written and its GTF_writing cleared");
	g2g.dest.u.ref = 52;
	CHECK(copy(b, &g2g) == GNTST_general_error && !*(char *)a->ram[2],
	      "copy: a read-only grant is not written");
	cp.dest.domid = 2;
	CHECK(copy(b, &cp) == GNTST_permission_denied, "copy: only DOMID_SELF names a raw frame, as Xen");
	cp.dest.domid = DOMID_SELF, cp.dest.offset = PAGE_SIZE - 4;
	CHECK(copy(b, &cp) == GNTST_bad_copy_arg, "copy: past the end of a page is GNTST_bad_copy_arg");
	cp.dest.offset = 0, cp.source.u.ref = 51;
	CHECK(copy(b, &cp) == GNTST_okay && (entry(a, 51)->flags & RW) == 0,
	      "copy: a writable grant read as source takes (and drops) GTF_reading only");
	grant(b, 53, 2, 0, 0);
	memcpy((char *)b->ram[0], "self", 5);
	struct gnttab_copy own = { .source = { .u.ref = 53, .domid = DOMID_SELF },
				   .dest = { .u.gmfn = RAM_GFN + 1, .domid = DOMID_SELF }, .len = 5,
				   .flags = GNTCOPY_source_gref };
	CHECK(copy(b, &own) == GNTST_okay && !memcmp((char *)b->ram[1], "self", 5),
	      "copy: a DOMID_SELF gref names the caller's own grant");
	dom_kill(a), dom_kill(b);
	dom_free(a), dom_free(b);
}

static void table_limits(void)
{
	struct fake_dom *a = dom_new(1, 4);
	paddr_t frame;
	CHECK(gnttab_frame_ref(&a->d, 3, &frame) == 0 && a->d.gnttab->nr_frames == 4 && page_refs(frame) == 2,
	      "limits: frame 3 of 4 is made (and the frames before it)");
	CHECK(gnttab_frame_ref(&a->d, 4, &frame) == -XEN_EINVAL && gnttab_map_frame(&a->d, 4, 0x9000) == -XEN_EINVAL,
	      "limits: frame 4 is past max_grant_frames 4");
	CHECK(gnttab_max_frames(&a->d) == 4, "limits: acquire_resource's size is the domain's own max_grant_frames");
	page_ref_put(frame, 0);
	struct gnttab_query_size q = { .dom = DOMID_SELF };
	CHECK(hc(a, GNTTABOP_query_size, &q, 1) == 0 && q.status == GNTST_okay && q.nr_frames == 4 &&
		      q.max_nr_frames == 4, "query_size: nr_frames 4, max_nr_frames 4");
	struct fake_dom *b = dom_new(2, 0);
	q.dom = 1;
	CHECK(hc(b, GNTTABOP_query_size, &q, 1) == 0 && q.status == GNTST_permission_denied,
	      "query_size: another domain's table is not an unprivileged domain's to ask about");
	q.dom = 2;
	CHECK(hc(b, GNTTABOP_query_size, &q, 1) == 0 && q.max_nr_frames == GNTTAB_MAX_FRAMES && q.nr_frames == 0,
	      "query_size: max_grant_frames 0 means the default, 64");
	CHECK(hc(b, GNTTABOP_query_size, &q, 2) == -XEN_EINVAL, "query_size: count must be 1");
	uint64_t list[6] = { 0 };
	gnttab_map_frame(&a->d, 1, 0x123000);
	struct gnttab_setup_table st = { .dom = DOMID_SELF, .nr_frames = 5, .frame_list = (uintptr_t)list };
	CHECK(hc(a, GNTTABOP_setup_table, &st, 1) == 0 && st.status == GNTST_general_error,
	      "setup_table: more frames than max_grant_frames is GNTST_general_error");
	st.nr_frames = 2;
	CHECK(hc(a, GNTTABOP_setup_table, &st, 1) == 0 && st.status == GNTST_okay && list[0] == ~0ULL &&
		      list[1] == 0x123, "setup_table: an unplaced frame is INVALID_GFN, a placed one its gfn");
	struct gnttab_set_version sv = { 2 };
	CHECK(hc(a, GNTTABOP_set_version, &sv, 1) == -XEN_ENOSYS && sv.version == 1,
	      "set_version: 2 is -ENOSYS (max_grant_version 1), version 1 written back");
	sv.version = 3;
	CHECK(hc(a, GNTTABOP_set_version, &sv, 1) == -XEN_EINVAL && sv.version == 1, "set_version: 3 is -EINVAL");
	sv.version = 1;
	CHECK(hc(a, GNTTABOP_set_version, &sv, 1) == 0, "set_version: 1 is accepted");
	struct gnttab_get_version gv = { .dom = DOMID_SELF };
	CHECK(hc(a, GNTTABOP_get_version, &gv, 1) == 0 && gv.version == 1, "get_version: 1");
	CHECK(hc(a, GNTTABOP_map_grant_ref, &gv, 0x80000000u) == -XEN_EINVAL &&
		      hc(a, GNTTABOP_map_grant_ref | (1u << 12), &gv, 1) == -XEN_EINVAL &&
		      hc(a, GNTTABOP_dump_table, &gv, 1) == -XEN_ENOSYS,
	      "op: a negative count or continuation bits are -EINVAL, an unknown op -ENOSYS");
	dom_kill(a), dom_kill(b);
	dom_free(a), dom_free(b);
}

static void batches(void)
{
	enum { N = 600 }; /* more than the old cap of 512 */
	static struct gnttab_map_grant_ref ops[N];
	static struct gnttab_unmap_grant_ref un[N];
	struct fake_dom *a = dom_new(1, 4), *b = dom_new(2, 4);
	grant(a, 60, 2, 0, 0);
	for (unsigned i = 0; i < N; i++)
		ops[i] = (struct gnttab_map_grant_ref){ .host_addr = 0x100000 + i * PAGE_SIZE, .flags = GNTMAP_host_map |
							GNTMAP_readonly, .ref = 60, .dom = 1 };
	unsigned ok = 0, restarts = 0;
	uint64_t arg[5] = { GNTTABOP_map_grant_ref, (uintptr_t)ops, N, 0, 0 };
	long rc;
	preempt_every = 128; /* the guest executes the call again with the continued arguments */
	while ((rc = do_grant_table_op(&b->v, arg)) == HC_RESTART && restarts++ < N)
		apply_continuation(arg);
	preempt_every = 0;
	CHECK(rc == 0 && restarts >= 4 && arg[0] == GNTTABOP_map_grant_ref,
	      "batch: %u maps in one call, preempted and continued %u times", N, restarts);
	for (unsigned i = 0; i < N; i++) {
		ok += ops[i].status == GNTST_okay;
		un[i] = (struct gnttab_unmap_grant_ref){ .host_addr = ops[i].host_addr, .handle = ops[i].handle };
	}
	CHECK(ok == N && pin(a, 60)->readers == N && a->refs == 1 + N,
	      "batch: every map done exactly once across the continuations (%u)", ok);
	ok = 0;
	CHECK(hc(b, GNTTABOP_unmap_grant_ref, un, N) == 0, "batch: %u unmaps in one call", N);
	for (unsigned i = 0; i < N; i++)
		ok += un[i].status == GNTST_okay;
	CHECK(ok == N && !pin(a, 60)->readers && (entry(a, 60)->flags & RW) == 0 && a->refs == 1,
	      "batch: every unmap done, the entry unpinned (%u)", ok);
	CHECK(hc(b, GNTTABOP_map_grant_ref, NULL, 1) == -XEN_EFAULT, "batch: an unreadable op is -EFAULT");
	dom_kill(a), dom_kill(b);
	dom_free(a), dom_free(b);
}

static void dying_domain(void)
{
	struct fake_dom *a = dom_new(1, 4), *b = dom_new(2, 4), *d = dom_new(3, 4);
	grant(a, 70, 3, 0, 0);  /* d maps a's grant */
	grant(d, 71, 2, 1, 0);  /* b maps d's grant */
	grant_handle_t hd, hb;
	map(d, 1, 70, 0x80000, 0, &hd);
	map(b, 3, 71, 0x80000, 0, &hb);
	paddr_t frame0 = d->d.gnttab->frame[0], dpage = d->ram[1];
	CHECK(page_refs(frame0) == 2, "dying: d's table frame has the table's reference and its p2m entry's");
	dom_kill(d);
	CHECK(!pin(a, 70)->writers && (entry(a, 70)->flags & RW) == 0 && a->refs == 1 &&
		      !mapped_at(&d->d, 0x80000),
	      "dying: d's own mappings are undone and a's entry unpinned");
	CHECK(!page_find(frame0) && d->d.gnttab->nr_frames == 0 && d->d.gnttab->dying,
	      "dying: d's table frames are given back, the table empty and dying");
	paddr_t f;
	CHECK(gnttab_frame_ref(&d->d, 0, &f) == -XEN_EINVAL && d->d.gnttab->nr_frames == 0,
	      "dying: acquiring a frame of a dying domain does not regrow its table");
	CHECK(map(b, 3, 71, 0x81000, 0, NULL) == GNTST_bad_domain, "dying: no new map of a dying granter");
	CHECK(d->refs == 1 && page_refs(dpage) == 2, "dying: b's mapping still holds d and d's page");
	CHECK(unmap(b, hb, 0x80000) == GNTST_okay && d->refs == 0 && page_refs(dpage) == 1,
	      "dying: b unmaps d's grant after d died; the last hold on d goes");
	dom_kill(a), dom_kill(b);
	dom_free(a), dom_free(b), dom_free(d);
}

/* A table frame the guest placed in its p2m outlives the table's release
 * until the p2m lets go of it too, so a dying domain's p2m never points
 * at a page handed out again. */
static void frame_outlives_table(void)
{
	struct fake_dom *a = dom_new(1, 4);
	gnttab_map_frame(&a->d, 0, 0x7000);
	paddr_t frame0 = a->d.gnttab->frame[0];
	a->d.state = DOMAIN_DYING;
	gnttab_hook.release(&a->d);
	CHECK(page_find(frame0) && page_refs(frame0) == 1,
	      "frames: a placed table frame stays while the p2m maps it (refs %d)", page_refs(frame0));
	p2m_drop_all(a);
	CHECK(!page_find(frame0), "frames: it is freed when the p2m goes");
	a->d.state = DOMAIN_DEAD;
	dom_free(a);
}

int main(void)
{
	map_and_unmap();
	refusals();
	pin_saturation();
	wrong_handles();
	reused_domid();
	copies();
	table_limits();
	batches();
	dying_domain();
	frame_outlives_table();
	unsigned left = 0;
	for (unsigned i = 0; i < MAX_PAGES; i++)
		left += pages[i].mem != NULL;
	CHECK(left == 0, "gnttab: every page given back at the end (%u left)", left);
	return check_exit();
}
