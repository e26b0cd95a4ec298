/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright(c) 2026 The dpdk-iommufd authors
 */

#include <errno.h>
#include <string.h>

#include "iommufd_private.h"

/* Size of IOMMU_GET_HW_INFO's struct before out_capabilities (Linux 6.6). */
#define HW_INFO_SIZE_V1 32

const char *
rte_iommufd_pasid_reason_str(enum rte_iommufd_pasid_reason reason)
{
	switch (reason) {
	case RTE_IOMMUFD_PASID_USABLE:
		return "PASIDs usable";
	case RTE_IOMMUFD_PASID_KERNEL_TOO_OLD:
		return IFD_WHY("kernel: no PASID reporting in IOMMU_GET_HW_INFO (needs Linux 6.15+)");
	case RTE_IOMMUFD_PASID_NOT_SUPPORTED:
		return IFD_WHY("the device or its IOMMU has no PASID support, or PASID is not enabled");
	case RTE_IOMMUFD_PASID_NO_HW_INFO:
		return IFD_WHY("the kernel has no IOMMU_GET_HW_INFO (needs Linux 6.6 or later)");
	case RTE_IOMMUFD_PASID_KERNEL_NO_ATTACH:
		return IFD_WHY("kernel: no PASID attach and no IOMMU_HWPT_ALLOC_PASID (needs Linux 6.15+)");
	}
	return "unknown reason";
}

void
ifd_hw_info_decode(const struct ifd_iommu_hw_info *cmd, uint64_t features,
		const void *data, struct rte_iommufd_hw_info *info)
{
	size_t n;

	memset(info, 0, sizeof(*info));
	info->type = cmd->out_data_type;
	info->data_len = cmd->data_len;
	n = cmd->data_len < sizeof(info->data) ? cmd->data_len : sizeof(info->data);
	if (data != NULL && n != 0)
		memcpy(info->data, data, n);
	/* out_capabilities came with dirty tracking (6.7); an older kernel
	 * fills only the first 32 bytes of the struct. */
	if (features & RTE_IOMMUFD_FEAT_DIRTY_TRACKING) {
		info->capabilities = cmd->out_capabilities;
		info->capabilities_valid = true;
	}
	if (!(features & RTE_IOMMUFD_FEAT_HW_INFO_PASID)) {
		/* Byte 28 was a reserved zero word: the width reads 0. */
		info->max_pasid_log2 = 0;
		info->pasid_reason = RTE_IOMMUFD_PASID_KERNEL_TOO_OLD;
	} else if (!(features & RTE_IOMMUFD_FEAT_PASID)) {
		/* Widths are reported, PASIDs cannot be attached: none usable. */
		info->max_pasid_log2 = 0;
		info->pasid_reason = RTE_IOMMUFD_PASID_KERNEL_NO_ATTACH;
	} else if (cmd->out_max_pasid_log2 == 0) {
		info->pasid_reason = RTE_IOMMUFD_PASID_NOT_SUPPORTED;
	} else {
		info->max_pasid_log2 = cmd->out_max_pasid_log2;
		info->pasid_reason = RTE_IOMMUFD_PASID_USABLE;
	}
	/* EXEC and PRIV mean nothing without a PASID width. */
	if (info->max_pasid_log2 == 0)
		info->capabilities &= ~(uint64_t)(RTE_IOMMUFD_HW_CAP_PCI_PASID_EXEC |
						  RTE_IOMMUFD_HW_CAP_PCI_PASID_PRIV);
}

int
rte_iommufd_device_hw_info(struct rte_iommufd_device *dev, struct rte_iommufd_hw_info *info)
{
	struct ifd_iommu_hw_info cmd;
	uint64_t data[16];
	int ret;

	if (dev == NULL || info == NULL)
		return ifd_fail(-EINVAL, IFD_WHY("NULL argument"), "IOMMU_GET_HW_INFO");
	if (!(dev->ctx->features & RTE_IOMMUFD_FEAT_HW_INFO)) {
		memset(info, 0, sizeof(*info));
		info->pasid_reason = RTE_IOMMUFD_PASID_NO_HW_INFO;
		return ifd_fail(-EOPNOTSUPP, rte_iommufd_pasid_reason_str(RTE_IOMMUFD_PASID_NO_HW_INFO),
				"IOMMU_GET_HW_INFO %s", dev->name);
	}
	memset(&cmd, 0, sizeof(cmd));
	memset(data, 0, sizeof(data));
	cmd.size = sizeof(cmd);
	cmd.dev_id = dev->dev_id;
	cmd.data_len = sizeof(data);
	cmd.data_uptr = (uintptr_t)data;
	ret = ifd_ioctl(dev->ctx->fd, IFD_IOMMU_GET_HW_INFO, &cmd);
	if (ret == -E2BIG) {
		/* A kernel with the 32-byte struct: ask with that size. */
		cmd.size = HW_INFO_SIZE_V1;
		cmd.out_capabilities = 0;
		ret = ifd_ioctl(dev->ctx->fd, IFD_IOMMU_GET_HW_INFO, &cmd);
	}
	if (ret < 0)
		return ifd_fail(ret, ret == -ENOENT ? IFD_WHY("no such device id in this iommufd") : NULL,
				"IOMMU_GET_HW_INFO %s (dev %u)", dev->name, dev->dev_id);
	ifd_hw_info_decode(&cmd, dev->ctx->features, data, info);
	ifd_log(RTE_IOMMUFD_LOG_DEBUG,
		"IOMMU_GET_HW_INFO %s: type %u len %u caps 0x%llx max_pasid_log2 %u",
		dev->name, info->type, info->data_len,
		(unsigned long long)info->capabilities, info->max_pasid_log2);
	return 0;
}
