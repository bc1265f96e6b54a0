/* A fake physical address space for parser tests: [0, 1 MiB) backed by a buffer. */
#ifndef BASTION_TEST_FAKE_PHYS_H
#define BASTION_TEST_FAKE_PHYS_H

#include <stdint.h>
#include <string.h>

#define FAKE_PHYS_SIZE 0x100000
static uint8_t fake_phys[FAKE_PHYS_SIZE];

static const void *fake_map(uint64_t pa, uint64_t len)
{
	if (pa > FAKE_PHYS_SIZE || len > FAKE_PHYS_SIZE - pa)
		return NULL;
	return fake_phys + pa;
}

static void put32(uint64_t pa, uint32_t v) { memcpy(fake_phys + pa, &v, 4); }
static void put64(uint64_t pa, uint64_t v) { memcpy(fake_phys + pa, &v, 8); }

#endif
