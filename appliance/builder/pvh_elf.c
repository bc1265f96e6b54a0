/*
 * ELF vmlinux loading for PVH, the part of Xen's libelf a PVH build uses
 * (xen/common/libelf, tools/libs/guest/xg_dom_elfloader.c): ELF32 or
 * ELF64, little-endian x86; PT_LOAD segments placed at their physical
 * addresses (virt_base is 0 for PVH), file bytes copied and the rest of
 * each segment zeroed; the Xen ELF notes (owner "Xen", types from
 * public/elfnote.h) read from the PT_NOTE segments.  A kernel without
 * XEN_ELFNOTE_PHYS32_ENTRY has no PVH entry point and is refused.
 */
#include <stdlib.h>

#include "pvh_internal.h"
#include "public/elfnote.h"

#define ELF_PT_LOAD 1
#define ELF_PT_NOTE 4
#define ELF_ET_EXEC 2
#define ELF_EM_386 3
#define ELF_EM_X86_64 62
#define PVH_MAX_KERNEL_SPAN (1ull << 30)

/* Where the fields sit in the two classes' headers. */
struct elf_layout {
	unsigned ehsize, phoff, phentsize_off, phnum_off;
	unsigned ph_type, ph_offset, ph_paddr, ph_filesz, ph_memsz, phsize;
	bool wide;
};
static const struct elf_layout elf32 = { 52, 28, 42, 44, 0, 4, 12, 16, 20, 32, false };
static const struct elf_layout elf64 = { 64, 32, 54, 56, 0, 8, 24, 32, 40, 56, true };

struct elf_phdr_info {
	uint32_t type;
	uint64_t offset, paddr, filesz, memsz;
};

static uint64_t word(const struct elf_layout *l, const uint8_t *p)
{
	return l->wide ? pvh_le64(p) : pvh_le32(p);
}

static void read_phdr(const struct elf_layout *l, const uint8_t *ph, struct elf_phdr_info *out)
{
	out->type = pvh_le32(ph + l->ph_type);
	out->offset = word(l, ph + l->ph_offset);
	out->paddr = word(l, ph + l->ph_paddr);
	out->filesz = word(l, ph + l->ph_filesz);
	out->memsz = word(l, ph + l->ph_memsz);
}

static bool in_file(size_t len, uint64_t off, uint64_t size)
{
	return off <= len && size <= len - off;
}

static void read_xen_note(struct pvh_kernel *k, uint32_t type, const uint8_t *desc, uint32_t descsz)
{
	uint64_t value = descsz >= 8 ? pvh_le64(desc) : descsz >= 4 ? pvh_le32(desc) : 0;

	if (type == XEN_ELFNOTE_PHYS32_ENTRY && descsz >= 4)
		k->phys_entry = (uint32_t)value;
	else if (type == XEN_ELFNOTE_SUPPORTED_FEATURES && descsz >= 4)
		k->features |= pvh_le32(desc);
	else if (type == XEN_ELFNOTE_GUEST_OS)
		k->is_linux = descsz >= 5 && !memcmp(desc, "linux", 5);
}

static void read_notes(struct pvh_kernel *k, const uint8_t *p, uint64_t len)
{
	while (len >= 12) {
		uint32_t namesz = pvh_le32(p), descsz = pvh_le32(p + 4), type = pvh_le32(p + 8);
		uint64_t name_span = pvh_round_up(namesz, 4), desc_span = pvh_round_up(descsz, 4);
		if (name_span > len - 12 || desc_span > len - 12 - name_span)
			return;
		if (namesz == 4 && !memcmp(p + 12, "Xen", 4))
			read_xen_note(k, type, p + 12 + name_span, descsz);
		p += 12 + name_span + desc_span;
		len -= 12 + name_span + desc_span;
	}
}

/* Checks the identification and returns the class's layout, or NULL. */
static const struct elf_layout *elf_identify(const uint8_t *e, size_t len, char *err, size_t errlen)
{
	if (len < 64 || memcmp(e, "\177ELF", 4))
		return pvh_fail(err, errlen, "kernel: not an ELF file"), NULL;
	if (e[5] != 1)
		return pvh_fail(err, errlen, "kernel: ELF is not little-endian"), NULL;
	const struct elf_layout *l = e[4] == 2 ? &elf64 : e[4] == 1 ? &elf32 : NULL;
	if (!l)
		return pvh_fail(err, errlen, "kernel: unknown ELF class %u", e[4]), NULL;
	unsigned machine = pvh_le16(e + 18);
	if (pvh_le16(e + 16) != ELF_ET_EXEC ||
	    machine != (l->wide ? ELF_EM_X86_64 : ELF_EM_386))
		return pvh_fail(err, errlen, "kernel: ELF%d is not an x86 executable (type %u, machine %u)",
				l->wide ? 64 : 32, pvh_le16(e + 16), machine), NULL;
	if (pvh_le16(e + l->phentsize_off) != l->phsize)
		return pvh_fail(err, errlen, "kernel: ELF program header size %u, expected %u",
				pvh_le16(e + l->phentsize_off), l->phsize), NULL;
	return l;
}

