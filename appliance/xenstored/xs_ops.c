/*
 * xs_ops.c - request dispatch and the handlers for the tree, watch and
 * transaction requests of xenstore.txt.  The dispatch table names, per
 * message type of xs_wire.h, the handler, whether the request runs inside
 * the transaction named by the header's tx_id, and whether only a
 * privileged connection may send it.  Every request gets exactly one
 * reply: its own type with a payload, or XS_ERROR with an errno name from
 * xs_wire.h's table.  Payload rules: each argument is NUL-terminated and
 * the count must match (WRITE: path, then the raw value).
 */
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "xenstored.h"

#define OP_TXN 1u  /* runs in the transaction named by tx_id */
#define OP_PRIV 2u /* privileged connections only (EACCES otherwise) */

struct xs_op {
	const char *name;
	int (*fn)(struct xs_req *req);
	unsigned flags;
};

const char *xs_error_name(int err)
{
	for (size_t i = 0; i < sizeof(xsd_errors) / sizeof(xsd_errors[0]); i++)
		if (xsd_errors[i].errnum == err)
			return xsd_errors[i].errstring;
	return xsd_errors[0].errstring; /* unknown: EINVAL, as Xen does */
}

int xs_parse_u64(const char *s, uint64_t max, uint64_t *out)
{
	uint64_t v = 0;

	if (!*s)
		return EINVAL;
	for (; *s; s++) {
		if (*s < '0' || *s > '9')
			return EINVAL;
		if (v > (max - (uint64_t)(*s - '0')) / 10)
			return EINVAL;
		v = v * 10 + (uint64_t)(*s - '0');
	}
	*out = v;
	return 0;
}

int xs_req_args(const struct xs_req *req, const char **argv, unsigned n)
{
	const char *p = req->body, *end = req->body + req->len;
	unsigned i;

	for (i = 0; i < n && p < end; i++) {
		const char *nul = memchr(p, '\0', (size_t)(end - p));
		if (!nul)
			return EINVAL;
		argv[i] = p;
		p = nul + 1;
	}
	return i == n && p == end ? 0 : EINVAL;
}

void xs_req_reply(struct xs_req *req, const void *data, uint32_t len)
{
	xs_conn_send(req->conn, req->hdr->type, req->hdr->req_id,
		     req->hdr->tx_id, data, len);
}

void xs_req_ok(struct xs_req *req)
{
	xs_req_reply(req, "OK", 3);
}

void xs_req_error(struct xs_req *req, int err)
{
	const char *name = xs_error_name(err);

	xs_conn_send(req->conn, XS_ERROR, req->hdr->req_id, req->hdr->tx_id,
		     name, (uint32_t)strlen(name) + 1);
}

/* One path argument, made absolute. */
static int path_arg(struct xs_req *req, bool special, char *buf, size_t cap)
{
	const char *argv[1];
	int err = xs_req_args(req, argv, 1);

	return err ? err : xs_path_canonical(req->conn, argv[0], special, buf,
					     cap);
}

static int op_read(struct xs_req *req)
{
	char path[XENSTORE_ABS_PATH_MAX + 1];
	const struct xs_node *node;
	int err;

	if ((err = path_arg(req, false, path, sizeof(path))) ||
	    (err = xs_tree_read(&req->view, path, &node)))
		return err;
	xs_req_reply(req, node->data, node->datalen);
	return 0;
}

static int op_write(struct xs_req *req)
{
	char path[XENSTORE_ABS_PATH_MAX + 1];
	const char *nul = memchr(req->body, '\0', req->len);
	uint32_t off;
	int err;

	if (!nul)
		return EINVAL;
	off = (uint32_t)(nul - req->body) + 1;
	if ((err = xs_path_canonical(req->conn, req->body, false, path,
				     sizeof(path))) ||
	    (err = xs_tree_write(&req->view, path, req->body + off,
				 req->len - off)))
		return err;
	xs_req_ok(req);
	return 0;
}

static int op_mkdir(struct xs_req *req)
{
	char path[XENSTORE_ABS_PATH_MAX + 1];
	int err;

	if ((err = path_arg(req, false, path, sizeof(path))) ||
	    (err = xs_tree_mkdir(&req->view, path)))
		return err;
	xs_req_ok(req);
	return 0;
}

static int op_rm(struct xs_req *req)
{
	char path[XENSTORE_ABS_PATH_MAX + 1];
	int err;

	if ((err = path_arg(req, false, path, sizeof(path))) ||
	    (err = xs_tree_rm(&req->view, path)))
		return err;
	xs_req_ok(req);
	return 0;
}

/* Children of node as "a\0b\0..." in a malloc'd buffer. */
static char *child_list(const struct xs_node *node, uint32_t *len)
{
	size_t total = 0, off = 0;
	char *buf;

	for (uint32_t i = 0; i < node->nchildren; i++)
		total += strlen(node->children[i]) + 1;
	buf = malloc(total + 1);
	if (!buf)
		return NULL;
	for (uint32_t i = 0; i < node->nchildren; i++) {
		size_t l = strlen(node->children[i]) + 1;
		memcpy(buf + off, node->children[i], l);
		off += l;
	}
	*len = (uint32_t)total;
	return buf;
}

