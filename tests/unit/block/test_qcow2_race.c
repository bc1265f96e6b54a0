/*
 * Host unit test of qcow2 writes from several threads at once, as
 * bastion-dm's workers issue them (qcow2_write.c fills new clusters with
 * its lock dropped).  Four threads each own every fourth 4 KiB stripe of
 * the first half of the image and every fourth whole cluster of the
 * second: in the first half they race to allocate the same clusters with
 * 4 KiB vectored writes (the half discarded between passes, so it is
 * allocated again each time); in the second they fill, rewrite and
 * discard whole clusters that share L2 tables and allocations.  The image must
 * then read back as the model every thread kept of its own part, and
 * check clean.  In a third region each thread fills clusters of its own
 * while a fifth thread discards them at random: each must end whole,
 * either its owner's last fill or zeroes.  Run without and with a
 * backing file (copy-on-write).
 */
#include <pthread.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/uio.h>

#include "block.h"
#include "block_check.h"

enum {
	THREADS = 4, PASSES = 40, STRIPE = 4096, CLUSTER = 65536,
	HALF_CLUSTERS = 24, CONTESTED = 16, FIRST_CONTESTED = 2 * HALF_CLUSTERS,
	IMG = (2 * HALF_CLUSTERS + CONTESTED) * CLUSTER,
};

static uint8_t last_fill[CONTESTED]; /* each contested cluster's owner's last byte */
static int filling;                  /* racers still running (the discarder stops) */

struct racer {
	struct blk *blk;
	uint8_t *model; /* the whole image; this thread touches only its part */
	unsigned id, errors;
	uint64_t rng;
};

static uint64_t next(uint64_t *s)
{
	*s ^= *s << 13;
	*s ^= *s >> 7;
	*s ^= *s << 17;
	return *s;
}

/* One of its own 4 KiB stripes in cluster cl (first half), written as
 * two pieces. */
static void write_stripe(struct racer *r, uint64_t cl)
{
	unsigned per = CLUSTER / STRIPE / THREADS;
	uint64_t off = cl * CLUSTER + ((next(&r->rng) % per) * THREADS + r->id) * STRIPE;
	uint8_t *m = r->model + off;
	size_t cut = 512 * (1 + next(&r->rng) % 7);

	for (unsigned i = 0; i < STRIPE; i++)
		m[i] = (uint8_t)next(&r->rng);
	struct iovec iov[2] = { { m, cut }, { m + cut, STRIPE - cut } };
	if (blk_pwritev(r->blk, off, iov, 2, 0) < 0)
		r->errors++;
}

/* A whole cluster of its own in the second half: filled or discarded. */
static void write_cluster(struct racer *r)
{
	unsigned own = HALF_CLUSTERS / THREADS;
	uint64_t cl = HALF_CLUSTERS + (next(&r->rng) % own) * THREADS + r->id;
	uint8_t *m = r->model + cl * CLUSTER;

	if (next(&r->rng) % 5 == 0) {
		memset(m, 0, CLUSTER);
		if (blk_discard(r->blk, cl * CLUSTER, CLUSTER) < 0)
			r->errors++;
		return;
	}
	memset(m, (int)(1 + next(&r->rng) % 255), CLUSTER);
	if (blk_pwrite(r->blk, cl * CLUSTER, m, CLUSTER, 0) < 0)
		r->errors++;
}

/* One pass: every thread walks the first half's clusters in the same
 * order, so they meet on each one while it is being allocated. */
/* A contested cluster of its own filled with one byte value. */
static void fill_contested(struct racer *r)
{
	static uint8_t buf[THREADS][CLUSTER];
	unsigned c = (unsigned)(next(&r->rng) % (CONTESTED / THREADS)) * THREADS + r->id;
	uint8_t v = (uint8_t)(1 + next(&r->rng) % 255);

	memset(buf[r->id], v, CLUSTER);
	if (blk_pwrite(r->blk, (uint64_t)(FIRST_CONTESTED + c) * CLUSTER, buf[r->id], CLUSTER, 0) < 0)
		r->errors++;
	last_fill[c] = v;
}

static void *race(void *arg)
{
	struct racer *r = arg;

	for (uint64_t cl = 0; cl < HALF_CLUSTERS; cl++) {
		write_stripe(r, cl);
		if (cl % 3 == r->id % 3)
			write_cluster(r);
		fill_contested(r);
	}
	__atomic_sub_fetch(&filling, 1, __ATOMIC_RELEASE);
	return NULL;
}

/* Discards contested clusters at random while racers run. */
static void *discarder(void *arg)
{
	struct racer *r = arg;

	while (__atomic_load_n(&filling, __ATOMIC_ACQUIRE)) {
		uint64_t c = FIRST_CONTESTED + next(&r->rng) % CONTESTED;
		if (blk_discard(r->blk, c * CLUSTER, CLUSTER) < 0)
			r->errors++;
	}
	return NULL;
}

