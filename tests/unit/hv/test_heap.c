/* hv/common/heap.c over a fake page source. */
#include <stdlib.h>
#include <string.h>
#include "check.h"
#include "heap.h"

static int pages_out;

/* Size-class pages stay with the heap for its lifetime, by design. */
const char *__asan_default_options(void);
const char *__asan_default_options(void) { return "detect_leaks=0"; }

static void *get_pages(unsigned order)
{
	void *p = aligned_alloc(4096, 4096ul << order);
	if (p) {
		memset(p, 0, 4096ul << order);
		pages_out += 1 << order;
	}
	return p;
}

static void put_pages(void *p, unsigned order)
{
	pages_out -= 1 << order;
	free(p);
}

static const void *corrupt_block;
static size_t corrupt_offset;

static void corrupt(const void *block, size_t offset)
{
	corrupt_block = block;
	corrupt_offset = offset;
}

static const struct heap_ops ops = { get_pages, put_pages, corrupt };

int main(void)
{
	struct heap h;
	heap_init(&h, &ops);
	static const size_t sizes[] = { 1, 15, 16, 17, 100, 496, 1000, 2032, 2033, 4096, 10000, 70000 };
	void *blocks[12];
	unsigned misaligned = 0, corrupt = 0;
	for (unsigned i = 0; i < 12; i++) {
		blocks[i] = heap_alloc(&h, sizes[i]);
		misaligned += !blocks[i] || (uintptr_t)blocks[i] % 16;
		if (blocks[i])
			memset(blocks[i], (int)i + 1, sizes[i]);
	}
	for (unsigned i = 0; i < 12; i++)
		for (size_t b = 0; blocks[i] && b < sizes[i]; b++)
			corrupt += ((unsigned char *)blocks[i])[b] != i + 1;
	CHECK(misaligned == 0 && corrupt == 0, "heap: 12 sizes from 1 B to 68 KiB, 16-byte aligned, no overlap");
	void *fresh = heap_alloc(&h, 64);
	CHECK(fresh && !memcmp(fresh, (char[64]){ 0 }, 64), "heap: new blocks are zeroed");
	CHECK(heap_free(&h, (char *)blocks[4] + 16) == -1 && heap_free(&h, (char *)blocks[4] + 3) == -1,
	      "heap: freeing a pointer it never returned is refused");
	for (unsigned i = 0; i < 12; i++)
		heap_free(&h, blocks[i]);
	heap_free(&h, fresh);
	CHECK(h.bytes_in_use == 0, "heap: bytes in use back to zero after freeing everything");
	CHECK(heap_free(&h, blocks[0]) == -1, "heap: double free refused");
	void *again = heap_alloc(&h, 100);
	CHECK(again == blocks[4] || again == fresh, "heap: a freed block of the same class is reused");
	CHECK(heap_alloc(&h, (size_t)1 << 40) == NULL, "heap: absurd sizes fail cleanly");
	int before = pages_out;
	for (int i = 0; i < 1000; i++)
		heap_free(&h, heap_alloc(&h, 9000));
	CHECK(pages_out == before, "heap: large blocks go back to the page allocator (%d pages out)", pages_out);
	uint8_t *victim = heap_alloc(&h, 200), *other = heap_alloc(&h, 200);
	heap_free(&h, other);
	heap_free(&h, victim);
	CHECK(victim[0] == 0xa5 && victim[199] == 0xa5 && !corrupt_block,
	      "heap: a freed block is poisoned, and reusing it untouched reports nothing");
	victim[120] = 0; /* a use after free */
	void *next = heap_alloc(&h, 200);
	CHECK(corrupt_block == victim - 16 && corrupt_offset == 16 + 120,
	      "heap: a write to a freed block is reported on reuse, with its offset (%zu)", corrupt_offset);
	CHECK(next && next != victim && !memcmp(next, (char[200]){ 0 }, 200),
	      "heap: ... and the block is not handed out again; a fresh zeroed one is");
	return check_exit();
}
