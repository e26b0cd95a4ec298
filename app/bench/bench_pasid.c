/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright(c) 2026 The dpdk-iommufd authors
 */

/*
 * dpdk-iommufd-bench-pasid: alloc+free pairs on a 2^20 PASID namespace at
 * 25, 50 and 99% occupancy, with 1 and 2 threads, for the library's
 * allocator and for a plain linear-scan bitmap (first clear bit from bit
 * 1, a 64-bit word at a time) measured in the same run.
 *
 * Both allocators hand out the lowest free value and both take the same
 * kind of lock per call (a process-shared robust mutex), so they start from
 * the same random fill, see the same sequence of operations and go through
 * the same states; only the search differs.
 *
 * Free policies:
 *   random  each pair allocates, then frees a uniformly random allocated
 *           PASID (the headline: values live for random times, so free
 *           values are scattered and lowest-first allocation pushes them
 *           upwards as the run goes on, as in a long-running system);
 *   same    each pair frees the PASID it just allocated (the same value
 *           over and over, always in cache; it flatters both allocators,
 *           the linear scan most, which stops at the first hole of the
 *           random fill).
 * The random policy includes the benchmark's own bookkeeping: each thread
 * keeps a bitmap of the values it holds (128 KiB) and draws random values
 * until it hits one of them (1.01 draws on average at 99% occupancy with
 * one thread, 4 at 25%). Its cost is measured separately and printed.
 *
 * Figures: median over batches of the mean time per pair in a batch of
 * BATCH pairs (clock_gettime around each batch), and pairs per second over
 * the whole run (with 2 threads: both threads' pairs over the wall time).
 */

#include <errno.h>
#include <inttypes.h>
#include <pthread.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "rte_pasid.h"

#define WIDTH 20
#define NVALUES (UINT32_C(1) << WIDTH)
#define BATCH 1000u
#define MAX_THREADS 2
/* Targets: one thread, 99% occupancy, random frees. */
#define TARGET_PAIR_NS 100.0
#define TARGET_RATIO 10.0

enum policy { POLICY_RANDOM, POLICY_SAME };

/* ------------------------------------------------------------------ */
/* The baseline: one flat bitmap, scanned from the start               */
/* ------------------------------------------------------------------ */

struct linear {
	pthread_mutex_t lock;
	uint64_t words[NVALUES / 64];
};

/* The library's lock: process-shared and robust (nobody dies here). */
static int
linear_init(struct linear *l)
{
	pthread_mutexattr_t attr;
	int ret;

	memset(l, 0, sizeof(*l));
	l->words[0] = 1; /* PASID 0 */
	if (pthread_mutexattr_init(&attr) != 0)
		return -ENOMEM;
	ret = pthread_mutexattr_setpshared(&attr, PTHREAD_PROCESS_SHARED);
	if (ret == 0)
		ret = pthread_mutexattr_setrobust(&attr, PTHREAD_MUTEX_ROBUST);
	if (ret == 0)
		ret = pthread_mutex_init(&l->lock, &attr);
	pthread_mutexattr_destroy(&attr);
	return -ret;
}

static void
linear_lock(struct linear *l)
{
	pthread_mutex_lock(&l->lock);
}

static void
linear_unlock(struct linear *l)
{
	pthread_mutex_unlock(&l->lock);
}

static int
linear_alloc(struct linear *l)
{
	uint32_t i;
	int ret = -ENOSPC;

	linear_lock(l);
	for (i = 0; i < NVALUES / 64; i++) {
		uint64_t w = l->words[i];

		if (w != UINT64_MAX) {
			uint32_t b = (uint32_t)__builtin_ctzll(~w);

			l->words[i] = w | UINT64_C(1) << b;
			ret = (int)(i * 64 + b);
			break;
		}
	}
	linear_unlock(l);
	return ret;
}

static int
linear_free(struct linear *l, uint32_t p)
{
	uint64_t bit = UINT64_C(1) << (p & 63);
	int ret = 0;

	linear_lock(l);
	if (p == 0 || p >= NVALUES || !(l->words[p >> 6] & bit))
		ret = -ENOENT;
	else
		l->words[p >> 6] &= ~bit;
	linear_unlock(l);
	return ret;
}

/* ------------------------------------------------------------------ */
/* Runs                                                                */
/* ------------------------------------------------------------------ */

enum impl { IMPL_OURS, IMPL_LINEAR, IMPL_NONE };

struct run {
	enum impl impl;
	enum policy policy;
	struct rte_pasid_space *space;
	struct linear *lin;
	uint64_t *held;      /* bitmap of this thread's allocated values */
	uint64_t seed;
	unsigned int batches;
	double *batch_ns;    /* mean ns per pair, per batch */
	uint64_t checksum;   /* of the values handed out */
	int error;
	pthread_barrier_t *start;
};

