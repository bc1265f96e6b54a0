/*
 * xs_ring_xen.h - xenstored in a Linux dom0: the ring backend for real
 * domains (xs_ring_xen.c) and the hypervisor calls the daemon makes
 * besides (xs_xen_dom.c): the local domain's xenstore port, the
 * VIRQ_DOM_EXC channel and XEN_DOMCTL_getdomaininfo.
 */
#ifndef XS_RING_XEN_H
#define XS_RING_XEN_H

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>

extern const struct xs_ring_backend xs_ring_xen_backend;
/* Opens gntdev and privcmd; NULL if privcmd can't be opened (errno).
 * foreign_only: map every ring as foreign memory, never by grant; log
 * (may be NULL): where to say how each ring was mapped. */
void *xs_ring_xen_new(bool foreign_only, FILE *log);
void xs_ring_xen_free(void *ctx);
int xs_ring_xen_privcmd_fd(void *ctx);

/* A fresh non-blocking /dev/xen/evtchn descriptor, or -1 (errno). */
int xs_evtchn_open(void);
/* Reads the pending ports on fd and unmasks them; returns how many, or -1
 * if unmasking failed. */
int xs_evtchn_drain(int fd);

/* The local domain's xenstore event channel, from its kernel; 0 or errno. */
int xs_xen_local_port(uint32_t *port);
/* A descriptor bound to VIRQ_DOM_EXC, or -1 (errno). */
int xs_xen_bind_dom_exc(void);
/* XEN_DOMCTL_getdomaininfo for domid through privcmd (ctx: the backend's):
 * 0 with the reported domain's id and XEN_DOMINF_* flags, or an errno
 * (ESRCH: no domain at or above domid). */
int xs_xen_dominfo(void *ctx, uint32_t domid, uint32_t *found,
		   uint32_t *flags);

#endif
