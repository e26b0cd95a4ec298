/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright(c) 2026 The dpdk-iommufd authors
 */

/*
 * The vendor decoders of rte_iommufd_hw_caps.h on arbitrary blobs:
 * - rte_iommufd_iommu_caps_from_raw() and rte_iommufd_hw_caps_foreach()
 *   agree on which blobs they accept, read no byte past the given length
 *   (the blob sits at the end of a heap block of exactly that size, at any
 *   alignment), and leave the output untouched on failure;
 * - the walk visits unique snake_case names in known groups, hw_info_type
 *   first, booleans as 0 or 1, one-line descriptions, and its summary
 *   equals the structure from rte_iommufd_iommu_caps_from_raw();
 * - a callback's non-zero answer stops the walk and is returned;
 * - each decoder sets note exactly when it clears valid.
 * Input: type selector (1 byte), stop index (1 byte), then the blob.
 */

#include <ctype.h>
#include <errno.h>

#include "fuzz.h"
#include "rte_iommufd_hw_caps.h"

#define MAX_FIELDS 256

struct walk {
	unsigned int n, stop_at;
	uint32_t type;
	const char *names[MAX_FIELDS];
	struct rte_iommufd_iommu_caps sum;	/* summary rebuilt from the walk */
	unsigned int sum_seen;
};

static bool
snake_case(const char *s)
{
	if (!islower((unsigned char)*s))
		return false;
	for (; *s != '\0'; s++)
		if (!islower((unsigned char)*s) && !isdigit((unsigned char)*s) && *s != '_')
			return false;
	return true;
}

static int
visit(const struct rte_iommufd_cap_field *f, void *arg)
{
	static const char *const groups[] = {
		"summary", "intel_vtd", "arm_smmuv3", "amd", "tegra241_cmdqv",
	};
	struct walk *w = arg;
	size_t i, dl;
	bool known = false;

	CHECK(f != NULL && f->name != NULL && f->group != NULL && f->desc != NULL);
	CHECK(snake_case(f->name));
	for (i = 0; i < sizeof(groups) / sizeof(groups[0]); i++)
		known |= strcmp(f->group, groups[i]) == 0;
	CHECK(known);
	CHECK(f->kind == RTE_IOMMUFD_CAP_BOOL || f->kind == RTE_IOMMUFD_CAP_UINT ||
	      f->kind == RTE_IOMMUFD_CAP_HEX);
	CHECK(f->kind != RTE_IOMMUFD_CAP_BOOL || f->value <= 1);
	dl = strlen(f->desc);
	CHECK(dl > 0 && f->desc[dl - 1] != '.' && strchr(f->desc, '\n') == NULL);
	if (w->n == 0)
		CHECK(strcmp(f->name, "hw_info_type") == 0 && f->value == w->type);
	CHECK(w->n < MAX_FIELDS);
	for (i = 0; i < w->n; i++)
		CHECK(strcmp(w->names[i], f->name) != 0);
	w->names[w->n++] = f->name;
	if (strcmp(f->group, "summary") == 0) {
#define SUMMARY(member, fname) \
		if (strcmp(f->name, fname) == 0) { \
			w->sum.member = f->value; \
			w->sum_seen++; \
		}
		SUMMARY(hw_info_flags, "hw_info_flags")
		SUMMARY(valid, "registers_valid")
		SUMMARY(pasid_supported, "pasid_supported")
		SUMMARY(iommu_pasid_bits, "iommu_pasid_bits")
		SUMMARY(linux_max_pasid_log2, "linux_max_pasid_log2")
		SUMMARY(dirty_tracking, "dirty_tracking")
		SUMMARY(nesting, "nesting")
		SUMMARY(page_requests, "page_requests")
		SUMMARY(ats_supported, "ats_supported")
		SUMMARY(address_width, "address_width")
#undef SUMMARY
	}
	if (w->stop_at != 0 && w->n == w->stop_at)
		return 7;
	return 0;
}

