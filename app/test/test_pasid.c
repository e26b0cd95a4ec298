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
 * The random cases print their seed; TEST_PASID_SEED=<n> replays one.
 */

#include <errno.h>
#include <pthread.h>
#include <signal.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "rte_pasid.h"
#include "pasid_private.h"
#include "test.h"

/* ------------------------------------------------------------------ */
/* Helpers                                                             */
/* ------------------------------------------------------------------ */

static uint64_t
rng_next(uint64_t *s)
{
	/* splitmix64 */
	uint64_t z = (*s += UINT64_C(0x9e3779b97f4a7c15));

	z = (z ^ (z >> 30)) * UINT64_C(0xbf58476d1ce4e5b9);
	z = (z ^ (z >> 27)) * UINT64_C(0x94d049bb133111eb);
	return z ^ (z >> 31);
}

static uint32_t
rng_below(uint64_t *s, uint32_t n)
{
	return n ? (uint32_t)(rng_next(s) % n) : 0;
}

static uint64_t
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

static struct rte_pasid_space *sp;

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
#define CHECK(expr, want) do { \
	int _r = (expr); \
	if (_r != (want)) { \
		printf("# %s: %d, expected %d\n", #expr, _r, (want)); \
		goto out; \
	} \
} while (0)
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
#undef CHECK
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
#define CHECK(expr, want) do { \
	int _r = (expr); \
	if (_r != (want)) { \
		printf("# %s: %d, expected %d\n", #expr, _r, (want)); \
		goto out; \
	} \
} while (0)
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
#undef CHECK
	free(mem);
	return ret;
}

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

/* ------------------------------------------------------------------ */
/* PASIDs                                                              */
/* ------------------------------------------------------------------ */

static int
alloc_lowest_first(void)
{
	unsigned int owner = 0;
	int o, i;

	TEST_ASSERT_EQUAL(rte_pasid_alloc(NULL, 0), -EINVAL, "NULL");
	TEST_ASSERT_EQUAL(rte_pasid_alloc(sp, 1), -EINVAL, "unregistered owner");
	TEST_ASSERT_CONTAINS(rte_pasid_last_error(), "PASID alloc by owner 1: EINVAL");
	TEST_ASSERT_EQUAL(rte_pasid_alloc(sp, RTE_PASID_OWNER_MAX + 1), -EINVAL, "owner 65");
	TEST_ASSERT_EQUAL(rte_pasid_alloc(sp, UINT32_MAX), -EINVAL, "owner ~0");
	o = rte_pasid_owner_register(sp, 0);
	TEST_ASSERT(o >= 1, "register: %d", o);
	for (i = 1; i <= 100; i++) {
		TEST_ASSERT_EQUAL(rte_pasid_alloc(sp, (unsigned int)o), i, "alloc %d", i);
		TEST_ASSERT_EQUAL(rte_pasid_count(sp), i, "count");
	}
	/* Another owner takes the next value: owners are per value. */
	TEST_ASSERT_EQUAL(rte_pasid_alloc(sp, 0), 101, "next value, another owner");
	TEST_ASSERT_EQUAL(rte_pasid_state(sp, 7, &owner), RTE_PASID_STATE_ALLOCATED, "7");
	TEST_ASSERT_EQUAL(owner, o, "owner of 7");
	TEST_ASSERT_EQUAL(rte_pasid_state(sp, 101, &owner), RTE_PASID_STATE_ALLOCATED, "101");
	TEST_ASSERT_EQUAL(owner, RTE_PASID_OWNER_NONE, "owner of 101");
	TEST_ASSERT_SUCCESS(rte_pasid_free(sp, (unsigned int)o, 64), "free 64");
	TEST_ASSERT_SUCCESS(rte_pasid_free(sp, (unsigned int)o, 3), "free 3");
	TEST_ASSERT_EQUAL(rte_pasid_alloc(sp, 0), 3, "lowest free, whoever freed it");
	TEST_ASSERT_EQUAL(rte_pasid_alloc(sp, (unsigned int)o), 64, "next lowest free");
	TEST_ASSERT_EQUAL(rte_pasid_alloc(sp, (unsigned int)o), 102, "then the end");
	TEST_ASSERT_EQUAL(rte_pasid_state(sp, 3, &owner), RTE_PASID_STATE_ALLOCATED, "3");
	TEST_ASSERT_EQUAL(owner, RTE_PASID_OWNER_NONE, "owner of 3");
	TEST_ASSERT_EQUAL(rte_pasid_count(NULL), -EINVAL, "count NULL");
	TEST_ASSERT_SUCCESS(rte_pasid_space_audit(sp), "audit");
	return TEST_SUCCESS;
}

/*
 * Owners share every value: in any width, interleaved owners each get the
 * lowest free value, hold exactly what they were given, and fill the
 * namespace together (with one owner per value, not per block).
 */
