/* hv/common/evtchn.c: 2-level event channels against fake vCPUs. */
#include <string.h>
#include "check.h"
#include "evtchn.h"
#include "public/errno.h"

static struct shared_info shared_a, shared_b;
static unsigned kicks[2][2]; /* [domain][vcpu] */
static unsigned poller_wakes[2]; /* [domain] */

static struct vcpu_info *vi(void *owner, unsigned vcpu)
{
	struct shared_info *s = owner;
	return vcpu < 2 ? &s->vcpu_info[vcpu] : NULL;
}

static void kick(void *owner, unsigned vcpu)
{
	kicks[owner == &shared_b][vcpu]++;
}

static void wake_pollers(void *owner)
{
	poller_wakes[owner == &shared_b]++;
}

static const struct evtchn_owner_ops ops = { vi, kick, wake_pollers };
static struct evtchn_table ta, tb;

static int held; /* references the peers interface has out */

static struct evtchn_table *peer_get(uint16_t domid)
{
	struct evtchn_table *t = domid == 0 ? &ta : domid == 1 ? &tb : NULL;
	held += t != NULL;
	return t;
}

static void peer_put(struct evtchn_table *t)
{
	(void)t;
	held--;
}

static const struct evtchn_peers peers = { peer_get, peer_put };
#define lookup (&peers)

static bool pending(struct shared_info *s, uint32_t port)
{
	return (s->evtchn_pending[port / 64] >> (port % 64)) & 1;
}

static void reset(void)
{
	memset(&shared_a, 0, sizeof(shared_a));
	memset(&shared_b, 0, sizeof(shared_b));
	memset(kicks, 0, sizeof(kicks));
	memset(poller_wakes, 0, sizeof(poller_wakes));
	evtchn_table_init(&ta, 0, 2, 1023, &shared_a, &ops, &shared_a);
	evtchn_table_init(&tb, 1, 2, 1023, &shared_b, &ops, &shared_b);
}

static void loopback(void)
{
	uint32_t a, b;
	reset();
	CHECK(evtchn_alloc_unbound(&ta, DOMID_SELF, &a) == 0 && a == 1, "evtchn: first port is 1 (0 is reserved)");
	CHECK(evtchn_bind_interdomain(&ta, &ta, a, &b) == 0 && b == 2, "evtchn: loopback bind within one domain");
	shared_a.evtchn_pending[0] = 0, shared_a.vcpu_info[0].evtchn_upcall_pending = 0;
	shared_a.vcpu_info[0].evtchn_pending_sel = 0;
	kicks[0][0] = 0;
	CHECK(evtchn_send(&ta, b, lookup) == 0 && pending(&shared_a, a) && !pending(&shared_a, b),
	      "evtchn: sending on one end marks the other pending");
	CHECK(shared_a.vcpu_info[0].evtchn_upcall_pending && (shared_a.vcpu_info[0].evtchn_pending_sel & 1) &&
		      kicks[0][0] == 1, "evtchn: the upcall flag and selector are set and the vCPU kicked");
	evtchn_send(&ta, b, lookup);
	CHECK(kicks[0][0] == 1, "evtchn: a second send while pending notifies nobody again");
	struct evtchn_status st;
	CHECK(evtchn_get_status(&ta, b, &st) == 0 && st.status == EVTCHNSTAT_interdomain &&
		      st.u.interdomain.port == a, "evtchn: status reports the interdomain peer");
	CHECK(evtchn_close(&ta, a, lookup) == 0 && evtchn_get_status(&ta, b, &st) == 0 &&
		      st.status == EVTCHNSTAT_unbound, "evtchn: closing one end leaves the other unbound");
	CHECK(evtchn_send(&ta, a, lookup) == -XEN_EINVAL, "evtchn: send on a closed port fails");
}

static void masking(void)
{
	uint32_t p;
	reset();
	evtchn_bind_ipi(&ta, 1, &p);
	shared_a.evtchn_mask[p / 64] |= 1ULL << (p % 64);
	CHECK(evtchn_send(&ta, p, lookup) == 0 && pending(&shared_a, p) &&
		      !shared_a.vcpu_info[1].evtchn_upcall_pending && kicks[0][1] == 0 &&
		      poller_wakes[0] == 1 && poller_wakes[1] == 0,
	      "evtchn: a masked port becomes pending without an upcall; the domain's pollers are woken");
	CHECK(evtchn_unmask(&ta, p) == 0 && shared_a.vcpu_info[1].evtchn_upcall_pending && kicks[0][1] == 1,
	      "evtchn: unmasking a pending port delivers it to its vCPU (1)");
	CHECK(!shared_a.vcpu_info[0].evtchn_upcall_pending, "evtchn: the IPI went to vCPU 1 only");
}

