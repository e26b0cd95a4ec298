/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright(c) 2026 The dpdk-iommufd authors
 */

/*
 * The interpretation of an IOMMU_GET_HW_INFO answer (ifd_hw_info_decode())
 * for any kernel answer and feature set, then the PASID capabilities and
 * the attach policy derived from it:
 * - the vendor data is copied, at most 128 bytes, from a 128-byte buffer;
 * - capabilities count only with dirty tracking (6.7+), EXEC and PRIV only
 *   with a PASID width, the width only with the PASID feature (6.15+);
 * - widths above 20 are refused by the capability derivation, and the
 *   policy agrees with the width for every PASID;
 * - the width shared with two more devices (rte_pasid_shared_width()) is
 *   the narrowest, refused when one has no PASID or a width above 20.
 * Input: struct ifd_iommu_hw_info, features (8 bytes), a PASID and two
 * more widths (4 + 2 bytes), then up to 128 bytes of vendor data.
 */

#include <errno.h>

#include "fuzz.h"
#include "iommufd_private.h"
#include "rte_iommufd_hw_caps.h"
#include "rte_pasid.h"

#define EXEC_PRIV (RTE_IOMMUFD_HW_CAP_PCI_PASID_EXEC | RTE_IOMMUFD_HW_CAP_PCI_PASID_PRIV)

static void
quiet(enum rte_iommufd_log_level level, const char *msg, void *arg)
{
	(void)level;
	(void)msg;
	(void)arg;
}

