/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright(c) 2026 The dpdk-iommufd authors
 */

/*
 * The PASID allocator in one process: every call and every errno,
 * exhaustion at every width, owners per value (any owner takes any free
 * value, only the owner frees), reservations of any shape, random
 * operation sequences checked step by step against a plain byte-array
 * model, shared namespaces of mixed widths, and threads allocating
 * concurrently.
 *
 * This file: widths, namespaces (size, init, attach, audit) and the list
 * of cases. PASIDs and reservations: test_pasid_alloc.c; owners:
 * test_pasid_owners.c; the model: test_pasid_model.c; shared namespaces
 * and threads: test_pasid_shared.c.
 *
 * The random cases print their seed; TEST_PASID_SEED=<n> replays one.
 */

#include <errno.h>
#include <pthread.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "rte_pasid.h"
#include "pasid_private.h"
#include "test.h"
#include "test_pasid.h"

/* ------------------------------------------------------------------ */
/* Helpers                                                             */
/* ------------------------------------------------------------------ */

struct rte_pasid_space *sp;

static int
setup_w8(void)
{
	return rte_pasid_space_create(8, 0, &sp) == 0 ? TEST_SUCCESS : TEST_FAILED;
}

static void
teardown_space(void)
{
	rte_pasid_space_free(sp);
	sp = NULL;
}

/* 64-byte aligned memory for rte_pasid_space_init(). */
static void *
space_mem(unsigned int width, size_t *len)
{
	ssize_t size = rte_pasid_space_size(width);

	if (size < 0)
		return NULL;
	*len = (size_t)size;
	return aligned_alloc(64, (size_t)size);
}

/* ------------------------------------------------------------------ */
/* Widths                                                              */
/* ------------------------------------------------------------------ */

static int
width_helpers(void)
{
	unsigned int w;

	for (w = 0; w <= 40; w++) {
		bool valid = w >= 1 && w <= 20;

		TEST_ASSERT_EQUAL(rte_pasid_width_valid(w), valid, "width %u", w);
		if (valid)
			TEST_ASSERT_EQUAL(rte_pasid_max(w), (1u << w) - 1, "max at %u", w);
		else
			TEST_ASSERT_EQUAL(rte_pasid_max(w), -EINVAL, "max at %u", w);
	}
	TEST_ASSERT_EQUAL(rte_pasid_width_valid(UINT32_MAX), false, "huge width");
	return TEST_SUCCESS;
}

static int
shared_width_calc(void)
{
	unsigned int widths[8], zero = 0, big = 21;
	uint64_t seed = test_seed();
	unsigned int i, k;

	TEST_ASSERT_EQUAL(rte_pasid_shared_width(NULL, 1), -EINVAL, "NULL");
	TEST_ASSERT_EQUAL(rte_pasid_shared_width(widths, 0), -EINVAL, "n 0");
	TEST_ASSERT_EQUAL(rte_pasid_shared_width(&zero, 1), -ENOTSUP, "width 0");
	TEST_ASSERT_EQUAL(rte_pasid_shared_width(&big, 1), -EINVAL, "width 21");
	for (i = 0; i < 2000; i++) {
		unsigned int n = 1 + rng_below(&seed, 8), min = 99;
		bool has_zero = false;

		for (k = 0; k < n; k++) {
			widths[k] = rng_below(&seed, 21);
			if (widths[k] == 0)
				has_zero = true;
			else if (widths[k] < min)
				min = widths[k];
		}
		TEST_ASSERT_EQUAL(rte_pasid_shared_width(widths, n),
			has_zero ? -ENOTSUP : (int)min, "set %u (n %u)", i, n);
		widths[rng_below(&seed, n)] = 21 + rng_below(&seed, 100);
		TEST_ASSERT_EQUAL(rte_pasid_shared_width(widths, n), -EINVAL,
			"set %u with an invalid width", i);
	}
	return TEST_SUCCESS;
}

/* ------------------------------------------------------------------ */
/* Namespaces                                                          */
/* ------------------------------------------------------------------ */