static int
alloc_owners_interleaved(void)
{
	struct rte_pasid_owner_info oi;
	unsigned int w, k, owner;
	int o[3], p;
	uint32_t v;

	for (w = 1; w <= 10; w++) {
		struct rte_pasid_space *s;
		uint32_t n = (1u << w) - 1, held[3] = { 0, 0, 0 };

		TEST_ASSERT_SUCCESS(rte_pasid_space_create(w, 0, &s), "width %u", w);
		for (k = 0; k < 3; k++) {
			o[k] = rte_pasid_owner_register(s, 0);
			TEST_ASSERT(o[k] > 0, "register");
		}
		/* Owners 1, 2, none, 1, 2, none, ...: values 1, 2, 3, ... */
		for (v = 1; v <= n; v++) {
			k = (v - 1) % 3;
			p = rte_pasid_alloc(s, k == 2 ? RTE_PASID_OWNER_NONE : (unsigned int)o[k]);
			TEST_ASSERT_EQUAL(p, v, "width %u: alloc by owner %u", w, k);
			held[k]++;
		}
		TEST_ASSERT_EQUAL(rte_pasid_alloc(s, (unsigned int)o[0]), -ENOSPC, "full");
		TEST_ASSERT_CONTAINS(rte_pasid_last_error(), "ENOSPC");
		for (v = 1; v <= n; v++) {
			k = (v - 1) % 3;
			TEST_ASSERT_EQUAL(rte_pasid_state(s, v, &owner), RTE_PASID_STATE_ALLOCATED, "%u", v);
			TEST_ASSERT_EQUAL(owner, k == 2 ? RTE_PASID_OWNER_NONE : (unsigned int)o[k],
				"width %u: owner of %u", w, v);
		}
		for (k = 0; k < 2; k++) {
			TEST_ASSERT_SUCCESS(rte_pasid_owner_get(s, (unsigned int)o[k], &oi), "get");
			TEST_ASSERT_EQUAL(oi.count, held[k], "width %u: owner %u's count", w, k);
		}
		/* A value freed in the middle of another owner's goes to anyone. */
		if (n >= 4) {
			TEST_ASSERT_SUCCESS(rte_pasid_free(s, (unsigned int)o[0], 4), "free 4");
			TEST_ASSERT_SUCCESS(rte_pasid_alloc_value(s, (unsigned int)o[1], 4), "4 to owner 2");
		}
		TEST_ASSERT_EQUAL(rte_pasid_owner_unregister(s, (unsigned int)o[1]),
			held[1] + (n >= 4), "owner 2's values freed");
		for (v = 1; v <= n; v++)
			TEST_ASSERT_EQUAL(rte_pasid_state(s, v, NULL),
				(v - 1) % 3 == 1 || v == 4 ? RTE_PASID_STATE_FREE :
				RTE_PASID_STATE_ALLOCATED, "width %u: %u after unregister", w, v);
		TEST_ASSERT_SUCCESS(rte_pasid_space_audit(s), "audit");
		rte_pasid_space_free(s);
	}
	return TEST_SUCCESS;
}

/* Fill a namespace of every width; 0 never comes out, each value once. */
static int
alloc_exhaustion_all_widths(void)
{
	uint8_t *seen = calloc((size_t)1 << 20, 1);
	unsigned int w;
	int ret = TEST_FAILED;

	if (seen == NULL)
		return TEST_FAILED;
	for (w = 1; w <= 20; w++) {
		uint32_t n = (1u << w) - 1, i;
		struct rte_pasid_space *s;
		int p, again;

		if (rte_pasid_space_create(w, 0, &s) != 0)
			goto out;
		memset(seen, 0, (size_t)1 << w);
		for (i = 0; i < n; i++) {
			p = rte_pasid_alloc(s, RTE_PASID_OWNER_NONE);
			if (p <= 0 || (uint32_t)p > n || seen[p]) {
				printf("# width %u: alloc %u returned %d\n", w, i, p);
				rte_pasid_space_free(s);
				goto out;
			}
			seen[p] = 1;
		}
		p = rte_pasid_alloc(s, RTE_PASID_OWNER_NONE);
		again = rte_pasid_alloc(s, RTE_PASID_OWNER_NONE);
		if (p != -ENOSPC || again != -ENOSPC || rte_pasid_count(s) != (int)n ||
				rte_pasid_space_audit(s) != 0) {
			printf("# width %u: full: %d %d count %d\n", w, p, again,
			       rte_pasid_count(s));
			rte_pasid_space_free(s);
			goto out;
		}
		/* One freed value is the one handed out next. */
		i = 1 + (uint32_t)(((uint64_t)w * 2654435761u) % n);
		if (rte_pasid_free(s, 0, i) != 0 || rte_pasid_alloc(s, 0) != (int)i ||
				rte_pasid_alloc(s, 0) != -ENOSPC) {
			printf("# width %u: refill of %u failed\n", w, i);
			rte_pasid_space_free(s);
			goto out;
		}
		rte_pasid_space_free(s);
	}
	ret = TEST_SUCCESS;
out:
	free(seen);
	return ret;
}

static int
alloc_value_errors(void)
{
	unsigned int owner = 99;

	TEST_ASSERT_EQUAL(rte_pasid_alloc_value(NULL, 0, 5), -EINVAL, "NULL");
	TEST_ASSERT_EQUAL(rte_pasid_alloc_value(sp, 0, 0), -EINVAL, "PASID 0");
	TEST_ASSERT_EQUAL(rte_pasid_alloc_value(sp, 0, 256), -ERANGE, "2^8");
	TEST_ASSERT_EQUAL(rte_pasid_alloc_value(sp, 0, UINT32_MAX), -ERANGE, "~0");
	TEST_ASSERT_EQUAL(rte_pasid_alloc_value(sp, 2, 5), -EINVAL, "unregistered owner");
	TEST_ASSERT_SUCCESS(rte_pasid_alloc_value(sp, 0, 255), "255");
	TEST_ASSERT_SUCCESS(rte_pasid_alloc_value(sp, 0, 5), "5");
	TEST_ASSERT_EQUAL(rte_pasid_alloc_value(sp, 0, 5), -EEXIST, "5 again");
	TEST_ASSERT_EQUAL(rte_pasid_reserve(sp, 10, 12), 3, "reserve");
	TEST_ASSERT_EQUAL(rte_pasid_alloc_value(sp, 0, 11), -EBUSY, "reserved");
	TEST_ASSERT_EQUAL(rte_pasid_state(sp, 5, &owner), RTE_PASID_STATE_ALLOCATED, "5");
	TEST_ASSERT_EQUAL(owner, RTE_PASID_OWNER_NONE, "owner");
	TEST_ASSERT_EQUAL(rte_pasid_alloc(sp, 0), 1, "alloc skips nothing below 5");
	TEST_ASSERT_EQUAL(rte_pasid_count(sp), 3, "count");
	TEST_ASSERT_SUCCESS(rte_pasid_space_audit(sp), "audit");
	return TEST_SUCCESS;
}

