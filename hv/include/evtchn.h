/*
 * Event channels, 2-level ABI (public/event_channel.h; semantics as in
 * Xen's docs and Linux's drivers/xen/events/events_2l.c): per-domain port
 * table; pending and mask bitmaps in shared_info; a pending port sets its
 * word's bit in the target vCPU's evtchn_pending_sel and the vCPU's
 * evtchn_upcall_pending, then the vCPU is kicked.  Pure logic against an
 * owner interface, so the same code runs in host unit tests.
 */
#ifndef BASTION_EVTCHN_H
#define BASTION_EVTCHN_H

#include "lib.h"
#include "spinlock.h"
#include "public/xen.h"
#include "public/event_channel.h"

#define EVTCHN_MAX_PORTS 1024 /* of the 4096 the 2-level ABI allows */
#define EVTCHN_NR_VIRQS 24
#define EVTCHN_RESERVED 0xff /* internal state of port 0, never reported */

struct evtchn_port_state {
	uint8_t state;         /* EVTCHNSTAT_* */
	uint8_t vcpu;          /* notified vCPU */
	uint16_t remote_domid; /* unbound: who may bind; interdomain: peer */
	uint32_t remote_port;  /* interdomain */
	uint32_t virq;         /* virq */
};

struct evtchn_owner_ops {
	struct vcpu_info *(*vcpu_info)(void *owner, unsigned vcpu);
	void (*kick)(void *owner, unsigned vcpu);
	/* A port became pending: any vCPU in SCHEDOP_poll may wait on it. */
	void (*wake_pollers)(void *owner);
};

struct evtchn_table {
	uint16_t domid;
	unsigned nr_vcpus;
	uint32_t max_port;     /* highest port it may allocate (createdomain's max_evtchn_port) */
	struct shared_info *shared;
	const struct evtchn_owner_ops *ops;
	void *owner;
	uint32_t virq_port[32][EVTCHN_NR_VIRQS]; /* [vcpu][virq] -> port, 0 = none */
	struct evtchn_port_state port[EVTCHN_MAX_PORTS];
	spinlock_t lock;
	bool dead;             /* closed for good (its domain is dying): no new ports */
	bool compat;           /* shared_info in the x86_32 layout (32-bit words) */
};

void evtchn_table_init(struct evtchn_table *t, uint16_t domid, unsigned nr_vcpus, uint32_t max_port,
		       struct shared_info *shared, const struct evtchn_owner_ops *ops, void *owner);

/* The guest's shared_info layout from now on: x86_32's (compat) or
 * x86_64's.  1024 ports fit either. */
void evtchn_set_compat(struct evtchn_table *t, bool compat);
/* Every selector bit of vi set, in the table's layout: the guest looks
 * at every bitmap word (a vcpu_info that moved). */
void evtchn_select_all(const struct evtchn_table *t, struct vcpu_info *vi);

/* Another domain's table, for sends and closes: get returns it held (NULL
 * if there is no such domain), put lets it go. */
struct evtchn_peers {
	struct evtchn_table *(*get)(uint16_t domid);
	void (*put)(struct evtchn_table *t);
};

/* Each returns 0 or a negative Xen errno. */
int evtchn_alloc_unbound(struct evtchn_table *t, uint16_t remote_domid, uint32_t *port);
int evtchn_bind_interdomain(struct evtchn_table *t, struct evtchn_table *remote, uint32_t remote_port,
			    uint32_t *port);
int evtchn_bind_virq(struct evtchn_table *t, uint32_t virq, uint32_t vcpu, uint32_t *port);
int evtchn_bind_ipi(struct evtchn_table *t, uint32_t vcpu, uint32_t *port);
int evtchn_send(struct evtchn_table *t, uint32_t port, const struct evtchn_peers *peers);
int evtchn_close(struct evtchn_table *t, uint32_t port, const struct evtchn_peers *peers);
/* The hv's peers: the domain table (hc_evtchn.c). */
extern const struct evtchn_peers evtchn_domain_peers;
/* Every port closed (the domain dies): peers' ends become unbound. */
void evtchn_close_all(struct evtchn_table *t, const struct evtchn_peers *peers);
int evtchn_unmask(struct evtchn_table *t, uint32_t port);
int evtchn_bind_vcpu(struct evtchn_table *t, uint32_t port, uint32_t vcpu);
int evtchn_get_status(struct evtchn_table *t, uint32_t port, struct evtchn_status *st);
/* Raises a VIRQ on a vCPU if the guest bound it; returns whether it was. */
bool evtchn_raise_virq(struct evtchn_table *t, uint32_t virq, uint32_t vcpu);
/* Whether a port is pending (masked or not); false if out of range. */
bool evtchn_port_pending(const struct evtchn_table *t, uint32_t port);
/* Marks a port pending and notifies; the port must be valid. */
void evtchn_set_pending(struct evtchn_table *t, uint32_t port);

#endif