static inline uint64_t
xorshift(uint64_t *s)
{
	uint64_t x = *s;

	x ^= x << 13;
	x ^= x >> 7;
	x ^= x << 17;
	*s = x;
	return x;
}

static double
now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec * 1e9 + (double)ts.tv_nsec;
}

static inline int
do_alloc(struct run *r, uint32_t *fake)
{
	switch (r->impl) {
	case IMPL_OURS:
		return rte_pasid_alloc(r->space, RTE_PASID_OWNER_NONE);
	case IMPL_LINEAR:
		return linear_alloc(r->lin);
	default:
		return (int)*fake; /* the value freed last */
	}
}

static inline int
do_free(struct run *r, uint32_t p)
{
	switch (r->impl) {
	case IMPL_OURS:
		return rte_pasid_free(r->space, RTE_PASID_OWNER_NONE, p);
	case IMPL_LINEAR:
		return linear_free(r->lin, p);
	default:
		return 0;
	}
}

static void *
run_thread(void *arg)
{
	struct run *r = arg;
	uint32_t fake = 1;
	unsigned int b, i;

	/* Bookkeeping alone: "allocate" a value not held, then the one freed. */
	while (r->impl == IMPL_NONE && fake < NVALUES &&
			(r->held[fake >> 6] & (UINT64_C(1) << (fake & 63))))
		fake++;
	if (r->start != NULL)
		pthread_barrier_wait(r->start);
	for (b = 0; b < r->batches && !r->error; b++) {
		double t0 = now_ns();

		for (i = 0; i < BATCH; i++) {
			int p = do_alloc(r, &fake), ret;
			uint32_t f;

			if (p <= 0) {
				r->error = p ? p : -EINVAL;
				break;
			}
			r->checksum = r->checksum * 31 + (uint32_t)p;
			if (r->policy == POLICY_SAME) {
				f = (uint32_t)p;
			} else {
				r->held[p >> 6] |= UINT64_C(1) << (p & 63);
				do {
					f = (uint32_t)xorshift(&r->seed) & (NVALUES - 1);
				} while (!(r->held[f >> 6] & (UINT64_C(1) << (f & 63))));
				r->held[f >> 6] &= ~(UINT64_C(1) << (f & 63));
			}
			fake = f;
			ret = do_free(r, f);
			if (ret != 0) {
				r->error = ret;
				break;
			}
		}
		r->batch_ns[b] = (now_ns() - t0) / BATCH;
	}
	return NULL;
}

static int
cmp_double(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;

	return x < y ? -1 : x > y;
}

struct result {
	double median_ns;    /* median over all threads' batches */
	double pairs_per_s;  /* all threads, wall clock */
	uint64_t checksum;
	int error;
};

/*
 * Fill both allocators with the same random set of @p occupancy % of the
 * values, then run @p nthreads threads of @p batches batches.
 */
static int
measure(enum impl impl, enum policy policy, unsigned int occupancy,
		unsigned int nthreads, unsigned int batches, uint64_t seed,
		struct result *res)
{
	uint32_t target = (uint32_t)((uint64_t)(NVALUES - 1) * occupancy / 100);
	struct run runs[MAX_THREADS];
	pthread_t tids[MAX_THREADS];
	pthread_barrier_t start;
	struct rte_pasid_space *space = NULL;
	struct linear *lin = NULL;
	uint32_t *perm = NULL, i, k;
	double *all = NULL, t0, t1;
	uint64_t s = seed;
	unsigned int t, n = 0;
	int ret = -ENOMEM;