static int op_directory(struct xs_req *req)
{
	char path[XENSTORE_ABS_PATH_MAX + 1];
	const struct xs_node *node;
	uint32_t len;
	char *list;
	int err;

	if ((err = path_arg(req, false, path, sizeof(path))) ||
	    (err = xs_tree_read(&req->view, path, &node)))
		return err;
	list = child_list(node, &len);
	if (!list)
		return ENOMEM;
	if (len > XENSTORE_PAYLOAD_MAX)
		err = E2BIG;
	else
		xs_req_reply(req, list, len);
	free(list);
	return err;
}

/* DIRECTORY_PART path offset: "<generation>\0" then the names starting at
 * byte offset of the full list, as many as fit; an extra "\0" ends it. */
static int op_directory_part(struct xs_req *req)
{
	char path[XENSTORE_ABS_PATH_MAX + 1], *list, *out;
	const char *argv[2];
	const struct xs_node *node;
	uint64_t off;
	uint32_t total, take = 0;
	int genlen, err;

	if ((err = xs_req_args(req, argv, 2)) ||
	    (err = xs_path_canonical(req->conn, argv[0], false, path,
				     sizeof(path))) ||
	    (err = xs_parse_u64(argv[1], UINT32_MAX, &off)) ||
	    (err = xs_tree_read(&req->view, path, &node)))
		return err;
	list = child_list(node, &total);
	out = malloc(XENSTORE_PAYLOAD_MAX + 1);
	if (!list || !out) {
		free(list);
		free(out);
		return ENOMEM;
	}
	genlen = snprintf(out, 32, "%" PRIu64, node->gen) + 1;
	if (off > total) {
		err = E2BIG;
		goto done;
	}
	while (off + take < total) {
		uint32_t l = (uint32_t)strlen(list + off + take) + 1;
		if (genlen + take + l + 1 > XENSTORE_PAYLOAD_MAX)
			break;
		take += l;
	}
	memcpy(out + genlen, list + off, take);
	if (off + take == total)
		out[genlen + take++] = '\0';
	xs_req_reply(req, out, (uint32_t)genlen + take);
done:
	free(list);
	free(out);
	return err;
}

static int op_get_perms(struct xs_req *req)
{
	char path[XENSTORE_ABS_PATH_MAX + 1];
	char *buf = malloc(XENSTORE_PAYLOAD_MAX);
	const struct xs_perms *perms;
	const struct xs_node *node;
	int err, len;

	if (!buf)
		return ENOMEM;
	if ((err = path_arg(req, true, path, sizeof(path))))
		goto out;
	if (xs_path_is_special(path)) {
		perms = xs_special_perms(req->conn->d, path);
		err = perms ? 0 : ENOENT;
	} else {
		err = xs_tree_read(&req->view, path, &node);
		perms = err ? NULL : &node->perms;
	}
	if (err)
		goto out;
	len = xs_perms_format(perms, buf, XENSTORE_PAYLOAD_MAX);
	if (len < 0)
		err = E2BIG;
	else
		xs_req_reply(req, buf, (uint32_t)len);
out:
	free(buf);
	return err;
}

static int set_special_perms(struct xs_req *req, const char *path,
			     struct xs_perms *perms)
{
	struct xs_perms *sp = xs_special_perms(req->conn->d, path);

	if (!sp)
		return ENOENT;
	if (xs_conn_unprivileged(req->conn))
		return EACCES;
	xs_perms_free(sp);
	*sp = *perms;
	perms->p = NULL;
	perms->n = 0;
	return 0;
}

static int op_set_perms(struct xs_req *req)
{
	char path[XENSTORE_ABS_PATH_MAX + 1];
	const char *nul = memchr(req->body, '\0', req->len);
	struct xs_perms perms;
	uint32_t off;
	int err;

	if (!nul)
		return EINVAL;
	off = (uint32_t)(nul - req->body) + 1;
	if ((err = xs_path_canonical(req->conn, req->body, true, path,
				     sizeof(path))) ||
	    (err = xs_perms_parse(req->body + off, req->len - off, &perms)))
		return err;
	if (xs_path_is_special(path))
		err = perms.n ? set_special_perms(req, path, &perms) : EINVAL;
	else
		err = xs_tree_set_perms(&req->view, path, &perms);
	xs_perms_free(&perms);
	if (!err)
		xs_req_ok(req);
	return err;
}

static int op_watch(struct xs_req *req)
{
	char path[XENSTORE_ABS_PATH_MAX + 1];
	const char *argv[2];
	int err;

	if ((err = xs_req_args(req, argv, 2)) ||
	    (err = xs_path_canonical(req->conn, argv[0], true, path,
				     sizeof(path))) ||
	    (err = xs_watch_add(req->conn, path, argv[1],
				argv[0][0] != '/' && argv[0][0] != '@')))
		return err;
	xs_req_ok(req);
	/* The first event fires at once, naming the path as given. */
	xs_watch_send_event(req->conn, argv[0], argv[1]);
	return 0;
}

