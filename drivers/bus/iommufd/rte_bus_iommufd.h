/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright(c) 2026 The dpdk-iommufd authors
 */

#ifndef _RTE_BUS_IOMMUFD_H_
#define _RTE_BUS_IOMMUFD_H_

/**
 * @file
 * iommufd adapter for DPDK's VFIO layer.
 *
 * librte_bus_iommufd defines DPDK 22.11's rte_vfio_* functions (version node
 * DPDK_23) over iommufd: /dev/iommu, an IOAS holding DPDK's memory, and VFIO
 * device cdevs (/dev/vfio/devices/vfioN) instead of the type1 container
 * (/dev/vfio/vfio) and VFIO groups. Loaded before librte_eal (LD_PRELOAD, or
 * linked before it), it serves an unmodified DPDK and its applications.
 *
 * The environment variable RTE_IOMMUFD_MODE selects the implementation:
 * - auto (default): iommufd when /dev/iommu exists and the kernel has VFIO
 *   device cdevs, otherwise EAL's own type1 implementation;
 * - iommufd: iommufd or nothing (rte_eal_init() fails with a message);
 * - type1: EAL's own implementation for every call.
 *
 * Messages use the log type "bus.iommufd".
 *
 * The functions below are for applications that want more than DPDK's VFIO
 * API: the adapter's state, IOMMU capabilities of devices and PASIDs sharing
 * DPDK's address space. Unless stated otherwise they return 0 on success,
 * or a negative errno and set rte_errno to its absolute value.
 *
 * @warning
 * @b EXPERIMENTAL: this API may change without prior notice.
 */

#include <stdbool.h>
#include <stdint.h>

#include <rte_compat.h>