/* First pass: notes, the [pstart, pend) span, every segment inside the file. */
static int elf_scan(const uint8_t *e, size_t len, const struct elf_layout *l, struct pvh_kernel *k,
		    char *err, size_t errlen)
{
	uint64_t phoff = word(l, e + l->phoff);
	unsigned phnum = pvh_le16(e + l->phnum_off);
	if (!in_file(len, phoff, (uint64_t)phnum * l->phsize))
		return pvh_fail(err, errlen, "kernel: ELF program headers lie outside the file");
	k->pstart = UINT64_MAX;
	k->pend = 0;
	for (unsigned i = 0; i < phnum; i++) {
		struct elf_phdr_info ph;
		read_phdr(l, e + phoff + (uint64_t)i * l->phsize, &ph);
		if (ph.type != ELF_PT_LOAD && ph.type != ELF_PT_NOTE)
			continue;
		if (!in_file(len, ph.offset, ph.filesz))
			return pvh_fail(err, errlen, "kernel: ELF segment %u lies outside the file", i);
		if (ph.type == ELF_PT_NOTE) {
			read_notes(k, e + ph.offset, ph.filesz);
			continue;
		}
		if (ph.filesz > ph.memsz || ph.paddr + ph.memsz < ph.paddr)
			return pvh_fail(err, errlen, "kernel: ELF segment %u has bad sizes", i);
		if (ph.memsz && ph.paddr < k->pstart)
			k->pstart = ph.paddr;
		if (ph.memsz && ph.paddr + ph.memsz > k->pend)
			k->pend = ph.paddr + ph.memsz;
	}
	if (k->pend == 0)
		return pvh_fail(err, errlen, "kernel: ELF has no loadable segment");
	k->pstart &= ~(uint64_t)(PVH_PAGE_SIZE - 1);
	if (k->pend - k->pstart > PVH_MAX_KERNEL_SPAN)
		return pvh_fail(err, errlen, "kernel: ELF segments span %#llx bytes (over 1 GiB)",
				(unsigned long long)(k->pend - k->pstart));
	return 0;
}

static void elf_copy_segments(const uint8_t *e, const struct elf_layout *l, struct pvh_kernel *k)
{
	uint64_t phoff = word(l, e + l->phoff);
	unsigned phnum = pvh_le16(e + l->phnum_off);

	for (unsigned i = 0; i < phnum; i++) {
		struct elf_phdr_info ph;
		read_phdr(l, e + phoff + (uint64_t)i * l->phsize, &ph);
		if (ph.type == ELF_PT_LOAD && ph.filesz)
			memcpy(k->image + (ph.paddr - k->pstart), e + ph.offset, ph.filesz);
	}
}

int pvh_elf_load(const uint8_t *e, size_t len, struct pvh_kernel *k, char *err, size_t errlen)
{
	const struct elf_layout *l = elf_identify(e, len, err, errlen);

	if (!l || elf_scan(e, len, l, k, err, errlen))
		return -1;
	if (!k->phys_entry)
		return pvh_fail(err, errlen,
				"kernel: ELF%d has no XEN_ELFNOTE_PHYS32_ENTRY note: it cannot boot as PVH "
				"(build Linux with CONFIG_PVH=y)", l->wide ? 64 : 32);
	if (k->phys_entry < k->pstart || k->phys_entry >= k->pend)
		return pvh_fail(err, errlen, "kernel: PVH entry %#x lies outside the loaded segments",
				k->phys_entry);
	k->elf_class = l->wide ? 64 : 32;
	k->image = calloc(1, k->pend - k->pstart);
	if (!k->image)
		return pvh_fail(err, errlen, "kernel: out of memory for %llu bytes",
				(unsigned long long)(k->pend - k->pstart));
	elf_copy_segments(e, l, k);
	return 0;
}
