/*
 * Getting at the dom0 kernel's ELF image: the module is either the ELF
 * itself (vmlinux) or a bzImage as distributions ship it, whose XZ,
 * Zstandard or gzip payload is unpacked here as Xen does (bzimage.c).
 * The decoders' workspace and the output are page blocks given back
 * once the ELF has been loaded.
 */
#include "dom0_build.h"
#include "console.h"
#include "elf_load.h"
#include "page_alloc.h"
#include "bzimage.h"

static paddr_t unpacked;       /* buffer holding the unpacked ELF */
static unsigned unpacked_order;

static unsigned order_for(uint64_t bytes)
{
	unsigned order = 0;

	while ((PAGE_SIZE << order) < bytes)
		order++;
	return order;
}

static int unpack(const uint8_t *data, size_t size, struct bzimage_work *work, size_t *out_len,
		  const char **why)
{
	int64_t out_size = bzimage_decoded_size(data, size, work, why);

	if (out_size < 0)
		return -1;
	unpacked_order = order_for((uint64_t)out_size);
	unpacked = alloc_pages(unpacked_order);
	if (!unpacked)
		return *why = "not enough contiguous memory to unpack the kernel", -1;
	if (bzimage_decode(data, size, (void *)(uintptr_t)unpacked, (size_t)out_size, out_len, work,
			   why))
		return -1;
	printk("dom0: unpacked the bzImage's %s payload: %zu KiB of ELF\n",
	       bzimage_compression(data, size), *out_len >> 10);
	return 0;
}

int dom0_kernel_image(const struct boot_module *k, struct elf_image *img, const char **why)
{
	const uint8_t *data = (const uint8_t *)(uintptr_t)k->start;
	size_t size = k->end - k->start, out_len = 0;
	static char msg[BZIMAGE_MSG_MAX]; /* outlives the workspace */

	if (size >= 4 && !memcmp(data, "\177ELF", 4))
		return elf_parse(data, size, img, why);
	unsigned work_order = order_for(sizeof(struct bzimage_work));
	paddr_t work = alloc_pages(work_order);
	if (!work)
		return *why = "not enough memory for the bzImage decoder", -1;
	int rc = unpack(data, size, (struct bzimage_work *)(uintptr_t)work, &out_len, why);
	if (rc) {
		fmt_snprintf(msg, sizeof(msg), "%s", *why);
		*why = msg;
	}
	free_pages(work, work_order);
	return rc ? rc : elf_parse((void *)(uintptr_t)unpacked, out_len, img, why);
}

void dom0_kernel_image_done(void)
{
	if (unpacked)
		free_pages(unpacked, unpacked_order);
	unpacked = 0;
}
