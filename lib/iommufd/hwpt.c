/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright(c) 2026 The dpdk-iommufd authors
 */

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "iommufd_private.h"

#define HWPT_FLAGS_ALL (RTE_IOMMUFD_HWPT_NEST_PARENT | RTE_IOMMUFD_HWPT_DIRTY_TRACKING | \
		RTE_IOMMUFD_HWPT_FAULT_ID_VALID | RTE_IOMMUFD_HWPT_ALLOC_PASID)

static const char *
hwpt_alloc_hint(int err, uint32_t flags)
{
	switch (err) {
	case -EOPNOTSUPP:
		if (flags & RTE_IOMMUFD_HWPT_DIRTY_TRACKING)
			return IFD_WHY("the device's IOMMU has no dirty tracking, or another requested flag is unsupported");
		if (flags & RTE_IOMMUFD_HWPT_ALLOC_PASID)
			return IFD_WHY("the device's IOMMU has no PASID support, or another requested flag is unsupported");
		if (flags & RTE_IOMMUFD_HWPT_NEST_PARENT)
			return IFD_WHY("the device's IOMMU cannot nest page tables");
		return IFD_WHY("unsupported flag or data type for this IOMMU");
	case -ENOENT:
		return IFD_WHY("no such device");
	case -EINVAL:
		return IFD_WHY("the page table id is not an IOAS or nesting parent, or the flags do not combine");
	default:
		return NULL;
	}
}

int
rte_iommufd_hwpt_alloc_ex(struct rte_iommufd_device *dev, uint32_t pt_id,
		const struct rte_iommufd_hwpt_params *params,
		struct rte_iommufd_hwpt **hwptp)
{
	struct ifd_iommu_hwpt_alloc cmd = { .size = sizeof(cmd) };
	struct rte_iommufd_hwpt *hwpt;
	uint32_t flags;
	int ret;

	if (dev == NULL || params == NULL || hwptp == NULL)
		return ifd_fail(-EINVAL, IFD_WHY("NULL argument"), "IOMMU_HWPT_ALLOC");
	flags = params->flags;
	if (params->fault != NULL)
		flags |= RTE_IOMMUFD_HWPT_FAULT_ID_VALID;
	if (flags & ~HWPT_FLAGS_ALL)
		return ifd_fail(-EINVAL, IFD_WHY("unknown HWPT flags"), "IOMMU_HWPT_ALLOC %s pt %u flags 0x%x",
				dev->name, pt_id, flags);
	if ((flags & RTE_IOMMUFD_HWPT_FAULT_ID_VALID) && params->fault == NULL)
		return ifd_fail(-EINVAL, IFD_WHY("FAULT_ID_VALID without a fault queue"),
				"IOMMU_HWPT_ALLOC %s pt %u", dev->name, pt_id);
	if ((params->data_len != 0) != (params->data != NULL) ||
	    (params->data_type != 0) != (params->data_len != 0))
		return ifd_fail(-EINVAL, IFD_WHY("vendor data type, length and pointer must be given together"),
				"IOMMU_HWPT_ALLOC %s pt %u", dev->name, pt_id);
	if (!(dev->ctx->features & RTE_IOMMUFD_FEAT_HWPT_ALLOC))
		return ifd_fail(-EOPNOTSUPP, IFD_WHY("the kernel has no IOMMU_HWPT_ALLOC (Linux 6.6+)"),
				"IOMMU_HWPT_ALLOC %s", dev->name);
	if ((flags & RTE_IOMMUFD_HWPT_ALLOC_PASID) &&
	    !(dev->ctx->features & RTE_IOMMUFD_FEAT_PASID))
		return ifd_fail(-EOPNOTSUPP, IFD_WHY("kernel: no PASID attach and no IOMMU_HWPT_ALLOC_PASID (needs Linux 6.15+)"),
				"IOMMU_HWPT_ALLOC %s pt %u flags 0x%x", dev->name, pt_id, flags);

	hwpt = calloc(1, sizeof(*hwpt));
	if (hwpt == NULL)
		return ifd_fail(-ENOMEM, NULL, "IOMMU_HWPT_ALLOC %s", dev->name);
	cmd.flags = flags;
	cmd.dev_id = dev->dev_id;
	cmd.pt_id = pt_id;
	cmd.data_type = params->data_type;
	cmd.data_len = params->data_len;
	cmd.data_uptr = (uintptr_t)params->data;
	cmd.fault_id = params->fault != NULL ? params->fault->id : 0;
	ret = ifd_ioctl(dev->ctx->fd, IFD_IOMMU_HWPT_ALLOC, &cmd);
	if (ret < 0) {
		free(hwpt);
		return ifd_fail(ret, hwpt_alloc_hint(ret, flags),
				"IOMMU_HWPT_ALLOC %s (dev %u) pt %u flags 0x%x", dev->name,
				dev->dev_id, pt_id, flags);
	}
	hwpt->ctx = dev->ctx;
	hwpt->id = cmd.out_hwpt_id;
	hwpt->flags = flags;
	hwpt->dev_id = dev->dev_id;
	hwpt->pt_id = pt_id;
	hwpt->fault_id = cmd.fault_id;
	ifd_hwpt_register(dev->ctx, hwpt);
	ifd_ctx_get(dev->ctx, IFD_H_HWPT);
	ifd_log(RTE_IOMMUFD_LOG_DEBUG, "IOMMU_HWPT_ALLOC %s pt %u flags 0x%x: hwpt %u",
		dev->name, pt_id, flags, hwpt->id);
	*hwptp = hwpt;
	return 0;
}

