/* Private to pvh_layout.c and pvh_plan.c: the layout being built. */
#ifndef BASTION_PVH_LAYOUT_H
#define BASTION_PVH_LAYOUT_H

#include "pvh_internal.h"

#define MIB (1024ull * 1024)
#define FOUR_GIB (4096 * MIB)
#define MTRR_DEF_WRBACK_ENABLED 0x806u   /* MTRR_TYPE_WRBACK | MTRR_DEF_TYPE_ENABLE */

struct layout {
	uint64_t lowmem_end, highmem_bytes;
	uint64_t rd_gpa, rd_len, rd_span;
	uint8_t *rd_bytes;                   /* ramdisk as loaded (maybe gunzipped) */
	bool rd_owned;
	uint64_t si_gpa;
	size_t si_size;
	struct pvh_acpi acpi;
};

int layout_check_shape(const struct pvh_shape *s, char *err, size_t errlen);
void layout_add_region(struct pvh_plan *p, const char *what, uint64_t gpa, uint64_t size,
		       uint8_t *bytes, size_t len, bool own);
void layout_build_e820(struct pvh_plan *p, const struct layout *l);
int layout_place_kernel(const struct pvh_kernel *k, const struct layout *l, char *err,
			size_t errlen);
int layout_place_ramdisk(const struct pvh_kernel *k, const uint8_t *rd, size_t rd_len,
			 struct layout *l, char *err, size_t errlen);
int layout_place_start_info(const char *cmdline, struct pvh_plan *p, struct layout *l, char *err,
			    size_t errlen);
int layout_add_special_pages(struct pvh_plan *p, char *err, size_t errlen);
int layout_add_acpi_regions(struct pvh_plan *p, struct layout *l, char *err, size_t errlen);

#endif /* BASTION_PVH_LAYOUT_H */
