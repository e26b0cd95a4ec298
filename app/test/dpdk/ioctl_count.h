/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright(c) 2026 The dpdk-iommufd authors
 */

#ifndef _IOCTL_COUNT_H_
#define _IOCTL_COUNT_H_

#include <stdint.h>

/* DMA map requests (IOMMU_IOAS_MAP, _MAP_FILE, VFIO_IOMMU_MAP_DMA) that succeeded. */
uint64_t ioctl_count_maps(void);

/* DMA unmap requests (IOMMU_IOAS_UNMAP, VFIO_IOMMU_UNMAP_DMA) that succeeded. */
uint64_t ioctl_count_unmaps(void);

/* Of those, IOMMU_IOAS_MAP_FILE requests. */
uint64_t ioctl_count_map_files(void);

/*
 * Time spent in the map and unmap requests (failed ones included), in ns:
 * wall time, and the calling threads' CPU time (in the kernel).
 */
uint64_t ioctl_count_map_ns(void);
uint64_t ioctl_count_unmap_ns(void);
uint64_t ioctl_count_map_cpu_ns(void);
uint64_t ioctl_count_unmap_cpu_ns(void);

#endif /* _IOCTL_COUNT_H_ */
