/*
 * Grant tables, version 1 (public/grant_table.h).  The guest maps the
 * frames of its own table where it likes (XENMAPSPACE_grant_table); the
 * hv allocates them on first use, up to a per-domain maximum.  Mapping
 * and copying other domains' grants arrives with the second domain.
 */
#ifndef BASTION_GNTTAB_H
#define BASTION_GNTTAB_H

#include "lib.h"
#include "spinlock.h"

struct domain;
struct vcpu;

#define GNTTAB_MAX_FRAMES 64 /* Xen 4.17's default max_grant_frames */

struct gnttab {
	spinlock_t lock;
	unsigned nr_frames;
	paddr_t frame[GNTTAB_MAX_FRAMES];
	uint64_t frame_gpa[GNTTAB_MAX_FRAMES]; /* where the guest put each, 0 = nowhere */
};

/* A reference on grant frame idx of d (created if need be), for mapping
 * it elsewhere (XENMEM_acquire_resource); 0 or -Xen errno. */
long gnttab_frame_ref(struct domain *d, uint64_t idx, paddr_t *frame);

/* Puts grant frame idx of d at guest-physical gpa; 0 or -Xen errno. */
long gnttab_map_frame(struct domain *d, uint64_t idx, uint64_t gpa);

#endif
