/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright(c) 2026 The dpdk-iommufd authors
 */

/*
 * rte_iommufd_hw_caps_foreach(): the fields of each vendor's blob, the
 * summary first in the order of the JSON schema, and a callback's stop.
 */

#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include "rte_iommufd_hw_caps.h"
#include "test.h"
#include "test_hw_caps.h"

/* ------------------------------------------------------------------ */
/* Field walker                                                        */
/* ------------------------------------------------------------------ */

#define MAX_FIELDS 160

struct walk {
	unsigned int n;
	const char *name[MAX_FIELDS];
	const char *group[MAX_FIELDS];
	uint64_t value[MAX_FIELDS];
	int bad;
	char why[160];
};

static int
snake_case(const char *s)
{
	if (s == NULL || !(*s >= 'a' && *s <= 'z'))
		return 0;
	for (; *s != '\0'; s++)
		if (!((*s >= 'a' && *s <= 'z') || (*s >= '0' && *s <= '9') || *s == '_'))
			return 0;
	return s[-1] != '_';
}

static int
record_cb(const struct rte_iommufd_cap_field *f, void *arg)
{
	struct walk *w = arg;
	size_t dl;

	if (w->n >= MAX_FIELDS) {
		w->bad = 1;
		snprintf(w->why, sizeof(w->why), "more than %d fields", MAX_FIELDS);
		return -E2BIG;
	}
	dl = f->desc != NULL ? strlen(f->desc) : 0;
	if (!snake_case(f->name) || dl == 0 || f->desc[dl - 1] == '.' || f->group == NULL ||
	    f->kind > RTE_IOMMUFD_CAP_HEX ||
	    (f->kind == RTE_IOMMUFD_CAP_BOOL && f->value > 1)) {
		w->bad = 1;
		snprintf(w->why, sizeof(w->why), "field %u \"%s\" malformed", w->n,
			 f->name != NULL ? f->name : "(null)");
	}
	w->name[w->n] = f->name;
	w->group[w->n] = f->group;
	w->value[w->n] = f->value;
	w->n++;
	return 0;
}

static int
walk_find(const struct walk *w, const char *name, uint64_t *value, const char **group)
{
	unsigned int i;

	for (i = 0; i < w->n; i++) {
		if (strcmp(w->name[i], name) == 0) {
			*value = w->value[i];
			*group = w->group[i];
			return 1;
		}
	}
	return 0;
}

/* Walk a blob and check the rules every walk obeys. */
static int
check_walk(uint32_t type, const void *blob, size_t len, const char *vendor, struct walk *w)
{
	struct walk again;
	unsigned int i, j;

	memset(w, 0, sizeof(*w));
	TEST_ASSERT_SUCCESS(rte_iommufd_hw_caps_foreach(type, blob, len, record_cb, w),
			    "walk type %u", type);
	TEST_ASSERT(!w->bad, "%s", w->why);
	TEST_ASSERT(w->n >= 5, "fields");
	TEST_ASSERT(strcmp(w->name[0], "hw_info_type") == 0, "first field: %s", w->name[0]);
	TEST_ASSERT_EQUAL(w->value[0], type, "hw_info_type value");
	for (i = 0; i < w->n; i++) {
		TEST_ASSERT(strcmp(w->group[i], "summary") == 0 || strcmp(w->group[i], vendor) == 0,
			    "group %s of %s", w->group[i], w->name[i]);
		for (j = i + 1; j < w->n; j++)
			TEST_ASSERT(strcmp(w->name[i], w->name[j]) != 0, "%s visited twice",
				    w->name[i]);
	}
	/* Same walk, same fields in the same order. */
	memset(&again, 0, sizeof(again));
	TEST_ASSERT_SUCCESS(rte_iommufd_hw_caps_foreach(type, blob, len, record_cb, &again),
			    "second walk");
	TEST_ASSERT_EQUAL(again.n, w->n, "stable count");
	for (i = 0; i < w->n; i++)
		TEST_ASSERT(strcmp(again.name[i], w->name[i]) == 0 &&
			    again.value[i] == w->value[i], "stable field %u", i);
	return TEST_SUCCESS;
}

/* The summary fields and their order: part of the JSON schema. */
static const char *const summary_names[] = {
	"hw_info_type", "hw_info_flags", "registers_valid", "pasid_supported",
	"iommu_pasid_bits", "linux_max_pasid_log2", "dirty_tracking", "nesting",
	"page_requests", "ats_supported", "address_width",
};