static int
free_errors(void)
{
	unsigned int owner = 99;
	int a, b;

	TEST_ASSERT_EQUAL(rte_pasid_free(NULL, 0, 1), -EINVAL, "NULL");
	TEST_ASSERT_EQUAL(rte_pasid_free(sp, 0, 0), -EINVAL, "PASID 0");
	TEST_ASSERT_EQUAL(rte_pasid_free(sp, 0, 256), -ERANGE, "2^8");
	TEST_ASSERT_EQUAL(rte_pasid_free(sp, 0, 1), -ENOENT, "never allocated");
	TEST_ASSERT_EQUAL(rte_pasid_free(sp, 3, 1), -EINVAL, "unregistered owner");
	TEST_ASSERT_EQUAL(rte_pasid_free(sp, RTE_PASID_OWNER_MAX + 1, 1), -EINVAL, "owner 65");
	TEST_ASSERT_EQUAL(rte_pasid_alloc(sp, 0), 1, "alloc");
	TEST_ASSERT_SUCCESS(rte_pasid_free(sp, 0, 1), "free");
	TEST_ASSERT_EQUAL(rte_pasid_free(sp, 0, 1), -ENOENT, "double free");
	TEST_ASSERT_CONTAINS(rte_pasid_last_error(), "PASID free 1 by owner 0: ENOENT");
	TEST_ASSERT_EQUAL(rte_pasid_reserve(sp, 1, 1), 1, "reserve");
	TEST_ASSERT_EQUAL(rte_pasid_free(sp, 0, 1), -ENOENT, "reserved");
	TEST_ASSERT_EQUAL(rte_pasid_state(sp, 1, NULL), RTE_PASID_STATE_RESERVED, "still");
	TEST_ASSERT_EQUAL(rte_pasid_count(sp), 0, "count");

	/* Only the owner frees: a stale second free cannot take another's. */
	a = rte_pasid_owner_register(sp, 0);
	b = rte_pasid_owner_register(sp, 0);
	TEST_ASSERT(a > 0 && b > 0, "register");
	TEST_ASSERT_EQUAL(rte_pasid_alloc(sp, (unsigned int)a), 2, "a: 2");
	TEST_ASSERT_SUCCESS(rte_pasid_free(sp, (unsigned int)a, 2), "a frees 2");
	TEST_ASSERT_EQUAL(rte_pasid_alloc(sp, (unsigned int)b), 2, "b: 2");
	TEST_ASSERT_EQUAL(rte_pasid_free(sp, (unsigned int)a, 2), -EPERM, "a's stale free");
	TEST_ASSERT_CONTAINS(rte_pasid_last_error(), "EPERM (allocated to another owner");
	TEST_ASSERT_EQUAL(rte_pasid_state(sp, 2, &owner), RTE_PASID_STATE_ALLOCATED, "2 kept");
	TEST_ASSERT_EQUAL(owner, b, "by b");
	TEST_ASSERT_EQUAL(rte_pasid_free(sp, 0, 2), -EPERM, "no owner is not b");
	TEST_ASSERT_EQUAL(rte_pasid_alloc(sp, 0), 3, "none: 3");
	TEST_ASSERT_EQUAL(rte_pasid_free(sp, (unsigned int)b, 3), -EPERM, "b frees none's");
	TEST_ASSERT_SUCCESS(rte_pasid_free(sp, (unsigned int)b, 2), "b frees 2");
	TEST_ASSERT_SUCCESS(rte_pasid_free(sp, 0, 3), "none frees 3");
	TEST_ASSERT_EQUAL(rte_pasid_count(sp), 0, "count");
	TEST_ASSERT_SUCCESS(rte_pasid_space_audit(sp), "audit");
	return TEST_SUCCESS;
}

static int
reserve_unreserve(void)
{
	struct rte_pasid_space_info info;
	uint32_t v;

	TEST_ASSERT_EQUAL(rte_pasid_reserve(NULL, 1, 2), -EINVAL, "NULL");
	TEST_ASSERT_EQUAL(rte_pasid_reserve(sp, 0, 2), -EINVAL, "from 0");
	TEST_ASSERT_EQUAL(rte_pasid_reserve(sp, 5, 4), -EINVAL, "last < first");
	TEST_ASSERT_EQUAL(rte_pasid_reserve(sp, 5, 256), -ERANGE, "past the end");
	TEST_ASSERT_EQUAL(rte_pasid_unreserve(NULL, 1, 2), -EINVAL, "NULL");
	TEST_ASSERT_EQUAL(rte_pasid_unreserve(sp, 0, 2), -EINVAL, "from 0");
	TEST_ASSERT_EQUAL(rte_pasid_unreserve(sp, 5, 4), -EINVAL, "last < first");
	TEST_ASSERT_EQUAL(rte_pasid_unreserve(sp, 5, 256), -ERANGE, "past the end");

	TEST_ASSERT_EQUAL(rte_pasid_reserve(sp, 1, 10), 10, "1..10");
	TEST_ASSERT_EQUAL(rte_pasid_reserve(sp, 5, 20), 10, "5..20 adds 11..20");
	TEST_ASSERT_EQUAL(rte_pasid_alloc(sp, 0), 21, "alloc skips reserved");
	TEST_ASSERT_SUCCESS(rte_pasid_alloc_value(sp, 0, 30), "30");
	TEST_ASSERT_EQUAL(rte_pasid_reserve(sp, 25, 35), -EBUSY, "30 allocated");
	for (v = 25; v <= 35; v++)
		TEST_ASSERT_EQUAL(rte_pasid_state(sp, v, NULL),
			v == 30 ? RTE_PASID_STATE_ALLOCATED : RTE_PASID_STATE_FREE,
			"%u untouched by the refused reserve", v);
	TEST_ASSERT_EQUAL(rte_pasid_reserve(sp, 255, 255), 1, "last value");
	TEST_ASSERT_SUCCESS(rte_pasid_space_info(sp, &info), "info");
	TEST_ASSERT_EQUAL(info.reserved, 21, "reserved");
	TEST_ASSERT_EQUAL(info.allocated, 2, "allocated");
	TEST_ASSERT_EQUAL(info.free, 255 - 21 - 2, "free");
	/* Unreserve over allocated and free values: only reserved change. */
	TEST_ASSERT_EQUAL(rte_pasid_unreserve(sp, 15, 40), 6, "15..20");
	TEST_ASSERT_EQUAL(rte_pasid_state(sp, 21, NULL), RTE_PASID_STATE_ALLOCATED, "21");
	TEST_ASSERT_EQUAL(rte_pasid_state(sp, 30, NULL), RTE_PASID_STATE_ALLOCATED, "30");
	TEST_ASSERT_EQUAL(rte_pasid_alloc(sp, 0), 15, "15 free again");
	TEST_ASSERT_EQUAL(rte_pasid_unreserve(sp, 15, 40), 0, "nothing left there");
	TEST_ASSERT_SUCCESS(rte_pasid_space_audit(sp), "audit");
	/* Reserve everything but one value: alloc hands out exactly that. */
	TEST_ASSERT_EQUAL(rte_pasid_unreserve(sp, 1, 255), 15, "all");
	TEST_ASSERT_SUCCESS(rte_pasid_free(sp, 0, 15), "15");
	TEST_ASSERT_SUCCESS(rte_pasid_free(sp, 0, 21), "21");
	TEST_ASSERT_SUCCESS(rte_pasid_free(sp, 0, 30), "30");
	TEST_ASSERT_EQUAL(rte_pasid_reserve(sp, 1, 199), 199, "1..199");
	TEST_ASSERT_EQUAL(rte_pasid_reserve(sp, 201, 255), 55, "201..255");
	TEST_ASSERT_EQUAL(rte_pasid_alloc(sp, 0), 200, "the only one");
	TEST_ASSERT_EQUAL(rte_pasid_alloc(sp, 0), -ENOSPC, "none left");
	TEST_ASSERT_SUCCESS(rte_pasid_space_audit(sp), "audit");
	return TEST_SUCCESS;
}