static void virqs(void)
{
	uint32_t t1, c0, x;
	reset();
	CHECK(evtchn_bind_virq(&ta, VIRQ_TIMER, 1, &t1) == 0, "evtchn: VIRQ_TIMER binds on vCPU 1");
	CHECK(evtchn_bind_virq(&ta, VIRQ_TIMER, 1, &x) == -XEN_EEXIST, "evtchn: binding a VIRQ twice is refused");
	CHECK(evtchn_bind_virq(&ta, VIRQ_CONSOLE, 1, &x) == -XEN_EINVAL,
	      "evtchn: a global VIRQ only binds on vCPU 0");
	CHECK(evtchn_bind_virq(&ta, VIRQ_CONSOLE, 0, &c0) == 0, "evtchn: VIRQ_CONSOLE binds on vCPU 0");
	CHECK(evtchn_bind_virq(&ta, 99, 0, &x) == -XEN_EINVAL && evtchn_bind_virq(&ta, VIRQ_TIMER, 7, &x) == -XEN_ENOENT,
	      "evtchn: out-of-range VIRQ (-EINVAL) and vCPU (-ENOENT, as Xen) refused");
	CHECK(evtchn_raise_virq(&ta, VIRQ_TIMER, 1) && pending(&shared_a, t1) && kicks[0][1] == 1,
	      "evtchn: raising the timer VIRQ marks its port and kicks vCPU 1");
	CHECK(!evtchn_raise_virq(&ta, VIRQ_TIMER, 0), "evtchn: an unbound VIRQ raises nothing");
	CHECK(evtchn_close(&ta, t1, lookup) == 0 && !evtchn_raise_virq(&ta, VIRQ_TIMER, 1) &&
		      evtchn_bind_virq(&ta, VIRQ_TIMER, 1, &x) == 0, "evtchn: a closed VIRQ can be bound again");
	CHECK(evtchn_bind_vcpu(&ta, c0, 1) == 0 && evtchn_bind_vcpu(&ta, x, 0) == -XEN_EINVAL,
	      "evtchn: global VIRQs move between vCPUs, per-vCPU ones do not");
	kicks[0][1] = 0;
	shared_a.vcpu_info[1].evtchn_pending_sel = 0; /* as if vCPU 1 had handled its events */
	shared_a.vcpu_info[1].evtchn_upcall_pending = 0;
	CHECK(evtchn_raise_virq(&ta, VIRQ_CONSOLE, 0) && kicks[0][1] == 1 && pending(&shared_a, c0),
	      "evtchn: a moved global VIRQ is still raised by its name, on its new vCPU");
	CHECK(evtchn_close(&ta, c0, lookup) == 0 && evtchn_bind_virq(&ta, VIRQ_CONSOLE, 0, &c0) == 0,
	      "evtchn: closing a moved global VIRQ frees it for binding again");
}

static void two_domains_and_limits(void)
{
	uint32_t a, b, x;
	reset();
	evtchn_alloc_unbound(&ta, 1, &a);
	CHECK(evtchn_bind_interdomain(&tb, &tb, a, &x) == -XEN_EINVAL,
	      "evtchn: binding to a port that is not offered to us fails");
	CHECK(evtchn_bind_interdomain(&tb, &ta, a, &b) == 0, "evtchn: dom1 binds dom0's offered port");
	kicks[0][0] = 0;
	CHECK(evtchn_send(&tb, b, lookup) == 0 && pending(&shared_a, a) && kicks[0][0] == 1,
	      "evtchn: dom1's send reaches dom0's port");
	CHECK(evtchn_bind_interdomain(&tb, &ta, a, &x) == -XEN_EINVAL, "evtchn: a bound port cannot be bound twice");
	uint32_t bad[] = { 0, EVTCHN_MAX_PORTS, 0xffffffff };
	int refused = 0;
	for (int i = 0; i < 3; i++)
		refused += evtchn_send(&ta, bad[i], lookup) == -XEN_EINVAL && evtchn_unmask(&ta, bad[i]) == -XEN_EINVAL &&
			   evtchn_close(&ta, bad[i], lookup) == -XEN_EINVAL;
	CHECK(refused == 3, "evtchn: port 0 and out-of-range ports are refused everywhere");
	unsigned n = 0;
	while (evtchn_alloc_unbound(&ta, 0, &x) == 0)
		n++;
	CHECK(n == EVTCHN_MAX_PORTS - 2 && evtchn_alloc_unbound(&ta, 0, &x) == -XEN_ENOSPC,
	      "evtchn: the table fills at %u ports, then -ENOSPC", n + 2);
}

