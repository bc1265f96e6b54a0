/*
 * Asynchronous requests for the device model's main loop: reads, writes
 * and flushes of raw images go to io_uring where the kernel offers it
 * (aio_uring.c); the rest goes to a fixed pool of worker threads, which
 * take requests from a FIFO, run them through the synchronous
 * (thread-safe) block calls, queue them as finished and bump an eventfd
 * (the one io_uring bumps too).  The loop polls that fd and calls
 * blk_aio_complete(), which runs the done() callbacks in the loop's own
 * thread: the workers' in the order they finished, then io_uring's.
 *
 * Ordering rules are a disk's: requests in flight together may complete
 * in any order; a flush covers every write that completed before the flush
 * was submitted; a FUA write is stable when it completes.
 */
#include <errno.h>
#include <stdint.h>
#include <stdlib.h>
#include <sys/eventfd.h>
#include <unistd.h>

#include "block_int.h"

#define BLK_AIO_MAX_WORKERS 64

struct blk_aio {
	pthread_mutex_t lock;
	pthread_cond_t work;
	struct blk_request *todo_head, *todo_tail;
	struct blk_request *done_head, *done_tail;
	bool stopping;
	int efd;
	struct blk_uring *uring; /* NULL: the workers do everything */
	unsigned nworkers;
	pthread_t workers[BLK_AIO_MAX_WORKERS];
};

static void push(struct blk_request **head, struct blk_request **tail,
		 struct blk_request *r)
{
	r->next = NULL;
	if (*tail)
		(*tail)->next = r;
	else
		*head = r;
	*tail = r;
}

static int run_request(struct blk_request *r)
{
	switch (r->op) {
	case BLK_OP_READ:
		if (r->iovcnt)
			return blk_preadv(r->blk, r->offset, r->iov, r->iovcnt);
		return blk_pread(r->blk, r->offset, r->buf, r->len);
	case BLK_OP_WRITE:
		if (r->iovcnt)
			return blk_pwritev(r->blk, r->offset, r->iov, r->iovcnt, r->flags);
		return blk_pwrite(r->blk, r->offset, r->buf, r->len, r->flags);
	case BLK_OP_FLUSH:
		return blk_flush(r->blk);
	case BLK_OP_DISCARD:
		return blk_discard(r->blk, r->offset, r->len);
	}
	return -EINVAL;
}

static void *worker_main(void *arg)
{
	struct blk_aio *aio = arg;
	const uint64_t one = 1;

	pthread_mutex_lock(&aio->lock);
	for (;;) {
		while (!aio->todo_head && !aio->stopping)
			pthread_cond_wait(&aio->work, &aio->lock);
		struct blk_request *r = aio->todo_head;
		if (!r)
			break; /* stopping and nothing left */
		aio->todo_head = r->next;
		if (!aio->todo_head)
			aio->todo_tail = NULL;
		pthread_mutex_unlock(&aio->lock);
		r->ret = run_request(r);
		pthread_mutex_lock(&aio->lock);
		push(&aio->done_head, &aio->done_tail, r);
		if (write(aio->efd, &one, sizeof(one)) < 0) {
			/* the counter cannot overflow at our rates; nothing to do */
		}
	}
	pthread_mutex_unlock(&aio->lock);
	return NULL;
}

struct blk_aio *blk_aio_new(unsigned workers)
{
	struct blk_aio *aio = calloc(1, sizeof(*aio));

	if (!aio)
		return NULL;
	if (workers == 0)
		workers = 1;
	if (workers > BLK_AIO_MAX_WORKERS)
		workers = BLK_AIO_MAX_WORKERS;
	pthread_mutex_init(&aio->lock, NULL);
	pthread_cond_init(&aio->work, NULL);
	aio->efd = eventfd(0, EFD_NONBLOCK | EFD_CLOEXEC);
	if (aio->efd < 0) {
		free(aio);
		return NULL;
	}
	aio->uring = blk_uring_new(aio->efd);
	for (unsigned i = 0; i < workers; i++) {
		if (pthread_create(&aio->workers[i], NULL, worker_main, aio) != 0)
			break;
		aio->nworkers++;
	}
	if (!aio->nworkers) {
		blk_uring_free(aio->uring);
		close(aio->efd);
		free(aio);
		return NULL;
	}
	return aio;
}

int blk_aio_fd(const struct blk_aio *aio)
{
	return aio->efd;
}

const char *blk_aio_engine(const struct blk_aio *aio)
{
	return aio->uring ? "io_uring+threads" : "threads";
}

int blk_aio_submit(struct blk_aio *aio, struct blk_request *req)
{
	if (blk_uring_submit(aio->uring, req) == 0)
		return 0;
	pthread_mutex_lock(&aio->lock);
	if (aio->stopping) {
		pthread_mutex_unlock(&aio->lock);
		return -ESHUTDOWN;
	}
	push(&aio->todo_head, &aio->todo_tail, req);
	pthread_cond_signal(&aio->work);
	pthread_mutex_unlock(&aio->lock);
	return 0;
}

void blk_aio_plug(struct blk_aio *aio)
{
	blk_uring_plug(aio->uring, true);
}

void blk_aio_unplug(struct blk_aio *aio)
{
	blk_uring_plug(aio->uring, false);
}

unsigned blk_aio_complete(struct blk_aio *aio)
{
	uint64_t count;
	unsigned n = 0;

	if (read(aio->efd, &count, sizeof(count)) < 0 && errno != EAGAIN)
		return 0;
	pthread_mutex_lock(&aio->lock);
	struct blk_request *r = aio->done_head;
	aio->done_head = aio->done_tail = NULL;
	pthread_mutex_unlock(&aio->lock);
	while (r) {
		struct blk_request *next = r->next;
		r->done(r, r->ret);
		r = next;
		n++;
	}
	return n + blk_uring_reap(aio->uring);
}

void blk_aio_free(struct blk_aio *aio)
{
	if (!aio)
		return;
	struct blk_uring *uring = aio->uring;
	aio->uring = NULL; /* (what its callbacks submit goes to the workers) */
	blk_uring_free(uring);
	pthread_mutex_lock(&aio->lock);
	aio->stopping = true;
	pthread_cond_broadcast(&aio->work);
	pthread_mutex_unlock(&aio->lock);
	for (unsigned i = 0; i < aio->nworkers; i++)
		pthread_join(aio->workers[i], NULL);
	blk_aio_complete(aio);
	close(aio->efd);
	pthread_cond_destroy(&aio->work);
	pthread_mutex_destroy(&aio->lock);
	free(aio);
}
