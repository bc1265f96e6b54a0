/*
 * The seam between PV backends and the machine: grant mapping, event
 * channels, fds to watch (a tap, a console's socket) and xenstore, each a small ops table.  bastion-dm fills them
 * from libbx (/dev/xen/gntdev, /dev/xen/evtchn, xenstored) in host_xen.c
 * and xs_bx.c; host unit tests fill them with a fake frontend in the same
 * process and a hash-table xenstore.
 */
#ifndef BASTION_PV_HOST_H
#define BASTION_PV_HOST_H

#include <stdbool.h>
#include <stdint.h>

struct pv_host;
struct grant_budget;

struct pv_host_ops {
	/* Maps nr grant refs of the frontend domain, contiguous pages;
	 * NULL on failure.  *handle is what unmap_grants gets back. */
	void *(*map_grants)(struct pv_host *host, const uint32_t *refs,
			    uint32_t nr, bool writable, uint64_t *handle);
	void (*unmap_grants)(struct pv_host *host, void *addr, uint32_t nr,
			     uint64_t handle);
	/* Binds the frontend's unbound port; returns the local port or -errno. */
	long (*bind_evtchn)(struct pv_host *host, uint32_t remote_port);
	void (*unbind_evtchn)(struct pv_host *host, uint32_t local_port);
	void (*notify)(struct pv_host *host, uint32_t local_port);
	/* The queue on local_port has more work: run its event op again
	 * once the main loop has served everything else. */
	void (*later)(struct pv_host *host, uint32_t local_port);
	/* Calls ready(arg) from the main loop while fd is readable, until
	 * unwatch_fd; returns a watch id > 0, or -errno. */
	long (*watch_fd)(struct pv_host *host, int fd, void (*ready)(void *arg), void *arg);
	/* The same while fd is writable (a console's peer that was full). */
	long (*watch_fd_out)(struct pv_host *host, int fd, void (*ready)(void *arg), void *arg);
	void (*unwatch_fd)(struct pv_host *host, long watch);
};

struct pv_host {
	const struct pv_host_ops *ops;
	uint32_t domid; /* the frontend's domain */
	/* the block rings' grant mappings, counted (NULL: not bounded) */
	struct grant_budget *budget;
	void *opaque;
};

struct pv_xs;

struct pv_xs_ops {
	/* The value, malloc'ed and NUL-terminated, or NULL (absent). */
	char *(*read)(struct pv_xs *xs, const char *path);
	int (*write)(struct pv_xs *xs, const char *path, const char *value);
	/* Children names in one malloc'ed block; returns the count or -errno. */
	int (*directory)(struct pv_xs *xs, const char *path, char ***names);
	int (*watch)(struct pv_xs *xs, const char *path, const char *token);
	int (*unwatch)(struct pv_xs *xs, const char *path, const char *token);
};

struct pv_xs {
	const struct pv_xs_ops *ops;
	void *opaque;
};

#endif