/*
 * Reservations of any shape: 128 disjoint ranges (every odd value),
 * ranges joined and split by later calls, each value exactly as asked.
 */
static int
reserve_many_ranges(void)
{
	struct rte_pasid_space_info info;
	uint32_t k, v;

	for (k = 0; k < 128; k++)
		TEST_ASSERT_EQUAL(rte_pasid_reserve(sp, 2 * k + 1, 2 * k + 1), 1, "range %u", k);
	TEST_ASSERT_EQUAL(rte_pasid_reserve(sp, 3, 3), 0, "already reserved");
	TEST_ASSERT_EQUAL(rte_pasid_alloc(sp, 0), 2, "between two ranges");
	TEST_ASSERT_EQUAL(rte_pasid_reserve(sp, 3, 9), 3, "4, 6, 8 join 1 and 3..9");
	TEST_ASSERT_EQUAL(rte_pasid_reserve(sp, 1, 3), -EBUSY, "2 is allocated");
	TEST_ASSERT_CONTAINS(rte_pasid_last_error(), "PASID reserve 1..3: EBUSY");
	TEST_ASSERT_EQUAL(rte_pasid_unreserve(sp, 5, 5), 1, "split 3..9 in the middle");
	TEST_ASSERT_EQUAL(rte_pasid_unreserve(sp, 101, 200), 50, "the odd values of 101..200");
	TEST_ASSERT_SUCCESS(rte_pasid_space_info(sp, &info), "info");
	TEST_ASSERT_EQUAL(info.reserved, 128 + 3 - 1 - 50, "reserved values");
	for (v = 1; v < 256; v++) {
		bool res = v != 5 && ((v >= 3 && v <= 9) || (v % 2 == 1 && (v < 101 || v > 200)));

		TEST_ASSERT_EQUAL(rte_pasid_state(sp, v, NULL), res ? RTE_PASID_STATE_RESERVED :
			v == 2 ? RTE_PASID_STATE_ALLOCATED : RTE_PASID_STATE_FREE, "%u", v);
	}
	TEST_ASSERT_EQUAL(rte_pasid_alloc(sp, 0), 5, "the hole made by the split");
	TEST_ASSERT_EQUAL(rte_pasid_alloc(sp, 0), 10, "then the first even above 9");
	TEST_ASSERT_EQUAL(rte_pasid_unreserve(sp, 1, 255), 128 + 3 - 1 - 50, "all");
	TEST_ASSERT_SUCCESS(rte_pasid_space_audit(sp), "audit");
	return TEST_SUCCESS;
}

static int
state_and_next(void)
{
	unsigned int owner = 77;
	int o, p, n;

	TEST_ASSERT_EQUAL(rte_pasid_state(NULL, 1, NULL), -EINVAL, "NULL");
	TEST_ASSERT_EQUAL(rte_pasid_state(sp, 0, NULL), RTE_PASID_STATE_RESERVED, "0");
	TEST_ASSERT_EQUAL(rte_pasid_state(sp, 256, NULL), -ERANGE, "2^8");
	TEST_ASSERT_EQUAL(rte_pasid_state(sp, 9, &owner), RTE_PASID_STATE_FREE, "free");
	TEST_ASSERT_EQUAL(owner, 77, "owner untouched unless allocated");
	TEST_ASSERT_EQUAL(rte_pasid_next(NULL, 0, NULL), -EINVAL, "NULL");
	TEST_ASSERT_EQUAL(rte_pasid_next(sp, 0, NULL), -ENOENT, "empty");

	o = rte_pasid_owner_register(sp, 0);
	TEST_ASSERT(o > 0, "register %d", o);
	TEST_ASSERT_EQUAL(rte_pasid_reserve(sp, 60, 200), 141, "reserve");
	TEST_ASSERT_SUCCESS(rte_pasid_alloc_value(sp, (unsigned int)o, 3), "3");
	TEST_ASSERT_SUCCESS(rte_pasid_alloc_value(sp, (unsigned int)o, 59), "59");
	TEST_ASSERT_SUCCESS(rte_pasid_alloc_value(sp, 0, 201), "201");
	TEST_ASSERT_SUCCESS(rte_pasid_alloc_value(sp, 0, 255), "255");
	TEST_ASSERT_EQUAL(rte_pasid_next(sp, 0, &owner), 3, "first");
	TEST_ASSERT_EQUAL(owner, o, "owner of 3");
	TEST_ASSERT_EQUAL(rte_pasid_next(sp, 3, &owner), 59, "second");
	TEST_ASSERT_EQUAL(owner, o, "owner of 59");
	TEST_ASSERT_EQUAL(rte_pasid_next(sp, 59, &owner), 201, "over the reserved range");
	TEST_ASSERT_EQUAL(owner, RTE_PASID_OWNER_NONE, "owner of 201");
	TEST_ASSERT_EQUAL(rte_pasid_next(sp, 201, NULL), 255, "last");
	TEST_ASSERT_EQUAL(rte_pasid_next(sp, 255, NULL), -ENOENT, "past the last");
	TEST_ASSERT_EQUAL(rte_pasid_next(sp, UINT32_MAX, NULL), -ENOENT, "after ~0");
	TEST_ASSERT_EQUAL(rte_pasid_next(sp, 100, NULL), 201, "from inside a range");
	n = 0;
	for (p = rte_pasid_next(sp, 0, NULL); p > 0; p = rte_pasid_next(sp, (uint32_t)p, NULL))
		n++;
	TEST_ASSERT_EQUAL(n, rte_pasid_count(sp), "iteration sees every PASID");
	return TEST_SUCCESS;
}

