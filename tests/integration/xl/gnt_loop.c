/*
 * gnt-loop: Linux's gntalloc and gntdev in dom0, through the hv's grant
 * table.  Pages granted with /dev/xen/gntalloc (to domid, 0 by default:
 * the grants loop back to dom0 itself) are mapped with /dev/xen/gntdev
 * and must show the same bytes both ways; a read-only grant must refuse
 * a writable mapping and allow a read-only one.  The whole round is
 * repeated so that a leak of grant entries, maptrack slots or pages
 * shows up (the caller compares free memory before and after).
 *
 *   gnt-loop [rounds [domid]]      prints "PASS: ..."/"FAIL: ..." lines
 */
#include <errno.h>
#include <fcntl.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <unistd.h>

#define PAGE 4096u
#define NPAGES 4u

/* Linux include/uapi/xen/gntalloc.h */
struct gntalloc_alloc {
	uint16_t domid;
	uint16_t flags;
	uint32_t count;
	uint64_t index;
	uint32_t gref_ids[NPAGES];
};
struct gntalloc_dealloc {
	uint64_t index;
	uint32_t count;
};
#define GNTALLOC_FLAG_WRITABLE 1
/* The ioctl numbers carry the size of the structures with one entry
 * (24 bytes each, padding included). */
#define GNTALLOC_ALLOC _IOC(_IOC_NONE, 'G', 5, 24)
#define GNTALLOC_DEALLOC _IOC(_IOC_NONE, 'G', 6, sizeof(struct gntalloc_dealloc))

/* Linux include/uapi/xen/gntdev.h */
struct gntdev_ref {
	uint32_t domid;
	uint32_t ref;
};
struct gntdev_map {
	uint32_t count;
	uint32_t pad;
	uint64_t index;
	struct gntdev_ref refs[NPAGES];
};
struct gntdev_unmap {
	uint64_t index;
	uint32_t count;
	uint32_t pad;
};
#define GNTDEV_MAP _IOC(_IOC_NONE, 'G', 0, 24)
#define GNTDEV_UNMAP _IOC(_IOC_NONE, 'G', 1, sizeof(struct gntdev_unmap))

static int failures;

static void report(int ok, const char *what, unsigned round)
{
	if (!ok) {
		printf("FAIL: %s (round %u, errno %s)\n", what, round, strerror(errno));
		failures++;
	} else if (round == 0) {
		printf("PASS: %s\n", what);
	}
}

/* Grants n pages to domid; returns their mapping in this process. */
static uint8_t *grant_pages(int fd, uint16_t domid, bool writable, unsigned n, struct gntalloc_alloc *a)
{
	memset(a, 0, sizeof(*a));
	a->domid = domid;
	a->flags = writable ? GNTALLOC_FLAG_WRITABLE : 0;
	a->count = n;
	if (ioctl(fd, GNTALLOC_ALLOC, a))
		return NULL;
	void *p = mmap(NULL, n * PAGE, PROT_READ | PROT_WRITE, MAP_SHARED, fd, (off_t)a->index);
	return p == MAP_FAILED ? NULL : p;
}

static void ungrant(int fd, uint8_t *p, unsigned n, const struct gntalloc_alloc *a)
{
	struct gntalloc_dealloc d = { a->index, n };
	munmap(p, n * PAGE);
	ioctl(fd, GNTALLOC_DEALLOC, &d);
}

/* Maps the n grants of a from domid with gntdev; NULL on failure. */
static uint8_t *map_grants(int fd, uint16_t domid, const struct gntalloc_alloc *a, unsigned n, int prot,
			   struct gntdev_map *m)
{
	memset(m, 0, sizeof(*m));
	m->count = n;
	for (unsigned i = 0; i < n; i++)
		m->refs[i] = (struct gntdev_ref){ domid, a->gref_ids[i] };
	if (ioctl(fd, GNTDEV_MAP, m))
		return NULL;
	void *p = mmap(NULL, n * PAGE, prot, MAP_SHARED, fd, (off_t)m->index);
	if (p == MAP_FAILED) {
		struct gntdev_unmap u = { m->index, n, 0 };
		ioctl(fd, GNTDEV_UNMAP, &u);
		return NULL;
	}
	return p;
}

static void unmap_grants(int fd, uint8_t *p, unsigned n, const struct gntdev_map *m)
{
	struct gntdev_unmap u = { m->index, n, 0 };
	munmap(p, n * PAGE);
	ioctl(fd, GNTDEV_UNMAP, &u);
}

/* Writable grants: each side sees what the other wrote. */
static void round_writable(int ga, int gd, uint16_t domid, unsigned round)
{
	struct gntalloc_alloc a;
	struct gntdev_map m;
	uint8_t *shared = grant_pages(ga, domid, true, NPAGES, &a);
	report(shared != NULL, "gntalloc grants 4 writable pages", round);
	if (!shared)
		return;
	for (unsigned i = 0; i < NPAGES * PAGE; i++)
		shared[i] = (uint8_t)(i * 7 + round);
	uint8_t *mapped = map_grants(gd, domid, &a, NPAGES, PROT_READ | PROT_WRITE, &m);
	report(mapped != NULL, "gntdev maps them writable", round);
	if (mapped) {
		int same = 1;
		for (unsigned i = 0; i < NPAGES * PAGE && same; i++)
			same = mapped[i] == (uint8_t)(i * 7 + round);
		report(same, "the mapping shows the granted bytes", round);
		memcpy(mapped + PAGE, "written-through-gntdev", 23);
		report(!memcmp(shared + PAGE, "written-through-gntdev", 23), "a write through the mapping reaches the granted page",
		       round);
		unmap_grants(gd, mapped, NPAGES, &m);
	}
	ungrant(ga, shared, NPAGES, &a);
}

/* A read-only grant: no writable mapping, a read-only one works. */
static void round_readonly(int ga, int gd, uint16_t domid, unsigned round)
{
	struct gntalloc_alloc a;
	struct gntdev_map m;
	uint8_t *shared = grant_pages(ga, domid, false, 1, &a);
	report(shared != NULL, "gntalloc grants a read-only page", round);
	if (!shared)
		return;
	memcpy(shared, "read-only-grant", 16);
	uint8_t *w = map_grants(gd, domid, &a, 1, PROT_READ | PROT_WRITE, &m);
	report(w == NULL, "a writable mapping of a read-only grant is refused", round);
	if (w)
		unmap_grants(gd, w, 1, &m);
	uint8_t *r = map_grants(gd, domid, &a, 1, PROT_READ, &m);
	report(r != NULL && !memcmp(r, "read-only-grant", 16), "a read-only mapping shows the page", round);
	if (r)
		unmap_grants(gd, r, 1, &m);
	ungrant(ga, shared, 1, &a);
}

int main(int argc, char **argv)
{
	unsigned rounds = argc > 1 ? (unsigned)strtoul(argv[1], NULL, 0) : 1;
	uint16_t domid = argc > 2 ? (uint16_t)strtoul(argv[2], NULL, 0) : 0;
	int ga = open("/dev/xen/gntalloc", O_RDWR), gd = open("/dev/xen/gntdev", O_RDWR);
	if (ga < 0 || gd < 0) {
		printf("FAIL: open /dev/xen/gntalloc and gntdev: %s\n", strerror(errno));
		return 1;
	}
	for (unsigned r = 0; r < rounds && failures < 8; r++) {
		round_writable(ga, gd, domid, r);
		round_readonly(ga, gd, domid, r);
	}
	printf("gnt-loop: %u rounds, %d failures\n", rounds, failures);
	return failures != 0;
}
