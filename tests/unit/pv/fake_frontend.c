/*
 * fake_frontend.c - the fake frontend and grant host of the pv tests
 * (see fake_frontend.h).
 */
#include <errno.h>
#include <poll.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <time.h>
#include <unistd.h>

#include "fake_frontend.h"

#define PAGE 4096u

static struct fake_fe *host_fe(struct pv_host *host)
{
	return host->opaque;
}

static void *fake_map(struct pv_host *host, const uint32_t *refs, uint32_t nr,
		      bool writable, uint64_t *handle)
{
	struct fake_fe *fe = host_fe(host);
	int prot = PROT_READ | (writable ? PROT_WRITE : 0);
	uint8_t *base = mmap(NULL, (size_t)nr * PAGE, PROT_NONE,
			     MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);

	if (fe->on_map)
		fe->on_map(fe);
	if (base == MAP_FAILED)
		return NULL;
	for (uint32_t i = 0; i < nr; i++) {
		uint32_t page = refs[i] - FAKE_REF_BASE;
		if (refs[i] < FAKE_REF_BASE || page >= FAKE_GUEST_PAGES ||
		    (fe->bad_ref && refs[i] == fe->bad_ref) ||
		    (writable && fe->ro_ref && refs[i] == fe->ro_ref) ||
		    mmap(base + (size_t)i * PAGE, PAGE, prot, MAP_SHARED | MAP_FIXED,
			 fe->memfd, (off_t)page * PAGE) == MAP_FAILED) {
			munmap(base, (size_t)nr * PAGE);
			return NULL;
		}
	}
	*handle = 0x5eed;
	fe->maps_live++;
	fe->maps_total++;
	if (fe->maps_live > fe->maps_peak)
		fe->maps_peak = fe->maps_live;
	return base;
}

static void fake_unmap(struct pv_host *host, void *addr, uint32_t nr, uint64_t handle)
{
	struct fake_fe *fe = host_fe(host);

	if (handle == 0x5eed && munmap(addr, (size_t)nr * PAGE) == 0)
		fe->maps_live--;
}

static long fake_bind(struct pv_host *host, uint32_t remote_port)
{
	(void)host;
	return remote_port + 100;
}

static void fake_unbind(struct pv_host *host, uint32_t port)
{
	(void)host;
	(void)port;
}

static void fake_notify(struct pv_host *host, uint32_t port)
{
	(void)port;
	host_fe(host)->notifies++;
}

static void fake_later(struct pv_host *host, uint32_t port)
{
	(void)port;
	host_fe(host)->laters++;
}

static long fake_watch_fd(struct pv_host *host, int fd, void (*ready)(void *arg), void *arg)
{
	struct fake_fe *fe = host_fe(host);

	(void)fd;
	fe->fd_ready = ready;
	fe->fd_ready_arg = arg;
	fe->fd_watch = ++fe->fd_watches;
	return fe->fd_watch;
}

static long fake_watch_fd_out(struct pv_host *host, int fd, void (*ready)(void *arg),
			      void *arg)
{
	struct fake_fe *fe = host_fe(host);

	(void)fd;
	fe->fd_out_ready = ready;
	fe->fd_out_ready_arg = arg;
	fe->fd_out_watch = ++fe->fd_watches;
	return fe->fd_out_watch;
}

static void fake_unwatch_fd(struct pv_host *host, long watch)
{
	struct fake_fe *fe = host_fe(host);

	if (watch == fe->fd_watch)
		fe->fd_watch = 0;
	if (watch == fe->fd_out_watch)
		fe->fd_out_watch = 0;
}

static const struct pv_host_ops fake_host_ops = {
	.map_grants = fake_map,
	.unmap_grants = fake_unmap,
	.bind_evtchn = fake_bind,
	.unbind_evtchn = fake_unbind,
	.notify = fake_notify,
	.later = fake_later,
	.watch_fd = fake_watch_fd,
	.watch_fd_out = fake_watch_fd_out,
	.unwatch_fd = fake_unwatch_fd,
};