static int
width_changes(void)
{
	struct rte_pasid_space_info info;
	int p;

	TEST_ASSERT_EQUAL(rte_pasid_space_narrow(NULL, 4), -EINVAL, "NULL");
	TEST_ASSERT_EQUAL(rte_pasid_space_narrow(sp, 0), -EINVAL, "0");
	TEST_ASSERT_EQUAL(rte_pasid_space_narrow(sp, 21), -EINVAL, "21");
	TEST_ASSERT_EQUAL(rte_pasid_space_set_width(NULL, 4), -EINVAL, "NULL");
	TEST_ASSERT_EQUAL(rte_pasid_space_set_width(sp, 0), -EINVAL, "0");
	TEST_ASSERT_EQUAL(rte_pasid_space_set_width(sp, 9), -ERANGE, "above max");
	TEST_ASSERT_EQUAL(rte_pasid_space_narrow(sp, 12), 8, "wider: no change");

	TEST_ASSERT_EQUAL(rte_pasid_reserve(sp, 100, 109), 10, "reserve high");
	TEST_ASSERT_EQUAL(rte_pasid_reserve(sp, 2, 3), 2, "reserve low");
	TEST_ASSERT_SUCCESS(rte_pasid_alloc_value(sp, 0, 40), "40");
	TEST_ASSERT_EQUAL(rte_pasid_space_narrow(sp, 5), -EBUSY, "40 >= 32");
	TEST_ASSERT_EQUAL(rte_pasid_space_set_width(sp, 5), -EBUSY, "40 >= 32");
	TEST_ASSERT_EQUAL(rte_pasid_space_narrow(sp, 6), 6, "40 < 64");
	TEST_ASSERT_SUCCESS(rte_pasid_space_info(sp, &info), "info");
	TEST_ASSERT_EQUAL(info.width, 6, "width");
	TEST_ASSERT_EQUAL(info.max_width, 8, "max width");
	TEST_ASSERT_EQUAL(info.reserved, 2, "high reservation dormant");
	TEST_ASSERT_EQUAL(info.free, 63 - 2 - 1, "free");
	TEST_ASSERT_EQUAL(rte_pasid_state(sp, 64, NULL), -ERANGE, "64 out of range");
	TEST_ASSERT_EQUAL(rte_pasid_alloc_value(sp, 0, 64), -ERANGE, "64");
	TEST_ASSERT_EQUAL(rte_pasid_reserve(sp, 60, 64), -ERANGE, "60..64");
	TEST_ASSERT_SUCCESS(rte_pasid_space_audit(sp), "audit narrowed");
	/* Exhaustion stops at the narrowed end. */
	for (p = 0; p < 60; p++)
		TEST_ASSERT(rte_pasid_alloc(sp, 0) < 64, "alloc %d below 64", p);
	TEST_ASSERT_EQUAL(rte_pasid_alloc(sp, 0), -ENOSPC, "full at width 6");
	TEST_ASSERT_EQUAL(rte_pasid_space_narrow(sp, 6), 6, "same width");
	/* Widen: the high reservation is back. */
	TEST_ASSERT_SUCCESS(rte_pasid_space_set_width(sp, 8), "widen");
	TEST_ASSERT_EQUAL(rte_pasid_state(sp, 105, NULL), RTE_PASID_STATE_RESERVED, "105");
	TEST_ASSERT_EQUAL(rte_pasid_alloc(sp, 0), 64, "64 first above");
	TEST_ASSERT_SUCCESS(rte_pasid_space_info(sp, &info), "info");
	TEST_ASSERT_EQUAL(info.reserved, 12, "all reservations");
	TEST_ASSERT_SUCCESS(rte_pasid_space_audit(sp), "audit widened");
	/* Narrowing to 1 leaves only PASID 1. */
	TEST_ASSERT_EQUAL(rte_pasid_space_set_width(sp, 1), -EBUSY, "allocated above 1");
	return TEST_SUCCESS;
}

/* ------------------------------------------------------------------ */
/* Owners                                                              */
/* ------------------------------------------------------------------ */

static pid_t
dead_pid(void)
{
	pid_t pid;

	fflush(stdout);
	pid = fork();
	if (pid == 0)
		_exit(0);
	if (pid > 0)
		waitpid(pid, NULL, 0);
	return pid;
}

