/*
 * bastion-img bench: keeps `depth` requests of `size` bytes in flight on
 * the asynchronous layer and reports time, throughput and IOPS.  Without
 * --random it walks the image like qemu-img bench (start at -o, advance by
 * -S, wrap at the end), so the same command line drives both tools over
 * the same pattern; --random picks aligned offsets from a seeded generator.
 */
#include <getopt.h>
#include <poll.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "img.h"

struct bench {
	struct blk *blk;
	struct blk_aio *aio;
	uint64_t size, step, offset, image_size, seed;
	unsigned count, depth, submitted, completed, flush_interval;
	bool write, random, failed;
	int pattern;
	struct blk_request *reqs;
	uint8_t *bufs;
};

static uint64_t next_random(uint64_t *s)
{
	*s ^= *s << 13;
	*s ^= *s >> 7;
	*s ^= *s << 17;
	return *s;
}

static uint64_t next_offset(struct bench *bn)
{
	uint64_t slots = bn->image_size / bn->size;
	if (bn->random)
		return (next_random(&bn->seed) % slots) * bn->size;
	uint64_t off = bn->offset;
	bn->offset += bn->step;
	if (bn->offset + bn->size > bn->image_size)
		bn->offset = bn->image_size ? bn->offset % bn->image_size : 0;
	if (bn->offset + bn->size > bn->image_size)
		bn->offset = 0;
	return off;
}

static void bench_done(struct blk_request *r, int ret);

static void submit(struct bench *bn, struct blk_request *r)
{
	r->op = bn->write ? BLK_OP_WRITE : BLK_OP_READ;
	r->iov = NULL; /* one flat buffer, not a vector */
	r->iovcnt = 0;
	r->blk = bn->blk;
	r->offset = next_offset(bn);
	r->len = bn->size;
	r->done = bench_done;
	r->opaque = bn;
	bn->submitted++;
	if (blk_aio_submit(bn->aio, r) < 0)
		bn->failed = true;
}

static void bench_done(struct blk_request *r, int ret)
{
	struct bench *bn = r->opaque;

	if (ret < 0 && !bn->failed) {
		img_error("request at %llu failed: %s", (unsigned long long)r->offset,
			  blk_last_error(bn->blk));
		bn->failed = true;
	}
	bn->completed++;
	if (bn->write && bn->flush_interval && bn->completed % bn->flush_interval == 0 &&
	    blk_flush(bn->blk) < 0)
		bn->failed = true;
	if (bn->submitted < bn->count && !bn->failed)
		submit(bn, r);
}

static int bench_run(struct bench *bn, double *secs)
{
	struct timespec t0, t1;
	struct pollfd pfd = { .fd = blk_aio_fd(bn->aio), .events = POLLIN };

	clock_gettime(CLOCK_MONOTONIC, &t0);
	for (unsigned i = 0; i < bn->depth && bn->submitted < bn->count; i++)
		submit(bn, &bn->reqs[i]);
	while (bn->completed < bn->submitted) {
		if (poll(&pfd, 1, -1) > 0)
			blk_aio_complete(bn->aio);
	}
	clock_gettime(CLOCK_MONOTONIC, &t1); /* like qemu-img: final flush not timed */
	if (bn->write && !bn->failed && blk_flush(bn->blk) < 0)
		bn->failed = true;
	*secs = (double)(t1.tv_sec - t0.tv_sec) + (double)(t1.tv_nsec - t0.tv_nsec) / 1e9;
	return bn->failed ? 1 : 0;
}

