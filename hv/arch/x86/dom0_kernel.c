/*
 * Getting at the dom0 kernel's ELF image: the module is either the ELF
 * itself (vmlinux) or a bzImage as distributions ship it, whose XZ
 * payload is unpacked here as Xen does (bzimage.c, xz/).
 */
#include "dom0_build.h"
#include "console.h"
#include "elf_load.h"
#include "page_alloc.h"
#include "bzimage.h"
#include "xz/xz.h"

static struct xz_dec xz_work;  /* decoder state: too big for a stack */
static paddr_t unpacked;       /* buffer holding the unpacked ELF */
static unsigned unpacked_order;

int dom0_kernel_image(const struct boot_module *k, struct elf_image *img, const char **why)
{
	const uint8_t *data = (const uint8_t *)(uintptr_t)k->start;
	size_t size = k->end - k->start;
	if (size >= 4 && !memcmp(data, "\177ELF", 4))
		return elf_parse(data, size, img, why);
	int64_t out_size = bzimage_decoded_size(data, size, &xz_work, why);
	if (out_size < 0)
		return -1;
	unpacked_order = 0;
	while ((PAGE_SIZE << unpacked_order) < (uint64_t)out_size)
		unpacked_order++;
	unpacked = alloc_pages(unpacked_order);
	if (!unpacked)
		return *why = "not enough contiguous memory to unpack the kernel", -1;
	size_t out_len;
	if (bzimage_decode(data, size, (void *)(uintptr_t)unpacked, PAGE_SIZE << unpacked_order,
			   &out_len, &xz_work, why))
		return -1;
	printk("dom0: unpacked the bzImage's XZ payload: %zu KiB of ELF\n", out_len >> 10);
	return elf_parse((void *)(uintptr_t)unpacked, out_len, img, why);
}

void dom0_kernel_image_done(void)
{
	if (unpacked)
		free_pages(unpacked, unpacked_order);
	unpacked = 0;
}
