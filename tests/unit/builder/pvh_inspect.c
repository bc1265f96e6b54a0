/*
 * pvh_inspect: drives appliance/builder from the shell for the
 * test-pvh-build suite.
 *   pvh_inspect KERNEL [VMLINUX_OUT]    load KERNEL, print "format entry
 *                                       pstart pend", write the ELF it holds
 *   pvh_inspect --acpi DIR VCPUS        write the ACPI tables of a 256 MiB
 *                                       domain as DIR/<SIG>.dat
 *   pvh_inspect --plan KERNEL RAMDISK MIB VCPUS
 *                                       print the plan's regions, e820 and
 *                                       params, one per line
 * Exits 1 with the loader's message on stderr when it refuses.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "pvh_build.h"

static void *read_file(const char *path, size_t *len)
{
	FILE *f = fopen(path, "rb");
	void *buf = NULL;
	long size;

	if (!f || fseek(f, 0, SEEK_END) || (size = ftell(f)) < 0 || fseek(f, 0, SEEK_SET))
		goto out;
	buf = malloc(size ? (size_t)size : 1);
	if (buf && fread(buf, 1, (size_t)size, f) != (size_t)size) {
		free(buf);
		buf = NULL;
	}
	*len = (size_t)size;
out:
	if (f)
		fclose(f);
	return buf;
}

static int write_file(const char *path, const void *buf, size_t len)
{
	FILE *f = fopen(path, "wb");
	int ok = f && fwrite(buf, 1, len, f) == len;

	if (f && fclose(f))
		ok = 0;
	return ok ? 0 : -1;
}

static int inspect_kernel(const char *path, const char *out)
{
	size_t len;
	void *file = read_file(path, &len);
	struct pvh_kernel k;
	char err[256];

	if (!file) {
		fprintf(stderr, "%s: cannot read\n", path);
		return 1;
	}
	int rc = pvh_image_load(file, len, &k, err, sizeof(err));
	free(file);
	if (rc) {
		fprintf(stderr, "%s: %s\n", path, err);
		return 1;
	}
	printf("%s %#x %#llx %#llx features=%#x\n", k.format, k.phys_entry,
	       (unsigned long long)k.pstart, (unsigned long long)k.pend, k.features);
	if (out && write_file(out, k.vmlinux, k.vmlinux_len)) {
		fprintf(stderr, "%s: cannot write\n", out);
		rc = 1;
	}
	pvh_kernel_free(&k);
	return rc ? 1 : 0;
}

static uint32_t le32(const uint8_t *p)
{
	return (uint32_t)p[0] | p[1] << 8 | p[2] << 16 | (uint32_t)p[3] << 24;
}

/* Writes the table at gpa (inside the tables region) to DIR/NAME.dat. */
static const uint8_t *dump_table(const struct pvh_region *t, uint64_t gpa, const char *dir,
				 const char *name)
{
	char path[512];

	if (gpa < t->gpa || gpa + 36 > t->gpa + t->len)
		return NULL;
	const uint8_t *tab = t->bytes + (gpa - t->gpa);
	uint32_t len = le32(tab + 4);
	snprintf(path, sizeof(path), "%s/%s.dat", dir, name);
	if (len < 36 || gpa + len > t->gpa + t->len || write_file(path, tab, len))
		return NULL;
	return tab;
}

/* A minimal kernel stand-in: one page at 16 MiB; walks RSDP -> XSDT/RSDT. */
static int dump_acpi(const char *dir, unsigned vcpus)
{
	static uint8_t page[PVH_PAGE_SIZE];
	struct pvh_kernel k = { .image = page, .pstart = 0x1000000, .pend = 0x1001000,
				.phys_entry = 0x1000000, .features = 1u << 15, .is_linux = true };
	struct pvh_shape shape = { 256, vcpus, vcpus };
	struct pvh_plan plan;
	char err[256];

	if (pvh_plan(&k, NULL, 0, "console=hvc0", &shape, &plan, err, sizeof(err))) {
		fprintf(stderr, "plan: %s\n", err);
		return 1;
	}
	const struct pvh_region *t = pvh_plan_region(&plan, "acpi_tables");
	const struct pvh_region *r = pvh_plan_region(&plan, "rsdp");
	const uint8_t *xsdt = dump_table(t, le32(r->bytes + 24), dir, "XSDT");
	const uint8_t *rsdt = dump_table(t, le32(r->bytes + 16), dir, "RSDT");
	const uint8_t *fadt = xsdt ? dump_table(t, le32(xsdt + 36), dir, "FACP") : NULL;
	int rc = !r || !xsdt || !rsdt || !fadt ||
		 !dump_table(t, le32(xsdt + 44), dir, "APIC") ||
		 !dump_table(t, le32(rsdt + 36), dir, "FACP1") ||
		 !dump_table(t, le32(fadt + 40), dir, "DSDT");
	pvh_plan_free(&plan);
	if (rc)
		fprintf(stderr, "ACPI tables: a pointer leads outside the tables\n");
	return rc;
}

static void print_plan(const struct pvh_plan *p)
{
	for (unsigned i = 0; i < p->nr_regions; i++)
		printf("region %s %#llx %#llx %zu%s\n", p->regions[i].what,
		       (unsigned long long)p->regions[i].gpa, (unsigned long long)p->regions[i].size,
		       p->regions[i].len, p->regions[i].own_pages ? " own" : "");
	for (unsigned i = 0; i < p->nr_e820; i++)
		printf("e820 %#llx %#llx %u\n", (unsigned long long)p->e820[i].addr,
		       (unsigned long long)p->e820[i].size, p->e820[i].type);
	for (unsigned i = 0; i < p->nr_params; i++)
		printf("param %u %#llx\n", p->params[i].index, (unsigned long long)p->params[i].value);
	printf("cpu rip=%#llx rbx=%#llx\n", (unsigned long long)p->cpu.rip,
	       (unsigned long long)p->cpu.rbx);
}

static int plan_files(const char *kpath, const char *rdpath, unsigned mib, unsigned vcpus)
{
	size_t klen, rdlen;
	void *kfile = read_file(kpath, &klen), *rd = read_file(rdpath, &rdlen);
	struct pvh_kernel k;
	struct pvh_shape shape = { mib, vcpus, vcpus };
	struct pvh_plan p;
	char err[256];
	int rc = 1;

	if (!kfile || !rd)
		fprintf(stderr, "%s or %s: cannot read\n", kpath, rdpath);
	else if (pvh_image_load(kfile, klen, &k, err, sizeof(err)))
		fprintf(stderr, "%s: %s\n", kpath, err);
	else {
		if (pvh_plan(&k, rd, rdlen, "console=hvc0", &shape, &p, err, sizeof(err)) == 0) {
			print_plan(&p);
			pvh_plan_free(&p);
			rc = 0;
		} else {
			fprintf(stderr, "plan: %s\n", err);
		}
		pvh_kernel_free(&k);
	}
	free(kfile);
	free(rd);
	return rc;
}

int main(int argc, char **argv)
{
	if (argc == 6 && !strcmp(argv[1], "--plan"))
		return plan_files(argv[2], argv[3], (unsigned)atoi(argv[4]), (unsigned)atoi(argv[5]));
	if (argc == 4 && !strcmp(argv[1], "--acpi"))
		return dump_acpi(argv[2], (unsigned)atoi(argv[3]));
	if (argc == 2 || argc == 3)
		return inspect_kernel(argv[1], argc == 3 ? argv[2] : NULL);
	fprintf(stderr, "usage: pvh_inspect KERNEL [VMLINUX_OUT] | --acpi DIR VCPUS\n");
	return 2;
}
