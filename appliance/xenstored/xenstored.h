/*
 * xenstored.h - the daemon's shared model: nodes and their permissions,
 * the store with its transactions, connections (whatever transport carries
 * them), watches, domains and quotas.  The rules modelled here are those of
 * Xen's docs/misc/xenstore.txt; wire numbers come from public/io/xs_wire.h.
 * Each group of declarations below is implemented by the file named above it.
 */
#ifndef XENSTORED_H
#define XENSTORED_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "public/io/xs_wire.h"
#include "xs_hash.h"

#define XS_PERM_NONE 0u
#define XS_PERM_READ 1u
#define XS_PERM_WRITE 2u
#define XS_PERM_BOTH 3u
#define XS_DOMID_LIMIT 0x7FF0u /* DOMID_FIRST_RESERVED in Xen's xen.h */

struct xs_daemon;
struct xs_conn;

/* ---- xs_perms.c: permission lists "<n|r|w|b><domid>" ---- */
struct xs_perm {
	uint32_t domid;
	uint32_t access; /* XS_PERM_* */
};
struct xs_perms {
	struct xs_perm *p; /* p[0]: owner, and the access of everyone unlisted */
	uint32_t n;
};
/* Parses n NUL-terminated perm strings; 0 or EINVAL / ENOMEM. */
int xs_perms_parse(const char *strings, size_t len, struct xs_perms *out);
/* Appends "b0\0r1\0..." to buf (cap bytes); returns bytes used or -1. */
int xs_perms_format(const struct xs_perms *perms, char *buf, size_t cap);
int xs_perms_copy(struct xs_perms *dst, const struct xs_perms *src);
void xs_perms_free(struct xs_perms *perms);
/* Strikes domid from a list as Xen does for a released domain: as owner
 * it becomes dom0, other entries naming it go. */
void xs_perms_drop_domain(struct xs_perms *perms, uint32_t domid);
/* Access (XS_PERM_*) that conn has on a node carrying perms. */
uint32_t xs_perms_access(const struct xs_conn *conn,
			 const struct xs_perms *perms);

/* ---- xs_path.c: node names ---- */
/* Turns a request path into an absolute one in buf (relative paths are
 * under /local/domain/<domid>); checks characters and limits.
 * Returns 0, or EINVAL. */
int xs_path_canonical(const struct xs_conn *conn, const char *path,
		      bool allow_special, char *buf, size_t cap);
bool xs_path_is_special(const char *path);
/* True if child equals parent or lies below it. */
bool xs_path_is_under(const char *child, const char *parent);
/* Length of the parent's name ("/a/b" -> 2, "/a" -> 1). */
size_t xs_path_parent_len(const char *path);
const char *xs_path_basename(const char *path);
/* The name to report to conn: relative if the watch was relative. */
const char *xs_path_for_conn(const struct xs_conn *conn, const char *path);

/* ---- xs_store.c: nodes, the committed tree, views through a txn ---- */
struct xs_node {
	char *path;
	char *data;
	uint32_t datalen;
	struct xs_perms perms;
	char **children; /* names, in creation order */
	uint32_t nchildren, capchildren;
	uint64_t gen; /* generation of the last change */
};

struct xs_store {
	struct xs_hash *nodes; /* path -> struct xs_node */
	uint64_t gen;
	uint32_t owned[XS_DOMID_LIMIT]; /* nodes owned per domain */
};

struct xs_change {
	char *path;
	struct xs_perms perms; /* perms of the node (old ones if removed) */
	bool removed;
};

struct xs_txn {
	uint32_t id;
	struct xs_hash *overlay; /* path -> xs_node, or XS_TOMBSTONE */
	struct xs_hash *readset; /* path -> (void *)(gen + 1); gen 0: absent */
	struct xs_change *changes;
	uint32_t nchanges, capchanges;
	int32_t owned_delta; /* nodes the connection's domain gains */
	uint32_t touched;    /* nodes written (transaction-nodes quota) */
	bool broken;         /* lost a record (ENOMEM): commit must fail */
	struct xs_txn *next;
};
#define XS_TOMBSTONE ((void *)&xs_tombstone_marker)
extern const int xs_tombstone_marker;