/* A domain's port limit, and closing every port when a domain dies. */
static void limit_and_close_all(void)
{
	uint32_t a, b, x;
	reset();
	evtchn_table_init(&tb, 1, 2, 3, &shared_b, &ops, &shared_b);
	unsigned n = 0;
	while (evtchn_alloc_unbound(&tb, 0, &x) == 0)
		n++;
	CHECK(n == 3 && x == 3, "evtchn: max_evtchn_port 3 gives ports 1-3, then -ENOSPC (%u)", n);
	evtchn_table_init(&tb, 1, 2, 1023, &shared_b, &ops, &shared_b);
	evtchn_alloc_unbound(&ta, 1, &a);
	evtchn_bind_interdomain(&tb, &ta, a, &b);
	evtchn_bind_ipi(&tb, 1, &x);
	evtchn_close_all(&tb, &peers);
	struct evtchn_status st = { 0 };
	evtchn_get_status(&ta, a, &st);
	CHECK(st.status == EVTCHNSTAT_unbound && st.u.unbound.dom == 1 && held == 0,
	      "evtchn: a dying domain's ports close; the peer's end is unbound again, no reference kept");
	CHECK(evtchn_send(&tb, b, &peers) == -XEN_EINVAL && evtchn_send(&ta, a, &peers) == 0,
	      "evtchn: the dead end cannot send; the live end's send is dropped");
	uint32_t late;
	int rb = evtchn_bind_interdomain(&ta, &tb, 1, &late), ru = evtchn_alloc_unbound(&tb, 0, &late);
	int rv = evtchn_bind_ipi(&tb, 0, &late);
	CHECK(rb == -XEN_EINVAL && ru == -XEN_EINVAL && rv == -XEN_EINVAL,
	      "evtchn: a dead table gives no new port, to itself or a peer (%d %d %d)", rb, ru, rv);
}

/* A 32-bit guest's shared_info: the pending bitmap is 32 words of 32
 * bits at the same place, the mask right after it (at 2048 + 128), and
 * vcpu_info's selector is a 32-bit word at offset 4. */
static void compat_layout(void)
{
	uint32_t p, q;
	reset();
	evtchn_set_compat(&ta, true);
	uint8_t *raw = (uint8_t *)&shared_a;
	for (unsigned i = 0; i < 100; i++)
		evtchn_alloc_unbound(&ta, DOMID_SELF, &p);
	CHECK(p == 100, "evtchn compat: port 100 allocated");
	CHECK(evtchn_bind_interdomain(&ta, &ta, 100, &q) == 0, "evtchn compat: loopback to port 100");
	evtchn_send(&ta, q, lookup);
	uint32_t sel;
	memcpy(&sel, raw + 4, 4);
	CHECK((raw[2048 + 12] & 0x10) && sel == 1u << 3 && shared_a.vcpu_info[0].evtchn_upcall_pending,
	      "evtchn compat: port 100 is bit 4 of byte 12 of the bitmap; selector bit 3 (word 3), at offset 4");
	static const uint8_t zero[8];
	CHECK(!memcmp(raw + 8, zero, 8) && !shared_a.vcpu_info[0].arch.cr2,
	      "evtchn compat: nothing written past the 32-bit selector (bytes 8-15 are x86_32's cr2)");
	evtchn_close(&ta, q, lookup);
	CHECK(evtchn_bind_interdomain(&ta, &ta, 100, &q) == 0, "evtchn compat: rebound");
	raw[2048 + 128 + 12] = 0x10; /* the guest masks port 100 in its mask bitmap */
	memset(raw, 0, 64);
	shared_a.evtchn_pending[0] = shared_a.evtchn_pending[1] = 0;
	kicks[0][0] = 0;
	evtchn_send(&ta, q, lookup);
	memcpy(&sel, raw + 4, 4);
	CHECK(raw[2048 + 12] == 0x10 && !sel && !kicks[0][0],
	      "evtchn compat: masked at 2048 + 128: pending, no selector, no kick");
	CHECK(evtchn_unmask(&ta, 100) == 0 && (memcpy(&sel, raw + 4, 4), sel == 1u << 3) && kicks[0][0] == 1,
	      "evtchn compat: unmask in the 32-bit mask bitmap delivers it");
	evtchn_select_all(&ta, &shared_a.vcpu_info[1]);
	memcpy(&sel, raw + 64 + 4, 4);
	CHECK(sel == ~0u && !memcmp(raw + 64 + 8, zero, 8), "evtchn compat: select_all sets the 32-bit selector only");
}

int main(void)
{
	limit_and_close_all();
	loopback();
	masking();
	virqs();
	two_domains_and_limits();
	compat_layout();
	return check_exit();
}
