/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright(c) 2026 The dpdk-iommufd authors
 */

/*
 * A namespace used by several at once: devices of mixed PASID widths
 * sharing one (its width follows the narrowest member), and threads
 * allocating and freeing concurrently.
 */

#include <errno.h>
#include <pthread.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "rte_pasid.h"
#include "test.h"
#include "test_pasid.h"

/* ------------------------------------------------------------------ */
/* Shared namespaces                                                   */
/* ------------------------------------------------------------------ */

/* Devices join a shared namespace; its width follows the narrowest. */
int
shared_mixed_widths(void)
{
	unsigned int members[8], n = 0, cand;
	struct rte_pasid_space *s;
	uint64_t seed = test_seed();
	int p, w, i;

	TEST_ASSERT_SUCCESS(rte_pasid_space_create(RTE_PASID_WIDTH_MAX, 0, &s), "create");
	members[n++] = 20;
	members[n++] = 16;
	w = rte_pasid_shared_width(members, n);
	TEST_ASSERT_EQUAL(rte_pasid_space_narrow(s, (unsigned int)w), 16, "20 + 16");
	for (i = 0; i < 100; i++)
		TEST_ASSERT_EQUAL(rte_pasid_alloc(s, 0), i + 1, "alloc");
	TEST_ASSERT_SUCCESS(rte_pasid_alloc_value(s, 0, 40000), "a guest's PASID");
	TEST_ASSERT_EQUAL(rte_pasid_alloc_value(s, 0, 65536), -ERANGE, "beyond 16 bits");
	TEST_ASSERT_EQUAL(rte_pasid_reserve(s, 5000, 5099), 100, "reservation");
	/* A 12-bit device cannot join while 40000 is in use. */
	members[n] = 12;
	w = rte_pasid_shared_width(members, n + 1);
	TEST_ASSERT_EQUAL(w, 12, "shared width");
	TEST_ASSERT_EQUAL(rte_pasid_space_narrow(s, (unsigned int)w), -EBUSY, "refused");
	TEST_ASSERT_EQUAL(rte_pasid_state(s, 40000, NULL), RTE_PASID_STATE_ALLOCATED,
		"unchanged");
	TEST_ASSERT_SUCCESS(rte_pasid_free(s, 0, 40000), "free 40000");
	TEST_ASSERT_EQUAL(rte_pasid_space_narrow(s, (unsigned int)w), 12, "joined");
	n++;
	/* Everything handed out fits the narrowest member. */
	for (i = 0;; i++) {
		p = rte_pasid_alloc(s, 0);
		if (p < 0)
			break;
		TEST_ASSERT(p < 4096, "%d fits 12 bits", p);
	}
	TEST_ASSERT_EQUAL(p, -ENOSPC, "full");
	TEST_ASSERT_EQUAL(i, 4095 - 100, "all of 12 bits");
	/* A 5-bit device: refused, the namespace is in use above 31. */
	members[n] = 5;
	TEST_ASSERT_EQUAL(rte_pasid_space_narrow(s,
		(unsigned int)rte_pasid_shared_width(members, n + 1)), -EBUSY, "5 bits");
	/* A device without PASID cannot share at all. */
	members[n] = 0;
	TEST_ASSERT_EQUAL(rte_pasid_shared_width(members, n + 1), -ENOTSUP, "width 0");
	/* The 12-bit device leaves: back to 16 bits, reservation intact. */
	n--;
	w = rte_pasid_shared_width(members, n);
	TEST_ASSERT_SUCCESS(rte_pasid_space_set_width(s, (unsigned int)w), "widen");
	TEST_ASSERT_EQUAL(rte_pasid_alloc(s, 0), 4096, "above 12 bits now");
	TEST_ASSERT_EQUAL(rte_pasid_state(s, 5050, NULL), RTE_PASID_STATE_RESERVED, "kept");
	TEST_ASSERT_SUCCESS(rte_pasid_space_audit(s), "audit");
	rte_pasid_space_free(s);

	/* Random member sets: width = min, joins refused only when needed. */
	for (i = 0; i < 300; i++) {
		uint32_t top = 0;
		int ret, want;

		TEST_ASSERT_SUCCESS(rte_pasid_space_create(RTE_PASID_WIDTH_MAX, 0, &s), "create");
		n = 0;
		members[n++] = 1 + rng_below(&seed, 20);
		TEST_ASSERT_EQUAL(rte_pasid_space_narrow(s, members[0]), members[0], "first");
		while (n < 8) {
			uint32_t v = 1 + rng_below(&seed, (1u << members[0]) - 1);
			int cur = rte_pasid_shared_width(members, n);

			if (v < (1u << cur) && rte_pasid_alloc_value(s, 0, v) == 0 && v > top)
				top = v;
			cand = 1 + rng_below(&seed, 20);
			members[n] = cand;
			w = rte_pasid_shared_width(members, n + 1);
			want = top >> w ? -EBUSY : w;
			ret = rte_pasid_space_narrow(s, (unsigned int)w);
			TEST_ASSERT_EQUAL(ret, want, "set %d member %u width %u top %u",
				i, n, cand, top);
			if (ret > 0)
				n++;
			else
				break;
		}
		TEST_ASSERT_SUCCESS(rte_pasid_space_audit(s), "audit set %d", i);
		rte_pasid_space_free(s);
	}
	return TEST_SUCCESS;
}