static int
owner_register(void)
{
	struct rte_pasid_owner_info oi;
	int owners[RTE_PASID_OWNER_MAX], i, o;
	pid_t gone = dead_pid();

	TEST_ASSERT(gone > 0, "fork");
	TEST_ASSERT_EQUAL(rte_pasid_owner_register(NULL, 0), -EINVAL, "NULL");
	TEST_ASSERT_EQUAL(rte_pasid_owner_register(sp, -1), -EINVAL, "pid -1");
	TEST_ASSERT_EQUAL(rte_pasid_owner_register(sp, gone), -ESRCH, "exited pid %d", gone);
	for (i = 0; i < (int)RTE_PASID_OWNER_MAX; i++) {
		owners[i] = rte_pasid_owner_register(sp, i % 2 ? 0 : getpid());
		TEST_ASSERT_EQUAL(owners[i], i + 1, "slot %d", i);
	}
	TEST_ASSERT_EQUAL(rte_pasid_owner_register(sp, 0), -ENOSPC, "65th");
	TEST_ASSERT_SUCCESS(rte_pasid_owner_get(sp, 17, &oi), "get");
	TEST_ASSERT_EQUAL(oi.owner, 17, "owner");
	TEST_ASSERT_EQUAL(oi.pid, getpid(), "pid");
	TEST_ASSERT(oi.start_time != 0, "start time read from /proc");
	TEST_ASSERT_EQUAL(oi.count, 0, "count");
	TEST_ASSERT_EQUAL(rte_pasid_owner_get(NULL, 1, &oi), -EINVAL, "NULL");
	TEST_ASSERT_EQUAL(rte_pasid_owner_get(sp, 1, NULL), -EINVAL, "NULL info");
	TEST_ASSERT_EQUAL(rte_pasid_owner_get(sp, 0, &oi), -EINVAL, "owner 0");
	TEST_ASSERT_EQUAL(rte_pasid_owner_get(sp, 65, &oi), -EINVAL, "owner 65");

	for (i = 0; i < 30; i++)
		TEST_ASSERT(rte_pasid_alloc(sp, 17) > 0, "alloc");
	TEST_ASSERT_SUCCESS(rte_pasid_alloc_value(sp, 18, 200), "200");
	TEST_ASSERT_SUCCESS(rte_pasid_free(sp, 17, 10), "free one of 17's");
	TEST_ASSERT_SUCCESS(rte_pasid_owner_get(sp, 17, &oi), "get");
	TEST_ASSERT_EQUAL(oi.count, 29, "count");
	TEST_ASSERT_EQUAL(rte_pasid_owner_unregister(NULL, 17), -EINVAL, "NULL");
	TEST_ASSERT_EQUAL(rte_pasid_owner_unregister(sp, 0), -EINVAL, "owner 0");
	TEST_ASSERT_EQUAL(rte_pasid_owner_unregister(sp, 65), -EINVAL, "owner 65");
	TEST_ASSERT_EQUAL(rte_pasid_owner_unregister(sp, 17), 29, "frees its PASIDs");
	TEST_ASSERT_EQUAL(rte_pasid_owner_unregister(sp, 17), -EINVAL, "twice");
	TEST_ASSERT_EQUAL(rte_pasid_count(sp), 1, "18's PASID stays");
	TEST_ASSERT_EQUAL(rte_pasid_alloc(sp, 17), -EINVAL, "unregistered");
	TEST_ASSERT_EQUAL(rte_pasid_owner_get(sp, 17, &oi), -EINVAL, "gone");
	o = rte_pasid_owner_register(sp, 0);
	TEST_ASSERT_EQUAL(o, 17, "slot reused");
	TEST_ASSERT_SUCCESS(rte_pasid_space_audit(sp), "audit");
	return TEST_SUCCESS;
}

static int
owner_alive_default(void)
{
	struct rte_pasid_owner_info oi;
	pid_t child;
	int o, i;

	o = rte_pasid_owner_register(sp, 0);
	TEST_ASSERT(o > 0, "register");
	TEST_ASSERT_SUCCESS(rte_pasid_owner_get(sp, (unsigned int)o, &oi), "get");
	TEST_ASSERT_EQUAL(rte_pasid_owner_alive(&oi, NULL), 1, "self");
	oi.start_time++;
	TEST_ASSERT_EQUAL(rte_pasid_owner_alive(&oi, NULL), 0, "recycled pid");
	oi.start_time = 0;
	TEST_ASSERT_EQUAL(rte_pasid_owner_alive(&oi, NULL), 1, "no start time");
	oi.pid = 0;
	TEST_ASSERT_EQUAL(rte_pasid_owner_alive(&oi, NULL), 0, "pid 0");
	TEST_ASSERT_EQUAL(rte_pasid_owner_alive(NULL, NULL), -EINVAL, "NULL");
	oi.pid = dead_pid();
	TEST_ASSERT_EQUAL(rte_pasid_owner_alive(&oi, NULL), 0, "reaped child");
	/* A killed child not yet reaped is a zombie: dead as well. */
	fflush(stdout);
	child = fork();
	TEST_ASSERT(child >= 0, "fork");
	if (child == 0) {
		pause();
		_exit(0);
	}
	oi.pid = child;
	TEST_ASSERT_EQUAL(rte_pasid_owner_alive(&oi, NULL), 1, "live child");
	kill(child, SIGKILL);
	for (i = 0; i < 1000; i++) {
		siginfo_t si;

		memset(&si, 0, sizeof(si));
		if (waitid(P_PID, (id_t)child, &si, WEXITED | WNOHANG | WNOWAIT) == 0 &&
				si.si_pid == child)
			break;
		usleep(1000);
	}
	TEST_ASSERT_EQUAL(rte_pasid_owner_alive(&oi, NULL), 0, "zombie");
	waitpid(child, NULL, 0);
	TEST_ASSERT_EQUAL(rte_pasid_owner_alive(&oi, NULL), 0, "reaped");
	return TEST_SUCCESS;
}

struct alive_arg {
	unsigned int dead_owner;
	int fail;
	unsigned int calls;
};

static int
alive_cb(const struct rte_pasid_owner_info *owner, void *arg)
{
	struct alive_arg *a = arg;

	a->calls++;
	if (a->fail)
		return a->fail;
	return owner->owner != a->dead_owner;
}

static int
reclaim_with_callback(void)
{
	struct alive_arg a = { 0, 0, 0 };
	int o[3], i, k, held[3] = { 0, 0, 0 };
	unsigned int owner;
	uint32_t v;

	for (i = 0; i < 3; i++) {
		o[i] = rte_pasid_owner_register(sp, 0);
		TEST_ASSERT(o[i] > 0, "register");
	}
	for (i = 0; i < 120; i++) {
		k = i % 3;
		TEST_ASSERT(rte_pasid_alloc(sp, (unsigned int)o[k]) > 0, "alloc");
		held[k]++;
	}
	TEST_ASSERT(rte_pasid_alloc(sp, RTE_PASID_OWNER_NONE) > 0, "unowned");
	TEST_ASSERT_EQUAL(rte_pasid_space_reclaim(NULL, NULL, NULL), -EINVAL, "NULL");
	TEST_ASSERT_EQUAL(rte_pasid_space_reclaim(sp, NULL, NULL), 0, "all alive");
	a.fail = -EIO;
	TEST_ASSERT_EQUAL(rte_pasid_space_reclaim(sp, alive_cb, &a), -EIO, "cb error");
	TEST_ASSERT_EQUAL(rte_pasid_count(sp), 121, "nothing freed on error");
	a.fail = 0;
	a.dead_owner = (unsigned int)o[1];
	a.calls = 0;
	TEST_ASSERT_EQUAL(rte_pasid_space_reclaim(sp, alive_cb, &a), held[1], "owner 2's");
	TEST_ASSERT_EQUAL(a.calls, 3, "one call per owner");
	TEST_ASSERT_EQUAL(rte_pasid_count(sp), 121 - held[1], "count");
	/* Values 1..120 went to the owners in turn, 121 to nobody. */
	for (v = 1; v < 256; v++) {
		int st = rte_pasid_state(sp, v, &owner);
		bool want = v <= 121 && (v == 121 || (v - 1) % 3 != 1);

		TEST_ASSERT_EQUAL(st, want ? RTE_PASID_STATE_ALLOCATED : RTE_PASID_STATE_FREE,
			"state of %u", v);
		if (st == RTE_PASID_STATE_ALLOCATED)
			TEST_ASSERT(owner != (unsigned int)o[1], "%u still owned by the dead", v);
	}
	TEST_ASSERT_EQUAL(rte_pasid_alloc(sp, (unsigned int)o[1]), -EINVAL, "slot released");
	a.calls = 0;
	TEST_ASSERT_EQUAL(rte_pasid_space_reclaim(sp, alive_cb, &a), 0, "nothing more");
	TEST_ASSERT_EQUAL(a.calls, 2, "released slot not asked");
	TEST_ASSERT_SUCCESS(rte_pasid_space_audit(sp), "audit");
	return TEST_SUCCESS;
}

