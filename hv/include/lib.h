/*
 * The hv's small C library: string and memory functions, a printf-style
 * formatter, and the helpers every file uses.  Freestanding: this header
 * needs only the compiler's own stdint/stddef/stdbool/stdarg.
 */
#ifndef BASTION_LIB_H
#define BASTION_LIB_H

#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define ARRAY_SIZE(a) (sizeof(a) / sizeof((a)[0]))
#define MIN(a, b) ((a) < (b) ? (a) : (b))
#define MAX(a, b) ((a) > (b) ? (a) : (b))
#define ALIGN_UP(x, a) (((x) + ((a) - 1)) & ~((__typeof__(x))(a) - 1))
#define ALIGN_DOWN(x, a) ((x) & ~((__typeof__(x))(a) - 1))
#define PAGE_SHIFT 12
#define PAGE_SIZE 4096UL
#define KiB(x) ((uint64_t)(x) << 10)
#define MiB(x) ((uint64_t)(x) << 20)
#define GiB(x) ((uint64_t)(x) << 30)
#define __packed __attribute__((packed))
#define __aligned(a) __attribute__((aligned(a)))
#define __printf(f, a) __attribute__((format(printf, f, a)))

typedef uint64_t paddr_t;

/*
 * Speculation clamp (Spectre variant 1, bounds-check bypass).  After
 * "if (i >= n) return -EINVAL;" the CPU may still run the code below
 * with an out-of-range i while the branch is unresolved.  Indexing with
 * array_index_nospec(i, n) instead of i closes that window: the result
 * is i when i < n and 0 otherwise, computed from the flags of a compare
 * (no branch to predict), so even a speculative path sees an index in
 * range.  Use it on guest-supplied numbers, after the architectural
 * bounds check, and index with what it returns.
 */
#ifdef __x86_64__
static inline size_t array_index_mask_nospec_x86(size_t index, size_t size)
{
	size_t mask;
	/* cmp computes index - size: the borrow (CF) is set exactly when
	 * index < size; sbb of a register from itself turns CF into 0 - CF. */
	__asm__("cmp %[size], %[index]\n\tsbb %[mask], %[mask]"
		: [mask] "=r"(mask)
		: [size] "re"(size), [index] "r"(index)
		: "cc");
	return mask;
}
#endif

/* The same mask in plain C, for host tests (which check the arithmetic,
 * not the CPU's speculation) and hosts that are not x86-64. */
static inline size_t array_index_mask_nospec_c(size_t index, size_t size)
{
	return (size_t)0 - (size_t)(index < size);
}

/* All ones when index < size, else 0. */
static inline size_t array_index_mask_nospec(size_t index, size_t size)
{
#ifndef HOST_TEST
	return array_index_mask_nospec_x86(index, size);
#else
	return array_index_mask_nospec_c(index, size);
#endif
}

static inline size_t array_index_nospec(size_t index, size_t size)
{
	return index & array_index_mask_nospec(index, size);
}

void *memcpy(void *dst, const void *src, size_t n);
void *memmove(void *dst, const void *src, size_t n);
void *memset(void *dst, int c, size_t n);
int memcmp(const void *a, const void *b, size_t n);
size_t strlen(const char *s);
size_t strnlen(const char *s, size_t max);
int strcmp(const char *a, const char *b);
int strncmp(const char *a, const char *b, size_t n);

/* Formatter: C99 printf conversions d i u x X o c s p %, flags "-0 +#",
 * width and precision (also "*"), length hh h l ll z t.  Returns the
 * length the full output would have; writes at most size-1 characters
 * and always terminates the buffer when size > 0. */
int fmt_vsnprintf(char *buf, size_t size, const char *fmt, va_list ap);
int fmt_snprintf(char *buf, size_t size, const char *fmt, ...) __printf(3, 4);

/* Parses an unsigned number: decimal, 0x hex, or 0 octal; optional size
 * suffix K/M/G/T when allow_suffix.  Returns 0 and sets *out on success,
 * -1 if the text is not entirely a number or overflows 64 bits. */
int parse_u64(const char *s, size_t len, bool allow_suffix, uint64_t *out);

#endif
