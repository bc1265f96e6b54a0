/*
 * The C library's memory and string functions, for the freestanding hv.
 * Bulk copies and fills move 8 bytes per iteration: building a guest
 * zeroes and copies hundreds of megabytes, and under emulation each
 * iteration of a string instruction costs about as much as an instruction.
 */
#include "lib.h"

void *memcpy(void *dst, const void *src, size_t n)
{
	void *d = dst;
	size_t qwords = n / 8, rest = n % 8;
	__asm__ volatile("rep movsq" : "+D"(d), "+S"(src), "+c"(qwords)::"memory");
	__asm__ volatile("rep movsb" : "+D"(d), "+S"(src), "+c"(rest)::"memory");
	return dst;
}

void *memmove(void *dst, const void *src, size_t n)
{
	unsigned char *d = dst;
	const unsigned char *s = src;
	if (d <= s || d >= s + n)
		return memcpy(dst, src, n);
	while (n--)
		d[n] = s[n];
	return dst;
}

void *memset(void *dst, int c, size_t n)
{
	void *d = dst;
	uint64_t pattern = 0x0101010101010101ULL * (uint8_t)c;
	size_t qwords = n / 8, rest = n % 8;
	__asm__ volatile("rep stosq" : "+D"(d), "+c"(qwords) : "a"(pattern) : "memory");
	__asm__ volatile("rep stosb" : "+D"(d), "+c"(rest) : "a"(pattern) : "memory");
	return dst;
}

int memcmp(const void *a, const void *b, size_t n)
{
	const unsigned char *x = a, *y = b;
	for (size_t i = 0; i < n; i++)
		if (x[i] != y[i])
			return x[i] - y[i];
	return 0;
}

size_t strlen(const char *s)
{
	size_t n = 0;
	while (s[n])
		n++;
	return n;
}

size_t strnlen(const char *s, size_t max)
{
	size_t n = 0;
	while (n < max && s[n])
		n++;
	return n;
}

int strcmp(const char *a, const char *b)
{
	while (*a && *a == *b)
		a++, b++;
	return (unsigned char)*a - (unsigned char)*b;
}

int strncmp(const char *a, const char *b, size_t n)
{
	for (; n; n--, a++, b++)
		if (*a != *b || !*a)
			return (unsigned char)*a - (unsigned char)*b;
	return 0;
}
