/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright(c) 2026 The dpdk-iommufd authors
 */

/* The application API of rte_bus_iommufd.h. */

#include <errno.h>
#include <string.h>

#include <rte_errno.h>

#include "bus_iommufd_private.h"
#include "rte_bus_iommufd.h"

enum rte_bus_iommufd_mode
rte_bus_iommufd_mode(void)
{
	switch (__atomic_load_n(&ifb.mode, __ATOMIC_ACQUIRE)) {
	case IFB_MODE_IOMMUFD:
		return RTE_BUS_IOMMUFD_MODE_IOMMUFD;
	case IFB_MODE_TYPE1:
		return RTE_BUS_IOMMUFD_MODE_TYPE1;
	case IFB_MODE_FAILED:
		return RTE_BUS_IOMMUFD_MODE_FAILED;
	default:
		return RTE_BUS_IOMMUFD_MODE_UNDECIDED;
	}
}

int
rte_bus_iommufd_stats_get(struct rte_bus_iommufd_stats *stats)
{
	struct ifb_device *idev;
	unsigned int i;

	if (stats == NULL) {
		rte_errno = EINVAL;
		return -EINVAL;
	}
	memset(stats, 0, sizeof(*stats));
	if (rte_bus_iommufd_mode() != RTE_BUS_IOMMUFD_MODE_IOMMUFD) {
		rte_errno = ENOTSUP;
		return -ENOTSUP;
	}
	pthread_mutex_lock(&ifb.lock);
	stats->mapped_bytes = ifb.memseg_bytes;
	stats->map_calls = ifb.map_calls;
	stats->unmap_calls = ifb.unmap_calls;
	stats->map_errors = ifb.map_errors;
	stats->map_splits = ifb.map_splits;
	TAILQ_FOREACH(idev, &ifb.devices, next)
		stats->devices++;
	for (i = 0; i < IFB_MAX_CONTAINERS; i++)
		if (ifb.conts[i].used)
			stats->user_maps += ifb.conts[i].nb_maps;
	pthread_mutex_unlock(&ifb.lock);
	return 0;
}
