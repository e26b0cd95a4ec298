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
 * The core works through two callbacks (attach and detach one device),
 * which makes the rule testable on its own; rte_iommufd_space_pasid_bind()
 * is the same over lib/iommufd address spaces.
 */

#include <stdint.h>

#include "rte_iommufd.h"
#include "rte_pasid.h"

#ifdef __cplusplus
extern "C" {
#endif

/** How the binding core reaches the devices. */
struct rte_iommufd_pasid_ops {
	/** Attach @p pasid on device @p idx; 0 or a negative errno. */
	int (*attach)(void *arg, unsigned int idx, uint32_t pasid);
	/**
	 * Detach @p pasid from device @p idx; 0 also when it was not
	 * attached; a negative errno when the device may still use it.
	 */
	int (*detach)(void *arg, unsigned int idx, uint32_t pasid);
};

/**
 * @warning
 * @b EXPERIMENTAL: this API may change, or be removed, without prior notice.
 *
 * Allocate a PASID and attach it on devices 0..n-1, in order. If an attach
 * fails, the devices already attached are detached again; the PASID is
 * freed only if all of those detaches succeed.
 *
 * @param ns
 *   The PASID namespace (its width must fit every device).
 * @param owner
 *   Owner slot for the allocation (rte_pasid_owner_register()), or
 *   RTE_PASID_OWNER_NONE.
 * @param n
 *   Number of devices (at least 1).
 * @param ops
 *   Attach and detach.
 * @param arg
 *   Passed to @p ops.
 * @param pasid
 *   Set to the PASID on success; on a failure whose rollback failed too,
 *   set to the PASID that stays allocated (else to 0).
 * @return
 *   0, or the errno of rte_pasid_alloc() or of the failed attach; -EIO
 *   when the rollback failed as well (the PASID in @p pasid stays
 *   allocated: unbind it to retry).
 */
__rte_iommufd_experimental
int rte_iommufd_pasid_bind_ops(struct rte_pasid_space *ns, unsigned int owner,
		unsigned int n, const struct rte_iommufd_pasid_ops *ops, void *arg,
		uint32_t *pasid);

/**
 * @warning
 * @b EXPERIMENTAL: this API may change, or be removed, without prior notice.
 *
 * Detach a PASID from devices 0..n-1 and free it once every detach
 * succeeded. Every device is tried even after a failure.
 *
 * @param ns
 *   The namespace the PASID came from.
 * @param owner
 *   The owner it was bound for (as given to rte_iommufd_pasid_bind_ops()).
 * @param pasid
 *   The PASID.
 * @param n
 *   Number of devices.
 * @param ops
 *   Attach and detach.
 * @param arg
 *   Passed to @p ops.
 * @return
 *   0 (detached everywhere and freed), or the first detach error (the
 *   PASID stays allocated; call again to retry), -ENOENT if the PASID is
 *   not allocated in @p ns, -EPERM if another owner holds it (nothing is
 *   detached).
 */
__rte_iommufd_experimental
int rte_iommufd_pasid_unbind_ops(struct rte_pasid_space *ns, unsigned int owner,
		uint32_t pasid, unsigned int n, const struct rte_iommufd_pasid_ops *ops, void *arg);

/**
 * @warning
 * @b EXPERIMENTAL: this API may change, or be removed, without prior notice.
 *
 * Allocate a PASID and attach it to an address space on a set of devices
 * (rte_iommufd_space_attach() per device), checking first that the
 * namespace's width fits every device.
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
 *   As for rte_iommufd_pasid_bind_ops().
 * @return
 *   As rte_iommufd_pasid_bind_ops(), and -ERANGE when the namespace is
 *   wider than a device allows, -EOPNOTSUPP when a device has no PASID.
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
 *   As rte_iommufd_pasid_unbind_ops().
 */
__rte_iommufd_experimental
int rte_iommufd_space_pasid_unbind(struct rte_iommufd_space *sp, struct rte_pasid_space *ns,
		unsigned int owner, struct rte_iommufd_device *const *devs, unsigned int n,
		uint32_t pasid);

#ifdef __cplusplus
}
#endif

#endif /* _RTE_IOMMUFD_PASID_H_ */
