/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright(c) 2026 The dpdk-iommufd authors
 */

/*
 * The PASID test device (buildtools/testdev/pasid_testdev.h) driven from
 * a DPDK application through DPDK's public VFIO API: rte_vfio_setup_device()
 * (which the adapter serves over iommufd), BAR0 mapped from the VFIO
 * device, descriptors and buffers in DPDK memory.
 */

#ifndef _PASID_SVA_PTD_H_
#define _PASID_SVA_PTD_H_

#include <stdint.h>

struct ptd;

/* Set the device up and start its copy engine: 0 or a negative errno. */
int ptd_open(const char *bdf, struct ptd **ptdp);

/*
 * Copy @len bytes of a pattern of (@lcore, @pasid) through the device
 * between two fresh DPDK buffers, wait for the completion and check the
 * copy. Thread-safe. Returns 0 or a negative errno (-EIO: the device
 * refused a DMA, -ETIMEDOUT: no completion, -EBADMSG: wrong data).
 */
int ptd_work(struct ptd *ptd, unsigned int lcore, uint32_t pasid, uint32_t len);

/* Bytes the device says it copied (its counter). */
uint64_t ptd_bytes(struct ptd *ptd);

/* Stop the engine, unmap BAR0, release the device. */
void ptd_close(struct ptd *ptd);

#endif /* _PASID_SVA_PTD_H_ */
