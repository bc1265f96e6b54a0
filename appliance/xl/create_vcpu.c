/*
 * create_vcpu.c - a new PVH domain's vCPU state, as libxenguest's
 * vcpu_hvm sets it (shared/notes/xl-pvh-4.17.md step 28): the domain's
 * own context is read for its HEADER and MTRR records, every vCPU gets
 * that MTRR record with the plan's default type, and vCPU 0 gets the
 * plan's CPU record.  The other vCPUs start when the guest sends them
 * INIT/SIPI.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "create.h"

/* The record with this code and instance in a context blob, or NULL. */
static const void *find_record(const uint8_t *blob, size_t size, uint16_t code, uint16_t instance,
			       uint32_t want_len)
{
	size_t off = 0;
	while (off + sizeof(struct hvm_save_descriptor) <= size) {
		struct hvm_save_descriptor d;
		memcpy(&d, blob + off, sizeof(d));
		off += sizeof(d);
		if (d.length > size - off)
			return NULL;
		if (d.typecode == code && d.instance == instance)
			return d.length == want_len ? blob + off : NULL;
		if (d.typecode == HVM_SAVE_CODE_END)
			return NULL;
		off += d.length;
	}
	return NULL;
}

static size_t put_record(uint8_t *out, uint16_t code, uint16_t instance, const void *body, uint32_t len)
{
	struct hvm_save_descriptor d = { code, instance, len };
	memcpy(out, &d, sizeof(d));
	if (len)
		memcpy(out + sizeof(d), body, len);
	return sizeof(d) + len;
}

/* HEADER + MTRR(v) + END for each vCPU (failures only warned about, as libxenguest). */
static void load_mtrrs(uint32_t domid, unsigned nr_vcpus, const struct hvm_save_header *hdr,
		       const struct hvm_hw_mtrr *mtrr0, uint64_t def_type)
{
	for (unsigned v = 0; v < nr_vcpus; v++) {
		uint8_t buf[3 * sizeof(struct hvm_save_descriptor) + sizeof(*hdr) + sizeof(*mtrr0)];
		struct hvm_hw_mtrr m = *mtrr0;
		m.msr_mtrr_def_type = def_type;
		size_t n = put_record(buf, HVM_SAVE_CODE_HEADER, 0, hdr, sizeof(*hdr));
		n += put_record(buf + n, HVM_SAVE_CODE_MTRR, (uint16_t)v, &m, sizeof(m));
		n += put_record(buf + n, HVM_SAVE_CODE_END, 0, NULL, 0);
		int rc = bx_sethvmcontext(&xl_bx, domid, buf, (uint32_t)n);
		if (rc)
			fprintf(stderr, "xl create: vCPU %u's MTRRs: %s\n", v, strerror(-rc));
	}
}

int xl_load_vcpu_state(uint32_t domid, unsigned nr_vcpus, const struct pvh_plan *plan)
{
	long size = bx_gethvmcontext(&xl_bx, domid, NULL, 0);
	uint8_t *blob = size > 0 ? malloc((size_t)size) : NULL;
	int rc = size <= 0 ? (int)(size ? size : -EINVAL) : blob ? 0 : -ENOMEM;
	if (!rc) {
		size = bx_gethvmcontext(&xl_bx, domid, blob, (uint32_t)size);
		rc = size < 0 ? (int)size : 0;
	}
	const struct hvm_save_header *hdr = rc ? NULL :
		find_record(blob, (size_t)size, HVM_SAVE_CODE_HEADER, 0, sizeof(*hdr));
	const struct hvm_hw_mtrr *mtrr = rc ? NULL :
		find_record(blob, (size_t)size, HVM_SAVE_CODE_MTRR, 0, sizeof(*mtrr));
	if (!rc && (!hdr || !mtrr))
		rc = -EINVAL; /* libxenguest gives up without them too */
	if (rc) {
		fprintf(stderr, "xl create: reading the domain's HVM context: %s\n", strerror(-rc));
		free(blob);
		return rc;
	}
	load_mtrrs(domid, nr_vcpus, hdr, mtrr, plan->mtrr_def_type);
	uint8_t cpu[PVH_CPU_CONTEXT_SIZE];
	size_t n = pvh_plan_cpu_context(plan, hdr, cpu);
	free(blob);
	rc = bx_sethvmcontext(&xl_bx, domid, cpu, (uint32_t)n);
	if (rc)
		fprintf(stderr, "xl create: setting vCPU 0's registers: %s\n", strerror(-rc));
	return rc;
}