static int
check_summary(const struct walk *w, const struct rte_iommufd_iommu_caps *s)
{
	const uint64_t want[] = {
		s->type, s->hw_info_flags, s->valid, s->pasid_supported, s->iommu_pasid_bits,
		s->linux_max_pasid_log2, s->dirty_tracking, s->nesting, s->page_requests,
		s->ats_supported, s->address_width,
	};
	unsigned int i;

	for (i = 0; i < sizeof(summary_names) / sizeof(summary_names[0]); i++) {
		TEST_ASSERT(strcmp(w->name[i], summary_names[i]) == 0, "field %u is %s, not %s",
			    i, w->name[i], summary_names[i]);
		TEST_ASSERT(strcmp(w->group[i], "summary") == 0, "group of %s", w->name[i]);
		TEST_ASSERT_EQUAL(w->value[i], want[i], "value of %s", w->name[i]);
	}
	return TEST_SUCCESS;
}

int
foreach_vtd(void)
{
	struct rte_iommufd_iommu_caps s;
	struct walk w;
	const char *group;
	uint64_t v;
	uint8_t blob[24];

	vtd_blob(blob, RTE_IOMMUFD_HW_INFO_VTD_ERRATA_772415_SPR17, QEMU72_CAP_AW48, QEMU72_ECAP);
	if (check_walk(RTE_IOMMUFD_HW_INFO_TYPE_INTEL_VTD, blob, sizeof(blob), "intel_vtd", &w))
		return TEST_FAILED;
	TEST_ASSERT_SUCCESS(rte_iommufd_iommu_caps_from_raw(RTE_IOMMUFD_HW_INFO_TYPE_INTEL_VTD,
							    blob, sizeof(blob), &s), "from_raw");
	if (check_summary(&w, &s))
		return TEST_FAILED;
	TEST_ASSERT_EQUAL(w.n, 66, "VT-d field count (a change here changes the schema)");
	TEST_ASSERT(walk_find(&w, "mgaw", &v, &group), "mgaw");
	TEST_ASSERT_EQUAL(v, 48, "mgaw");
	TEST_ASSERT(strcmp(group, "intel_vtd") == 0, "group");
	TEST_ASSERT(walk_find(&w, "cap_reg", &v, &group), "cap_reg");
	TEST_ASSERT_EQUAL(v, QEMU72_CAP_AW48, "cap_reg");
	TEST_ASSERT(walk_find(&w, "errata_772415_spr17", &v, &group), "errata");
	TEST_ASSERT_EQUAL(v, 1, "flag decoded");
	TEST_ASSERT(walk_find(&w, "hw_info_flags", &v, &group), "flags");
	TEST_ASSERT_EQUAL(v, 1, "flags raw");
	TEST_ASSERT(walk_find(&w, "ssads", &v, &group) && v == 0, "ssads");
	TEST_ASSERT(walk_find(&w, "pasid_width", &v, &group) && v == 1, "pasid_width");
	return TEST_SUCCESS;
}

int
foreach_smmuv3(void)
{
	struct rte_iommufd_iommu_caps s;
	struct walk w;
	const char *group;
	uint64_t v;
	uint8_t blob[40];

	smmuv3_blob(blob, 0, FVP_IDR, 0, FVP_AIDR);
	if (check_walk(RTE_IOMMUFD_HW_INFO_TYPE_ARM_SMMUV3, blob, sizeof(blob), "arm_smmuv3", &w))
		return TEST_FAILED;
	TEST_ASSERT_SUCCESS(rte_iommufd_iommu_caps_from_raw(RTE_IOMMUFD_HW_INFO_TYPE_ARM_SMMUV3,
							    blob, sizeof(blob), &s), "from_raw");
	if (check_summary(&w, &s))
		return TEST_FAILED;
	TEST_ASSERT_EQUAL(w.n, 91, "SMMUv3 field count (a change here changes the schema)");
	TEST_ASSERT(walk_find(&w, "idr5", &v, &group) && v == 0xffff0472, "idr5");
	TEST_ASSERT(walk_find(&w, "oas_bits", &v, &group) && v == 40, "oas_bits");
	TEST_ASSERT(walk_find(&w, "ats", &v, &group) && strcmp(group, "arm_smmuv3") == 0,
		    "IDR0.ATS is a vendor field");
	TEST_ASSERT(walk_find(&w, "stall_max", &v, &group) && v == 0xffff, "stall_max");
	TEST_ASSERT(walk_find(&w, "errata_repeat_tlbi_cfgi", &v, &group) && v == 0, "errata");
	return TEST_SUCCESS;
}

