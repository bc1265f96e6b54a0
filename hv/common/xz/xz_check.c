/*
 * The integrity checks of the .xz format (xz-file-format.txt 3.4): CRC-32
 * with the IEEE 802.3 polynomial and CRC-64 with the ECMA-182 polynomial,
 * both bit-reflected, starting from all ones and inverted at the end.
 * Tables are built on first use (a boot-time decoder has no threads to
 * race with; building twice writes the same values).  CRC-32, which
 * covers the whole kernel, goes eight bytes a step: table k holds the
 * CRC of a byte followed by k zero bytes, so the eight lookups of one
 * step are independent of each other.
 */
#include "xz_priv.h"

#define CRC32_POLY 0xEDB88320u
#define CRC64_POLY 0xC96C5795D7870F42ull

#define CRC32_SLICES 8

static uint32_t crc32_table[CRC32_SLICES][256];
static uint64_t crc64_table[256];
static bool crc32_ready, crc64_ready;

static void crc32_build(void)
{
	for (unsigned i = 0; i < 256; i++) {
		uint32_t r = i;
		for (int bit = 0; bit < 8; bit++)
			r = (r >> 1) ^ (r & 1 ? CRC32_POLY : 0);
		crc32_table[0][i] = r;
	}
	for (unsigned k = 1; k < CRC32_SLICES; k++)
		for (unsigned i = 0; i < 256; i++) {
			uint32_t prev = crc32_table[k - 1][i];
			crc32_table[k][i] = (prev >> 8) ^ crc32_table[0][prev & 0xFF];
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
	size_t i = 0;
	for (; len - i >= CRC32_SLICES; i += CRC32_SLICES) {
		uint32_t lo = crc ^ xz_le32(buf + i), hi = xz_le32(buf + i + 4);
		crc = crc32_table[7][lo & 0xFF] ^ crc32_table[6][(lo >> 8) & 0xFF] ^
		      crc32_table[5][(lo >> 16) & 0xFF] ^ crc32_table[4][lo >> 24] ^
		      crc32_table[3][hi & 0xFF] ^ crc32_table[2][(hi >> 8) & 0xFF] ^
		      crc32_table[1][(hi >> 16) & 0xFF] ^ crc32_table[0][hi >> 24];
	}
	for (; i < len; i++)
		crc = crc32_table[0][(crc ^ buf[i]) & 0xFF] ^ (crc >> 8);
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