/* A store seen by one request: the committed tree or a transaction. */
struct xs_view {
	struct xs_daemon *d;
	struct xs_conn *conn;
	struct xs_txn *txn; /* NULL outside transactions */
};

int xs_store_init(struct xs_store *store);
void xs_store_destroy(struct xs_store *store);
struct xs_node *xs_node_new(const char *path);
struct xs_node *xs_node_dup(const struct xs_node *node);
void xs_node_free(struct xs_node *node);
size_t xs_node_size(const struct xs_node *node);
/* Node at path as the view sees it (NULL: absent); records the read. */
const struct xs_node *xs_view_get(struct xs_view *v, const char *path);
/* Replaces/creates the node (takes ownership); 0 or ENOMEM. */
int xs_view_put(struct xs_view *v, struct xs_node *node);
/* Removes the single node at path (children must be gone already). */
int xs_view_del(struct xs_view *v, const char *path);
/* Installs a node directly in the committed tree (takes ownership). */
int xs_store_commit_node(struct xs_store *store, struct xs_node *node);
void xs_store_commit_del(struct xs_store *store, const char *path);
uint32_t xs_store_owner(const struct xs_node *node);

/* ---- xs_tree.c: the operations of xenstore.txt on a view ---- */
/* Each returns 0 or an errno for an XS_ERROR reply. */
int xs_tree_read(struct xs_view *v, const char *path,
		 const struct xs_node **out);
int xs_tree_write(struct xs_view *v, const char *path, const char *data,
		  uint32_t len);
int xs_tree_mkdir(struct xs_view *v, const char *path);
int xs_tree_rm(struct xs_view *v, const char *path);
int xs_tree_set_perms(struct xs_view *v, const char *path,
		      const struct xs_perms *perms);
/* Records a change: fired now outside a txn, at commit inside one. */
void xs_tree_changed(struct xs_view *v, const char *path,
		     const struct xs_perms *perms, bool removed);

/* ---- xs_txn.c: transactions ---- */
int xs_txn_start(struct xs_conn *conn, uint32_t *id);
struct xs_txn *xs_txn_find(struct xs_conn *conn, uint32_t id);
/* Ends the txn (frees it); commit: 0 or EAGAIN (nothing applied). */
int xs_txn_end(struct xs_conn *conn, struct xs_txn *txn, bool commit);
void xs_txn_end_all(struct xs_conn *conn);
int xs_txn_add_change(struct xs_txn *txn, const char *path,
		      const struct xs_perms *perms, bool removed);

/* ---- xs_watch.c: watches and events ---- */
struct xs_watch {
	char *path; /* absolute, or "@special" */
	char *token;
	bool relative;
	struct xs_watch *next;
};
int xs_watch_add(struct xs_conn *conn, const char *path, const char *token,
		 bool relative);
int xs_watch_remove(struct xs_conn *conn, const char *path,
		    const char *token);
void xs_watch_remove_all(struct xs_conn *conn);
/* Queues events for a change of path to every connection watching it. */
void xs_watch_fire(struct xs_daemon *d, const char *path,
		   const struct xs_perms *perms, bool removed);
/* Sends one event to one connection (used for the initial event). */
void xs_watch_send_event(struct xs_conn *conn, const char *path,
			 const char *token);

/* ---- xs_conn.c: one client connection, any transport ---- */
struct xs_conn_ops {
	const char *name;
	/* >0: bytes read; 0: nothing now; -1: connection gone/broken */
	long (*read)(struct xs_conn *conn, void *buf, size_t len);
	/* >=0: bytes taken (0: full); -1: connection gone/broken */
	long (*write)(struct xs_conn *conn, const void *buf, size_t len);
	void (*release)(struct xs_conn *conn); /* frees transport state */
};