static int
space_size(void)
{
	ssize_t prev = 0;
	unsigned int w;

	TEST_ASSERT_EQUAL(rte_pasid_space_size(0), -EINVAL, "width 0");
	TEST_ASSERT_CONTAINS(rte_pasid_last_error(), "EINVAL");
	TEST_ASSERT_EQUAL(rte_pasid_space_size(21), -EINVAL, "width 21");
	for (w = 1; w <= 20; w++) {
		ssize_t size = rte_pasid_space_size(w);
		size_t n = (size_t)1 << w;

		/* A byte and a bit per value, a bit per 64, a header below 2 KiB. */
		TEST_ASSERT(size >= (ssize_t)(n + n / 8), "width %u: %zd", w, size);
		TEST_ASSERT(size <= (ssize_t)(n + n / 8 + n / 256 + 2048 + 3 * 64),
			"width %u: %zd", w, size);
		TEST_ASSERT(size % 64 == 0, "width %u: %zd", w, size);
		TEST_ASSERT(size >= prev, "width %u does not shrink", w);
		prev = size;
	}
	/* About 9 bits per value at width 20. */
	TEST_ASSERT(rte_pasid_space_size(20) * 8 < (ssize_t)(((size_t)1 << 20) * 91 / 10),
		"width 20: %zd bytes", rte_pasid_space_size(20));
	printf("# width 20: %zd bytes, %.3f bits per value\n", rte_pasid_space_size(20),
	       (double)rte_pasid_space_size(20) * 8 / (1 << 20));
	return TEST_SUCCESS;
}

/* space_init_errors(), space_attach_errors(): @expr gives @want, or goto out. */
#define CHECK(expr, want) do { \
	int _r = (expr); \
	if (_r != (want)) { \
		printf("# %s: %d, expected %d\n", #expr, _r, (want)); \
		goto out; \
	} \
} while (0)

static int
space_init_errors(void)
{
	struct rte_pasid_space *s = NULL;
	struct rte_pasid_space_info info;
	size_t len;
	char *mem = space_mem(10, &len);
	int ret = TEST_FAILED;

	if (mem == NULL)
		return TEST_FAILED;
	CHECK(rte_pasid_space_init(NULL, len, 10, 0, &s), -EINVAL);
	CHECK(rte_pasid_space_init(mem, len, 10, 0, NULL), -EINVAL);
	CHECK(rte_pasid_space_init(mem + 8, len - 64, 10, 0, &s), -EINVAL);
	CHECK(rte_pasid_space_init(mem, len, 0, 0, &s), -EINVAL);
	CHECK(rte_pasid_space_init(mem, len, 21, 0, &s), -EINVAL);
	CHECK(rte_pasid_space_init(mem, len, 10, 1, &s), -EINVAL);
	CHECK(rte_pasid_space_init(mem, len, 10, 1u << 31, &s), -EINVAL);
	CHECK(rte_pasid_space_init(mem, len - 1, 10, 0, &s), -ENOSPC);
	CHECK(rte_pasid_space_init(mem, 0, 10, 0, &s), -ENOSPC);
	/* Over garbage; a smaller width in a larger buffer. */
	memset(mem, 0xa5, len);
	CHECK(rte_pasid_space_init(mem, len, 10, 0, &s), 0);
	CHECK(s == (void *)mem, 1);
	CHECK(rte_pasid_space_audit(s), 0);
	CHECK(rte_pasid_space_info(s, &info), 0);
	CHECK((int)info.width, 10);
	CHECK((int)info.max_width, 10);
	CHECK((int)info.allocated, 0);
	CHECK((int)info.reserved, 0);
	CHECK((int)info.free, 1023);
	CHECK((int)info.owners, 0);
	CHECK(info.mem_size == len, 1);
	CHECK((int)info.recoveries, 0);
	CHECK(rte_pasid_space_info(NULL, &info), -EINVAL);
	CHECK(rte_pasid_space_info(s, NULL), -EINVAL);
	CHECK(rte_pasid_space_init(mem, len, 3, 0, &s), 0);
	CHECK(rte_pasid_space_info(s, &info), 0);
	CHECK((int)info.free, 7);
	CHECK(rte_pasid_space_audit(NULL), -EINVAL);
	ret = TEST_SUCCESS;
out:
	free(mem);
	return ret;
}

