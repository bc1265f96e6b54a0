/*
 * bx.h - libbx, the control library beneath Bastion's xl, console daemon,
 * device model and tests: hypercalls (domctl, sysctl, memory, hvm, event
 * channel, xen_version), foreign mappings, event-channel and grant devices,
 * and a xenstore client.
 *
 * It talks to Linux's devices in /dev/xen directly and links against no
 * Debian libxen* on purpose: small, static, no dependency, and the same
 * binary runs on Bastion and on Xen 4.17.  Hypercall layouts are the ones
 * in hv/include/public (Xen 4.17, domctl/sysctl interface version 0x15).
 *
 * Errors: every int/long function returns >= 0 on success or -errno (the
 * hypervisor's, the kernel's or xenstored's error as an errno value).
 */
#ifndef BX_H
#define BX_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "public/domctl.h"
#include "public/event_channel.h"
#include "public/hvm/hvm_op.h"
#include "public/memory.h"
#include "public/sysctl.h"
#include "public/version.h"
#include "public/xen.h"

#include "bx_uapi.h"

/* ---- bx_hcall.c: the privcmd handle and hypercall buffers ---- */

struct bx;
/* How one hypercall reaches the hypervisor; tests substitute their own. */
typedef long bx_hypercall_fn(struct bx *bx, struct bx_privcmd_hypercall *call);

struct bx {
	int privcmd_fd;              /* /dev/xen/privcmd, -1 unset */
	int hcall_fd;                /* /dev/xen/hypercall, -1: mlocked memory */
	bx_hypercall_fn *hypercall;  /* ioctl on privcmd_fd by default */
	void *test_opaque;           /* for a substituted hypercall function */
};

#define BX_INIT { .privcmd_fd = -1, .hcall_fd = -1 }

int bx_open(struct bx *bx);
void bx_close(struct bx *bx);
/* A zeroed, page-rounded buffer the hypervisor may read and write. */
void *bx_hbuf_alloc(struct bx *bx, size_t size);
void bx_hbuf_free(struct bx *bx, void *buf, size_t size);
/* The same, filled with a copy of src (size bytes; src may be NULL). */
void *bx_hbuf_dup(struct bx *bx, const void *src, size_t size);
long bx_hypercall(struct bx *bx, unsigned op, uint64_t a0, uint64_t a1,
		  uint64_t a2, uint64_t a3, uint64_t a4);
/* A hypercall (cmd, struct) whose struct is bounced both ways. */
long bx_hypercall_arg(struct bx *bx, unsigned op, uint64_t cmd, void *arg,
		      size_t size);
/* A hypercall whose only argument is a struct bounced both ways
 * (domctl, sysctl). */
long bx_hypercall_ptr(struct bx *bx, unsigned op, void *arg, size_t size);

/* ---- bx_domctl.c, bx_domctl_vcpu.c, bx_domctl_hvm.c ---- */

int bx_domctl(struct bx *bx, struct xen_domctl *domctl);
/* *domid: in, the id wanted (0 = any); out, the id given. */
int bx_createdomain(struct bx *bx, uint32_t *domid,
		    const struct xen_domctl_createdomain *config);
int bx_destroydomain(struct bx *bx, uint32_t domid);
int bx_pausedomain(struct bx *bx, uint32_t domid);
int bx_unpausedomain(struct bx *bx, uint32_t domid);
int bx_getdomaininfo(struct bx *bx, uint32_t domid,
		     struct xen_domctl_getdomaininfo *info);
int bx_max_vcpus(struct bx *bx, uint32_t domid, uint32_t max);
int bx_max_mem(struct bx *bx, uint32_t domid, uint64_t max_memkb);
int bx_getvcpuinfo(struct bx *bx, uint32_t domid, uint32_t vcpu,
		   struct xen_domctl_getvcpuinfo *info);
