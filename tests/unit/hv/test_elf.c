/* hv/common/elf_load.c on synthetic kernels, good and hostile. */
#include <string.h>
#include "check.h"
#include "elf_load.h"

static uint8_t img[8192];

static void put16(size_t o, uint16_t v) { memcpy(img + o, &v, 2); }
static void put32(size_t o, uint32_t v) { memcpy(img + o, &v, 4); }
static void put64(size_t o, uint64_t v) { memcpy(img + o, &v, 8); }

/* ELF64 header + 2 program headers (PT_LOAD at 16 MiB, PT_NOTE) + notes. */
static void build(void)
{
	memset(img, 0, sizeof(img));
	memcpy(img, "\177ELF", 4);
	img[4] = 2, img[5] = 1, img[6] = 1;
	put16(16, 2);    /* ET_EXEC */
	put16(18, 62);   /* EM_X86_64 */
	put64(32, 64);   /* phoff */
	put16(54, 56);   /* phentsize */
	put16(56, 2);    /* phnum */
	size_t ph = 64;
	put32(ph, 1);                       /* PT_LOAD */
	put64(ph + 8, 0x1000);              /* offset */
	put64(ph + 24, 0x1000000);          /* paddr */
	put64(ph + 32, 0x800);              /* filesz */
	put64(ph + 40, 0x3000);             /* memsz */
	ph += 56;
	put32(ph, 4);                       /* PT_NOTE */
	put64(ph + 8, 0x200);
	put64(ph + 32, 3 * 20 + 4);
	size_t n = 0x200;                   /* note: Xen, GUEST_OS "linux" */
	put32(n, 4), put32(n + 4, 6), put32(n + 8, 6);
	memcpy(img + n + 12, "Xen", 4);
	memcpy(img + n + 16, "linux", 6);
	n += 12 + 4 + 8;
	put32(n, 4), put32(n + 4, 8), put32(n + 8, 18); /* PHYS32_ENTRY, 8 bytes */
	memcpy(img + n + 12, "Xen", 4);
	put64(n + 16, 0x1000850);
	n += 12 + 4 + 8;
	put32(n, 4), put32(n + 4, 4), put32(n + 8, 17); /* SUPPORTED_FEATURES */
	memcpy(img + n + 12, "Xen", 4);
	put32(n + 16, 0x8801);
	put64(64 + 56 + 32, n + 20 - 0x200);
}

/* The same kernel as ELF32 i386 (Debian's 686-pae vmlinux is one). */
static void build32(void)
{
	memset(img, 0, sizeof(img));
	memcpy(img, "\177ELF", 4);
	img[4] = 1, img[5] = 1, img[6] = 1;
	put16(16, 2);    /* ET_EXEC */
	put16(18, 3);    /* EM_386 */
	put32(28, 52);   /* phoff */
	put16(42, 32);   /* phentsize */
	put16(44, 2);    /* phnum */
	size_t ph = 52;
	put32(ph, 1);                       /* PT_LOAD */
	put32(ph + 4, 0x1000);              /* offset */
	put32(ph + 8, 0xc1000000);          /* vaddr */
	put32(ph + 12, 0x1000000);          /* paddr */
	put32(ph + 16, 0x800);              /* filesz */
	put32(ph + 20, 0x5000);             /* memsz */
	ph += 32;
	put32(ph, 4);                       /* PT_NOTE */
	put32(ph + 4, 0x200);
	put32(ph + 16, 20);
	put32(0x200, 4), put32(0x204, 4), put32(0x208, 18); /* PHYS32_ENTRY, 4 bytes */
	memcpy(img + 0x20c, "Xen", 4);
	put32(0x210, 0x1000400);
}

int main(void)
{
	struct elf_image e;
	const char *why = NULL;
	build();
	int rc = elf_parse(img, sizeof(img), &e, &why);
	CHECK(rc == 0 && e.nr_segments == 1 && e.seg[0].paddr == 0x1000000 && e.paddr_hi == 0x1003000,
	      "elf: loadable segment and span (%s)", why ? why : "ok");
	CHECK(e.phys32_entry == 0x1000850 && e.has_dom0_feature, "elf: PVH entry and dom0 feature from the Xen notes");
	put32(0x200 + 24 + 4, 4);
	elf_parse(img, sizeof(img), &e, &why);
	CHECK(e.phys32_entry == 0x1000850, "elf: a 4-byte PHYS32_ENTRY note (as pvh.pandoc shows it) is read too");
	build();
	put32(0x200, 0x7ffffff0); /* absurd namesz */
	CHECK(elf_parse(img, sizeof(img), &e, &why) == 0 && e.phys32_entry == 0,
	      "elf: an overrunning note stops the note walk, nothing more");
	build();
	put64(64 + 32, 0x100000); /* filesz past the end */
	rc = elf_parse(img, sizeof(img), &e, &why);
	CHECK(rc == -1 && why, "elf: a segment outside the file is refused: %s", why);
	build();
	put64(64 + 24, 0xfffff000); /* paddr near 4 GiB, memsz crosses it */
	rc = elf_parse(img, sizeof(img), &e, &why);
	CHECK(rc == -1 && why, "elf: a segment crossing 4 GiB is refused: %s", why);
	build();
	put16(56, 200); /* phnum beyond the file */
	rc = elf_parse(img, sizeof(img), &e, &why);
	CHECK(rc == -1 && why, "elf: program headers beyond the file are refused: %s", why);
	build32();
	why = NULL;
	rc = elf_parse(img, sizeof(img), &e, &why);
	CHECK(rc == 0 && e.elf_class == 32 && e.nr_segments == 1 && e.seg[0].paddr == 0x1000000 &&
	      e.seg[0].offset == 0x1000 && e.seg[0].filesz == 0x800 && e.paddr_hi == 0x1005000,
	      "elf32: segment at its physical address, not its virtual one (%s)", why ? why : "ok");
	CHECK(e.phys32_entry == 0x1000400 && !e.has_dom0_feature, "elf32: PVH entry from the Xen note");
	put16(18, 62);
	rc = elf_parse(img, sizeof(img), &e, &why);
	CHECK(rc == -1 && why, "elf32: an ELF32 claiming x86-64 is refused: %s", why);
	build32();
	put32(52 + 16, 0x100000);
	rc = elf_parse(img, sizeof(img), &e, &why);
	CHECK(rc == -1 && why, "elf32: a segment outside the file is refused: %s", why);
	build();
	img[4] = 3;
	rc = elf_parse(img, sizeof(img), &e, &why);
	CHECK(rc == -1 && why, "elf: an unknown ELF class is refused: %s", why);
	build();
	CHECK(elf_parse(img, sizeof(img), &e, &why) == 0 && e.elf_class == 64, "elf: class 64 reported");
	rc = elf_parse(img, 10, &e, &why);
	CHECK(rc == -1 && why, "elf: a 10-byte file is refused: %s", why);
	return check_exit();
}
