/* The domain table (domain_table.h): a list sorted by domid, one lock. */
#include "domain_table.h"
#include "spinlock.h"
#include "public/errno.h"

static spinlock_t table_lock = SPINLOCK_INIT;
static struct domain_entry *table_head;
static unsigned domid_rover; /* the last id allocated */

/* The link that points at the first entry with domid >= id. */
static struct domain_entry **link_at(unsigned id)
{
	struct domain_entry **pp = &table_head;
	while (*pp && (*pp)->domid < id)
		pp = &(*pp)->next;
	return pp;
}

static bool id_free(unsigned id)
{
	struct domain_entry *e = *link_at(id);
	return !e || e->domid != id;
}

static void link_locked(struct domain_entry *e, unsigned id, void (*release)(struct domain_entry *))
{
	struct domain_entry **pp = link_at(id);
	e->domid = (uint16_t)id;
	e->published = false;
	e->refcnt = 1;
	e->release = release;
	e->next = *pp;
	*pp = e;
}

int domain_table_insert(struct domain_entry *e, unsigned want, void (*release)(struct domain_entry *))
{
	int rc;
	spin_lock(&table_lock);
	if (want && want < DOMID_FIRST_RESERVED) {
		rc = id_free(want) ? (int)want : -XEN_EEXIST;
	} else {
		unsigned id = domid_rover;
		rc = -XEN_ENOMEM;
		for (unsigned tries = 1; tries < DOMID_FIRST_RESERVED; tries++) {
			if (++id >= DOMID_FIRST_RESERVED)
				id = 1;
			if (id_free(id)) {
				rc = (int)(domid_rover = id);
				break;
			}
		}
	}
	if (rc >= 0)
		link_locked(e, (unsigned)rc, release);
	spin_unlock(&table_lock);
	return rc;
}

int domain_table_insert_at(struct domain_entry *e, uint16_t domid, void (*release)(struct domain_entry *))
{
	int rc = -XEN_EEXIST;
	spin_lock(&table_lock);
	if (id_free(domid)) {
		link_locked(e, domid, release);
		rc = domid;
	}
	spin_unlock(&table_lock);
	return rc;
}

void domain_table_publish(struct domain_entry *e)
{
	__atomic_store_n(&e->published, true, __ATOMIC_RELEASE);
}

/* A reference on e unless it is unpublished or its last one is gone
 * (it is being unlinked). */
static bool hold_if_live(struct domain_entry *e)
{
	if (!__atomic_load_n(&e->published, __ATOMIC_ACQUIRE))
		return false;
	int n = __atomic_load_n(&e->refcnt, __ATOMIC_RELAXED);
	while (n > 0)
		if (__atomic_compare_exchange_n(&e->refcnt, &n, n + 1, false, __ATOMIC_ACQUIRE,
						__ATOMIC_RELAXED))
			return true;
	return false;
}

struct domain_entry *domain_table_get_next(unsigned first)
{
	spin_lock(&table_lock);
	struct domain_entry *e = *link_at(first);
	while (e && !hold_if_live(e))
		e = e->next;
	spin_unlock(&table_lock);
	return e;
}

struct domain_entry *domain_table_get(unsigned domid)
{
	struct domain_entry *e = domain_table_get_next(domid);
	if (e && e->domid != domid) {
		domain_table_put(e);
		e = NULL;
	}
	return e;
}

void domain_table_hold(struct domain_entry *e)
{
	__atomic_fetch_add(&e->refcnt, 1, __ATOMIC_RELAXED);
}

void domain_table_put(struct domain_entry *e)
{
	if (__atomic_sub_fetch(&e->refcnt, 1, __ATOMIC_ACQ_REL) != 0)
		return;
	spin_lock(&table_lock);
	struct domain_entry **pp = link_at(e->domid);
	if (*pp == e)
		*pp = e->next;
	spin_unlock(&table_lock);
	e->release(e);
}

unsigned domain_table_count(void)
{
	unsigned n = 0;
	spin_lock(&table_lock);
	for (struct domain_entry *e = table_head; e; e = e->next)
		n++;
	spin_unlock(&table_lock);
	return n;
}