/* Maps are nr_bits bits, (nr_bits + 7) / 8 bytes; NULL leaves one alone. */
int bx_setvcpuaffinity(struct bx *bx, uint32_t domid, uint32_t vcpu,
		       uint8_t *hard, uint8_t *soft, uint32_t nr_bits);
int bx_getvcpuaffinity(struct bx *bx, uint32_t domid, uint32_t vcpu,
		       uint8_t *hard, uint8_t *soft, uint32_t nr_bits);
int bx_sched_credit2_get(struct bx *bx, uint32_t domid,
			 struct xen_domctl_sched_credit2 *params);
int bx_sched_credit2_set(struct bx *bx, uint32_t domid,
			 const struct xen_domctl_sched_credit2 *params);
/* buf NULL: returns the size needed; otherwise the size used. */
long bx_gethvmcontext(struct bx *bx, uint32_t domid, void *buf, uint32_t size);
int bx_sethvmcontext(struct bx *bx, uint32_t domid, const void *buf, uint32_t size);
int bx_settscinfo(struct bx *bx, uint32_t domid, const struct xen_domctl_tsc_info *tsc);
int bx_set_paging_mempool_size(struct bx *bx, uint32_t domid, uint64_t bytes);
/* *nr_leaves / *nr_msrs: in, capacity; out, entries. */
int bx_get_cpu_policy(struct bx *bx, uint32_t domid, xen_cpuid_leaf_t *leaves,
		      uint32_t *nr_leaves, xen_msr_entry_t *msrs, uint32_t *nr_msrs);
/* On EINVAL err (may be NULL) names the leaf, subleaf and MSR refused. */
int bx_set_cpu_policy(struct bx *bx, uint32_t domid, const xen_cpuid_leaf_t *leaves,
		      uint32_t nr_leaves, const xen_msr_entry_t *msrs, uint32_t nr_msrs,
		      uint32_t err[3]);

/* ---- bx_sysctl.c ---- */

int bx_sysctl(struct bx *bx, struct xen_sysctl *sysctl);
int bx_physinfo(struct bx *bx, struct xen_sysctl_physinfo *info);
int bx_sched_id(struct bx *bx, uint32_t *sched_id);
/* Up to max domains with id >= first; returns how many were written. */
int bx_getdomaininfolist(struct bx *bx, uint32_t first, uint32_t max,
			 struct xen_domctl_getdomaininfo *infos);
/* Every domain, ascending; *infos is malloc'ed.  Returns the count. */
int bx_list_domains(struct bx *bx, struct xen_domctl_getdomaininfo **infos);
/* Up to count bytes of the console ring (not NUL-terminated); with index,
 * from *index on (and *index moves past them).  Returns bytes read. */
long bx_readconsole(struct bx *bx, char *buf, uint32_t count, bool clear,
		    uint32_t *index);
/* XEN_SYSCTL_debug_keys: the hv prints what each key asks for on its
 * console (read back with bx_readconsole). */
int bx_debug_keys(struct bx *bx, const char *keys);
/* The first pool with id >= *pool_id; cpumap gets nr_bits bits. */
/* XEN_SYSCTL_scheduler_op getinfo: the credit2 rate limit of a pool. */
int bx_credit2_ratelimit(struct bx *bx, uint32_t pool_id, uint32_t *ratelimit_us);
int bx_cpupool_info(struct bx *bx, uint32_t *pool_id, uint32_t *sched_id,
		    uint32_t *n_dom, uint8_t *cpumap, uint32_t nr_bits);

/* ---- bx_version.c ---- */

long bx_xen_version(struct bx *bx, int cmd, void *arg, size_t size);
/* major << 16 | minor */
long bx_version(struct bx *bx);
int bx_extraversion(struct bx *bx, xen_extraversion_t out);
int bx_capabilities(struct bx *bx, xen_capabilities_info_t out);
int bx_changeset(struct bx *bx, xen_changeset_info_t out);
int bx_compile_info(struct bx *bx, struct xen_compile_info *out);
int bx_platform_parameters(struct bx *bx, struct xen_platform_parameters *out);
long bx_pagesize(struct bx *bx);
/* The build id's bytes (up to size); returns its length or -errno. */
long bx_build_id(struct bx *bx, unsigned char *id, uint32_t size);
int bx_commandline(struct bx *bx, xen_commandline_t out);

