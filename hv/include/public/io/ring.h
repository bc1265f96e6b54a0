/* Follows Xen's public header xen/include/public/io/ring.h (the shared page). */
/*
 * The shared ring of a split driver: one or more granted pages holding
 * the frontend's request producer index, its notify threshold for
 * requests (req_event), the backend's response producer index, its notify
 * threshold for responses (rsp_event), 48 bytes of padding, then the
 * entries; each entry is a union of the protocol's request and response,
 * so requests and responses share slots.  Indexes are free-running
 * 32-bit counters, masked by the entry count (a power of two that fits in
 * the pages after the header).  A side kicks the other only when the
 * other's event threshold lies in the range of indexes it just pushed.
 * Io/ring.h spells this with DEFINE_RING_TYPES; here the header is one
 * fixed struct and a protocol puts its entry array after it.
 */
#ifndef BASTION_PUBLIC_IO_RING_H
#define BASTION_PUBLIC_IO_RING_H

#include <stddef.h>
#include <stdint.h>

typedef uint32_t RING_IDX;

/* Follows Xen's io/ring.h struct NAME##_sring (the fields before ring[]). */
struct xen_sring_header {
	RING_IDX req_prod, req_event;
	RING_IDX rsp_prod, rsp_event;
	uint8_t pad[48];
};

_Static_assert(sizeof(struct xen_sring_header) == 64, "sring header size");
_Static_assert(offsetof(struct xen_sring_header, req_event) == 4, "req_event offset");
_Static_assert(offsetof(struct xen_sring_header, rsp_prod) == 8, "rsp_prod offset");
_Static_assert(offsetof(struct xen_sring_header, rsp_event) == 12, "rsp_event offset");

#endif