int
LLVMFuzzerInitialize(int *argc, char ***argv)
{
	(void)argc;
	(void)argv;
	rte_iommufd_log_set_handler(quiet, NULL);
	return 0;
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct fuzz_input in = { data, size };
	struct rte_iommufd_pasid_caps caps;
	struct rte_iommufd_hw_info info;
	struct ifd_iommu_hw_info cmd;
	uint8_t raw[128];
	uint8_t *vendor;
	uint64_t features;
	uint32_t pasid, flags;
	size_t i, n;
	unsigned int w, widths[3];
	int ret;

	for (i = 0; i < sizeof(cmd); i++)
		((uint8_t *)&cmd)[i] = fuzz_u8(&in);
	features = fuzz_u64(&in);
	pasid = fuzz_u32(&in);
	memset(raw, 0, sizeof(raw));
	widths[1] = fuzz_u8(&in) % 24;
	widths[2] = fuzz_u8(&in) % 24;
	for (i = 0; i < sizeof(raw) && in.left > 0; i++)
		raw[i] = fuzz_u8(&in);
	/* What rte_iommufd_device_hw_info() hands over: a 128-byte buffer. */
	vendor = malloc(sizeof(raw));
	CHECK(vendor != NULL);
	memcpy(vendor, raw, sizeof(raw));

	memset(&info, 0x5a, sizeof(info));
	ifd_hw_info_decode(&cmd, features, vendor, &info);
	CHECK(info.type == cmd.out_data_type);
	CHECK(info.data_len == cmd.data_len);
	n = cmd.data_len < sizeof(raw) ? cmd.data_len : sizeof(raw);
	CHECK(memcmp(info.data, raw, n) == 0);
	for (i = n; i < sizeof(info.data); i++)
		CHECK(((uint8_t *)info.data)[i] == 0);
	if (features & RTE_IOMMUFD_FEAT_DIRTY_TRACKING) {
		CHECK(info.capabilities_valid);
		CHECK((info.capabilities & ~(uint64_t)EXEC_PRIV) ==
		      (cmd.out_capabilities & ~(uint64_t)EXEC_PRIV));
	} else {
		CHECK(!info.capabilities_valid && info.capabilities == 0);
	}
	if (!(features & RTE_IOMMUFD_FEAT_HW_INFO_PASID)) {
		CHECK(info.max_pasid_log2 == 0);
		CHECK(info.pasid_reason == RTE_IOMMUFD_PASID_KERNEL_TOO_OLD);
	} else if (!(features & RTE_IOMMUFD_FEAT_PASID)) {
		CHECK(info.max_pasid_log2 == 0);
		CHECK(info.pasid_reason == RTE_IOMMUFD_PASID_KERNEL_NO_ATTACH);
	} else if (cmd.out_max_pasid_log2 == 0) {
		CHECK(info.max_pasid_log2 == 0);
		CHECK(info.pasid_reason == RTE_IOMMUFD_PASID_NOT_SUPPORTED);
	} else {
		CHECK(info.max_pasid_log2 == cmd.out_max_pasid_log2);
		CHECK(info.pasid_reason == RTE_IOMMUFD_PASID_USABLE);
	}
	if (info.max_pasid_log2 == 0)
		CHECK((info.capabilities & EXEC_PRIV) == 0);
	else if (info.capabilities_valid)
		CHECK((info.capabilities & EXEC_PRIV) == (cmd.out_capabilities & EXEC_PRIV));
	CHECK(rte_iommufd_pasid_reason_str(info.pasid_reason) != NULL);
	CHECK(rte_iommufd_pasid_reason_str((enum rte_iommufd_pasid_reason)pasid) != NULL);

	/* Capabilities and policy. */
	ret = rte_iommufd_pasid_caps_from_hw_info(&info, &caps);
	if (info.max_pasid_log2 > RTE_IOMMUFD_PASID_MAX_LOG2) {
		CHECK(ret == -EINVAL);
		goto out;
	}
	CHECK(ret == 0);
	w = caps.width;
	CHECK(w == info.max_pasid_log2);
	CHECK(caps.max_pasid == (w ? (1u << w) - 1 : 0));
	CHECK(caps.reason == info.pasid_reason);
	CHECK(!caps.exec || (w != 0 && (info.capabilities & RTE_IOMMUFD_HW_CAP_PCI_PASID_EXEC)));
	CHECK(!caps.priv || (w != 0 && (info.capabilities & RTE_IOMMUFD_HW_CAP_PCI_PASID_PRIV)));
	/* ATS: the kernel may rule it out, and (VT-d, SMMUv3) the registers. */
	if (caps.ats) {
		CHECK(info.capabilities_valid &&
		      !(info.capabilities & RTE_IOMMUFD_HW_CAP_PCI_ATS_NOT_SUPPORTED));
	} else if (info.capabilities_valid &&
		   !(info.capabilities & RTE_IOMMUFD_HW_CAP_PCI_ATS_NOT_SUPPORTED)) {
		struct rte_iommufd_iommu_caps s;
		size_t dl = info.data_len < sizeof(info.data) ? info.data_len : sizeof(info.data);

		CHECK(info.type == RTE_IOMMUFD_HW_INFO_TYPE_INTEL_VTD ||
		      info.type == RTE_IOMMUFD_HW_INFO_TYPE_ARM_SMMUV3);
		CHECK(rte_iommufd_iommu_caps_from_raw(info.type, info.data, dl, &s) == 0);
		CHECK(s.valid && !s.ats_supported);
	}

	ret = rte_iommufd_policy_pasid_check(&caps, pasid);
	if (pasid == RTE_IOMMUFD_NO_PASID)
		CHECK(ret == -EINVAL);
	else if (w == 0)
		CHECK(ret == -EOPNOTSUPP);
	else if (pasid > caps.max_pasid)
		CHECK(ret == -ERANGE);
	else
		CHECK(ret == 0);

	flags = rte_iommufd_policy_hwpt_flags(&caps, pasid, 0);
	if (pasid != RTE_IOMMUFD_NO_PASID || w != 0)
		CHECK(flags == RTE_IOMMUFD_HWPT_ALLOC_PASID);
	else
		CHECK(flags == 0);
	CHECK((rte_iommufd_policy_hwpt_flags(&caps, pasid, RTE_IOMMUFD_HWPT_DIRTY_TRACKING) &
	       RTE_IOMMUFD_HWPT_DIRTY_TRACKING) != 0);

	widths[0] = caps.width;
	ret = rte_pasid_shared_width(widths, 3);
	if (widths[1] > RTE_PASID_WIDTH_MAX || widths[2] > RTE_PASID_WIDTH_MAX) {
		CHECK(ret == -EINVAL);
	} else if (widths[0] == 0 || widths[1] == 0 || widths[2] == 0) {
		CHECK(ret == -ENOTSUP);
	} else {
		CHECK(ret > 0);
		CHECK((unsigned int)ret <= widths[0] && (unsigned int)ret <= widths[1] &&
		      (unsigned int)ret <= widths[2]);
		CHECK((unsigned int)ret == widths[0] || (unsigned int)ret == widths[1] ||
		      (unsigned int)ret == widths[2]);
	}
	CHECK(rte_pasid_shared_width(widths, 0) == -EINVAL);
	ret = rte_pasid_shared_width(widths, 1);
	CHECK(w == 0 ? ret == -ENOTSUP : ret == (int)w);
out:
	free(vendor);
	return 0;
}
