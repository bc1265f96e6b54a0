/*
 * XXH64 with seed 0, the content checksum of a zstd frame (RFC 8878
 * 3.1.1, which points to the xxHash specification for the constants and
 * steps): four lanes over 32-byte stripes, then the tail, then mixing.
 */
#include "zstd_priv.h"

#define P1 0x9E3779B185EBCA87ull
#define P2 0xC2B2AE3D27D4EB4Full
#define P3 0x165667B19E3779F9ull
#define P4 0x85EBCA77C2B2AE63ull
#define P5 0x27D4EB2F165667C5ull

static uint64_t rotl(uint64_t v, unsigned n)
{
	return (v << n) | (v >> (64 - n));
}

static uint64_t le64(const uint8_t *p)
{
	return zstd_le(p, 4) | (uint64_t)zstd_le(p + 4, 4) << 32;
}

static uint64_t lane_round(uint64_t acc, uint64_t lane)
{
	return rotl(acc + lane * P2, 31) * P1;
}

static uint64_t stripes(const uint8_t **pp, const uint8_t *end)
{
	uint64_t v[4] = { P1 + P2, P2, 0, -P1 };
	const uint8_t *p = *pp;

	for (; end - p >= 32; p += 32)
		for (int i = 0; i < 4; i++)
			v[i] = lane_round(v[i], le64(p + 8 * i));
	uint64_t h = rotl(v[0], 1) + rotl(v[1], 7) + rotl(v[2], 12) + rotl(v[3], 18);
	for (int i = 0; i < 4; i++)
		h = (h ^ lane_round(0, v[i])) * P1 + P4;
	*pp = p;
	return h;
}

uint64_t zstd_xxh64(const uint8_t *p, size_t len)
{
	const uint8_t *end = p + len;
	uint64_t h = len >= 32 ? stripes(&p, end) : P5;

	h += len;
	for (; end - p >= 8; p += 8)
		h = rotl(h ^ lane_round(0, le64(p)), 27) * P1 + P4;
	if (end - p >= 4) {
		h = rotl(h ^ (zstd_le(p, 4) * P1), 23) * P2 + P3;
		p += 4;
	}
	for (; p < end; p++)
		h = rotl(h ^ (*p * P5), 11) * P1;
	h = (h ^ (h >> 33)) * P2;
	h = (h ^ (h >> 29)) * P3;
	return h ^ (h >> 32);
}
