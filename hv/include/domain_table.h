/*
 * The table of live domains, by domid.  Each entry carries a reference
 * count: the table's own reference (dropped when the domain is destroyed)
 * plus one per holder.  Lookups return a held reference, never a bare
 * pointer; the last put unlinks the entry and calls its release function.
 * Domids are allocated with a rover, as Xen does, so an id just freed is
 * not handed out again at once (libxl refuses recently used ids).
 */
#ifndef BASTION_DOMAIN_TABLE_H
#define BASTION_DOMAIN_TABLE_H

#include "lib.h"
#include "public/xen.h"

struct domain_entry {
	uint16_t domid;
	bool published; /* visible to lookups; set once the domain is built */
	int refcnt;
	struct domain_entry *next; /* the table's list, ascending domid */
	void (*release)(struct domain_entry *e);
};

/* Inserts e, reserving its id but hidden from lookups until
 * domain_table_publish(e): a domain is not found half-built.  want 0 or at/above DOMID_FIRST_RESERVED: allocate the next
 * free id after the rover (never 0); otherwise exactly want.  Returns the
 * domid, or -XEN_EEXIST (want in use) / -XEN_ENOMEM (no id left).  e starts with
 * the table's reference. */
int domain_table_insert(struct domain_entry *e, unsigned want, void (*release)(struct domain_entry *));
/* Same, for the boot-time domain 0 (and tests): exactly domid. */
int domain_table_insert_at(struct domain_entry *e, uint16_t domid, void (*release)(struct domain_entry *));
/* Makes e visible to lookups. */
void domain_table_publish(struct domain_entry *e);
/* The entry with this domid, referenced; NULL if none. */
struct domain_entry *domain_table_get(unsigned domid);
/* The first entry with domid >= first, referenced; NULL if none. */
struct domain_entry *domain_table_get_next(unsigned first);
/* Takes another reference on an entry already held. */
void domain_table_hold(struct domain_entry *e);
/* Drops a reference; the last one unlinks e and calls its release. */
void domain_table_put(struct domain_entry *e);
/* Live entries (for tests and reports). */
unsigned domain_table_count(void);

#endif
