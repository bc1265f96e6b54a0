/*
 * Small-object heap over the page allocator: power-of-two size classes
 * from 32 to 2048 bytes carved from pages, larger requests served as
 * whole pages.  Every block carries a 16-byte header naming its class,
 * so free() needs no size and catches pointers it never handed out.
 */
#ifndef BASTION_HEAP_H
#define BASTION_HEAP_H

#include "lib.h"
#include "spinlock.h"

#define HEAP_NR_CLASSES 7 /* 32 .. 2048 */

struct heap_ops {
	void *(*get_pages)(unsigned order); /* zeroed, page aligned, or NULL */
	void (*put_pages)(void *p, unsigned order);
};

struct heap {
	const struct heap_ops *ops;
	void *free_list[HEAP_NR_CLASSES];
	uint64_t bytes_in_use;
	spinlock_t lock;
};

void heap_init(struct heap *h, const struct heap_ops *ops);
void *heap_alloc(struct heap *h, size_t size);
/* Returns -1 for a pointer that is not a live block of this heap. */
int heap_free(struct heap *h, void *p);

void *xmalloc(size_t size);  /* from the hv's heap; NULL when out of memory */
void *xzalloc(size_t size);
void xfree(void *p);

#endif