/* Contested clusters read back whole: zeroes or their owner's last fill;
 * returns how many do not. */
static unsigned contested_wrong(const uint8_t *image)
{
	unsigned wrong = 0;

	for (unsigned c = 0; c < CONTESTED; c++) {
		const uint8_t *p = image + (size_t)(FIRST_CONTESTED + c) * CLUSTER;
		bool ok = p[0] == 0 || p[0] == last_fill[c];
		for (unsigned i = 1; ok && i < CLUSTER; i++)
			ok = p[i] == p[0];
		wrong += !ok;
	}
	return wrong;
}

/* Runs the threads over the image PASSES times, the first half discarded
 * between passes so its clusters are allocated anew each time. */
static unsigned race_passes(struct blk *b, uint8_t *model)
{
	struct racer r[THREADS + 1];
	pthread_t t[THREADS + 1];
	unsigned errors = 0;

	for (unsigned p = 0; p < PASSES; p++) {
		filling = THREADS;
		for (unsigned i = 0; i <= THREADS; i++) {
			r[i] = (struct racer){ b, model, i, 0,
					       0x9e3779b97f4a7c15ull * (p * THREADS + i + 1) };
			pthread_create(&t[i], NULL, i < THREADS ? race : discarder, &r[i]);
		}
		for (unsigned i = 0; i <= THREADS; i++) {
			pthread_join(t[i], NULL);
			errors += r[i].errors;
		}
		if (p + 1 < PASSES) {
			memset(model, 0, HALF_CLUSTERS * CLUSTER);
			errors += blk_discard(b, 0, HALF_CLUSTERS * CLUSTER) < 0;
		}
	}
	return errors;
}

/* The backing file: a pattern over the whole image (the model's start). */
static bool make_base(const char *path, uint8_t *model)
{
	struct blk_create_opts o = { .format = "raw", .size = IMG };
	struct blk_error err;
	struct blk *b;
	uint64_t s = 99;

	for (unsigned i = 0; i < IMG; i++)
		model[i] = (uint8_t)next(&s);
	if (blk_create(path, &o, &err) < 0 || blk_open(&b, path, "raw", 0, &err) < 0)
		return false;
	int rc = blk_pwrite(b, 0, model, IMG, 0);
	blk_close(b);
	return rc == 0;
}

static void race_case(const char *dir, bool backing)
{
	const char *what = backing ? "over a raw backing file" : "alone";
	char img[600], base[600];
	struct blk_create_opts o = { .format = "qcow2", .size = IMG };
	struct blk_error err = { { 0 } };
	uint8_t *model = calloc(1, IMG), *back = malloc(IMG);
	struct blk *b = NULL;

	snprintf(img, sizeof(img), "%s/race.qcow2", dir);
	snprintf(base, sizeof(base), "%s/race-base.raw", dir);
	if (backing) {
		o.backing = "race-base.raw"; /* (relative to the image) */
		o.backing_fmt = "raw";
	}
	if (!model || !back || (backing && !make_base(base, model)) ||
	    blk_create(img, &o, &err) < 0 || blk_open(&b, img, "qcow2", 0, &err) < 0) {
		CHECK(0, "qcow2 race %s: create and open - %s", what, err.msg);
		free(model);
		free(back);
		return;
	}
	memset(last_fill, 0, sizeof(last_fill));
	unsigned errors = race_passes(b, model);
	bool same = blk_pread(b, 0, back, IMG) == 0 &&
		    !memcmp(back, model, (size_t)FIRST_CONTESTED * CLUSTER);
	CHECK(errors == 0 && same, "qcow2 race %s: %u threads, %u passes of stripe"
	      " and cluster writes/discards read back as each thread's model (%u errors)",
	      what, THREADS, PASSES, errors);
	unsigned wrong = contested_wrong(back);
	CHECK(wrong == 0, "qcow2 race %s: %u clusters filled while a thread discards them"
	      " each read whole, zeroes or the last fill (%u do not)", what, CONTESTED, wrong);
	/* (closed first: the clusters reserved but not handed out go back) */
	struct blk_check_result res;
	blk_close(b);
	int rc = blk_open(&b, img, "qcow2", BLK_OPEN_RDONLY, &err);
	if (rc == 0)
		rc = blk_check(b, &res);
	CHECK(rc == 0 && res.corruptions == 0 && res.leaks == 0,
	      "qcow2 race %s: reopened, check finds no corruption or leak (%s)", what,
	      rc == 0 ? res.first_problem : "reopen or check failed");
	if (b)
		blk_close(b);
	free(model);
	free(back);
}

void test_qcow2_race(const char *dir, int *failures)
{
	fails = failures;
	race_case(dir, false);
	race_case(dir, true);
}
