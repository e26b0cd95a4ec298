/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright(c) 2026 The dpdk-iommufd authors
 */

#ifndef _RTE_IOMMUFD_H_
#define _RTE_IOMMUFD_H_

/**
 * @file
 * iommufd: typed access to the kernel's /dev/iommu objects.
 *
 * This library wraps the iommufd uAPI (IOAS, HWPT, fault queues, hardware
 * information) and VFIO device cdevs (/dev/vfio/devices/vfioN: bind, attach,
 * replace and detach for the RID and for PASIDs). It has no DPDK dependency
 * and holds no global state besides the log settings.
 *
 * Conventions:
 * - Every function returning int returns 0 (or a non-negative value where
 *   documented) on success and a negative errno on failure.
 * - On failure a message naming the operation, the device, the object ids
 *   and the kernel's answer in words is logged at ERR level and kept per
 *   thread; rte_iommufd_last_error() returns it.
 * - Objects are opaque handles owned by the caller and released by their
 *   _free/_close function; releasing NULL is a no-op.
 * - Lifetimes: every IOAS, HWPT, fault queue, device and address space
 *   handle holds a reference to its context. rte_iommufd_close() may come
 *   before or after their release, in any order: the context's descriptor
 *   stays open until the last of them is released, and each release
 *   destroys its kernel object on that descriptor. Handles stay usable
 *   until released; only the context pointer is invalid after the close.
 * - Objects of one context may be used from several threads; a single
 *   object must not be released while another thread uses it.
 *
 * The API is split by topic: rte_iommufd_context.h (context, features,
 * errors and logging), rte_iommufd_ioas.h, rte_iommufd_hwpt.h,
 * rte_iommufd_fault.h, rte_iommufd_device.h (devices, hardware
 * information, backends) and rte_iommufd_space.h (PASID capabilities,
 * attach policy, address spaces). This header includes them all.
 */

#include "rte_iommufd_context.h"
#include "rte_iommufd_ioas.h"
#include "rte_iommufd_hwpt.h"
#include "rte_iommufd_fault.h"
#include "rte_iommufd_device.h"
#include "rte_iommufd_space.h"

#endif /* _RTE_IOMMUFD_H_ */
