/*
 * Reading a guest kernel's ELF image, ELF32 i386 or ELF64 x86-64 (System
 * V gABI and the two psABIs):
 * its loadable segments and its Xen ELF notes (public/elfnote.h), of which
 * PVH boot needs XEN_ELFNOTE_PHYS32_ENTRY.  Every offset and size is
 * checked against the buffer: the image is guest-supplied data.
 */
#ifndef BASTION_ELF_LOAD_H
#define BASTION_ELF_LOAD_H

#include "lib.h"

struct elf_segment {
	uint64_t paddr, filesz, memsz, offset;
};

#define ELF_MAX_SEGMENTS 16

struct elf_image {
	const uint8_t *data;
	size_t size;
	unsigned nr_segments;
	struct elf_segment seg[ELF_MAX_SEGMENTS];
	uint64_t paddr_lo, paddr_hi;  /* span of the loadable segments */
	uint64_t phys32_entry;        /* 0 if the image has no PVH entry */
	unsigned elf_class;           /* 32 or 64 */
	bool has_dom0_feature;        /* XEN_ELFNOTE_SUPPORTED_FEATURES bit XENFEAT_dom0 */
};

/* Parses the image; 0, or -1 with *why naming what is wrong. */
int elf_parse(const void *data, size_t size, struct elf_image *img, const char **why);

#endif
