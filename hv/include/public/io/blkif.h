/* Follows Xen's public header xen/include/public/io/blkif.h. */
/*
 * The PV block ring's wire format as a 64-bit (x86_64-abi) frontend
 * writes it: requests (read/write with up to 11 inline segments, discard,
 * indirect with the segment descriptors in up to 8 granted pages),
 * responses, and the VDISK_* info flags.  The ring page itself is
 * io/ring.h's.  Sizes and offsets are pinned by the static asserts at the
 * end; 32-bit frontends (x86_32-abi) lay requests out differently (no
 * padding before id) and are not described here.  Every sector number and
 * first_sect/last_sect counts 512-byte units, whatever the disk's own
 * sector size.
 */
#ifndef BASTION_PUBLIC_IO_BLKIF_H
#define BASTION_PUBLIC_IO_BLKIF_H

#include <stddef.h>
#include <stdint.h>

#include "ring.h"

#define BLKIF_OP_READ            0
#define BLKIF_OP_WRITE           1
#define BLKIF_OP_WRITE_BARRIER   2 /* with feature-barrier */
#define BLKIF_OP_FLUSH_DISKCACHE 3 /* with feature-flush-cache */
#define BLKIF_OP_RESERVED_1      4
#define BLKIF_OP_DISCARD         5 /* with feature-discard */
#define BLKIF_OP_INDIRECT        6 /* with feature-max-indirect-segments */
#define BLKIF_OP_COUNT           7 /* (ours) operations 0..6 */

#define BLKIF_RSP_EOPNOTSUPP (-2)
#define BLKIF_RSP_ERROR      (-1)
#define BLKIF_RSP_OKAY         0

#define BLKIF_MAX_SEGMENTS_PER_REQUEST       11
#define BLKIF_MAX_INDIRECT_PAGES_PER_REQUEST 8
#define BLKIF_DISCARD_SECURE                 0x1 /* discard request flag */

#define BLKIF_SECTOR_SIZE 512u  /* ring units are always 512 bytes */
#define BLKIF_PAGE_SIZE   4096u
#define BLKIF_SECTORS_PER_PAGE (BLKIF_PAGE_SIZE / BLKIF_SECTOR_SIZE)

#define VDISK_CDROM     0x1
#define VDISK_REMOVABLE 0x2
#define VDISK_READONLY  0x4

/* Follows Xen's io/blkif.h struct blkif_request_segment. */
/* One page (or part of one) of a read or write: sectors first..last. */
struct blkif_segment {
	uint32_t gref;
	uint8_t first_sect, last_sect;
};

#define BLKIF_SEGMENTS_PER_INDIRECT_PAGE \
	(BLKIF_PAGE_SIZE / sizeof(struct blkif_segment))

/* Follows Xen's io/blkif.h struct blkif_request. */
struct blkif_request_rw {
	uint8_t operation;
	uint8_t nr_segments;
	uint16_t handle;
	uint64_t id;
	uint64_t sector_number;
	struct blkif_segment seg[BLKIF_MAX_SEGMENTS_PER_REQUEST];
};

/* Follows Xen's io/blkif.h struct blkif_request_discard. */
struct blkif_request_discard {
	uint8_t operation;
	uint8_t flag; /* BLKIF_DISCARD_SECURE */
	uint16_t handle;
	uint64_t id;
	uint64_t sector_number;
	uint64_t nr_sectors;
};

/* Follows Xen's io/blkif.h struct blkif_request_indirect. */
struct blkif_request_indirect {
	uint8_t operation;   /* BLKIF_OP_INDIRECT */
	uint8_t indirect_op; /* BLKIF_OP_READ or BLKIF_OP_WRITE */
	uint16_t nr_segments;
	uint64_t id;
	uint64_t sector_number;
	uint16_t handle;
	uint32_t indirect_grefs[BLKIF_MAX_INDIRECT_PAGES_PER_REQUEST];
};

/* Follows Xen's io/blkif.h struct blkif_response. */
struct blkif_response {
	uint64_t id;
	uint8_t operation;
	int16_t status;
};

/* Follows Xen's io/blkif.h union blkif_sring_entry (DEFINE_RING_TYPES). */
union blkif_ring_entry {
	struct blkif_request_rw rw;
	struct blkif_request_discard discard;
	struct blkif_request_indirect indirect;
	struct blkif_response rsp;
};

/* Follows Xen's io/blkif.h struct blkif_sring (DEFINE_RING_TYPES): the
 * header of io/ring.h's shared page (struct xen_sring_header), then the
 * entries. */
struct blkif_sring {
	RING_IDX req_prod, req_event;
	RING_IDX rsp_prod, rsp_event;
	uint8_t pad[48];
	union blkif_ring_entry ring[];
};

_Static_assert(sizeof(struct blkif_segment) == 8, "blkif segment");
_Static_assert(sizeof(struct blkif_request_rw) == 112, "blkif_request");
_Static_assert(offsetof(struct blkif_request_rw, seg) == 24, "blkif_request.seg");
_Static_assert(sizeof(struct blkif_request_discard) == 32, "blkif_request_discard");
_Static_assert(sizeof(struct blkif_request_indirect) == 64, "blkif_request_indirect");
_Static_assert(offsetof(struct blkif_request_indirect, indirect_grefs) == 28,
	       "blkif_request_indirect.indirect_grefs");
_Static_assert(sizeof(struct blkif_response) == 16, "blkif_response");
_Static_assert(offsetof(struct blkif_response, status) == 10, "blkif_response.status");
_Static_assert(sizeof(union blkif_ring_entry) == 112, "blkif ring entry");
_Static_assert(offsetof(struct blkif_sring, ring) == 64, "sring header");

_Static_assert(offsetof(struct blkif_sring, rsp_prod) ==
	       offsetof(struct xen_sring_header, rsp_prod), "sring rsp_prod");
_Static_assert(offsetof(struct blkif_sring, rsp_event) ==
	       offsetof(struct xen_sring_header, rsp_event), "sring rsp_event");
_Static_assert(offsetof(struct blkif_sring, ring) == sizeof(struct xen_sring_header),
	       "sring entries after the io/ring.h header");
#endif
