/* Event channels, 2-level ABI (see evtchn.h). */
#include "evtchn.h"
#include "public/errno.h"

/*
 * The bitmaps are handled as 32-bit words: little-endian, port p is bit
 * p % 32 of word p / 32 whether the guest sees 32- or 64-bit words.  Only
 * where the mask bitmap starts and the selector's width depend on the
 * guest's shared_info layout (64 or 32 words per bitmap).
 */
#define BITS_PER_WORD 32
#define COMPAT_BITMAP_BYTES (32 * 4) /* x86_32: 32 words of 32 bits */
#define COMPAT_PENDING_SEL_OFF 4     /* x86_32 vcpu_info: a 32-bit selector at 4 */

/* Global VIRQs are bound on vCPU 0 only (public/xen.h VIRQ list). */
static bool virq_is_per_vcpu(uint32_t virq)
{
	return virq == VIRQ_TIMER || virq == VIRQ_DEBUG || virq == VIRQ_XENOPROF ||
	       virq == VIRQ_XENPMU;
}

/* Bit `bit` of the bitmap at base: atomically set (returning whether it
 * was), read or cleared. */
static bool test_and_set(void *base, unsigned bit)
{
	volatile uint32_t *word = (volatile uint32_t *)base + bit / BITS_PER_WORD;
	uint32_t m = 1u << (bit % BITS_PER_WORD);
	return __atomic_fetch_or(word, m, __ATOMIC_SEQ_CST) & m;
}

static bool test_bit(const void *base, unsigned bit)
{
	const volatile uint32_t *word = (const volatile uint32_t *)base + bit / BITS_PER_WORD;
	return (__atomic_load_n(word, __ATOMIC_SEQ_CST) >> (bit % BITS_PER_WORD)) & 1;
}

static void clear_bit(void *base, unsigned bit)
{
	volatile uint32_t *word = (volatile uint32_t *)base + bit / BITS_PER_WORD;
	__atomic_fetch_and(word, ~(1u << (bit % BITS_PER_WORD)), __ATOMIC_SEQ_CST);
}

static void *pending_bitmap(const struct evtchn_table *t)
{
	return t->shared->evtchn_pending;
}

/* The layout, read once per operation: the guest may latch another. */
static bool layout_compat(const struct evtchn_table *t)
{
	return __atomic_load_n(&t->compat, __ATOMIC_ACQUIRE);
}

static void *mask_bitmap(const struct evtchn_table *t, bool compat)
{
	return compat ? (char *)t->shared->evtchn_pending + COMPAT_BITMAP_BYTES : (void *)t->shared->evtchn_mask;
}

/* Sets the port's bit in vi's selector (one bit per bitmap word of the
 * guest's width); whether it was set. */
static bool set_selector(bool compat, struct vcpu_info *vi, uint32_t port)
{
	if (compat)
		return test_and_set((char *)vi + COMPAT_PENDING_SEL_OFF, port / 32);
	return test_and_set(&vi->evtchn_pending_sel, port / 64);
}

void evtchn_set_compat(struct evtchn_table *t, bool compat)
{
	__atomic_store_n(&t->compat, compat, __ATOMIC_RELEASE);
}

void evtchn_select_all(const struct evtchn_table *t, struct vcpu_info *vi)
{
	if (layout_compat(t))
		__atomic_store_n((volatile uint32_t *)((char *)vi + COMPAT_PENDING_SEL_OFF), ~0u, __ATOMIC_SEQ_CST);
	else
		__atomic_store_n(&vi->evtchn_pending_sel, ~0ULL, __ATOMIC_SEQ_CST);
}

/* Sets the selector bit and the upcall flag on the port's vCPU. */
static void notify_vcpu(struct evtchn_table *t, uint32_t port, bool compat)
{
	unsigned vcpu = t->port[port].vcpu;
	struct vcpu_info *vi = t->ops->vcpu_info(t->owner, vcpu);
	if (!vi)
		return;
	if (set_selector(compat, vi, port))
		return;
	__atomic_store_n(&vi->evtchn_upcall_pending, 1, __ATOMIC_SEQ_CST);
	t->ops->kick(t->owner, vcpu);
}

/* A guest's port number, already checked, clamped against speculation. */
static uint32_t clamp_port(uint32_t port)
{
	return (uint32_t)array_index_nospec(port, EVTCHN_MAX_PORTS);
}

