/* hv/arch/x86/multiboot.c on synthetic multiboot1 and multiboot2 structures. */
#include "check.h"
#include "fake_phys.h"
#include "boot_info.h"
#include "x86/asm_defs.h"

static void build_mb1(void)
{
	memset(fake_phys, 0, sizeof(fake_phys));
	put32(0x1000, 0x4 | 0x8 | 0x40 | 0x200); /* cmdline, mods, mmap, loader name */
	put32(0x1000 + 16, 0x2000);
	strcpy((char *)fake_phys + 0x2000, "bastion.elf console=com1");
	put32(0x1000 + 20, 2);      /* mods_count */
	put32(0x1000 + 24, 0x3000); /* mods_addr */
	put32(0x3000, 0x400000); put32(0x3004, 0x500000); put32(0x3008, 0x2100);
	put32(0x3010, 0x500000); put32(0x3014, 0x501234); put32(0x3018, 0x2200);
	strcpy((char *)fake_phys + 0x2100, "vmlinuz console=hvc0");
	strcpy((char *)fake_phys + 0x2200, "initrd");
	put32(0x1000 + 44, 2 * 24);  /* mmap_length */
	put32(0x1000 + 48, 0x4000);  /* mmap_addr */
	put32(0x4000, 20); put64(0x4004, 0); put64(0x400c, 0x9fc00); put32(0x4014, 1);
	put32(0x4018, 20); put64(0x401c, 0x100000); put64(0x4024, 0x7fee0000); put32(0x402c, 1);
	put32(0x1000 + 64, 0x2300);
	strcpy((char *)fake_phys + 0x2300, "qemu");
}

static void test_mb1(void)
{
	struct boot_info bi;
	const char *why = NULL;
	build_mb1();
	int rc = multiboot_parse(MB1_BOOT_MAGIC, 0x1000, fake_map, &bi, &why);
	CHECK(rc == 0 && bi.mb_version == 1, "multiboot1: parses (%s)", why ? why : "ok");
	CHECK(bi.cmdline && !strcmp(bi.cmdline, "bastion.elf console=com1") && !strcmp(bi.loader_name, "qemu"),
	      "multiboot1: command line and loader name");
	CHECK(bi.nr_mods == 2 && bi.mods[0].start == 0x400000 && bi.mods[1].end == 0x501234 &&
		      !strcmp(bi.mods[0].cmdline, "vmlinuz console=hvc0"),
	      "multiboot1: two modules with their strings");
	CHECK(bi.nr_mem == 2 && bi.mem[1].base == 0x100000 && bi.mem[1].len == 0x7fee0000 && bi.mem[1].type == 1,
	      "multiboot1: memory map entries");
	CHECK(bi.nr_keep >= 6, "multiboot1: loader structures and modules recorded to keep (%u)", bi.nr_keep);
	put32(0x4000, 8); /* entry size smaller than an entry */
	rc = multiboot_parse(MB1_BOOT_MAGIC, 0x1000, fake_map, &bi, &why);
	CHECK(rc == -1 && why,
	      "multiboot1: malformed memory map refused: %s", why);
	rc = multiboot_parse(MB1_BOOT_MAGIC, FAKE_PHYS_SIZE - 8, fake_map, &bi, &why);
	CHECK(rc == -1,
	      "multiboot1: information out of reach refused");
	rc = multiboot_parse(0x12345678, 0x1000, fake_map, &bi, &why);
	CHECK(rc == -1 && why,
	      "multiboot: bad magic refused: %s", why);
}

/* Appends a tag at *off; returns the tag's address. */
static uint64_t tag(uint64_t *off, uint32_t type, uint32_t size)
{
	uint64_t at = *off;
	put32(at, type);
	put32(at + 4, size);
	*off += (size + 7) & ~7u;
	return at;
}

static uint64_t build_mb2(void)
{
	memset(fake_phys, 0, sizeof(fake_phys));
	uint64_t base = 0x8000, off = base + 8, t;
	t = tag(&off, 1, 8 + 20);
	strcpy((char *)fake_phys + t + 8, "console=com1 x=1");
	t = tag(&off, 2, 8 + 10);
	strcpy((char *)fake_phys + t + 8, "GRUB 2.06");
	t = tag(&off, 3, 16 + 8);
	put32(t + 8, 0x200000); put32(t + 12, 0x300000);
	strcpy((char *)fake_phys + t + 16, "kernel");
	t = tag(&off, 6, 16 + 3 * 24);
	put32(t + 8, 24); put32(t + 12, 0);
	put64(t + 16, 0); put64(t + 24, 0xa0000); put32(t + 32, 1);
	put64(t + 40, 0x100000); put64(t + 48, 0x1000000); put32(t + 56, 1);
	put64(t + 64, 0xfec00000); put64(t + 72, 0x1000); put32(t + 80, 2);
	t = tag(&off, 14, 8 + 20);
	memcpy(fake_phys + t + 8, "RSD PTR ", 8);
	t = tag(&off, 15, 8 + 36);
	memcpy(fake_phys + t + 8, "RSD PTR ", 8);
	fake_phys[t + 8 + 15] = 2;
	tag(&off, 0, 8);
	put32(base, (uint32_t)(off - base));
	return base;
}

static void test_mb2(void)
{
	struct boot_info bi;
	const char *why = NULL;
	uint64_t base = build_mb2();
	int rc = multiboot_parse(MB2_BOOT_MAGIC, base, fake_map, &bi, &why);
	CHECK(rc == 0 && bi.mb_version == 2, "multiboot2: parses (%s)", why ? why : "ok");
	CHECK(bi.cmdline && !strcmp(bi.cmdline, "console=com1 x=1") && !strcmp(bi.loader_name, "GRUB 2.06"),
	      "multiboot2: command line and loader name");
	CHECK(bi.nr_mods == 1 && bi.mods[0].start == 0x200000 && !strcmp(bi.mods[0].cmdline, "kernel"),
	      "multiboot2: module");
	CHECK(bi.nr_mem == 3 && bi.mem[2].base == 0xfec00000 && bi.mem[2].type == 2, "multiboot2: memory map");
	CHECK(bi.rsdp && ((const uint8_t *)bi.rsdp)[15] == 2, "multiboot2: the ACPI 2.0 RSDP copy is preferred");
	uint32_t total;
	memcpy(&total, fake_phys + base, 4);
	put32(base, total - 8); /* cut off the end tag */
	rc = multiboot_parse(MB2_BOOT_MAGIC, base, fake_map, &bi, &why);
	CHECK(rc == -1 && why,
	      "multiboot2: missing end tag refused: %s", why);
	put32(base, total);
	put32(base + 8 + 4, 0x10000); /* first tag claims to run past the end */
	rc = multiboot_parse(MB2_BOOT_MAGIC, base, fake_map, &bi, &why);
	CHECK(rc == -1 && why,
	      "multiboot2: overrunning tag refused: %s", why);
	put32(base + 8 + 4, 4);
	rc = multiboot_parse(MB2_BOOT_MAGIC, base, fake_map, &bi, &why);
	CHECK(rc == -1,
	      "multiboot2: tag shorter than its header refused");
}

int main(void)
{
	test_mb1();
	test_mb2();
	return check_exit();
}
