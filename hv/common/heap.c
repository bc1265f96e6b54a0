/* The small-object heap (see heap.h). */
#include "heap.h"

#define HEAP_MAGIC_SMALL 0x48454150u /* "HEAP" */
#define HEAP_MAGIC_LARGE 0x4c524745u /* "LRGE" */
#define HEAP_MAGIC_FREE 0x46524545u  /* "FREE" */
#define HEAP_HDR 16
/* A free small block's body: a pointer read from it is not canonical
 * (a fault, not a wild access), and a write to it is seen on reuse. */
#define HEAP_POISON 0xa5

struct block_hdr {
	uint32_t magic;
	uint32_t class_or_order;
	union {
		uint64_t size;          /* in use: what the caller asked for */
		struct block_hdr *next; /* free: the next on its class's list */
	};
};
_Static_assert(sizeof(struct block_hdr) == HEAP_HDR, "header keeps 16-byte alignment");

static size_t class_size(unsigned c) { return (size_t)32 << c; }

void heap_init(struct heap *h, const struct heap_ops *ops)
{
	*h = (struct heap){ .ops = ops };
}

/* Carves a fresh page into blocks of class c and threads them on its list. */
static bool refill(struct heap *h, unsigned c)
{
	char *page = h->ops->get_pages(0);
	if (!page)
		return false;
	for (size_t off = 0; off + class_size(c) <= PAGE_SIZE; off += class_size(c)) {
		struct block_hdr *b = (struct block_hdr *)(page + off);
		b->magic = HEAP_MAGIC_FREE;
		b->class_or_order = c;
		memset(b + 1, HEAP_POISON, class_size(c) - HEAP_HDR);
		b->next = h->free_list[c];
		h->free_list[c] = b;
	}
	return true;
}

/* Where in a free block of class c something wrote since it was freed
 * (its header's magic or class, or a body byte not poison); -1: nowhere. */
static long written_after_free(const struct block_hdr *b, unsigned c)
{
	if (b->magic != HEAP_MAGIC_FREE || b->class_or_order != c)
		return 0;
	const uint8_t *body = (const uint8_t *)(b + 1);
	for (size_t i = 0; i < class_size(c) - HEAP_HDR; i++)
		if (body[i] != HEAP_POISON)
			return (long)(HEAP_HDR + i);
	return -1;
}

/* Takes the first block of class c's list (refilled if empty), checked. */
static struct block_hdr *take_free(struct heap *h, unsigned c)
{
	if (!h->free_list[c] && !refill(h, c))
		return NULL;
	struct block_hdr *b = h->free_list[c];
	long off = written_after_free(b, c);
	if (off >= 0) {
		h->free_list[c] = NULL; /* its links cannot be trusted now */
		if (h->ops->corrupt)
			h->ops->corrupt(b, (size_t)off);
		return take_free(h, c);
	}
	h->free_list[c] = b->next;
	return b;
}

static void *alloc_large(struct heap *h, size_t size)
{
	unsigned order = 0;
	while ((PAGE_SIZE << order) < size + HEAP_HDR)
		if (++order > 20)
			return NULL;
	struct block_hdr *b = h->ops->get_pages(order);
	if (!b)
		return NULL;
	*b = (struct block_hdr){ HEAP_MAGIC_LARGE, order, { size } };
	h->bytes_in_use += size;
	return b + 1;
}

void *heap_alloc(struct heap *h, size_t size)
{
	if (size > class_size(HEAP_NR_CLASSES - 1) - HEAP_HDR) {
		uint64_t flags = spin_lock_irqsave(&h->lock);
		void *p = size < GiB(1) ? alloc_large(h, size) : NULL;
		spin_unlock_irqrestore(&h->lock, flags);
		return p;
	}
	unsigned c = 0;
	while (class_size(c) - HEAP_HDR < size)
		c++;
	uint64_t flags = spin_lock_irqsave(&h->lock);
	struct block_hdr *b = take_free(h, c);
	if (b) {
		*b = (struct block_hdr){ HEAP_MAGIC_SMALL, c, { size } };
		memset(b + 1, 0, class_size(c) - HEAP_HDR);
		h->bytes_in_use += size;
	}
	spin_unlock_irqrestore(&h->lock, flags);
	return b ? b + 1 : NULL;
}

int heap_free(struct heap *h, void *p)
{
	if (!p)
		return 0;
	if ((uintptr_t)p % 16)
		return -1;
	struct block_hdr *b = (struct block_hdr *)p - 1;
	uint64_t flags = spin_lock_irqsave(&h->lock);
	int rc = 0;
	if (b->magic == HEAP_MAGIC_SMALL && b->class_or_order < HEAP_NR_CLASSES) {
		h->bytes_in_use -= b->size;
		b->magic = HEAP_MAGIC_FREE;
		memset(b + 1, HEAP_POISON, class_size(b->class_or_order) - HEAP_HDR);
		b->next = h->free_list[b->class_or_order];
		h->free_list[b->class_or_order] = b;
	} else if (b->magic == HEAP_MAGIC_LARGE && (uintptr_t)b % PAGE_SIZE == 0) {
		h->bytes_in_use -= b->size;
		b->magic = HEAP_MAGIC_FREE;
		h->ops->put_pages(b, b->class_or_order);
	} else {
		rc = -1;
	}
	spin_unlock_irqrestore(&h->lock, flags);
	return rc;
}