int fake_fe_init(struct fake_fe *fe, unsigned ring_pages, uint32_t start_index)
{
	memset(fe, 0, sizeof(*fe));
	fe->host = (struct pv_host){ .ops = &fake_host_ops, .domid = 7, .opaque = fe };
	fe->memfd = memfd_create("fake-guest", MFD_CLOEXEC);
	if (fe->memfd < 0 || ftruncate(fe->memfd, (off_t)FAKE_GUEST_PAGES * PAGE) < 0)
		return -errno;
	fe->guest = mmap(NULL, (size_t)FAKE_GUEST_PAGES * PAGE, PROT_READ | PROT_WRITE,
			 MAP_SHARED, fe->memfd, 0);
	if (fe->guest == MAP_FAILED)
		return -errno;
	fe->ring_pages = ring_pages;
	fe->sring = aligned_alloc(PAGE, (size_t)ring_pages * PAGE);
	if (!fe->sring)
		return -ENOMEM;
	memset(fe->sring, 0, (size_t)ring_pages * PAGE);
	fe->sring->req_prod = fe->sring->rsp_prod = start_index;
	fe->sring->req_event = fe->sring->rsp_event = start_index + 1;
	fe->rsp_cons = start_index;
	return 0;
}

void fake_fe_fini(struct fake_fe *fe)
{
	free(fe->sring);
	munmap(fe->guest, (size_t)FAKE_GUEST_PAGES * PAGE);
	close(fe->memfd);
}

uint8_t *fake_page(struct fake_fe *fe, uint32_t ref)
{
	return fe->guest + (size_t)(ref - FAKE_REF_BASE) * PAGE;
}

unsigned fake_ring_entries(const struct fake_fe *fe)
{
	return blkif_ring_entries(fe->ring_pages, fe->abi);
}

/* Ring slot idx: a 32-bit guest's entries are 108 bytes (io/blkif.h). */
static uint8_t *fake_slot(struct fake_fe *fe, uint32_t idx)
{
	size_t size = fe->abi == BLKIF_ABI_X86_32 ? 108 : sizeof(union blkif_ring_entry);

	return (uint8_t *)fe->sring->ring + (idx & (fake_ring_entries(fe) - 1)) * size;
}

/* A request as a 32-bit guest writes it: the native one without the 4
 * bytes of padding at offset 4 (before id); the rest of the slot (the
 * next slot starts at 108) is left alone. */
void fake_push(struct fake_fe *fe, const union blkif_ring_entry *req)
{
	uint8_t *to = fake_slot(fe, fe->sring->req_prod);

	if (fe->abi == BLKIF_ABI_X86_32) {
		memcpy(to, req, 4);
		memcpy(to + 4, (const uint8_t *)req + 8, 104);
	} else {
		memcpy(to, req, sizeof(*req));
	}
	__atomic_thread_fence(__ATOMIC_RELEASE);
	fe->sring->req_prod++;
}

static unsigned unconsumed(const struct fake_fe *fe)
{
	return __atomic_load_n(&fe->sring->rsp_prod, __ATOMIC_ACQUIRE) - fe->rsp_cons;
}

bool fake_wait(struct fake_fe *fe, unsigned n)
{
	struct pollfd pfd = { .fd = blk_aio_fd(fe->aio), .events = POLLIN };
	time_t deadline = time(NULL) + 10;

	while (unconsumed(fe) < n) {
		if (time(NULL) > deadline)
			return false;
		if (poll(&pfd, 1, 100) > 0)
			blk_aio_complete(fe->aio);
	}
	return true;
}

bool fake_pop(struct fake_fe *fe, struct blkif_response *rsp)
{
	if (!unconsumed(fe))
		return false;
	memset(rsp, 0, sizeof(*rsp));
	memcpy(rsp, fake_slot(fe, fe->rsp_cons), 12); /* id, operation, pad, status */
	fe->rsp_cons++;
	return true;
}
