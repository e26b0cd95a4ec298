/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright(c) 2026 The dpdk-iommufd authors
 */

/*
 * The PASID capability model and the attach policy, as pure functions on
 * synthetic hardware information: every EXEC/PRIV combination, width 0,
 * kernels that predate PASID reporting, the shared width of mixed device
 * sets.
 */

#include <errno.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

#include "rte_iommufd.h"
#include "rte_pasid.h"
#include "test.h"

static struct rte_iommufd_hw_info
hw_info(uint8_t width, uint64_t caps, enum rte_iommufd_pasid_reason reason)
{
	struct rte_iommufd_hw_info info;

	memset(&info, 0, sizeof(info));
	info.type = 1;
	info.max_pasid_log2 = width;
	info.capabilities = caps;
	info.capabilities_valid = true;
	info.pasid_reason = reason;
	return info;
}

static int
caps_exec_priv_combinations(void)
{
	const uint64_t E = RTE_IOMMUFD_HW_CAP_PCI_PASID_EXEC, P = RTE_IOMMUFD_HW_CAP_PCI_PASID_PRIV;
	const uint64_t combos[] = { 0, E, P, E | P };
	struct rte_iommufd_pasid_caps c;
	unsigned int i, w;

	for (w = 0; w <= 20; w++) {
		for (i = 0; i < 4; i++) {
			struct rte_iommufd_hw_info info = hw_info((uint8_t)w, combos[i],
				w ? RTE_IOMMUFD_PASID_USABLE : RTE_IOMMUFD_PASID_NOT_SUPPORTED);

			TEST_ASSERT_SUCCESS(rte_iommufd_pasid_caps_from_hw_info(&info, &c), "w %u", w);
			TEST_ASSERT_EQUAL(c.width, w, "width");
			TEST_ASSERT_EQUAL(c.max_pasid, w ? (1u << w) - 1 : 0, "max pasid at width %u", w);
			/* EXEC/PRIV mean nothing without a width. */
			TEST_ASSERT_EQUAL(c.exec, w != 0 && (combos[i] & E), "exec w %u combo %u", w, i);
			TEST_ASSERT_EQUAL(c.priv, w != 0 && (combos[i] & P), "priv w %u combo %u", w, i);
			TEST_ASSERT(c.ats, "ATS usable when not flagged unsupported");
		}
	}
	return TEST_SUCCESS;
}

static int
caps_invalid_and_old_kernels(void)
{
	struct rte_iommufd_hw_info info = hw_info(21, 0, RTE_IOMMUFD_PASID_USABLE);
	struct rte_iommufd_pasid_caps c;

	TEST_ASSERT_EQUAL(rte_iommufd_pasid_caps_from_hw_info(&info, &c), -EINVAL, "width 21");
	TEST_ASSERT_EQUAL(rte_iommufd_pasid_caps_from_hw_info(NULL, &c), -EINVAL, "NULL info");
	TEST_ASSERT_EQUAL(rte_iommufd_pasid_caps_from_hw_info(&info, NULL), -EINVAL, "NULL caps");
	info = hw_info(0, RTE_IOMMUFD_HW_CAP_PCI_ATS_NOT_SUPPORTED,
		       RTE_IOMMUFD_PASID_KERNEL_TOO_OLD);
	TEST_ASSERT_SUCCESS(rte_iommufd_pasid_caps_from_hw_info(&info, &c), "old kernel");
	TEST_ASSERT_EQUAL(c.width, 0, "no width");
	TEST_ASSERT_EQUAL(c.reason, RTE_IOMMUFD_PASID_KERNEL_TOO_OLD, "reason kept");
	TEST_ASSERT(!c.ats, "ATS flagged unsupported");
	info.capabilities_valid = false;
	info.capabilities = 0;
	TEST_ASSERT_SUCCESS(rte_iommufd_pasid_caps_from_hw_info(&info, &c), "6.6 kernel");
	TEST_ASSERT(!c.ats, "ATS unknown is not claimed");
	return TEST_SUCCESS;
}

static int
hwpt_flags_policy(void)
{
	struct rte_iommufd_pasid_caps none = { .width = 0 }, some = { .width = 8, .max_pasid = 255 };
	const uint32_t A = RTE_IOMMUFD_HWPT_ALLOC_PASID, D = RTE_IOMMUFD_HWPT_DIRTY_TRACKING;

	/* RID of a device without PASID: plain page table, bare flags kept. */
	TEST_ASSERT_EQUAL(rte_iommufd_policy_hwpt_flags(&none, 0, 0), 0, "plain RID");
	TEST_ASSERT_EQUAL(rte_iommufd_policy_hwpt_flags(&none, 0, D), D, "dirty kept");
	/* RID of a PASID-capable device: PASID-ready, never the bare IOAS. */
	TEST_ASSERT_EQUAL(rte_iommufd_policy_hwpt_flags(&some, 0, 0), A, "PASID-ready RID");
	TEST_ASSERT_EQUAL(rte_iommufd_policy_hwpt_flags(&some, 0, D), A | D, "with dirty");
	/* Any PASID needs ALLOC_PASID. */
	TEST_ASSERT_EQUAL(rte_iommufd_policy_hwpt_flags(&some, 5, 0), A, "PASID");
	TEST_ASSERT_EQUAL(rte_iommufd_policy_hwpt_flags(&none, 5, 0), A, "PASID, even refused later");
	TEST_ASSERT_EQUAL(rte_iommufd_policy_hwpt_flags(NULL, 0, 0), 0, "unknown caps");
	return TEST_SUCCESS;
}