static int bench_parse(int argc, char **argv, struct bench *bn, const char **fmt)
{
	static const struct option longopts[] = {
		{ "random", no_argument, NULL, 'R' },
		{ "seed", required_argument, NULL, 'E' },
		{ "pattern", required_argument, NULL, 'P' },
		{ "flush-interval", required_argument, NULL, 'I' },
		{ NULL, 0, NULL, 0 },
	};
	int c;

	optind = 1;
	while ((c = getopt_long(argc, argv, "c:d:f:o:s:S:wnqt:i:", longopts, NULL)) != -1) {
		const char *a = optarg;
		switch (c) {
		case 'c': bn->count = (unsigned)strtoul(a, NULL, 0); break;
		case 'd': bn->depth = (unsigned)strtoul(a, NULL, 0); break;
		case 'f': *fmt = a; break;
		case 'o': if (img_parse_size(a, &bn->offset)) return img_error("bad -o"); break;
		case 's': if (img_parse_size(a, &bn->size)) return img_error("bad -s"); break;
		case 'S': if (img_parse_size(a, &bn->step)) return img_error("bad -S"); break;
		case 'w': bn->write = true; break;
		case 'R': bn->random = true; break;
		case 'E': bn->seed = strtoull(a, NULL, 0); break;
		case 'P': bn->pattern = (int)strtol(a, NULL, 0); break;
		case 'I': bn->flush_interval = (unsigned)strtoul(a, NULL, 0); break;
		case 'n': case 'q': case 't': case 'i': break; /* page cache, threads */
		default: return img_error("bench: bad option (see --help)");
		}
	}
	if (optind != argc - 1 || !bn->count || !bn->depth || !bn->size ||
	    bn->depth > 1024)
		return img_error("bench: expects FILE and positive -c, -d (<=1024), -s");
	if (!bn->step)
		bn->step = bn->size;
	if (!bn->seed)
		bn->seed = 0x9e3779b97f4a7c15ull;
	return 0;
}

int img_bench(int argc, char **argv)
{
	struct bench bn = { .count = 75000, .depth = 64, .size = 4096 };
	const char *fmt = NULL;
	struct blk_error err;
	double secs = 0;
	int rc;

	if (bench_parse(argc, argv, &bn, &fmt))
		return 1;
	unsigned flags = bn.write ? 0 : BLK_OPEN_RDONLY;
	if (blk_open(&bn.blk, argv[optind], fmt, flags, &err) < 0)
		return img_error("%s", err.msg);
	bn.image_size = blk_size(bn.blk);
	if (bn.size > bn.image_size || bn.offset + bn.size > bn.image_size) {
		blk_close(bn.blk);
		return img_error("bench: request size/offset beyond the image");
	}
	bn.reqs = calloc(bn.depth, sizeof(*bn.reqs));
	bn.bufs = aligned_alloc(4096, ((bn.size + 4095) & ~4095ull) * bn.depth);
	bn.aio = blk_aio_new(bn.depth < 8 ? bn.depth : 8);
	if (!bn.reqs || !bn.bufs || !bn.aio) {
		rc = img_error("out of memory");
		goto out;
	}
	memset(bn.bufs, bn.pattern, ((bn.size + 4095) & ~4095ull) * bn.depth);
	for (unsigned i = 0; i < bn.depth; i++)
		bn.reqs[i].buf = bn.bufs + ((bn.size + 4095) & ~4095ull) * i;
	printf("Sending %u %s requests, %llu bytes each, %u in parallel (%s, starting at"
	       " offset %llu, step size %llu)\n", bn.count, bn.write ? "write" : "read",
	       (unsigned long long)bn.size, bn.depth, bn.random ? "random" : "sequential",
	       (unsigned long long)bn.offset, (unsigned long long)bn.step);
	rc = bench_run(&bn, &secs);
	printf("Run completed in %.3f seconds.\n", secs);
	printf("throughput: %.1f MiB/s, IOPS: %.0f, aio: %s\n",
	       (double)bn.size * bn.completed / secs / 1048576.0, bn.completed / secs,
	       blk_aio_engine(bn.aio));
out:
	blk_aio_free(bn.aio);
	free(bn.reqs);
	free(bn.bufs);
	blk_close(bn.blk);
	return rc;
}
