/*
 * VHD images (qemu-img calls the format "vpc"), fixed and dynamic, as the
 * Microsoft "Virtual Hard Disk Image Format Specification" lays them out:
 * a 512-byte big-endian footer at the end of the file (copied to the start
 * of dynamic disks), then for dynamic disks a 1024-byte header, a block
 * allocation table (BAT) of 32-bit sector numbers, and blocks each made of
 * a sector bitmap followed by the data.  Differencing disks are refused.
 *
 * Virtual size: images whose creator is "vpc " or "qemu" are sized by their
 * CHS geometry, all others by the footer's current size, the rule qemu-img
 * applies, so both tools agree on the size of the same file.
 *
 * A new block is appended where the footer was; the footer is first
 * rewritten at the new end, then the block's bitmap overwrites the old
 * footer, then the BAT entry is set, so the file ends in a valid footer at
 * every step.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "block_int.h"

#define VHD_FOOTER_LEN 512
#define VHD_DYN_HDR_LEN 1024
#define VHD_TYPE_FIXED 2
#define VHD_TYPE_DYNAMIC 3
#define VHD_TYPE_DIFF 4
#define VHD_BAT_FREE 0xffffffffu
#define VHD_MAX_SECTORS (65535ull * 16 * 255)
#define VHD_MAX_SIZE (2040ull << 30)
#define VHD_MAX_BLOCK (256u << 20)
#define VHD_DEFAULT_BLOCK (2u << 20)

/* footer field offsets */
#define VF_DATA_OFFSET 16
#define VF_TIMESTAMP 24
#define VF_CREATOR_APP 28
#define VF_CREATOR_VER 32
#define VF_CREATOR_OS 36
#define VF_ORIG_SIZE 40
#define VF_CUR_SIZE 48
#define VF_CYLS 56
#define VF_HEADS 58
#define VF_SECS 59
#define VF_TYPE 60
#define VF_CHECKSUM 64
#define VF_UUID 68
/* dynamic header field offsets */
#define VD_TABLE_OFFSET 16
#define VD_VERSION 24
#define VD_MAX_ENTRIES 28
#define VD_BLOCK_SIZE 32
#define VD_CHECKSUM 36

struct vhd {
	uint32_t type;
	uint8_t footer[VHD_FOOTER_LEN];
	uint64_t bat_offset;
	uint32_t bat_entries;
	uint32_t *bat;        /* host-endian */
	uint32_t block_size;
	uint32_t bitmap_size; /* bytes, sector multiple */
	uint64_t footer_pos;  /* where the footer sits now */
};

static uint32_t vhd_checksum(const uint8_t *p, size_t len, size_t skip)
{
	uint32_t sum = 0;
	for (size_t i = 0; i < len; i++)
		if (i < skip || i >= skip + 4)
			sum += p[i];
	return ~sum;
}

static int vhd_probe(const uint8_t *head, const uint8_t *tail)
{
	return !memcmp(head, "conectix", 8) || !memcmp(tail, "conectix", 8) ? 100 : 0;
}

/* CHS geometry from the specification's appendix; sectors already capped. */
static void vhd_geometry(uint64_t sectors, unsigned *c, unsigned *h, unsigned *s)
{
	uint64_t cth;

	if (sectors >= 65535ull * 16 * 63) {
		*s = 255;
		*h = 16;
		cth = sectors / 255;
	} else {
		*s = 17;
		cth = sectors / 17;
		*h = (unsigned)((cth + 1023) / 1024);
		if (*h < 4)
			*h = 4;
		if (cth >= *h * 1024ull || *h > 16) {
			*s = 31;
			*h = 16;
			cth = sectors / 31;
		}
		if (cth >= *h * 1024ull) {
			*s = 63;
			*h = 16;
			cth = sectors / 63;
		}
	}
	*c = (unsigned)(cth / *h);
}

