/* ELF32 and ELF64 parsing for guest kernels (see elf_load.h). */
#include "elf_load.h"

#define EI_CLASS 4
#define ELFCLASS32 1
#define ELFCLASS64 2
#define EI_DATA 5
#define ELFDATA2LSB 1
#define ET_EXEC 2
#define EM_386 3
#define EM_X86_64 62
#define PT_LOAD 1
#define PT_NOTE 4
#define NOTE_PHYS32_ENTRY 18     /* XEN_ELFNOTE_PHYS32_ENTRY */
#define NOTE_SUPPORTED_FEATURES 17 /* XEN_ELFNOTE_SUPPORTED_FEATURES */
#define XENFEAT_DOM0_BIT 11

static uint16_t rd16(const uint8_t *p) { return (uint16_t)(p[0] | p[1] << 8); }
static uint32_t rd32(const uint8_t *p) { uint32_t v; memcpy(&v, p, 4); return v; }
static uint64_t rd64(const uint8_t *p) { uint64_t v; memcpy(&v, p, 8); return v; }

/* Where the fields sit in each class's file and program headers. */
struct elf_class {
	uint8_t id;
	uint16_t machine;
	unsigned ehsize, phoff, phentsize, phnum;
	unsigned ph_size, ph_offset, ph_paddr, ph_filesz, ph_memsz;
};
static const struct elf_class elf32 = { ELFCLASS32, EM_386, 52, 28, 42, 44, 32, 4, 12, 16, 20 };
static const struct elf_class elf64 = { ELFCLASS64, EM_X86_64, 64, 32, 54, 56, 56, 8, 24, 32, 40 };

/* An address-sized field: 4 bytes in ELF32, 8 in ELF64. */
static uint64_t rdword(const struct elf_class *c, const uint8_t *p)
{
	return c == &elf64 ? rd64(p) : rd32(p);
}

static bool range_ok(const struct elf_image *img, uint64_t off, uint64_t len)
{
	return off <= img->size && len <= img->size - off;
}

/* A note's value, 4 or 8 bytes little-endian as Xen's libelf reads them. */
static uint64_t note_value(const uint8_t *desc, uint32_t descsz)
{
	return descsz == 8 ? rd64(desc) : descsz == 4 ? rd32(desc) : 0;
}

static void parse_notes(struct elf_image *img, uint64_t off, uint64_t len)
{
	const uint8_t *p = img->data + off, *end = p + len;
	while (end - p >= 12) {
		uint32_t namesz = rd32(p), descsz = rd32(p + 4), type = rd32(p + 8);
		uint64_t name_pad = ALIGN_UP((uint64_t)namesz, 4), desc_pad = ALIGN_UP((uint64_t)descsz, 4);
		if (name_pad + desc_pad > (uint64_t)(end - p) - 12)
			return;
		const uint8_t *name = p + 12, *desc = name + name_pad;
		if (namesz == 4 && !memcmp(name, "Xen", 4)) {
			if (type == NOTE_PHYS32_ENTRY)
				img->phys32_entry = note_value(desc, descsz);
			else if (type == NOTE_SUPPORTED_FEATURES && descsz >= 4)
				img->has_dom0_feature = (rd32(desc) >> XENFEAT_DOM0_BIT) & 1;
		}
		p = desc + desc_pad;
	}
}

static const char *parse_phdr(struct elf_image *img, const struct elf_class *c, const uint8_t *ph)
{
	uint32_t type = rd32(ph);
	uint64_t off = rdword(c, ph + c->ph_offset), paddr = rdword(c, ph + c->ph_paddr);
	uint64_t filesz = rdword(c, ph + c->ph_filesz), memsz = rdword(c, ph + c->ph_memsz);
	if (type == PT_NOTE && range_ok(img, off, filesz))
		parse_notes(img, off, filesz);
	if (type != PT_LOAD || !memsz)
		return NULL;
	if (!range_ok(img, off, filesz) || filesz > memsz)
		return "a loadable segment lies outside the file";
	if (paddr + memsz < paddr || paddr + memsz > GiB(4))
		return "a loadable segment is not below 4 GiB";
	if (img->nr_segments == ELF_MAX_SEGMENTS)
		return "too many loadable segments";
	img->seg[img->nr_segments++] = (struct elf_segment){ paddr, filesz, memsz, off };
	img->paddr_lo = MIN(img->paddr_lo, paddr);
	img->paddr_hi = MAX(img->paddr_hi, paddr + memsz);
	return NULL;
}

int elf_parse(const void *data, size_t size, struct elf_image *img, const char **why)
{
	*img = (struct elf_image){ .data = data, .size = size, .paddr_lo = UINT64_MAX };
	const uint8_t *e = data;
	if (size < elf32.ehsize || memcmp(e, "\177ELF", 4))
		return *why = "not an ELF file", -1;
	const struct elf_class *c = e[EI_CLASS] == ELFCLASS64 ? &elf64 : &elf32;
	if (size < c->ehsize)
		return *why = "not an ELF file", -1;
	if (e[EI_CLASS] != c->id || e[EI_DATA] != ELFDATA2LSB || rd16(e + 18) != c->machine)
		return *why = "not a little-endian x86 image (ELF32 i386 or ELF64 x86-64)", -1;
	if (rd16(e + 16) != ET_EXEC)
		return *why = "not an executable ELF image", -1;
	uint64_t phoff = rdword(c, e + c->phoff);
	uint16_t phentsize = rd16(e + c->phentsize), phnum = rd16(e + c->phnum);
	if (phentsize < c->ph_size || !range_ok(img, phoff, (uint64_t)phentsize * phnum))
		return *why = "program headers lie outside the file", -1;
	img->elf_class = c == &elf64 ? 64 : 32;
	for (unsigned i = 0; i < phnum; i++) {
		const char *bad = parse_phdr(img, c, e + phoff + (uint64_t)i * phentsize);
		if (bad)
			return *why = bad, -1;
	}
	if (!img->nr_segments)
		return *why = "no loadable segments", -1;
	return 0;
}