static void
vendor_decoders(struct fuzz_input *in)
{
	struct rte_iommufd_smmuv3_caps s;
	struct rte_iommufd_vtd_caps v;
	struct rte_iommufd_amd_caps a;
	uint64_t x = fuzz_u64(in), y = fuzz_u64(in);
	uint32_t idr[6];
	int i;

	CHECK(rte_iommufd_vtd_caps_decode(x, y, &v) == 0);
	CHECK(v.valid == (v.note == NULL));
	CHECK(v.cap_reg == x && v.ecap_reg == y);
	CHECK(v.pasid_width == ((y >> 35) & 0x1f) + 1);
	CHECK(v.mgaw == ((x >> 16) & 0x3f) + 1);
	CHECK(v.ss_iova_width <= v.mgaw && v.fs_iova_width <= v.mgaw);
	CHECK(rte_iommufd_amd_caps_decode(x, y, &a) == 0);
	CHECK(a.valid == (a.note == NULL));
	CHECK(a.pasid_width == (a.gt ? ((x >> 32) & 0x1f) + 1 : 0));
	CHECK(a.guest_levels == (a.gats == 1 ? 5 : 4));
	CHECK(a.host_levels == (a.hats == 3 ? 0 : a.hats + 4));
	for (i = 0; i < 6; i++)
		idr[i] = (uint32_t)(i % 2 ? x >> (8 * i) : y >> (4 * i)) ^ fuzz_u32(in);
	CHECK(rte_iommufd_smmuv3_caps_decode(idr, (uint32_t)x, (uint32_t)y, &s) == 0);
	CHECK(s.valid == (s.note == NULL));
	CHECK(s.asid_bits == (s.asid16 ? 16 : 8) && s.vmid_bits == (s.vmid16 ? 16 : 8));
	CHECK(s.ha == (s.httu >= 1) && s.hd == (s.httu >= 2) && s.haft == (s.httu == 3));
	CHECK(s.oas_bits == 0 || s.oas_bits == 32 || s.oas_bits == 36 || s.oas_bits == 40 ||
	      s.oas_bits == 42 || s.oas_bits == 44 || s.oas_bits == 48 || s.oas_bits == 52);
	CHECK(s.oas_bits != 0 || !s.valid);
	CHECK(rte_iommufd_vtd_caps_decode(x, y, NULL) == -EINVAL);
	CHECK(rte_iommufd_smmuv3_caps_decode(NULL, 0, 0, &s) == -EINVAL);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static const uint32_t types[] = { 0, 1, 2, 3, 4, 5, 0xfeedbeef };
	struct fuzz_input in = { data, size };
	struct rte_iommufd_iommu_caps caps, untouched;
	struct walk w;
	uint32_t type;
	unsigned int stop;
	uint8_t sel, *blob;
	size_t len;
	int r1, r2, r3;

	sel = fuzz_u8(&in);
	type = types[sel % (sizeof(types) / sizeof(types[0]))];
	stop = fuzz_u8(&in);
	if (sel & 0x80)
		vendor_decoders(&in);
	blob = fuzz_rest(&in, &len);

	memset(&caps, 0x77, sizeof(caps));
	memcpy(&untouched, &caps, sizeof(caps));
	r1 = rte_iommufd_iommu_caps_from_raw(type, blob, len, &caps);
	memset(&w, 0, sizeof(w));
	w.type = type;
	r2 = rte_iommufd_hw_caps_foreach(type, blob, len, visit, &w);
	CHECK(r1 == 0 || r1 == -EINVAL || r1 == -EOPNOTSUPP);
	CHECK(r2 == 0 || r2 == -EINVAL || r2 == -EOPNOTSUPP);
	if (r1 < 0)
		CHECK(memcmp(&caps, &untouched, sizeof(caps)) == 0);
	if (type == 3) {
		/* Tegra241 CMDQV: fields, no summary. */
		CHECK(r1 == -EOPNOTSUPP);
		CHECK(w.sum_seen == 0);
	} else {
		CHECK(r1 == r2);
	}
	if (r1 == 0) {
		CHECK(caps.type == type);
		CHECK(caps.valid == w.sum.valid);
		CHECK(w.sum_seen == 10);
		CHECK(caps.hw_info_flags == w.sum.hw_info_flags);
		CHECK(caps.pasid_supported == w.sum.pasid_supported);
		CHECK(caps.iommu_pasid_bits == w.sum.iommu_pasid_bits);
		CHECK(caps.linux_max_pasid_log2 == w.sum.linux_max_pasid_log2);
		CHECK(caps.dirty_tracking == w.sum.dirty_tracking);
		CHECK(caps.nesting == w.sum.nesting);
		CHECK(caps.page_requests == w.sum.page_requests);
		CHECK(caps.ats_supported == w.sum.ats_supported);
		CHECK(caps.address_width == w.sum.address_width);
		CHECK(caps.pasid_supported || (caps.iommu_pasid_bits == 0 &&
					       caps.linux_max_pasid_log2 == 0));
		CHECK(caps.linux_max_pasid_log2 <= caps.iommu_pasid_bits);
		CHECK(caps.iommu_pasid_bits <= 32 && caps.address_width <= 64);
	}
	/* Stopping the walk early. */
	if (r2 == 0 && stop != 0) {
		unsigned int total = w.n;

		memset(&w, 0, sizeof(w));
		w.type = type;
		w.stop_at = 1 + stop % total;
		r3 = rte_iommufd_hw_caps_foreach(type, blob, len, visit, &w);
		CHECK(r3 == 7 && w.n == w.stop_at);
	}
	CHECK(rte_iommufd_hw_caps_foreach(type, blob, len, NULL, NULL) == -EINVAL);
	CHECK(rte_iommufd_iommu_caps_from_raw(type, NULL, len, &caps) < 0);
	free(blob);
	return 0;
}
