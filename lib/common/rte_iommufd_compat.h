/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright(c) 2026 The dpdk-iommufd authors
 */

#ifndef _RTE_IOMMUFD_COMPAT_H_
#define _RTE_IOMMUFD_COMPAT_H_

/**
 * @file
 * ABI markers of the dpdk-iommufd libraries, as DPDK's rte_compat.h has
 * them, without needing DPDK.
 *
 * Each library exports what its version map (lib/NAME/version.map)
 * lists: the stable node IOMMUFD_0 (removing or changing one of its
 * symbols means a new soname) and the node EXPERIMENTAL (may change or go
 * away in any release). Functions of the EXPERIMENTAL node are declared
 * with __rte_iommufd_experimental and documented with
 * "@warning @b EXPERIMENTAL". Calling one warns at compile time unless
 * the caller defines ALLOW_EXPERIMENTAL_API, as with DPDK's own
 * experimental API. Their definitions go to the section
 * .text.experimental, which the fast test 'exports' compares with the
 * version maps.
 */

#ifndef ALLOW_EXPERIMENTAL_API
#define __rte_iommufd_experimental \
	__attribute__((deprecated("Symbol is not yet part of stable ABI"), \
		section(".text.experimental")))
#else
#define __rte_iommufd_experimental \
	__attribute__((section(".text.experimental")))
#endif

#endif /* _RTE_IOMMUFD_COMPAT_H_ */
