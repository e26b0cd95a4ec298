/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright(c) 2026 The dpdk-iommufd authors
 */

#ifndef _RTE_IOMMUFD_SPACE_H_
#define _RTE_IOMMUFD_SPACE_H_

/**
 * @file
 * iommufd PASID capabilities, the attach policy, and address spaces (an
 * IOAS with the HWPTs the policy allocates for the devices and PASIDs
 * attached to it). Part of rte_iommufd.h, which includes it.
 */

#include <stdbool.h>
#include <stdint.h>

#include "rte_iommufd_device.h"
#include "rte_iommufd_fault.h"
#include "rte_iommufd_ioas.h"

#ifdef __cplusplus
extern "C" {
#endif

/** What a device can do with PASIDs, from its hardware information. */
struct rte_iommufd_pasid_caps {
	uint8_t width;           /**< usable PASID bits (out_max_pasid_log2); 0 = none */
	uint32_t max_pasid;      /**< largest usable PASID, 2^width - 1 (0 = none) */
	bool exec;               /**< PASID Execute permission enabled */
	bool priv;               /**< PASID Privileged mode enabled */
	bool ats;                /**< ATS may be used (false if unknown) */
	enum rte_iommufd_pasid_reason reason; /**< why width is what it is */
};

/**
 * @warning
 * @b EXPERIMENTAL: this API may change, or be removed, without prior notice.
 *
 * Derive a device's PASID capabilities from its hardware information.
 * A pure function: EXEC and PRIV are reported only with a non-zero width.
 *
 * @param info
 *   What rte_iommufd_device_hw_info() returned.
 * @param caps
 *   Output.
 * @return
 *   0, or -EINVAL (NULL argument, width beyond 20 bits).
 */
__rte_iommufd_experimental
int rte_iommufd_pasid_caps_from_hw_info(const struct rte_iommufd_hw_info *info,
		struct rte_iommufd_pasid_caps *caps);

/**
 * @warning
 * @b EXPERIMENTAL: this API may change, or be removed, without prior notice.
 *
 * A device's PASID capabilities (read at open).
 *
 * @param dev
 *   The device.
 * @param caps
 *   Output.
 * @return
 *   0, or -EINVAL, -EOPNOTSUPP (the kernel has no IOMMU_GET_HW_INFO).
 */
__rte_iommufd_experimental
int rte_iommufd_device_pasid_caps(const struct rte_iommufd_device *dev,
		struct rte_iommufd_pasid_caps *caps);

/**
 * @warning
 * @b EXPERIMENTAL: this API may change, or be removed, without prior notice.
 *
 * The HWPT flags the policy gives a page table for a device's RID or
 * PASID: PASID attachments always need RTE_IOMMUFD_HWPT_ALLOC_PASID, and
 * so does the RID of a device with a non-zero PASID width, so that PASIDs
 * can be attached later without replacing the RID's page table. A pure
 * function.
 *
 * @param caps
 *   The device's PASID capabilities.
 * @param pasid
 *   RTE_IOMMUFD_NO_PASID for the RID, else the PASID.
 * @param base_flags
 *   Flags the caller wants anyway (e.g. DIRTY_TRACKING, FAULT_ID_VALID).
 * @return
 *   The flags, or 0 with base_flags when nothing is added.
 */
__rte_iommufd_experimental
uint32_t rte_iommufd_policy_hwpt_flags(const struct rte_iommufd_pasid_caps *caps,
		uint32_t pasid, uint32_t base_flags);

/**
 * @warning
 * @b EXPERIMENTAL: this API may change, or be removed, without prior notice.
 *
 * Check a PASID against a device's capabilities. A pure function.
 *
 * @param caps
 *   The device's PASID capabilities.
 * @param pasid
 *   The PASID.
 * @return
 *   0 if usable, -EINVAL for PASID 0, -EOPNOTSUPP if the device has no
 *   PASID width, -ERANGE beyond 2^width - 1.
 */
__rte_iommufd_experimental
int rte_iommufd_policy_pasid_check(const struct rte_iommufd_pasid_caps *caps,
		uint32_t pasid);

struct rte_iommufd_space;

/**
 * @warning
 * @b EXPERIMENTAL: this API may change, or be removed, without prior notice.
 *
 * Create an address space: an IOAS and the HWPTs the policy allocates over
 * it for the devices and PASIDs attached to it. Compatible HWPTs are
 * shared between devices (an attach is tried on each existing HWPT with
 * the right flags; a new one is allocated when the kernel refuses).
 *
 * @param ctx
 *   The context.
 * @param ioas
 *   The IOAS whose mappings the space uses (shared with other spaces, e.g.
 *   the process' IOVA = VA mappings), or NULL to allocate a private one
 *   that the space owns.
 * @param fault
 *   A fault queue for demand paging (HWPTs get FAULT_ID_VALID), or NULL.
 * @param spacep
 *   Set to the new space.
 * @return
 *   0, or -EINVAL, -ENOMEM, and the errors of rte_iommufd_ioas_alloc().
 */
__rte_iommufd_experimental
int rte_iommufd_space_create(struct rte_iommufd *ctx, struct rte_iommufd_ioas *ioas,
		struct rte_iommufd_fault *fault, struct rte_iommufd_space **spacep);

/**
 * @warning
 * @b EXPERIMENTAL: this API may change, or be removed, without prior notice.
 *
 * Free an address space, its HWPTs and its IOAS if it owns it. Refused
 * while devices or PASIDs are attached.
 *
 * @param space
 *   The space, or NULL.
 * @return
 *   0, or -EBUSY (attachments remain, or a device outside the space
 *   still uses its own IOAS; the space stays valid).
 */
__rte_iommufd_experimental
int rte_iommufd_space_free(struct rte_iommufd_space *space);

/**
 * @warning
 * @b EXPERIMENTAL: this API may change, or be removed, without prior notice.
 *
 * The IOAS of an address space (to map memory into it).
 *
 * @param space
 *   The space.
 * @return
 *   The IOAS, or NULL.
 */
__rte_iommufd_experimental
struct rte_iommufd_ioas *rte_iommufd_space_ioas(const struct rte_iommufd_space *space);

/**
 * @warning
 * @b EXPERIMENTAL: this API may change, or be removed, without prior notice.
 *
 * Attach a device's RID or one of its PASIDs to an address space, through
 * a HWPT chosen by the policy. If the RID or PASID is attached to another
 * space, it is switched atomically (replace) and that space forgets it.
 *
 * @param space
 *   The space.
 * @param dev
 *   The device.
 * @param pasid
 *   RTE_IOMMUFD_NO_PASID for the RID, else the PASID.
 * @param hwpt_id
 *   If not NULL, set to the HWPT used.
 * @return
 *   0, or the errors of rte_iommufd_hwpt_alloc_ex(),
 *   rte_iommufd_device_attach() and rte_iommufd_device_pasid_attach().
 */
__rte_iommufd_experimental
int rte_iommufd_space_attach(struct rte_iommufd_space *space,
		struct rte_iommufd_device *dev, uint32_t pasid, uint32_t *hwpt_id);

/**
 * @warning
 * @b EXPERIMENTAL: this API may change, or be removed, without prior notice.
 *
 * Detach a device's RID or PASID from the space it is attached to. A HWPT
 * no attachment uses any more is freed.
 *
 * @param space
 *   The space.
 * @param dev
 *   The device.
 * @param pasid
 *   RTE_IOMMUFD_NO_PASID for the RID, else the PASID.
 * @return
 *   0, or -ENOENT (not attached to this space), and the errors of the
 *   detach calls (the attachment is kept when the kernel refuses).
 */
__rte_iommufd_experimental
int rte_iommufd_space_detach(struct rte_iommufd_space *space,
		struct rte_iommufd_device *dev, uint32_t pasid);

/**
 * @warning
 * @b EXPERIMENTAL: this API may change, or be removed, without prior notice.
 *
 * Number of attachments (RIDs and PASIDs) of a space.
 *
 * @param space
 *   The space.
 * @return
 *   The count (0 for NULL).
 */
__rte_iommufd_experimental
unsigned int rte_iommufd_space_attachments(const struct rte_iommufd_space *space);

/**
 * Callback of rte_iommufd_space_foreach().
 *
 * @param dev
 *   The device of one attachment.
 * @param pasid
 *   Its PASID, RTE_IOMMUFD_NO_PASID for the RID.
 * @param arg
 *   The argument given to rte_iommufd_space_foreach().
 * @return
 *   0 to continue the walk; any other value stops it and is returned by
 *   rte_iommufd_space_foreach().
 */
typedef int (*rte_iommufd_space_att_cb)(const struct rte_iommufd_device *dev, uint32_t pasid,
		void *arg);

/**
 * @warning
 * @b EXPERIMENTAL: this API may change, or be removed, without prior notice.
 *
 * Walk the attachments (RIDs and PASIDs) of a space, newest first. The
 * callback runs under the lock of the space's context: it must not call
 * the space functions of that context. A device closed since its attach
 * is no longer listed (rte_iommufd_device_close() drops its attachments).
 *
 * @param space
 *   The space.
 * @param cb
 *   Called once per attachment.
 * @param arg
 *   Passed to @p cb.
 * @return
 *   0 when every attachment was visited, the callback's non-zero value
 *   when it stopped the walk, -EINVAL for a NULL space or callback.
 */
__rte_iommufd_experimental
int rte_iommufd_space_foreach(struct rte_iommufd_space *space, rte_iommufd_space_att_cb cb,
		void *arg);

/**
 * @warning
 * @b EXPERIMENTAL: this API may change, or be removed, without prior notice.
 *
 * Number of HWPTs a space holds (shared ones count once).
 *
 * @param space
 *   The space.
 * @return
 *   The count (0 for NULL).
 */
__rte_iommufd_experimental
unsigned int rte_iommufd_space_hwpts(const struct rte_iommufd_space *space);

/**
 * @warning
 * @b EXPERIMENTAL: this API may change, or be removed, without prior notice.
 *
 * The page table through which a device's RID (@p pasid
 * RTE_IOMMUFD_NO_PASID) or one of its PASIDs is attached to a space. A RID
 * of a device with PASIDs gets a HWPT allocated with
 * RTE_IOMMUFD_HWPT_ALLOC_PASID, so that PASIDs can be attached to the same
 * address space, unless the kernel refuses it (then the RID works, PASIDs
 * cannot join it, and a warning says so).
 *
 * @param space
 *   The space.
 * @param dev
 *   The device.
 * @param pasid
 *   RTE_IOMMUFD_NO_PASID for the RID, or the PASID.
 * @param hwpt_id
 *   Set to the HWPT id (may be NULL).
 * @param flags
 *   Set to its allocation flags, RTE_IOMMUFD_HWPT_* (may be NULL).
 * @return
 *   0, or -EINVAL (NULL argument), -ENOENT (not attached to this space).
 */
__rte_iommufd_experimental
int rte_iommufd_space_page_table(struct rte_iommufd_space *space,
		const struct rte_iommufd_device *dev, uint32_t pasid, uint32_t *hwpt_id,
		uint32_t *flags);

#ifdef __cplusplus
}
#endif

#endif /* _RTE_IOMMUFD_SPACE_H_ */
