/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright(c) 2026 The dpdk-iommufd authors
 */

#ifndef _RTE_IOMMUFD_PASID_H_
#define _RTE_IOMMUFD_PASID_H_

/**
 * @file
 * PASID bindings: one PASID from a namespace of lib/pasid, attached to an
 * address space on a set of devices.
 *
 * The ownership rule: a PASID goes back to its namespace only after its
 * detach succeeded on every device that used it. When a detach fails (or
 * the rollback of a failed bind does), the PASID stays allocated to its
 * owner and the call says so; unbinding again retries the devices still
 * attached. So a PASID value is never handed out while a device may still
 * translate DMA tagged with it: it never has two live owners.
 *
 * The rule itself is written once, over two callbacks (attach and detach
 * one device), inside the library; these calls apply it to lib/iommufd
 * address spaces.
 */

#include <stdint.h>

#include "rte_iommufd.h"
#include "rte_pasid.h"

#ifdef __cplusplus
extern "C" {
#endif

/**
 * @warning
 * @b EXPERIMENTAL: this API may change, or be removed, without prior notice.
 *
 * Allocate a PASID and attach it to an address space on a set of devices
 * (rte_iommufd_space_attach() per device, in order), checking first that
 * the namespace's width fits every device. If an attach fails, the devices
 * already attached are detached again; the PASID is freed only if all of
 * those detaches succeed.
 *
 * @param sp
 *   The address space.
 * @param ns
 *   The namespace.
 * @param owner
 *   Owner slot, or RTE_PASID_OWNER_NONE.
 * @param devs
 *   The devices.
 * @param n
 *   Their number.
 * @param pasid
 *   Set to the PASID on success; on a failure whose rollback failed too,
 *   set to the PASID that stays allocated (else to 0).
 * @return
 *   0, or the errno of rte_pasid_alloc() or of the failed attach; -EIO
 *   when the rollback failed as well (the PASID in @p pasid stays
 *   allocated: unbind it to retry); -ERANGE when the namespace is wider
 *   than a device allows, -EOPNOTSUPP when a device has no PASID.
 */
__rte_iommufd_experimental
int rte_iommufd_space_pasid_bind(struct rte_iommufd_space *sp, struct rte_pasid_space *ns,
		unsigned int owner, struct rte_iommufd_device *const *devs, unsigned int n,
		uint32_t *pasid);

/**
 * @warning
 * @b EXPERIMENTAL: this API may change, or be removed, without prior notice.
 *
 * Detach a PASID from an address space on a set of devices and free it
 * once all detaches succeeded (devices no longer attached count as done).
 * Every device is tried even after a failure.
 *
 * @param sp
 *   The address space.
 * @param ns
 *   The namespace.
 * @param owner
 *   The owner it was bound for.
 * @param devs
 *   The devices.
 * @param n
 *   Their number.
 * @param pasid
 *   The PASID.
 * @return
 *   0 (detached everywhere and freed), or the first detach error (the
 *   PASID stays allocated; call again to retry), -ENOENT if the PASID is
 *   not allocated in @p ns, -EPERM if another owner holds it (nothing is
 *   detached).
 */
__rte_iommufd_experimental
int rte_iommufd_space_pasid_unbind(struct rte_iommufd_space *sp, struct rte_pasid_space *ns,
		unsigned int owner, struct rte_iommufd_device *const *devs, unsigned int n,
		uint32_t pasid);

#ifdef __cplusplus
}
#endif

#endif /* _RTE_IOMMUFD_PASID_H_ */
