/*
 * xs_wire.h - the xenstore wire protocol: the message header every client
 * (Unix-socket tool or guest kernel) sends to xenstored, the request and
 * reply types, the error names carried in XS_ERROR replies, and the shared
 * ring page a domain uses to reach xenstored.  Numbers and layouts follow
 * Xen's public header io/xs_wire.h (Xen 4.17, including the ring "error"
 * field and the EPERM error); the protocol rules are in Xen's
 * docs/misc/xenstore.txt and docs/misc/xenstore-ring.txt.
 */
#ifndef BASTION_PUBLIC_IO_XS_WIRE_H
#define BASTION_PUBLIC_IO_XS_WIRE_H

#include <stddef.h>
#include <stdint.h>

/* Request / reply types; values are fixed by Xen's io/xs_wire.h. */
enum xsd_sockmsg_type {
	XS_CONTROL = 0,
	XS_DIRECTORY = 1,
	XS_READ = 2,
	XS_GET_PERMS = 3,
	XS_WATCH = 4,
	XS_UNWATCH = 5,
	XS_TRANSACTION_START = 6,
	XS_TRANSACTION_END = 7,
	XS_INTRODUCE = 8,
	XS_RELEASE = 9,
	XS_GET_DOMAIN_PATH = 10,
	XS_WRITE = 11,
	XS_MKDIR = 12,
	XS_RM = 13,
	XS_SET_PERMS = 14,
	XS_WATCH_EVENT = 15,
	XS_ERROR = 16,
	XS_IS_DOMAIN_INTRODUCED = 17,
	XS_RESUME = 18,
	XS_SET_TARGET = 19,
	/* 20 was XS_RESTRICT, withdrawn; the number stays reserved. */
	XS_RESET_WATCHES = 21,
	XS_DIRECTORY_PART = 22,
	XS_TYPE_COUNT = 23,
	XS_INVALID = 0xffff
};
#define XS_DEBUG XS_CONTROL

/* Optional write-mode words of the historical protocol. */
#define XS_WRITE_NONE "NONE"
#define XS_WRITE_CREATE "CREATE"
#define XS_WRITE_CREATE_EXCL "CREATE|EXCL"

/*
 * Errors travel as their errno names ("ENOENT") in an XS_ERROR reply.
 * The table order is part of the ABI: EINVAL first, new names appended.
 */
struct xsd_errors {
	int errnum;
	const char *errstring;
};
#ifdef EINVAL
#define XSD_ERROR(x) { x, #x }
static const struct xsd_errors xsd_errors[] __attribute__((unused)) = {
	XSD_ERROR(EINVAL), XSD_ERROR(EACCES), XSD_ERROR(EEXIST),
	XSD_ERROR(EISDIR), XSD_ERROR(ENOENT), XSD_ERROR(ENOMEM),
	XSD_ERROR(ENOSPC), XSD_ERROR(EIO), XSD_ERROR(ENOTEMPTY),
	XSD_ERROR(ENOSYS), XSD_ERROR(EROFS), XSD_ERROR(EBUSY),
	XSD_ERROR(EAGAIN), XSD_ERROR(EISCONN), XSD_ERROR(E2BIG),
	XSD_ERROR(EPERM),
};
#endif

/* Header of every message; followed by len bytes of payload. */
/* Layout: Xen io/xs_wire.h struct xsd_sockmsg. */
struct xsd_sockmsg {
	uint32_t type;   /* enum xsd_sockmsg_type */
	uint32_t req_id; /* chosen by the client, echoed in the reply */
	uint32_t tx_id;  /* transaction id, 0 outside a transaction */
	uint32_t len;    /* payload bytes after the header */
};
_Static_assert(sizeof(struct xsd_sockmsg) == 16, "xsd_sockmsg size");
_Static_assert(offsetof(struct xsd_sockmsg, req_id) == 4, "req_id offset");
_Static_assert(offsetof(struct xsd_sockmsg, tx_id) == 8, "tx_id offset");
_Static_assert(offsetof(struct xsd_sockmsg, len) == 12, "len offset");

/* Field order of an XS_WATCH_EVENT payload: path, then token. */
enum xs_watch_type {
	XS_WATCH_PATH = 0,
	XS_WATCH_TOKEN
};

/* The per-domain shared page: two byte rings with free-running indexes. */
#define XENSTORE_RING_SIZE 1024
typedef uint32_t XENSTORE_RING_IDX;
#define MASK_XENSTORE_IDX(idx) ((idx) & (XENSTORE_RING_SIZE - 1))

/* Layout: Xen io/xs_wire.h struct xenstore_domain_interface. */
struct xenstore_domain_interface {
	char req[XENSTORE_RING_SIZE]; /* guest -> xenstored */
	char rsp[XENSTORE_RING_SIZE]; /* xenstored -> guest (replies, events) */
	XENSTORE_RING_IDX req_cons, req_prod;
	XENSTORE_RING_IDX rsp_cons, rsp_prod;
	uint32_t server_features; /* XENSTORE_SERVER_FEATURE_* the server offers */
	uint32_t connection;      /* XENSTORE_CONNECTED / XENSTORE_RECONNECT */
	uint32_t error;           /* XENSTORE_ERROR_*, set by the server */
};
_Static_assert(offsetof(struct xenstore_domain_interface, rsp) == 1024, "rsp");
_Static_assert(offsetof(struct xenstore_domain_interface, req_cons) == 2048,
	       "req_cons");
_Static_assert(offsetof(struct xenstore_domain_interface, req_prod) == 2052,
	       "req_prod");
_Static_assert(offsetof(struct xenstore_domain_interface, rsp_cons) == 2056,
	       "rsp_cons");
_Static_assert(offsetof(struct xenstore_domain_interface, rsp_prod) == 2060,
	       "rsp_prod");
_Static_assert(offsetof(struct xenstore_domain_interface, server_features) ==
		       2064, "server_features");
_Static_assert(offsetof(struct xenstore_domain_interface, connection) == 2068,
	       "connection");
_Static_assert(offsetof(struct xenstore_domain_interface, error) == 2072,
	       "error");
_Static_assert(sizeof(struct xenstore_domain_interface) == 2076, "size");

/* Largest payload of one message; exceeding it is a protocol violation. */
#define XENSTORE_PAYLOAD_MAX 4096

/* Path length limits; exceeding them earns an error reply. */
#define XENSTORE_ABS_PATH_MAX 3072
#define XENSTORE_REL_PATH_MAX 2048

/* server_features bits. */
#define XENSTORE_SERVER_FEATURE_RECONNECTION 1
#define XENSTORE_SERVER_FEATURE_ERROR 2

/* Values of the connection field. */
#define XENSTORE_CONNECTED 0
#define XENSTORE_RECONNECT 1

/* Values of the error field. */
#define XENSTORE_ERROR_NONE 0
#define XENSTORE_ERROR_COMM 1    /* generic communication error */
#define XENSTORE_ERROR_RINGIDX 2 /* ring indexes are inconsistent */
#define XENSTORE_ERROR_PROTO 3   /* protocol violation (e.g. oversized msg) */

#endif /* BASTION_PUBLIC_IO_XS_WIRE_H */
