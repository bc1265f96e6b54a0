/* Building the initial domain from the boot modules (see dom0_build.c). */
#ifndef BASTION_DOM0_BUILD_H
#define BASTION_DOM0_BUILD_H

#include "boot_info.h"

/* Builds dom0 from module 0 (kernel, its string after the file name being
 * the kernel's command line) and module 1 (initramfs, optional).
 * Returns 0, 1 when there is no kernel module, or -1 with *why set. */
int dom0_build(struct boot_info *bi, unsigned nr_cpus_online, const char **why);

struct elf_image;
/* The kernel module's ELF image, unpacking a bzImage if need be. */
int dom0_kernel_image(const struct boot_module *k, struct elf_image *img, const char **why);
/* Frees what dom0_kernel_image needed once the kernel is loaded. */
void dom0_kernel_image_done(void);

#endif