	memset(runs, 0, sizeof(runs));
	memset(res, 0, sizeof(*res));
	perm = malloc(sizeof(*perm) * NVALUES);
	all = malloc(sizeof(*all) * batches * nthreads);
	if (perm == NULL || all == NULL)
		goto out;
	if (impl == IMPL_OURS) {
		ret = rte_pasid_space_create(WIDTH, 0, &space);
		if (ret < 0)
			goto out;
	} else if (impl == IMPL_LINEAR) {
		lin = aligned_alloc(64, sizeof(*lin));
		if (lin == NULL || (ret = linear_init(lin)) < 0)
			goto out;
	}
	/* A random subset of target values: a partial Fisher-Yates shuffle. */
	for (i = 1; i < NVALUES; i++)
		perm[i - 1] = i;
	for (i = 0; i < target; i++) {
		uint32_t tmp = perm[i];

		k = i + (uint32_t)(xorshift(&s) % (NVALUES - 1 - i));
		perm[i] = perm[k];
		perm[k] = tmp;
		if (impl == IMPL_OURS) {
			ret = rte_pasid_alloc_value(space, RTE_PASID_OWNER_NONE, perm[i]);
			if (ret < 0)
				goto out;
		} else if (impl == IMPL_LINEAR) {
			lin->words[perm[i] >> 6] |= UINT64_C(1) << (perm[i] & 63);
		}
	}
	if (pthread_barrier_init(&start, NULL, nthreads) != 0)
		goto out;
	for (t = 0; t < nthreads; t++) {
		struct run *r = &runs[t];

		r->impl = impl;
		r->policy = policy;
		r->space = space;
		r->lin = lin;
		/* Thread t holds every nthreads-th value of the fill. */
		r->held = calloc(NVALUES / 64, sizeof(*r->held));
		r->batch_ns = malloc(sizeof(*r->batch_ns) * batches);
		if (r->held == NULL || r->batch_ns == NULL)
			goto out_barrier;
		for (i = t; i < target; i += nthreads)
			r->held[perm[i] >> 6] |= UINT64_C(1) << (perm[i] & 63);
		r->seed = seed * 0x9e3779b97f4a7c15u + t + 1;
		r->batches = batches;
		r->start = nthreads > 1 ? &start : NULL;
	}
	t0 = now_ns();
	if (nthreads == 1) {
		run_thread(&runs[0]);
	} else {
		for (t = 0; t < nthreads; t++)
			if (pthread_create(&tids[t], NULL, run_thread, &runs[t]) != 0)
				goto out_barrier;
		for (t = 0; t < nthreads; t++)
			pthread_join(tids[t], NULL);
	}
	t1 = now_ns();
	for (t = 0; t < nthreads; t++) {
		if (runs[t].error)
			res->error = runs[t].error;
		res->checksum ^= runs[t].checksum;
		memcpy(all + n, runs[t].batch_ns, sizeof(*all) * batches);
		n += batches;
	}
	qsort(all, n, sizeof(*all), cmp_double);
	res->median_ns = n % 2 ? all[n / 2] : (all[n / 2 - 1] + all[n / 2]) / 2;
	res->pairs_per_s = (double)n * BATCH / ((t1 - t0) / 1e9);
	if (impl == IMPL_OURS && rte_pasid_space_audit(space) != 0)
		res->error = -EUCLEAN;
	ret = 0;
out_barrier:
	pthread_barrier_destroy(&start);
out:
	for (t = 0; t < MAX_THREADS; t++) {
		free(runs[t].held);
		free(runs[t].batch_ns);
	}
	rte_pasid_space_free(space);
	free(lin);
	free(perm);
	free(all);
	return ret;
}

static int
cmp_result_ns(const void *a, const void *b)
{
	return cmp_double(&((const struct result *)a)->median_ns,
		&((const struct result *)b)->median_ns);
}

static int
cmp_result_rate(const void *a, const void *b)
{
	return cmp_double(&((const struct result *)a)->pairs_per_s,
		&((const struct result *)b)->pairs_per_s);
}

#define MAX_REPEAT 15

/*
 * @p repeat runs of each allocator, interleaved; the median of the runs'
 * figures (ns and pairs per second taken separately).
 */
static int
measure_median(enum impl impl, enum policy policy, unsigned int occupancy,
		unsigned int nthreads, unsigned int batches, unsigned int repeat,
		uint64_t seed, struct result *res)
{
	struct result r[MAX_REPEAT];
	unsigned int i;
	int ret;

	for (i = 0; i < repeat; i++) {
		ret = measure(impl, policy, occupancy, nthreads, batches, seed, &r[i]);
		if (ret != 0)
			return ret;
		if (r[i].error) {
			*res = r[i];
			return 0;
		}
	}
	*res = r[0];
	qsort(r, repeat, sizeof(r[0]), cmp_result_ns);
	res->median_ns = r[repeat / 2].median_ns;
	qsort(r, repeat, sizeof(r[0]), cmp_result_rate);
	res->pairs_per_s = r[repeat / 2].pairs_per_s;
	return 0;
}

static void
usage(const char *prog)
{
	printf("usage: %s [--quick] [--batches N] [--repeat N] [--seed N]\n"
	       "  --quick      %u batches per run, 1 run per figure\n"
	       "  --batches N  batches of %u alloc+free pairs per run and thread (default %u)\n"
	       "  --repeat N   runs per figure, the median is shown (default %u, at most %u)\n"
	       "  --seed N     seed of the fill and of the random frees\n",
	       prog, 40u, BATCH, 400u, 3u, MAX_REPEAT);
}