/* ---- bx_memory.c ---- */

long bx_memory_op(struct bx *bx, unsigned cmd, void *arg, size_t size);
/* Returns the number of extents populated; gfns[] is in/out. */
long bx_populate_physmap(struct bx *bx, uint32_t domid, unsigned long nr,
			 unsigned order, unsigned mem_flags, xen_pfn_t *gfns);
int bx_claim_pages(struct bx *bx, uint32_t domid, unsigned long nr_pages);
/* entries: nr packed 20-byte e820 records. */
int bx_set_memory_map(struct bx *bx, uint32_t domid, const void *entries,
		      uint32_t nr);
int bx_add_to_physmap(struct bx *bx, uint32_t domid, unsigned space,
		      unsigned long idx, xen_pfn_t gpfn);
int bx_remove_from_physmap(struct bx *bx, uint32_t domid, xen_pfn_t gpfn);
long bx_maximum_gpfn(struct bx *bx, uint32_t domid);
/* frames[] gets *nr_frames frames; *nr_frames: in, wanted; out, given. */
int bx_acquire_resource(struct bx *bx, uint32_t domid, unsigned type,
			unsigned id, uint64_t frame, uint32_t *nr_frames,
			xen_pfn_t *frames);

/* ---- bx_hvm.c: hvm_op params and event channels made for a domain ---- */

int bx_hvm_set_param(struct bx *bx, uint32_t domid, uint32_t index, uint64_t value);
int bx_hvm_get_param(struct bx *bx, uint32_t domid, uint32_t index, uint64_t *value);
/* A port of domid that remote may bind; returns the port. */
long bx_evtchn_alloc_unbound(struct bx *bx, uint32_t domid, uint32_t remote);

/* ---- bx_foreign.c: another domain's frames in this process ---- */

/* Maps nr frames of domid; err[] (may be NULL) gets each frame's -errno. */
void *bx_map_foreign(struct bx *bx, uint32_t domid, int prot,
		     const xen_pfn_t *gfns, int *err, uint32_t nr);
void *bx_map_resource(struct bx *bx, uint32_t domid, unsigned type,
		      unsigned id, unsigned idx, unsigned long nr, int prot);
void bx_unmap(void *addr, unsigned long nr_frames);

/* ---- bx_fd.c: whole transfers (0 or -errno; -ECONNRESET at EOF) ---- */

int bx_write_all(int fd, const void *data, size_t len);
int bx_read_full(int fd, void *buf, size_t len);

/* ---- bx_evtchn.c: /dev/xen/evtchn ---- */

int bx_evtchn_open(void);
long bx_evtchn_bind_interdomain(int fd, uint32_t domid, uint32_t remote_port);
long bx_evtchn_bind_virq(int fd, uint32_t virq);
int bx_evtchn_notify(int fd, uint32_t port);
int bx_evtchn_unbind(int fd, uint32_t port);
/* The next pending port (blocks unless the fd is non-blocking). */
long bx_evtchn_pending(int fd);
int bx_evtchn_unmask(int fd, uint32_t port);

/* ---- bx_gntdev.c: /dev/xen/gntdev ---- */

int bx_gntdev_open(void);
/* Maps nr grant refs of domid, contiguous; NULL with errno on failure.
 * *index is the device offset bx_gntdev_unmap gives back. */
void *bx_gntdev_map(int fd, uint32_t domid, const uint32_t *refs, uint32_t nr,
		    int prot, uint64_t *index);
int bx_gntdev_unmap(int fd, void *addr, uint32_t nr, uint64_t index);