static uint64_t footer_size(const uint8_t *f)
{
	uint64_t chs = (uint64_t)be16_at(f + VF_CYLS) * f[VF_HEADS] * f[VF_SECS];
	bool by_chs = !memcmp(f + VF_CREATOR_APP, "vpc ", 4) ||
		      !memcmp(f + VF_CREATOR_APP, "qemu", 4);

	if (chs == VHD_MAX_SECTORS)
		by_chs = false;
	return by_chs ? chs * 512 : be64_at(f + VF_CUR_SIZE);
}

static int read_footer(struct blk *b, struct vhd *v, uint64_t fsize,
		       struct blk_error *err)
{
	int rc;

	if (fsize < VHD_FOOTER_LEN) {
		blk_seterr(err, "%s: VHD file too small for a footer", b->path);
		return -EINVAL;
	}
	v->footer_pos = fsize - VHD_FOOTER_LEN;
	if ((rc = file_pread(b->fd, v->footer_pos, v->footer, VHD_FOOTER_LEN)) < 0) {
		blk_seterr(err, "%s: reading VHD footer: %s", b->path, strerror(-rc));
		return rc;
	}
	if (memcmp(v->footer, "conectix", 8)) {
		blk_seterr(err, "%s: VHD footer missing at end of file (bad cookie)",
			   b->path);
		return -EINVAL;
	}
	if (vhd_checksum(v->footer, VHD_FOOTER_LEN, VF_CHECKSUM) !=
	    be32_at(v->footer + VF_CHECKSUM)) {
		blk_seterr(err, "%s: VHD footer checksum mismatch", b->path);
		return -EINVAL;
	}
	v->type = be32_at(v->footer + VF_TYPE);
	if (v->type == VHD_TYPE_DIFF) {
		blk_seterr(err, "%s: differencing VHD not supported", b->path);
		return -ENOTSUP;
	}
	if (v->type != VHD_TYPE_FIXED && v->type != VHD_TYPE_DYNAMIC) {
		blk_seterr(err, "%s: VHD disk type %u unknown", b->path, v->type);
		return -EINVAL;
	}
	b->size = footer_size(v->footer);
	if (b->size > VHD_MAX_SIZE || b->size % 512) {
		blk_seterr(err, "%s: VHD virtual size %llu is absurd (limit %llu,"
			   " sector multiple)", b->path, (unsigned long long)b->size,
			   (unsigned long long)VHD_MAX_SIZE);
		return -EFBIG;
	}
	if (v->type == VHD_TYPE_FIXED && b->size > v->footer_pos) {
		blk_seterr(err, "%s: fixed VHD of %llu bytes truncated (file %llu)",
			   b->path, (unsigned long long)b->size,
			   (unsigned long long)fsize);
		return -EINVAL;
	}
	return 0;
}

static int cmp_u32(const void *a, const void *b)
{
	uint32_t x = *(const uint32_t *)a, y = *(const uint32_t *)b;
	return x < y ? -1 : x > y;
}

/* Each allocated block lies between the BAT and the footer, apart. */
static int validate_bat(struct blk *b, struct vhd *v, uint64_t meta_end,
			struct blk_error *err)
{
	uint64_t span = (uint64_t)v->bitmap_size + v->block_size;
	uint32_t *sorted = malloc((size_t)v->bat_entries * 4 + 4), n = 0;

	if (!sorted) {
		blk_seterr(err, "%s: out of memory", b->path);
		return -ENOMEM;
	}
	for (uint32_t i = 0; i < v->bat_entries; i++) {
		uint64_t off = (uint64_t)v->bat[i] * 512;
		if (v->bat[i] == VHD_BAT_FREE)
			continue;
		if (off < meta_end || off + span > v->footer_pos) {
			blk_seterr(err, "%s: VHD BAT entry %u points to %#llx, outside"
				   " the data area %#llx..%#llx", b->path, i,
				   (unsigned long long)off, (unsigned long long)meta_end,
				   (unsigned long long)v->footer_pos);
			free(sorted);
			return -EINVAL;
		}
		sorted[n++] = v->bat[i];
	}
	qsort(sorted, n, 4, cmp_u32);
	for (uint32_t i = 1; i < n; i++) {
		if ((uint64_t)(sorted[i] - sorted[i - 1]) * 512 < span) {
			blk_seterr(err, "%s: VHD blocks at sectors %u and %u overlap",
				   b->path, sorted[i - 1], sorted[i]);
			free(sorted);
			return -EINVAL;
		}
	}
	free(sorted);
	return 0;
}

