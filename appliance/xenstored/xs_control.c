/*
 * xs_control.c - XS_CONTROL requests (what xenstore-control sends): the
 * payload is a command word and its arguments, NUL-separated; the reply
 * is text.  Commands, after those of Xen's C xenstored where they apply:
 *   check              verify the tree's parent/child links
 *   log on|off         switch the message trace on or off
 *   logfile <file>     (re)open the trace file
 *   print <text>       write text to the log
 *   quota [name value] show the quotas, or set one
 *   memreport          count nodes, connections and domains
 *   domains            list introduced domains (ours): "<domid> <state>"
 *   help               list the commands
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "xs_ring.h"

#define CTL_MAX_ARGS 8

struct check_state {
	struct xs_store *store;
	char bad[256];
};

static void check_node(const char *path, void *val, void *arg)
{
	struct check_state *st = arg;
	const struct xs_node *node = val;

	for (uint32_t i = 0; i < node->nchildren && !st->bad[0]; i++) {
		char *child;
		if (asprintf(&child, "%s/%s", strcmp(path, "/") ? path : "",
			     node->children[i]) < 0)
			return;
		if (!xs_hash_get(st->store->nodes, child))
			snprintf(st->bad, sizeof(st->bad),
				 "missing child %.200s", child);
		free(child);
	}
}

static int ctl_check(struct xs_req *req, int argc, char **argv)
{
	struct check_state st = { &req->conn->d->store, "" };

	(void)argc;
	(void)argv;
	xs_hash_each(st.store->nodes, check_node, &st);
	if (st.bad[0]) {
		xs_req_reply(req, st.bad, (uint32_t)strlen(st.bad) + 1);
		return 0;
	}
	xs_req_reply(req, "OK", 3);
	return 0;
}

static int ctl_log(struct xs_req *req, int argc, char **argv)
{
	if (argc != 1 || (strcmp(argv[0], "on") && strcmp(argv[0], "off")))
		return EINVAL;
	req->conn->d->log_enabled = !strcmp(argv[0], "on");
	xs_req_ok(req);
	return 0;
}

static int ctl_logfile(struct xs_req *req, int argc, char **argv)
{
	if (argc != 1)
		return EINVAL;
	if (xs_log_open_trace(req->conn->d, argv[0]))
		return errno == ENOENT ? ENOENT : EACCES;
	xs_req_ok(req);
	return 0;
}

static int ctl_print(struct xs_req *req, int argc, char **argv)
{
	if (argc != 1)
		return EINVAL;
	xs_log(req->conn->d, "control: %s", argv[0]);
	xs_req_ok(req);
	return 0;
}

static int ctl_quota(struct xs_req *req, int argc, char **argv)
{
	char buf[512];
	size_t len;

	if (argc == 2) {
		if (xs_quota_set(&req->conn->d->quota, argv[0], argv[1]))
			return EINVAL;
		xs_req_ok(req);
		return 0;
	}
	if (argc != 0)
		return EINVAL;
	len = xs_quota_format(&req->conn->d->quota, buf, sizeof(buf));
	xs_req_reply(req, buf, (uint32_t)len + 1);
	return 0;
}

static int ctl_memreport(struct xs_req *req, int argc, char **argv)
{
	struct xs_daemon *d = req->conn->d;
	unsigned conns = 0, doms = 0;
	char buf[128];

	(void)argc;
	(void)argv;
	for (struct xs_conn *c = d->conns; c; c = c->next)
		conns++;
	for (struct xs_domain *dom = d->domains; dom; dom = dom->next)
		doms++;
	snprintf(buf, sizeof(buf), "nodes %zu\nconnections %u\ndomains %u\n",
		 xs_hash_count(d->store.nodes), conns, doms);
	xs_req_reply(req, buf, (uint32_t)strlen(buf) + 1);
	return 0;
}

static int ctl_domains(struct xs_req *req, int argc, char **argv)
{
	char buf[2048];
	size_t used = 0;

	(void)argc;
	(void)argv;
	buf[0] = '\0';
	for (struct xs_domain *dom = req->conn->d->domains; dom; dom = dom->next) {
		int w = snprintf(buf + used, sizeof(buf) - used, "%u %s\n",
				 dom->domid,
				 !dom->ring || !dom->ring->conn ? "dropped"
				 : dom->shutdown ? "shutdown" : "connected");
		if (w < 0 || (size_t)w >= sizeof(buf) - used)
			return E2BIG;
		used += (size_t)w;
	}
	xs_req_reply(req, buf, (uint32_t)used + 1);
	return 0;
}

static int ctl_help(struct xs_req *req, int argc, char **argv);

static const struct {
	const char *name;
	const char *usage;
	int (*fn)(struct xs_req *req, int argc, char **argv);
} ctl_cmds[] = {
	{ "check", "", ctl_check },
	{ "domains", "", ctl_domains },
	{ "help", "", ctl_help },
	{ "log", "on|off", ctl_log },
	{ "logfile", "<file>", ctl_logfile },
	{ "memreport", "", ctl_memreport },
	{ "print", "<string>", ctl_print },
	{ "quota", "[<name> <value>]", ctl_quota },
};
#define NCMDS (sizeof(ctl_cmds) / sizeof(ctl_cmds[0]))

static int ctl_help(struct xs_req *req, int argc, char **argv)
{
	char buf[512];
	size_t used = 0;

	(void)argc;
	(void)argv;
	for (size_t i = 0; i < NCMDS; i++)
		used += (size_t)snprintf(buf + used, sizeof(buf) - used,
					 "%s %s\n", ctl_cmds[i].name,
					 ctl_cmds[i].usage);
	xs_req_reply(req, buf, (uint32_t)used + 1);
	return 0;
}

int xs_op_control(struct xs_req *req)
{
	char *argv[CTL_MAX_ARGS];
	int argc = 0;
	char *p = req->body, *end = req->body + req->len;

	if (req->len == 0)
		return EINVAL;
	while (p < end && argc < CTL_MAX_ARGS) {
		argv[argc++] = p;
		p += strlen(p) + 1; /* body is NUL-terminated past len */
	}
	if (p < end)
		return E2BIG;
	for (size_t i = 0; i < NCMDS; i++)
		if (!strcmp(argv[0], ctl_cmds[i].name))
			return ctl_cmds[i].fn(req, argc - 1, argv + 1);
	return EINVAL;
}
