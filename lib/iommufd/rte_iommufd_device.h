/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright(c) 2026 The dpdk-iommufd authors
 */

#ifndef _RTE_IOMMUFD_DEVICE_H_
#define _RTE_IOMMUFD_DEVICE_H_

/**
 * @file
 * iommufd devices: VFIO cdevs (discovery, bind, RID and PASID attach),
 * their hardware information, and other device backends. Part of rte_iommufd.h, which includes it.
 */

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "rte_iommufd_context.h"

#ifdef __cplusplus
extern "C" {
#endif

/* Hardware information */


/** Capability bits of struct rte_iommufd_hw_info (kernel uAPI values). */
enum rte_iommufd_hw_cap {
	RTE_IOMMUFD_HW_CAP_DIRTY_TRACKING = 1ull << 0,     /**< dirty tracking usable */
	RTE_IOMMUFD_HW_CAP_PCI_PASID_EXEC = 1ull << 1,     /**< PASID execute permission enabled */
	RTE_IOMMUFD_HW_CAP_PCI_PASID_PRIV = 1ull << 2,     /**< PASID privileged mode enabled */
	RTE_IOMMUFD_HW_CAP_PCI_ATS_NOT_SUPPORTED = 1ull << 3, /**< ATS cannot be used */
};

/** Why a device's PASID width is what it is. */
enum rte_iommufd_pasid_reason {
	RTE_IOMMUFD_PASID_USABLE = 0,        /**< width > 0: PASIDs usable */
	RTE_IOMMUFD_PASID_KERNEL_TOO_OLD,    /**< kernel does not report PASID (before 6.15) */
	RTE_IOMMUFD_PASID_NOT_SUPPORTED,     /**< the device or its IOMMU has no PASID support */
	RTE_IOMMUFD_PASID_NO_HW_INFO,        /**< kernel has no IOMMU_GET_HW_INFO (before 6.6) */
	RTE_IOMMUFD_PASID_KERNEL_NO_ATTACH,  /**< kernel reports widths but has no PASID attach nor HWPT ALLOC_PASID (before 6.15) */
};

/** What IOMMU_GET_HW_INFO says about a device. */
struct rte_iommufd_hw_info {
	uint32_t type;            /**< RTE_IOMMUFD_HW_INFO_TYPE_* (kernel values; 1 = Intel VT-d) */
	uint32_t data_len;        /**< bytes of vendor data the kernel has */
	uint64_t capabilities;    /**< enum rte_iommufd_hw_cap mask */
	bool capabilities_valid;  /**< the kernel reported capabilities (6.7+) */
	uint8_t max_pasid_log2;   /**< usable PASID width; 0 = none */
	enum rte_iommufd_pasid_reason pasid_reason; /**< why max_pasid_log2 is what it is */
	uint64_t data[16];        /**< raw vendor data (first 128 bytes) */
};

/**
 * @warning
 * @b EXPERIMENTAL: this API may change, or be removed, without prior notice.
 *
 * A short human explanation of a PASID reason.
 *
 * @param reason
 *   The reason.
 * @return
 *   A static string, never NULL.
 */
__rte_iommufd_experimental
const char *rte_iommufd_pasid_reason_str(enum rte_iommufd_pasid_reason reason);

/* Devices */


/** Parameters of rte_iommufd_device_open(). */
struct rte_iommufd_device_params {
	const uint8_t *vf_token;  /**< 16-byte VF token UUID, or NULL */
	const char *sysfs_root;   /**< sysfs mount point, NULL for "/sys" */
	const char *dev_root;     /**< device directory, NULL for "/dev" */
};

/**
 * Find the VFIO cdev of a PCI device through sysfs.
 *
 * @param bdf
 *   PCI address "DDDD:BB:DD.F" (the domain may be omitted).
 * @param sysfs_root
 *   sysfs mount point, NULL for "/sys".
 * @param name
 *   Output: the cdev name, e.g. "vfio0".
 * @param len
 *   Size of @p name.
 * @return
 *   0, or -EINVAL (NULL argument or malformed address), -ENODEV (no such
 *   PCI device), -ENXIO (the device is not bound to vfio-pci), -ENOTSUP (bound
 *   to vfio-pci but the kernel has no VFIO cdev support), -ENAMETOOLONG.
 */
int rte_iommufd_device_find_cdev(const char *bdf, const char *sysfs_root,
		char *name, size_t len);

/**
 * Normalise a PCI address to "DDDD:BB:DD.F".
 *
 * @param in
 *   The address, with or without domain.
 * @param out
 *   Output buffer of at least 13 bytes.
 * @param len
 *   Size of @p out.
 * @return
 *   0, or -EINVAL.
 */
int rte_iommufd_pci_addr_parse(const char *in, char *out, size_t len);

/**
 * Open the VFIO cdev of a PCI device and bind it to the context. The
 * device's DMA is blocked until it is attached. Its hardware information
 * is read at once when the kernel has IOMMU_GET_HW_INFO.
 *
 * @param ctx
 *   The context.
 * @param bdf
 *   PCI address.
 * @param params
 *   Optional parameters, or NULL.
 * @param devp
 *   Set to the new device.
 * @return
 *   0, or the errors of rte_iommufd_device_find_cdev(), -EACCES (no
 *   permission, or a VF token is needed or wrong), -EBUSY (in use by
 *   another process or iommufd: the kernel opens a VFIO device once at a
 *   time and answers EINVAL, reported as -EBUSY here), -EPERM (interrupt
 *   remapping missing), -EINVAL.
 */
int rte_iommufd_device_open(struct rte_iommufd *ctx, const char *bdf,
		const struct rte_iommufd_device_params *params,
		struct rte_iommufd_device **devp);

/**
 * Unbind and close a device: its PASIDs and RID are detached by the
 * kernel, and address spaces forget its attachments (freeing HWPTs left
 * without users). HWPTs allocated directly for it must be freed afterwards.
 *
 * @param dev
 *   The device, or NULL.
 */
void rte_iommufd_device_close(struct rte_iommufd_device *dev);

/**
 * The device's iommufd id (dev_id).
 *
 * @param dev
 *   The device.
 * @return
 *   The id, or 0 if @p dev is NULL.
 */
uint32_t rte_iommufd_device_id(const struct rte_iommufd_device *dev);

/**
 * The device's VFIO file descriptor (a normal VFIO device fd after bind:
 * regions, IRQs and reset work on it).
 *
 * @param dev
 *   The device.
 * @return
 *   The descriptor, -1 for devices of other backends, or -EINVAL.
 */
int rte_iommufd_device_fd(const struct rte_iommufd_device *dev);

/**
 * The device's name (its PCI address for VFIO devices).
 *
 * @param dev
 *   The device.
 * @return
 *   The name, or "(null)".
 */
const char *rte_iommufd_device_name(const struct rte_iommufd_device *dev);

/**
 * The context a device is bound to.
 *
 * @param dev
 *   The device.
 * @return
 *   The context, or NULL.
 */
struct rte_iommufd *rte_iommufd_device_ctx(const struct rte_iommufd_device *dev);

/**
 * Query the device's IOMMU (IOMMU_GET_HW_INFO). On kernels before 6.15 the
 * PASID width is 0 with reason KERNEL_TOO_OLD; before 6.6 the call fails
 * with -EOPNOTSUPP and the reason NO_HW_INFO is set in @p info.
 *
 * @param dev
 *   The device.
 * @param info
 *   Output.
 * @return
 *   0, or -EINVAL, -EOPNOTSUPP.
 */
int rte_iommufd_device_hw_info(struct rte_iommufd_device *dev,
		struct rte_iommufd_hw_info *info);

/**
 * Attach the device's RID to a page table, or replace the current one
 * without a window of blocked DMA.
 *
 * @param dev
 *   The device.
 * @param pt_id
 *   An IOAS id (the kernel picks or creates a page table) or a HWPT id.
 * @param out_hwpt_id
 *   If not NULL, set to the HWPT actually attached.
 * @return
 *   0, or -EINVAL (incompatible page table, or PASIDs are attached and the
 *   page table is not PASID-capable), -ENOENT (no such page table), -EBUSY,
 *   -EADDRINUSE (a reserved region of the device overlaps a range pinned
 *   with rte_iommufd_ioas_allow_iovas()).
 */
int rte_iommufd_device_attach(struct rte_iommufd_device *dev, uint32_t pt_id,
		uint32_t *out_hwpt_id);

/**
 * Detach the RID: its DMA is blocked afterwards.
 *
 * @param dev
 *   The device.
 * @return
 *   0, or -EINVAL.
 */
int rte_iommufd_device_detach(struct rte_iommufd_device *dev);

/**
 * The HWPT the RID is attached to.
 *
 * @param dev
 *   The device.
 * @return
 *   The HWPT id, or 0 when detached.
 */
uint32_t rte_iommufd_device_attached_hwpt(const struct rte_iommufd_device *dev);

/**
 * @warning
 * @b EXPERIMENTAL: this API may change, or be removed, without prior notice.
 *
 * Attach a PASID of the device to a page table, or replace its page table
 * atomically. The page table must be a HWPT allocated with
 * RTE_IOMMUFD_HWPT_ALLOC_PASID.
 *
 * @param dev
 *   The device.
 * @param pasid
 *   1 .. 2^max_pasid_log2 - 1.
 * @param pt_id
 *   A HWPT id.
 * @param out_hwpt_id
 *   If not NULL, set to the HWPT attached.
 * @return
 *   0, or -EINVAL (PASID 0, page table not PASID-capable, RID on an
 *   incompatible page table), -ERANGE (PASID beyond the device's width),
 *   -EOPNOTSUPP (the device has no usable PASID, or the kernel predates
 *   PASID support), -ENOENT.
 */
__rte_iommufd_experimental
int rte_iommufd_device_pasid_attach(struct rte_iommufd_device *dev,
		uint32_t pasid, uint32_t pt_id, uint32_t *out_hwpt_id);

/**
 * @warning
 * @b EXPERIMENTAL: this API may change, or be removed, without prior notice.
 *
 * Detach a PASID; its DMA is blocked afterwards. Detaching a PASID that is
 * not attached succeeds.
 *
 * @param dev
 *   The device.
 * @param pasid
 *   1 .. 2^max_pasid_log2 - 1.
 * @return
 *   0, or -EINVAL, -ERANGE, -EOPNOTSUPP as rte_iommufd_device_pasid_attach().
 */
__rte_iommufd_experimental
int rte_iommufd_device_pasid_detach(struct rte_iommufd_device *dev, uint32_t pasid);

/* Device backends */


/**
 * Operations of a device backend. The library's own backend drives VFIO
 * cdevs; another one (e.g. a test double of a device) can be
 * plugged in with rte_iommufd_device_create(). Every operation returns 0
 * or a negative errno and must not log: the library reports failures.
 */
struct rte_iommufd_device_ops {
	/** Backend name for messages, e.g. "vfio-cdev". */
	const char *name;
	/**
	 * Attach or replace; @p pasid is RTE_IOMMUFD_NO_PASID for the RID.
	 * @p pt_id is in/out: the id given, and the HWPT actually attached.
	 */
	int (*attach)(struct rte_iommufd_device *dev, uint32_t pasid, uint32_t *pt_id);
	/** Detach the RID (pasid RTE_IOMMUFD_NO_PASID) or a PASID. */
	int (*detach)(struct rte_iommufd_device *dev, uint32_t pasid);
	/** Release the backend's resources (may be NULL). */
	void (*close)(struct rte_iommufd_device *dev);
	/**
	 * Whether the running kernel has PASID attach, found through this
	 * device: 1 yes, 0 no, a negative errno when the device cannot tell
	 * (may be NULL). rte_iommufd_device_create() asks while the context
	 * has not decided RTE_IOMMUFD_FEAT_PASID (see rte_iommufd_features()).
	 */
	int (*probe_pasid)(struct rte_iommufd_device *dev);
};

/**
 * @warning
 * @b EXPERIMENTAL: this API may change, or be removed, without prior notice.
 *
 * Make a device handle for a device already bound to the context by other
 * means, driven by the given backend.
 *
 * @param ctx
 *   The context.
 * @param name
 *   Name for messages.
 * @param dev_id
 *   The device's iommufd id.
 * @param ops
 *   The backend (must outlive the device).
 * @param priv
 *   Backend data, returned by rte_iommufd_device_priv().
 * @param devp
 *   Set to the new device.
 * @return
 *   0, or -EINVAL, -ENOMEM, or an error of rte_iommufd_device_hw_info()
 *   other than -EOPNOTSUPP (the device's hardware information is read
 *   here; a device without any is accepted).
 */
__rte_iommufd_experimental
int rte_iommufd_device_create(struct rte_iommufd *ctx, const char *name,
		uint32_t dev_id, const struct rte_iommufd_device_ops *ops,
		void *priv, struct rte_iommufd_device **devp);

/**
 * @warning
 * @b EXPERIMENTAL: this API may change, or be removed, without prior notice.
 *
 * The backend data of a device.
 *
 * @param dev
 *   The device.
 * @return
 *   The pointer given to rte_iommufd_device_create(), or NULL.
 */
__rte_iommufd_experimental
void *rte_iommufd_device_priv(const struct rte_iommufd_device *dev);

#ifdef __cplusplus
}
#endif

#endif /* _RTE_IOMMUFD_DEVICE_H_ */
