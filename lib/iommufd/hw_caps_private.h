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

/* The structures whose fields the table of hw_caps_fields.c describes. */
enum ifd_cap_struct {
	IFD_CAPS_SUMMARY,  /* struct rte_iommufd_iommu_caps */
	IFD_CAPS_VTD,      /* struct rte_iommufd_vtd_caps */
	IFD_CAPS_SMMUV3,   /* struct rte_iommufd_smmuv3_caps */
	IFD_CAPS_AMD,      /* struct rte_iommufd_amd_caps */
	IFD_CAPS_CMDQV,    /* struct ifd_iommu_hw_info_tegra241_cmdqv */
};

/*
 * A field of a structure, as the field walker names it: its member (offset
 * and size) and, for a field read straight from a register, where: @width
 * bits from bit @shift of register @reg (an index below).
 */
struct ifd_cap_field {
	enum ifd_cap_struct st;
	const char *name;
	enum rte_iommufd_cap_kind kind;
	uint16_t off;
	uint8_t size;
	uint8_t reg;
	uint8_t shift;
	uint8_t width;
	const char *desc;
};

/* Register indexes of the tables. */
enum { VTD_CAP, VTD_ECAP };
enum { SMMU_IDR0, SMMU_IDR1, SMMU_IDR2, SMMU_IDR3, SMMU_IDR4, SMMU_IDR5, SMMU_IIDR, SMMU_AIDR };
enum { AMD_EFR, AMD_EFR2 };

/* Zero @out (structure @st of @size bytes) and set its fields read straight
 * from registers @regs. */
void ifd_cap_fields_read(enum ifd_cap_struct st, const uint64_t *regs, void *out, size_t size);

/*
 * Copy the vendor blob of @type out of @data (@len bytes), decode it into @d
 * and summarize it into @s (no summary for CMDQV). 0, -EOPNOTSUPP (unknown
 * type) or -EINVAL (NULL or short blob).
 */
int ifd_hw_blob_decode(uint32_t type, const void *data, size_t len, union hw_blob *b,
		union hw_decoded *d, struct rte_iommufd_iommu_caps *s);

#endif /* _HW_CAPS_PRIVATE_H_ */
