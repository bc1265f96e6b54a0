/*
 * libFuzzer target for appliance/builder: the input is a kernel image
 * (ELF or bzImage, any compression) and, when it loads, also the ramdisk
 * of a plan whose shape comes from its first bytes -- the parsers a
 * user-supplied kernel and ramdisk reach.
 */
#include <stddef.h>
#include <stdint.h>

#include "pvh_build.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct pvh_kernel k;
	struct pvh_plan plan;
	char err[256];

	if (pvh_image_load(data, size, &k, err, sizeof(err)))
		return 0;
	struct pvh_shape shape = { 16 + (size > 0 ? data[0] : 0) * 4u, 1 + (size > 1 ? data[1] % 4 : 0), 4 };
	if (pvh_plan(&k, data, size, "console=hvc0", &shape, &plan, err, sizeof(err)) == 0)
		pvh_plan_free(&plan);
	pvh_kernel_free(&k);
	return 0;
}