/* ------------------------------------------------------------------ */
/* Random sequences against a model                                    */
/* ------------------------------------------------------------------ */

/*
 * Model: one byte per value, M_FREE, M_RES or the owner of an allocated
 * value (M_NONE for none); the allocated values, unordered; per block of
 * 64 values, the free count (to find the lowest free value fast).
 */
#define M_FREE 0
#define M_RES 0xff
#define M_NONE 0x80

struct model {
	uint8_t *v;
	unsigned int width, max_width;
	uint32_t allocated;
	uint32_t *held;       /* allocated values, unordered */
	uint32_t nheld;
	uint32_t *bfree;      /* per block: M_FREE values, whatever the width */
};

static bool
m_alloc(uint8_t b)
{
	return b != M_FREE && b != M_RES;
}

static uint32_t
m_limit(const struct model *m)
{
	return 1u << m->width;
}

static uint8_t
m_tag(unsigned int owner)
{
	return owner ? (uint8_t)owner : M_NONE;
}

static int
m_lowest_free(struct model *m)
{
	uint32_t limit = m_limit(m), b, v;

	for (b = 0; b << 6 < limit; b++) {
		if (m->bfree[b] == 0)
			continue;
		for (v = b << 6; v < (b + 1) << 6 && v < limit; v++)
			if (m->v[v] == M_FREE)
				return (int)v;
	}
	return -ENOSPC;
}

static void
m_take(struct model *m, uint32_t p, uint8_t owner)
{
	m->v[p] = owner;
	m->allocated++;
	m->held[m->nheld++] = p;
	m->bfree[p >> 6]--;
}

static void
m_free(struct model *m, uint32_t p)
{
	uint32_t i;

	m->v[p] = M_FREE;
	m->allocated--;
	m->bfree[p >> 6]++;
	for (i = 0; i < m->nheld; i++) {
		if (m->held[i] == p) {
			m->held[i] = m->held[--m->nheld];
			break;
		}
	}
}

/* Turn the values of [first, last] that are @p from into @p to: how many. */
static int
m_retag(struct model *m, uint32_t first, uint32_t last, uint8_t from, uint8_t to)
{
	uint32_t k;
	int n = 0;

	for (k = first; k <= last; k++) {
		if (m->v[k] == from) {
			m->v[k] = to;
			m->bfree[k >> 6] += to == M_FREE ? 1 : -1;
			n++;
		}
	}
	return n;
}

#define PFAIL(fmt, ...) do { \
	printf("# seed 0x%llx width %u step %u: " fmt "\n", \
	       (unsigned long long)seed0, w, step, ##__VA_ARGS__); \
	goto fail; \
} while (0)

#define PCHECK(got, want, what) do { \
	long long _g = (got), _w = (want); \
	if (_g != _w) \
		PFAIL("%s: got %lld, want %lld (%s)", what, _g, _w, rte_pasid_last_error()); \
} while (0)

