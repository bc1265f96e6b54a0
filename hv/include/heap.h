/*
 * Small-object heap over the page allocator: power-of-two size classes
 * from 32 to 2048 bytes carved from pages, larger requests served as
 * whole pages.  Every block carries a 16-byte header naming its class,
 * so free() needs no size and catches pointers it never handed out.
 * Free small blocks are filled with a poison checked when reused.
 */
#ifndef BASTION_HEAP_H
#define BASTION_HEAP_H

#include "lib.h"
#include "spinlock.h"

#define HEAP_NR_CLASSES 7 /* 32 .. 2048 */

struct heap_ops {
	void *(*get_pages)(unsigned order); /* zeroed, page aligned, or NULL */
	void (*put_pages)(void *p, unsigned order);
	/* Optional: a free block was written at offset (from its header)
	 * since it was freed, a use after free; its class's list is dropped. */
	void (*corrupt)(const void *block, size_t offset);
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