static int op_unwatch(struct xs_req *req)
{
	char path[XENSTORE_ABS_PATH_MAX + 1];
	const char *argv[2];
	int err;

	if ((err = xs_req_args(req, argv, 2)) ||
	    (err = xs_path_canonical(req->conn, argv[0], true, path,
				     sizeof(path))) ||
	    (err = xs_watch_remove(req->conn, path, argv[1])))
		return err;
	xs_req_ok(req);
	return 0;
}

static int op_reset_watches(struct xs_req *req)
{
	xs_watch_remove_all(req->conn);
	xs_txn_end_all(req->conn);
	xs_req_ok(req);
	return 0;
}

static int op_txn_start(struct xs_req *req)
{
	const char *argv[1];
	char buf[16];
	uint32_t id;
	int err;

	if (req->hdr->tx_id)
		return xs_txn_find(req->conn, req->hdr->tx_id) ? EBUSY : ENOENT;
	if ((err = xs_req_args(req, argv, 1)) ||
	    (err = xs_txn_start(req->conn, &id)))
		return err;
	snprintf(buf, sizeof(buf), "%u", id);
	xs_req_reply(req, buf, (uint32_t)strlen(buf) + 1);
	return 0;
}

static int op_txn_end(struct xs_req *req)
{
	const char *argv[1];
	int err;

	if (!req->view.txn)
		return ENOENT;
	if ((err = xs_req_args(req, argv, 1)))
		return err;
	if (strcmp(argv[0], "T") && strcmp(argv[0], "F"))
		return EINVAL;
	if ((err = xs_txn_end(req->conn, req->view.txn, argv[0][0] == 'T')))
		return err;
	xs_req_ok(req);
	return 0;
}

static const struct xs_op xs_ops[XS_TYPE_COUNT] = {
	[XS_CONTROL] = { "CONTROL", xs_op_control, OP_PRIV },
	[XS_DIRECTORY] = { "DIRECTORY", op_directory, OP_TXN },
	[XS_READ] = { "READ", op_read, OP_TXN },
	[XS_GET_PERMS] = { "GET_PERMS", op_get_perms, OP_TXN },
	[XS_WATCH] = { "WATCH", op_watch, 0 },
	[XS_UNWATCH] = { "UNWATCH", op_unwatch, 0 },
	[XS_TRANSACTION_START] = { "TRANSACTION_START", op_txn_start, 0 },
	[XS_TRANSACTION_END] = { "TRANSACTION_END", op_txn_end, OP_TXN },
	[XS_INTRODUCE] = { "INTRODUCE", xs_op_introduce, OP_PRIV },
	[XS_RELEASE] = { "RELEASE", xs_op_release, OP_PRIV },
	[XS_GET_DOMAIN_PATH] = { "GET_DOMAIN_PATH", xs_op_get_domain_path, 0 },
	[XS_WRITE] = { "WRITE", op_write, OP_TXN },
	[XS_MKDIR] = { "MKDIR", op_mkdir, OP_TXN },
	[XS_RM] = { "RM", op_rm, OP_TXN },
	[XS_SET_PERMS] = { "SET_PERMS", op_set_perms, OP_TXN },
	[XS_WATCH_EVENT] = { "WATCH_EVENT", NULL, 0 },
	[XS_ERROR] = { "ERROR", NULL, 0 },
	[XS_IS_DOMAIN_INTRODUCED] = { "IS_DOMAIN_INTRODUCED",
				      xs_op_is_introduced, OP_PRIV },
	[XS_RESUME] = { "RESUME", xs_op_resume, OP_PRIV },
	[XS_SET_TARGET] = { "SET_TARGET", xs_op_set_target, OP_PRIV },
	[XS_RESET_WATCHES] = { "RESET_WATCHES", op_reset_watches, 0 },
	[XS_DIRECTORY_PART] = { "DIRECTORY_PART", op_directory_part, OP_TXN },
};

const char *xs_type_name(uint32_t type)
{
	if (type < XS_TYPE_COUNT && xs_ops[type].name)
		return xs_ops[type].name;
	return "UNKNOWN";
}

void xs_ops_dispatch(struct xs_conn *conn, const struct xsd_sockmsg *hdr,
		     char *body)
{
	struct xs_req req = { conn, hdr, body, hdr->len,
			      { conn->d, conn, NULL } };
	const struct xs_op *op;
	int err;

	xs_trace_msg(conn->d, conn, "IN", hdr, body);
	if (hdr->type >= XS_TYPE_COUNT || !xs_ops[hdr->type].fn) {
		xs_req_error(&req, ENOSYS);
		return;
	}
	op = &xs_ops[hdr->type];
	if ((op->flags & OP_PRIV) && xs_conn_unprivileged(conn)) {
		xs_req_error(&req, EACCES);
		return;
	}
	if ((op->flags & OP_TXN) && hdr->tx_id) {
		req.view.txn = xs_txn_find(conn, hdr->tx_id);
		if (!req.view.txn) {
			xs_req_error(&req, ENOENT);
			return;
		}
	}
	err = op->fn(&req);
	if (err)
		xs_req_error(&req, err);
}