static int
model_run(unsigned int w, uint64_t seed0, unsigned int nsteps)
{
	uint64_t seed = seed0;
	uint32_t nvalues = 1u << w, v, first, last, k, step = 0;
	struct rte_pasid_space *s = NULL;
	struct model m;
	unsigned int owners[4] = { RTE_PASID_OWNER_NONE, 0, 0, 0 }, owner;
	uint32_t fill;
	int ret, i;

	memset(&m, 0, sizeof(m));
	m.v = calloc(nvalues, 1);
	m.held = calloc(nvalues, sizeof(*m.held));
	m.bfree = calloc(nvalues / 64 + 1, sizeof(*m.bfree));
	if (m.v == NULL || m.held == NULL || m.bfree == NULL ||
			rte_pasid_space_create(w, 0, &s) != 0)
		PFAIL("setup");
	m.width = m.max_width = w;
	m.v[0] = M_RES;
	for (v = 1; v < nvalues; v++)
		m.bfree[v >> 6]++;
	for (i = 1; i < 4; i++) {
		ret = rte_pasid_owner_register(s, 0);
		if (ret <= 0)
			PFAIL("register: %d", ret);
		owners[i] = (unsigned int)ret;
	}
	/* Start at a random occupancy, each value with a random owner. */
	fill = rng_below(&seed, 100);
	for (v = 1; v < nvalues; v++) {
		if (rng_below(&seed, 100) >= fill)
			continue;
		owner = owners[rng_below(&seed, 4)];
		PCHECK(rte_pasid_alloc_value(s, owner, v), 0, "prefill");
		m_take(&m, v, m_tag(owner));
	}

	for (step = 0; step < nsteps; step++) {
		uint32_t op = rng_below(&seed, 100), limit = m_limit(&m);
		uint8_t b;
		int want;

		/* Value: mostly in range, sometimes 0 or above. */
		v = rng_below(&seed, 20) == 0 ? rng_below(&seed, 3) * limit :
			rng_below(&seed, limit);
		owner = owners[rng_below(&seed, 4)];
		if (op < 30) {
			want = m_lowest_free(&m);
			PCHECK(rte_pasid_alloc(s, owner), want, "alloc");
			if (want > 0)
				m_take(&m, (uint32_t)want, m_tag(owner));
		} else if (op < 40) {
			if (v == 0)
				want = -EINVAL;
			else if (v >= limit)
				want = -ERANGE;
			else if (m.v[v] == M_RES)
				want = -EBUSY;
			else if (m_alloc(m.v[v]))
				want = -EEXIST;
			else
				want = 0;
			PCHECK(rte_pasid_alloc_value(s, owner, v), want, "alloc_value");
			if (want == 0)
				m_take(&m, v, m_tag(owner));
		} else if (op < 70) {
			/* Free: mostly a held value by its owner; sometimes not. */
			if (m.nheld && rng_below(&seed, 4) != 0)
				v = m.held[rng_below(&seed, m.nheld)];
			if (v < limit && m_alloc(m.v[v]) && rng_below(&seed, 4) != 0)
				owner = m.v[v] == M_NONE ? RTE_PASID_OWNER_NONE : m.v[v];
			else if (rng_below(&seed, 16) == 0)
				owner = RTE_PASID_OWNER_MAX + 1; /* never registered */
			if (v == 0 || owner > RTE_PASID_OWNER_MAX)
				want = -EINVAL;
			else if (v >= limit)
				want = -ERANGE;
			else if (!m_alloc(m.v[v]))
				want = -ENOENT;
			else if (m.v[v] != m_tag(owner))
				want = -EPERM;
			else
				want = 0;
			PCHECK(rte_pasid_free(s, owner, v), want, "free");
			if (want == 0)
				m_free(&m, v);
		} else if (op < 78) {
			first = v;
			last = first + rng_below(&seed, rng_below(&seed, 50) ? 16 : limit / 4 + 1);
			if (first == 0 || last < first)
				want = -EINVAL;
			else if (last >= limit)
				want = -ERANGE;
			else
				want = 0;
			for (k = first; want == 0 && k <= last; k++) {
				if (m_alloc(m.v[k]))
					want = -EBUSY;
			}
			if (want == 0)
				want = m_retag(&m, first, last, M_FREE, M_RES);
			PCHECK(rte_pasid_reserve(s, first, last), want, "reserve");
		} else if (op < 84) {
			first = v;
			last = first + rng_below(&seed, rng_below(&seed, 10) ? 32 : limit);
			if (first == 0 || last < first)
				want = -EINVAL;
			else if (last >= limit)
				want = -ERANGE;
			else
				want = m_retag(&m, first, last, M_RES, M_FREE);
			PCHECK(rte_pasid_unreserve(s, first, last), want, "unreserve");
		} else if (op < 92) {
			unsigned int got = 999;

			ret = rte_pasid_state(s, v, &got);
			if (v >= limit) {
				PCHECK(ret, -ERANGE, "state");
				continue;
			}
			b = m.v[v];
			PCHECK(ret, b == M_FREE ? RTE_PASID_STATE_FREE : b == M_RES ?
				RTE_PASID_STATE_RESERVED : RTE_PASID_STATE_ALLOCATED, "state");
			if (m_alloc(b))
				PCHECK(got, b == M_NONE ? 0 : b, "state owner");
		} else if (op < 95) {
			unsigned int got = 999;

			for (k = v + 1; k < limit && !m_alloc(m.v[k]); k++)
				;
			want = k < limit ? (int)k : -ENOENT;
			PCHECK(rte_pasid_next(s, v, &got), want, "next");
			if (want > 0)
				PCHECK(got, m.v[k] == M_NONE ? 0 : m.v[k], "next owner");
		} else if (op < 97) {
			/* Narrow or widen. */
			unsigned int nw = 1 + rng_below(&seed, m.max_width);

			want = 0;
			for (k = 1u << nw; nw < m.width && k < limit; k++)
				if (m_alloc(m.v[k]))
					want = -EBUSY;
			if (rng_below(&seed, 2)) {
				PCHECK(rte_pasid_space_set_width(s, nw), want, "set_width");
				if (want == 0)
					m.width = nw;
			} else {
				if (nw >= m.width)
					nw = m.width;
				PCHECK(rte_pasid_space_narrow(s, nw), want ? want : (int)nw, "narrow");
				if (want == 0)
					m.width = nw;
			}
		} else {
			PCHECK(rte_pasid_count(s), m.allocated, "count");
		}
		if (step % 4096 == 4095)
			PCHECK(rte_pasid_space_audit(s), 0, "audit");
	}
	/* Everything, at the end. */
	{
		struct rte_pasid_space_info info;
		uint32_t reserved = 0;
		unsigned int got;
		uint8_t b;

		for (v = 1; v < m_limit(&m); v++) {
			ret = rte_pasid_state(s, v, &got);
			b = m.v[v];
			PCHECK(ret, b == M_FREE ? RTE_PASID_STATE_FREE : b == M_RES ?
				RTE_PASID_STATE_RESERVED : RTE_PASID_STATE_ALLOCATED, "final state");
			reserved += b == M_RES;
		}
		PCHECK(rte_pasid_space_info(s, &info), 0, "info");
		PCHECK(info.width, m.width, "width");
		PCHECK(info.allocated, m.allocated, "allocated");
		PCHECK(info.reserved, reserved, "reserved");
		PCHECK(info.free, m_limit(&m) - 1 - m.allocated - reserved, "free");
		PCHECK(rte_pasid_space_audit(s), 0, "final audit");
	}
	ret = TEST_SUCCESS;
	goto out;
fail:
	ret = TEST_FAILED;
out:
	rte_pasid_space_free(s);
	free(m.v);
	free(m.held);
	free(m.bfree);
	return ret;
}

static int
model_all_widths(void)
{
	uint64_t seed = test_seed();
	unsigned int w;

	printf("# seed 0x%llx (TEST_PASID_SEED replays it)\n", (unsigned long long)seed);
	for (w = 1; w <= 20; w++) {
		uint64_t s = seed + w;
		unsigned int round;

		for (round = 0; round < (w <= 12 ? 4u : 2u); round++) {
			if (model_run(w, s, 20000) != TEST_SUCCESS)
				return TEST_FAILED;
			s = rng_next(&s);
		}
	}
	return TEST_SUCCESS;
}

/* ------------------------------------------------------------------ */
/* Shared namespaces                                                   */
/* ------------------------------------------------------------------ */

/* Devices join a shared namespace; its width follows the narrowest. */
static int
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

static int
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