static int
space_attach_errors(void)
{
	struct rte_pasid_space *s, *a;
	size_t len;
	char *mem = space_mem(12, &len);
	int ret = TEST_FAILED;

	if (mem == NULL)
		return TEST_FAILED;
	memset(mem, 0, len);
	CHECK(rte_pasid_space_attach(mem, len, &a), -EINVAL); /* no namespace */
	CHECK(rte_pasid_space_init(mem, len, 12, 0, &s), 0);
	CHECK(rte_pasid_space_attach(NULL, len, &a), -EINVAL);
	CHECK(rte_pasid_space_attach(mem, len, NULL), -EINVAL);
	CHECK(rte_pasid_space_attach(mem + 8, len - 64, &a), -EINVAL);
	CHECK(rte_pasid_space_attach(mem, 4, &a), -EINVAL);
	CHECK(rte_pasid_space_attach(mem, len - 1, &a), -EINVAL);
	CHECK(rte_pasid_space_attach(mem, len, &a), 0);
	CHECK(a == s, 1);
	CHECK(rte_pasid_alloc(a, RTE_PASID_OWNER_NONE), 1);
	CHECK(rte_pasid_state(s, 1, NULL), RTE_PASID_STATE_ALLOCATED);
	/* Header fields another version or a corruption would change. */
	s->version++;
	CHECK(rte_pasid_space_attach(mem, len, &a), -EPROTO);
	s->version--;
	s->header_size += 64;
	CHECK(rte_pasid_space_attach(mem, len, &a), -EPROTO);
	s->header_size -= 64;
	s->width = 13;
	CHECK(rte_pasid_space_attach(mem, len, &a), -EINVAL);
	s->width = 12;
	s->max_width = 21;
	CHECK(rte_pasid_space_attach(mem, len, &a), -EINVAL);
	s->max_width = 11;
	CHECK(rte_pasid_space_attach(mem, len, &a), -EINVAL);
	s->max_width = 12;
	s->value_off += 64;
	CHECK(rte_pasid_space_attach(mem, len, &a), -EINVAL);
	s->value_off -= 64;
	if (s->pidns_dev != 0) {
		s->pidns_ino ^= 1;
		CHECK(rte_pasid_space_attach(mem, len, &a), -EXDEV);
		s->pidns_ino ^= 1;
	} else {
		printf("# no /proc/self/ns/pid: EXDEV not checked\n");
	}
	s->magic ^= 1;
	CHECK(rte_pasid_space_attach(mem, len, &a), -EINVAL);
	s->magic ^= 1;
	CHECK(rte_pasid_space_attach(mem, len, &a), 0);
	CHECK(rte_pasid_space_audit(a), 0);
	/* free() leaves caller memory alone. */
	rte_pasid_space_free(a);
	CHECK(rte_pasid_space_attach(mem, len, &a), 0);
	CHECK(rte_pasid_count(a), 1);
	ret = TEST_SUCCESS;
out:
	free(mem);
	return ret;
}

#undef CHECK

static int
space_create_free(void)
{
	struct rte_pasid_space *s = NULL;
	unsigned int w;

	TEST_ASSERT_EQUAL(rte_pasid_space_create(0, 0, &s), -EINVAL, "width 0");
	TEST_ASSERT_EQUAL(rte_pasid_space_create(21, 0, &s), -EINVAL, "width 21");
	TEST_ASSERT_EQUAL(rte_pasid_space_create(5, 4, &s), -EINVAL, "flags");
	TEST_ASSERT_EQUAL(rte_pasid_space_create(5, 0, NULL), -EINVAL, "NULL");
	rte_pasid_space_free(NULL);
	for (w = 1; w <= 20; w++) {
		struct rte_pasid_space_info info;

		TEST_ASSERT_SUCCESS(rte_pasid_space_create(w, 0, &s), "width %u", w);
		TEST_ASSERT_SUCCESS(rte_pasid_space_info(s, &info), "info");
		TEST_ASSERT_EQUAL(info.free, (1u << w) - 1, "width %u", w);
		TEST_ASSERT_EQUAL(info.mem_size, rte_pasid_space_size(w), "width %u", w);
		TEST_ASSERT_SUCCESS(rte_pasid_space_audit(s), "width %u", w);
		rte_pasid_space_free(s);
	}
	return TEST_SUCCESS;
}

static void *
thread_lock_and_exit(void *arg)
{
	rte_pasid_internal_lock(arg);
	return NULL;
}

