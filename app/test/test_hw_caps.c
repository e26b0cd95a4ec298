/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright(c) 2026 The dpdk-iommufd authors
 */

/*
 * Decoders of IOMMU_GET_HW_INFO vendor registers, on register values read
 * from real or emulated IOMMUs. Each value carries its source; the expected
 * fields were worked out by hand from the vendor specifications and the
 * Linux 7.3 register macros, not by running the decoder.
 *
 * This file: the arguments every decoder checks, and the list of cases.
 * The register values: test_hw_caps.h; each vendor's decoder:
 * test_hw_caps_vtd.c, test_hw_caps_smmuv3.c, test_hw_caps_amd.c; the
 * field walker: test_hw_caps_walk.c.
 */

#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include "rte_iommufd_hw_caps.h"
#include "test.h"
#include "test_hw_caps.h"

/* ------------------------------------------------------------------ */
/* Helpers                                                             */
/* ------------------------------------------------------------------ */

/*
 * A buffer whose last byte is the last readable byte before a PROT_NONE
 * page: reading one byte past the end faults.
 */
struct guarded {
	uint8_t *map;
	size_t page;
};

static uint8_t *
guarded_alloc(struct guarded *g, size_t len)
{
	g->page = (size_t)sysconf(_SC_PAGESIZE);
	g->map = mmap(NULL, 2 * g->page, PROT_READ | PROT_WRITE,
		      MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	if (g->map == MAP_FAILED)
		return NULL;
	if (mprotect(g->map + g->page, g->page, PROT_NONE) != 0) {
		munmap(g->map, 2 * g->page);
		return NULL;
	}
	return g->map + g->page - len;
}

static void
guarded_free(struct guarded *g)
{
	munmap(g->map, 2 * g->page);
}

/* ------------------------------------------------------------------ */
/* Arguments                                                           */
/* ------------------------------------------------------------------ */

static int
null_arguments(void)
{
	struct rte_iommufd_iommu_caps s;
	uint8_t buf[40] = { 0 };

	TEST_ASSERT_EQUAL(rte_iommufd_vtd_caps_decode(0, 0, NULL), -EINVAL, "vtd out");
	TEST_ASSERT_EQUAL(rte_iommufd_smmuv3_caps_decode(NULL, 0, 0, NULL), -EINVAL, "smmu");
	TEST_ASSERT_EQUAL(rte_iommufd_smmuv3_caps_decode(FVP_IDR, 0, 0, NULL), -EINVAL,
			  "smmu out");
	{
		struct rte_iommufd_smmuv3_caps m;

		TEST_ASSERT_EQUAL(rte_iommufd_smmuv3_caps_decode(NULL, 0, 0, &m), -EINVAL,
				  "smmu idr");
	}
	TEST_ASSERT_EQUAL(rte_iommufd_amd_caps_decode(0, 0, NULL), -EINVAL, "amd out");
	TEST_ASSERT_EQUAL(rte_iommufd_iommu_caps_from_raw(RTE_IOMMUFD_HW_INFO_TYPE_INTEL_VTD,
							  NULL, 24, &s), -EINVAL, "data");
	TEST_ASSERT_EQUAL(rte_iommufd_iommu_caps_from_raw(RTE_IOMMUFD_HW_INFO_TYPE_INTEL_VTD,
							  buf, 24, NULL), -EINVAL, "out");
	TEST_ASSERT_EQUAL(rte_iommufd_hw_caps_foreach(RTE_IOMMUFD_HW_INFO_TYPE_INTEL_VTD,
						      NULL, 24, NULL, NULL), -EINVAL, "cb");
	TEST_ASSERT_EQUAL(rte_iommufd_hw_caps_foreach(RTE_IOMMUFD_HW_INFO_TYPE_AMD, buf, 16,
						      NULL, NULL), -EINVAL, "cb");
	return TEST_SUCCESS;
}

static int
short_lengths(void)
{
	static const struct {
		uint32_t type;
		size_t len;
	} t[] = {
		{ RTE_IOMMUFD_HW_INFO_TYPE_INTEL_VTD, RTE_IOMMUFD_HW_INFO_VTD_LEN },
		{ RTE_IOMMUFD_HW_INFO_TYPE_ARM_SMMUV3, RTE_IOMMUFD_HW_INFO_ARM_SMMUV3_LEN },
		{ RTE_IOMMUFD_HW_INFO_TYPE_TEGRA241_CMDQV, RTE_IOMMUFD_HW_INFO_TEGRA241_CMDQV_LEN },
		{ RTE_IOMMUFD_HW_INFO_TYPE_AMD, RTE_IOMMUFD_HW_INFO_AMD_LEN },
	};
	struct rte_iommufd_iommu_caps s;
	struct guarded g;
	unsigned int i, n;
	size_t len;

	for (i = 0; i < sizeof(t) / sizeof(t[0]); i++) {
		for (len = 0; len <= t[i].len; len++) {
			/* The blob ends at a PROT_NONE page: a read past len faults. */
			uint8_t *p = guarded_alloc(&g, len);
			int r1, r2;

			TEST_ASSERT(p != NULL, "mmap");
			memset(p, 0xa5, len);
			memset(&s, 0x5a, sizeof(s));
			r1 = rte_iommufd_iommu_caps_from_raw(t[i].type, p, len, &s);
			n = 0;
			r2 = rte_iommufd_hw_caps_foreach(t[i].type, p, len, count_cb, &n);
			guarded_free(&g);
			if (len < t[i].len) {
				TEST_ASSERT_EQUAL(r2, -EINVAL, "type %u len %zu", t[i].type, len);
				TEST_ASSERT_EQUAL(n, 0, "no callback before the length check");
				if (t[i].type != RTE_IOMMUFD_HW_INFO_TYPE_TEGRA241_CMDQV) {
					TEST_ASSERT_EQUAL(r1, -EINVAL, "type %u len %zu",
							  t[i].type, len);
					TEST_ASSERT_EQUAL(s.type, 0x5a5a5a5a, "out untouched");
				}
			} else {
				TEST_ASSERT_SUCCESS(r2, "type %u exact length", t[i].type);
				TEST_ASSERT(n > 1, "fields visited");
				if (t[i].type != RTE_IOMMUFD_HW_INFO_TYPE_TEGRA241_CMDQV)
					TEST_ASSERT_SUCCESS(r1, "type %u exact length", t[i].type);
			}
		}
	}
	/* A longer buffer (a newer kernel's blob) is fine. */
	{
		uint8_t big[64] = { 0 };

		vtd_blob(big, 0, QEMU72_CAP_AW48, QEMU72_ECAP);
		TEST_ASSERT_SUCCESS(rte_iommufd_iommu_caps_from_raw(
				RTE_IOMMUFD_HW_INFO_TYPE_INTEL_VTD, big, sizeof(big), &s), "long");
		TEST_ASSERT_EQUAL(s.address_width, 48, "decoded");
	}
	return TEST_SUCCESS;
}

static int
unknown_types(void)
{
	static const uint32_t types[] = { RTE_IOMMUFD_HW_INFO_TYPE_NONE, 5, 0x80, UINT32_MAX };
	struct rte_iommufd_iommu_caps s;
	uint8_t buf[64] = { 0 };
	unsigned int i, n = 0;

	for (i = 0; i < sizeof(types) / sizeof(types[0]); i++) {
		TEST_ASSERT_EQUAL(rte_iommufd_iommu_caps_from_raw(types[i], buf, sizeof(buf), &s),
				  -EOPNOTSUPP, "type %u", types[i]);
		TEST_ASSERT_EQUAL(rte_iommufd_hw_caps_foreach(types[i], buf, sizeof(buf),
							      count_cb, &n),
				  -EOPNOTSUPP, "type %u", types[i]);
	}
	TEST_ASSERT_EQUAL(n, 0, "no callback");
	/* CMDQV is a known type without IOMMU capabilities. */
	TEST_ASSERT_EQUAL(rte_iommufd_iommu_caps_from_raw(RTE_IOMMUFD_HW_INFO_TYPE_TEGRA241_CMDQV,
							  buf, sizeof(buf), &s),
			  -EOPNOTSUPP, "cmdqv");
	return TEST_SUCCESS;
}

int
main(void)
{
	static const struct test_case cases[] = {
		TEST_CASE(vtd_qemu_aw48),
		TEST_CASE(vtd_qemu_aw39),
		TEST_CASE(vtd_icelake),
		TEST_CASE(vtd_server_v6),
		TEST_CASE(vtd_reserved),
		TEST_CASE(smmuv3_fvp),
		TEST_CASE(smmuv3_qemu),
		TEST_CASE(smmuv3_qemu11),
		TEST_CASE(smmuv3_summary_rules),
		TEST_CASE(smmuv3_reserved),
		TEST_CASE(amd_zen4),
		TEST_CASE(amd_genoa_snp),
		TEST_CASE(amd_b550),
		TEST_CASE(amd_qemu),
		TEST_CASE(null_arguments),
		TEST_CASE(short_lengths),
		TEST_CASE(unknown_types),
		TEST_CASE(foreach_vtd),
		TEST_CASE(foreach_smmuv3),
		TEST_CASE(foreach_amd),
		TEST_CASE(foreach_cmdqv),
		TEST_CASE(foreach_stop),
		TEST_CASES_END(),
	};

	return test_run("hw_caps", cases);
}