static int read_dyn_header(struct blk *b, struct vhd *v, uint8_t *h,
			   struct blk_error *err)
{
	uint64_t hoff = be64_at(v->footer + VF_DATA_OFFSET);
	int rc;

	if (hoff % 512 || hoff < VHD_FOOTER_LEN || hoff > v->footer_pos ||
	    v->footer_pos - hoff < VHD_DYN_HDR_LEN) {
		blk_seterr(err, "%s: VHD dynamic header offset %#llx outside the file",
			   b->path, (unsigned long long)hoff);
		return -EINVAL;
	}
	if ((rc = file_pread(b->fd, hoff, h, VHD_DYN_HDR_LEN)) < 0) {
		blk_seterr(err, "%s: reading VHD header: %s", b->path, strerror(-rc));
		return rc;
	}
	if (memcmp(h, "cxsparse", 8) ||
	    vhd_checksum(h, VHD_DYN_HDR_LEN, VD_CHECKSUM) != be32_at(h + VD_CHECKSUM)) {
		blk_seterr(err, "%s: VHD dynamic header bad cookie or checksum", b->path);
		return -EINVAL;
	}
	v->block_size = be32_at(h + VD_BLOCK_SIZE);
	v->bat_entries = be32_at(h + VD_MAX_ENTRIES);
	v->bat_offset = be64_at(h + VD_TABLE_OFFSET);
	if (v->block_size < 512 || v->block_size > VHD_MAX_BLOCK ||
	    (v->block_size & (v->block_size - 1))) {
		blk_seterr(err, "%s: VHD block size %u invalid", b->path, v->block_size);
		return -EINVAL;
	}
	uint64_t need = (b->size + v->block_size - 1) / v->block_size;
	if (v->bat_entries < need || v->bat_entries > need + 1024 ||
	    v->bat_offset % 512 || v->bat_offset < VHD_FOOTER_LEN ||
	    v->bat_offset > v->footer_pos ||
	    (uint64_t)v->bat_entries * 4 > v->footer_pos - v->bat_offset) {
		blk_seterr(err, "%s: VHD BAT (%u entries at %#llx) does not fit the"
			   " disk size or the file", b->path, v->bat_entries,
			   (unsigned long long)v->bat_offset);
		return -EINVAL;
	}
	v->bitmap_size = ((v->block_size / 512 + 7) / 8 + 511) & ~511u;
	return 0;
}

static int vhd_open_dynamic(struct blk *b, struct vhd *v, struct blk_error *err)
{
	uint8_t h[VHD_DYN_HDR_LEN];
	int rc = read_dyn_header(b, v, h, err);

	if (rc < 0)
		return rc;
	v->bat = malloc((size_t)v->bat_entries * 4 + 4);
	if (!v->bat) {
		blk_seterr(err, "%s: out of memory", b->path);
		return -ENOMEM;
	}
	if ((rc = file_pread(b->fd, v->bat_offset, v->bat, (size_t)v->bat_entries * 4)) < 0) {
		blk_seterr(err, "%s: reading VHD BAT: %s", b->path, strerror(-rc));
		return rc;
	}
	for (uint32_t i = 0; i < v->bat_entries; i++)
		v->bat[i] = be32_at((uint8_t *)&v->bat[i]);
	uint64_t hend = be64_at(v->footer + VF_DATA_OFFSET) + VHD_DYN_HDR_LEN;
	uint64_t bend = v->bat_offset + (uint64_t)v->bat_entries * 4;
	b->cluster_size = v->block_size;
	return validate_bat(b, v, hend > bend ? hend : bend, err);
}

