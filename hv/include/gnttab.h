/*
 * Grant tables, version 1 (public/grant_table.h).  The guest maps the
 * frames of its own table where it likes (XENMAPSPACE_grant_table); the
 * hv allocates them on first use, up to a per-domain maximum.  Another
 * domain maps a grant into its own p2m (gnttab_map.c), which pins the
 * entry (GTF_reading/GTF_writing) until it unmaps.
 */
#ifndef BASTION_GNTTAB_H
#define BASTION_GNTTAB_H

#include "lib.h"
#include "spinlock.h"
#include "public/grant_table.h"

struct domain;
struct vcpu;

#define GNTTAB_MAX_FRAMES 64 /* Xen 4.17's default max_grant_frames */

#define GNTTAB_ENTRIES_PER_FRAME 512 /* v1 entries of 8 bytes */

/* How many host mappings read and write one of this domain's grants. */
struct grant_pin {
	uint16_t readers, writers;
};

/* One mapping this domain made of another's grant (a maptrack entry; its
 * index is the handle the mapper gets). */
struct grant_mapping {
	bool used;           /* the slot holds a mapping */
	uint64_t gpa;        /* where in the mapper's p2m */
	paddr_t frame;
	grant_ref_t ref;
	uint16_t granter;    /* domid */
	bool writable;
};

struct gnttab {
	spinlock_t lock;
	unsigned nr_frames, max_frames;
	paddr_t frame[GNTTAB_MAX_FRAMES];
	uint64_t frame_gpa[GNTTAB_MAX_FRAMES]; /* where the guest put each, 0 = nowhere */
	struct grant_pin *pins[GNTTAB_MAX_FRAMES]; /* per frame of entries, on first map */
	struct grant_mapping *maptrack;
	unsigned nr_maptrack, max_maptrack;
};

/* A reference on grant frame idx of d (created if need be), for mapping
 * it elsewhere (XENMEM_acquire_resource); 0 or -Xen errno. */
long gnttab_frame_ref(struct domain *d, uint64_t idx, paddr_t *frame);

/* Puts grant frame idx of d at guest-physical gpa; 0 or -Xen errno. */
long gnttab_map_frame(struct domain *d, uint64_t idx, uint64_t gpa);

/* gnttab_map.c: GNTTABOP_map_grant_ref, unmap_grant_ref and copy, for
 * count operations at gva; 0 or -Xen errno (each op has its status). */
long gnttab_map(struct vcpu *v, uint64_t gva, uint32_t count);
long gnttab_unmap(struct vcpu *v, uint64_t gva, uint32_t count);
long gnttab_copy(struct vcpu *v, uint64_t gva, uint32_t count);

#endif