int
foreach_amd(void)
{
	struct rte_iommufd_iommu_caps s;
	struct walk w;
	const char *group;
	uint64_t v;
	uint8_t blob[16];

	amd_blob(blob, GENOA_EFR, GENOA_EFR2);
	if (check_walk(RTE_IOMMUFD_HW_INFO_TYPE_AMD, blob, sizeof(blob), "amd", &w))
		return TEST_FAILED;
	TEST_ASSERT_SUCCESS(rte_iommufd_iommu_caps_from_raw(RTE_IOMMUFD_HW_INFO_TYPE_AMD,
							    blob, sizeof(blob), &s), "from_raw");
	if (check_summary(&w, &s))
		return TEST_FAILED;
	TEST_ASSERT_EQUAL(w.n, 42, "AMD field count (a change here changes the schema)");
	TEST_ASSERT(walk_find(&w, "dirty_tracking", &v, &group) && v == 1, "dirty_tracking");
	TEST_ASSERT(walk_find(&w, "efr", &v, &group) && v == GENOA_EFR, "efr");
	TEST_ASSERT(walk_find(&w, "hd", &v, &group) && v == 1, "hd");
	TEST_ASSERT(walk_find(&w, "host_width", &v, &group) && v == 64, "host_width");
	return TEST_SUCCESS;
}

int
foreach_cmdqv(void)
{
	/* flags 0, version 1, log2vcmdqs 7, log2vsids 4 (synthetic). */
	const uint8_t blob[8] = { 0, 0, 0, 0, 1, 7, 4, 0 };
	struct walk w;
	const char *group;
	uint64_t v;

	if (check_walk(RTE_IOMMUFD_HW_INFO_TYPE_TEGRA241_CMDQV, blob, sizeof(blob),
		       "tegra241_cmdqv", &w))
		return TEST_FAILED;
	TEST_ASSERT_EQUAL(w.n, 5, "hw_info_type and 4 fields");
	TEST_ASSERT(walk_find(&w, "version", &v, &group) && v == 1, "version");
	TEST_ASSERT(walk_find(&w, "log2vcmdqs", &v, &group) && v == 7, "log2vcmdqs");
	TEST_ASSERT(walk_find(&w, "log2vsids", &v, &group) && v == 4, "log2vsids");
	TEST_ASSERT(!walk_find(&w, "pasid_supported", &v, &group), "no summary");
	return TEST_SUCCESS;
}

struct stop {
	unsigned int calls;
	unsigned int stop_at;
	int ret;
};

static int
stop_cb(const struct rte_iommufd_cap_field *f, void *arg)
{
	struct stop *st = arg;

	(void)f;
	if (++st->calls == st->stop_at)
		return st->ret;
	return 0;
}

int
foreach_stop(void)
{
	static const int rets[] = { 42, -ECANCELED, 1 };
	uint8_t vtd[24], smmu[40], amd[16];
	const struct {
		uint32_t type;
		const void *blob;
		size_t len;
	} t[] = {
		{ RTE_IOMMUFD_HW_INFO_TYPE_INTEL_VTD, vtd, sizeof(vtd) },
		{ RTE_IOMMUFD_HW_INFO_TYPE_ARM_SMMUV3, smmu, sizeof(smmu) },
		{ RTE_IOMMUFD_HW_INFO_TYPE_AMD, amd, sizeof(amd) },
	};
	unsigned int i, k, total, at;

	vtd_blob(vtd, 0, QEMU72_CAP_AW48, QEMU72_ECAP);
	smmuv3_blob(smmu, 0, FVP_IDR, 0, FVP_AIDR);
	amd_blob(amd, ZEN4_EFR, ZEN4_EFR2);
	for (i = 0; i < sizeof(t) / sizeof(t[0]); i++) {
		total = 0;
		TEST_ASSERT_SUCCESS(rte_iommufd_hw_caps_foreach(t[i].type, t[i].blob, t[i].len,
								count_cb, &total), "count");
		/* Stop on the first field, inside the summary, in the vendor part, on the last. */
		for (at = 1; at <= total; at++) {
			if (at != 1 && at != 3 && at != 15 && at != total)
				continue;
			for (k = 0; k < sizeof(rets) / sizeof(rets[0]); k++) {
				struct stop st = { 0, at, rets[k] };

				int r = rte_iommufd_hw_caps_foreach(t[i].type, t[i].blob, t[i].len,
								    stop_cb, &st);

				TEST_ASSERT_EQUAL(r, rets[k], "type %u stop at %u", t[i].type, at);
				TEST_ASSERT_EQUAL(st.calls, at, "no call after the stop");
			}
		}
	}
	return TEST_SUCCESS;
}