/*
 * Leave the lock to a thread that exits holding it: the next call gets
 * EOWNERDEAD and rebuilds the derived data, as after a holder's death.
 */
static int
repair(struct rte_pasid_space *s)
{
	struct rte_pasid_space_info info;
	uint32_t before;
	pthread_t t;

	if (rte_pasid_space_info(s, &info) != 0)
		return -1;
	before = info.recoveries;
	if (pthread_create(&t, NULL, thread_lock_and_exit, s) != 0 ||
			pthread_join(t, NULL) != 0)
		return -1;
	if (rte_pasid_space_info(s, &info) != 0 || info.recoveries != before + 1)
		return -1;
	return rte_pasid_space_audit(s);
}

/* Corruptions of the truth and of derived data: detected, then rebuilt. */
static int
audit_detects_corruption(void)
{
	struct rte_pasid_space *s = sp;
	uint64_t *taken = pasid_taken(s), *room = pasid_room(s);
	uint8_t *val = pasid_value(s);
	struct rte_pasid_space_info info;
	unsigned int owner = 99;
	int o;

	TEST_ASSERT_EQUAL(rte_pasid_alloc(s, RTE_PASID_OWNER_NONE), 1, "alloc");
	TEST_ASSERT_SUCCESS(rte_pasid_space_audit(s), "clean");
	/* taken[] follows the bytes: a flipped bit is found and rebuilt. */
	taken[0] ^= UINT64_C(1) << 5;
	TEST_ASSERT_EQUAL(rte_pasid_space_audit(s), -EUCLEAN, "bit of a free value");
	TEST_ASSERT_CONTAINS(rte_pasid_last_error(), "EUCLEAN");
	TEST_ASSERT_SUCCESS(repair(s), "repaired");
	TEST_ASSERT_EQUAL(rte_pasid_alloc(s, RTE_PASID_OWNER_NONE), 2, "alloc 2");
	TEST_ASSERT_EQUAL(rte_pasid_state(s, 5, NULL), RTE_PASID_STATE_FREE, "5 free");
	taken[0] &= ~(UINT64_C(1) << 1);
	TEST_ASSERT_EQUAL(rte_pasid_space_audit(s), -EUCLEAN, "bit of an allocated value");
	TEST_ASSERT_SUCCESS(repair(s), "repaired");
	TEST_ASSERT_EQUAL(rte_pasid_state(s, 1, NULL), RTE_PASID_STATE_ALLOCATED, "1 kept");
	TEST_ASSERT_EQUAL(rte_pasid_alloc(s, RTE_PASID_OWNER_NONE), 3, "1 not handed out twice");
	/* PASID 0's byte says reserved. */
	val[0] = PASID_V_FREE;
	TEST_ASSERT_EQUAL(rte_pasid_space_audit(s), -EUCLEAN, "PASID 0");
	TEST_ASSERT_SUCCESS(repair(s), "repaired");
	TEST_ASSERT_EQUAL(rte_pasid_state(s, 0, NULL), RTE_PASID_STATE_RESERVED, "0");

	/* 70 owned by owner 3, which is not registered. */
	TEST_ASSERT_SUCCESS(rte_pasid_alloc_value(s, RTE_PASID_OWNER_NONE, 70), "70");
	val[70] = 3;
	TEST_ASSERT_EQUAL(rte_pasid_space_audit(s), -EUCLEAN, "unused owner");
	s->owners[2].used = 1;
	s->owners[2].count++;
	TEST_ASSERT_SUCCESS(rte_pasid_space_audit(s), "owner 3 registered");
	s->owners[2].used = 0;
	s->owners[2].count--;
	val[70] = 0x41; /* not an owner */
	TEST_ASSERT_EQUAL(rte_pasid_space_audit(s), -EUCLEAN, "invalid owner");
	TEST_ASSERT_SUCCESS(repair(s), "repaired");
	TEST_ASSERT_EQUAL(rte_pasid_state(s, 70, &owner), RTE_PASID_STATE_ALLOCATED,
		"70 kept allocated");
	TEST_ASSERT_EQUAL(owner, RTE_PASID_OWNER_NONE, "owned by nobody now");
	o = rte_pasid_owner_register(s, 0);
	TEST_ASSERT(o > 0, "register");
	TEST_ASSERT_SUCCESS(rte_pasid_alloc_value(s, (unsigned int)o, 130), "130");

	/* Counters. */
	s->allocated++;
	TEST_ASSERT_EQUAL(rte_pasid_space_audit(s), -EUCLEAN, "counter");
	s->allocated--;
	s->owners[o - 1].count++;
	TEST_ASSERT_EQUAL(rte_pasid_space_audit(s), -EUCLEAN, "owner count");
	TEST_ASSERT_SUCCESS(repair(s), "repaired");
	TEST_ASSERT_SUCCESS(rte_pasid_space_info(s, &info), "info");
	TEST_ASSERT_EQUAL(info.allocated, 5, "1, 2, 3, 70, 130");
	s->width = 9;
	TEST_ASSERT_EQUAL(rte_pasid_space_audit(s), -EUCLEAN, "width above max");
	s->width = 8;

	/* Reservations: their bits follow the bytes. */
	TEST_ASSERT_EQUAL(rte_pasid_reserve(s, 10, 12), 3, "reserve");
	taken[0] &= ~(UINT64_C(1) << 11);
	TEST_ASSERT_EQUAL(rte_pasid_space_audit(s), -EUCLEAN, "bit of a reserved value");
	TEST_ASSERT_SUCCESS(repair(s), "repaired");
	TEST_ASSERT_EQUAL(rte_pasid_state(s, 11, NULL), RTE_PASID_STATE_RESERVED, "11");
	s->reserved--;
	TEST_ASSERT_EQUAL(rte_pasid_space_audit(s), -EUCLEAN, "reserved counter");
	TEST_ASSERT_SUCCESS(repair(s), "repaired");
	s->pending.op = PASID_OP_RESERVE;
	TEST_ASSERT_EQUAL(rte_pasid_space_audit(s), -EUCLEAN, "update left pending");
	s->pending.op = PASID_OP_NONE;
	TEST_ASSERT_EQUAL(rte_pasid_free(s, RTE_PASID_OWNER_NONE, 11), -ENOENT, "11 reserved");
	TEST_ASSERT_SUCCESS(rte_pasid_space_audit(s), "restored");

	/* Width 8: 4 words of taken[], one word of room[]. */
	TEST_ASSERT_EQUAL(s->words, 4, "words");
	room[0] = 0; /* "no room anywhere" */
	TEST_ASSERT_EQUAL(rte_pasid_space_audit(s), -EUCLEAN, "room bits");
	TEST_ASSERT_SUCCESS(repair(s), "repaired");
	TEST_ASSERT_EQUAL(rte_pasid_alloc(s, RTE_PASID_OWNER_NONE), 4, "alloc after repair");
	/* Deaths at each step of an update: test_pasid_mp. */
	return TEST_SUCCESS;
}