bool evtchn_port_pending(const struct evtchn_table *t, uint32_t port)
{
	if (port >= EVTCHN_MAX_PORTS)
		return false;
	port = clamp_port(port);
	return test_bit(pending_bitmap(t), port);
}

void evtchn_set_pending(struct evtchn_table *t, uint32_t port)
{
	bool compat = layout_compat(t);
	if (test_and_set(pending_bitmap(t), port))
		return;
	if (!test_bit(mask_bitmap(t, compat), port))
		notify_vcpu(t, port, compat);
	t->ops->wake_pollers(t->owner); /* masked or not, as Xen does */
}

void evtchn_table_init(struct evtchn_table *t, uint16_t domid, unsigned nr_vcpus, uint32_t max_port,
		       struct shared_info *shared, const struct evtchn_owner_ops *ops, void *owner)
{
	memset(t, 0, sizeof(*t));
	t->domid = domid;
	t->nr_vcpus = nr_vcpus;
	t->max_port = MIN(max_port, (uint32_t)EVTCHN_MAX_PORTS - 1);
	t->shared = shared;
	t->ops = ops;
	t->owner = owner;
	t->port[0].state = EVTCHN_RESERVED; /* port 0 is never handed out */
}

/* Finds a free port; call with the lock held.  0 when the table is
 * full or dead (alloc_error says which). */
static uint32_t get_free_port(struct evtchn_table *t)
{
	if (t->dead)
		return 0;
	for (uint32_t p = 1; p <= t->max_port; p++)
		if (t->port[p].state == EVTCHNSTAT_closed)
			return p;
	return 0;
}

static int alloc_error(const struct evtchn_table *t)
{
	return t->dead ? -XEN_EINVAL : -XEN_ENOSPC; /* Xen's errors for a dying domain, a full one */
}

static bool port_valid(const struct evtchn_table *t, uint32_t port)
{
	(void)t;
	return port > 0 && port < EVTCHN_MAX_PORTS;
}

/* Clears pending state of a port being (re)allocated. */
static void reset_port(struct evtchn_table *t, uint32_t port)
{
	clear_bit(pending_bitmap(t), port);
	t->port[port] = (struct evtchn_port_state){ 0 };
}

int evtchn_alloc_unbound(struct evtchn_table *t, uint16_t remote_domid, uint32_t *port)
{
	uint64_t flags = spin_lock_irqsave(&t->lock);
	uint32_t p = get_free_port(t);
	if (p) {
		reset_port(t, p);
		t->port[p].state = EVTCHNSTAT_unbound;
		t->port[p].remote_domid = remote_domid == DOMID_SELF ? t->domid : remote_domid;
		*port = p;
	}
	spin_unlock_irqrestore(&t->lock, flags);
	return p ? 0 : alloc_error(t);
}

static int bind_local(struct evtchn_table *t, uint8_t state, uint32_t vcpu, uint32_t virq,
		      uint32_t *port)
{
	uint32_t p = get_free_port(t);
	if (!p)
		return alloc_error(t);
	reset_port(t, p);
	t->port[p].state = state;
	t->port[p].vcpu = (uint8_t)vcpu;
	t->port[p].virq = virq;
	*port = p;
	return 0;
}

int evtchn_bind_virq(struct evtchn_table *t, uint32_t virq, uint32_t vcpu, uint32_t *port)
{
	if (virq >= EVTCHN_NR_VIRQS)
		return -XEN_EINVAL;
	if (vcpu >= t->nr_vcpus)
		return -XEN_ENOENT;
	if (vcpu != 0 && !virq_is_per_vcpu(virq))
		return -XEN_EINVAL;
	virq = (uint32_t)array_index_nospec(virq, EVTCHN_NR_VIRQS);
	vcpu = (uint32_t)array_index_nospec(vcpu, t->nr_vcpus);
	uint64_t flags = spin_lock_irqsave(&t->lock);
	int rc = -XEN_EEXIST;
	if (!t->virq_port[vcpu][virq]) {
		rc = bind_local(t, EVTCHNSTAT_virq, vcpu, virq, port);
		if (!rc)
			t->virq_port[vcpu][virq] = *port;
	}
	spin_unlock_irqrestore(&t->lock, flags);
	return rc;
}

int evtchn_bind_ipi(struct evtchn_table *t, uint32_t vcpu, uint32_t *port)
{
	if (vcpu >= t->nr_vcpus)
		return -XEN_ENOENT;
	uint64_t flags = spin_lock_irqsave(&t->lock);
	int rc = bind_local(t, EVTCHNSTAT_ipi, vcpu, 0, port);
	spin_unlock_irqrestore(&t->lock, flags);
	return rc;
}