static int vhd_open(struct blk *b, struct blk_error *err)
{
	struct vhd *v = calloc(1, sizeof(*v));
	uint64_t fsize;
	int rc;

	b->priv = v;
	if (!v) {
		blk_seterr(err, "%s: out of memory", b->path);
		return -ENOMEM;
	}
	if ((rc = file_size(b->fd, &fsize)) < 0) {
		blk_seterr(err, "%s: %s", b->path, strerror(-rc));
		return rc;
	}
	if ((rc = read_footer(b, v, fsize, err)) < 0)
		return rc;
	return v->type == VHD_TYPE_DYNAMIC ? vhd_open_dynamic(b, v, err) : 0;
}

static void vhd_close(struct blk *b)
{
	struct vhd *v = b->priv;

	if (!v)
		return;
	free(v->bat);
	free(v);
	b->priv = NULL;
}

/* Host offset of guest byte `off` in a dynamic disk, 0 if unallocated. */
static uint64_t block_host(const struct vhd *v, uint64_t off)
{
	uint32_t e = v->bat[off / v->block_size];
	if (e == VHD_BAT_FREE)
		return 0;
	return (uint64_t)e * 512 + v->bitmap_size + off % v->block_size;
}

static int vhd_read(struct blk *b, uint64_t off, void *buf, size_t len)
{
	struct vhd *v = b->priv;
	uint8_t *p = buf;

	if (v->type == VHD_TYPE_FIXED) {
		int rc = file_pread(b->fd, off, buf, len);
		return rc < 0 ? blk_fail(b, -rc, "read: %s", strerror(-rc)) : 0;
	}
	while (len) {
		size_t n = v->block_size - off % v->block_size;
		if (n > len)
			n = len;
		pthread_mutex_lock(&b->lock);
		uint64_t host = block_host(v, off);
		pthread_mutex_unlock(&b->lock);
		int rc = host ? file_pread(b->fd, host, p, n) : (memset(p, 0, n), 0);
		if (rc < 0)
			return blk_fail(b, -rc, "read at %#llx: %s",
					(unsigned long long)host, strerror(-rc));
		p += n;
		off += n;
		len -= n;
	}
	return 0;
}

/* Precondition: b->lock held.  Appends a zeroed block for `index`. */
static int alloc_block(struct blk *b, struct vhd *v, uint32_t index)
{
	uint64_t at = v->footer_pos;
	uint64_t new_footer = at + v->bitmap_size + v->block_size;
	uint8_t *bitmap = malloc(v->bitmap_size), be[4];
	int rc;

	if (!bitmap)
		return blk_fail(b, ENOMEM, "out of memory");
	if (new_footer / 512 > UINT32_MAX - 1) {
		free(bitmap);
		return blk_fail(b, EFBIG, "VHD file would outgrow 32-bit sector numbers");
	}
	memset(bitmap, 0xff, v->bitmap_size);
	put_be32(be, (uint32_t)(at / 512));
	if ((rc = file_pwrite(b->fd, new_footer, v->footer, VHD_FOOTER_LEN)) < 0 ||
	    (rc = file_pwrite(b->fd, at, bitmap, v->bitmap_size)) < 0 ||
	    (rc = file_pwrite(b->fd, v->bat_offset + (uint64_t)index * 4, be, 4)) < 0) {
		free(bitmap);
		return blk_fail(b, -rc, "allocating VHD block %u: %s", index, strerror(-rc));
	}
	free(bitmap);
	v->footer_pos = new_footer;
	v->bat[index] = (uint32_t)(at / 512);
	return 0;
}

