/*
 * A fake blkif frontend for host tests: guest memory is a memfd whose
 * pages are the grants (ref = page + FAKE_REF_BASE), mapped the way gntdev
 * maps them (each page aliased at consecutive addresses, read-only unless
 * asked otherwise), so the engine really writes into "guest" pages.  The
 * ring lives in ordinary memory the test owns.
 */
#ifndef BASTION_TEST_PV_FAKE_FRONTEND_H
#define BASTION_TEST_PV_FAKE_FRONTEND_H

#include <stdbool.h>
#include <stdint.h>

#include "blkif.h"
#include "public/io/blkif.h"
#include "pv_host.h"

#define FAKE_REF_BASE 1000u
#define FAKE_GUEST_PAGES 1024u

struct fake_fe {
	struct pv_host host;
	int memfd;
	uint8_t *guest;        /* all guest pages, read-write, for the test */
	unsigned maps_live;    /* grant mappings not yet released */
	unsigned maps_total;
	unsigned maps_peak;    /* most mappings live at once */
	unsigned notifies;
	unsigned laters;       /* the engine asked to be kicked again */
	uint32_t bad_ref;      /* this ref fails to map (0: none) */
	uint32_t ro_ref;       /* granted read-only: a writable map fails (0: none) */
	/* Called on every grant map, while the engine takes a request: a
	 * frontend acting at the same time as the backend. */
	void (*on_map)(struct fake_fe *fe);
	/* The fd watch (netif): what watch_fd registered, 0 when none. */
	long fd_watch;
	unsigned fd_watches; /* watch_fd calls */
	void (*fd_ready)(void *arg);
	void *fd_ready_arg;
	/* The writable-fd watch (console): the same, 0 when none. */
	long fd_out_watch;
	void (*fd_out_ready)(void *arg);
	void *fd_out_ready_arg;
	struct blkif_sring *sring;
	unsigned ring_pages;
	enum blkif_abi abi; /* the layout fake_push and fake_pop use (set before use) */
	uint32_t rsp_cons;
	struct blkif_engine *engine;
	struct blk_aio *aio;
};

int fake_fe_init(struct fake_fe *fe, unsigned ring_pages, uint32_t start_index);
void fake_fe_fini(struct fake_fe *fe);
uint8_t *fake_page(struct fake_fe *fe, uint32_t ref);
void fake_push(struct fake_fe *fe, const union blkif_ring_entry *req);
/* Waits (up to 10 s) until n responses are unconsumed; false on timeout. */
bool fake_wait(struct fake_fe *fe, unsigned n);
bool fake_pop(struct fake_fe *fe, struct blkif_response *rsp);
unsigned fake_ring_entries(const struct fake_fe *fe);

#endif