/* Locks two tables in address order (the same table once). */
static uint64_t lock_pair(struct evtchn_table *a, struct evtchn_table *b)
{
	uint64_t flags = spin_lock_irqsave(a < b ? &a->lock : &b->lock);
	if (a != b)
		spin_lock(a < b ? &b->lock : &a->lock);
	return flags;
}

static void unlock_pair(struct evtchn_table *a, struct evtchn_table *b, uint64_t flags)
{
	if (a != b)
		spin_unlock(a < b ? &b->lock : &a->lock);
	spin_unlock_irqrestore(a < b ? &a->lock : &b->lock, flags);
}

int evtchn_bind_interdomain(struct evtchn_table *t, struct evtchn_table *remote, uint32_t remote_port,
			    uint32_t *port)
{
	if (!remote || !port_valid(remote, remote_port))
		return -XEN_EINVAL;
	remote_port = clamp_port(remote_port);
	uint64_t flags = lock_pair(t, remote);
	struct evtchn_port_state *rp = &remote->port[remote_port];
	int rc = 0;
	uint32_t p = 0;
	if (remote->dead || rp->state != EVTCHNSTAT_unbound || rp->remote_domid != t->domid)
		rc = -XEN_EINVAL;
	else if (!(p = get_free_port(t)) || (t == remote && p == remote_port))
		rc = p ? -XEN_ENOSPC : alloc_error(t);
	if (!rc) {
		reset_port(t, p);
		t->port[p] = (struct evtchn_port_state){ EVTCHNSTAT_interdomain, 0, remote->domid,
							  remote_port, 0 };
		rp->state = EVTCHNSTAT_interdomain;
		rp->remote_port = p;
		*port = p;
	}
	unlock_pair(t, remote, flags);
	if (!rc) /* the binding end is told at once, as Xen does */
		evtchn_set_pending(t, p);
	return rc;
}

int evtchn_send(struct evtchn_table *t, uint32_t port, const struct evtchn_peers *peers)
{
	if (!port_valid(t, port))
		return -XEN_EINVAL;
	port = clamp_port(port);
	uint64_t flags = spin_lock_irqsave(&t->lock);
	struct evtchn_port_state ps = t->port[port];
	spin_unlock_irqrestore(&t->lock, flags);
	switch (ps.state) {
	case EVTCHNSTAT_interdomain: {
		if (ps.remote_domid == t->domid) {
			evtchn_set_pending(t, ps.remote_port);
			return 0;
		}
		struct evtchn_table *remote = peers->get(ps.remote_domid);
		if (remote) {
			evtchn_set_pending(remote, ps.remote_port);
			peers->put(remote);
		}
		return 0;
	}
	case EVTCHNSTAT_ipi:
		evtchn_set_pending(t, port);
		return 0;
	case EVTCHNSTAT_unbound: /* no one to tell yet: dropped, as in Xen */
		return 0;
	default:
		return -XEN_EINVAL;
	}
}

static void close_locked(struct evtchn_table *t, uint32_t port, struct evtchn_port_state ps,
			 struct evtchn_table *remote);

int evtchn_close(struct evtchn_table *t, uint32_t port, const struct evtchn_peers *peers)
{
	if (!port_valid(t, port))
		return -XEN_EINVAL;
	port = clamp_port(port);
	for (;;) {
		uint64_t flags = spin_lock_irqsave(&t->lock);
		struct evtchn_port_state ps = t->port[port];
		spin_unlock_irqrestore(&t->lock, flags);
		if (ps.state == EVTCHNSTAT_closed || ps.state == EVTCHN_RESERVED)
			return -XEN_EINVAL;
		struct evtchn_table *remote = NULL;
		bool held = false;
		if (ps.state == EVTCHNSTAT_interdomain && ps.remote_domid == t->domid)
			remote = t;
		else if (ps.state == EVTCHNSTAT_interdomain)
			held = (remote = peers->get(ps.remote_domid)) != NULL;
		flags = lock_pair(t, remote ? remote : t);
		bool same = !memcmp(&t->port[port], &ps, sizeof(ps)); /* unchanged meanwhile? */
		if (same)
			close_locked(t, port, ps, remote);
		unlock_pair(t, remote ? remote : t, flags);
		if (held)
			peers->put(remote);
		if (same)
			return 0;
		/* raced with another close: look again */
	}
}

