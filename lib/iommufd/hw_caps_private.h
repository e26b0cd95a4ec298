/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright(c) 2026 The dpdk-iommufd authors
 */

#ifndef _HW_CAPS_PRIVATE_H_
#define _HW_CAPS_PRIVATE_H_

/* Internal to the vendor decoders (hw_caps.c, hw_caps_fields.c); never installed. */

#include <stddef.h>
#include <stdint.h>

#include "iommufd_uapi.h"
#include "rte_iommufd_hw_caps.h"

/* Blobs copied out of the caller's buffer, whatever its alignment. */
union hw_blob {
	struct ifd_iommu_hw_info_vtd vtd;
	struct ifd_iommu_hw_info_arm_smmuv3 smmu;
	struct ifd_iommu_hw_info_tegra241_cmdqv cmdqv;
	struct ifd_iommu_hw_info_amd amd;
};

union hw_decoded {
	struct rte_iommufd_vtd_caps vtd;
	struct rte_iommufd_smmuv3_caps smmu;
	struct rte_iommufd_amd_caps amd;
};

/*
 * Copy the vendor blob of @type out of @data (@len bytes), decode it into @d
 * and summarize it into @s (no summary for CMDQV). 0, -EOPNOTSUPP (unknown
 * type) or -EINVAL (NULL or short blob).
 */
int ifd_hw_blob_decode(uint32_t type, const void *data, size_t len, union hw_blob *b,
		union hw_decoded *d, struct rte_iommufd_iommu_caps *s);

#endif /* _HW_CAPS_PRIVATE_H_ */