int
rte_iommufd_hwpt_alloc(struct rte_iommufd_device *dev, uint32_t pt_id, uint32_t flags,
		struct rte_iommufd_hwpt **hwptp)
{
	struct rte_iommufd_hwpt_params params = { .flags = flags };

	if (flags & RTE_IOMMUFD_HWPT_FAULT_ID_VALID)
		return ifd_fail(-EINVAL, IFD_WHY("FAULT_ID_VALID needs a fault queue: use rte_iommufd_hwpt_alloc_ex()"),
				"IOMMU_HWPT_ALLOC %s pt %u", rte_iommufd_device_name(dev), pt_id);
	return rte_iommufd_hwpt_alloc_ex(dev, pt_id, &params, hwptp);
}

int
rte_iommufd_hwpt_free(struct rte_iommufd_hwpt *hwpt)
{
	int ret;

	if (hwpt == NULL)
		return 0;
	/* The handle's reference keeps the context (and its fd) until here. */
	ret = ifd_destroy(hwpt->ctx, "hwpt", hwpt->id,
			IFD_WHY("still attached to a device RID or PASID; detach first"));
	if (ret < 0)
		return ret;
	ifd_hwpt_unregister(hwpt->ctx, hwpt);
	return ifd_handle_release(hwpt->ctx, IFD_H_HWPT, hwpt);
}

uint32_t
rte_iommufd_hwpt_id(const struct rte_iommufd_hwpt *hwpt)
{
	return hwpt != NULL ? hwpt->id : 0;
}

uint32_t
rte_iommufd_hwpt_flags(const struct rte_iommufd_hwpt *hwpt)
{
	return hwpt != NULL ? hwpt->flags : 0;
}

int
rte_iommufd_hwpt_set_dirty_tracking(struct rte_iommufd_hwpt *hwpt, bool enable)
{
	struct ifd_iommu_hwpt_set_dirty_tracking cmd = { .size = sizeof(cmd) };
	int ret;

	if (hwpt == NULL)
		return ifd_fail(-EINVAL, IFD_WHY("NULL HWPT"), "IOMMU_HWPT_SET_DIRTY_TRACKING");
	cmd.flags = enable ? IFD_IOMMU_HWPT_DIRTY_TRACKING_ENABLE : 0;
	cmd.hwpt_id = hwpt->id;
	ret = ifd_ioctl(hwpt->ctx->fd, IFD_IOMMU_HWPT_SET_DIRTY_TRACKING, &cmd);
	if (ret < 0)
		return ifd_fail(ret, (ret == -EOPNOTSUPP || ret == -EINVAL) &&
				!(hwpt->flags & RTE_IOMMUFD_HWPT_DIRTY_TRACKING) ?
				IFD_WHY("the HWPT was not allocated with DIRTY_TRACKING") : NULL,
				"IOMMU_HWPT_SET_DIRTY_TRACKING hwpt %u %s", hwpt->id,
				enable ? "on" : "off");
	return 0;
}

int
rte_iommufd_hwpt_get_dirty_bitmap(struct rte_iommufd_hwpt *hwpt, uint64_t iova,
		uint64_t len, uint64_t page_size, uint64_t *bitmap, bool no_clear)
{
	struct ifd_iommu_hwpt_get_dirty_bitmap cmd = { .size = sizeof(cmd) };
	int ret;

	if (hwpt == NULL || bitmap == NULL)
		return ifd_fail(-EINVAL, IFD_WHY("NULL argument"), "IOMMU_HWPT_GET_DIRTY_BITMAP");
	if (page_size < 4096 || (page_size & (page_size - 1)) != 0 || len == 0 ||
	    iova % page_size != 0)
		return ifd_fail(-EINVAL, IFD_WHY("page size must be a power of two >= 4096, the range non-empty and aligned to it"),
				"IOMMU_HWPT_GET_DIRTY_BITMAP hwpt %u iova 0x%llx len 0x%llx page 0x%llx",
				hwpt->id, (unsigned long long)iova, (unsigned long long)len,
				(unsigned long long)page_size);
	cmd.hwpt_id = hwpt->id;
	cmd.flags = no_clear ? IFD_IOMMU_HWPT_GET_DIRTY_BITMAP_NO_CLEAR : 0;
	cmd.iova = iova;
	cmd.length = len;
	cmd.page_size = page_size;
	cmd.data = (uintptr_t)bitmap;
	ret = ifd_ioctl(hwpt->ctx->fd, IFD_IOMMU_HWPT_GET_DIRTY_BITMAP, &cmd);
	if (ret < 0)
		return ifd_fail(ret, NULL, "IOMMU_HWPT_GET_DIRTY_BITMAP hwpt %u iova 0x%llx len 0x%llx",
				hwpt->id, (unsigned long long)iova, (unsigned long long)len);
	return 0;
}