void evtchn_close_all(struct evtchn_table *t, const struct evtchn_peers *peers)
{
	uint64_t flags = spin_lock_irqsave(&t->lock);
	t->dead = true; /* no port allocated from here on, so none escapes the loop */
	spin_unlock_irqrestore(&t->lock, flags);
	for (uint32_t port = 1; port < EVTCHN_MAX_PORTS; port++)
		if (t->port[port].state != EVTCHNSTAT_closed)
			evtchn_close(t, port, peers);
}

/* Undoes a binding; call with both tables locked. */
static void close_locked(struct evtchn_table *t, uint32_t port, struct evtchn_port_state ps,
			 struct evtchn_table *remote)
{
	unsigned virq_vcpu = virq_is_per_vcpu(ps.virq) ? ps.vcpu : 0; /* where it was bound */
	if (ps.state == EVTCHNSTAT_virq && t->virq_port[virq_vcpu][ps.virq] == port)
		t->virq_port[virq_vcpu][ps.virq] = 0;
	if (remote && remote->port[ps.remote_port].state == EVTCHNSTAT_interdomain &&
	    remote->port[ps.remote_port].remote_port == port) {
		remote->port[ps.remote_port].state = EVTCHNSTAT_unbound; /* peer may rebind */
		remote->port[ps.remote_port].remote_domid = t->domid;
	}
	t->port[port] = (struct evtchn_port_state){ 0 };
}

int evtchn_unmask(struct evtchn_table *t, uint32_t port)
{
	if (!port_valid(t, port))
		return -XEN_EINVAL;
	port = clamp_port(port);
	bool compat = layout_compat(t);
	clear_bit(mask_bitmap(t, compat), port);
	if (test_bit(pending_bitmap(t), port))
		notify_vcpu(t, port, compat);
	return 0;
}

int evtchn_bind_vcpu(struct evtchn_table *t, uint32_t port, uint32_t vcpu)
{
	if (!port_valid(t, port))
		return -XEN_EINVAL;
	port = clamp_port(port);
	if (vcpu >= t->nr_vcpus)
		return -XEN_ENOENT;
	uint64_t flags = spin_lock_irqsave(&t->lock);
	struct evtchn_port_state *ps = &t->port[port];
	int rc = 0;
	if (ps->state == EVTCHNSTAT_virq && virq_is_per_vcpu(ps->virq))
		rc = -XEN_EINVAL;
	else if (ps->state == EVTCHNSTAT_closed || ps->state == EVTCHN_RESERVED ||
		 ps->state == EVTCHNSTAT_ipi)
		rc = -XEN_EINVAL;
	else
		ps->vcpu = (uint8_t)vcpu;
	spin_unlock_irqrestore(&t->lock, flags);
	return rc;
}

int evtchn_get_status(struct evtchn_table *t, uint32_t port, struct evtchn_status *st)
{
	if (port >= EVTCHN_MAX_PORTS)
		return -XEN_EINVAL;
	port = clamp_port(port);
	uint64_t flags = spin_lock_irqsave(&t->lock);
	struct evtchn_port_state ps = t->port[port];
	spin_unlock_irqrestore(&t->lock, flags);
	st->status = ps.state == EVTCHN_RESERVED ? EVTCHNSTAT_closed : ps.state;
	st->vcpu = ps.vcpu;
	if (ps.state == EVTCHNSTAT_unbound)
		st->u.unbound.dom = ps.remote_domid;
	else if (ps.state == EVTCHNSTAT_interdomain) {
		st->u.interdomain.dom = ps.remote_domid;
		st->u.interdomain.port = ps.remote_port;
	} else if (ps.state == EVTCHNSTAT_virq)
		st->u.virq = ps.virq;
	return 0;
}

bool evtchn_raise_virq(struct evtchn_table *t, uint32_t virq, uint32_t vcpu)
{
	if (virq >= EVTCHN_NR_VIRQS || vcpu >= t->nr_vcpus)
		return false;
	virq = (uint32_t)array_index_nospec(virq, EVTCHN_NR_VIRQS);
	vcpu = (uint32_t)array_index_nospec(vcpu, t->nr_vcpus);
	uint32_t port = __atomic_load_n(&t->virq_port[vcpu][virq], __ATOMIC_ACQUIRE);
	if (!port)
		return false;
	evtchn_set_pending(t, port);
	return true;
}