/* ------------------------------------------------------------------ */
/* Threads                                                             */
/* ------------------------------------------------------------------ */

#define NTHREADS 4
#define THREAD_STEPS 40000

struct worker {
	pthread_t tid;
	unsigned int owner;
	uint64_t seed;
	uint32_t *held;
	uint32_t nheld;
	int error;
};

static struct rte_pasid_space *mt_space;

static void *
worker_main(void *arg)
{
	struct worker *wk = arg;
	uint32_t step;

	/* 30% alloc, 10% alloc_value, 50% free, 10% state check. */
	for (step = 0; step < THREAD_STEPS; step++) {
		uint32_t op = rng_below(&wk->seed, 10);
		unsigned int owner = 0;
		int p;

		if (op < 3) {
			p = rte_pasid_alloc(mt_space, wk->owner);
			if (p > 0)
				wk->held[wk->nheld++] = (uint32_t)p;
			else if (p != -ENOSPC)
				wk->error = p;
		} else if (op < 4) {
			uint32_t v = 1 + rng_below(&wk->seed, 4095);

			p = rte_pasid_alloc_value(mt_space, wk->owner, v);
			if (p == 0)
				wk->held[wk->nheld++] = v;
			else if (p != -EEXIST)
				wk->error = p;
		} else if (op < 9 && wk->nheld) {
			uint32_t i = rng_below(&wk->seed, wk->nheld);

			p = rte_pasid_free(mt_space, wk->owner, wk->held[i]);
			if (p != 0)
				wk->error = p;
			wk->held[i] = wk->held[--wk->nheld];
		} else if (wk->nheld) {
			uint32_t v = wk->held[rng_below(&wk->seed, wk->nheld)];

			if (rte_pasid_state(mt_space, v, &owner) != RTE_PASID_STATE_ALLOCATED ||
					owner != wk->owner)
				wk->error = -EBADE;
		}
		if (wk->error)
			break;
	}
	return NULL;
}

int
threads_concurrent(void)
{
	struct worker wk[NTHREADS];
	uint8_t *holder;
	uint64_t seed = test_seed();
	uint32_t v, total = 0;
	unsigned int owner;
	int i, ret = TEST_FAILED;

	printf("# seed 0x%llx\n", (unsigned long long)seed);
	memset(wk, 0, sizeof(wk));
	holder = calloc(4096, 1);
	if (holder == NULL || rte_pasid_space_create(12, 0, &mt_space) != 0)
		goto out;
	for (i = 0; i < NTHREADS; i++) {
		int o = rte_pasid_owner_register(mt_space, 0);

		wk[i].held = calloc(4096, sizeof(uint32_t));
		if (o <= 0 || wk[i].held == NULL)
			goto out;
		wk[i].owner = (unsigned int)o;
		wk[i].seed = seed + (uint64_t)i * 7919;
	}
	for (i = 0; i < NTHREADS; i++)
		if (pthread_create(&wk[i].tid, NULL, worker_main, &wk[i]) != 0)
			goto out;
	for (i = 0; i < NTHREADS; i++)
		pthread_join(wk[i].tid, NULL);
	/* Each value held by at most one thread, and the namespace agrees. */
	for (i = 0; i < NTHREADS; i++) {
		if (wk[i].error) {
			printf("# thread %d: error %d\n", i, wk[i].error);
			goto out;
		}
		for (v = 0; v < wk[i].nheld; v++) {
			uint32_t p = wk[i].held[v];

			if (holder[p]) {
				printf("# PASID %u held by threads %d and %d\n", p, holder[p] - 1, i);
				goto out;
			}
			holder[p] = (uint8_t)(i + 1);
			total++;
		}
	}
	for (v = 1; v < 4096; v++) {
		int st = rte_pasid_state(mt_space, v, &owner);

		if (holder[v] == 0 && st != RTE_PASID_STATE_FREE) {
			printf("# PASID %u: state %d, held by no thread\n", v, st);
			goto out;
		}
		if (holder[v] && (st != RTE_PASID_STATE_ALLOCATED ||
				owner != wk[holder[v] - 1].owner)) {
			printf("# PASID %u: state %d owner %u, held by thread %d\n",
			       v, st, owner, holder[v] - 1);
			goto out;
		}
	}
	if (rte_pasid_count(mt_space) != (int)total || rte_pasid_space_audit(mt_space) != 0) {
		printf("# count %d, threads hold %u\n", rte_pasid_count(mt_space), total);
		goto out;
	}
	printf("# %d threads x %d steps, %u PASIDs held at the end\n",
	       NTHREADS, THREAD_STEPS, total);
	ret = TEST_SUCCESS;
out:
	for (i = 0; i < NTHREADS; i++)
		free(wk[i].held);
	free(holder);
	rte_pasid_space_free(mt_space);
	mt_space = NULL;
	return ret;
}