struct xs_out {
	struct xs_out *next;
	uint32_t len;
	bool is_reply; /* counts against the outstanding-request quota */
	char data[];
};

struct xs_conn {
	struct xs_daemon *d;
	const struct xs_conn_ops *ops;
	void *transport;
	int fd; /* for poll(); -1 if none */
	uint32_t serial;
	uint32_t domid;
	bool privileged;
	int32_t target; /* domain this one may manage (set_target), or -1 */
	struct xsd_sockmsg hdr;
	uint32_t hdr_got, body_got;
	char body[XENSTORE_PAYLOAD_MAX + 1];
	struct xs_out *out_head, *out_tail;
	uint32_t out_off, out_replies, out_events;
	size_t out_bytes;
	struct xs_watch *watches;
	uint32_t nwatches;
	struct xs_txn *txns;
	uint32_t ntxns, next_txid;
	bool dead;
	uint32_t wire_error; /* XENSTORE_ERROR_* to report on a ring */
	struct xs_conn *next;
};

struct xs_conn *xs_conn_new(struct xs_daemon *d, const struct xs_conn_ops *ops,
			    void *transport, int fd, uint32_t domid);
/* Marks a connection for closing; the reason goes to the log. */
void xs_conn_kill(struct xs_conn *conn, const char *reason);
/* Frees every connection marked dead. */
void xs_conn_reap(struct xs_daemon *d);
/* Reads and handles whatever requests the transport has. */
void xs_conn_input(struct xs_conn *conn);
/* Pushes queued output into the transport. */
void xs_conn_output(struct xs_conn *conn);
bool xs_conn_wants_output(const struct xs_conn *conn);
/* Queues a message; returns false (and kills the conn) if it can't. */
bool xs_conn_send(struct xs_conn *conn, uint32_t type, uint32_t req_id,
		  uint32_t tx_id, const void *data, uint32_t len);
/* Drops buffered input/output, watches and transactions. */
void xs_conn_reset(struct xs_conn *conn);

/* ---- xs_ops.c / xs_ops_domain.c: request handlers ---- */
struct xs_req {
	struct xs_conn *conn;
	const struct xsd_sockmsg *hdr;
	char *body; /* NUL-terminated copy of the payload (len + 1 bytes) */
	uint32_t len;
	struct xs_view view;
};
/* Handles one complete request on conn. */
void xs_ops_dispatch(struct xs_conn *conn, const struct xsd_sockmsg *hdr,
		     char *body);
/* Splits the payload into exactly n NUL-terminated strings; 0 / EINVAL. */
int xs_req_args(const struct xs_req *req, const char **argv, unsigned n);
void xs_req_reply(struct xs_req *req, const void *data, uint32_t len);
void xs_req_ok(struct xs_req *req);
void xs_req_error(struct xs_req *req, int err);
const char *xs_error_name(int err);
/* Strict decimal number <= max; 0 or EINVAL. */
int xs_parse_u64(const char *s, uint64_t max, uint64_t *out);
const char *xs_type_name(uint32_t type);
int xs_op_introduce(struct xs_req *req);
int xs_op_release(struct xs_req *req);
int xs_op_is_introduced(struct xs_req *req);
int xs_op_get_domain_path(struct xs_req *req);
int xs_op_set_target(struct xs_req *req);
int xs_op_resume(struct xs_req *req);
int xs_op_control(struct xs_req *req);

/* ---- xs_domain.c: domains reached over a ring ---- */
struct xs_ring;
struct xs_domain {
	uint32_t domid;
	uint64_t mfn;
	uint32_t port;
	bool introduced;
	bool shutdown; /* seen shut down; @releaseDomain fired for it */
	struct xs_conn *conn;
	struct xs_ring *ring;
	struct xs_domain *next;
};
struct xs_domain *xs_domain_find(struct xs_daemon *d, uint32_t domid);
int xs_domain_introduce(struct xs_daemon *d, uint32_t domid, uint64_t mfn,
			uint32_t port);
