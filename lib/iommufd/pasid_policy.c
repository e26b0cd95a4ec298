/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright(c) 2026 The dpdk-iommufd authors
 */

/* PASID capabilities and the attach policy: pure functions. */

#include <errno.h>
#include <string.h>

#include "iommufd_private.h"
#include "rte_iommufd_hw_caps.h"

int
rte_iommufd_pasid_caps_from_hw_info(const struct rte_iommufd_hw_info *info,
		struct rte_iommufd_pasid_caps *caps)
{
	if (info == NULL || caps == NULL)
		return -EINVAL;
	if (info->max_pasid_log2 > RTE_IOMMUFD_PASID_MAX_LOG2)
		return -EINVAL;
	memset(caps, 0, sizeof(*caps));
	caps->width = info->max_pasid_log2;
	caps->max_pasid = caps->width ? (1u << caps->width) - 1 : 0;
	caps->reason = info->pasid_reason;
	if (caps->width != 0) {
		caps->exec = (info->capabilities & RTE_IOMMUFD_HW_CAP_PCI_PASID_EXEC) != 0;
		caps->priv = (info->capabilities & RTE_IOMMUFD_HW_CAP_PCI_PASID_PRIV) != 0;
	}
	caps->ats = info->capabilities_valid &&
		!(info->capabilities & RTE_IOMMUFD_HW_CAP_PCI_ATS_NOT_SUPPORTED);
	/*
	 * A kernel without the ATS report (PCI_ATS_NOT_SUPPORTED; Debian's
	 * 6.12 has none) never sets the bit, whatever the hardware: the
	 * IOMMU's own registers still rule ATS out where they say the IOMMU
	 * serves no device TLB (VT-d ECAP.DT, SMMUv3 IDR0.ATS). AMD's do not
	 * say (EFR has no such bit): the kernel's word stands.
	 */
	if (caps->ats && (info->type == RTE_IOMMUFD_HW_INFO_TYPE_INTEL_VTD ||
			  info->type == RTE_IOMMUFD_HW_INFO_TYPE_ARM_SMMUV3)) {
		struct rte_iommufd_iommu_caps s;
		size_t len = info->data_len < sizeof(info->data) ? info->data_len :
			     sizeof(info->data);

		if (rte_iommufd_iommu_caps_from_raw(info->type, info->data, len, &s) == 0 &&
		    s.valid && !s.ats_supported)
			caps->ats = false;
	}
	return 0;
}

int
rte_iommufd_device_pasid_caps(const struct rte_iommufd_device *dev,
		struct rte_iommufd_pasid_caps *caps)
{
	if (dev == NULL || caps == NULL)
		return ifd_fail(-EINVAL, IFD_WHY("NULL argument"), "PASID capabilities");
	if (!dev->hw_info_valid)
		return ifd_fail(-EOPNOTSUPP, rte_iommufd_pasid_reason_str(RTE_IOMMUFD_PASID_NO_HW_INFO),
				"PASID capabilities %s", dev->name);
	return rte_iommufd_pasid_caps_from_hw_info(&dev->hw_info, caps);
}

uint32_t
rte_iommufd_policy_hwpt_flags(const struct rte_iommufd_pasid_caps *caps, uint32_t pasid,
		uint32_t base_flags)
{
	if (pasid != RTE_IOMMUFD_NO_PASID)
		return base_flags | RTE_IOMMUFD_HWPT_ALLOC_PASID;
	if (caps != NULL && caps->width != 0)
		return base_flags | RTE_IOMMUFD_HWPT_ALLOC_PASID;
	return base_flags;
}

int
rte_iommufd_policy_pasid_check(const struct rte_iommufd_pasid_caps *caps, uint32_t pasid)
{
	if (pasid == RTE_IOMMUFD_NO_PASID)
		return -EINVAL;
	if (caps == NULL || caps->width == 0)
		return -EOPNOTSUPP;
	if (pasid > caps->max_pasid)
		return -ERANGE;
	return 0;
}
