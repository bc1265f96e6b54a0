/*
 * Grant tables, version 1 (public/grant_table.h; behaviour as Xen 4.17's
 * common/grant_table.c).  The guest maps the frames of its own table
 * where it likes (XENMAPSPACE_grant_table); the hv allocates them on
 * first use, up to the domain's max_grant_frames.  Another domain maps a
 * grant into its own p2m or copies through it (gnttab_map.c), which pins
 * the entry (GTF_reading/GTF_writing) until the last such use goes.
 *
 * Host-testable: both files reach the rest of the hv only through
 * domain.h, p2m.h, page_alloc.h, heap.h and copy_{from,to}_guest, which
 * tests/unit/hv/test_gnttab.c fakes.
 */
#ifndef BASTION_GNTTAB_H
#define BASTION_GNTTAB_H

#include "lib.h"
#include "spinlock.h"
#include "public/grant_table.h"

struct domain;
struct vcpu;
struct domain_hook;

#define GNTTAB_MAX_FRAMES 64 /* Xen 4.17's default max_grant_frames */

#define GNTTAB_ENTRIES_PER_FRAME 512 /* v1 entries of 8 bytes */

#define GNTTAB_PIN_MAX UINT16_MAX /* a saturated pin counter refuses more */

/* One of this domain's entries in use by another (Xen's active entry):
 * set from the shared entry when first pinned, fixed while pinned. */
struct grant_pin {
	uint16_t readers, writers; /* read-only and writable users */
	uint16_t domid;            /* who pinned it */
	uint64_t gfn;              /* the granted frame at first pin */
};

enum maptrack_state {
	MAPTRACK_FREE,  /* on the free list */
	MAPTRACK_BUSY,  /* claimed by a map or unmap in progress; no one else touches it */
	MAPTRACK_USED,  /* a complete mapping, which only unmap takes */
};

/* One mapping this domain made of another's grant (a maptrack entry; its
 * index is the handle the mapper gets).  Fields change under the
 * mapper's lock only. */
struct grant_mapping {
	uint8_t state;           /* enum maptrack_state */
	bool writable;
	grant_ref_t ref;
	uint32_t next_free;      /* FREE: the next free slot, or maptrack_nr */
	uint64_t gpa;            /* where in the mapper's p2m */
	paddr_t frame;
	struct domain *granter;  /* referenced while the mapping lives */
};

struct gnttab {
	spinlock_t lock;
	bool dying;              /* released: no growth, no new pins */
	unsigned nr_frames, max_frames;
	paddr_t frame[GNTTAB_MAX_FRAMES];
	uint64_t frame_gpa[GNTTAB_MAX_FRAMES]; /* where the guest put each, 0 = nowhere */
	struct grant_pin *pins[GNTTAB_MAX_FRAMES]; /* per frame of entries, on first map */
	struct grant_mapping *maptrack;
	unsigned nr_maptrack, max_maptrack;
	unsigned maptrack_free;  /* head of the free list; nr_maptrack when empty */
};

/* The per-domain hooks (run by domain.c; tests call them directly). */
extern const struct domain_hook gnttab_hook, maptrack_hook;

/* The most frames d's table may have (createdomain's max_grant_frames). */
unsigned gnttab_max_frames(struct domain *d);

/* A reference on grant frame idx of d (created if need be), for mapping
 * it elsewhere (XENMEM_acquire_resource); 0 or -Xen errno.  A dying
 * domain's table does not grow (-XEN_EINVAL). */
long gnttab_frame_ref(struct domain *d, uint64_t idx, paddr_t *frame);

/* Puts grant frame idx of d at guest-physical gpa; 0 or -Xen errno. */
long gnttab_map_frame(struct domain *d, uint64_t idx, uint64_t gpa);

/* gnttab_map.c: GNTTABOP_map_grant_ref, unmap_grant_ref and copy, for
 * count operations at gva; 0 or -Xen errno (each op has its status). */
long gnttab_map(struct vcpu *v, uint64_t gva, uint32_t count);
long gnttab_unmap(struct vcpu *v, uint64_t gva, uint32_t count);
long gnttab_copy(struct vcpu *v, uint64_t gva, uint32_t count);

#endif