int xs_domain_release(struct xs_daemon *d, uint32_t domid);
/* Services every domain's ring (called when any event channel fires). */
void xs_domain_poll_all(struct xs_daemon *d);
void xs_domain_release_all(struct xs_daemon *d);

/* ---- xs_release.c: what a released domain leaves behind ---- */
/* Removes the nodes domid owns (hands them to dom0 with keep_orphans) and
 * strikes it from the special nodes' permissions. */
void xs_domain_drop_nodes(struct xs_daemon *d, uint32_t domid);

/* ---- xs_domexc.c: domains that shut down or died (VIRQ_DOM_EXC) ---- */
enum xs_dom_state {
	XS_DOM_RUNNING,
	XS_DOM_SHUTDOWN, /* shut down or crashed, not yet dying */
	XS_DOM_GONE,     /* dying, or no longer exists */
	XS_DOM_UNKNOWN,  /* the query failed: leave the domain be */
};
/* What getdomaininfo's answer for domid says: err is the call's errno (0
 * on success), found and flags the id and XEN_DOMINF_* of the domain the
 * answer describes (the first at or above domid). */
enum xs_dom_state xs_dom_state_of(uint32_t domid, int err, uint32_t found,
				  uint32_t flags);
/* Queries every introduced domain (d->dominfo) and releases those gone;
 * fires @releaseDomain for ones newly shut down. */
void xs_domain_check_all(struct xs_daemon *d);

/* ---- xs_log.c: log and trace ---- */
void xs_log(struct xs_daemon *d, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));
void xs_trace_msg(struct xs_daemon *d, const struct xs_conn *conn,
		  const char *dir, const struct xsd_sockmsg *hdr,
		  const char *body);
int xs_log_open_trace(struct xs_daemon *d, const char *file);

/* ---- the daemon ---- */
struct xs_quota {
	uint32_t nodes;        /* nodes a domain may own */
	uint32_t node_size;    /* bytes of one node's record */
	uint32_t watches;      /* watches per domain */
	uint32_t transactions; /* open transactions per connection */
	uint32_t perms;        /* entries in one node's permission list */
	uint32_t path_len;     /* chars of a path below the domain's home */
	uint32_t outstanding;  /* replies queued before input is paused */
	uint32_t txn_nodes;    /* nodes one transaction may touch */
	uint32_t out_events;   /* events queued before the conn is dropped */
};

struct xs_ring_backend;
struct xs_daemon {
	struct xs_store store;
	struct xs_conn *conns;
	struct xs_domain *domains;
	uint32_t releases; /* domains released so far */
	struct xs_quota quota;
	struct xs_perms special_perms[2]; /* @introduceDomain, @releaseDomain */
	const struct xs_ring_backend *ring_be;
	void *ring_ctx;
	FILE *trace;
	FILE *log;
	bool verbose;
	bool log_enabled;
	bool keep_orphans; /* a released domain's nodes go to dom0 */
	/* getdomaininfo (xs_xen_dominfo, or a test's); NULL: not available */
	int (*dominfo)(void *ctx, uint32_t domid, uint32_t *found,
		       uint32_t *flags);
	void *dominfo_ctx;
	int domexc_fd; /* bound to VIRQ_DOM_EXC, or -1 */
	uint32_t next_serial;
};
int xs_daemon_init(struct xs_daemon *d);
void xs_daemon_destroy(struct xs_daemon *d);
void xs_quota_defaults(struct xs_quota *q);
/* Sets one quota by its -Q name; 0 or EINVAL. */
int xs_quota_set(struct xs_quota *q, const char *name, const char *value);
/* Writes "name value" lines into buf; returns bytes used. */
size_t xs_quota_format(const struct xs_quota *q, char *buf, size_t cap);
/* Perms of "@introduceDomain"/"@releaseDomain", or NULL. */
struct xs_perms *xs_special_perms(struct xs_daemon *d, const char *path);
bool xs_conn_unprivileged(const struct xs_conn *conn);

#endif
