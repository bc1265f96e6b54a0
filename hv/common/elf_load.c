/* ELF64 parsing for guest kernels (see elf_load.h). */
#include "elf_load.h"

#define EI_CLASS 4
#define ELFCLASS64 2
#define EI_DATA 5
#define ELFDATA2LSB 1
#define ET_EXEC 2
#define EM_X86_64 62
#define PT_LOAD 1
#define PT_NOTE 4
#define EHDR_SIZE 64
#define PHDR_SIZE 56
#define NOTE_PHYS32_ENTRY 18     /* XEN_ELFNOTE_PHYS32_ENTRY */
#define NOTE_SUPPORTED_FEATURES 17 /* XEN_ELFNOTE_SUPPORTED_FEATURES */
#define XENFEAT_DOM0_BIT 11

static uint16_t rd16(const uint8_t *p) { return (uint16_t)(p[0] | p[1] << 8); }
static uint32_t rd32(const uint8_t *p) { uint32_t v; memcpy(&v, p, 4); return v; }
static uint64_t rd64(const uint8_t *p) { uint64_t v; memcpy(&v, p, 8); return v; }

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

static const char *parse_phdr(struct elf_image *img, const uint8_t *ph)
{
	uint32_t type = rd32(ph);
	uint64_t off = rd64(ph + 8), paddr = rd64(ph + 24), filesz = rd64(ph + 32), memsz = rd64(ph + 40);
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
	if (size < EHDR_SIZE || memcmp(e, "\177ELF", 4))
		return *why = "not an ELF file", -1;
	if (e[EI_CLASS] != ELFCLASS64 || e[EI_DATA] != ELFDATA2LSB || rd16(e + 18) != EM_X86_64)
		return *why = "not a little-endian x86-64 ELF64 image", -1;
	if (rd16(e + 16) != ET_EXEC)
		return *why = "not an executable ELF image", -1;
	uint64_t phoff = rd64(e + 32);
	uint16_t phentsize = rd16(e + 54), phnum = rd16(e + 56);
	if (phentsize < PHDR_SIZE || !range_ok(img, phoff, (uint64_t)phentsize * phnum))
		return *why = "program headers lie outside the file", -1;
	for (unsigned i = 0; i < phnum; i++) {
		const char *bad = parse_phdr(img, e + phoff + (uint64_t)i * phentsize);
		if (bad)
			return *why = bad, -1;
	}
	if (!img->nr_segments)
		return *why = "no loadable segments", -1;
	return 0;
}
