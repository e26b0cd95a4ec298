/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright(c) 2026 The dpdk-iommufd authors
 */

#ifndef _RTE_IOMMUFD_HWPT_H_
#define _RTE_IOMMUFD_HWPT_H_

/**
 * @file
 * iommufd HWPT: hardware page tables and dirty tracking. Part of rte_iommufd.h, which includes it.
 */

#include <stdbool.h>
#include <stdint.h>

#include "rte_iommufd_context.h"

#ifdef __cplusplus
extern "C" {
#endif

/** Flags of rte_iommufd_hwpt_alloc() (values of the kernel uAPI). */
enum rte_iommufd_hwpt_flags {
	RTE_IOMMUFD_HWPT_NEST_PARENT = 1u << 0,     /**< usable as a nesting parent */
	RTE_IOMMUFD_HWPT_DIRTY_TRACKING = 1u << 1,  /**< hardware dirty tracking */
	RTE_IOMMUFD_HWPT_FAULT_ID_VALID = 1u << 2,  /**< faults go to a fault queue */
	RTE_IOMMUFD_HWPT_ALLOC_PASID = 1u << 3,     /**< may be attached to PASIDs */
};

/** Optional parameters of rte_iommufd_hwpt_alloc_ex(). */
struct rte_iommufd_hwpt_params {
	uint32_t flags;                   /**< enum rte_iommufd_hwpt_flags */
	struct rte_iommufd_fault *fault;  /**< fault queue (with FAULT_ID_VALID) */
	uint32_t data_type;               /**< vendor data type, 0 for none */
	uint32_t data_len;                /**< vendor data length */
	const void *data;                 /**< vendor data (nested page tables) */
};

/**
 * Allocate a paging HWPT over an IOAS (or a nested HWPT over a parent HWPT)
 * for a device's IOMMU. Nothing is attached.
 *
 * @param dev
 *   A bound device whose IOMMU the page table is for.
 * @param pt_id
 *   An IOAS id, or a NEST_PARENT HWPT id for a nested HWPT.
 * @param flags
 *   enum rte_iommufd_hwpt_flags (not FAULT_ID_VALID: use _ex).
 * @param hwptp
 *   Set to the new HWPT.
 * @return
 *   0, or -EINVAL (NULL argument, bad combination), -ENOENT (no such
 *   page table), -EOPNOTSUPP (the IOMMU lacks a requested feature, e.g.
 *   dirty tracking or PASID), -ENOMEM.
 */
int rte_iommufd_hwpt_alloc(struct rte_iommufd_device *dev, uint32_t pt_id,
		uint32_t flags, struct rte_iommufd_hwpt **hwptp);

/**
 * Allocate a HWPT with a fault queue or vendor data.
 *
 * @param dev
 *   A bound device.
 * @param pt_id
 *   An IOAS or parent HWPT id.
 * @param params
 *   The parameters; FAULT_ID_VALID is implied when params->fault is set.
 * @param hwptp
 *   Set to the new HWPT.
 * @return
 *   As rte_iommufd_hwpt_alloc().
 */
int rte_iommufd_hwpt_alloc_ex(struct rte_iommufd_device *dev, uint32_t pt_id,
		const struct rte_iommufd_hwpt_params *params,
		struct rte_iommufd_hwpt **hwptp);

/**
 * Destroy a HWPT and release its handle; kept if the kernel refuses.
 *
 * @param hwpt
 *   The HWPT, or NULL.
 * @return
 *   0, or -EBUSY (still attached; the handle stays valid).
 */
int rte_iommufd_hwpt_free(struct rte_iommufd_hwpt *hwpt);

/**
 * The kernel id of a HWPT.
 *
 * @param hwpt
 *   The HWPT.
 * @return
 *   The id, or 0 if @p hwpt is NULL.
 */
uint32_t rte_iommufd_hwpt_id(const struct rte_iommufd_hwpt *hwpt);

/**
 * The flags a HWPT was allocated with.
 *
 * @param hwpt
 *   The HWPT.
 * @return
 *   enum rte_iommufd_hwpt_flags mask (0 if @p hwpt is NULL).
 */
uint32_t rte_iommufd_hwpt_flags(const struct rte_iommufd_hwpt *hwpt);

/**
 * Start or stop dirty tracking on a HWPT allocated with DIRTY_TRACKING.
 *
 * @param hwpt
 *   The HWPT.
 * @param enable
 *   true to start.
 * @return
 *   0, or -EINVAL, -EOPNOTSUPP (not a dirty-tracking HWPT).
 */
int rte_iommufd_hwpt_set_dirty_tracking(struct rte_iommufd_hwpt *hwpt, bool enable);

/**
 * Read (and by default clear) the dirty bits of an IOVA range.
 *
 * @param hwpt
 *   The HWPT.
 * @param iova
 *   Start of the range (aligned to @p page_size).
 * @param len
 *   Length of the range.
 * @param page_size
 *   Bytes per bitmap bit (a power of two, at least 4096).
 * @param bitmap
 *   Output: bit n set if iova + n * page_size was written; must hold
 *   len / page_size bits rounded up to 64.
 * @param no_clear
 *   Leave the dirty state as it is.
 * @return
 *   0, or -EINVAL, -EOPNOTSUPP.
 */
int rte_iommufd_hwpt_get_dirty_bitmap(struct rte_iommufd_hwpt *hwpt,
		uint64_t iova, uint64_t len, uint64_t page_size, uint64_t *bitmap,
		bool no_clear);

#ifdef __cplusplus
}
#endif

#endif /* _RTE_IOMMUFD_HWPT_H_ */
