/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright(c) 2026 The dpdk-iommufd authors
 */

/*
 * What the files of test_pasid share: the random source of the random
 * cases, the namespace of width 8 the TEST_CASE_ST cases run on (created
 * by test_pasid.c), and the cases each file defines.
 */

#ifndef _TEST_PASID_H_
#define _TEST_PASID_H_

#include <stdint.h>
#include <stdlib.h>
#include <time.h>
#include <unistd.h>

#include "rte_pasid.h"

static inline uint64_t
rng_next(uint64_t *s)
{
	/* splitmix64 */
	uint64_t z = (*s += UINT64_C(0x9e3779b97f4a7c15));

	z = (z ^ (z >> 30)) * UINT64_C(0xbf58476d1ce4e5b9);
	z = (z ^ (z >> 27)) * UINT64_C(0x94d049bb133111eb);
	return z ^ (z >> 31);
}

static inline uint32_t
rng_below(uint64_t *s, uint32_t n)
{
	return n ? (uint32_t)(rng_next(s) % n) : 0;
}

/* The seed of a random case: TEST_PASID_SEED=<n>, or the clock. */
static inline uint64_t
test_seed(void)
{
	const char *env = getenv("TEST_PASID_SEED");
	struct timespec ts;

	if (env != NULL)
		return strtoull(env, NULL, 0);
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000007u ^ (uint64_t)ts.tv_nsec ^
		((uint64_t)getpid() << 32);
}

/* The namespace of the TEST_CASE_ST cases: width 8, made by setup_w8(). */
extern struct rte_pasid_space *sp;

/* test_pasid_alloc.c: PASIDs, reservations, state, width changes */
int alloc_lowest_first(void);
int alloc_owners_interleaved(void);
int alloc_exhaustion_all_widths(void);
int alloc_value_errors(void);
int free_errors(void);
int reserve_unreserve(void);
int reserve_many_ranges(void);
int state_and_next(void);
int width_changes(void);

/* test_pasid_owners.c: owners and reclaim */
int owner_register(void);
int owner_alive_default(void);
int reclaim_with_callback(void);

/* test_pasid_model.c: random sequences against a model */
int model_all_widths(void);

/* test_pasid_shared.c: shared namespaces, threads */
int shared_mixed_widths(void);
int threads_concurrent(void);

#endif /* _TEST_PASID_H_ */