/* ---- bx_xs.c, bx_xs_ops.c, bx_xs_watch.c: a xenstore client ---- */

struct bx_xs_event; /* a watch event queued while a reply was awaited */

struct bx_xs {
	int fd;                   /* socket or /dev/xen/xenbus, -1 unset */
	uint32_t req_id;
	struct bx_xs_event *events, **events_tail;
};

/* Connects to path, or to the usual places when path is NULL. */
int bx_xs_open(struct bx_xs *xs, const char *path);
void bx_xs_close(struct bx_xs *xs);
/*
 * One request: the payload is nparts strings, each sent with its NUL
 * except a last one whose length is given (last_len, -1: with NUL).
 * *reply (may be NULL) gets the malloc'ed payload, NUL-terminated, and
 * *reply_len its length.  An XS_ERROR reply comes back as -errno.
 */
int bx_xs_request(struct bx_xs *xs, uint32_t type, uint32_t tx,
		  const char *const *parts, int nparts, long last_len,
		  char **reply, uint32_t *reply_len);

/* The value (malloc'ed, NUL-terminated) or NULL with errno set. */
char *bx_xs_read(struct bx_xs *xs, uint32_t tx, const char *path, uint32_t *len);
int bx_xs_write(struct bx_xs *xs, uint32_t tx, const char *path,
		const void *value, uint32_t len);
int bx_xs_write_str(struct bx_xs *xs, uint32_t tx, const char *path, const char *value);
int bx_xs_mkdir(struct bx_xs *xs, uint32_t tx, const char *path);
int bx_xs_rm(struct bx_xs *xs, uint32_t tx, const char *path);
/* Children names: a malloc'ed array (one allocation) and their count. */
int bx_xs_directory(struct bx_xs *xs, uint32_t tx, const char *path, char ***names);
/* Permissions in the wire's text form, "n0\0r1\0" as ("n0", "r1"). */
int bx_xs_get_perms(struct bx_xs *xs, uint32_t tx, const char *path, char ***perms);
int bx_xs_set_perms(struct bx_xs *xs, uint32_t tx, const char *path,
		    const char *const *perms, int nperms);
int bx_xs_transaction_start(struct bx_xs *xs, uint32_t *tx);
/* commit false aborts.  -EAGAIN: a conflict, run the transaction again. */
int bx_xs_transaction_end(struct bx_xs *xs, uint32_t tx, bool commit);
/* Runs body in a transaction, again while the commit says EAGAIN. */
int bx_xs_transaction(struct bx_xs *xs, int (*body)(struct bx_xs *xs, uint32_t tx, void *arg),
		      void *arg, int max_tries);
int bx_xs_introduce(struct bx_xs *xs, uint32_t domid, unsigned long gfn, uint32_t port);
int bx_xs_release(struct bx_xs *xs, uint32_t domid);
/* "/local/domain/<domid>" as xenstored says it, malloc'ed, or NULL. */
char *bx_xs_get_domain_path(struct bx_xs *xs, uint32_t domid);

int bx_xs_watch(struct bx_xs *xs, const char *path, const char *token);
int bx_xs_unwatch(struct bx_xs *xs, const char *path, const char *token);
/* The next watch event: *path and *token point into one malloc'ed block
 * the caller frees as *path.  timeout_ms < 0 waits for ever; 0 on timeout. */
int bx_xs_read_watch(struct bx_xs *xs, int timeout_ms, char **path, char **token);
/* One whole message from xenstored, the payload malloc'ed and NUL-ended. */
struct xsd_sockmsg;
int bx_xs_read_msg(struct bx_xs *xs, struct xsd_sockmsg *hdr, char **payload);
/* Used by bx_xs_request: keep an event that arrived before the reply
 * (takes ownership of the malloc'ed payload). */
int bx_xs_queue_event(struct bx_xs *xs, char *payload, uint32_t len);

#endif
