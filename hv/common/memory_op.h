/* The parts of memory_op in files of their own (hc_reservation.c, hc_physmap.c). */
#ifndef BASTION_MEMORY_OP_H
#define BASTION_MEMORY_OP_H

#include "hypercall.h"

/* populate_physmap, decrease_reservation, claim_pages: op is the whole
 * command (with the extent to resume at); returns extents done or -errno. */
long memory_reservation_op(struct vcpu *v, uint64_t op, uint64_t gva);
long memory_set_map(struct vcpu *v, uint64_t gva);
long memory_reservation_query(struct vcpu *v, uint64_t cmd, uint64_t gva);
/* hc_physmap.c: foreign and grant-frame mappings into the caller's map. */
long memory_add_to_physmap_batch(struct vcpu *v, uint64_t op, uint64_t gva);
long memory_remove_from_physmap(struct vcpu *v, uint64_t gva);
long memory_acquire_resource(struct vcpu *v, uint64_t gva);
/* Pages claimed and not yet populated, over all domains (physinfo). */
uint64_t memory_claims_total(void);

#endif
