/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright(c) 2026 The dpdk-iommufd authors
 */

/*
 * The PASID allocator, one call at a time: alloc (lowest free value
 * first, any owner), alloc_value, free (only the owner), reservations,
 * state and next, width changes.
 */

#include <errno.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "rte_pasid.h"
#include "test.h"
#include "test_pasid.h"

/* ------------------------------------------------------------------ */
/* PASIDs                                                              */
/* ------------------------------------------------------------------ */

int
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
int
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
int
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

int
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

int
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

int
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
int
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

int
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

int
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