int
main(void)
{
	static const struct test_case cases[] = {
		TEST_CASE(width_helpers),
		TEST_CASE(shared_width_calc),
		TEST_CASE(space_size),
		TEST_CASE(space_init_errors),
		TEST_CASE(space_attach_errors),
		TEST_CASE(space_create_free),
		TEST_CASE_ST(setup_w8, teardown_space, audit_detects_corruption),
		TEST_CASE_ST(setup_w8, teardown_space, alloc_lowest_first),
		TEST_CASE(alloc_owners_interleaved),
		TEST_CASE(alloc_exhaustion_all_widths),
		TEST_CASE_ST(setup_w8, teardown_space, alloc_value_errors),
		TEST_CASE_ST(setup_w8, teardown_space, free_errors),
		TEST_CASE_ST(setup_w8, teardown_space, reserve_unreserve),
		TEST_CASE_ST(setup_w8, teardown_space, reserve_many_ranges),
		TEST_CASE_ST(setup_w8, teardown_space, state_and_next),
		TEST_CASE_ST(setup_w8, teardown_space, width_changes),
		TEST_CASE_ST(setup_w8, teardown_space, owner_register),
		TEST_CASE_ST(setup_w8, teardown_space, owner_alive_default),
		TEST_CASE_ST(setup_w8, teardown_space, reclaim_with_callback),
		TEST_CASE(model_all_widths),
		TEST_CASE(shared_mixed_widths),
		TEST_CASE(threads_concurrent),
		TEST_CASES_END()
	};

	return test_run("pasid", cases);
}
