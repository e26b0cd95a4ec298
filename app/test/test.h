/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright(c) 2026 The dpdk-iommufd authors
 */

/*
 * Minimal unit-test harness for the project's test programs.
 *
 * A test case is "static int fn(void)" returning TEST_SUCCESS, TEST_FAILED
 * or TEST_SKIPPED. A program lists its cases in a struct test_case array
 * ended by TEST_CASES_END() and calls test_run(). Output is TAP, which meson
 * reads (protocol: 'tap'). With TEST_STRICT=1 in the environment (the vm
 * suite sets it) a skipped case counts as a failure.
 */

#ifndef _DPDK_IOMMUFD_TEST_H_
#define _DPDK_IOMMUFD_TEST_H_

#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define TEST_SUCCESS 0
#define TEST_FAILED -1
#define TEST_SKIPPED 77

struct test_case {
	const char *name;
	int (*setup)(void);
	void (*teardown)(void);
	int (*fn)(void);
};

#define TEST_CASE(fn) { #fn, NULL, NULL, fn }
#define TEST_CASE_ST(setup, teardown, fn) { #fn, setup, teardown, fn }
#define TEST_CASES_END() { NULL, NULL, NULL, NULL }

#define TEST_ASSERT(cond, fmt, ...) do { \
	if (!(cond)) { \
		printf("# %s:%d: assertion failed: %s: " fmt "\n", \
		       __FILE__, __LINE__, #cond, ##__VA_ARGS__); \
		return TEST_FAILED; \
	} \
} while (0)

#define TEST_ASSERT_EQUAL(a, b, fmt, ...) do { \
	long long _a = (long long)(a), _b = (long long)(b); \
	if (_a != _b) { \
		printf("# %s:%d: %s == %s failed: %lld != %lld (0x%llx != 0x%llx): " fmt "\n", \
		       __FILE__, __LINE__, #a, #b, _a, _b, \
		       (unsigned long long)_a, (unsigned long long)_b, ##__VA_ARGS__); \
		return TEST_FAILED; \
	} \
} while (0)

#define TEST_ASSERT_SUCCESS(expr, fmt, ...) TEST_ASSERT_EQUAL(expr, 0, fmt, ##__VA_ARGS__)

/* The string @s contains @sub. */
#define TEST_ASSERT_CONTAINS(s, sub) do { \
	const char *_s = (s), *_sub = (sub); \
	if (_s == NULL || strstr(_s, _sub) == NULL) { \
		printf("# %s:%d: \"%s\" does not contain \"%s\"\n", \
		       __FILE__, __LINE__, _s ? _s : "(null)", _sub); \
		return TEST_FAILED; \
	} \
} while (0)

#define TEST_SKIP(fmt, ...) do { \
	printf("# skip: " fmt "\n", ##__VA_ARGS__); \
	return TEST_SKIPPED; \
} while (0)

/* Run every case of @cases, print TAP, return the process exit status. */
static inline int
test_run(const char *suite, const struct test_case *cases)
{
	const char *strict_env = getenv("TEST_STRICT");
	int strict = strict_env != NULL && strcmp(strict_env, "0") != 0;
	const char *only = getenv("TEST_ONLY");
	int n = 0, failed = 0, passed = 0, skipped = 0, i;

	for (i = 0; cases[i].name != NULL; i++)
		n++;
	printf("TAP version 13\n1..%d\n", n);
	for (i = 0; i < n; i++) {
		const struct test_case *tc = &cases[i];
		int ret = TEST_SUCCESS;

		if (only != NULL && strcmp(only, tc->name) != 0) {
			printf("ok %d - %s # SKIP not selected by TEST_ONLY\n", i + 1, tc->name);
			skipped++;
			continue;
		}
		fflush(stdout);
		if (tc->setup != NULL)
			ret = tc->setup();
		if (ret == TEST_SUCCESS)
			ret = tc->fn();
		if (tc->teardown != NULL)
			tc->teardown();
		if (ret == TEST_SUCCESS) {
			printf("ok %d - %s\n", i + 1, tc->name);
			passed++;
		} else if (ret == TEST_SKIPPED && !strict) {
			printf("ok %d - %s # SKIP\n", i + 1, tc->name);
			skipped++;
		} else {
			printf("not ok %d - %s%s\n", i + 1, tc->name,
			       ret == TEST_SKIPPED ? " (skipped in strict mode)" : "");
			failed++;
		}
		fflush(stdout);
	}
	printf("# %s: %d passed, %d failed, %d skipped\n", suite, passed, failed, skipped);
	return failed ? 1 : 0;
}

#endif /* _DPDK_IOMMUFD_TEST_H_ */
