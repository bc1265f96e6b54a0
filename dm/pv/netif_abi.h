/*
 * The network rings' wire format (Xen's public io/netif.h, io/ring.h):
 * one tx ring and one rx ring, each a single shared page with the four
 * io/ring.h indexes in a 64-byte header, then 12-byte tx or 8-byte rx
 * slots.  Extra-info slots overlay a request or response slot.  Sizes and
 * offsets are pinned by the static asserts at the end.
 */
#ifndef BASTION_PV_NETIF_ABI_H
#define BASTION_PV_NETIF_ABI_H

#include <stddef.h>
#include <stdint.h>

#define NETIF_PAGE_SIZE 4096u
/* The most slots one packet may take, extras excluded
 * (XEN_NETIF_NR_SLOTS_MIN: what every backend must accept). */
#define NETIF_NR_SLOTS_MIN 18u
#define NETIF_MAX_TX_SIZE 0xffffu

/* netif_tx_request.flags */
#define NETTXF_csum_blank     (1u << 0)
#define NETTXF_data_validated (1u << 1)
#define NETTXF_more_data      (1u << 2)
#define NETTXF_extra_info     (1u << 3)

/* netif_rx_response.flags */
#define NETRXF_data_validated (1u << 0)
#define NETRXF_csum_blank     (1u << 1)
#define NETRXF_more_data      (1u << 2)
#define NETRXF_extra_info     (1u << 3)

#define NETIF_EXTRA_TYPE_NONE      0
#define NETIF_EXTRA_TYPE_GSO       1
#define NETIF_EXTRA_TYPE_MCAST_ADD 2
#define NETIF_EXTRA_TYPE_MCAST_DEL 3
#define NETIF_EXTRA_TYPE_HASH      4
#define NETIF_EXTRA_TYPE_MAX       5
#define NETIF_EXTRA_FLAG_MORE      (1u << 0)
/* A GSO extra's data: size (le16), type, pad, features (le16). */
#define NETIF_GSO_TYPE_NONE  0
#define NETIF_GSO_TYPE_TCPV4 1
#define NETIF_GSO_TYPE_TCPV6 2

#define NETIF_RSP_DROPPED (-2)
#define NETIF_RSP_ERROR   (-1)
#define NETIF_RSP_OKAY      0
#define NETIF_RSP_NULL      1 /* the response to an extra-info slot */

struct netif_tx_request {
	uint32_t gref;
	uint16_t offset;
	uint16_t flags;
	uint16_t id;
	uint16_t size; /* first slot: the whole packet; others: this slot */
};

/* An extra-info slot; the union is GSO, multicast or hash data. */
struct netif_extra_info {
	uint8_t type;
	uint8_t flags;
	uint8_t data[6];
};

struct netif_tx_response {
	uint16_t id;
	int16_t status;
};

struct netif_rx_request {
	uint16_t id;
	uint16_t pad;
	uint32_t gref;
};

struct netif_rx_response {
	uint16_t id;
	uint16_t offset;
	uint16_t flags;
	int16_t status; /* > 0: bytes received; < 0: NETIF_RSP_* */
};

union netif_tx_slot {
	struct netif_tx_request req;
	struct netif_extra_info extra;
	struct netif_tx_response rsp;
};

union netif_rx_slot {
	struct netif_rx_request req;
	struct netif_rx_response rsp;
};

/* io/ring.h's shared page. */
struct netif_tx_sring {
	uint32_t req_prod, req_event;
	uint32_t rsp_prod, rsp_event;
	uint8_t pad[48];
	union netif_tx_slot ring[];
};

struct netif_rx_sring {
	uint32_t req_prod, req_event;
	uint32_t rsp_prod, rsp_event;
	uint8_t pad[48];
	union netif_rx_slot ring[];
};

/* Both rings of a one-page sring hold 256 slots (io/ring.h rounds the
 * (4096 - 64) / slot size down to a power of two). */
#define NETIF_TX_RING_SIZE 256u
#define NETIF_RX_RING_SIZE 256u

_Static_assert(sizeof(struct netif_tx_request) == 12, "netif_tx_request");
_Static_assert(offsetof(struct netif_tx_request, size) == 10, "netif_tx_request.size");
_Static_assert(sizeof(struct netif_extra_info) == 8, "netif_extra_info");
_Static_assert(sizeof(struct netif_tx_response) == 4, "netif_tx_response");
_Static_assert(sizeof(struct netif_rx_request) == 8, "netif_rx_request");
_Static_assert(offsetof(struct netif_rx_request, gref) == 4, "netif_rx_request.gref");
_Static_assert(sizeof(struct netif_rx_response) == 8, "netif_rx_response");
_Static_assert(offsetof(struct netif_rx_response, status) == 6, "netif_rx_response.status");
_Static_assert(sizeof(union netif_tx_slot) == 12, "tx slot");
_Static_assert(sizeof(union netif_rx_slot) == 8, "rx slot");
_Static_assert(offsetof(struct netif_tx_sring, ring) == 64, "tx sring header");
_Static_assert(offsetof(struct netif_rx_sring, ring) == 64, "rx sring header");
_Static_assert(64 + NETIF_TX_RING_SIZE * 12 <= NETIF_PAGE_SIZE &&
	       64 + 2 * NETIF_TX_RING_SIZE * 12 > NETIF_PAGE_SIZE, "tx ring size");
_Static_assert(64 + NETIF_RX_RING_SIZE * 8 <= NETIF_PAGE_SIZE &&
	       64 + 2 * NETIF_RX_RING_SIZE * 8 > NETIF_PAGE_SIZE, "rx ring size");

#endif
