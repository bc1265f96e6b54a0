/* Follows Xen's public header xen/include/public/sched.h. */
/*
 * sched_op(cmd, arg): yielding and blocking the calling vCPU, shutting
 * the domain down with a reason (what a guest's poweroff, reboot or
 * panic turns into), polling a set of event-channel ports with a
 * timeout, and the watchdog.
 */
#ifndef BASTION_PUBLIC_SCHED_H
#define BASTION_PUBLIC_SCHED_H

#include <stddef.h>
#include <stdint.h>

#include "event_channel.h"

#define SCHEDOP_yield            0   /* arg NULL */
#define SCHEDOP_block            1   /* arg NULL; wakes on an event */
#define SCHEDOP_shutdown         2   /* sched_shutdown */
#define SCHEDOP_poll             3   /* sched_poll */
#define SCHEDOP_remote_shutdown  4   /* sched_remote_shutdown */
#define SCHEDOP_shutdown_code    5   /* sched_shutdown: record, don't act */
#define SCHEDOP_watchdog         6   /* sched_watchdog */
#define SCHEDOP_pin_override     7   /* sched_pin_override */

#define SHUTDOWN_poweroff    0
#define SHUTDOWN_reboot      1
#define SHUTDOWN_suspend     2
#define SHUTDOWN_crash       3
#define SHUTDOWN_watchdog    4
#define SHUTDOWN_soft_reset  5
#define SHUTDOWN_MAX         5

struct sched_shutdown {
    uint32_t reason;    /* SHUTDOWN_* */
};
typedef struct sched_shutdown sched_shutdown_t;

struct sched_poll {
    XEN_GUEST_HANDLE(evtchn_port_t) ports;  /* GVA of nr_ports ports */
    uint32_t nr_ports;
    uint64_t timeout;   /* absolute system time in ns; 0 = none */
};
typedef struct sched_poll sched_poll_t;

struct sched_remote_shutdown {
    domid_t domain_id;
    uint32_t reason;    /* SHUTDOWN_* */
};
typedef struct sched_remote_shutdown sched_remote_shutdown_t;

/* id 0 creates a watchdog (returns its id); timeout 0 destroys one. */
struct sched_watchdog {
    uint32_t id;
    uint32_t timeout;   /* seconds */
};
typedef struct sched_watchdog sched_watchdog_t;

struct sched_pin_override {
    int32_t pcpu;       /* -1 ends the override */
};
typedef struct sched_pin_override sched_pin_override_t;

_Static_assert(sizeof(struct sched_shutdown) == 4, "sched_shutdown size");
_Static_assert(sizeof(struct sched_poll) == 24, "sched_poll size");
_Static_assert(offsetof(struct sched_poll, nr_ports) == 8, "sched_poll.nr_ports");
_Static_assert(offsetof(struct sched_poll, timeout) == 16, "sched_poll.timeout");
_Static_assert(sizeof(struct sched_remote_shutdown) == 8, "sched_remote_shutdown size");
_Static_assert(offsetof(struct sched_remote_shutdown, reason) == 4,
               "sched_remote_shutdown.reason");
_Static_assert(sizeof(struct sched_watchdog) == 8, "sched_watchdog size");
_Static_assert(sizeof(struct sched_pin_override) == 4, "sched_pin_override size");

#endif /* BASTION_PUBLIC_SCHED_H */