int
main(int argc, char **argv)
{
	static const unsigned int occupancies[] = { 25, 50, 99 };
	static const char *const policy_name[] = { "random", "same" };
	unsigned int batches = 400, repeat = 3, nthreads, o, pol;
	struct result t_ours = { 0, 0, 0, 0 }, t_lin = t_ours, t_bk = t_ours;
	uint64_t seed = 0x5eed;
	ssize_t ours_mem = rte_pasid_space_size(WIDTH);
	int i;

	for (i = 1; i < argc; i++) {
		if (strcmp(argv[i], "--quick") == 0) {
			batches = 40;
			repeat = 1;
		} else if (strcmp(argv[i], "--batches") == 0 && i + 1 < argc) {
			batches = (unsigned int)strtoul(argv[++i], NULL, 0);
		} else if (strcmp(argv[i], "--repeat") == 0 && i + 1 < argc) {
			repeat = (unsigned int)strtoul(argv[++i], NULL, 0);
		} else if (strcmp(argv[i], "--seed") == 0 && i + 1 < argc) {
			seed = strtoull(argv[++i], NULL, 0);
		} else {
			usage(argv[0]);
			return strcmp(argv[i], "--help") == 0 ? 0 : 2;
		}
	}
	if (batches == 0 || repeat == 0 || repeat > MAX_REPEAT || ours_mem < 0) {
		usage(argv[0]);
		return 2;
	}

	printf("PASID allocator: 2^%u namespace (%" PRIu32 " PASIDs); %u batches of %u "
	       "alloc+free pairs per thread and run; median of %u run(s); seed 0x%" PRIx64 "\n",
	       WIDTH, NVALUES - 1, batches, BATCH, repeat, seed);
	printf("memory: ours %zd bytes (%.3f bits per PASID: 1 owner byte and 1 bit per PASID, "
	       "1 bit per 64 PASIDs, header); linear scan %zu bytes (1 bit per PASID)\n",
	       ours_mem, (double)ours_mem * 8 / NVALUES, sizeof(((struct linear *)0)->words));
	printf("\n%-6s %-3s %-4s | %9s %9s | %9s %9s | %8s | %6s\n", "free", "thr", "occ",
	       "ours ns", "ours M/s", "linear ns", "linear M/s", "ours/lin", "bk ns");
	for (pol = 0; pol < 2; pol++) {
		for (nthreads = 1; nthreads <= MAX_THREADS; nthreads++) {
			for (o = 0; o < 3; o++) {
				struct result ours, lin, bk = { 0, 0, 0, 0 };

				if (measure_median(IMPL_OURS, pol, occupancies[o], nthreads,
						batches, repeat, seed, &ours) != 0 ||
						measure_median(IMPL_LINEAR, pol, occupancies[o],
						nthreads, batches, repeat, seed, &lin) != 0 ||
						(pol == POLICY_RANDOM && measure_median(IMPL_NONE,
						pol, occupancies[o], nthreads, batches, repeat,
						seed, &bk) != 0)) {
					printf("run failed (out of memory?)\n");
					return 1;
				}
				if (ours.error || lin.error) {
					printf("error: ours %d, linear %d\n", ours.error, lin.error);
					return 1;
				}
				printf("%-6s %-3u %3u%% | %9.1f %9.2f | %9.1f %10.2f | %7.1fx | %6.1f%s\n",
				       policy_name[pol], nthreads, occupancies[o],
				       ours.median_ns, ours.pairs_per_s / 1e6,
				       lin.median_ns, lin.pairs_per_s / 1e6,
				       ours.pairs_per_s / lin.pairs_per_s, bk.median_ns,
				       nthreads == 1 && ours.checksum != lin.checksum ?
				       "  (sequences differ!)" : "");
				fflush(stdout);
				if (pol == POLICY_RANDOM && nthreads == 1 && occupancies[o] == 99) {
					t_ours = ours;
					t_lin = lin;
					t_bk = bk;
				}
			}
		}
	}
	printf("\nns: median over batches of the mean time per alloc+free pair (per thread); "
	       "M/s: million pairs per second\nover the run, all threads; ours/lin: ratio of "
	       "pairs per second; bk ns: the benchmark's own bookkeeping per\npair, included "
	       "in both allocators' figures.\n"
	       "free random: each pair frees a random allocated PASID (the honest case); "
	       "same: it frees the PASID it\njust allocated, which stays in cache and lets "
	       "the linear scan stop at the first hole of the fill.\n");
	/* The targets, on the honest case. */
	printf("\ntargets (one thread, 99%% occupancy, random frees):\n"
	       "  alloc+free pair %.1f ns as measured, %.1f ns without the bookkeeping "
	       "(target <= %.0f ns): %s\n"
	       "  ours/linear %.1fx (target >= %.0fx): %s\n",
	       t_ours.median_ns, t_ours.median_ns - t_bk.median_ns, TARGET_PAIR_NS,
	       t_ours.median_ns - t_bk.median_ns <= TARGET_PAIR_NS ? "met" : "MISSED",
	       t_ours.pairs_per_s / t_lin.pairs_per_s, TARGET_RATIO,
	       t_ours.pairs_per_s >= TARGET_RATIO * t_lin.pairs_per_s ? "met" : "MISSED");
	return 0;
}
