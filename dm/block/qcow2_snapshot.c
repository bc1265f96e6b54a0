/*
 * qcow2 internal snapshots: the snapshot table is parsed (QEMU's
 * docs/interop/qcow2.txt, "Snapshots") so that each snapshot's L1 table is
 * known.  Snapshots are never created, applied or deleted here; their
 * clusters are protected by refcounts above 1 and the copy-on-write in
 * qcow2_cluster.c, and the check counts the references they make.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "qcow2.h"

#define QS_L1_OFFSET 0
#define QS_L1_SIZE 8
#define QS_ID_SIZE 12
#define QS_NAME_SIZE 14
#define QS_EXTRA_SIZE 36
#define QS_FIXED_LEN 40

static int bad(struct blk *b, struct blk_error *err, unsigned i, const char *why)
{
	blk_seterr(err, "%s: qcow2 snapshot %u: %s", b->path, i, why);
	return -EINVAL;
}

/* Parses one entry at table[*pos]; advances *pos past it. */
static int parse_entry(struct blk *b, const uint8_t *t, uint64_t len,
		       uint64_t *pos, unsigned i, uint64_t fsize,
		       struct blk_error *err)
{
	struct qcow2 *q = qcow2_of(b);

	if (len - *pos < QS_FIXED_LEN)
		return bad(b, err, i, "entry runs past the snapshot table");
	const uint8_t *e = t + *pos;
	uint64_t l1 = be64_at(e + QS_L1_OFFSET);
	uint32_t l1_size = be32_at(e + QS_L1_SIZE);
	uint64_t size = QS_FIXED_LEN + (uint64_t)be32_at(e + QS_EXTRA_SIZE) +
			be16_at(e + QS_ID_SIZE) + be16_at(e + QS_NAME_SIZE);
	if (size > len - *pos) /* the last entry's padding may be past EOF */
		return bad(b, err, i, "entry runs past the snapshot table");
	size = (size + 7) & ~7ull;
	if ((uint64_t)l1_size * 8 > QCOW2_MAX_L1_BYTES)
		return bad(b, err, i, "L1 table size is absurd");
	if (l1_size && ((l1 & (q->cluster_size - 1)) || l1 < q->cluster_size ||
			l1 > fsize || (uint64_t)l1_size * 8 > fsize - l1))
		return bad(b, err, i, "L1 table lies outside the file or is unaligned");
	q->snap_l1[i] = l1;
	q->snap_l1_size[i] = l1_size;
	*pos += size;
	return 0;
}

/* Loads the L1 locations of every snapshot; the table itself must lie in
 * the file.  Entries are variable-sized, so the table is read whole. */
int qcow2_snapshots_load(struct blk *b, uint64_t fsize, struct blk_error *err)
{
	struct qcow2 *q = qcow2_of(b);
	uint64_t off = q->snapshots_offset, len = fsize - off, pos = 0;
	int rc = 0;

	if (!q->nb_snapshots)
		return 0;
	if (len > (uint64_t)q->nb_snapshots * (QS_FIXED_LEN + 3 * 65536 + 8))
		len = (uint64_t)q->nb_snapshots * (QS_FIXED_LEN + 3 * 65536 + 8);
	if (len > (64u << 20))
		len = 64u << 20;
	uint8_t *t = malloc(len);
	q->snap_l1 = calloc(q->nb_snapshots, sizeof(*q->snap_l1));
	q->snap_l1_size = calloc(q->nb_snapshots, sizeof(*q->snap_l1_size));
	if (!t || !q->snap_l1 || !q->snap_l1_size) {
		blk_seterr(err, "%s: out of memory for the snapshot table", b->path);
		rc = -ENOMEM;
	} else if ((rc = file_pread(b->fd, off, t, len)) < 0) {
		blk_seterr(err, "%s: reading snapshot table: %s", b->path, strerror(-rc));
	}
	for (unsigned i = 0; rc == 0 && i < q->nb_snapshots; i++) {
		if (pos >= len) {
			rc = bad(b, err, i, "entry runs past the snapshot table");
			break;
		}
		rc = parse_entry(b, t, len, &pos, i, fsize, err);
	}
	q->snapshots_len = pos;
	free(t);
	return rc;
}