#ifdef __cplusplus
extern "C" {
#endif

struct rte_device;

/** Which implementation serves DPDK's VFIO API in this process. */
enum rte_bus_iommufd_mode {
	RTE_BUS_IOMMUFD_MODE_UNDECIDED = 0, /**< no VFIO call yet */
	RTE_BUS_IOMMUFD_MODE_IOMMUFD,       /**< this adapter, over iommufd */
	RTE_BUS_IOMMUFD_MODE_TYPE1,         /**< EAL's type1 container */
	RTE_BUS_IOMMUFD_MODE_FAILED,        /**< RTE_IOMMUFD_MODE cannot be honoured */
};

/**
 * @warning
 * @b EXPERIMENTAL: this API may change without prior notice.
 *
 * The implementation serving DPDK's VFIO API. It is decided at the first
 * VFIO call of EAL (during rte_eal_init()).
 *
 * @return
 *   The mode.
 */
__rte_experimental
enum rte_bus_iommufd_mode
rte_bus_iommufd_mode(void);

/** Counters of the adapter (iommufd mode). */
struct rte_bus_iommufd_stats {
	uint64_t mapped_bytes;  /**< DPDK memory mapped in the default container */
	uint64_t map_calls;     /**< IOMMU_IOAS_MAP calls (DPDK memory and user maps) */
	uint64_t unmap_calls;   /**< IOMMU_IOAS_UNMAP calls */
	uint64_t map_errors;    /**< mappings that failed or were refused */
	unsigned int devices;   /**< devices set up (rte_vfio_setup_device) */
	unsigned int user_maps; /**< rte_vfio_container_dma_map() ranges, all containers */
	/**
	 * Mappings of several pages split because DPDK freed part of them
	 * (never expected: see the guide's "Mapping DPDK memory").
	 */
	uint64_t map_splits;
};

/**
 * @warning
 * @b EXPERIMENTAL: this API may change without prior notice.
 *
 * Read the adapter's counters.
 *
 * @param stats
 *   Filled on success.
 * @return
 *   0, or -EINVAL (NULL @p stats), -ENOTSUP (the mode is not iommufd).
 */
__rte_experimental
int
rte_bus_iommufd_stats_get(struct rte_bus_iommufd_stats *stats);

/** IOMMU capabilities and attachment of a device served over iommufd. */
struct rte_bus_iommufd_caps {
	char name[16];            /**< PCI address DDDD:BB:DD.F */
	int iommu_group;          /**< IOMMU group number */
	uint32_t dev_id;          /**< iommufd device id (0 in a secondary process) */
	uint32_t ioas_id;         /**< IOAS of the device's container */
	uint32_t page_table_id;   /**< HWPT attached to the device's RID */
	bool pasid_page_table;    /**< that HWPT was allocated for PASID use */
	bool hw_info_valid;       /**< the fields below come from the kernel */
	uint32_t hw_info_type;    /**< IOMMU type (kernel values; 1 = Intel VT-d) */
	uint64_t capabilities;    /**< enum rte_iommufd_hw_cap bits (rte_iommufd.h) */
	uint8_t max_pasid_log2;   /**< usable PASID width; 0 = no PASID */
	const char *pasid_reason; /**< why the width is what it is (static string) */
};

/**
 * @warning
 * @b EXPERIMENTAL: this API may change without prior notice.
 *
 * Describe a device set up over iommufd (probed by DPDK).
 *
 * @param pci_addr
 *   PCI address, with or without the domain.
 * @param caps
 *   Filled on success.
 * @return
 *   0, or -EINVAL (NULL argument, malformed address), -ENOTSUP (the mode
 *   is not iommufd), -ENODEV (the device is not set up in this process).
 */
__rte_experimental
int
rte_bus_iommufd_device_caps(const char *pci_addr, struct rte_bus_iommufd_caps *caps);

/**
 * @warning
 * @b EXPERIMENTAL: this API may change without prior notice.
 *
 * Describe a probed device, e.g. rte_eth_devices[port].device.
 *
 * @param dev
 *   The device (its name is its PCI address).
 * @param caps
 *   Filled on success.
 * @return
 *   As rte_bus_iommufd_device_caps().
 */
__rte_experimental
int
rte_bus_iommufd_device_caps_by_dev(const struct rte_device *dev,
		struct rte_bus_iommufd_caps *caps);

/**
 * @warning
 * @b EXPERIMENTAL: this API may change without prior notice.
 *
 * Allocate a PASID from the namespace shared by the primary process and
 * its secondaries (lib/pasid in a memzone, created on first use by the
 * primary). The value is owned by this process.
 *
 * @param pasid
 *   Set to the PASID (1..2^20 - 1) on success.
 * @return
 *   0, or -EINVAL (NULL @p pasid), -ENOTSUP (the mode is not iommufd),
 *   -ENOMEM (no memory for the namespace), -ENOENT (secondary process
 *   before any allocation in the primary), -ENOSPC (no free PASID).
 */
__rte_experimental
int
rte_bus_iommufd_pasid_alloc(uint32_t *pasid);

/**
 * @warning
 * @b EXPERIMENTAL: this API may change without prior notice.
 *
 * Free a PASID of this process. A PASID still attached to a device is not
 * freed: it could otherwise be handed out while the device still uses it.
 *
 * @param pasid
 *   The PASID.
 * @return
 *   0, or -ENOTSUP (the mode is not iommufd), -ENOENT (not allocated to
 *   this process), -EBUSY (still attached: detach it first).
 */
__rte_experimental
int
rte_bus_iommufd_pasid_free(uint32_t pasid);

/**
 * @warning
 * @b EXPERIMENTAL: this API may change without prior notice.
 *
 * Attach a PASID of a device to DPDK's address space: DMA tagged with the
 * PASID is translated like the device's own DMA (IOVAs as DPDK gives them,
 * rte_mem_virt2iova()). Only in the primary process.
 *
 * @param pci_addr
 *   PCI address of a device set up over iommufd.
 * @param pasid
 *   A PASID from rte_bus_iommufd_pasid_alloc().
 * @return
 *   0, or -EINVAL (NULL or malformed address), -ENOTSUP (not iommufd mode,
 *   or a secondary process), -ENOENT (PASID not allocated to this process),
 *   -ENODEV (device not set up), -EOPNOTSUPP (the device has no PASID, or
 *   its page table was not allocated for PASID use), -ERANGE (PASID beyond
 *   the device's width), -EEXIST (already attached), or another negative
 *   errno of the kernel.
 */
__rte_experimental
int
rte_bus_iommufd_pasid_attach(const char *pci_addr, uint32_t pasid);

/**
 * @warning
 * @b EXPERIMENTAL: this API may change without prior notice.
 *
 * Detach a PASID of a device; DMA tagged with it is blocked afterwards.
 *
 * @param pci_addr
 *   PCI address of the device.
 * @param pasid
 *   The PASID.
 * @return
 *   0, or -EINVAL, -ENOENT (not attached by this process), or a negative
 *   errno of the kernel (the PASID then stays attached and allocated).
 */
__rte_experimental
int
rte_bus_iommufd_pasid_detach(const char *pci_addr, uint32_t pasid);

#ifdef __cplusplus
}
#endif

#endif /* _RTE_BUS_IOMMUFD_H_ */