static int
pasid_check_policy(void)
{
	struct rte_iommufd_pasid_caps none = { .width = 0 }, c;
	unsigned int w;

	TEST_ASSERT_EQUAL(rte_iommufd_policy_pasid_check(&none, 1), -EOPNOTSUPP, "width 0");
	TEST_ASSERT_EQUAL(rte_iommufd_policy_pasid_check(NULL, 1), -EOPNOTSUPP, "NULL");
	for (w = 1; w <= 20; w++) {
		c.width = (uint8_t)w;
		c.max_pasid = (1u << w) - 1;
		TEST_ASSERT_EQUAL(rte_iommufd_policy_pasid_check(&c, 0), -EINVAL, "PASID 0, w %u", w);
		TEST_ASSERT_SUCCESS(rte_iommufd_policy_pasid_check(&c, 1), "first, w %u", w);
		TEST_ASSERT_SUCCESS(rte_iommufd_policy_pasid_check(&c, c.max_pasid), "last, w %u", w);
		TEST_ASSERT_EQUAL(rte_iommufd_policy_pasid_check(&c, c.max_pasid + 1), -ERANGE,
				  "past the end, w %u", w);
		TEST_ASSERT_EQUAL(rte_iommufd_policy_pasid_check(&c, UINT32_MAX), -ERANGE, "huge");
	}
	return TEST_SUCCESS;
}

/*
 * The width of a namespace shared by a set of devices: rte_pasid_shared_width()
 * of their capabilities' widths, the narrowest device's; refused (ENOTSUP)
 * as soon as one device has no PASID.
 */
static unsigned int
set_widths(const unsigned int *w, unsigned int n, unsigned int *widths)
{
	struct rte_iommufd_pasid_caps c;
	unsigned int i;

	for (i = 0; i < n; i++) {
		struct rte_iommufd_hw_info info = hw_info((uint8_t)w[i], 0,
			w[i] ? RTE_IOMMUFD_PASID_USABLE : RTE_IOMMUFD_PASID_NOT_SUPPORTED);

		if (rte_iommufd_pasid_caps_from_hw_info(&info, &c) != 0 || c.width != w[i])
			return i;
		widths[i] = c.width;
	}
	return n;
}

static int
mixed_device_sets(void)
{
	const unsigned int with_none[3] = { 20, 0, 10 }, all[3] = { 20, 12, 10 };
	unsigned int w[4], widths[4] = { 0 }, i, trial;

	TEST_ASSERT_EQUAL(rte_pasid_shared_width(widths, 0), -EINVAL, "empty set");
	TEST_ASSERT_EQUAL(rte_pasid_shared_width(NULL, 3), -EINVAL, "NULL");
	srand(7);
	for (trial = 0; trial < 1000; trial++) {
		unsigned int n = 1 + (unsigned int)rand() % 4, expect = 20;
		bool none = false;

		for (i = 0; i < n; i++) {
			w[i] = (unsigned int)(rand() % 21);
			none |= w[i] == 0;
			if (w[i] != 0 && w[i] < expect)
				expect = w[i];
		}
		TEST_ASSERT_EQUAL(set_widths(w, n, widths), n, "caps, trial %u", trial);
		TEST_ASSERT_EQUAL(rte_pasid_shared_width(widths, n), none ? -ENOTSUP : (int)expect,
				  "trial %u, %u devices", trial, n);
	}
	/* One device without PASID cannot share a namespace with the others. */
	TEST_ASSERT_EQUAL(set_widths(with_none, 3, widths), 3, "caps");
	TEST_ASSERT_EQUAL(rte_pasid_shared_width(widths, 3), -ENOTSUP, "mixed with width 0");
	/* Without it, the narrowest of the others. */
	TEST_ASSERT_EQUAL(set_widths(all, 3, widths), 3, "caps");
	TEST_ASSERT_EQUAL(rte_pasid_shared_width(widths, 3), 10, "narrowest");
	return TEST_SUCCESS;
}

static const struct test_case cases[] = {
	TEST_CASE(caps_exec_priv_combinations),
	TEST_CASE(caps_invalid_and_old_kernels),
	TEST_CASE(hwpt_flags_policy),
	TEST_CASE(pasid_check_policy),
	TEST_CASE(mixed_device_sets),
	TEST_CASES_END(),
};

int
main(void)
{
	return test_run("pasid-policy", cases);
}
