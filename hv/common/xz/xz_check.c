/*
 * The integrity checks of the .xz format (xz-file-format.txt 3.4): CRC-32
 * with the IEEE 802.3 polynomial and CRC-64 with the ECMA-182 polynomial,
 * both bit-reflected, starting from all ones and inverted at the end.
 * Tables are built on first use (a boot-time decoder has no threads to
 * race with; building twice writes the same values).
 */
#include "xz_priv.h"

#define CRC32_POLY 0xEDB88320u
#define CRC64_POLY 0xC96C5795D7870F42ull

static uint32_t crc32_table[256];
static uint64_t crc64_table[256];
static bool crc32_ready, crc64_ready;

static void crc32_build(void)
{
	for (unsigned i = 0; i < 256; i++) {
		uint32_t r = i;
		for (int bit = 0; bit < 8; bit++)
			r = (r >> 1) ^ (r & 1 ? CRC32_POLY : 0);
		crc32_table[i] = r;
	}
	crc32_ready = true;
}

static void crc64_build(void)
{
	for (unsigned i = 0; i < 256; i++) {
		uint64_t r = i;
		for (int bit = 0; bit < 8; bit++)
			r = (r >> 1) ^ (r & 1 ? CRC64_POLY : 0);
		crc64_table[i] = r;
	}
	crc64_ready = true;
}

uint32_t xz_crc32(const uint8_t *buf, size_t len, uint32_t crc)
{
	if (!crc32_ready)
		crc32_build();
	crc = ~crc;
	for (size_t i = 0; i < len; i++)
		crc = crc32_table[(crc ^ buf[i]) & 0xFF] ^ (crc >> 8);
	return ~crc;
}

uint64_t xz_crc64(const uint8_t *buf, size_t len, uint64_t crc)
{
	if (!crc64_ready)
		crc64_build();
	crc = ~crc;
	for (size_t i = 0; i < len; i++)
		crc = crc64_table[(crc ^ buf[i]) & 0xFF] ^ (crc >> 8);
	return ~crc;
}