static int vhd_write(struct blk *b, uint64_t off, const void *buf, size_t len)
{
	struct vhd *v = b->priv;
	const uint8_t *p = buf;
	int rc = 0;

	if (v->type == VHD_TYPE_FIXED) {
		rc = file_pwrite(b->fd, off, buf, len);
		return rc < 0 ? blk_fail(b, -rc, "write: %s", strerror(-rc)) : 0;
	}
	while (len) {
		size_t n = v->block_size - off % v->block_size;
		if (n > len)
			n = len;
		pthread_mutex_lock(&b->lock);
		uint32_t index = (uint32_t)(off / v->block_size);
		if (v->bat[index] == VHD_BAT_FREE)
			rc = alloc_block(b, v, index);
		uint64_t host = block_host(v, off);
		pthread_mutex_unlock(&b->lock);
		if (rc == 0 && (rc = file_pwrite(b->fd, host, p, n)) < 0)
			rc = blk_fail(b, -rc, "write at %#llx: %s",
				      (unsigned long long)host, strerror(-rc));
		if (rc < 0)
			return rc;
		p += n;
		off += n;
		len -= n;
	}
	return 0;
}

static int vhd_flush(struct blk *b)
{
	int rc = file_sync(b->fd);
	return rc < 0 ? blk_fail(b, -rc, "flush: %s", strerror(-rc)) : 0;
}

static int vhd_status(struct blk *b, uint64_t off, uint64_t len,
		      struct blk_extent *ext)
{
	struct vhd *v = b->priv;

	memset(ext, 0, sizeof(*ext));
	if (v->type == VHD_TYPE_FIXED) {
		ext->kind = BLK_EXTENT_DATA;
		ext->length = len;
		ext->host_offset = off;
		ext->has_host_offset = true;
		return 0;
	}
	pthread_mutex_lock(&b->lock);
	uint64_t host = block_host(v, off);
	uint64_t pos = off - off % v->block_size + v->block_size;
	ext->kind = host ? BLK_EXTENT_DATA : BLK_EXTENT_ZERO;
	ext->host_offset = host;
	ext->has_host_offset = host != 0;
	while (pos < off + len) {
		uint64_t h = block_host(v, pos);
		if ((h != 0) != (host != 0) || (host && h != host + (pos - off)))
			break;
		pos += v->block_size;
	}
	pthread_mutex_unlock(&b->lock);
	ext->length = (pos < off + len ? pos : off + len) - off;
	return 0;
}

static int vhd_check(struct blk *b, struct blk_check_result *res)
{
	struct vhd *v = b->priv;

	res->total_clusters = v->type == VHD_TYPE_DYNAMIC ? v->bat_entries : 0;
	for (uint32_t i = 0; v->bat && i < v->bat_entries; i++)
		if (v->bat[i] != VHD_BAT_FREE)
			res->allocated_clusters++;
	res->image_end_offset = v->footer_pos + VHD_FOOTER_LEN;
	return 0; /* every structural rule was enforced when opening */
}

/* Rounds the size up to a CHS geometry, as qemu-img does, so the disk
 * keeps its size under either sizing rule. */
static int create_footer(uint8_t *f, uint64_t size, uint32_t type, uint64_t *total)
{
	uint64_t sectors = size / 512;
	unsigned c = 0, h = 0, s = 0;

	if (sectors > VHD_MAX_SECTORS)
		sectors = VHD_MAX_SECTORS;
	for (uint64_t i = 0; sectors > (uint64_t)c * h * s; i++)
		vhd_geometry(sectors + i, &c, &h, &s);
	*total = (uint64_t)c * h * s;
	if (*total == VHD_MAX_SECTORS)
		*total = size / 512;
	if (*total * 512 > VHD_MAX_SIZE)
		return -EFBIG;
	memset(f, 0, VHD_FOOTER_LEN);
	memcpy(f, "conectix", 8);
	put_be32(f + 8, 2);
	put_be32(f + 12, 0x00010000);
	put_be64(f + VF_DATA_OFFSET, type == VHD_TYPE_FIXED ? UINT64_MAX : VHD_FOOTER_LEN);
	put_be32(f + VF_TIMESTAMP, (uint32_t)(time(NULL) - 946684800));
	memcpy(f + VF_CREATOR_APP, "bstn", 4);
	put_be32(f + VF_CREATOR_VER, 0x00010000);
	memcpy(f + VF_CREATOR_OS, "Lnux", 4);
	put_be64(f + VF_ORIG_SIZE, *total * 512);
	put_be64(f + VF_CUR_SIZE, *total * 512);
	put_be16(f + VF_CYLS, (uint16_t)c);
	f[VF_HEADS] = (uint8_t)h;
	f[VF_SECS] = (uint8_t)s;
	put_be32(f + VF_TYPE, type);
	for (int i = 0; i < 16; i++)
		f[VF_UUID + i] = (uint8_t)rand();
	put_be32(f + VF_CHECKSUM, vhd_checksum(f, VHD_FOOTER_LEN, VF_CHECKSUM));
	return 0;
}

