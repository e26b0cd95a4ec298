/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright(c) 2026 The dpdk-iommufd authors
 */

#ifndef _IOMMUFD_MP_H_
#define _IOMMUFD_MP_H_

/*
 * The adapter's multi-process messages (iommufd_mp.c), on the wire:
 * action IFB_MP_ACTION, one struct ifb_mp_param as the parameter, each way.
 * Internal; the life-cycle test's fake primary speaks it too.
 */

#include <stdint.h>

#define IFB_MP_ACTION "bus_iommufd_mp"

enum ifb_mp_req {
	IFB_MP_REQ_MODE = 1,	/* result: 1 if the primary serves VFIO over iommufd */
	IFB_MP_REQ_IOMMUFD,	/* fds[0]: the iommufd; ioas_id: default IOAS */
	IFB_MP_REQ_DEVICE,	/* fds[0]: the VFIO cdev fd of device "name" */
	IFB_MP_REQ_MAPPED,	/* mapped: ifb_mapped_as() of va/iova/len, "name": the overlap */
};

struct ifb_mp_param {
	int req;
	int result;		/* 0 (or 1 for MODE), or a negative errno */
	uint32_t ioas_id;
	int32_t mapped;
	int32_t pid;		/* IOMMUFD: the secondary's */
	uint64_t va, iova, len;
	char name[160];
};

#endif /* _IOMMUFD_MP_H_ */
