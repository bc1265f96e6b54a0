/* hv/common/domain_table.c: domid allocation, references, lookup order. */
#include <string.h>
#include "check.h"
#include "domain_table.h"
#include "public/errno.h"

static int released[DOMID_FIRST_RESERVED];

static void on_release(struct domain_entry *e)
{
	released[e->domid]++;
}

static struct domain_entry ents[64];

/* Inserts and publishes, as domain_create does once built. */
static int ins(struct domain_entry *e, unsigned want, void (*release)(struct domain_entry *))
{
	int id = domain_table_insert(e, want, release);
	if (id >= 0)
		domain_table_publish(e);
	return id;
}

static int ins_at(struct domain_entry *e, uint16_t domid, void (*release)(struct domain_entry *))
{
	int id = domain_table_insert_at(e, domid, release);
	if (id >= 0)
		domain_table_publish(e);
	return id;
}

static void test_unpublished(void)
{
	memset(released, 0, sizeof(released));
	int id = domain_table_insert(&ents[0], 5, on_release);
	CHECK(id == 5 && !domain_table_get(5) && !domain_table_get_next(0),
	      "a domain being built is invisible to lookups");
	CHECK(domain_table_insert(&ents[1], 5, on_release) == -XEN_EEXIST, "but its id is taken");
	domain_table_publish(&ents[0]);
	struct domain_entry *e = domain_table_get(5);
	CHECK(e == &ents[0], "published, it is found");
	domain_table_put(e);
	domain_table_put(&ents[0]);
	CHECK(released[5] == 1 && domain_table_count() == 0, "and released by its last put");
}

static void test_rover(void)
{
	int a = ins(&ents[0], 0, on_release);
	int b = ins(&ents[1], 0xffff, on_release); /* libxl's INVALID_DOMID */
	CHECK(a == 1 && b == 2, "ids allocated from 1 upwards, never 0 (got %d, %d)", a, b);
	domain_table_put(&ents[0]);
	CHECK(released[1] == 1 && !domain_table_get(1), "the last put releases domain 1 and unlinks it");
	int c = ins(&ents[0], 0, on_release);
	CHECK(c == 3, "a freed id is not reused at once: the rover moves on (got %d)", c);
	int d = ins(&ents[2], 3, on_release);
	CHECK(d == -XEN_EEXIST, "asking for an id in use fails with EEXIST (got %d)", d);
	int e = ins(&ents[2], 1, on_release);
	CHECK(e == 1, "asking for a free id gets exactly it (got %d)", e);
	int f = ins_at(&ents[3], 0, on_release);
	CHECK(f == 0 && domain_table_count() == 4, "domain 0 is placed explicitly (count %u)",
	      domain_table_count());
	for (unsigned i = 0; i < 4; i++)
		domain_table_put(&ents[i]);
	CHECK(domain_table_count() == 0, "every domain released (count %u)", domain_table_count());
}

static void test_wrap(void)
{
	/* fill the top of the id space; the rover wraps to 1 */
	int last = ins(&ents[0], DOMID_FIRST_RESERVED - 1, on_release);
	int before = ins(&ents[1], DOMID_FIRST_RESERVED - 2, on_release);
	CHECK(last == DOMID_FIRST_RESERVED - 1 && before == DOMID_FIRST_RESERVED - 2, "explicit ids at the top");
	/* the rover stands at 3: allocating walks on from there */
	int next = ins(&ents[2], 0, on_release);
	CHECK(next == 4, "the rover continues after the last allocated id (got %d)", next);
	/* take every id; then one freed low id is found by wrapping round */
	static struct domain_entry many[DOMID_FIRST_RESERVED];
	unsigned n = 0;
	int id;
	while ((id = ins(&many[n], 0, on_release)) > 0)
		n++;
	CHECK(id == -XEN_ENOMEM && domain_table_count() == DOMID_FIRST_RESERVED - 1,
	      "every id 1..0x7fef taken, then ENOMEM (got %d, count %u)", id, domain_table_count());
	unsigned low = many[n - 1].domid < 100 ? many[n - 1].domid : 1;
	struct domain_entry *victim = domain_table_get(low);
	domain_table_put(victim);
	domain_table_put(victim);
	int wrapped = ins(victim, 0, on_release);
	CHECK(wrapped == (int)low, "the rover wraps round to the one free id %u (got %d)", low, wrapped);
	for (unsigned i = 0; i < n; i++)
			domain_table_put(&many[i]);
	for (unsigned i = 0; i < 3; i++)
		domain_table_put(&ents[i]);
	CHECK(domain_table_count() == 0, "all released (count %u)", domain_table_count());
}

static void test_lookup(void)
{
	static const unsigned ids[] = { 7, 3, 12 };
	memset(released, 0, sizeof(released));
	for (unsigned i = 0; i < 3; i++)
		ins(&ents[i], ids[i], on_release);
	struct domain_entry *e = domain_table_get_next(4);
	CHECK(e && e->domid == 7, "get_next(4) finds domain 7 (the next at or above)");
	struct domain_entry *g = domain_table_get(7);
	CHECK(g == e && e->refcnt == 3, "get(7) takes another reference (refcnt %d)", e ? e->refcnt : -1);
	domain_table_put(g);
	domain_table_put(e);
	CHECK(!domain_table_get(8) && !domain_table_get_next(13), "no domain 8, none at or above 13");
	unsigned seen[4], n = 0;
	for (struct domain_entry *it = domain_table_get_next(0); it && n < 4; n++) {
		seen[n] = it->domid;
		unsigned next = it->domid + 1u;
		domain_table_put(it);
		it = domain_table_get_next(next);
	}
	CHECK(n == 3 && seen[0] == 3 && seen[1] == 7 && seen[2] == 12, "walking lists 3, 7, 12 in order");
	/* a held domain outlives its table reference */
	struct domain_entry *h = domain_table_get(12);
	domain_table_put(&ents[2]);
	CHECK(!released[12] && domain_table_get_next(8) == h, "a destroyed domain stays while referenced");
	domain_table_put(h);
	domain_table_put(h);
	CHECK(released[12] == 1 && !domain_table_get(12), "released once the last holder lets go");
	domain_table_put(&ents[0]);
	domain_table_put(&ents[1]);
}

int main(void)
{
	test_rover();
	test_wrap();
	test_lookup();
	test_unpublished();
	return check_exit();
}