static int write_dynamic(int fd, const uint8_t *f, uint64_t total)
{
	uint32_t entries = (uint32_t)((total * 512 + VHD_DEFAULT_BLOCK - 1) / VHD_DEFAULT_BLOCK);
	uint64_t bat_len = ((uint64_t)entries * 4 + 511) & ~511ull;
	uint8_t h[VHD_DYN_HDR_LEN] = { 0 };
	uint8_t *bat = malloc(bat_len);
	int rc;

	if (!bat)
		return -ENOMEM;
	memset(bat, 0xff, bat_len);
	memcpy(h, "cxsparse", 8);
	put_be64(h + 8, UINT64_MAX);
	put_be64(h + VD_TABLE_OFFSET, VHD_FOOTER_LEN + VHD_DYN_HDR_LEN);
	put_be32(h + VD_VERSION, 0x00010000);
	put_be32(h + VD_MAX_ENTRIES, entries);
	put_be32(h + VD_BLOCK_SIZE, VHD_DEFAULT_BLOCK);
	put_be32(h + VD_CHECKSUM, vhd_checksum(h, VHD_DYN_HDR_LEN, VD_CHECKSUM));
	uint64_t bat_off = VHD_FOOTER_LEN + VHD_DYN_HDR_LEN;
	if ((rc = file_pwrite(fd, 0, f, VHD_FOOTER_LEN)) == 0 &&
	    (rc = file_pwrite(fd, VHD_FOOTER_LEN, h, sizeof(h))) == 0 &&
	    (rc = file_pwrite(fd, bat_off, bat, bat_len)) == 0)
		rc = file_pwrite(fd, bat_off + bat_len, f, VHD_FOOTER_LEN);
	free(bat);
	return rc;
}

static int vhd_create(const char *path, const struct blk_create_opts *o,
		      struct blk_error *err)
{
	uint32_t type = o->vhd_fixed ? VHD_TYPE_FIXED : VHD_TYPE_DYNAMIC;
	uint8_t f[VHD_FOOTER_LEN];
	uint64_t total;
	int rc;

	if (create_footer(f, o->size, type, &total) < 0) {
		blk_seterr(err, "%s: VHD size %llu too large (at most 2040 GiB)", path,
			   (unsigned long long)o->size);
		return -EFBIG;
	}
	int fd = open(path, O_RDWR | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
	if (fd < 0) {
		blk_seterr(err, "%s: cannot create: %s", path, strerror(errno));
		return -errno;
	}
	if (type == VHD_TYPE_FIXED)
		rc = ftruncate(fd, (off_t)(total * 512)) < 0 ? -errno :
		     file_pwrite(fd, total * 512, f, VHD_FOOTER_LEN);
	else
		rc = write_dynamic(fd, f, total);
	if (rc == 0)
		rc = file_sync(fd);
	if (rc < 0)
		blk_seterr(err, "%s: writing: %s", path, strerror(-rc));
	close(fd);
	return rc;
}

const struct blk_driver blk_vhd_driver = {
	.name = "vpc",
	.alias = "vhd",
	.probe = vhd_probe,
	.open = vhd_open,
	.close = vhd_close,
	.read = vhd_read,
	.write = vhd_write,
	.flush = vhd_flush,
	.status = vhd_status,
	.check = vhd_check,
	.create = vhd_create,
};
