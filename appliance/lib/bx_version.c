/*
 * bx_version.c - xen_version (hypercall 17, public/version.h): the
 * hypervisor's version, strings and page size.  Sub-ops that fill a buffer
 * get a hypercall buffer of the sub-op's own size; strings come back
 * NUL-terminated within their fixed arrays.
 */
#include <errno.h>
#include <string.h>

#include "bx.h"

long bx_xen_version(struct bx *bx, int cmd, void *arg, size_t size)
{
	void *buf = NULL;
	long rc;

	if (arg && !(buf = bx_hbuf_dup(bx, arg, size)))
		return -ENOMEM;
	rc = bx_hypercall(bx, __HYPERVISOR_xen_version, (uint64_t)cmd,
			  (uintptr_t)buf, 0, 0, 0);
	if (arg) {
		memcpy(arg, buf, size);
		bx_hbuf_free(bx, buf, size);
	}
	return rc;
}

/* A string sub-op: the array zeroed, filled, and its last byte NUL. */
static int version_string(struct bx *bx, int cmd, char *out, size_t size)
{
	long rc;

	memset(out, 0, size);
	rc = bx_xen_version(bx, cmd, out, size);
	out[size - 1] = '\0';
	return rc < 0 ? (int)rc : 0;
}

long bx_version(struct bx *bx)
{
	return bx_xen_version(bx, XENVER_version, NULL, 0);
}

int bx_extraversion(struct bx *bx, xen_extraversion_t out)
{
	return version_string(bx, XENVER_extraversion, out, sizeof(xen_extraversion_t));
}

int bx_capabilities(struct bx *bx, xen_capabilities_info_t out)
{
	return version_string(bx, XENVER_capabilities, out, sizeof(xen_capabilities_info_t));
}

int bx_changeset(struct bx *bx, xen_changeset_info_t out)
{
	return version_string(bx, XENVER_changeset, out, sizeof(xen_changeset_info_t));
}

int bx_commandline(struct bx *bx, xen_commandline_t out)
{
	return version_string(bx, XENVER_commandline, out, sizeof(xen_commandline_t));
}

int bx_compile_info(struct bx *bx, struct xen_compile_info *out)
{
	long rc;

	memset(out, 0, sizeof(*out));
	rc = bx_xen_version(bx, XENVER_compile_info, out, sizeof(*out));
	out->compiler[sizeof(out->compiler) - 1] = '\0';
	out->compile_by[sizeof(out->compile_by) - 1] = '\0';
	out->compile_domain[sizeof(out->compile_domain) - 1] = '\0';
	out->compile_date[sizeof(out->compile_date) - 1] = '\0';
	return rc < 0 ? (int)rc : 0;
}

int bx_platform_parameters(struct bx *bx, struct xen_platform_parameters *out)
{
	long rc;

	memset(out, 0, sizeof(*out));
	rc = bx_xen_version(bx, XENVER_platform_parameters, out, sizeof(*out));
	return rc < 0 ? (int)rc : 0;
}

long bx_pagesize(struct bx *bx)
{
	return bx_xen_version(bx, XENVER_pagesize, NULL, 0);
}

long bx_build_id(struct bx *bx, unsigned char *id, uint32_t size)
{
	struct xen_build_id *b;
	size_t total = sizeof(*b) + size;
	long rc;

	if (!(b = bx_hbuf_alloc(bx, total)))
		return -ENOMEM;
	b->len = size;
	rc = bx_hypercall(bx, __HYPERVISOR_xen_version, XENVER_build_id,
			  (uintptr_t)b, 0, 0, 0);
	if (rc > 0)
		memcpy(id, b->buf, (size_t)rc < size ? (size_t)rc : size);
	bx_hbuf_free(bx, b, total);
	return rc;
}
